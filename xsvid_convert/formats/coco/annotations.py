"""COCO annotation records → box columns, with the hints that let the writer give back exactly
the keys and number types each record had.

Every rule runs on a whole key at a time: the values are taken with one C-level pass per key,
their types compared as a set, and only when a rule fails does a per-value pass find the records
that break it, to name them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import chain, repeat
from operator import is_not, itemgetter, methodcaller
from typing import Any, Callable

import numpy as np

from ...errors import shown
from ...model import NO_TRACK, BoxTable
from ...run import Run
from .rules import (AREA, CROWD, CROWD_BOOL, IGNORE, IGNORED, IGNORED_BOOL, INT_KEYS, ISCROWD, SCORE,
                    TRACK_KEY_SHIFT, VIDEO_ID, Rules)


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


MISSING = _Missing()
NOTHING = type(MISSING)
INT64 = (-(2**63), 2**63 - 1)
Rule = tuple[Any, Callable[[int], str]]


@dataclass
class Place:
    src: str
    offset: int = 0
    """Index in the file's annotations array of the first record read here."""

    def at(self, i: int, key: str | None = None) -> str:
        return f"{self.src}:$.annotations[{i + self.offset}]" + (f".{key}" if key else "")


class Column:
    """One key's values across the records, taken once: the values (MISSING where a record lacks
    the key), the set of their types, and where the key is present."""

    def __init__(self, rows: list[dict], key: str, anywhere: bool = True) -> None:
        """`anywhere`: whether any record has the key (False: no list is made)."""
        self.key, self.n = key, len(rows)
        self.complete = False
        if rows and not anywhere:
            self.values, self.kinds, self.absent = _Absent(self.n), {NOTHING}, True
            return
        try:
            self.values = list(map(itemgetter(key), rows))
            self.complete = True
        except KeyError:
            self.values = list(map(methodcaller("get", key, MISSING), rows))
        self.kinds = set(map(type, self.values))
        self.absent = self.kinds == {NOTHING}

    def present(self) -> np.ndarray:
        if self.complete:
            return np.ones(self.n, bool)
        if self.absent:
            return np.zeros(self.n, bool)
        return np.fromiter(map(is_not, self.values, repeat(MISSING)), bool, self.n)

    def given(self) -> list:
        """The values of the records that have the key."""
        return self.values if self.complete else [v for v in self.values if v is not MISSING]

    def bad(self, problem: Callable[[Any], str | None]) -> Rule:
        """The rule `problem` (None: fine) over every value: the per-value pass that names them."""
        mask = np.fromiter((problem(v) is not None for v in self.values), bool, self.n)
        return mask, lambda i: problem(self.values[i])


class _Absent:
    """The values of a key no record has: MISSING n times, without a list of them."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> Any:
        return MISSING

    def __iter__(self):
        return repeat(MISSING, self.n)


class Records:
    """The records of one slice and their columns, each key taken at most once."""

    def __init__(self, rows: list[dict]) -> None:
        self.rows = rows
        self.columns: dict[str, Column] = {}
        # every key any record has, in one C-level pass: most optional keys of most files are
        # in no record, and each would otherwise cost a scan of its own
        self.keys = set().union(*rows)

    def __getitem__(self, key: str) -> Column:
        if key not in self.columns:
            self.columns[key] = Column(self.rows, key, key in self.keys)
        return self.columns[key]


def read_annotations(items: list, rules: Rules, track_keys: tuple[str, ...], place: Place,
                     run: Run) -> tuple[BoxTable, np.ndarray | None]:
    """(columns of the records that pass every rule, their positions in `items` or None when all
    did).  A bad record raises, or when lenient is skipped with a warning."""
    n = len(items)
    objects = np.fromiter(map(isinstance, items, repeat(dict)), bool, n)
    records = Records(items if objects.all() else [a if type(a) is dict else {} for a in items])
    checks: list[Rule] = [(~objects, lambda i: f"expected an object, found {type(items[i]).__name__}")]
    checks += [_int_rule(records[key], required=True) for key in ("id", "image_id", "category_id")]
    checks.append(_bbox_rule(records["bbox"]))
    checks += [_int_rule(records[key], required=False) for key in (*track_keys, "video_id")]
    checks += [_flag_rule(records[key]) for key in ("iscrowd", "ignore")]
    checks += [_number_rule(records[key]) for key in ("area", rules.score_key, *(k for k, _ in rules.float_keys))]
    bad = run.reject_rules(checks, n, place.at)
    if not bad.any():
        return _columns(records, rules, track_keys), None
    kept = np.flatnonzero(~bad)
    return _columns(Records([records.rows[i] for i in kept.tolist()]), rules, track_keys), kept


# ---------------------------------------------------------------- the rules


def _int_rule(column: Column, required: bool) -> Rule:
    allowed = {int} if required else {int, NOTHING}
    if column.kinds <= allowed:
        if column.absent:
            return None, _never
        try:  # numpy refuses what does not fit int64; the array is the column's, below
            column.ints = np.array(column.given(), dtype=np.int64)
            return None, _never
        except OverflowError:
            pass

    def problem(v: Any) -> str | None:
        if v is MISSING:
            return f"missing key {column.key!r}" if required else None
        if type(v) is not int:
            return f"{column.key}: expected an integer, found {shown(v)}"
        if not INT64[0] <= v <= INT64[1]:
            return f"{column.key}: integer {shown(v)} does not fit in 64 bits"
        return None

    return column.bad(problem)


def _bbox_problem(v: Any) -> str | None:
    if v is MISSING:
        return "missing key 'bbox'"
    if type(v) is not list or len(v) != 4 or not all(type(x) in (int, float) and math.isfinite(x) for x in v):
        return f"bbox must be a list of 4 finite numbers, found {shown(v)}"
    return None


def _bbox_rule(column: Column) -> Rule:
    if column.kinds <= {list} and set(map(len, column.values)) <= {4}:
        numbers = set(map(type, chain.from_iterable(column.values)))
        if numbers <= {int, float}:
            flat = np.fromiter(chain.from_iterable(column.values), np.float64, 4 * column.n)
            if np.isfinite(flat).all():
                column.flat, column.number_kinds = flat, numbers  # kept for the columns below
                return None, _never
    return column.bad(_bbox_problem)


def _flag_rule(column: Column) -> Rule:
    """iscrowd / ignore: 0, 1, true or false (anything else would silently mark a box ignored)."""
    if column.kinds <= {int, bool, NOTHING} and set(column.given()) <= {0, 1}:
        return None, _never
    return column.bad(lambda v: None if v is MISSING or (type(v) in (int, bool) and v in (0, 1)) else
                      f"{column.key} must be 0, 1, true or false, found {shown(v)}")


def _number_rule(column: Column) -> Rule:
    """Optional numbers: an int or a finite float, or null for 'not given'."""
    if column.kinds <= {int, float, type(None), NOTHING}:
        with np.errstate(invalid="ignore"):
            if float not in column.kinds or np.isfinite(_number(column)[column.present()]).all():
                return None, _never
    return column.bad(lambda v: None if v is MISSING or v is None or (type(v) in (int, float) and math.isfinite(v))
                      else f"{column.key}: expected a finite number, found {shown(v)}")


def _never(i: int) -> str:
    raise AssertionError("no problem to report")


# ---------------------------------------------------------------- columns of good records


def _columns(records: Records, rules: Rules, track_keys: tuple[str, ...]) -> BoxTable:
    n = len(records.rows)
    bbox = records["bbox"]
    flat = getattr(bbox, "flat", None)
    if flat is None:  # the records were filtered after the rule ran
        _bbox_rule(bbox)
        flat = bbox.flat
    xywh = flat.reshape(n, 4)
    ints = _bbox_ints(bbox, xywh)
    columns: dict[str, Any] = {
        "id": _ints(records["id"]), "frame_id": _ints(records["image_id"]),
        "category_id": _ints(records["category_id"]),
        "x": xywh[:, 0], "y": xywh[:, 1], "w": xywh[:, 2], "h": xywh[:, 3],
    }
    columns["track_id"], keys = _track(records, track_keys, n)
    crowd, flags = _flag(records["iscrowd"], CROWD, CROWD_BOOL)
    ignore, ignore_flags = _flag(records["ignore"], IGNORED, IGNORED_BOOL)
    columns["ignore"] = crowd | ignore
    area = _number(records["area"])
    numbers = [("area", area, AREA), ("score", None, SCORE)] + [(k, None, bit) for k, bit in rules.float_keys]
    for name, values, bit in numbers:
        key = rules.score_key if name == "score" else name
        if values is None:
            values = columns[name] = _number(records[key])
        keys |= records[key].present() * bit
        ints |= _written_as_int(records[key], values) << INT_KEYS.index(name)
    keys |= records["iscrowd"].present() * ISCROWD | records["ignore"].present() * IGNORE
    keys |= records["video_id"].present() * VIDEO_ID
    with np.errstate(invalid="ignore", over="ignore"):
        own_area = np.where(area != xywh[:, 2] * xywh[:, 3], area, np.nan)
    hints = {"coco.keys": keys, "coco.ints": ints, "coco.flags": flags | ignore_flags, "coco.area": own_area,
             "coco.video": _optional_int(records["video_id"])}
    mapped = ("id", "image_id", "category_id", "bbox", "area", "iscrowd", "ignore", "video_id", rules.score_key,
              *(k for k, _ in rules.float_keys))
    return BoxTable(extras=_extras(records, mapped, track_keys, keys), hints=hints, **columns)


def _bbox_ints(bbox: Column, xywh: np.ndarray) -> np.ndarray:
    """Bits 0-3: which of x, y, w, h the source wrote as integers."""
    n = len(xywh)
    if bbox.number_kinds == {int}:
        return np.full(n, 0b1111, np.int64)
    if bbox.number_kinds == {float}:
        return np.zeros(n, np.int64)
    flat = xywh.ravel()
    with np.errstate(invalid="ignore"):
        whole = np.flatnonzero(flat == np.floor(flat)).tolist()  # only these can have been written as ints
    if len(whole) < n:  # few (the usual case): look at those values alone
        values = bbox.values
        written = np.zeros(4 * n, bool)
        written[whole] = [type(values[j >> 2][j & 3]) is int for j in whole]
    else:
        written = np.fromiter(map(isinstance, chain.from_iterable(bbox.values), repeat(int)), bool, 4 * n)
    return written.reshape(n, 4).astype(np.int64) @ np.array([1, 2, 4, 8], np.int64)


def _ints(column: Column) -> np.ndarray:
    """A required integer key's column (the array its rule made, unless records were dropped since)."""
    ints = getattr(column, "ints", None)
    if ints is None or len(ints) != column.n:
        ints = np.array(column.values, dtype=np.int64)
    return ints.reshape(column.n)


def _track(records: Records, track_keys: tuple[str, ...], n: int) -> tuple[np.ndarray, np.ndarray]:
    """The first of `track_keys` each record has, and which one it was (as key bits)."""
    track = np.full(n, NO_TRACK, np.int64)
    which = np.zeros(n, np.int64)
    for k in reversed(range(len(track_keys))):  # the first key wins where a record has several
        column = records[track_keys[k]]
        if column.absent:
            continue
        present = column.present()
        ints = getattr(column, "ints", None)  # made by the column's rule, unless records were dropped since
        track[present] = ints if ints is not None and len(ints) == int(present.sum()) else np.array(
            column.given(), dtype=np.int64)
        which[present] = (k + 1) << TRACK_KEY_SHIFT
    return track, which


def _flag(column: Column, bit: int, bool_bit: int) -> tuple[np.ndarray, np.ndarray]:
    if column.absent:
        return np.zeros(column.n, bool), np.zeros(column.n, np.int64)
    values = column.values if column.complete else [0 if v is MISSING else v for v in column.values]
    raw = np.array(values, dtype=np.int64) == 1
    booleans = (np.fromiter(map(isinstance, values, repeat(bool)), bool, column.n) if bool in column.kinds
                else np.zeros(column.n, bool))
    return raw, raw * bit | booleans * bool_bit


def _number(column: Column) -> np.ndarray:
    """An optional number key's column, NaN where not given (made once: the rule and the columns
    both ask)."""
    numbers = getattr(column, "numbers", None)
    if numbers is not None and len(numbers) == column.n:
        return numbers
    if column.absent:
        numbers = np.full(column.n, np.nan)
    elif column.kinds <= {int, float}:
        numbers = np.array(column.values, dtype=np.float64)
    else:
        numbers = np.array([math.nan if v is MISSING or v is None else v for v in column.values], dtype=np.float64)
    column.numbers = numbers
    return numbers


def _optional_int(column: Column) -> np.ndarray:
    if column.absent:
        return np.full(column.n, -1, np.int64)
    return np.array([-1 if v is MISSING else v for v in column.values], dtype=np.int64)


def _written_as_int(column: Column, array: np.ndarray) -> np.ndarray:
    """Which values the source wrote as JSON integers (`3`, not `3.0`)."""
    if int not in column.kinds:
        return np.zeros(column.n, np.int64)
    if not column.kinds & {float, type(None)} and column.complete:
        return np.ones(column.n, np.int64)
    return np.fromiter(map(isinstance, column.values, repeat(int)), bool, column.n).astype(np.int64)


def _extras(records: Records, mapped: tuple[str, ...], track_keys: tuple[str, ...], keys: np.ndarray) -> list | None:
    """Per record, the keys the model does not name (None where there are none), and a track key
    a record has besides the one it was read from.  Only records with more keys than the mapped
    ones they have are looked at one by one."""
    rows = records.rows
    n = len(rows)
    counted = sum(records[k].present().astype(np.int64) for k in mapped) if n else np.zeros(0, np.int64)
    tracks = sum(records[k].present().astype(np.int64) for k in track_keys) if track_keys else 0
    lengths = np.fromiter(map(len, rows), np.int64, n)
    unusual = np.flatnonzero(lengths > counted + np.minimum(tracks, 1))
    if not len(unusual):
        return None
    extras: list = [None] * n
    skip = set(mapped)
    for i in unusual.tolist():
        row = rows[i]
        used = int(keys[i]) >> TRACK_KEY_SHIFT & 3
        own = [k for k in row if k not in skip and (k not in track_keys or track_keys.index(k) + 1 != used)]
        extras[i] = {k: row[k] for k in own}
    return extras
