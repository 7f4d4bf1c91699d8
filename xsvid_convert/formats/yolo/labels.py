"""YOLO label files: `class cx cy w h` per box, normalized to [0, 1].

The class is the position of the category in the dataset's category list, never
`category_id - 1`.  Ultralytics rejects a whole label file with a value outside [0, 1] or a class
≥ nc, so boxes are clipped to the image and boxes left with no area are dropped; both counted.
"""

from __future__ import annotations

import math

from typing import Iterator

import numpy as np

from ...errors import shown
from ...model import Category, Dataset
from ...run import Run

IGNORED_CLASS_NAMES = ("ignored regions", "ignored-regions", "ignored_regions", "ignored", "ignore")
# Fixed-point: Ultralytics reads any float, but `%g` would write 5e-05 for a 0.05 px box.
LABEL_LINE = "%d %.6f %.6f %.6f %.6f\n"


def classes(dataset: Dataset, ignored: str) -> tuple[list[Category], dict[int, int], int | None]:
    """The class list (category order), category id → class, and the class of ignored boxes
    (`ignored="class"`: the categories' own ignore class, else a new `ignored` one)."""
    out = list(dataset.categories)
    ignored_class = None
    if ignored == "class":
        ignored_class = next((k for k, c in enumerate(out) if c.name.lower() in IGNORED_CLASS_NAMES), None)
        if ignored_class is None:
            out.append(Category(id=max((c.id for c in out), default=0) + 1, name="ignored"))
            ignored_class = len(out) - 1
    return out, {c.id: k for k, c in enumerate(out)}, ignored_class


class LabelTexts:
    """The label file text of each frame, from the kept boxes' class cx cy w h: boxes grouped by
    frame once, then formatted a block of frames at a time (`texts`)."""

    def __init__(self, frames: int, box_frames: np.ndarray, values: np.ndarray) -> None:
        self.order = np.argsort(box_frames, kind="stable")
        self.starts = np.searchsorted(box_frames[self.order], np.arange(frames + 1))
        self.values, self.frames = values, frames

    def texts(self, first: int = 0, last: int | None = None) -> Iterator[str]:
        """Frames first..last-1, boxes in the dataset's order within a frame.  One `%` per frame,
        not per box; numbers turned into Python floats a block of frames at a time, so millions of
        boxes never sit in memory as float objects."""
        starts, last = self.starts, self.frames if last is None else last
        step = 4096  # frames per block
        for block in range(first, last, step):
            lo, hi = int(starts[block]), int(starts[min(block + step, last)])
            flat = self.values[self.order[lo:hi]].ravel().tolist()
            for k in range(block, min(block + step, last)):
                a, b = int(starts[k]) - lo, int(starts[k + 1]) - lo
                yield (LABEL_LINE * (b - a)) % tuple(flat[5 * a:5 * b]) if b > a else ""


def label_texts(dataset: Dataset, class_of: dict[int, int], ignored_class: int | None, run: Run) -> LabelTexts:
    """The label texts of every frame: boxes clipped to the image, normalized, counted."""
    positions = dataset.frame_positions()
    rows, values = normalized_rows(dataset, class_of, ignored_class, run, positions)
    return LabelTexts(len(dataset.frames), positions[rows], values)


def normalized_rows(dataset: Dataset, class_of: dict[int, int], ignored_class: int | None,
                    run: Run, positions: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Clip every box to its image and normalize it: (box rows kept, their class cx cy w h)."""
    b = dataset.boxes
    positions = dataset.frame_positions() if positions is None else positions
    widths, heights = dataset.frame_sizes()
    dataset.require_sizes("YOLO needs it to normalize boxes", np.unique(positions))
    W, H = widths[positions], heights[positions]
    with np.errstate(over="ignore", invalid="ignore"):
        x1, y1 = np.clip(b.x, 0, W), np.clip(b.y, 0, H)
        x2, y2 = np.clip(b.x + b.w, 0, W), np.clip(b.y + b.h, 0, H)
        changed = (x1 != b.x) | (y1 != b.y) | (x2 != b.x + b.w) | (y2 != b.y + b.h)
        # empty once written: a side under half a millionth of the image prints as 0.000000
        nonempty = (np.round((x2 - x1) / W, 6) > 0) & (np.round((y2 - y1) / H, 6) > 0)
    keep = nonempty.copy()
    if ignored_class is None:
        keep &= ~b.ignore
        run.count("ignored_dropped", int((b.ignore & nonempty).sum()))
    run.count("dropped", int((~nonempty).sum()))
    run.count("clipped", int((changed & keep).sum()))
    lookup = np.array([class_of[c] for c in b.category_id.tolist()], dtype=np.int64)
    if ignored_class is not None:
        lookup[b.ignore] = ignored_class
    rows = np.flatnonzero(keep)
    x1, y1, x2, y2, W, H = x1[rows], y1[rows], x2[rows], y2[rows], W[rows], H[rows]
    values = np.column_stack([lookup[rows].astype(np.float64), (x1 + x2) / 2 / W, (y1 + y2) / 2 / H,
                              (x2 - x1) / W, (y2 - y1) / H])
    run.count("boxes", len(rows))
    return rows, values


def parse_labels(files: list[tuple[str, list[str]]], nc: int, run: Run) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(class, cx, cy, w, h) rows of many label files (each its name and lines), with each kept
    row's file (position in `files`) and line number.  Each rule runs once over the rows of all
    the files; a polygon row (Ultralytics segments) becomes its bounding box."""
    parts: list[list[str]] = []
    file_of: list[int] = []
    numbers: list[int] = []
    for f, (_, lines) in enumerate(files):
        rows = [line.split() for line in lines]
        if all(rows):
            parts += rows
            numbers += range(1, len(rows) + 1)
        else:  # blank lines: kept out, line numbers kept right
            kept = [n for n, row in enumerate(rows, 1) if row]
            parts += [rows[n - 1] for n in kept]
            numbers += kept
        file_of += [f] * (len(numbers) - len(file_of))
    at = lambda i: f"{files[file_of[i]][0]}:{numbers[i]}"  # noqa: E731
    widths = np.fromiter(map(len, parts), np.int64, len(parts))
    polygon = (widths > 5) & (widths % 2 == 1)
    shape = (widths != 5) & ~polygon
    values = _numbers(parts, ~shape, polygon)
    cls = values[:, 0]
    with np.errstate(invalid="ignore"):
        bad = run.reject_rules([
            (shape, lambda i: f"expected `class cx cy w h` (or a polygon), found {widths[i]} values"),
            (np.isnan(values).any(axis=1), lambda i: _not_a_number(parts[i])),
            (~np.isfinite(values).all(axis=1), lambda i: "coordinates must be finite numbers"),
            (cls != np.floor(cls), lambda i: f"class must be an integer, found {shown(parts[i][0])}"),
            ((cls < 0) | (cls >= nc), lambda i: f"class {int(cls[i])} is not among the {nc} names"),
            ((values[:, 3] < 0) | (values[:, 4] < 0), lambda i: "width and height must not be negative"),
        ], len(parts), at)
    kept = np.flatnonzero(~bad)
    return values[kept], np.asarray(file_of, dtype=np.int64)[kept], np.asarray(numbers, dtype=np.int64)[kept]


def _numbers(parts: list[list[str]], keep: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """class cx cy w h of every row (NaN where a token is not a number): the plain rows in one
    numpy conversion, polygons and rows with a bad token one by one."""
    values = np.full((len(parts), 5), np.nan)
    plain = np.flatnonzero(keep & ~polygon)
    try:
        values[plain] = np.array([parts[i] for i in plain.tolist()], dtype=np.float64).reshape(len(plain), 5)
        slow = np.flatnonzero(keep & polygon)
    except ValueError:
        slow = np.flatnonzero(keep)
    for i in slow.tolist():
        values[i] = _row(parts[i])
    return values


def _row(tokens: list[str]) -> list[float]:
    """class, cx, cy, w, h of a `cx cy w h` row or of a polygon's points (as Ultralytics does)."""
    try:
        numbers = [float(t) for t in tokens]
    except ValueError:
        return [float("nan")] * 5
    if len(numbers) == 5:
        return numbers
    xs, ys = numbers[1::2], numbers[2::2]
    return [numbers[0], (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2, max(xs) - min(xs), max(ys) - min(ys)]


def _not_a_number(tokens: list[str]) -> str:
    bad = next((t for t in tokens if not _is_number(t)), tokens[0])
    if bad is tokens[0]:
        return f"class must be an integer, found {shown(bad)}"
    return f"coordinates must be finite numbers, found {shown(bad)}"


def _is_number(token: str) -> bool:
    try:
        return math.isfinite(float(token))
    except ValueError:
        return False
