"""The consistency rules of a dataset, stated once and run on whole columns.

Strict (`run` not lenient): the first problem raises.  Lenient: each bad category, video, frame
or box is dropped with a warning (boxes of a dropped frame go with it, each with its own).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..run import Run
from .boxes import BoxTable, repeated
from .dataset import Dataset, Locator, default_locator

def check(dataset: Dataset, locate: Locator = default_locator, run: Run | None = None) -> None:
    """Ids unique and resolvable, one frame per (video, index), sizes positive, boxes sound."""
    run = run or Run()
    keep = run.reject(repeated([c.id for c in dataset.categories]), lambda i: locate("categories", i),
                      lambda i: f"id {dataset.categories[i].id} is used twice")
    dataset.categories = [c for c, k in zip(dataset.categories, keep) if k]
    keep = run.reject(repeated([v.id for v in dataset.videos]), lambda i: locate("videos", i),
                      lambda i: f"id {dataset.videos[i].id} is used twice")
    dataset.videos = [v for v, k in zip(dataset.videos, keep) if k]
    bad = _bad_frames(dataset, locate, run)
    if bad.any():
        dataset.frames = [f for f, b in zip(dataset.frames, bad) if not b]
        kept = np.flatnonzero(~bad)
        outer = locate

        def locate(kind: str, i: int) -> str:
            return outer(kind, int(kept[i])) if kind == "frames" else outer(kind, i)
    dataset.boxes = check_boxes(dataset, locate, run)


def _bad_frames(dataset: Dataset, locate: Locator, run: Run) -> np.ndarray:
    frames = dataset.frames
    ids = dataset.frame_ids()
    video = dataset.frame_video_ids()
    index = np.array([-1 if f.frame_index is None else f.frame_index for f in frames], dtype=np.int64)
    known_videos = np.array([v.id for v in dataset.videos], dtype=np.int64)
    indexed = (video != -1) & (index != -1)
    twice = np.zeros(len(frames), bool)
    if indexed.any():
        pairs = np.flatnonzero(indexed)
        twice[pairs] = _repeated_pairs(video[pairs], index[pairs])
    rules: list[tuple[np.ndarray, Callable[[int], str]]] = [
        (repeated(ids), lambda i: f"id {frames[i].id} is used twice"),
        (_repeated_names(frames), lambda i: f"file_name {frames[i].file_name!r} is used by two images"),
        ((video != -1) & ~np.isin(video, known_videos), lambda i: f"video id {frames[i].video_id} is not among the videos"),
        (twice, lambda i: f"frame index {frames[i].frame_index} appears twice in video {frames[i].video_id}"),
    ]
    return run.reject_rules(rules, len(frames), lambda i: locate("frames", i))


def _repeated_names(frames: list) -> np.ndarray:
    """Two images of one split with one file name: a writer would lay one over the other."""
    out = np.zeros(len(frames), bool)
    seen: set[tuple] = set()
    for k, f in enumerate(frames):
        key = (f.split, f.file_name)
        out[k] = key in seen
        seen.add(key)
    return out


def _repeated_pairs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """True at every occurrence of an (a, b) pair after its first."""
    order = np.lexsort((b, a))
    same = (a[order][1:] == a[order][:-1]) & (b[order][1:] == b[order][:-1])
    out = np.zeros(len(a), bool)
    out[order[1:][same]] = True
    return out


def check_boxes(dataset: Dataset, locate: Locator = default_locator, run: Run | None = None) -> BoxTable:
    """Box-level rules; returns the table without the boxes skipped (lenient)."""
    b = dataset.boxes
    if len(b) == 0:
        return b
    run = run or Run()
    where = lambda i: locate("boxes", i)  # noqa: E731
    category_ids = np.array([c.id for c in dataset.categories], dtype=np.int64)
    rules: list[tuple[np.ndarray, Callable[[int], str]]] = [
        (repeated(b.id), lambda i: f"id {b.id[i]} is used twice"),
        (~np.isin(b.frame_id, dataset.frame_ids()), lambda i: f"image id {b.frame_id[i]} is not among the frames"),
        (~np.isin(b.category_id, category_ids), lambda i: f"category id {b.category_id[i]} is not among the categories"),
    ]
    for name in ("x", "y", "w", "h"):
        column = getattr(b, name)
        rules.append((~np.isfinite(column), lambda i, name=name, column=column: f"{name} is {column[i]}"))
    with np.errstate(over="ignore", invalid="ignore"):
        too_big = ~np.isfinite(b.w * b.h) | ~np.isfinite(b.x + b.w) | ~np.isfinite(b.y + b.h)
    rules += [
        (b.w < 0, lambda i: f"width is negative ({b.w[i]})"),
        (b.h < 0, lambda i: f"height is negative ({b.h[i]})"),
        (too_big, lambda i: f"box {b.x[i]:g},{b.y[i]:g} {b.w[i]:g}x{b.h[i]:g} is too large to measure"),
    ]
    bad = run.reject_rules(rules, len(b), where)
    bad |= _outside(dataset, ~bad, where, run)
    return b.take(~bad) if bad.any() else b


def _outside(dataset: Dataset, known: np.ndarray, where: Callable[[int], str], run: Run) -> np.ndarray:
    """A box with no pixel inside its frame is an annotation error, not a clipping matter."""
    b = dataset.boxes
    if not known.any():
        return np.zeros(len(b), bool)
    width, height = dataset.frame_sizes()
    position = np.zeros(len(b), np.int64)
    position[known] = dataset.frame_positions_of(b.frame_id[known])
    W, H = width[position], height[position]
    with np.errstate(invalid="ignore", over="ignore"):
        outside = known & (b.w > 0) & (b.h > 0) & ((b.x >= W) | (b.y >= H) | (b.x + b.w <= 0) | (b.y + b.h <= 0))
    return ~run.reject(outside, where, lambda i: f"box {b.x[i]:g},{b.y[i]:g} {b.w[i]:g}x{b.h[i]:g} lies wholly "
                                                 f"outside its {W[i]:g}x{H[i]:g} image")
