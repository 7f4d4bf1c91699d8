"""Comma-separated numeric rows (MOT, VisDrone and their kin): parsed into one array with each
row's line number, and formatted back a column at a time.

Each rule is stated once, on whole columns: the row widths, the numbers, the finite values.  Only
when a rule finds bad rows does a per-row step run, and only to say what is wrong with them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from operator import methodcaller
from pathlib import Path

import numpy as np

from ..errors import shown
from ..run import Run

_POINTED = re.compile(r"(^|,)\s*-?\d+\.0*\s*(,|$)")


@dataclass
class Rows:
    values: np.ndarray
    """(rows, max_columns) floats; NaN in the columns a row did not have."""
    numbers: np.ndarray
    """The 1-based line number of each row."""
    pointed: list[bool]
    """Per column: whether an integral value was written with a decimal point (`1.0`), so a
    writer can reproduce `1.0` where the source wrote `1.0` and `1` where it wrote `1`."""
    width: int
    """The widest row (columns actually given)."""
    comma: np.ndarray | None = None
    """Per row: whether it ended with a comma (VisDrone files' rows often do)."""

    def where(self, path: Path, i: int) -> str:
        return f"{path}:{self.numbers[i]}"

    def subset(self, keep: np.ndarray) -> "Rows":
        """The rows where `keep` is true."""
        if keep.all():
            return self
        comma = None if self.comma is None else self.comma[keep]
        return Rows(self.values[keep], self.numbers[keep], self.pointed, self.width, comma)


def parse_rows(path: Path, lines: list[str], min_columns: int, max_columns: int, what: str, run: Run) -> Rows:
    """Non-blank lines as rows of `min_columns`..`max_columns` numbers (a trailing comma, as
    VisDrone files often have, is allowed).  A bad row is an error, or skipped when lenient."""
    numbers = [k for k, line in enumerate(lines, 1) if line and not line.isspace()]
    body = [lines[k - 1].strip() for k in numbers]
    comma = np.fromiter(map(methodcaller("endswith", ","), body), bool, len(body))
    body = [line[:-1] if line.endswith(",") else line for line in body]
    widths = np.fromiter(map(methodcaller("count", ","), body), np.int64, len(body)) + 1
    expected = str(min_columns) if min_columns == max_columns else f"{min_columns} to {max_columns}"
    at = lambda i: f"{path}:{numbers[i]}"  # noqa: E731
    keep = run.reject((widths < min_columns) | (widths > max_columns), at,
                      lambda i: f"expected {expected} comma-separated {what} columns, found {widths[i]}")
    comma = comma[keep]
    body, numbers, widths = _kept(keep, body, numbers, widths)
    tokens = _tokens(body, widths, max_columns)
    # Python and numpy read `1_0` as 10; no tool writes it, and a frame `1_0` is not frame 10
    values = None if "_" in "".join(body) else _numbers(tokens, max_columns)
    if values is None:  # some token is not a number: drop those rows (lenient) and convert again
        keep = run.reject(_non_numeric_rows(tokens, max_columns), at,
                          lambda i: _non_number_message(tokens, max_columns, i))
        comma = comma[keep]
        body, numbers, widths = _kept(keep, body, numbers, widths)
        tokens = _tokens(body, widths, max_columns)
        values = np.array(tokens, dtype=np.float64).reshape(len(body), max_columns)
    given = np.arange(max_columns) < widths[:, None]
    infinite, written_nan = np.isinf(values).any(axis=1), (np.isnan(values) & given).any(axis=1)
    keep = run.reject(infinite | written_nan, at, lambda i: "infinite value" if infinite[i] else "NaN is not a value")
    if not keep.all():
        comma = comma[keep]
        body, numbers, widths = _kept(keep, body, numbers, widths)
        values, tokens = values[keep], _tokens(body, widths, max_columns)
    pointed = _pointed(tokens, max_columns, len(body))
    return Rows(values, np.asarray(numbers, dtype=np.int64), pointed, int(widths.max()) if len(widths) else 0, comma)


def _kept(keep: np.ndarray, body: list[str], numbers: list[int], widths: np.ndarray):
    if keep.all():
        return body, numbers, widths
    index = np.flatnonzero(keep).tolist()
    return [body[i] for i in index], [numbers[i] for i in index], widths[keep]


def _tokens(body: list[str], widths: np.ndarray, max_columns: int) -> list[str]:
    """All tokens, row after row, each row padded with `nan` to `max_columns`."""
    if len(body) and (widths == max_columns).all():
        return ",".join(body).split(",")
    pad = ["nan"] * max_columns
    out: list[str] = []
    for line, width in zip(body, widths.tolist()):
        out += line.split(",")
        out += pad[width:]
    return out


def _numbers(tokens: list[str], max_columns: int) -> np.ndarray | None:
    try:
        return np.array(tokens, dtype=np.float64).reshape(len(tokens) // max_columns, max_columns)
    except ValueError:
        return None


def _is_number(token: str) -> bool:
    try:
        float(token)  # the same conversion numpy applies to a string
        return "_" not in token
    except ValueError:
        return False


def _non_numeric_rows(tokens: list[str], max_columns: int) -> np.ndarray:
    ok = np.fromiter(map(_is_number, tokens), bool, len(tokens)).reshape(-1, max_columns)
    return ~ok.all(axis=1)


def _non_number_message(tokens: list[str], max_columns: int, row: int) -> str:
    cells = tokens[row * max_columns:(row + 1) * max_columns]
    column = next(c for c, token in enumerate(cells) if not _is_number(token))
    return f"column {column + 1} is not a number: {shown(cells[column].strip())}"


def _pointed(tokens: list[str], max_columns: int, rows: int) -> list[bool]:
    out = []
    for c in range(max_columns):
        joined = ",".join(tokens[c::max_columns][:rows])
        out.append("." in joined and _POINTED.search(joined) is not None)
    return out


# ---------------------------------------------------------------- writing


def format_number(value: float, keep_point: bool = False) -> str:
    """Shortest text that reads back as `value`; integers without a point unless `keep_point`."""
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value)}.0" if keep_point else str(int(value))
    text = repr(float(value))
    if "e" in text or "E" in text:
        text = f"{value:.17f}".rstrip("0")
    return text


def format_column(values, keep_point: bool = False) -> list[str]:
    """`format_number` over a whole column: integral values through one int conversion, the rest
    through `repr` (shortest round-trip text), and only the rare exponent forms one by one."""
    v = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        integral = (v == np.floor(v)) & (np.abs(v) < 1e15)
    out = np.empty(len(v), dtype=object)
    ints = list(map(str, v[integral].astype(np.int64).tolist()))
    out[integral] = [f"{t}.0" for t in ints] if keep_point else ints
    if not integral.all():
        texts = list(map(repr, v[~integral].tolist()))
        out[~integral] = [format_number(float(t)) if "e" in t else t for t in texts]
    return out.tolist()


def format_rows(columns: list, pointed: list[bool] | None = None, comma: np.ndarray | None = None) -> list[str]:
    """Comma-separated text rows from columns of numbers; a comma after the rows `comma` marks."""
    pointed = pointed or [False] * len(columns)
    texts = [format_column(values, keep_point) for values, keep_point in zip(columns, pointed)]
    lines = list(map(",".join, zip(*texts)))
    if comma is not None and comma.any():
        lines = [line + "," if c else line for line, c in zip(lines, comma.tolist())]
    return lines
