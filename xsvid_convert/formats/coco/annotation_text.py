"""Annotations as JSON text, made from the box columns.

Each key's values are formatted a column at a time (orjson formats a whole array of numbers in one
call); each annotation then takes the template of its set of keys, and a chunk of annotations that
share one set is spliced in a single `%` operation.  The keys an annotation gets: exactly the ones
it had when the source is of the same family member; otherwise those, the ones its values call
for and the ones the member's consumers need.
"""

from __future__ import annotations

from itertools import chain

import numpy as np
import orjson

from ...model import NO_TRACK, Dataset
from .rules import (AREA, CROWD, CROWD_BOOL, FLOAT_KEYS, IGNORE, IGNORED, IGNORED_BOOL, INT_KEYS, ISCROWD, SCORE,
                    TRACK_KEY_SHIFT, VIDEO_ID, Rules)

VISIBILITY_DEFAULT = 1 << 12
"""Writer-only key bit: `visibility` with the member's default where the box has none."""
TRACK_BITS = 3 << TRACK_KEY_SHIFT
_NUMPY = orjson.OPT_SERIALIZE_NUMPY


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
        slots = {k: _template_values(names) for k, names in names_of.items()}
        if len(kinds) == 1:
            k = int(kinds[0])
            values = [fields[name] for name in slots[k]]
            return ((self._template(names_of[k]) + b",") * (hi - lo) % tuple(chain.from_iterable(zip(*values))))[:-1]
        templates = {k: self._template(names) for k, names in names_of.items()}
        return b",".join(templates[s] % tuple(fields[name][k] for name in slots[s])
                         for k, s in enumerate(signature.tolist()))

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
        for k, c in enumerate("xywh"):
            out[c] = _texts(getattr(b, c)[lo:hi], ints >> k & 1)
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
        words = {(False, False): b"0", (True, False): b"1", (False, True): b"false", (True, True): b"true"}
        return [words[pair] for pair in zip(value.tolist(), boolean.tolist())]

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
    parts = []
    for name in names:
        if name == "extras":
            continue
        key = (score_key if name == "score" else name.split(":", 1)[-1]).encode()
        parts.append(b'"bbox":[%s,%s,%s,%s]' if name == "bbox" else b'"%s":%%s' % key)
    return b"{" + b",".join(parts) + (b"%s}" if "extras" in names else b"}")


def _template_values(names: list[str]) -> list[str]:
    return list(chain.from_iterable(("x", "y", "w", "h") if n == "bbox" else (n,) for n in names))


def _texts(values: np.ndarray, as_int: np.ndarray | None = None) -> list[bytes]:
    """Each value's JSON text: integers where `as_int` says the source wrote one, null for NaN."""
    if not len(values):
        return []
    if values.dtype.kind in "iub":
        return orjson.dumps(values.astype(np.int64), option=_NUMPY)[1:-1].split(b",")
    nan = np.isnan(values)
    texts = orjson.dumps(np.where(nan, 0.0, values), option=_NUMPY)[1:-1].split(b",")
    for i in np.flatnonzero(nan).tolist():
        texts[i] = b"null"
    if as_int is not None and as_int.any():
        for i in np.flatnonzero(as_int).tolist():
            texts[i] = b"%d" % int(values[i])
    return texts
