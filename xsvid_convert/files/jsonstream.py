"""A COCO file too large to hold as Python objects, read a slice of annotations at a time.

`orjson.loads` of XS-VIDv2's 0.6 GB annotation file makes 4.5M dicts, several GB.  Instead the
`annotations` array is cut into slices of a few MB, each parsed with orjson and turned into
columns before the next is read; the rest of the document is parsed whole, with `[]` in place of
the annotations.  A results file, one top-level list of objects, is sliced the same way
(`read_list`).

Where to cut needs no scan of the bytes: a slice starts at an element boundary and is cut just
after a `}` that is followed by `,` or `]`.  If that `}` closes the last element, `[slice]` parses;
if it closes a nested object or lies in a string, the parse fails and the previous `}` is tried.
A parse that succeeds from a true boundary ends at a true boundary, because the parser sees the
same bytes in the same state as a parser of the whole file.  Anything unexpected returns None and
the caller reads the file the ordinary way, which also names the place of an error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import orjson

KEY = b'"annotations"'
BLANKS = b" \t\r\n"
SEARCH_BLOCK = 8 << 20


def read_annotations(path: Path, slice_bytes: int, take: Callable[[int, list], None]) -> tuple[int, int] | None:
    """Call `take(index of the first element, elements)` for consecutive slices of the
    annotations array; return the offsets of its `[` and `]`, or None (nothing is certain then)."""
    with open(path, "rb") as fh:
        start = _find_start(fh)
        if start is None:
            return None
        return _read_elements(fh, start, slice_bytes, take)


def read_list(path: Path, slice_bytes: int, take: Callable[[int, list], None]) -> bool:
    """`read_annotations` for a document that is itself a list of objects (a results file):
    True when every element was passed to `take` and nothing but blanks follows the `]`; False
    when the file is not laid out so (the caller then reads it whole, which names the error)."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
        lead = len(head) - len(head.removeprefix(b"\xef\xbb\xbf").lstrip(BLANKS))
        if head[lead:lead + 1] != b"[":
            return False
        span = _read_elements(fh, lead, slice_bytes, take)
        if span is None:
            return False
        fh.seek(span[1] + 1)
        while block := fh.read(SEARCH_BLOCK):
            if block.strip(BLANKS):
                return False
        return True


def _read_elements(fh, start: int, slice_bytes: int, take: Callable[[int, list], None]) -> tuple[int, int] | None:
    """The slices of the array whose `[` is at `start` (see `read_annotations`)."""
    pos, index, size = start + 1, 0, slice_bytes
    while True:
        fh.seek(pos)
        buf = fh.read(size)
        lead = len(buf) - len(buf.lstrip(BLANKS))
        if buf[lead:lead + 1] == b"]":
            return (start, pos + lead) if index == 0 else None  # `[]`; `,]` is not JSON
        cut = _cut(buf)
        if cut is None:
            if len(buf) < size:
                return None  # the end of the file and still no complete element
            size *= 2  # an element larger than the slice
            continue
        items, separator = cut
        take(index, items)
        index += len(items)
        if buf[separator:separator + 1] == b"]":
            return start, pos + separator
        pos, size = pos + separator + 1, slice_bytes


def _cut(buf: bytes) -> tuple[list, int] | None:
    """(the elements, the offset of the `,` or `]` after them) for the longest prefix of `buf`
    that is a run of whole elements ending in `}`, or None."""
    k = len(buf)
    while True:
        k = buf.rfind(b"}", 0, k)
        if k == -1:
            return None
        after = k + 1
        while after < len(buf) and buf[after] in BLANKS:
            after += 1
        if after >= len(buf) or buf[after] not in b",]":
            continue
        try:
            return orjson.loads(b"[" + buf[:k + 1] + b"]"), after
        except orjson.JSONDecodeError as exc:
            # every longer prefix fails at the same place: go on from before it (so a corrupt
            # element costs a few parses, not one per `}` in the slice)
            k = min(k, exc.pos - 1)


def _find_start(fh) -> int | None:
    """Offset of the `[` after the first `"annotations"` followed by `:` (a string followed by a
    colon is always a key in JSON); whether it is the root's key, `head` checks."""
    offset, carry = 0, b""
    while True:
        block = fh.read(SEARCH_BLOCK)
        if not block:
            return None
        window = carry + block
        base = offset - len(carry)
        k = window.find(KEY)
        while k != -1:
            j = _skip_blanks(window, k + len(KEY))
            if j < len(window) and window[j] == 0x3A:  # ':'
                j = _skip_blanks(window, j + 1)
                if j < len(window) and window[j] == 0x5B:  # '['
                    return base + j  # (another value: a nested key; the root's is further on)
            k = window.find(KEY, k + 1)
        carry = window[-300:]
        offset += len(block)


def _skip_blanks(data: bytes, j: int) -> int:
    while j < len(data) and data[j] in BLANKS:
        j += 1
    return j


def head(path: Path, start: int, end: int) -> dict | None:
    """The document with `[]` for the annotations, if it is a JSON object whose root holds them."""
    with open(path, "rb") as fh:
        first = fh.read(start + 1)
        fh.seek(end)
        rest = fh.read()
    try:
        doc = orjson.loads(first + rest)
    except orjson.JSONDecodeError:
        return None
    return doc if isinstance(doc, dict) and doc.get("annotations") == [] else None
