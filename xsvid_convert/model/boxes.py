"""Boxes as columns: one numpy array per field.

XS-VID v2 has ~1.4M boxes (a results file up to 10M): one Pydantic model per box would cost
seconds and gigabytes where a column check costs milliseconds.  `Box` exists for callers who
want one row as an object (`dataset.boxes.row(i)`).
"""

from __future__ import annotations

import math
from typing import Any, Iterator

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

NO_TRACK = -1
"""`track_id` of a box that belongs to no track (MOT writes it as -1, as det.txt does)."""

INT_COLUMNS = ("id", "frame_id", "category_id", "track_id")
FLOAT_COLUMNS = ("x", "y", "w", "h", "score", "truncation", "occlusion", "visibility")
BOOL_COLUMNS = ("ignore",)
COLUMNS = INT_COLUMNS + FLOAT_COLUMNS + BOOL_COLUMNS
REQUIRED = ("id", "frame_id", "category_id", "x", "y", "w", "h")
OPTIONAL_FLOATS = ("score", "truncation", "occlusion", "visibility")
"""Float columns where NaN means the format did not say."""
_DEFAULTS: dict[str, Any] = {"track_id": NO_TRACK, "ignore": False}


class Box(BaseModel):
    """One row of a `BoxTable`, for callers; the table itself stores columns."""

    model_config = ConfigDict(extra="forbid")

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


def dtype_of(name: str) -> type:
    if name in INT_COLUMNS:
        return np.int64
    if name in BOOL_COLUMNS:
        return np.bool_
    return np.float64


class BoxTable:
    """Absolute `x, y, w, h` (top-left, pixels) and per-box attributes, one array each.

    Row order is the order the source listed the boxes in; writers that group by frame do so with
    a stable sort, so a MOT or VisDrone file grouped by track is written back as it was.

    `extras`: per box, the keys of the source the model does not name (None: none).
    `hints`: named private columns a format keeps for writing its own files back exactly (how a
    number was written, which keys a record had); no other format reads them.  A table without a
    hint another table has gets it filled with 0 (NaN for floats): "nothing known".
    """

    __slots__ = COLUMNS + ("extras", "hints")

    def __init__(self, extras: list[dict[str, Any] | None] | None = None,
                 hints: dict[str, np.ndarray] | None = None, **columns: Any) -> None:
        n = None
        for name in COLUMNS:
            values = columns.pop(name, None)
            if values is None:
                if name in REQUIRED:
                    raise TypeError(f"BoxTable needs the {name} column")
                array = np.full(n or 0, _DEFAULTS.get(name, math.nan), dtype=dtype_of(name))
            else:
                array = np.asarray(values, dtype=dtype_of(name))
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
        self.hints = dict(hints or {})
        for key, hint in self.hints.items():
            if len(hint) != n:
                raise TypeError(f"hint {key} has {len(hint)} rows, expected {n}")

    @classmethod
    def empty(cls) -> "BoxTable":
        return cls(id=[], frame_id=[], category_id=[], x=[], y=[], w=[], h=[])

    def __len__(self) -> int:
        return len(self.id)

    def extra(self, i: int) -> dict[str, Any]:
        if self.extras is None:
            return {}
        return self.extras[i] or {}

    def has_extras(self) -> bool:
        return self.extras is not None and any(self.extras)

    def row(self, i: int) -> Box:
        def optional(name: str) -> float | None:
            v = float(getattr(self, name)[i])
            return None if math.isnan(v) else v

        return Box(
            id=int(self.id[i]), frame_id=int(self.frame_id[i]), category_id=int(self.category_id[i]),
            x=float(self.x[i]), y=float(self.y[i]), w=float(self.w[i]), h=float(self.h[i]),
            track_id=int(self.track_id[i]), score=optional("score"), ignore=bool(self.ignore[i]),
            truncation=optional("truncation"), occlusion=optional("occlusion"),
            visibility=optional("visibility"), extras=dict(self.extra(i)),
        )

    def __iter__(self) -> Iterator[Box]:
        return (self.row(i) for i in range(len(self)))

    def columns(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in COLUMNS}

    def take(self, index: Any) -> "BoxTable":
        """The rows at `index` (an integer or boolean array), in that order."""
        index = np.asarray(index)
        if index.dtype == bool:
            index = np.flatnonzero(index)
        extras = None if self.extras is None else [self.extras[i] for i in index.tolist()]
        return BoxTable(extras=extras, hints={k: v[index] for k, v in self.hints.items()},
                        **{name: column[index] for name, column in self.columns().items()})

    def replace(self, **columns: Any) -> "BoxTable":
        """A table with some columns replaced (the others, extras and hints shared)."""
        merged = {**self.columns(), **columns}
        return BoxTable(extras=self.extras, hints=self.hints, **merged)

    @classmethod
    def concat(cls, tables: list["BoxTable"]) -> "BoxTable":
        if not tables:
            return cls.empty()
        extras = None
        if any(t.extras is not None for t in tables):
            extras = []
            for t in tables:
                extras.extend(t.extras if t.extras is not None else [None] * len(t))
        hints = {}
        for key in dict.fromkeys(k for t in tables for k in t.hints):
            like = next(t.hints[key] for t in tables if key in t.hints)
            hints[key] = np.concatenate([t.hints.get(key, _no_hint(like, len(t))) for t in tables])
        return cls(extras=extras, hints=hints,
                   **{name: np.concatenate([getattr(t, name) for t in tables]) for name in COLUMNS})

    def has(self, name: str) -> bool:
        """Whether any box carries a value in optional column `name`."""
        column = getattr(self, name)
        if name == "track_id":
            return bool((column != NO_TRACK).any())
        if name == "ignore":
            return bool(column.any())
        return bool((~np.isnan(column)).any())


def _no_hint(like: np.ndarray, n: int) -> np.ndarray:
    return np.full(n, np.nan if like.dtype.kind == "f" else 0, dtype=like.dtype)


def pair_codes(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One int64 per (a, b) pair, equal exactly when the pairs are: a 1-D sort is 5-10x faster
    than sorting pairs (`np.unique(..., axis=1)`).  Pairs too spread to fold get codes by rank."""
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    if not len(a):
        return np.zeros(0, np.int64)
    b_low, b_span = int(b.min()), int(b.max()) - int(b.min()) + 1
    a_span = int(a.max()) - int(a.min()) + 1
    if a_span * b_span < 2**62:
        return (a - int(a.min())) * b_span + (b - b_low)
    return np.unique(np.stack([a, b]), axis=1, return_inverse=True)[1].ravel().astype(np.int64)


def unique_pairs(a: np.ndarray, b: np.ndarray, return_counts: bool = False) -> Any:
    """`np.unique` of (a, b) pairs as a (2, n) array (with counts).  The pairs are folded into
    one int64 key when they fit: a 1-D sort is 5-10x faster than `np.unique(..., axis=1)`."""
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    _, first, counts = np.unique(pair_codes(a, b), return_index=True, return_counts=True)
    pairs = np.stack([a[first], b[first]]) if len(a) else np.zeros((2, 0), np.int64)
    return (pairs, counts) if return_counts else pairs


def repeated(ids: Any) -> np.ndarray:
    """True at every occurrence of an id after its first."""
    ids = np.asarray(ids, dtype=np.int64)
    out = np.zeros(len(ids), dtype=bool)
    if len(ids) > 1:
        order = np.argsort(ids, kind="stable")
        out[order[1:][ids[order][1:] == ids[order][:-1]]] = True
    return out
