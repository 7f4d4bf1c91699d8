"""TAO tracking results: a JSON list of `{"image_id", "video_id", "track_id", "category_id",
"bbox": [x, y, w, h], "score"}`, what TAO's `TaoResults` (and XS-VID's vendored copy) read.

TAO keys tracks by `track_id` alone, so a track id is unique across videos, and a track has one
category.  Read: a track in two videos is refused; a track with two categories is refused when
strict, and with `--lenient` takes its first category in file order, as XS-VID's
`normalize_tao_tracks.py` does (rewrites counted).  Track id 0 is an id like any other and is kept:
TAO's matcher treats a GT matched by track 0 as unmatched, and XS-VID's numbers (whose tracker
numbers tracks from 0) include that.  Written: numbers unrounded, as XS-VID's tracker writes them;
track ids kept when unique across videos, else every (video, track) renumbered from 0 in row
order (XS-VID's `unique_track_ids`); a box without a track becomes a one-box track.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...model import NO_TRACK, Dataset, unique_pairs
from ...run import Run
from ..base import Format, json_head
from ..sequences import video_structure
from .coco import dataset_of
from .common import GroundTruth, frame_positions, ground_truth, one_category_per_track, require_categories, \
    scores, written_rows
from .json_rows import no_nonfinite, read_rows, write_rows

NAME = "tao-results"
ROW = '{"image_id":%s,"video_id":%s,"track_id":%s,"category_id":%s,"bbox":[%s,%s,%s,%s],"score":%s}'


@dataclass
class TaoResultsOptions(GroundTruth):
    pass


def read(path: Path, options: TaoResultsOptions, run: Run) -> Dataset:
    gt = ground_truth(options, run)
    parsed = read_rows(path, ("image_id", "video_id", "track_id", "category_id"), (), run)
    _one_video_per_track(parsed, run)
    dataset = dataset_of(parsed, gt, run, NAME, video_key="video_id")
    b = dataset.boxes
    b.category_id = one_category_per_track(b.track_id, b.category_id, run, parsed.where)
    return dataset


def _one_video_per_track(parsed, run: Run) -> None:
    """TaoResults asserts it ("Track id {t} appears in more than one video")."""
    c = parsed.columns
    track, video = c["track_id"], c["video_id"]
    if not len(track):
        return
    ids, first = np.unique(track, return_index=True)
    home = video[first][np.searchsorted(ids, track)]
    keep = run.reject(video != home, parsed.where,
                      lambda i: f"track {track[i]} appears in video {video[i]} and in video {home[i]}: TAO keys "
                                "tracks by id alone, so a track id must be unique across videos")
    if not keep.all():
        parsed.columns = {k: v[keep] for k, v in c.items()}
        parsed.rows = parsed.rows[keep]


def write(dataset: Dataset, target: Path, options: object, run: Run) -> None:
    rows = written_rows(dataset, run)
    require_categories(dataset, rows, NAME)
    b = dataset.boxes
    _, frame_video, _ = video_structure(dataset, run.child())
    video = np.asarray(frame_video, dtype=np.int64)[frame_positions(dataset, rows)]
    track = global_tracks(b.track_id[rows], video, run)
    category = one_category_per_track(track, b.category_id[rows], run, lambda i: f"box {int(rows[i]) + 1}")
    values = [b.x[rows], b.y[rows], b.w[rows], b.h[rows], scores(dataset, rows)]
    no_nonfinite(values, "value", lambda i: f"box {int(rows[i]) + 1}")
    write_rows(target, ROW, [b.frame_id[rows], video, track, category, *values], run)


def global_tracks(track: np.ndarray, video: np.ndarray, run: Run) -> np.ndarray:
    """Track ids unique across videos, and one for every box that has none."""
    has = track != NO_TRACK
    out = track.copy()
    if has.any():
        pairs = unique_pairs(track[has], video[has])
        if len(np.unique(pairs[0])) != pairs.shape[1]:
            # every (video, track) a new id from 0, in order of first appearance
            combined = np.stack([video[has], track[has]], axis=1)
            _, first, inverse = np.unique(combined, axis=0, return_index=True, return_inverse=True)
            rank = np.empty(len(first), np.int64)
            rank[np.argsort(first, kind="stable")] = np.arange(len(first))
            out[has] = rank[inverse.reshape(-1)]
            run.count("renumbered_tracks", len(first))
            run.note("track ids repeat across videos: every (video, track) renumbered from 0 in row order, "
                     "as XS-VID's unique_track_ids does")
    lonely = np.flatnonzero(~has)
    if len(lonely):
        start = int(out[has].max()) + 1 if has.any() else 0
        out[lonely] = np.arange(start, start + len(lonely))
        run.count("tracks_made", len(lonely))
        run.note("boxes without a track id became one-box tracks (TAO needs a track on every row)")
    return out


def detect(path: Path) -> int:
    head = json_head(path).lstrip(b"\xef\xbb\xbf \t\r\n")
    return 60 if head.startswith(b"[") and b'"track_id"' in head and b'"video_id"' in head else 0


FORMAT = Format(
    NAME, "TAO tracking results: JSON list of image_id, video_id, track_id, category_id, bbox, score (read with --gt)",
    read, write, detect, options=TaoResultsOptions, output="file",
    carries=frozenset({"unclipped_boxes", "category_ids", "category_names", "videos", "empty_frames", "score", "track_id",
                       "exact_boxes"}),
    lossy_note="one category per track; ignored boxes dropped",
    results=True,
)
