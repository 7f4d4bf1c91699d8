"""What the loss matrix promises, on files shaped like the real ones: several sequences whose
track ids repeat, CocoVID with 0-based instance ids, trailing frames without boxes, MOT15 rows,
gt beside det, TAO-like video names with '/', booleans, integers and `_keys` in JSON, CRLF/BOM."""

from pathlib import Path

import orjson
import pytest

import xsvid_convert as xc
from xsvid_convert.tools import roundtrip, stats
from xsvid_convert.tools.roundtrip import typed_difference

from helpers import assert_differs_only_by, cli


def mot_root(root: Path, rows: dict[str, str], length: int = 6, seqinfo: bool = True, det: str | None = None) -> Path:
    """Sequences A, B, ... whose track ids repeat, grouped by track, with frames past the last box."""
    for name, text in rows.items():
        seq = root / name
        (seq / "gt").mkdir(parents=True)
        (seq / "gt" / "gt.txt").write_text(text)
        if det is not None:
            (seq / "det").mkdir()
            (seq / "det" / "det.txt").write_text(det)
        if seqinfo:
            (seq / "seqinfo.ini").write_text(f"[Sequence]\nname={name}\nimDir=img1\nframeRate=25\nseqLength={length}\n"
                                             "imWidth=64\nimHeight=48\nimExt=.jpg\n")
    return root


MOT_ROWS = {"A": "1,1,1,2,3,4,1,1,1\n2,1,2,2,3,4,1,1,0.5\n1,2,9,9,4,4,0,7,0.25\n",
            "B": "1,1,5,5,3,3,1,1,1\n3,1,6,5,3,3,1,1,1\n"}


@pytest.mark.parametrize("sequence_format", ["mot", "visdrone"])
def test_sequence_track_ids_survive_cocovid(tmp_path, sequence_format):
    src = mot_root(tmp_path / "mot", MOT_ROWS)
    if sequence_format == "visdrone":
        xc.convert(src, tmp_path / "vd", "mot", "visdrone", category_map=None, images="none")
        src = tmp_path / "vd"
    xc.convert(src, tmp_path / "v.json", sequence_format, "cocovid", image_size=(64, 48))
    xc.convert(tmp_path / "v.json", tmp_path / "back", "cocovid", sequence_format, images="none")
    before, after = xc.read(src, sequence_format, image_size=(64, 48)), xc.read(tmp_path / "back", sequence_format,
                                                                               image_size=(64, 48))
    assert after.boxes.track_id.tolist() == before.boxes.track_id.tolist() == [1, 1, 2, 1, 1]


def test_cocovid_instance_ids_and_ignored_scores_through_mot(tmp_path):
    doc = {"categories": [{"id": 1, "name": "pedestrian"}], "videos": [{"id": 1, "name": "S", "fps": 30}],
           "images": [{"id": k + 1, "file_name": f"S/img1/{k + 1:06d}.jpg", "width": 64, "height": 48, "video_id": 1,
                       "frame_id": k} for k in range(3)],
           "annotations": [{"id": k + 1, "image_id": k + 1, "category_id": 1, "bbox": [1.0, 2.0, 3.0, 4.0],
                            "area": 12.0, "iscrowd": False, "instance_id": k, "mot_conf": 1.0, "visibility": 1.0}
                           for k in range(3)]}
    src = tmp_path / "v.json"
    src.write_bytes(orjson.dumps(doc))
    xc.convert(src, tmp_path / "mot", "cocovid", "mot", images="none")
    xc.convert(tmp_path / "mot", tmp_path / "back.json", "mot", "cocovid")
    back = orjson.loads((tmp_path / "back.json").read_bytes())
    assert [a["instance_id"] for a in back["annotations"]] == [0, 1, 2]  # 0-based ids kept: they are unique
    assert back["videos"][0]["fps"] == 30 and isinstance(back["videos"][0]["fps"], int)
    # an ignored box's mot_conf cannot survive MOT, where conf 0 is the ignore flag: the matrix says so
    doc["annotations"][1].update(iscrowd=True)
    src.write_bytes(orjson.dumps(doc))
    result = roundtrip.check(src, "cocovid", "mot", tmp_path / "scratch" if (tmp_path / "scratch").mkdir() is None else None)
    assert result.ok and "scores of ignored boxes (written as 0)" in result.lost, result.text()


def test_json_written_back_keeps_keys_and_types(tmp_path):
    doc = {"_comment": "made by hand", "images": [
        {"id": 1, "file_name": "a\\b\\0001.jpg", "width": 640, "height": 480, "_flag": True},
        {"id": 2, "file_name": "./a/0002.jpg", "width": 640, "height": 480}],
        "categories": [{"id": 3, "name": "car", "_color": [1, 2, 3]}],
        "annotations": [
            {"id": 5, "image_id": 1, "category_id": 3, "bbox": [1, 2, 3, 4], "area": 12, "iscrowd": False},
            {"id": 6, "image_id": 2, "category_id": 3, "bbox": [1.5, 2, 3.25, 4], "iscrowd": True, "_note": None},
            {"id": 7, "image_id": 2, "category_id": 3, "bbox": [0.0, 2.0, 3.0, 4.0], "area": 99.5, "iscrowd": 0,
             "score": 1}]}
    src = tmp_path / "a.json"
    src.write_bytes(b"\xef\xbb\xbf" + orjson.dumps(doc))  # a BOM is read, not refused
    for fmt in ("coco", "cocovid"):
        if fmt == "cocovid":
            doc["videos"] = [{"id": 1, "name": "a", "fps": 25}]
            for k, image in enumerate(doc["images"]):
                image.update(video_id=1, frame_id=k)
            src.write_bytes(orjson.dumps(doc))
        out = tmp_path / f"{fmt}.json"
        xc.write(xc.read(src, fmt), out, fmt)
        assert typed_difference(doc, orjson.loads(out.read_bytes()), "$") is None
        result = roundtrip.check(src, fmt, fmt, tmp_path / fmt if (tmp_path / fmt).mkdir() is None else None)
        assert result.ok and result.text().splitlines()[0].endswith(": identical"), result.text()


def test_frames_without_boxes_and_sequence_info_survive_json(tmp_path):
    src = mot_root(tmp_path / "mot", MOT_ROWS, length=6)
    for target in ("coco", "cocovid"):
        out = tmp_path / f"{target}.json"
        xc.convert(src, out, "mot", target)
        xc.convert(out, tmp_path / f"back_{target}", target, "mot", images="none")
        for name in ("A", "B"):
            text = (tmp_path / f"back_{target}" / name / "seqinfo.ini").read_text()
            assert "seqLength=6" in text and "imWidth=64" in text and "imHeight=48" in text and "frameRate=25" in text
        assert stats.compute(xc.read(tmp_path / f"back_{target}", "mot"))["frames"] == 12


def test_mot15_world_coordinates_survive_cocovid(fixtures, tmp_path):
    src = fixtures / "mmtracking/MOT15/train/TUD-Campus"
    xc.convert(src, tmp_path / "v.json", "mot", "cocovid", image_size=(640, 480))
    xc.convert(tmp_path / "v.json", tmp_path / "back", "cocovid", "mot", images="none")
    assert (tmp_path / "back/TUD-Campus/gt/gt.txt").read_bytes() == (src / "gt/gt.txt").read_bytes()


def test_gt_and_det_in_one_sequence_both_round_trip(tmp_path):
    det = "1,-1,1.5,2,3,4,0.91,-1,-1,-1\n2,-1,3,3,3,3,0.4,-1,-1,-1\n"
    src = mot_root(tmp_path / "mot", {"S": MOT_ROWS["A"]}, det=det)
    for kind, boxes in (("gt", 3), ("det", 2)):
        result = roundtrip.check(src, "mot", "mot", tmp_path / kind if (tmp_path / kind).mkdir() is None else None,
                                 mot_file=kind)
        assert result.ok and result.files_checked == 2, result.text()
        out = cli("stats", src, "--format", "mot", "--mot-file", kind, "--json")
        assert orjson.loads(out.stdout)["boxes"] == boxes
        assert cli("validate", src, "--format", "mot", "--mot-file", kind).returncode in (0, 1)


def test_a_results_folder_is_not_a_sequence_and_no_seqinfo_gets_none(tmp_path):
    src = mot_root(tmp_path / "mot", MOT_ROWS, seqinfo=False)
    (src / "results").mkdir()
    (src / "results" / "A.txt").write_text("1,1,1,2,3,4,0.9,-1,-1,-1\n")
    dataset = xc.read(src, "mot", image_size=(64, 48))
    assert sorted(v.name for v in dataset.videos) == ["A", "B"]
    xc.write(dataset, tmp_path / "back", "mot", images="none")
    assert not (tmp_path / "back" / "A" / "seqinfo.ini").exists()  # none, as the source had none


def test_plain_coco_through_sequence_formats_says_what_it_invents(tmp_path):
    doc = {"info": {}, "licenses": [],  # a COCO file's own (made for one from a CocoVID file without them)
           "images": [{"id": k, "file_name": f"{k:03d}.jpg", "width": 32, "height": 32} for k in (1, 2)],
           "categories": [{"id": 1, "name": "car"}],
           "annotations": [{"id": 1, "image_id": 2, "category_id": 1, "bbox": [1, 1, 4, 4], "area": 16, "iscrowd": 0}]}
    src = tmp_path / "plain.json"
    src.write_bytes(orjson.dumps(doc))
    for via in ("cocovid", "mot", "visdrone"):
        scratch = tmp_path / via
        scratch.mkdir()
        result = roundtrip.check(src, "coco", via, scratch)
        assert_differs_only_by(result, *["cocovid keys come back"] if via == "cocovid" else [])
        assert any(item.startswith("frames outside any video") for item in result.lost)


def test_video_names_with_slashes_survive_folder_formats(tmp_path):
    doc = {"info": {}, "licenses": [], "categories": [{"id": 1, "name": "car"}], "videos": [], "images": [],
           "annotations": []}
    for v, name in enumerate(("train/YFCC100M/v_1a2b", "train/LaSOT/v_9z"), 1):
        doc["videos"].append({"id": v, "name": name, "width": 64, "height": 48})
        for f, stem in enumerate(("frame0421", "frame0977")):
            image_id = len(doc["images"]) + 1
            doc["images"].append({"id": image_id, "file_name": f"{name}/{stem}.jpg", "width": 64, "height": 48,
                                  "video_id": v, "frame_index": f})
            doc["annotations"].append({"id": image_id, "image_id": image_id, "category_id": 1, "bbox": [1, 1, 5, 5],
                                       "area": 25, "iscrowd": 0, "track_id": v})
    src = tmp_path / "tao.json"
    src.write_bytes(orjson.dumps(doc))
    for via in ("mot", "visdrone", "yolo", "xsvid"):
        scratch = tmp_path / via
        scratch.mkdir()
        result = roundtrip.check(src, "coco", via, scratch, layout="yoloft")
        assert_differs_only_by(result, *["v2 keys come back"] if via == "xsvid" else [])
    xc.convert(src, tmp_path / "mot_out", "coco", "mot", images="none")
    assert sorted(p.name for p in (tmp_path / "mot_out").iterdir()) == ["train%2FLaSOT%2Fv_9z", "train%2FYFCC100M%2Fv_1a2b"]
    # frame order from frame_index: frame0977 is the second frame, not the 977th
    assert (tmp_path / "mot_out/train%2FLaSOT%2Fv_9z/gt/gt.txt").read_text().splitlines()[1].startswith("2,")


def test_video_order_of_a_json_source_is_kept(tmp_path):
    doc = {"categories": [{"id": 1, "name": "car"}], "images": [], "annotations": [],
           "videos": [{"id": 7, "name": "zeta"}, {"id": 3, "name": "alpha"}]}
    for k, v in enumerate((7, 3)):
        doc["images"].append({"id": k + 1, "file_name": f"{v}/0.jpg", "width": 8, "height": 8, "video_id": v, "frame_id": 0})
    src = tmp_path / "v.json"
    src.write_bytes(orjson.dumps(doc))
    xc.convert(src, tmp_path / "out.json", "cocovid", "coco")
    assert [v["name"] for v in orjson.loads((tmp_path / "out.json").read_bytes())["videos"]] == ["zeta", "alpha"]


def test_writers_refuse_what_their_readers_refuse(tmp_path):
    doc = {"categories": [{"id": 40, "name": "boat"}], "images": [{"id": 1, "file_name": "v/0.jpg", "width": 8,
                                                                   "height": 8}],
           "annotations": [{"id": 1, "image_id": 1, "category_id": 40, "bbox": [1, 1, 2, 2], "area": 4, "iscrowd": 0}]}
    src = tmp_path / "a.json"
    src.write_bytes(orjson.dumps(doc))
    result = cli("convert", src, tmp_path / "vd", "--to", "visdrone", "-q")
    assert result.returncode == 2 and "category 40 (boat)" in result.stderr and "--category-map" in result.stderr
    doc["categories"][0]["id"] = doc["annotations"][0]["category_id"] = 2**62 + 1
    src.write_bytes(orjson.dumps(doc))
    result = cli("convert", src, tmp_path / "mot", "--to", "mot", "-q")
    assert result.returncode == 2 and "does not fit MOT's class column" in result.stderr


def test_roundtrip_uses_the_sizes_a_json_has_and_says_what_yolo_rounds(tmp_path):
    doc = {"categories": [{"id": 1, "name": "car"}], "images": [{"id": 1, "file_name": "v/0.jpg", "width": 97,
                                                                   "height": 61}],
           "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1.0 / 3, 2, 10.123456789, 4],
                            "area": 40, "iscrowd": 0}]}
    src = tmp_path / "a.json"
    src.write_bytes(orjson.dumps(doc))
    result = cli("roundtrip", src, "--from", "coco", "--via", "yolo")  # no --image-size: the JSON has the sizes
    assert result.returncode == 0 and "box coordinates bit-exact" in result.stdout, result.stdout + result.stderr
    labels = tmp_path / "y"
    (labels / "labels/train").mkdir(parents=True)
    (labels / "images/train").mkdir(parents=True)
    from PIL import Image

    Image.new("RGB", (100, 50)).save(labels / "images/train/a.png")
    (labels / "labels/train/a.txt").write_text("0 0.1 0.1 0.1 0.2 0.2 0.1\n0 0.5 0.5 0.1234567 0.2\n")  # a polygon; 7 decimals
    (labels / "data.yaml").write_text("train: images/train\nval: images/train\nnames: [car]\n")
    result = cli("roundtrip", labels, "--from", "yolo")
    assert result.returncode == 1 and "labels/train/a.txt: written back differently" in result.stdout, result.stdout


@pytest.mark.parametrize("style", [b"\r\n", b"\n"])
def test_text_files_come_back_byte_for_byte(tmp_path, style):
    rows = style.join([b"1,1,1,2,3,4,1,1,1.0", b"2,1,2,2,3,4,1,1,0.5"])  # no final newline
    src = mot_root(tmp_path / "mot", {"S": ""})
    (src / "S" / "gt" / "gt.txt").write_bytes(b"\xef\xbb\xbf" + rows)
    vd = tmp_path / "vd"
    (vd / "annotations").mkdir(parents=True)
    (vd / "annotations" / "s.txt").write_bytes(style.join([b"1,1,1,2,3,4,1,4,0,0,", b"2,1,2,2,3,4,1,4,0,0,"]) + style)
    for path, fmt in ((src, "mot"), (vd, "visdrone")):
        scratch = tmp_path / f"scratch_{fmt}"
        scratch.mkdir()
        result = roundtrip.check(path, fmt, fmt, scratch, image_size=(64, 48))
        assert result.ok and result.files_checked >= 1, result.text()
