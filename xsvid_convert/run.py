"""The run context every reader, writer and check receives: one error policy, the counts of the
summary line, notes, progress bars and the dry-run plan.

Strict (the default): the first problem raises `ConvertError`.  Lenient: each bad record is
skipped with one warning and counted as `skipped`.  There is no other way to say "strict".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TypeVar

import numpy as np

from .errors import ConvertError
from .files.guard import Inputs

T = TypeVar("T")

SUMMARY_ORDER = ("frames", "boxes", "train_videos", "val_videos", "test_videos", "clipped", "dropped",
                 "ignored_dropped", "missing_images", "renumbered_tracks", "skipped")


@dataclass
class Run:
    lenient: bool = False
    progress: bool = False
    dry_run: bool = False
    destination: Path | None = None
    """Where the output will finally be (writers work in a temporary sibling)."""
    counts: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """One `<where>: <what>` per record skipped in lenient mode."""
    planned: list[Path] = field(default_factory=list)
    """Dry run: images that would be linked or copied (their written paths)."""
    files: list[str] = field(default_factory=list)
    """Dry run: every path that would be written, relative to the output."""
    inputs: Inputs = field(default_factory=Inputs)
    """What the run read: an output may not replace, contain or lie inside any of it."""
    known_sizes: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Frame sizes by file name that an earlier reading of the same frames found: a roundtrip
    reading back its own output uses them where no image header is there to read."""

    # ------------------------------------------------------------ problems

    def problem(self, where: str, message: str) -> None:
        """A bad record: an error when strict, a warning and a skipped count when lenient."""
        if not self.lenient:
            raise ConvertError(where, message)
        self.warnings.append(f"{where}: {message}")
        self.counts["skipped"] += 1

    def reject(self, mask: Any, locate: Callable[[int], str], message: Callable[[int], str]) -> np.ndarray:
        """`problem` for every row where `mask` is true (strict: the first one raises).  Returns
        the mask of rows to keep."""
        mask = np.asarray(mask, dtype=bool)
        for i in np.flatnonzero(mask).tolist():
            self.problem(locate(i), message(i))
        return ~mask

    def reject_rules(self, rules: list[tuple[Any, Callable[[int], str]]], n: int,
                     locate: Callable[[int], str]) -> np.ndarray:
        """Rows that break any of `rules` (each a mask and a message): each reported once, with
        the first rule it breaks, in row order (strict: the first bad row raises).  Returns the
        mask of bad rows."""
        first = np.full(n, -1, dtype=np.int64)
        for k, (mask, _) in enumerate(rules):
            if mask is None:
                continue
            fresh = np.asarray(mask, dtype=bool) & (first == -1)
            first[fresh] = k
        bad = first >= 0
        for i in np.flatnonzero(bad).tolist():
            self.problem(locate(i), rules[int(first[i])][1](i))
        return bad

    # ------------------------------------------------------------ summary

    def count(self, key: str, n: int = 1) -> None:
        if n:
            self.counts[key] += n

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def summary(self) -> str:
        keys = [k for k in SUMMARY_ORDER if k in self.counts] + sorted(k for k in self.counts if k not in SUMMARY_ORDER)
        return ", ".join(f"{k.replace('_', ' ')} {self.counts[k]}" for k in keys)

    def child(self) -> "Run":
        """A quiet run with the same policy, for a side output whose counts are not the summary's."""
        return Run(lenient=self.lenient, dry_run=self.dry_run)

    # ------------------------------------------------------------ progress

    def bar(self, items: Iterable[T], total: int | None = None, desc: str = "") -> Iterator[T]:
        """tqdm on stderr when the user wants it; the plain iterable otherwise."""
        if not self.progress:
            return iter(items)
        from tqdm import tqdm

        return iter(tqdm(items, total=total, desc=desc, unit="frame", leave=False, mininterval=0.5))

