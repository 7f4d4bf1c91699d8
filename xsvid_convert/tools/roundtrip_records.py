"""What `roundtrip` compares besides the boxes' columns: the records' own fields (a category's
supercategory, a video's size and fps, a frame's size and split, ids) and the `extras` of every
level, the keys the model does not name (COCO `segmentation` and `info`, MOT15's world
coordinates, UAVDT's out-of-view and occlusion codes, ImageNet-VID's `occluded`).

Extras, and the fields no loss-matrix entry names but "other keys" (supercategory, a video's size
and fps), are compared when `EXTRAS` is among the compared fields: always for A -> A, and for
A -> B -> A unless the loss matrix says B loses A's "other keys"."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import orjson

from ..model import Dataset

EXTRAS = "extras"
"""The loss-matrix entry for keys the model does not name (`formats.base.FIELDS`)."""
FIRST = 3
"""How many of a group of records a difference names."""
_JSON = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


def compared_fields(source: frozenset[str], via: frozenset[str]) -> frozenset[str]:
    """The fields compared after A -> B -> A (B = A too): what both carry; extras too unless A
    carries them and B does not (then the loss matrix lists them as lost)."""
    carried = source & via
    return carried if EXTRAS in source and EXTRAS not in via else carried | {EXTRAS}


def same(x: Any, y: Any) -> bool:
    """Equal in value and in kind (1 is not 1.0 nor True; a tuple is a list, as JSON has no
    tuples), NaN equal to NaN.  Through orjson where it can (a box's extras compared in C, not key
    by key in Python)."""
    if x is y:
        return True
    try:
        text = orjson.dumps(x, option=_JSON)
        if text != orjson.dumps(y, option=_JSON):
            return False
    except TypeError:  # not JSON (a set, an object): by hand
        return _same(x, y)
    return b"null" not in text or _same(x, y)  # orjson writes NaN as null, as it writes None


def _same(x: Any, y: Any) -> bool:
    if isinstance(x, (list, tuple)) and isinstance(y, (list, tuple)):
        return len(x) == len(y) and all(_same(p, q) for p, q in zip(x, y))
    if type(x) is not type(y):
        return False
    if isinstance(x, dict):
        return x.keys() == y.keys() and all(_same(x[k], y[k]) for k in x)
    if isinstance(x, float) and math.isnan(x) and math.isnan(y):
        return True
    return bool(x == y)


def short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."


def extras_difference(x: dict | None, y: dict | None, what: str = "extras") -> str | None:
    """The extras keys lost, added or changed from `x` to `y` (None and {} both mean none)."""
    x, y = x or {}, y or {}
    if same(x, y):
        return None
    parts = []
    for key in sorted(x.keys() | y.keys(), key=str):
        if key not in y:
            parts.append(f"{key} {short(x[key])} lost")
        elif key not in x:
            parts.append(f"{key} {short(y[key])} added")
        elif not same(x[key], y[key]):
            parts.append(f"{key} {short(x[key])} became {short(y[key])}")
    return f"{what} " + ", ".join(parts)


def _record(what: str, ra: Any, rb: Any, names: tuple[str, ...], extras: bool) -> list[str]:
    """One line for what differs between two records among `names` (and their extras)."""
    problems = [f"{name} {short(getattr(ra, name))} became {short(getattr(rb, name))}"
                for name in names if not same(getattr(ra, name), getattr(rb, name))]
    found = extras_difference(ra.extras, rb.extras) if extras else None
    problems += [found] if found else []
    return [f"{what}: " + "; ".join(problems)] if problems else []


def record_differences(a: Dataset, b: Dataset, fields: frozenset[str]) -> list[str]:
    """The dataset's own extras, and the categories and videos found on both sides."""
    extras, ids = EXTRAS in fields, "image_ids" in fields
    out = _record("dataset", a, b, (), extras)
    key = "id" if "category_ids" in fields else "name" if "category_names" in fields else None
    if key:
        others = {getattr(c, key): c for c in b.categories}
        for c in a.categories:
            if getattr(c, key) in others:
                out += _record(f"category {c.name!r}", c, others[getattr(c, key)], ("supercategory",) if extras else (),
                               extras)
    if "videos" in fields:
        others = {v.name: v for v in b.videos}
        names = (("id",) if ids else ()) + (("width", "height", "fps") if extras else ())
        for v in a.videos:
            if v.name in others:
                out += _record(f"video {v.name!r}", v, others[v.name], names, extras)
    return out


class FrameChecks:
    """The fields of matched frames, one frame at a time; splits counted and said once at the end
    (a split lost says so once, not once per frame)."""

    def __init__(self, a: Dataset, b: Dataset, fields: frozenset[str], by_video: bool) -> None:
        self.fields = fields
        self.names = ({v.id: v.name for v in a.videos}, {v.id: v.name for v in b.videos})
        # matched by file name, a frame must still be in its video at its place
        self.video_place = "videos" in fields and not by_video
        self.splits: Counter = Counter()

    def frame(self, key: tuple, fa: Any, fb: Any) -> list[str]:
        problems = [f"{side} {getattr(fa, side)} became {getattr(fb, side)}" for side in ("width", "height")
                    if getattr(fa, side) and getattr(fb, side) and getattr(fa, side) != getattr(fb, side)]
        if "image_ids" in self.fields and fa.id != fb.id:
            problems.append(f"image id {fa.id} became {fb.id}")
        if self.video_place and fa.video_id is not None:
            place_a = (self.names[0][fa.video_id], fa.frame_index)
            place_b = (self.names[1].get(fb.video_id), fb.frame_index)
            if place_a != place_b:
                problems.append(f"video and index {place_a} became {place_b}")
        if EXTRAS in self.fields:
            found = extras_difference(fa.extras, fb.extras)
            problems += [found] if found else []
        if fa.split is not None and fa.split != fb.split:
            self.splits[fa.split, fb.split] += 1
        return [f"frame {key}: " + "; ".join(problems)] if problems else []

    def summary(self) -> list[str]:
        changed = sorted(self.splits.items(), key=str)
        return [f"{n} frames of split {a!r} came back in split {b!r}" for (a, b), n in changed]


def frames_only_in(keys_a: list[tuple], keys_b: list[tuple]) -> list[str]:
    """Frames the copy has and the source had not (a format that makes frames up)."""
    known = set(keys_a)
    added = [k for k in keys_b if k not in known]
    if not added:
        return []
    return [f"{len(added)} frames not in the source came back, first {', '.join(map(str, added[:FIRST]))}"]
