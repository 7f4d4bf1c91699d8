"""MOTChallenge metrics as XS-VID's `score_mot.py` computes them, through motmetrics.

The same steps on the same texts: ground-truth rows `%d,%d,%.2f,%.2f,%.2f,%.2f,1,-1,-1,-1` per video
(frame = frame index + 1, the ignore category left out, sorted by frame and id), prediction rows
`...,%.2f,-1,-1,-1` (a score threshold first if asked, on the unrounded score, then the ignore
category dropped, a missing score 1.0), read back by `motmetrics.io.loadtxt(fmt="mot15-2D")` with
`min_confidence=1` for the ground truth; `compare_to_groundtruth(..., "iou", distth=0.5)`,
class-agnostic; `compute_many(motchallenge_metrics + [num_objects, num_predictions, idtp, idfp,
idfn], generate_overall=True)`.  Only videos with a scorable ground-truth row are scored.  From a
COCO-family truth every box outside the ignore category is scored (score_mot writes confidence 1
on each: an `iscrowd` or `ignore` flag elsewhere does not matter); a MOT truth keeps its consider
flag, so `min_confidence=1` drops its conf-0 rows as it would reading gt.txt.

motmetrics 1.4.0, the last release, calls `np.asfarray`, which NumPy 2 removed; see `numpy_asfarray`.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from itertools import chain, repeat
from typing import Any, Iterator

import numpy as np

from ..errors import ConvertError
from ..formats.results.common import ignore_category_ids
from ..formats.sequences import video_structure
from ..model import NO_TRACK, Dataset
from ..run import Run

GT_ROW = "%d,%d,%.2f,%.2f,%.2f,%.2f,%d,-1,-1,-1"
PRED_ROW = "%d,%d,%.2f,%.2f,%.2f,%.2f,%.2f,-1,-1,-1"
EXTRA = ["num_objects", "num_predictions", "idtp", "idfp", "idfn"]
KEYS = {"MOTA": "mota", "IDF1": "idf1", "IDP": "idp", "IDR": "idr", "Rcll": "recall", "Prcn": "precision",
        "MOTP": "motp", "FP": "num_false_positives", "FN": "num_misses", "IDsw": "num_switches",
        "Frag": "num_fragmentations", "MT": "mostly_tracked", "PT": "partially_tracked", "ML": "mostly_lost",
        "GT": "num_objects", "Pred": "num_predictions", "IDTP": "idtp", "IDFP": "idfp", "IDFN": "idfn"}
COUNTS = {"FP", "FN", "IDsw", "Frag", "MT", "PT", "ML", "GT", "Pred", "IDTP", "IDFP", "IDFN"}


@contextlib.contextmanager
def numpy_asfarray() -> Iterator[None]:
    """`np.asfarray` while motmetrics runs, only where NumPy (2.x) lacks it, removed afterwards.

    motmetrics 1.4.0 (the last release) calls it in `distances.iou_matrix`; the fix (py-motmetrics
    PR #200) is unreleased.  `np.asarray(a, dtype=float64)` is what NumPy 1's `asfarray` did for
    these inputs, and gives bit-identical metrics (checked against NumPy 1.26 with XS-VID's pins)."""
    added = not hasattr(np, "asfarray")
    if added:
        np.asfarray = lambda a, dtype=np.float64: np.asarray(a, dtype=dtype)  # type: ignore[attr-defined]
    try:
        with warnings.catch_warnings():  # pandas 3 warns of a change coming in pandas 4 (io.py: `-= (1, 1)`)
            warnings.filterwarnings("ignore", message="Operation with tuple is deprecated")
            yield
    finally:
        if added:
            del np.asfarray


def _motmetrics() -> Any:
    try:
        import motmetrics
    except ImportError:
        raise ConvertError("evaluate", "tracking metrics need motmetrics: pip install 'xsvid-convert[eval]'") from None
    return motmetrics


def mot_metrics(gt: Dataset, pred: Dataset, min_score: float | None = None) -> dict[str, Any]:
    mm = _motmetrics()
    skip = ignore_category_ids(gt)
    truth = _texts(gt, _gt_rows(gt, skip), GT_ROW, ignored_zero=True)
    guesses = _texts(pred, _pred_rows(pred, skip, min_score), PRED_ROW)
    names = sorted(name for name, text in truth.items() if text)
    solver = "lap" if "lap" in mm.lap.available_solvers else "scipy"
    previous, mm.lap.default_solver = mm.lap.default_solver, solver
    try:
        with numpy_asfarray():
            accumulators = []
            for name in names:
                g = mm.io.loadtxt(io.StringIO(truth[name]), fmt="mot15-2D", min_confidence=1)
                text = guesses.get(name, "")
                p = mm.io.loadtxt(io.StringIO(text), fmt="mot15-2D") if text else g.iloc[0:0]
                accumulators.append(mm.utils.compare_to_groundtruth(g, p, "iou", distth=0.5))
            summary = mm.metrics.create().compute_many(
                accumulators, names=names, metrics=mm.metrics.motchallenge_metrics + EXTRA, generate_overall=True)
    finally:
        mm.lap.default_solver = previous
    overall = summary.loc["OVERALL"]
    out: dict[str, Any] = {key: _number(overall[column], key in COUNTS) for key, column in KEYS.items()}
    out["per_video"] = {n: {"MOTA": _number(summary.loc[n, "mota"]), "IDF1": _number(summary.loc[n, "idf1"])}
                        for n in names}
    out["missing_sequences"] = sorted(n for n in names if not guesses.get(n))
    out["unscored_prediction_sequences"] = sorted(n for n, t in guesses.items() if t and n not in names)
    out["solver"] = solver
    return out


def _number(value: Any, count: bool = False) -> float | int | None:
    value = float(value)
    if np.isnan(value):
        return None  # MOTA of a video without ground truth, say; JSON has no NaN
    return int(value) if count else value


def _gt_rows(gt: Dataset, skip: list[int]) -> np.ndarray:
    return np.flatnonzero(~np.isin(gt.boxes.category_id, skip))


def _pred_rows(pred: Dataset, skip: list[int], min_score: float | None) -> np.ndarray:
    b = pred.boxes
    keep = ~b.ignore
    if min_score is not None:
        keep &= ~(np.where(np.isnan(b.score), 1.0, b.score) < min_score)
    keep &= ~np.isin(b.category_id, skip)
    rows = np.flatnonzero(keep)
    lonely = rows[b.track_id[rows] == NO_TRACK]
    if len(lonely):
        raise ConvertError(f"prediction {int(lonely[0]) + 1}", f"{len(lonely)} predictions have no track id: "
                                                                "tracking metrics need one on every row")
    return rows


def _texts(dataset: Dataset, rows: np.ndarray, template: str, ignored_zero: bool = False) -> dict[str, str]:
    """One MOT text per video name: rows sorted by (frame, id), a repeated prediction refused."""
    videos, frame_video, frame_index = video_structure(dataset, Run())
    position = dataset.frame_positions_of(dataset.boxes.frame_id[rows]) if len(rows) else np.zeros(0, np.int64)
    video = np.asarray(frame_video, np.int64)[position]
    frame = np.asarray(frame_index, np.int64)[position] + 1
    b = dataset.boxes
    track = b.track_id[rows]
    if ignored_zero:  # a COCO-family truth: 1 on every row, as score_mot writes; a MOT gt.txt: its own flag
        conf = np.ones(len(rows), np.int64) if "coco.flags" in b.hints else (~b.ignore[rows]).astype(np.int64)
    else:
        conf = np.where(np.isnan(b.score[rows]), 1.0, b.score[rows])
    out = {}
    for v in videos:
        members = np.flatnonzero(video == v.id)
        order = members[np.lexsort((track[members], frame[members]))]
        if not ignored_zero and len(order) > 1:
            same = (frame[order][1:] == frame[order][:-1]) & (track[order][1:] == track[order][:-1])
            if same.any():
                k = int(order[1:][same][0])
                raise ConvertError(f"video {v.name!r}", f"duplicate prediction: track {track[k]} twice in frame "
                                                        f"{frame[k]} (score_mot.py refuses it too)")
        r = rows[order]
        columns = [frame[order].tolist(), track[order].tolist(), b.x[r].tolist(), b.y[r].tolist(), b.w[r].tolist(),
                   b.h[r].tolist(), conf[order].tolist()]
        out[v.name] = "".join(repeat(template + "\n", len(r))) % tuple(chain.from_iterable(zip(*columns)))
    return out
