"""UAVDT: three sequences with the same frame names and repeating track ids, ignore regions, both
GT forms, the GT folder in either place."""

from pathlib import Path

import numpy as np
import orjson
import pytest

import xsvid_convert as xc
from xsvid_convert import formats
from xsvid_convert.errors import ConvertError
from xsvid_convert.tools import categories, roundtrip, stats
from xsvid_convert.tools.roundtrip_records import EXTRAS

from helpers import assert_differs_only_by

SIZE = (80, 60)
M0101_WHOLE = ["1,1,10,10,8,6,1,1,1", "2,1,12,10,8,6,1,2,1", "3,1,14,11,8,6,2,3,1",
               "1,2,40,20,12,9,1,1,2", "2,2,41,21,12,9,3,4,2", "4,3,60,40,15,12,1,1,3"]
M0101_GT = ["1,1,10,10,8,6,1,-1,-1", "2,1,12,10,8,6,1,-1,-1", "3,1,14,11,8,6,1,-1,-1",
            "1,2,40,20,12,9,1,-1,-1", "2,2,41,21,12,9,1,-1,-1", "4,3,60,40,15,12,1,-1,-1"]
# region ids repeat the track ids: regions must not join those tracks
M0101_IGNORE = ["1,1,0,50,30,10,-1,-1,-1", "2,1,0,50,30,10,-1,-1,-1"]
M0202_WHOLE = ["1,1,5,5,10,10,1,1,2", "1,2,30,30,10,10,1,1,1", "3,1,7,6,10,10,1,1,2"]
M0202_IGNORE = ["2,0,50,40,20,15"]  # six columns, as the public readers use them
M0303_GT = ["1,1,10,10,8,8,1,-1,-1", "2,1,11,10,8,8,1,-1,-1", "1,2,50,30,6,6,0,-1,-1"]  # MOT form only


def jpeg(path: Path, size=SIZE) -> None:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (90, 90, 90)).save(path, "JPEG")


def make_uavdt(root: Path, gt: str = "GT") -> Path:
    for seq in ("M0101", "M0202", "M0303"):
        for k in range(1, 5):
            jpeg(root / "UAV-benchmark-M" / seq / f"img{k:06d}.jpg")
    files = {"M0101_gt_whole.txt": "\n".join(M0101_WHOLE) + "\n", "M0101_gt.txt": "\n".join(M0101_GT) + "\n",
             "M0101_gt_ignore.txt": "\n".join(M0101_IGNORE) + "\n",
             "M0202_gt_whole.txt": "\ufeff" + "\r\n".join(M0202_WHOLE) + "\r\n",  # BOM and CRLF
             "M0202_gt_ignore.txt": "\n".join(M0202_IGNORE),  # no final newline
             "M0303_gt.txt": "\n".join(M0303_GT) + "\n"}
    (root / gt).mkdir(parents=True)
    for name, text in files.items():
        (root / gt / name).write_bytes(text.encode("utf-8"))
    return root


@pytest.fixture
def uavdt(tmp_path) -> Path:
    return make_uavdt(tmp_path / "uavdt")


def test_read_keeps_sequences_apart_and_sizes_from_the_jpeg(uavdt):
    ds = xc.read(uavdt)  # detected
    assert [v.name for v in ds.videos] == ["M0101", "M0202", "M0303"]
    assert len(ds.frames) == 12 and len({f.file_name for f in ds.frames}) == 12
    assert ds.frames[4].file_name == "M0202/img000001.jpg" and ds.frames[4].frame_index == 0
    assert {(f.width, f.height) for f in ds.frames} == {SIZE}
    b = ds.boxes
    regions = b.category_id == 0
    assert regions.sum() == 3 and b.ignore[regions].all() and (b.track_id[regions] == -1).all()
    vehicle = b.category_id == 4
    assert vehicle.sum() == 3 and b.ignore[vehicle].tolist() == [False, False, True]
    assert b.extra(2) == {"uavdt_out_of_view": 2, "uavdt_occlusion": 3}
    assert b.extra(13) == {}  # MOT form: -1, -1


def test_read_write_is_byte_identical(uavdt, tmp_path):
    xc.write(xc.read(uavdt, "uavdt"), tmp_path / "out", "uavdt")
    for path in (uavdt / "GT").iterdir():
        assert (tmp_path / "out/GT" / path.name).read_bytes() == path.read_bytes(), path.name
    # M0202 had no _gt.txt: its MOT form is made from the whole rows
    assert (tmp_path / "out/GT/M0202_gt.txt").read_bytes() == b"\xef\xbb\xbf1,1,5,5,10,10,1,-1,-1\r\n1,2,30,30,10,10,1,-1,-1\r\n" \
                                                              b"3,1,7,6,10,10,1,-1,-1\r\n"  # the style of its sibling
    assert sorted(p.name for p in (tmp_path / "out/UAV-benchmark-M/M0303").iterdir()) == \
        [f"img{k:06d}.jpg" for k in range(1, 5)]


def test_exact_stats(uavdt):
    assert stats.compute(xc.read(uavdt, "uavdt")) == {
        "frames": 12, "videos": 3, "boxes": 15, "ignored": 4,
        "categories": {"ignore": 3, "car": 4, "truck": 4, "bus": 1, "vehicle": 3},
        "size_buckets": {"es": 10, "rs": 1, "gs": 0, "medium": 0, "large": 0},
        "tracks": 7, "track_lengths": {"min": 1, "median": 2.0, "mean": 1.714, "max": 3},
        "per_video": {"M0101": {"frames": 4, "boxes": 8}, "M0202": {"frames": 4, "boxes": 4},
                      "M0303": {"frames": 4, "boxes": 3}},
    }


def test_ignore_regions_are_crowd_in_coco_and_levels_travel_as_extras(uavdt, tmp_path):
    xc.convert(uavdt, tmp_path / "u.json", "uavdt", "coco")
    doc = orjson.loads((tmp_path / "u.json").read_bytes())
    names = {c["id"]: c["name"] for c in doc["categories"]}
    crowd = [(names[a["category_id"]], a["iscrowd"]) for a in doc["annotations"] if a["iscrowd"]]
    assert crowd == [("ignore", 1), ("ignore", 1), ("ignore", 1), ("vehicle", 1)]
    assert doc["annotations"][2]["uavdt_out_of_view"] == 2 and doc["annotations"][2]["uavdt_occlusion"] == 3
    xc.convert(tmp_path / "u.json", tmp_path / "back", "coco", "uavdt", images="none")
    for name in ("M0101_gt_whole.txt", "M0202_gt_whole.txt", "M0303_gt.txt"):
        assert (tmp_path / "back/GT" / name).read_text() == (uavdt / "GT" / name).read_text(encoding="utf-8-sig")


def test_gt_folder_of_the_download_and_whole_wins_over_mot_form(tmp_path):
    root = make_uavdt(tmp_path / "u", gt="UAV-benchmark-MOTD_v1.0/GT")
    (root / "UAV-benchmark-MOTD_v1.0/GT/M0202_gt.txt").write_text("1,9,1,1,5,5,1,-1,-1\n")  # not read
    assert formats.detect(root).name == "uavdt"
    ds = xc.read(root)
    assert 9 not in ds.boxes.track_id.tolist() and len(ds.boxes) == 15
    assert sorted(formats.get("uavdt").annotation_files(root, None)) == [
        "M0101_gt_ignore.txt", "M0101_gt_whole.txt", "M0202_gt_ignore.txt", "M0202_gt_whole.txt", "M0303_gt.txt"]


def test_detection_picks_the_right_format(uavdt, tmp_path):
    from test_video_formats import make_visdrone

    assert formats.detect(uavdt).name == "uavdt"
    assert formats.detect(make_visdrone(tmp_path / "vid")).name == "visdrone"
    xc.convert(uavdt, tmp_path / "mot", "uavdt", "mot")
    assert formats.detect(tmp_path / "mot").name == "mot"
    assert formats.get("uavdt").detect(tmp_path / "mot") == 0
    assert formats.get("uavdt").detect(tmp_path / "vid") == 0


def test_ignored_boxes_of_other_formats_become_regions(uavdt, tmp_path):
    ds = xc.read(uavdt, "uavdt")
    ds.boxes.ignore[0] = True  # an ignored car
    ds.boxes.category_id[12:15] = 1  # the MOT-form sequence as cars: written in the whole form
    run = xc.write(ds, tmp_path / "out", "uavdt", images="none")
    assert any("written as ignore regions" in note for note in run.notes)
    assert (tmp_path / "out/GT/M0101_gt_ignore.txt").read_text().splitlines() == \
        ["1,-1,10,10,8,6,1,1,-1"] + M0101_IGNORE
    assert (tmp_path / "out/GT/M0303_gt_whole.txt").read_text().splitlines() == \
        ["1,1,10,10,8,8,-1,-1,1", "2,1,11,10,8,8,-1,-1,1"]


def test_writer_refuses_categories_outside_the_table(tmp_path):
    from test_video_formats import make_visdrone

    with pytest.raises(ConvertError, match="UAVDT's categories are 0 ignore, 1 car"):
        xc.convert(make_visdrone(tmp_path / "vd"), tmp_path / "out", "visdrone", "uavdt")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("row,message", [
    ("1,1,1,1,5,5,1,1,7", "category 7 is not UAVDT's"),
    ("0,1,1,1,5,5,1,1,1", "frame numbers start at 1"),
    ("1,1.5,1,1,5,5,1,1,1", "target id must be a whole number"),
    ("1,1,1,1,5,5,1,1", "expected 9 comma-separated UAVDT columns, found 8"),
    ("900000000,1,1,1,5,5,1,1,1", "far beyond what the sequence holds"),
])
def test_bad_rows_name_file_and_line(uavdt, row, message):
    path = uavdt / "GT/M0101_gt_whole.txt"
    path.write_text("\n".join(M0101_WHOLE[:2] + [row]) + "\n")
    with pytest.raises(ConvertError) as err:
        xc.read(uavdt, "uavdt")
    assert str(err.value).startswith(f"{path}:3: ") and message in str(err.value)


def test_lenient_skips_a_bad_row(uavdt):
    (uavdt / "GT/M0101_gt_whole.txt").write_text("\n".join(M0101_WHOLE[:2] + ["1,1,1,1,5,5,1,1,7"]) + "\n")
    run = xc.Run(lenient=True)
    assert len(xc.read(uavdt, "uavdt", run=run).boxes) == 11 and run.counts["skipped"] == 1


def test_preset_maps_uavdt_onto_xsvid_v2(uavdt):
    preset = categories.PRESETS["uavdt-to-xsvid"]
    assert preset["ids"] == {"bicycle-static": 0, "bicycle-person": 1, "car": 2, "person": 3, "ignore": 4,
                             "truck": 5, "boat": 6}
    assert preset["map"] == {"car": "car", "truck": "truck", "bus": "truck", "vehicle": "car", "ignore": "ignore"}
    mapped = categories.apply(xc.read(uavdt, "uavdt"), preset)
    assert [(c.id, c.name) for c in mapped.categories] == list(enumerate(categories.XSVID_V2))  # all seven
    assert np.bincount(mapped.boxes.category_id).tolist() == [0, 0, 7, 0, 3, 5]
    assert mapped.boxes.ignore[mapped.boxes.category_id == 4].all()


OTHERS = [name for name, spec in formats.FORMATS.items() if name != "uavdt" and not spec.results]


@pytest.mark.parametrize("via", OTHERS)
def test_uavdt_through_every_format_round_trips_within_the_loss_matrix(uavdt, tmp_path, via):
    result = roundtrip.check(uavdt, "uavdt", via, tmp_path)
    # UAVDT's codes are lost by every format that keeps no other keys, and the loss matrix does not say so
    assert_differs_only_by(result, *[] if EXTRAS in formats.get(via).carries else ["uavdt codes lost"])
    assert result.lost == formats.loss("uavdt", via)


def test_uavdt_round_trip_reports_identical_files(uavdt, tmp_path):
    result = roundtrip.check(uavdt, "uavdt", "uavdt", tmp_path)
    assert result.ok and result.files_checked == 5, result.text()
