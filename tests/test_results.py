"""Results formats: read against a ground truth, written from any dataset, converted among
themselves; the layouts and refusals of Ultralytics predictions; TAO's track rules."""

from pathlib import Path

import numpy as np
import orjson
import pytest
import yaml

import xsvid_convert as xc
from xsvid_convert.errors import ConvertError
from xsvid_convert.formats.results.common import rounded
from results_data import NAMES, detections, gt_doc, write_gt


@pytest.fixture
def gt(tmp_path) -> Path:
    return write_gt(tmp_path / "gt")


def predictions(gt: Path, tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "pred.json"
    path.write_bytes(orjson.dumps(rows))
    return path


def scored(doc: dict) -> list[dict]:
    """The ground truth as detections with varied, unrounded scores and fractional boxes."""
    rows = detections(doc)
    for k, row in enumerate(rows):
        row["score"] = 0.3 + (k % 17) / 31 + 1e-7 * k
        row["bbox"] = [v + 0.123456 * ((k + j) % 3) for j, v in enumerate(row["bbox"])]
    return rows


def write_yolo_pred(folder: Path, doc: dict, rows: list[dict], layout: str = "labels/{video}/{frame}") -> None:
    images = {i["id"]: i for i in doc["images"]}
    for row in rows:
        image = images[row["image_id"]]
        video, frame = image["file_name"].rsplit(".", 1)[0].split("/")
        x, y, w, h = row["bbox"]
        W, H = image["width"], image["height"]
        label = folder / (layout.format(video=video, frame=frame) + ".txt")
        label.parent.mkdir(parents=True, exist_ok=True)
        with open(label, "a") as fh:  # as Ultralytics 8.3 appends
            fh.write("%d %g %g %g %g %g\n" % (row["category_id"], (x + w / 2) / W, (y + h / 2) / H, w / W, h / H,
                                               row["score"]))


def test_yolo_to_coco_to_tao_to_coco_round_trip_keeps_boxes_and_scores(gt, tmp_path):
    doc = orjson.loads(gt.read_bytes())
    rows = scored(doc)
    write_yolo_pred(tmp_path / "run", doc, rows)
    coco, tao, back = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "c.json"
    xc.convert(tmp_path / "run", coco, "yolo-pred", "coco-results", gt=gt)
    xc.convert(coco, tao, "coco-results", "tao-results", gt=gt)
    xc.convert(tao, back, "tao-results", "coco-results", gt=gt)
    first, last = orjson.loads(coco.read_bytes()), orjson.loads(back.read_bytes())
    assert first == last and len(first) == len(rows)
    for ours, theirs in zip(first, rows):  # %g in the label files: 6 significant digits
        assert ours["image_id"] == theirs["image_id"] and ours["category_id"] == theirs["category_id"]
        assert ours["bbox"] == [round(v, 3) for v in ours["bbox"]]
        assert np.allclose(ours["bbox"], theirs["bbox"], atol=2e-3)
        assert ours["score"] == round(ours["score"], 5) and abs(ours["score"] - theirs["score"]) < 1e-5
    tao_rows = orjson.loads(tao.read_bytes())
    assert {r["video_id"] for r in tao_rows} == {1, 2, 3} and len({r["track_id"] for r in tao_rows}) == len(rows)


def test_coco_results_rounding_is_pythons_round():
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.uniform(-2000, 2000, 20000), np.arange(0, 50, 0.0005), [2.675, 1.0005, 0.125]])
    for decimals in (3, 5):
        assert rounded(values, decimals).tolist() == [round(v, decimals) for v in values.tolist()]


def test_results_keep_frames_without_predictions_and_count_them(gt, tmp_path):
    doc = orjson.loads(gt.read_bytes())
    rows = [r for r in detections(doc) if r["image_id"] != 2]
    run = xc.convert(predictions(gt, tmp_path, rows), tmp_path / "out.json", "coco-results", "coco-results", gt=gt)
    assert run.counts["frames_without_predictions"] == 1 and run.counts["boxes"] == len(rows)


def test_basename_collisions_are_resolved_by_the_full_path_and_refused_when_flat(gt, tmp_path):
    doc = orjson.loads(gt.read_bytes())
    rows = detections(doc)
    for name, layout in (("nested", "labels/{video}/{frame}"), ("per_video", "{video}/labels/{frame}")):
        write_yolo_pred(tmp_path / name, doc, rows, layout)
        dataset = xc.read(tmp_path / name, "yolo-pred", gt=gt)
        assert len(dataset.boxes) == len(rows)
        assert sorted(dataset.boxes.frame_id.tolist()) == sorted(r["image_id"] for r in rows)
    write_yolo_pred(tmp_path / "flat", doc, rows, "labels/{frame}")  # Ultralytics' flat folder: 3 videos in one
    with pytest.raises(ConvertError, match=r"could be any of 3 frames .*labels/<video>/<frame>.txt"):
        xc.read(tmp_path / "flat", "yolo-pred", gt=gt)
    (tmp_path / "flat/labels/0000000.txt").rename(tmp_path / "flat/labels/0000000-2.txt")  # Ultralytics 8.4
    for label in (tmp_path / "flat/labels").glob("000000[123].txt"):
        label.unlink()
    with pytest.raises(ConvertError, match="no frame of the ground truth is named '0000000-2'"):
        xc.read(tmp_path / "flat", "yolo-pred", gt=gt)


def test_flat_folder_is_fine_when_frame_names_are_unique(tmp_path):
    gt = write_gt(tmp_path / "gt", videos=1)
    doc = orjson.loads(gt.read_bytes())
    write_yolo_pred(tmp_path / "flat", doc, detections(doc), "labels/{frame}")
    assert len(xc.read(tmp_path / "flat", "yolo-pred", gt=gt).boxes) == len(detections(doc))


def test_model_class_names_must_agree_with_the_ground_truth(gt, tmp_path):
    doc = orjson.loads(gt.read_bytes())
    write_yolo_pred(tmp_path / "run", doc, detections(doc))
    data = tmp_path / "data.yaml"
    data.write_text(yaml.safe_dump({"names": dict(enumerate(NAMES))}))
    assert len(xc.read(tmp_path / "run", "yolo-pred", gt=gt, data=data).boxes) == len(detections(doc))
    swapped = NAMES[:]
    swapped[0], swapped[2] = swapped[2], swapped[0]
    data.write_text(yaml.safe_dump({"names": swapped, "classes_map": list(range(7))}))
    with pytest.raises(ConvertError, match="class 0 is 'car' in the model but category 0 is 'bicycle-static'"):
        xc.read(tmp_path / "run", "yolo-pred", gt=gt, data=data)
    data.write_text(yaml.safe_dump({"names": ["plane"] + NAMES[1:]}))
    with pytest.raises(ConvertError, match="model class 'plane' is not among the ground truth's categories"):
        xc.read(tmp_path / "run", "yolo-pred", gt=gt, data=data)
    # by name: the model's class 0 is the ground truth's category 2 (`car`)
    data.write_text(yaml.safe_dump({"names": swapped}))
    dataset = xc.read(tmp_path / "run", "yolo-pred", gt=gt, data=data)
    assert sorted(set(dataset.boxes.category_id.tolist())) == [0, 1, 2, 3, 5, 6]


def test_unknown_image_and_category_are_refused(gt, tmp_path):
    doc = orjson.loads(gt.read_bytes())
    rows = detections(doc)
    rows[3]["image_id"] = 999
    with pytest.raises(ConvertError, match=r"pred.json:\$\[3\]: image id 999 is not in the ground truth"):
        xc.read(predictions(gt, tmp_path, rows), "coco-results", gt=gt)
    rows[3]["image_id"], rows[5]["category_id"] = 1, 42
    with pytest.raises(ConvertError, match=r"\$\[5\]: category id 42 is not among"):
        xc.read(predictions(gt, tmp_path, rows), "coco-results", gt=gt)
    with pytest.raises(ConvertError, match="give the ground truth"):
        xc.read(predictions(gt, tmp_path, rows), "coco-results")


def test_tao_one_category_per_track_strict_and_lenient(gt, tmp_path):
    rows = [{"image_id": i, "video_id": 1, "track_id": 0, "category_id": c, "bbox": [10, 10, 5, 5], "score": 0.5}
            for i, c in ((1, 2), (2, 3), (3, 3), (4, 2))]
    path = predictions(gt, tmp_path, rows)
    with pytest.raises(ConvertError, match=r"\$\[1\]: track 0 has category 3 here and 2 before"):
        xc.read(path, "tao-results", gt=gt)
    run = xc.Run(lenient=True)
    dataset = xc.read(path, "tao-results", gt=gt, run=run)
    assert dataset.boxes.category_id.tolist() == [2, 2, 2, 2] and run.counts["category_rewrites"] == 2
    assert dataset.boxes.track_id.tolist() == [0, 0, 0, 0]  # track id 0 kept
    rows[2]["video_id"], rows[2]["image_id"] = 2, 5
    with pytest.raises(ConvertError, match=r"track 0 appears in video 2 and in video 1"):
        xc.read(predictions(gt, tmp_path, rows), "tao-results", gt=gt)


def test_per_sequence_results_written_and_read_back(gt, tmp_path):
    doc = orjson.loads(gt.read_bytes())
    rows = scored(doc)
    tracks = {a["id"]: a["track_id"] for a in doc["annotations"]}
    crowdless = [a for a in doc["annotations"] if not a["iscrowd"]]
    tao = [{**r, "video_id": doc["images"][r["image_id"] - 1]["video_id"], "track_id": tracks[a["id"]]}
           for r, a in zip(rows, crowdless)]
    source = xc.read(predictions(gt, tmp_path, tao), "tao-results", gt=gt)
    xc.write(source, tmp_path / "vd", "visdrone-results")
    text = (tmp_path / "vd/video-0001_source_0.txt").read_text().splitlines()
    first_frame = [line.split(",") for line in text if line.startswith("1,")]
    assert [float(r[6]) for r in first_frame] == sorted((float(r[6]) for r in first_frame), reverse=True)
    assert all(r[8:] == ["-1", "-1"] for r in first_frame)
    back = xc.read(tmp_path / "vd", "visdrone-results", gt=gt)
    order = np.lexsort((back.boxes.track_id, back.boxes.frame_id))
    expect = np.lexsort((source.boxes.track_id, source.boxes.frame_id))
    for name in ("x", "y", "w", "h", "score", "track_id", "category_id", "frame_id"):
        assert getattr(back.boxes, name)[order].tolist() == getattr(source.boxes, name)[expect].tolist()
    xc.write(source, tmp_path / "mot", "mot-results")
    line = (tmp_path / "mot/video-0002_source_0.txt").read_text().splitlines()[0]
    assert line.count(",") == 9 and line.endswith(",-1,-1,-1") and line.split(",")[2].count(".") == 1
    mot = xc.read(tmp_path / "mot", "mot-results", gt=gt, category=2)
    assert len(mot.boxes) == len(tao) - sum(r["category_id"] == 4 for r in tao)
    assert set(mot.boxes.category_id.tolist()) == {2}
    with pytest.raises(ConvertError, match="give --category ID"):
        xc.write(xc.read(tmp_path / "mot", "mot-results", gt=gt), tmp_path / "x.json", "coco-results")


def test_mot_results_trackeval_layout_mirrors_the_mot_benchmark_writer(gt, tmp_path):
    xc.convert(gt, tmp_path / "gt_mot", "coco", "mot", benchmark="XS", images="none", image_size=(640, 480))
    xc.convert(gt, tmp_path / "trackers", "coco", "mot-results", benchmark="XS", tracker="self")
    sequences = sorted(p.name for p in (tmp_path / "gt_mot/XS-train").iterdir())
    files = sorted(p.stem for p in (tmp_path / "trackers/XS-train/self/data").iterdir())
    assert sequences == files == [f"video-000{k}_source_0" for k in (1, 2, 3)]
    back = xc.read(tmp_path / "trackers", "mot-results", gt=gt)
    assert len(back.boxes) == sum(1 for a in gt_doc()["annotations"] if not a["iscrowd"])


def test_mot_results_refuse_a_repeated_frame_and_id(gt, tmp_path):
    folder = tmp_path / "mot"
    folder.mkdir()
    (folder / "video-0001_source_0.txt").write_text("1,5,1,1,5,5,0.9,-1,-1,-1\n1,5,2,2,5,5,0.8,-1,-1,-1\n")
    with pytest.raises(ConvertError, match=r"video-0001_source_0.txt:2: track 5 appears twice in this frame"):
        xc.read(folder, "mot-results", gt=gt)
    (folder / "video-0009.txt").write_text("1,5,1,1,5,5,0.9,-1,-1,-1\n")
    with pytest.raises(ConvertError, match="no video named 'video-0009'"):
        xc.read(folder, "mot-results", gt=gt)


def test_formats_and_stats_know_the_results_formats(gt, tmp_path):
    from typer.testing import CliRunner

    from xsvid_convert.cli import app

    listed = CliRunner().invoke(app, ["formats", "--json"])
    results = {f["name"] for f in orjson.loads(listed.stdout) if f["results"]}
    assert results == {"coco-results", "tao-results", "yolo-pred", "mot-results", "visdrone-results"}
    path = predictions(gt, tmp_path, detections(orjson.loads(gt.read_bytes())))
    stats = CliRunner().invoke(app, ["stats", str(path), "--gt", str(gt), "--json"])
    assert stats.exit_code == 0, stats.output
    assert orjson.loads(stats.stdout)["boxes"] == len(detections(gt_doc()))


def test_a_large_results_file_is_read_a_slice_at_a_time_with_the_same_result(gt, tmp_path, monkeypatch):
    from xsvid_convert.formats.results import json_rows

    doc = orjson.loads(gt.read_bytes())
    rows = [dict(r) for r in scored(doc) * 3]
    rows[40]["score"] = "high"
    path = predictions(gt, tmp_path, rows)
    whole_run = xc.Run(lenient=True)
    whole = xc.read(path, "coco-results", gt=gt, run=whole_run)
    monkeypatch.setattr(json_rows, "STREAM_BYTES", 1)
    monkeypatch.setattr(json_rows, "SLICE_BYTES", 512)
    sliced_run = xc.Run(lenient=True)
    sliced = xc.read(path, "coco-results", gt=gt, run=sliced_run)
    assert whole_run.warnings == sliced_run.warnings == [f"{path}:$[40]: score must be a finite number, found 'high'"]
    for name in ("frame_id", "category_id", "x", "y", "w", "h", "score"):
        assert getattr(whole.boxes, name).tolist() == getattr(sliced.boxes, name).tolist()
    rows[40]["score"] = 0.5
    path.write_bytes(orjson.dumps(rows) + b"]")  # not a list any more: the whole-file read names the error
    with pytest.raises(ConvertError, match="invalid JSON"):
        xc.read(path, "coco-results", gt=gt)
