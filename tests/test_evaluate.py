"""`xsvid-convert evaluate`: XS-VID's detection numbers through pycocotools, score_mot's tracking
numbers through motmetrics, on cases whose answer is known."""

import contextlib
import io
import random

import numpy as np
import orjson
import pytest
from typer.testing import CliRunner

from xsvid_convert.cli import app
from xsvid_convert.tools.eval_detection import AREA_LABELS, AREA_RANGES
from xsvid_convert.tools.eval_tracking import numpy_asfarray
from xsvid_convert.tools.evaluate import evaluate
from results_data import SIDES, detections, gt_doc, write_gt

DETECTION = ("AP", "AP50", "AP75", "AP_es", "AP_rs", "AP_gs", "AP_small", "AP_medium", "AP_large")


def write_json(path, value):
    path.write_bytes(orjson.dumps(value))
    return path


def test_ground_truth_as_detections_scores_one_in_every_bucket(tmp_path):
    gt = write_gt(tmp_path)
    pred = write_json(tmp_path / "pred.json", detections(orjson.loads(gt.read_bytes())))
    report = evaluate(gt, pred, "coco-results")
    assert {k: report[k] for k in DETECTION} == dict.fromkeys(DETECTION, 1.0)


def test_a_bucket_without_ground_truth_is_minus_one(tmp_path):
    doc = gt_doc()
    doc["annotations"] = [a for a in doc["annotations"] if a["area"] < 96 ** 2]
    gt = write_json(tmp_path / "gt.json", doc)
    report = evaluate(gt, write_json(tmp_path / "p.json", detections(doc)), "coco-results")
    assert report["AP_large"] == -1 and report["AP"] == 1.0 and report["AP_es"] == 1.0


def test_half_the_boxes_off_target_gives_51_of_101(tmp_path):
    """Every (category, size) has its boxes in even frames found exactly (score 0.9) and those in
    odd frames shifted off target (score 0.5): precision 1 up to recall 0.5, nothing after, so
    AP = 51 recall thresholds (0, 0.01, ..., 0.5) of 101 at every IoU."""
    doc = gt_doc(frames=4)
    frame_index = {i["id"]: i["frame_index"] for i in doc["images"]}
    rows = detections(doc)
    for row in rows:
        if frame_index[row["image_id"]] % 2:
            row["bbox"][1] += 100
            row["score"] = 0.5
        else:
            row["score"] = 0.9
    report = evaluate(write_json(tmp_path / "gt.json", doc), write_json(tmp_path / "p.json", rows), "coco-results")
    for key in DETECTION:
        assert report[key] == pytest.approx(51 / 101, abs=1e-12), key


def noisy_predictions(doc, seed=3):
    """Jittered boxes, missed boxes, duplicates, false positives, score ties, a category-4 box."""
    rng = random.Random(seed)
    rows = []
    for a in doc["annotations"]:
        if rng.random() < 0.2:
            continue
        x, y, w, h = a["bbox"]
        s = max(w, h) * 0.15
        rows.append({"image_id": a["image_id"], "category_id": a["category_id"], "score": round(rng.random(), 2),
                     "bbox": [x + rng.gauss(0, s), y + rng.gauss(0, s), w * rng.uniform(0.8, 1.2), h]})
        if rng.random() < 0.1:
            rows.append({**rows[-1], "score": rows[-1]["score"]})
    for image in doc["images"]:
        for _ in range(rng.randint(0, 3)):
            rows.append({"image_id": image["id"], "category_id": rng.randrange(7), "score": round(rng.random(), 2),
                         "bbox": [rng.uniform(0, 600), rng.uniform(0, 440), rng.uniform(4, 40), rng.uniform(4, 40)]})
    return rows


def test_numbers_equal_pycocotools_run_directly_with_xsvids_area_ranges(tmp_path):
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    gt = write_gt(tmp_path, videos=4, frames=6)
    doc = orjson.loads(gt.read_bytes())
    pred = write_json(tmp_path / "pred.json", noisy_predictions(doc))
    report = evaluate(gt, pred, "coco-results")
    with contextlib.redirect_stdout(io.StringIO()):
        truth = COCO(str(gt))
        E = COCOeval(truth, truth.loadRes(str(pred)), "bbox")
        E.params.areaRng = [[0, 1e10], [0, 144], [144, 400], [400, 1024], [0, 1024], [1024, 9216], [9216, 1e10]]
        E.params.areaRngLbl = ["all", "0-12", "12-20", "20-32", "small", "medium", "large"]
        E.evaluate()
        E.accumulate()
        E.summarize()
    assert AREA_RANGES == E.params.areaRng and AREA_LABELS == E.params.areaRngLbl

    def ap(label):
        s = E.eval["precision"][:, :, :, [E.params.areaRngLbl.index(label)], [E.params.maxDets.index(100)]]
        return float(np.mean(s[s > -1])) if (s > -1).any() else -1.0

    keys = ("AP", "AP50", "AP75", "AP_small", "AP_medium", "AP_large", "AR1", "AR10", "AR100", "AR_small",
            "AR_medium", "AR_large")
    assert [report[k] for k in keys] == [float(v) for v in E.stats]
    assert [report["AP_es"], report["AP_rs"], report["AP_gs"]] == [ap("0-12"), ap("12-20"), ap("20-32")]
    assert 0 < report["AP"] < 1


def tracking_case(tmp_path):
    """Two ground-truth tracks over 4 frames.  Track A is followed by prediction 10 then 11 (an
    ID switch), track B by 20 for 3 frames (a miss), prediction 30 is on nothing in frames 2 and
    3 (two false positives), 40 is in the ignore category (dropped)."""
    doc = {"categories": [{"id": k, "name": n} for k, n in enumerate(["car", "person", "x", "y", "ignore"])],
           "videos": [{"id": 1, "name": "seq"}], "images": [], "annotations": []}
    boxes = {"A": [10.0, 10.0, 20.0, 20.0], "B": [100.0, 100.0, 30.0, 20.0], "none": [300.0, 300.0, 20.0, 20.0]}
    for f in range(4):
        doc["images"].append({"id": f + 1, "file_name": f"seq/{f:07d}.jpg", "width": 640, "height": 480,
                              "video_id": 1, "frame_index": f})
        for track, name in ((1, "A"), (2, "B")):
            bbox = boxes[name]
            doc["annotations"].append({"id": len(doc["annotations"]) + 1, "image_id": f + 1, "category_id": 0,
                                       "bbox": bbox, "area": bbox[2] * bbox[3], "iscrowd": 0, "track_id": track})
    rows = [(1, 10, "A"), (2, 10, "A"), (3, 11, "A"), (4, 11, "A"), (1, 20, "B"), (2, 20, "B"), (3, 20, "B"),
            (2, 30, "none"), (3, 30, "none")]
    pred = [{"image_id": f, "video_id": 1, "track_id": t, "category_id": 0, "bbox": boxes[n], "score": 0.8}
            for f, t, n in rows]
    pred.append({"image_id": 1, "video_id": 1, "track_id": 40, "category_id": 4, "bbox": [400, 50, 9, 9], "score": 0.9})
    return write_json(tmp_path / "gt.json", doc), write_json(tmp_path / "tao.json", pred)


def test_tracking_metrics_of_a_known_switch_miss_and_false_positives(tmp_path):
    gt, pred = tracking_case(tmp_path)
    had = hasattr(np, "asfarray")
    report = evaluate(gt, pred, "tao-results")
    assert hasattr(np, "asfarray") == had  # the NumPy 2 shim does not outlive the evaluation
    assert (report["FP"], report["FN"], report["IDsw"], report["GT"], report["Pred"]) == (2, 1, 1, 8, 9)
    assert report["MOTA"] == pytest.approx(1 - (1 + 2 + 1) / 8)
    assert report["IDTP"] == 5 and report["IDF1"] == pytest.approx(2 * 5 / (8 + 9))
    assert report["missing_sequences"] == [] and report["per_video"]["seq"]["MOTA"] == report["MOTA"]
    thresholded = evaluate(gt, pred, "tao-results", min_score=0.85)  # every foreground prediction gone
    assert thresholded["FN"] == 8 and thresholded["Pred"] == 0


def test_mot_results_are_scored_for_tracking_only(tmp_path):
    gt, pred = tracking_case(tmp_path)
    CliRunner().invoke(app, ["convert", str(pred), str(tmp_path / "mot"), "--from", "tao-results", "--to",
                             "mot-results", "--gt", str(gt)])
    report = evaluate(gt, tmp_path / "mot", "mot-results")
    assert "AP" not in report and report["MOTA"] == pytest.approx(0.5)
    assert any("no class" in note for note in report["notes"])


def test_numpy_shim_is_scoped():
    before = hasattr(np, "asfarray")
    with numpy_asfarray():
        assert np.asfarray([1, 2]).dtype == np.float64
    assert hasattr(np, "asfarray") == before


def test_cli_json_text_and_plot(tmp_path):
    gt, pred = tracking_case(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["evaluate", str(gt), str(pred), "--from", "tao-results", "--json",
                                 "--plot", str(tmp_path / "ap.png")])
    assert result.exit_code == 0, result.output
    report = orjson.loads(result.stdout)
    assert set(DETECTION) <= set(report) and {"MOTA", "IDF1", "IDsw"} <= set(report)
    assert report["AP_es"] == -1 and (tmp_path / "ap.png").read_bytes()[:4] == b"\x89PNG"
    text = runner.invoke(app, ["evaluate", str(gt), str(pred)])
    assert text.exit_code == 0 and "AP_es" in text.stdout and "MOTA" in text.stdout
    bad = runner.invoke(app, ["evaluate", str(pred), str(gt)])
    assert bad.exit_code == 2 and "the ground truth comes first" in bad.stderr


def test_every_bucket_has_boxes_in_the_test_data():
    areas = [w * h for w, h in SIDES]
    assert any(a < 144 for a in areas) and any(144 <= a < 400 for a in areas) and any(400 <= a < 1024 for a in areas)
    assert any(1024 <= a < 9216 for a in areas) and any(a >= 9216 for a in areas)
