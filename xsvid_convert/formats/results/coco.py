"""COCO detection results: a JSON list of `{"image_id", "category_id", "bbox": [x, y, w, h], "score"}`,
what pycocotools' `loadRes` and XS-VID's evaluator read.

Written as XS-VID's YOLOFT writes its `predictions.json` (`paper_pred_to_json`): bbox rounded to
3 decimals, score to 5 (Python's `round`), top-left x, y, w, h in pixels of the original image,
a non-finite value refused.  Rows keep the dataset's order (ties in score are broken by file order
in pycocotools).  Read: image and category ids must be the ground truth's; an optional `track_id`
is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...model import BoxTable, Dataset
from ...run import Run
from ..base import Format, json_head
from .common import (Frames, GroundTruth, ground_truth, prediction_rules, require_categories, results_dataset,
                     rounded, scores, written_rows)
from .json_rows import no_nonfinite, read_rows, write_rows

NAME = "coco-results"
ROW = '{"image_id":%s,"category_id":%s,"bbox":[%s,%s,%s,%s],"score":%s}'
BOX_DECIMALS, SCORE_DECIMALS = 3, 5


@dataclass
class CocoResultsOptions(GroundTruth):
    pass


def read(path: Path, options: CocoResultsOptions, run: Run) -> Dataset:
    gt = ground_truth(options, run)
    parsed = read_rows(path, ("image_id", "category_id"), ("track_id",), run)
    return dataset_of(parsed, gt, run, NAME)


def dataset_of(parsed, gt: Dataset, run: Run, fmt: str, video_key: str | None = None) -> Dataset:
    """The rows of a JSON results file against the ground truth (image ids known, categories
    known, numbers sound); `video_key`: the rows' own video id, which must be their image's."""
    c = parsed.columns
    position, known = Frames(gt, run).positions(c["image_id"])
    rules = [(~known, lambda i: f"image id {c['image_id'][i]} is not in the ground truth")]
    if video_key is not None:
        video = gt.frame_video_ids()[position] if len(gt.frames) else position
        rules.append((known & (video != c[video_key]), lambda i: f"video_id {c[video_key][i]} is not the video of "
                      f"image {c['image_id'][i]} ({video[i] if video[i] != -1 else 'none'})"))
    rules += prediction_rules(gt, c["category_id"], c["x"], c["y"], c["w"], c["h"], c["score"])
    keep = ~run.reject_rules(rules, len(position), parsed.where)
    boxes = BoxTable(id=c["image_id"] * 0, frame_id=c["image_id"], category_id=c["category_id"], x=c["x"], y=c["y"],
                     w=c["w"], h=c["h"], score=c["score"], track_id=c.get("track_id"))
    if not keep.all():
        boxes = boxes.take(keep)
        parsed.rows = parsed.rows[keep]
    return results_dataset(gt, boxes, fmt)


def write(dataset: Dataset, target: Path, options: object, run: Run) -> None:
    rows = written_rows(dataset, run)
    require_categories(dataset, rows, NAME)
    b = dataset.boxes
    values = [b.x[rows], b.y[rows], b.w[rows], b.h[rows], scores(dataset, rows)]
    no_nonfinite(values, "value", lambda i: f"box {int(rows[i]) + 1}")
    box = [rounded(v, BOX_DECIMALS) for v in values[:4]]
    write_rows(target, ROW, [b.frame_id[rows], b.category_id[rows], *box, rounded(values[4], SCORE_DECIMALS)], run)


def detect(path: Path) -> int:
    head = json_head(path).lstrip(b"\xef\xbb\xbf \t\r\n")
    return 50 if head.startswith(b"[") and not (b'"track_id"' in head and b'"video_id"' in head) else 0


FORMAT = Format(
    NAME, "COCO detection results: JSON list of image_id, category_id, bbox, score (read with --gt)",
    read, write, detect, options=CocoResultsOptions, output="file",
    carries=frozenset({"unclipped_boxes", "category_ids", "category_names", "videos", "empty_frames", "score"}),
    lossy_note="bbox rounded to 3 decimals and score to 5, as XS-VID's YOLOFT writes them; ignored boxes dropped",
    results=True,
)
