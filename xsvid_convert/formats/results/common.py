"""What the results formats share: the ground truth they are read against, the dataset they read
into, the rules every prediction follows, and the helpers of their writers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ...errors import ConvertError
from ...model import NO_TRACK, BoxTable, Dataset
from ...run import Run
from ..base import NO_GROUND_TRUTH, option
from ..sequences import video_structure

IGNORE_NAMES = ("ignore", "ignored", "ignored regions", "ignored-regions", "ignored_regions")
"""Names of the category that marks ignored regions (XS-VID v2's category 4 is `ignore`)."""
SKIP_NOTE = "predictions in the ignore category ({names}) dropped, as XS-VID's score_mot.py does"


@dataclass
class GroundTruth:
    gt: Any = option(None, "Ground truth the results were made against: image and video ids, frame indices, "
                           "sizes and categories come from it.", when="read", parse=Path, metavar="PATH")
    gt_format: str | None = option(None, "Format of --gt (guessed when omitted).", when="read", metavar="FORMAT")


def ground_truth(options: Any, run: Run) -> Dataset:
    """The ground truth of `--gt`, read by the API before the results reader runs (the API knows
    the registry; this package does not import it)."""
    if not isinstance(options.gt, Dataset):
        raise ConvertError("--gt", NO_GROUND_TRUTH)
    return options.gt


def ignore_category_ids(dataset: Dataset) -> list[int]:
    return [c.id for c in dataset.categories if c.name.strip().lower() in IGNORE_NAMES]


def results_dataset(gt: Dataset, boxes: BoxTable, fmt: str) -> Dataset:
    """The ground truth's categories, videos and frames with `boxes` as the predictions."""
    boxes.id = np.arange(1, len(boxes) + 1, dtype=np.int64)
    return Dataset.model_construct(categories=gt.categories, videos=gt.videos, frames=gt.frames, boxes=boxes,
                                   image_root=gt.image_root, name=gt.name, extras={}, hints={"results": fmt})


class Frames:
    """Lookups from what a results file says to the ground truth's frames."""

    def __init__(self, gt: Dataset, run: Run) -> None:
        self.gt = gt
        self.ids = gt.frame_ids()
        self.order = np.argsort(self.ids, kind="stable")
        self.sorted = self.ids[self.order]
        self._run = run
        self._by_index: dict[int, tuple[np.ndarray, np.ndarray]] | None = None

    def positions(self, frame_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(position of each id in the frames, whether the ground truth has it)."""
        at = np.minimum(np.searchsorted(self.sorted, frame_ids), max(len(self.sorted) - 1, 0))
        known = self.sorted[at] == frame_ids if len(self.sorted) else np.zeros(len(frame_ids), bool)
        return self.order[at] if len(self.order) else at, known

    def videos(self) -> dict[str, int]:
        """Video name → id, every frame in a video (one per folder made where the GT has none)."""
        self._structure()
        return {v.name: v.id for v in self._videos}

    def by_index(self, video_id: int, numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(frame id, known) of 1-based frame numbers of a video."""
        self._structure()
        indices, ids = self._by_index.get(video_id, (np.zeros(0, np.int64), np.zeros(0, np.int64)))
        at = np.minimum(np.searchsorted(indices, numbers - 1), max(len(indices) - 1, 0))
        known = indices[at] == numbers - 1 if len(indices) else np.zeros(len(numbers), bool)
        return (ids[at] if len(ids) else np.zeros(len(numbers), np.int64)), known

    def _structure(self) -> None:
        if self._by_index is not None:
            return
        self._videos, frame_video, frame_index = video_structure(self.gt, self._run.child())
        video, index = np.asarray(frame_video, np.int64), np.asarray(frame_index, np.int64)
        self._by_index = {}
        for v in self._videos:
            members = np.flatnonzero(video == v.id)
            order = members[np.argsort(index[members], kind="stable")]
            self._by_index[v.id] = (index[order], self.ids[order])


Rule = tuple[Any, Callable[[int], str]]


def prediction_rules(gt: Dataset, category: np.ndarray | None, x: np.ndarray, y: np.ndarray, w: np.ndarray,
                     h: np.ndarray, score: np.ndarray) -> list[Rule]:
    """What every prediction must be: of a category the ground truth has (pycocotools would drop
    it without a word), finite, of no negative size, with a finite score (a detector's NaN is a
    bug upstream, not a prediction).  `category` None: the format has no class column."""
    rules: list[Rule] = []
    if category is not None:
        known = np.array([c.id for c in gt.categories], dtype=np.int64)
        rules.append((~np.isin(category, known),
                      lambda i: f"category id {category[i]} is not among the ground truth's categories"))
    finite = np.isfinite(x) & np.isfinite(y) & np.isfinite(w) & np.isfinite(h)
    rules += [(~finite, lambda i: "box coordinates must be finite numbers"),
              ((w < 0) | (h < 0), lambda i: f"width and height must not be negative ({w[i]:g}x{h[i]:g})"),
              (~np.isfinite(score), lambda i: f"score must be a finite number, found {score[i]}")]
    return rules


def one_category_per_track(track: np.ndarray, category: np.ndarray, run: Run,
                           where: Callable[[int], str]) -> np.ndarray:
    """XS-VID's `normalize_tao_tracks.py` rule: a track has one category, the first one seen in
    row order.  Strict: a track with two is refused, naming it; lenient: later rows take the
    first category, counted as `category_rewrites`."""
    has = np.flatnonzero(track != NO_TRACK)
    if not len(has):
        return category
    ids, first = np.unique(track[has], return_index=True)
    first_category = category[has][first]
    wanted = first_category[np.searchsorted(ids, track[has])]
    differs = has[wanted != category[has]]
    if not len(differs):
        return category
    i = int(differs[0])
    if not run.lenient:
        raise ConvertError(where(i), f"track {track[i]} has category {category[i]} here and "
                                     f"{wanted[np.searchsorted(has, i)]} before: one category per track "
                                     "(--lenient keeps the first, as XS-VID's normalize_tao_tracks.py does)")
    out = category.copy()
    out[has] = wanted
    run.count("category_rewrites", len(differs))
    run.note(f"{len(differs)} rows of {len(np.unique(track[differs]))} tracks took their track's first category")
    return out


def rounded(values: np.ndarray, decimals: int) -> np.ndarray:
    """Python's `round(v, decimals)` of every value, vectorised: rint of the scaled value is
    Python's choice except within rounding error of a tie, where Python decides."""
    scale = 10.0 ** decimals
    scaled = values * scale
    with np.errstate(invalid="ignore", over="ignore"):
        out = np.rint(scaled) / scale
        near = (np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6) | ~(np.abs(scaled) < 2.0**50)
    for i in np.flatnonzero(near).tolist():
        out[i] = round(float(values[i]), decimals)
    return out


# ---------------------------------------------------------------- writing


def written_rows(dataset: Dataset, run: Run) -> np.ndarray:
    """The boxes a results file gets: ignored ones are regions, not predictions, and are dropped
    (counted); the frames without any prediction are counted too."""
    b = dataset.boxes
    run.count("ignored_dropped", int(b.ignore.sum()))
    rows = np.flatnonzero(~b.ignore)
    with_boxes = len(np.unique(b.frame_id[rows])) if len(rows) else 0
    run.count("frames", len(dataset.frames))
    run.count("frames_without_predictions", len(dataset.frames) - with_boxes)
    run.count("boxes", len(rows))
    return rows


def scores(dataset: Dataset, rows: np.ndarray) -> np.ndarray:
    """The score of each row; a box without one (a ground truth) is a sure detection, 1.0, as
    XS-VID's score_mot.py takes a row without a score."""
    score = dataset.boxes.score[rows]
    return np.where(np.isnan(score), 1.0, score)


def require_categories(dataset: Dataset, rows: np.ndarray, fmt: str) -> None:
    """Predictions read without a class (MOT results) cannot be written where a class is needed."""
    known = np.array([c.id for c in dataset.categories], dtype=np.int64)
    bad = rows[~np.isin(dataset.boxes.category_id[rows], known)]
    if len(bad):
        raise ConvertError(f"box {int(bad[0]) + 1}", f"category {dataset.boxes.category_id[bad[0]]} is not among "
                                                      f"the categories; {fmt} needs one per row (reading MOT results, "
                                                      "give --category ID)")


def frame_positions(dataset: Dataset, rows: np.ndarray) -> np.ndarray:
    return dataset.frame_positions_of(dataset.boxes.frame_id[rows]) if len(rows) else np.zeros(0, np.int64)
