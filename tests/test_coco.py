import orjson
import pytest

import xsvid_convert as xc
from xsvid_convert.synthetic import write_dataset, xsvid_coco


@pytest.mark.parametrize("split", ["train", "val"])
def test_datumaro_coco_round_trip_is_json_equal(fixtures, tmp_path, split):
    src = fixtures / "datumaro/coco_instances/annotations" / f"instances_{split}.json"
    dataset = xc.read(src, "coco")
    xc.write(dataset, tmp_path / "out.json", "coco")
    assert orjson.loads((tmp_path / "out.json").read_bytes()) == orjson.loads(src.read_bytes())


def test_coco_output_has_what_pycocotools_needs(xsvid, tmp_path):
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    dataset = xc.read(xsvid, "coco")
    out = tmp_path / "out.json"
    xc.write(dataset, out, "coco")
    doc = orjson.loads(out.read_bytes())
    assert "info" in doc and "licenses" in doc
    for ann in doc["annotations"]:
        assert ann["area"] == pytest.approx(ann["bbox"][2] * ann["bbox"][3])
        assert ann["iscrowd"] in (0, 1)
        assert ann["id"] >= 1
    gt = COCO(str(out))
    assert len(gt.getAnnIds()) == len(dataset.boxes) == 3 * 5 * 6
    # the ground truth evaluated against itself scores 1.0: ids, areas and crowd flags line up
    results = [{"image_id": a["image_id"], "category_id": a["category_id"], "bbox": a["bbox"], "score": 1.0}
               for a in doc["annotations"] if not a["iscrowd"]]
    evaluator = COCOeval(gt, gt.loadRes(results), "bbox")
    evaluator.evaluate(); evaluator.accumulate(); evaluator.summarize()
    assert evaluator.stats[0] == pytest.approx(1.0)


def test_video_keys_are_read_and_written_back(xsvid, tmp_path):
    dataset = xc.read(xsvid, "coco")
    assert [v.name for v in dataset.videos] == ["video_001", "video_002", "video_003"]
    assert [f.frame_index for f in dataset.frames[:5]] == [0, 1, 2, 3, 4]
    assert dataset.boxes.track_id[:6].tolist() == [1, 2, 3, 4, 5, 6]
    xc.write(dataset, tmp_path / "out.json", "coco")
    assert orjson.loads((tmp_path / "out.json").read_bytes()) == orjson.loads(xsvid.read_bytes())


def test_categories_starting_at_zero_are_kept(tmp_path):

    src = write_dataset(tmp_path / "v2", xsvid_coco(first_category_id=0), images=False)
    dataset = xc.read(src, "coco")
    assert [c.id for c in dataset.categories] == list(range(9))
    xc.write(dataset, tmp_path / "out.json", "coco")
    assert orjson.loads((tmp_path / "out.json").read_bytes()) == orjson.loads(src.read_bytes())


@pytest.mark.parametrize("fmt", ["coco", "cocovid"])
def test_mixed_annotations_are_written_as_they_were(tmp_path, fmt):
    """Chunks whose annotations differ in keys (an extra key, a score, a missing area) take the
    per-annotation path; the document still comes back equal, number types included."""
    from xsvid_convert.tools.roundtrip import typed_difference

    doc = xsvid_coco(videos=3, frames=4, tracks=5)
    if fmt == "cocovid":
        doc = orjson.loads(orjson.dumps(doc))
    doc["annotations"][3]["bbox"] = [1e-05, 0.1 + 0.2, 3, 123456.789]
    doc["annotations"][4]["segmentation"] = [[1, 2, 3, 4, 5, 6]]
    del doc["annotations"][5]["area"]
    doc["annotations"][6]["score"] = 0.5
    src = write_dataset(tmp_path / "d", doc, images=False)
    dataset = xc.read(src, fmt)
    xc.write(dataset, tmp_path / "out.json", fmt)
    assert typed_difference(doc, orjson.loads((tmp_path / "out.json").read_bytes()), "$") is None


def test_coco_from_a_cocovid_file_without_info_gets_info_and_licenses(tmp_path):
    """mmtracking's CocoVID files have no `info` or `licenses`; COCO made from one has both."""
    doc = {"categories": [{"id": 1, "name": "car"}], "videos": [{"id": 1, "name": "v"}],
           "images": [{"id": 1, "file_name": "v/0.jpg", "width": 8, "height": 8, "video_id": 1, "frame_id": 0}],
           "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2], "area": 4, "iscrowd": False,
                            "instance_id": 1}]}
    (tmp_path / "v.json").write_bytes(orjson.dumps(doc))
    xc.convert(tmp_path / "v.json", tmp_path / "c.json", "cocovid", "coco")
    out = orjson.loads((tmp_path / "c.json").read_bytes())
    assert {"info", "licenses"} <= out.keys() and out["licenses"] == []
    xc.convert(tmp_path / "c.json", tmp_path / "c2.json", "coco", "coco")  # a COCO source: exactly its own keys
    assert list(orjson.loads((tmp_path / "c2.json").read_bytes())) == list(out)
