"""A COCO file too large to hold as Python objects, read a slice of annotations at a time.

`orjson.loads` of XS-VIDv2's 0.7 GB annotation file makes 4.5M dicts, several GB.  Instead, one
vectorised scan of the raw bytes (16 MB blocks, numpy) finds the top-level `annotations` array
and the commas between its elements; the rest of the document is parsed whole (with `[]` in place
of the annotations), and the annotations in slices of a few ten thousand elements, each turned
into columns before the next is parsed.  Anything unexpected returns None and the caller parses
the file the ordinary way, which also gives the precise error for a malformed file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import numpy as np
import orjson

BLOCK = 16 << 20
KEY = b'"annotations"'


class Layout:
    """Where the annotations array is in the file: `start` is its `[`, `end` its `]`, `commas`
    the offsets of the commas between its elements, `count` the number of elements."""

    def __init__(self, start: int, end: int, commas: np.ndarray, count: int) -> None:
        self.start, self.end, self.commas, self.count = start, end, commas, count


def scan(path: Path) -> Layout | None:
    """Find the top-level annotations array and its element boundaries, or None."""
    in_string = False
    pending_backslashes = 0  # a run of backslashes at the end of the previous block
    depth = 0
    start = end = -1
    key_at = -1  # offset just after a top-level "annotations" key
    commas: list[np.ndarray] = []
    tail = b""  # the end of the previous block, with its levels and string flags
    tail_level = np.zeros(0, np.int64)
    tail_outside = np.zeros(0, bool)
    depth_before_tail = 0
    with open(path, "rb") as fh:
        offset = 0
        while True:
            block = fh.read(BLOCK)
            if not block:
                break
            data = np.frombuffer(block, dtype=np.uint8)
            quotes = data == 0x22
            if pending_backslashes or 0x5C in block:
                quotes &= ~_escaped(data, pending_backslashes)
                run = len(block) - len(block.rstrip(b"\\"))
                pending_backslashes = (pending_backslashes + run) if run == len(block) else run
            parity = np.cumsum(quotes, dtype=np.int64) + in_string
            outside = (parity & 1) == 0
            in_string = bool(parity[-1] & 1)
            opens = ((data == 0x7B) | (data == 0x5B)) & outside
            closes = ((data == 0x7D) | (data == 0x5D)) & outside
            level = depth + np.cumsum(opens.astype(np.int32) - closes.astype(np.int32), dtype=np.int64)
            # the key may straddle two blocks: search the end of the previous one too
            if key_at == -1:
                window = tail + block
                window_level = np.concatenate([tail_level, level[:len(KEY)]])
                window_outside = np.concatenate([tail_outside, outside[:len(KEY)]])
                k = window.find(KEY)
                while k != -1:
                    before_level = depth_before_tail if k == 0 else int(
                        window_level[k - 1] if k - 1 < len(window_level) else level[k - 1 - len(tail)])
                    before_outside = True if k == 0 else bool(
                        window_outside[k - 1] if k - 1 < len(window_outside) else outside[k - 1 - len(tail)])
                    if before_level == 1 and before_outside:
                        key_at = offset - len(tail) + k + len(KEY)
                        break
                    k = window.find(KEY, k + 1)
            if key_at != -1 and start == -1:
                rest = block[max(key_at - offset, 0):]
                stripped = rest.lstrip(b" \t\r\n")
                if stripped[:1] == b":":
                    after = stripped[1:].lstrip(b" \t\r\n")
                    if after[:1] == b"[":
                        start = offset + len(block) - len(after)
                    elif after:
                        return None  # annotations is not a list: the ordinary reader says so
                elif stripped:
                    key_at = -1  # a value "annotations", not the key
            if start != -1 and end == -1:
                local_start = max(start - offset + 1, 0)
                inside = slice(local_start, len(block))
                lv = level[inside]
                closing = np.flatnonzero(lv == 1)
                stop = closing[0] if len(closing) else len(lv)
                comma = (data[inside][:stop] == 0x2C) & outside[inside][:stop] & (lv[:stop] == 2)
                commas.append(np.flatnonzero(comma) + offset + local_start)
                if len(closing):
                    end = offset + local_start + int(closing[0])
            depth_before_tail = int(level[-len(KEY) - 1]) if len(block) > len(KEY) else depth
            depth = int(level[-1])
            tail = block[-len(KEY):]
            tail_level = level[-len(KEY):].copy()
            tail_outside = outside[-len(KEY):].copy()
            offset += len(block)
    if start == -1 or end == -1 or depth != 0 or in_string:
        return None
    found = np.concatenate(commas) if commas else np.zeros(0, np.int64)
    count = len(found) + 1
    if not len(found):  # one element or none: small enough to look at
        with open(path, "rb") as fh:
            fh.seek(start + 1)
            count = 1 if fh.read(end - start - 1).strip() else 0
    return Layout(start, end, found, count)


def _escaped(data: np.ndarray, pending: int) -> np.ndarray:
    """Positions preceded by an odd run of backslashes (a run may continue the previous block)."""
    escaped = np.zeros(len(data), dtype=bool)
    slashes = np.flatnonzero(data == 0x5C)
    if pending and (not len(slashes) or slashes[0] != 0):
        if pending % 2:
            escaped[0] = True
    if not len(slashes):
        return escaped
    breaks = np.flatnonzero(np.diff(slashes) != 1)
    run_starts = np.concatenate([[slashes[0]], slashes[breaks + 1]])
    run_ends = np.concatenate([slashes[breaks], [slashes[-1]]])
    lengths = run_ends - run_starts + 1
    if run_starts[0] == 0:
        lengths[0] += pending
    after = run_ends + 1
    odd = (lengths % 2 == 1) & (after < len(data))
    escaped[after[odd]] = True
    return escaped


def head(path: Path, layout: Layout) -> dict | None:
    """The document with an empty annotations list."""
    with open(path, "rb") as fh:
        first = fh.read(layout.start + 1)
        fh.seek(layout.end)
        rest = fh.read()
    try:
        doc = orjson.loads(first + rest)
    except orjson.JSONDecodeError:
        return None
    return doc if isinstance(doc, dict) else None


def slices(path: Path, layout: Layout, size: int) -> Iterator[tuple[int, list]]:
    """(index of the first element, the parsed elements) for every `size` annotations in order.
    Raises orjson.JSONDecodeError on a malformed slice."""
    count = layout.count
    bounds = np.concatenate([[layout.start], layout.commas, [layout.end]])
    with open(path, "rb") as fh:
        for first in range(0, count, size):
            last = min(first + size, count)
            lo, hi = int(bounds[first]) + 1, int(bounds[last])
            fh.seek(lo)
            yield first, orjson.loads(b"[" + fh.read(hi - lo) + b"]")
