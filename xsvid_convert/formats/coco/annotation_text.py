"""Annotations as JSON text, made from the box columns.

Each key's values are formatted a column at a time (orjson formats a whole array of numbers in one
call); each annotation then takes the template of its set of keys, and a chunk of annotations that
share one set is spliced in a single `%` operation.  The keys an annotation gets: exactly the ones
it had when the source is of the same family member; otherwise those, the ones its values call
for and the ones the member's consumers need.
"""

from __future__ import annotations

from itertools import chain
from operator import itemgetter

import numpy as np
import orjson

from ...model import NO_TRACK, Dataset
from .rules import (AREA, CROWD, CROWD_BOOL, FLOAT_KEYS, IGNORE, IGNORED, IGNORED_BOOL, INT_KEYS, ISCROWD, SCORE,
                    TRACK_KEY_SHIFT, VIDEO_ID, Rules)

VISIBILITY_DEFAULT = 1 << 12
"""Writer-only key bit: `visibility` with the member's default where the box has none."""
TRACK_BITS = 3 << TRACK_KEY_SHIFT
_NUMPY = orjson.OPT_SERIALIZE_NUMPY
_FLAG_WORDS = np.array([b"0", b"1", b"false", b"true"], dtype=object)  # by value + 2 × written as a boolean


class AnnotationText:
    def __init__(self, dataset: Dataset, rules: Rules, same: bool, family: bool, box_video: np.ndarray,
                 track: np.ndarray, original_track: np.ndarray | None) -> None:
        b = self.b = dataset.boxes
        self.rules, self.same, self.video = rules, same, box_video
        self.track, self.original_track = track, original_track
        family = family and "coco.keys" in b.hints
        n = len(b)
        self.ints = b.hints["coco.ints"] if family else np.zeros(n, np.int64)
        self.flags = b.hints["coco.flags"] if family else np.zeros(n, np.int64)
        self.area = b.hints.get("coco.area") if family else None
        source = b.hints["coco.keys"] if family else None
        self.keys = self._keys(source)
        self.track_keys, self.track_name = self._track_names(dataset, source)

    def _keys(self, source: np.ndarray | None) -> np.ndarray:
        """Per box, the optional keys it is written with (track keys apart)."""
        b, rules = self.b, self.rules
        if source is not None and self.same:
            return source & ~TRACK_BITS
        keys = np.zeros(len(b), np.int64) if source is None else source & ~TRACK_BITS
        keys |= (~np.isnan(b.score)) * SCORE
        for name, bit in rules.float_keys:
            keys |= (~np.isnan(getattr(b, name))) * bit
        keys |= rules.default_annotation_keys
        if rules.default_visibility is not None:
            keys |= VISIBILITY_DEFAULT
        if rules.ignore_key_on_ignored:
            keys |= b.ignore * IGNORE
        return keys

    def _track_names(self, dataset: Dataset, source: np.ndarray | None) -> tuple[list[str], np.ndarray]:
        """The track key names, and per box the index of the one it is written under (-1: none)."""
        names = list(dataset.hints.get("coco", {}).get("track_keys", ())) if source is not None else []
        default = self.rules.write_track_key
        if default not in names:
            names.append(default)
        which = np.full(len(self.b), names.index(default), np.int64)
        if source is not None and (self.same or not self.rules.track_key_required):
            used = (source >> TRACK_KEY_SHIFT) & 3
            which = np.where(used > 0, used - 1, which)
        return names, np.where(self.track != NO_TRACK, which, -1)

    # ------------------------------------------------------------ text

    def text(self, lo: int, hi: int) -> bytes:
        """Annotations lo..hi-1 as JSON objects joined by commas."""
        signature = self._signature(lo, hi)
        kinds = np.unique(signature)
        names_of = {int(k): self._names(int(k)) for k in kinds}
        needed = set(chain.from_iterable(names_of.values()))
        fields = self._fields(lo, hi, needed, signature)
        if len(kinds) == 1:  # the template's values are in the order of the names
            k = int(kinds[0])
            return _splice(self._template(names_of[k]), [fields[name] for name in names_of[k]], hi - lo)
        # one `%` per kind of annotation, each text cut out at a NUL (never in orjson's output) and
        # put back in its place
        texts: list[bytes] = [b""] * (hi - lo)
        for k, names in names_of.items():
            rows = np.flatnonzero(signature == k).tolist()
            spliced = _splice(self._template(names), _take([fields[name] for name in names], rows), len(rows), b"\0")
            for row, text in zip(rows, spliced.split(b"\0")):
                texts[row] = text
        return b",".join(texts)

    def _signature(self, lo: int, hi: int) -> np.ndarray:
        extra = np.zeros(hi - lo, np.int64)
        if self.b.extras is not None:
            extra = np.fromiter(map(bool, self.b.extras[lo:hi]), bool, hi - lo).astype(np.int64)
        renumbered = (self.track[lo:hi] != NO_TRACK) * (self.original_track is not None)
        return self.keys[lo:hi] | (self.track_name[lo:hi] + 1) << 16 | extra << 24 | renumbered << 25

    def _names(self, signature: int) -> list[str]:
        keys, track = signature & 0xFFFF, (signature >> 16) & 0xFF
        names = ["id", "image_id", "category_id", "bbox"]
        names += [n for n, bit in (("area", AREA), ("iscrowd", ISCROWD), ("ignore", IGNORE)) if keys & bit]
        if track:
            names.append(f"track:{self.track_keys[track - 1]}")
        names += [n for n, bit in (("score", SCORE), *FLOAT_KEYS) if keys & bit]
        if keys & VISIBILITY_DEFAULT and "visibility" not in names:
            names.append("visibility")
        if keys & VIDEO_ID:
            names.append("video_id")
        if signature >> 25 & 1:
            names.append("mot_instance_id")
        if signature >> 24 & 1:
            names.append("extras")
        return names

    def _fields(self, lo: int, hi: int, needed: set[str], signature: np.ndarray) -> dict[str, list[bytes]]:
        b, ints = self.b, self.ints[lo:hi]
        out: dict[str, list[bytes]] = {
            "id": _texts(b.id[lo:hi]), "image_id": _texts(b.frame_id[lo:hi]),
            "category_id": _texts(b.category_id[lo:hi]),
        }
        out["bbox"] = _bbox_texts(b.x[lo:hi], b.y[lo:hi], b.w[lo:hi], b.h[lo:hi], ints & 0xF)
        if "area" in needed:
            with np.errstate(over="ignore"):
                area = b.w[lo:hi] * b.h[lo:hi]
            if self.area is not None:
                area = np.where(np.isnan(self.area[lo:hi]), area, self.area[lo:hi])
            out["area"] = _texts(area, ints >> INT_KEYS.index("area") & 1)
        if "iscrowd" in needed:
            out["iscrowd"] = self._flag(lo, hi, CROWD, CROWD_BOOL)
        if "ignore" in needed:
            out["ignore"] = self._flag(lo, hi, IGNORED, IGNORED_BOOL)
        for name in needed:
            if name.startswith("track:"):
                out[name] = _texts(self.track[lo:hi])
        for name in ("score", *(n for n, _ in FLOAT_KEYS)):
            if name in needed:
                values = getattr(b, name)[lo:hi]
                if name == "visibility" and self.rules.default_visibility is not None and not self.same:
                    values = np.where(np.isnan(values), self.rules.default_visibility, values)
                if name == "score" and self.rules.default_score and not self.same:
                    values = np.where(np.isnan(values), np.where(b.ignore[lo:hi], 0.0, 1.0), values)
                out[name] = _texts(values, ints >> INT_KEYS.index(name) & 1)
        if "video_id" in needed:
            out["video_id"] = _texts(self.video[lo:hi])
        if "mot_instance_id" in needed:
            out["mot_instance_id"] = _texts(self.original_track[lo:hi])
        if "extras" in needed:
            out["extras"] = self._extras(lo, hi, signature)
        return out

    def _template(self, names: list[str]) -> bytes:
        return _template(names, self.rules.score_key)

    def _flag(self, lo: int, hi: int, bit: int, bool_bit: int) -> list[bytes]:
        """iscrowd / ignore: the source's own value under the same member's rules (a box may be
        ignored through the other key), else the ignore flag; the source's type either way."""
        flags = self.flags[lo:hi]
        value = (flags & bit).astype(bool) if self.same else self.b.ignore[lo:hi]
        boolean = (flags & bool_bit).astype(bool)
        return _FLAG_WORDS[value.astype(np.int64) + 2 * boolean].tolist()

    def _extras(self, lo: int, hi: int, signature: np.ndarray) -> list[bytes]:
        """Each box's extra keys, after a comma; a key the box is also written with is left out
        (the mapped value wins)."""
        out = []
        for k, extra in enumerate(self.b.extras[lo:hi]):
            if not extra:
                out.append(b"")
                continue
            written = {self.rules.score_key if n == "score" else n.split(":", 1)[-1]
                       for n in self._names(int(signature[k]))}
            kept = {key: v for key, v in extra.items() if key not in written}
            out.append(b"," + orjson.dumps(kept, option=_NUMPY)[1:-1] if kept else b"")
        return out


def _template(names: list[str], score_key: str) -> bytes:
    """One annotation with a `%s` per value; `extras` (already led by a comma) goes last."""
    parts = []
    for name in names:
        if name == "extras":
            continue
        key = (score_key if name == "score" else name.split(":", 1)[-1]).encode()
        parts.append(b'"bbox":[%s]' if name == "bbox" else b'"%s":%%s' % key)
    return b"{" + b",".join(parts) + (b"%s}" if "extras" in names else b"}")


def _take(columns: list[list[bytes]], rows: list[int]) -> list[list[bytes]]:
    """The `rows` of each column (an itemgetter: one C call a column)."""
    if len(rows) == 1:
        return [[column[rows[0]]] for column in columns]
    pick = itemgetter(*rows)
    return [list(pick(column)) for column in columns]


def _splice(template: bytes, columns: list[list[bytes]], n: int, separator: bytes = b",") -> bytes:
    """`n` copies of `template` joined by `separator`, its k-th `%s` in copy i replaced by
    `columns[k][i]`: a column with one value throughout (a default written on every box) goes into
    the template once, the others through one `%` over a flat tuple."""
    pieces = template.split(b"%s")
    varying: list[list[bytes]] = []
    out = pieces[0]
    for piece, column in zip(pieces[1:], columns):
        first = column[0] if n else None
        if n and column[-1] == first and column[n // 2] == first and column.count(first) == n:
            out += column[0].replace(b"%", b"%%") + piece
        else:
            out += b"%s" + piece
            varying.append(column)
    flat: list[bytes] = [b""] * (n * len(varying))
    for k, column in enumerate(varying):
        flat[k::len(varying)] = column
    return ((out + separator) * n % tuple(flat))[:-len(separator)]


def _bbox_texts(x: np.ndarray, y: np.ndarray, w: np.ndarray, h: np.ndarray, as_int: np.ndarray) -> list[bytes]:
    """Each box's `x,y,w,h` text, as `_texts` writes each number: one orjson call over the n×4
    array, then the boxes with an integer or a missing number redone one by one."""
    if not len(x):
        return []
    corners = np.column_stack([x, y, w, h])
    missing = np.isnan(corners)
    if (as_int == 0xF).all() and not missing.any() and np.abs(corners).max(initial=0) < 2**63:
        return orjson.dumps(corners.astype(np.int64), option=_NUMPY)[2:-2].split(b"],[")
    texts = orjson.dumps(np.where(missing, 0.0, corners), option=_NUMPY)[2:-2].split(b"],[")
    odd = np.flatnonzero(missing.any(axis=1) | (as_int != 0))
    if len(odd):
        columns = [_texts(c[odd], as_int[odd] >> k & 1) for k, c in enumerate((x, y, w, h))]
        for i, box in zip(odd.tolist(), zip(*columns)):
            texts[i] = b"%s,%s,%s,%s" % box
    return texts


def _texts(values: np.ndarray, as_int: np.ndarray | None = None) -> list[bytes]:
    """Each value's JSON text: integers where `as_int` says the source wrote one, null for NaN."""
    if not len(values):
        return []
    if values.dtype.kind in "iub":
        return orjson.dumps(values.astype(np.int64), option=_NUMPY)[1:-1].split(b",")
    bits = values.view(np.int64)  # bit-equal: -0.0 and 0.0 are written differently
    if (bits == bits[0]).all() and not np.isnan(values[0]) and (as_int is None or not as_int.any()):
        return [orjson.dumps(values[:1], option=_NUMPY)[1:-1]] * len(values)  # a default written on every box
    nan = np.isnan(values)
    texts = orjson.dumps(np.where(nan, 0.0, values), option=_NUMPY)[1:-1].split(b",")
    for i in np.flatnonzero(nan).tolist():
        texts[i] = b"null"
    if as_int is not None and as_int.any():
        at = np.flatnonzero(as_int)
        whole = values[at]
        if np.abs(whole).max() < 2**63:  # always, bar a hostile file: int64 formats them in one call
            ints = orjson.dumps(whole.astype(np.int64), option=_NUMPY)[1:-1].split(b",")
        else:
            ints = [b"%d" % int(v) for v in whole.tolist()]
        if len(at) == len(texts):
            return ints
        for i, text in zip(at.tolist(), ints):
            texts[i] = text
    return texts
