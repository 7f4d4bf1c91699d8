"""VisDrone2019-DET: independent images, one annotation file each, trailing commas, CRLF, ignored
regions and score-0 boxes, an image without an annotation file, results-shaped rows."""

from pathlib import Path

import orjson
import pytest

import xsvid_convert as xc
from xsvid_convert import formats
from xsvid_convert.errors import ConvertError
from xsvid_convert.synthetic import write_dataset, xsvid_coco
from xsvid_convert.tools import roundtrip, stats

from test_uavdt import jpeg, make_uavdt

A, B, C, D = "0000002_00005_d_0000014", "0000002_00448_d_0000015", "9999985_00000_d_0000020", "9999999_00590_d_0000267"
ROWS = {
    A: b"50,0,30,20,0,0,0,0,\n1,1,10,12,1,4,0,1,\n12,30,8,20,1,1,0,0,\n20,20,6,0,1,2,0,0,\n",  # trailing commas, h=0
    B: b"5,5,20,10,1,6,1,2\r\n30,30,10,10,0,9,0,0\r\n0,33,15,15,1,11,1,0\r\n",  # CRLF; score 0: ignored bus
    D: b"",  # an image without objects
}
SIZES = {A: (80, 60), B: (64, 48), C: (80, 60), D: (32, 32)}  # C has no annotation file


def make_det(root: Path) -> Path:
    for name, size in SIZES.items():
        jpeg(root / "images" / f"{name}.jpg", size)
    (root / "annotations").mkdir()
    for name, data in ROWS.items():
        (root / "annotations" / f"{name}.txt").write_bytes(data)
    return root


@pytest.fixture
def det(tmp_path) -> Path:
    return make_det(tmp_path / "det")


def test_read_flags_ignores_and_keeps_frames_without_video(det):
    ds = xc.read(det)  # detected
    assert [f.file_name for f in ds.frames] == [f"{n}.jpg" for n in (A, B, C, D)]
    assert [(f.width, f.height) for f in ds.frames] == list(SIZES.values())
    assert not ds.videos and all(f.video_id is None for f in ds.frames)
    assert ds.boxes.ignore.tolist() == [True, False, False, False, False, True, False]
    assert ds.boxes.truncation.tolist()[4:] == [1.0, 0.0, 1.0]
    assert (ds.boxes.track_id == -1).all()


def test_read_write_is_byte_identical(det, tmp_path):
    xc.write(xc.read(det, "visdrone-det"), tmp_path / "out", "visdrone-det")
    for name, data in ROWS.items():
        assert (tmp_path / "out/annotations" / f"{name}.txt").read_bytes() == data
    assert not (tmp_path / "out/annotations" / f"{C}.txt").exists()  # it had none
    assert sorted(p.name for p in (tmp_path / "out/images").iterdir()) == [f"{n}.jpg" for n in (A, B, C, D)]
    result = roundtrip.check(det, "visdrone-det", "visdrone-det", tmp_path / "rt")
    assert result.ok and result.files_checked == 3, result.text()


def test_exact_stats(det):
    names = ["ignored regions", "pedestrian", "people", "bicycle", "car", "van", "truck", "tricycle",
             "awning-tricycle", "bus", "motor", "others"]
    counts = dict.fromkeys(names, 0) | {"ignored regions": 1, "pedestrian": 1, "people": 1, "car": 1, "truck": 1,
                                        "bus": 1, "others": 1}
    assert stats.compute(xc.read(det, "visdrone-det")) == {
        "frames": 4, "videos": 0, "boxes": 7, "ignored": 2, "categories": counts,
        "size_buckets": {"es": 2, "rs": 3, "gs": 0, "medium": 0, "large": 0},
        "tracks": 0, "track_lengths": None, "per_video": {},
    }


def test_ignored_boxes_are_crowd_in_coco(det, tmp_path):
    xc.convert(det, tmp_path / "d.json", "visdrone-det", "coco")
    doc = orjson.loads((tmp_path / "d.json").read_bytes())
    assert [a["iscrowd"] for a in doc["annotations"]] == [1, 0, 0, 0, 0, 1, 0]
    assert [i["file_name"] for i in doc["images"]] == [f"{n}.jpg" for n in (A, B, C, D)]


def test_boxes_with_scores_only_are_written_as_results(det, tmp_path):
    ds = xc.read(det, "visdrone-det")
    b = ds.boxes
    b.score[:] = [0.5, 0.93, 0.25, 0.125, 0.75, 0.5, 0.0625]
    b.ignore[:] = False
    b.truncation[:] = float("nan")
    b.occlusion[:] = float("nan")
    xc.write(ds, tmp_path / "res", "visdrone-det", images="none")
    assert (tmp_path / "res/annotations" / f"{B}.txt").read_text() == \
        "5,5,20,10,0.75,6,-1,-1\n30,30,10,10,0.5,9,-1,-1\n0,33,15,15,0.0625,11,-1,-1\n"
    back = xc.read(tmp_path / "res", "visdrone-det", image_size=(80, 60))
    assert back.boxes.score.tolist() == b.score.tolist()
    assert back.boxes.ignore.tolist() == [True] + [False] * 6  # category 0 is an ignored region whatever its score


def test_frames_of_videos_get_flat_names_that_read_back(tmp_path):
    coco = write_dataset(tmp_path / "x", xsvid_coco(videos=2, frames=2, tracks=2))
    run = xc.convert(coco, tmp_path / "det", "coco", "visdrone-det")
    assert any("no videos" in note for note in run.notes)
    assert sorted(p.name for p in (tmp_path / "det/annotations").iterdir())[0] == "video_001%2F0000000.txt"
    assert [f.file_name for f in xc.read(tmp_path / "det").frames][:2] == ["video_001/0000000.png",
                                                                          "video_001/0000001.png"]


def test_detection_picks_the_right_format(det, tmp_path):
    from test_video_formats import make_visdrone

    vid = make_visdrone(tmp_path / "vid")
    assert formats.detect(det).name == "visdrone-det"
    assert formats.detect(vid).name == "visdrone"
    assert formats.get("visdrone-det").detect(vid) == 0
    (vid / "sequences").rename(tmp_path / "elsewhere")  # 10 columns: still VisDrone-VID
    assert formats.detect(vid).name == "visdrone"
    assert formats.detect(make_uavdt(tmp_path / "u")).name == "uavdt"
    xc.convert(det, tmp_path / "mot", "visdrone-det", "mot")
    assert formats.detect(tmp_path / "mot").name == "mot"
    coco_root = tmp_path / "coco"  # images/ and annotations/*.json: not ours
    jpeg(coco_root / "images/a.jpg")
    (coco_root / "annotations").mkdir()
    (coco_root / "annotations/train.json").write_text("{}")
    assert formats.get("visdrone-det").detect(coco_root) == 0


def test_bad_inputs_name_file_and_line(det):
    path = det / "annotations" / f"{A}.txt"
    for rows, message in ((b"1,1,10,12,1,4,0,1,\n1,1,10,12,1,12,0,1\n", "category 12 is not in VisDrone's table"),
                          (b"1,1,10,12,1,4,0,1,0,0\n", "expected 8 comma-separated VisDrone-DET columns, found 10"),
                          (b"1,1,10,12,1,4.5,0,1\n", "category must be a whole number")):
        path.write_bytes(rows)
        with pytest.raises(ConvertError, match=message) as err:
            xc.read(det, "visdrone-det")
        assert str(err.value).startswith(f"{path}:{len(rows.splitlines())}: ")
    jpeg(det / "images" / f"{A}.png")
    with pytest.raises(ConvertError, match="the same name"):
        xc.read(det, "visdrone-det")


def test_lenient_skips_a_bad_row(det):
    (det / "annotations" / f"{A}.txt").write_bytes(b"1,1,10,12,1,4,0,1,\n1,1,10,12,1,12,0,1\n")
    run = xc.Run(lenient=True)
    assert len(xc.read(det, "visdrone-det", run=run).boxes) == 4 and run.counts["skipped"] == 1


# ------------------------------------------------------------------ every direction

OTHERS = [name for name, spec in formats.FORMATS.items() if name != "visdrone-det" and not spec.results]


def uavdt_shaped_det(tmp_path: Path) -> Path:
    """UAVDT's categories fit only a dataset that uses VisDrone's ids 0..4."""
    xc.convert(make_uavdt(tmp_path / "u"), tmp_path / "det_u", "uavdt", "visdrone-det")
    return tmp_path / "det_u"


@pytest.mark.parametrize("via", OTHERS)
def test_visdrone_det_through_every_format_round_trips_within_the_loss_matrix(det, tmp_path, via):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    src = uavdt_shaped_det(tmp_path) if via == "uavdt" else det
    result = roundtrip.check(src, "visdrone-det", via, scratch)
    assert result.ok, result.text()
    assert result.lost == formats.loss("visdrone-det", via)


