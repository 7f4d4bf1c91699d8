"""Outputs loaded by the programs they are for.  pycocotools, motmetrics and TrackEval run here;
mmtracking is not installable (mmcv), so the keys its dataset classes read are asserted, each with
the line that reads it (open-mmlab/mmtracking@e79491ec, master)."""

from pathlib import Path

import numpy as np
import orjson
import pytest

import xsvid_convert as xc
from xsvid_convert.synthetic import write_dataset, xsvid_coco

from test_fidelity import MOT_ROWS, mot_root


def test_cocovid_has_every_key_mmtracking_reads(tmp_path):
    src = mot_root(tmp_path / "mot", MOT_ROWS)
    xc.convert(src, tmp_path / "v.json", "mot", "cocovid")
    doc = orjson.loads((tmp_path / "v.json").read_bytes())
    for image in doc["images"]:
        # parsers/coco_video_parser.py L69-70, L121-125: video_id and a 0-based, contiguous frame_id
        assert image["video_id"] in {v["id"] for v in doc["videos"]} and image["frame_id"] >= 0
        # coco_video_dataset.py L318-319: width and height of every image
        assert image["width"] == 64 and image["height"] == 48
        # imagenet_vid_dataset.py L57, L83-90: is_vid_train_frame on every image
        assert image["is_vid_train_frame"] is True
        # mot_challenge_dataset.py L219-222: mot_frame_id where the converter writes it
        assert image["mot_frame_id"] == image["frame_id"] + 1
    for video in doc["videos"]:
        assert video["fps"] == 25 and isinstance(video["fps"], int)  # mot2coco.py L150-155
    for video_id in {v["id"] for v in doc["videos"]}:
        frames = sorted(i["frame_id"] for i in doc["images"] if i["video_id"] == video_id)
        assert frames == list(range(len(frames)))
    owners: dict = {}
    for ann in doc["annotations"]:
        # mot_challenge_dataset.py L104-105 (visibility), L123 (instance_id); dev-1.x also mot_conf
        assert {"visibility", "instance_id", "mot_conf", "area", "iscrowd", "bbox"} <= ann.keys()
        owners.setdefault(ann["instance_id"], set()).add(next(i["video_id"] for i in doc["images"]
                                                              if i["id"] == ann["image_id"]))
    # parsers/coco_video_parser.py L60: instancesToImgs keyed by instance_id alone
    assert all(len(v) == 1 for v in owners.values())


def test_visibility_default_is_what_mot2coco_writes_for_mot15(tmp_path):
    src = write_dataset(tmp_path / "d", xsvid_coco(videos=1, frames=2), images=False)
    xc.convert(src, tmp_path / "v.json", "coco", "cocovid")
    assert {a["visibility"] for a in orjson.loads((tmp_path / "v.json").read_bytes())["annotations"]} == {1.0}


def test_mot_to_coco_without_sizes_stops_with_one_line(tmp_path):
    from helpers import cli

    src = mot_root(tmp_path / "mot", MOT_ROWS, seqinfo=False)
    result = cli("convert", src, tmp_path / "o.json", "--from", "mot", "--to", "cocovid", "-q")
    assert result.returncode == 2 and "image size unknown" in result.stderr and "--image-size" in result.stderr
    assert cli("convert", src, tmp_path / "o.json", "--from", "mot", "--to", "cocovid", "-q",
               "--image-size", "64x48").returncode == 0


def test_pycocotools_scores_the_ground_truth_as_perfect(tmp_path):
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    src = mot_root(tmp_path / "mot", MOT_ROWS)
    xc.convert(src, tmp_path / "c.json", "mot", "coco")
    gt = COCO(str(tmp_path / "c.json"))
    doc = orjson.loads((tmp_path / "c.json").read_bytes())
    results = [{"image_id": a["image_id"], "category_id": a["category_id"], "bbox": a["bbox"], "score": 1.0}
               for a in doc["annotations"] if not a["iscrowd"]]
    evaluator = COCOeval(gt, gt.loadRes(results), "bbox")
    evaluator.evaluate(), evaluator.accumulate(), evaluator.summarize()
    assert evaluator.stats[0] == pytest.approx(1.0)


def test_trackeval_scores_mot_output_against_itself_at_100(tmp_path):
    """TrackEval's MOTChallenge evaluation on `--benchmark` output, GT and tracker both ours, no
    file made by hand (PyPI `trackeval`, a maintained fork that runs on NumPy 2)."""
    trackeval = pytest.importorskip("trackeval", reason="trackeval is in the [test] extra")
    doc = xsvid_coco(videos=3, frames=6, tracks=4)
    src = write_dataset(tmp_path / "d", doc, images=False)
    gt = tmp_path / "gt"
    xc.convert(src, gt, "coco", "mot", benchmark="XSVID", images="none")
    trackers = tmp_path / "trackers"
    xc.convert(gt, trackers, "mot", "mot-results", gt=src, benchmark="XSVID", tracker="self")
    config = {**trackeval.Evaluator.get_default_eval_config(), "USE_PARALLEL": False, "PRINT_CONFIG": False,
              "PRINT_RESULTS": False, "PRINT_ONLY_COMBINED": True, "OUTPUT_SUMMARY": False, "OUTPUT_DETAILED": False,
              "PLOT_CURVES": False, "TIME_PROGRESS": False, "LOG_ON_ERROR": None}
    dataset = trackeval.datasets.MotChallenge2DBox({
        **trackeval.datasets.MotChallenge2DBox.get_default_dataset_config(), "GT_FOLDER": str(gt),
        "TRACKERS_FOLDER": str(trackers), "BENCHMARK": "XSVID", "SPLIT_TO_EVAL": "train", "PRINT_CONFIG": False,
        "TRACKERS_TO_EVAL": ["self"]})
    metrics = [trackeval.metrics.HOTA(), trackeval.metrics.CLEAR(), trackeval.metrics.Identity()]
    results, messages = trackeval.Evaluator(config).evaluate([dataset], metrics)
    combined = results["MotChallenge2DBox"]["self"]["COMBINED_SEQ"]["pedestrian"]
    assert combined["HOTA"]["HOTA"].mean() == pytest.approx(1.0)
    assert combined["CLEAR"]["MOTA"] == pytest.approx(1.0) and combined["Identity"]["IDF1"] == pytest.approx(1.0)
    # every category went to TrackEval's class 1; ignored boxes to class 8, a distractor it drops
    rows = np.loadtxt(next(gt.glob("XSVID-train/*/gt/gt.txt")), delimiter=",", ndmin=2)
    assert set(rows[:, 7].astype(int).tolist()) <= {1, 8} and (rows[rows[:, 7] == 8, 6] == 0).all()


def test_motmetrics_reads_mot_output_as_mot15_2d(fixtures, tmp_path):
    motmetrics = pytest.importorskip("motmetrics")
    src: Path = fixtures / "mmtracking/MOT15/train/TUD-Campus"
    xc.convert(src, tmp_path / "c.json", "mot", "cocovid", image_size=(640, 480))
    xc.convert(tmp_path / "c.json", tmp_path / "mot", "cocovid", "mot", images="none")
    ours = motmetrics.io.loadtxt(str(tmp_path / "mot/TUD-Campus/gt/gt.txt"), fmt="mot15-2D")
    theirs = motmetrics.io.loadtxt(str(src / "gt/gt.txt"), fmt="mot15-2D")
    assert len(ours) == len(theirs) == 359 and sorted(ours.index.tolist()) == sorted(theirs.index.tolist())
