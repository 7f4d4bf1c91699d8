"""The canonical annotation model every format is read into and written from.

Categories, videos and frames are Pydantic models, validated as whole lists at once.  Boxes are
stored as columns (one numpy array per field): XS-VIDv2 has ~4.5M boxes, and one Pydantic model
per box costs seconds and gigabytes where a column check costs milliseconds.  `Box` exists for
callers who want one row as an object (`dataset.boxes.row(i)`).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from ..errors import ConvertError
from ..options import Report

NO_TRACK = -1
"""`track_id` of a box that belongs to no track (MOT writes it as -1, as det.txt does)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Category(_Model):
    id: int
    name: str
    supercategory: str | None = None
    extras: dict[str, Any] = Field(default_factory=dict)


class Video(_Model):
    id: int
    name: str
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    extras: dict[str, Any] = Field(default_factory=dict)


class Frame(_Model):
    id: int
    file_name: str
    """Path of the image relative to the dataset's image root, `/`-separated."""
    width: int | None = None
    height: int | None = None
    video_id: int | None = None
    frame_index: int | None = None
    """0-based position in the video (MOT and VisDrone number frames from 1; we do not)."""
    split: str | None = None
    source: str | None = None
    """Where the image is on disk, when it is not `image_root / file_name`; never written out."""
    extras: dict[str, Any] = Field(default_factory=dict)


class Box(_Model):
    """One row of a `BoxTable`, for callers; the table itself stores columns."""

    id: int
    frame_id: int
    category_id: int
    x: float
    y: float
    w: float
    h: float
    track_id: int = NO_TRACK
    score: float | None = None
    ignore: bool = False
    truncation: float | None = None
    occlusion: float | None = None
    visibility: float | None = None
    extras: dict[str, Any] = Field(default_factory=dict)


INT_COLUMNS = ("id", "frame_id", "category_id", "track_id")
FLOAT_COLUMNS = ("x", "y", "w", "h", "score", "truncation", "occlusion", "visibility")
BOOL_COLUMNS = ("ignore",)
COLUMNS = INT_COLUMNS + FLOAT_COLUMNS + BOOL_COLUMNS
OPTIONAL_FLOATS = ("score", "truncation", "occlusion", "visibility")
"""Float columns where NaN means the format did not say."""

_DEFAULTS: dict[str, Any] = {"track_id": NO_TRACK, "ignore": False}


class BoxTable:
    """Boxes as columns: absolute `x, y, w, h` (top-left, pixels) and per-box attributes.

    Row order is the order the source listed the boxes in; writers that group by frame do so with
    a stable sort, so a MOT or VisDrone file grouped by track is written back as it was.
    """

    __slots__ = COLUMNS + ("extras",)

    def __init__(self, extras: list[dict[str, Any] | None] | None = None, **columns: Any) -> None:
        n = None
        for name in COLUMNS:
            values = columns.pop(name, None)
            if values is None:
                if name in ("id", "frame_id", "category_id", "x", "y", "w", "h"):
                    raise TypeError(f"BoxTable needs the {name} column")
                default = _DEFAULTS.get(name, math.nan)
                array = np.full(n or 0, default, dtype=_dtype(name))
            else:
                array = np.asarray(values, dtype=_dtype(name))
                if array.ndim != 1:
                    raise TypeError(f"column {name} must be one-dimensional")
            if n is None:
                n = len(array)
            elif len(array) != n:
                raise TypeError(f"column {name} has {len(array)} rows, expected {n}")
            setattr(self, name, array)
        if columns:
            raise TypeError(f"unknown box columns: {sorted(columns)}")
        if extras is not None and len(extras) != n:
            raise TypeError(f"extras has {len(extras)} rows, expected {n}")
        self.extras = extras

    @classmethod
    def empty(cls) -> "BoxTable":
        return cls(id=[], frame_id=[], category_id=[], x=[], y=[], w=[], h=[])

    def __len__(self) -> int:
        return len(self.id)

    def extra(self, i: int) -> dict[str, Any]:
        if self.extras is None:
            return {}
        return self.extras[i] or {}

    def row(self, i: int) -> Box:
        def opt(name: str) -> float | None:
            v = float(getattr(self, name)[i])
            return None if math.isnan(v) else v

        return Box(
            id=int(self.id[i]), frame_id=int(self.frame_id[i]),
            category_id=int(self.category_id[i]),
            x=float(self.x[i]), y=float(self.y[i]), w=float(self.w[i]), h=float(self.h[i]),
            track_id=int(self.track_id[i]), score=opt("score"), ignore=bool(self.ignore[i]),
            truncation=opt("truncation"), occlusion=opt("occlusion"),
            visibility=opt("visibility"), extras=dict(self.extra(i)),
        )

    def __iter__(self) -> Iterator[Box]:
        return (self.row(i) for i in range(len(self)))

    def take(self, index: np.ndarray) -> "BoxTable":
        """The rows at `index` (an integer or boolean array), in that order."""
        index = np.asarray(index)
        if index.dtype == bool:
            index = np.flatnonzero(index)
        extras = None if self.extras is None else [self.extras[i] for i in index.tolist()]
        return BoxTable(extras=extras, **{name: getattr(self, name)[index] for name in COLUMNS})

    @classmethod
    def concat(cls, tables: list["BoxTable"]) -> "BoxTable":
        if not tables:
            return cls.empty()
        extras = None
        if any(t.extras is not None for t in tables):
            extras = []
            for t in tables:
                extras.extend(t.extras if t.extras is not None else [None] * len(t))
        return cls(extras=extras, **{n: np.concatenate([getattr(t, n) for t in tables]) for n in COLUMNS})

    def has(self, name: str) -> bool:
        """Whether any box carries a value in optional column `name`."""
        column = getattr(self, name)
        if name == "track_id":
            return bool((column != NO_TRACK).any())
        if name == "ignore":
            return bool(column.any())
        return bool((~np.isnan(column)).any())


def _dtype(name: str) -> type:
    if name in INT_COLUMNS:
        return np.int64
    if name in BOOL_COLUMNS:
        return np.bool_
    return np.float64


_categories = TypeAdapter(list[Category])
_videos = TypeAdapter(list[Video])
_frames = TypeAdapter(list[Frame])

Locator = Callable[[str, int], str]
"""Maps ("boxes"|"frames"|"categories"|"videos", row) to a place in the source, e.g. `gt.txt:12`."""


def _default_locator(kind: str, index: int) -> str:
    return f"{kind}[{index}]"


class Dataset(BaseModel):
    """One dataset in canonical form; every reader returns one, every writer takes one."""

    model_config = ConfigDict(arbitrary_types_allowed=True, extra="forbid")

    categories: list[Category]
    videos: list[Video] = Field(default_factory=list)
    frames: list[Frame]
    boxes: BoxTable
    info: dict[str, Any] | None = None
    licenses: list[Any] | None = None
    image_root: str | None = None
    """Folder the frames' `file_name`s are relative to."""
    extras: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def build(
        cls,
        categories: list[dict[str, Any]],
        videos: list[dict[str, Any]],
        frames: list[dict[str, Any]],
        boxes: BoxTable,
        locate: Locator = _default_locator,
        report: Any = None,
        **rest: Any,
    ) -> "Dataset":
        """Validate plain dicts as whole lists (one pass in pydantic-core), then check consistency.

        With a lenient `report`, an item that does not validate is skipped with a warning (the
        slow item-by-item pass runs only when the whole-list pass failed)."""
        report = _strict_unless(report)
        parsed: dict[str, list] = {}
        positions: dict[str, list[int] | None] = {}
        for kind, adapter, single, items in (
            ("categories", _categories, Category, categories),
            ("videos", _videos, Video, videos),
            ("frames", _frames, Frame, frames),
        ):
            positions[kind] = None
            try:
                parsed[kind] = adapter.validate_python(items)
                continue
            except ValidationError as exc:
                if not report.lenient:
                    where, message = _validation_message(exc, kind, locate)
                    raise ConvertError(where, message) from None
            parsed[kind], positions[kind] = [], []
            for i, item in enumerate(items):
                try:
                    parsed[kind].append(single.model_validate(item))
                    positions[kind].append(i)
                except ValidationError as exc:
                    report.skip(*_validation_message(exc, kind, lambda k, _: locate(k, i), offset=False))
        dataset = cls.model_construct(
            categories=parsed["categories"], videos=parsed["videos"], frames=parsed["frames"],
            boxes=boxes, info=rest.pop("info", None), licenses=rest.pop("licenses", None),
            image_root=rest.pop("image_root", None), extras=rest.pop("extras", {}),
        )
        if rest:
            raise TypeError(f"unknown Dataset fields: {sorted(rest)}")

        def located(kind: str, index: int) -> str:
            kept = positions.get(kind)
            return locate(kind, kept[index] if kept is not None else index)

        dataset.check(located, report)
        return dataset

    @model_validator(mode="after")
    def _consistent(self) -> "Dataset":
        self.check()
        return self

    def check(self, locate: Locator = _default_locator, report: Any = None) -> None:
        """Ids unique and resolvable, one frame per (video, index), sizes positive, boxes sound.

        Strict (no lenient `report`): the first problem raises.  Lenient: each bad category,
        video, frame or box is dropped with a warning (boxes of a dropped frame go with it)."""
        report = _strict_unless(report)
        keep = report.reject(_repeated([c.id for c in self.categories]), lambda i: locate("categories", i),
                             lambda i: f"id {self.categories[i].id} is used twice")
        self.categories = [c for c, k in zip(self.categories, keep) if k]
        keep = report.reject(_repeated([v.id for v in self.videos]), lambda i: locate("videos", i),
                             lambda i: f"id {self.videos[i].id} is used twice")
        self.videos = [v for v, k in zip(self.videos, keep) if k]
        video_ids = {v.id for v in self.videos}
        frames = self.frames
        bad = _repeated([f.id for f in frames])
        seen: set[tuple[int, int]] = set()
        for i, f in enumerate(frames):
            problem = None
            if bad[i]:
                problem = f"id {f.id} is used twice"
            elif f.video_id is not None and f.video_id not in video_ids:
                problem = f"video id {f.video_id} is not among the videos"
            elif f.video_id is not None and f.frame_index is not None and (f.video_id, f.frame_index) in seen:
                problem = f"frame index {f.frame_index} appears twice in video {f.video_id}"
            elif f.width is not None and f.width <= 0:
                problem = f"width must be positive, not {f.width}"
            elif f.height is not None and f.height <= 0:
                problem = f"height must be positive, not {f.height}"
            if problem:
                report.skip(locate("frames", i), problem)
                bad[i] = True
            elif f.video_id is not None and f.frame_index is not None:
                seen.add((f.video_id, f.frame_index))
        if bad.any():
            self.frames = [f for f, b in zip(frames, bad) if not b]
            kept = np.flatnonzero(~bad)
            outer = locate
            locate = lambda kind, i: outer(kind, int(kept[i])) if kind == "frames" else outer(kind, i)  # noqa: E731
        self.boxes = self.check_boxes(locate, report)

    def check_boxes(self, locate: Locator = _default_locator, report: Any = None) -> BoxTable:
        """Box-level checks.  Strict (no lenient `report`): the first bad box raises.  Lenient:
        every bad box is skipped with a warning and the table without them is returned."""
        b = self.boxes
        if len(b) == 0:
            return b
        report = _strict_unless(report)
        where = lambda i: locate("boxes", i)  # noqa: E731
        bad = np.zeros(len(b), dtype=bool)

        def flag(mask: np.ndarray, message: Callable[[int], str]) -> None:
            nonlocal bad
            bad |= ~report.reject(mask & ~bad, where, message)

        flag(_repeated(b.id), lambda i: f"id {b.id[i]} is used twice")
        frame_ids = np.fromiter((f.id for f in self.frames), np.int64, len(self.frames))
        flag(~np.isin(b.frame_id, frame_ids), lambda i: f"image id {b.frame_id[i]} is not among the frames")
        category_ids = np.array([c.id for c in self.categories], dtype=np.int64)
        flag(~np.isin(b.category_id, category_ids),
             lambda i: f"category id {b.category_id[i]} is not among the categories")
        for name in ("x", "y", "w", "h"):
            column = getattr(b, name)
            flag(~np.isfinite(column), lambda i: f"{name} is {column[i]}")
        flag(b.w < 0, lambda i: f"width is negative ({b.w[i]})")
        flag(b.h < 0, lambda i: f"height is negative ({b.h[i]})")
        # A box with no pixel inside its frame is an annotation error, not a clipping matter.
        known = ~bad
        if known.any():
            width, height = self.frame_sizes()
            position = np.full(len(b), 0)
            position[known] = self.frame_positions_of(b.frame_id[known])
            W, H = width[position], height[position]
            with np.errstate(invalid="ignore"):
                outside = known & (b.w > 0) & (b.h > 0) & (
                    (b.x >= W) | (b.y >= H) | (b.x + b.w <= 0) | (b.y + b.h <= 0))
            flag(outside, lambda i: f"box {b.x[i]:g},{b.y[i]:g} {b.w[i]:g}x{b.h[i]:g} lies wholly outside "
                                    f"its {W[i]:g}x{H[i]:g} image")
        return b.take(~bad) if bad.any() else b

    # Lookups that writers share.
    def image_path(self, frame: Frame) -> Path | None:
        """Where `frame`'s image is on disk (it may not exist), or None if nothing says."""
        if frame.source:
            return Path(frame.source)
        if self.image_root:
            return Path(self.image_root) / frame.file_name
        return None

    def category_index(self) -> dict[int, int]:
        """Category id → position in the category list (what YOLO calls the class)."""
        return {c.id: i for i, c in enumerate(self.categories)}

    def frame_sizes(self) -> tuple[np.ndarray, np.ndarray]:
        """Width and height of every frame, NaN where unknown."""
        width = np.array([np.nan if f.width is None else f.width for f in self.frames], dtype=np.float64)
        height = np.array([np.nan if f.height is None else f.height for f in self.frames], dtype=np.float64)
        return width, height

    def frame_video_ids(self) -> np.ndarray:
        """Video id of every frame, -1 where it belongs to none."""
        return np.array([-1 if f.video_id is None else f.video_id for f in self.frames], dtype=np.int64)

    def box_video_ids(self) -> np.ndarray:
        """Video id of every box's frame, -1 where it belongs to none."""
        if not len(self.boxes):
            return np.zeros(0, np.int64)
        return self.frame_video_ids()[self.frame_positions()]

    def frame_positions(self) -> np.ndarray:
        """For each box, the position of its frame in `frames`."""
        return self.frame_positions_of(self.boxes.frame_id)

    def frame_positions_of(self, frame_ids: np.ndarray) -> np.ndarray:
        ids = np.fromiter((f.id for f in self.frames), np.int64, len(self.frames))
        order = np.argsort(ids, kind="stable")
        return order[np.searchsorted(ids, frame_ids, sorter=order)]

    def boxes_by_frame(self) -> tuple[np.ndarray, np.ndarray]:
        """(order, starts): box rows sorted stably by frame position, and where each frame begins.

        Boxes of frame k are `order[starts[k]:starts[k + 1]]`.
        """
        positions = self.frame_positions()
        order = np.argsort(positions, kind="stable")
        starts = np.searchsorted(positions[order], np.arange(len(self.frames) + 1))
        return order, starts

    def splits(self) -> list[str | None]:
        """The frames' split names, in order of first appearance."""
        return list(dict.fromkeys(f.split for f in self.frames))

    def subset(self, split: str | None) -> "Dataset":
        """The frames of one split, their boxes and their videos (already checked: no validation)."""
        frames = [f for f in self.frames if f.split == split]
        ids = np.fromiter((f.id for f in frames), np.int64, len(frames))
        video_ids = {f.video_id for f in frames}
        return self.model_copy(update={
            "frames": frames, "boxes": self.boxes.take(np.isin(self.boxes.frame_id, ids)),
            "videos": [v for v in self.videos if v.id in video_ids],
        })

    def video_by_id(self) -> dict[int, Video]:
        return {v.id: v for v in self.videos}


def unique_pairs(a: np.ndarray, b: np.ndarray, return_counts: bool = False) -> Any:
    """`np.unique` of (a, b) pairs as a (2, n) array (with counts).  The pairs are folded into
    one int64 key when they fit: a 1-D sort is 5-10x faster than `np.unique(..., axis=1)`."""
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    if not len(a):
        pairs = np.zeros((2, 0), np.int64)
        return (pairs, np.zeros(0, np.int64)) if return_counts else pairs
    b_low, b_span = int(b.min()), int(b.max()) - int(b.min()) + 1
    a_low, a_span = int(a.min()), int(a.max()) - int(a.min()) + 1
    if a_span * b_span < 2**62:
        keys, counts = np.unique((a - a_low) * b_span + (b - b_low), return_counts=True)
        pairs = np.stack([keys // b_span + a_low, keys % b_span + b_low])
    else:
        pairs, counts = np.unique(np.stack([a, b]), axis=1, return_counts=True)
    return (pairs, counts) if return_counts else pairs


def _strict_unless(report: Any) -> Any:
    """`report`, or a strict one (the first problem raises) when the caller gave none."""
    return report if report is not None else Report()


def _repeated(ids: Any) -> np.ndarray:
    """True at every occurrence of an id after its first."""
    ids = np.asarray(ids, dtype=np.int64)
    repeated = np.zeros(len(ids), dtype=bool)
    if len(ids) > 1:
        order = np.argsort(ids, kind="stable")
        repeated[order[1:][ids[order][1:] == ids[order][:-1]]] = True
    return repeated


def _validation_message(exc: ValidationError, kind: str, locate: Locator, offset: bool = True) -> tuple[str, str]:
    """(where, what) of a pydantic error on a whole list (`offset`: loc starts with the index)
    or on one item."""
    err = exc.errors()[0]
    loc = list(err["loc"])
    if offset:
        if not loc or not isinstance(loc[0], int):
            return kind, err["msg"]
        where = locate(kind, int(loc.pop(0)))
    else:
        where = locate(kind, 0)
    field = ".".join(str(p) for p in loc)
    return where, f"{field}: {err['msg']}" if field else err["msg"]
