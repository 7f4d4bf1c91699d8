"""A JSON results file (a list of row objects) → columns, and columns → such a file.

Read as the COCO annotations are (`coco/annotations.py`): each key taken once per slice with one
C-level pass, its types compared as a set, a per-value pass only to name a bad row.  A file of
millions of rows is parsed a slice at a time (`files/jsonstream.read_list`), so no more than a
slice of row objects ever exists.  Written a chunk of rows at a time from one `%` template.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import chain, repeat
from pathlib import Path
from typing import Any, Callable

import numpy as np
import orjson

from ...errors import ConvertError, shown
from ...files import jsonstream
from ...files.text import load_json
from ...run import Run
from ..coco.annotations import MISSING, Column, Records, _bbox_rule, _int_rule

STREAM_BYTES = 64 << 20
"""Files at least this large are parsed a slice at a time."""
SLICE_BYTES = 8 << 20
CHUNK = 50_000


@dataclass
class Parsed:
    columns: dict[str, np.ndarray]
    """image_id, category_id and the other integer keys asked for; x, y, w, h; score."""
    rows: np.ndarray
    """Position of each kept row in the file's list (for error places)."""
    src: str

    def where(self, i: int) -> str:
        return f"{self.src}:$[{int(self.rows[i])}]"


def read_rows(path: Path, required: tuple[str, ...], optional: tuple[str, ...], run: Run) -> Parsed:
    """The rows of a results list: integer keys `required` (and `optional`, -1 where absent), a
    bbox of 4 finite numbers and a finite score on every row."""
    src = str(path)
    parts: list[tuple[dict[str, np.ndarray], np.ndarray]] = []

    def take(first: int, items: list) -> None:
        parts.append(_slice(items, first, src, required, optional, run))

    streamed = False
    if path.is_file() and path.stat().st_size >= STREAM_BYTES:
        warned, skipped = len(run.warnings), run.counts["skipped"]
        bar = run.bar(iter(int, 1), path.stat().st_size // SLICE_BYTES + 1, "result slices")
        streamed = jsonstream.read_list(path, SLICE_BYTES, lambda first, items: (take(first, items), next(bar)))
        if not streamed:  # the whole-file read below names the error (and warns again)
            parts.clear()
            del run.warnings[warned:]
            run.counts["skipped"] = skipped
    if not streamed:
        doc = load_json(path)
        if not isinstance(doc, list):
            raise ConvertError(f"{src}:$", f"expected a JSON list of result rows, found {type(doc).__name__}")
        take(0, doc)
    keys = (*required, *optional, "x", "y", "w", "h", "score")
    columns = {k: np.concatenate([p[0][k] for p in parts]) if parts else np.zeros(0) for k in keys}
    rows = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.int64)
    return Parsed(columns, rows, src)


def _slice(items: list, first: int, src: str, required: tuple[str, ...], optional: tuple[str, ...],
           run: Run) -> tuple[dict[str, np.ndarray], np.ndarray]:
    n = len(items)
    objects = np.fromiter(map(isinstance, items, repeat(dict)), bool, n)
    records = Records(items if objects.all() else [a if type(a) is dict else {} for a in items])
    checks: list[Any] = [(~objects, lambda i: f"expected an object, found {type(items[i]).__name__}")]
    checks += [_int_rule(records[key], required=True) for key in required]
    checks.append(_bbox_rule(records["bbox"]))
    checks.append(_score_rule(records["score"]))
    checks += [_int_rule(records[key], required=False) for key in optional]
    bad = run.reject_rules(checks, n, lambda i: f"{src}:$[{first + i}]")
    kept = np.flatnonzero(~bad)
    if bad.any():
        records = Records([records.rows[i] for i in kept.tolist()])
    return _columns(records, required, optional), kept + first


def _score_rule(column: Column) -> Any:
    """A finite number on every row: pycocotools sorts by it, TAO averages it."""
    if column.kinds <= {int, float} and all(map(math.isfinite, column.values)):
        return None, None

    def problem(v: Any) -> str | None:
        if v is MISSING:
            return "missing key 'score'"
        if type(v) not in (int, float) or not math.isfinite(v):
            return f"score must be a finite number, found {shown(v)}"
        return None

    return column.bad(problem)


def _columns(records: Records, required: tuple[str, ...], optional: tuple[str, ...]) -> dict[str, np.ndarray]:
    n = len(records.rows)
    bbox = records["bbox"]
    if getattr(bbox, "flat", None) is None:
        _bbox_rule(bbox)
    xywh = bbox.flat.reshape(n, 4) if n else np.zeros((0, 4))
    out = {key: np.array(records[key].values, dtype=np.int64).reshape(n) for key in required}
    for key in optional:
        column = records[key]
        out[key] = (np.full(n, -1, np.int64) if column.absent else
                    np.array([-1 if v is MISSING else v for v in column.values], dtype=np.int64).reshape(n))
    out.update(x=xywh[:, 0].copy(), y=xywh[:, 1].copy(), w=xywh[:, 2].copy(), h=xywh[:, 3].copy(),
               score=np.array(records["score"].values, dtype=np.float64).reshape(n))
    return out


def write_rows(target: Path, template: str, columns: list[np.ndarray], run: Run) -> None:
    """`[row,row,...]`: each row `template` (`%s` per value) filled with one value of each column.
    The numbers are formatted a column at a time by orjson (shortest text that reads back as the
    same float, like `json.dumps`), not one `repr` per value."""
    n = len(columns[0]) if columns else 0
    row = template.encode()
    with open(target, "wb") as out:
        out.write(b"[")
        for start in run.bar(range(0, n, CHUNK), -(-n // CHUNK), "rows"):
            stop = min(start + CHUNK, n)
            texts = [orjson.dumps(np.ascontiguousarray(c[start:stop]), option=orjson.OPT_SERIALIZE_NUMPY)[1:-1].split(b",")
                     for c in columns]
            out.write((b"," if start else b"") + b",".join(repeat(row, stop - start)) % tuple(chain.from_iterable(zip(*texts))))
        out.write(b"]\n")


def no_nonfinite(values: list[np.ndarray], what: str, locate: Callable[[int], str]) -> None:
    """YOLOFT refuses to write a non-finite prediction (FloatingPointError); so do we."""
    for column in values:
        bad = np.flatnonzero(~np.isfinite(column))
        if len(bad):
            raise ConvertError(locate(int(bad[0])), f"{what} {column[bad[0]]} is not a finite number")
