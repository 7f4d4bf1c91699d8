"""VisDrone-VID results: one `<sequence>.txt` per video, the ten annotation columns
`frame,target_id,x,y,w,h,score,category,truncation,occlusion` with the detector's score, frames from 1.

The category column is the ground truth's category id (VisDrone's toolkit compares it with the
annotation files' own).  Written: target id -1 for a detection without a track, truncation and
occlusion -1, rows sorted by frame and within a frame by descending score (the toolkit keeps the
first maxDets rows of a frame in file order), numbers in their shortest exact form; one file per
video, empty when it has none.  Read: a folder of `<seq>.txt`, the file name the ground truth's
video name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...files.rows import format_rows
from ...files.text import write_text
from ...model import NO_TRACK, BoxTable, Dataset
from ...run import Run
from ..base import Format
from .common import GroundTruth, ground_truth, prediction_rules, require_categories, results_dataset, scores, \
    written_rows
from .mot import _first_row
from .per_sequence import read_sequences, sequences_to_write, text_files

NAME = "visdrone-results"


@dataclass
class VisDroneResultsOptions(GroundTruth):
    pass


def read(path: Path, options: VisDroneResultsOptions, run: Run) -> Dataset:
    gt = ground_truth(options, run)
    rows = read_sequences(text_files(path), gt, (10, 10), "VisDrone-VID results", run)
    v = rows.values
    with np.errstate(invalid="ignore"):
        whole = (v[:, 7] == np.floor(v[:, 7])) & (np.abs(v[:, 7]) < 2**62)
    keep = run.reject(~whole, rows.where, lambda i: "category must be a whole number")
    category = np.where(whole, v[:, 7], -1).astype(np.int64)
    rules = prediction_rules(gt, category, v[:, 2], v[:, 3], v[:, 4], v[:, 5], v[:, 6])
    keep &= ~run.reject_rules([(keep & mask, message) for mask, message in rules], len(v), rows.where)
    track = v[:, 1].astype(np.int64)
    track[track < 0] = NO_TRACK
    boxes = BoxTable(id=np.zeros(len(v), np.int64), frame_id=rows.frame_id, category_id=category, x=v[:, 2],
                     y=v[:, 3], w=v[:, 4], h=v[:, 5], score=v[:, 6], track_id=track,
                     truncation=np.where(v[:, 8] == -1, np.nan, v[:, 8]),
                     occlusion=np.where(v[:, 9] == -1, np.nan, v[:, 9]))
    return results_dataset(gt, boxes if keep.all() else boxes.take(keep), NAME)


def write(dataset: Dataset, target: Path, options: object, run: Run) -> None:
    rows = written_rows(dataset, run)
    require_categories(dataset, rows, NAME)
    b = dataset.boxes
    score = np.full(len(b), np.nan)
    score[rows] = scores(dataset, rows)
    for seq in sequences_to_write(dataset, rows, run):
        r = seq.rows
        order = np.lexsort((-score[r], seq.frame_number))  # stable: equal scores keep the dataset's order
        r, frame = r[order], seq.frame_number[order]
        track = np.where(b.track_id[r] == NO_TRACK, -1, b.track_id[r])
        minus = np.full(len(r), -1.0)
        columns = [frame, track, b.x[r], b.y[r], b.w[r], b.h[r], score[r], b.category_id[r], minus, minus]
        write_text(target / f"{seq.name}.txt", format_rows(columns))


def detect(path: Path) -> int:
    first = _first_row(path)
    return 30 if first is not None and len(first) == 10 and first[7:] != ["-1"] * 3 else 0


FORMAT = Format(
    NAME, "VisDrone-VID results: <seq>.txt, frame,target_id,x,y,w,h,score,category,-1,-1 (read with --gt)",
    read, write, detect, options=VisDroneResultsOptions,
    carries=frozenset({"unclipped_boxes", "category_ids", "category_names", "videos", "empty_frames", "track_id", "score",
                       "exact_boxes"}),
    lossy_note="ignored boxes dropped; truncation and occlusion written as -1",
    results=True,
)
