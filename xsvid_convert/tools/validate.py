"""Schema and consistency checks of one dataset, as a report of problems.

Records that break the schema (unknown ids, duplicate ids, bad numbers, boxes wholly outside
their image) are what a lenient read skips; the checks here look at what remains.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import api, formats
from ..model import Dataset, unique_pairs
from ..run import Run
from .stats import track_keys

EXAMPLES = 5



@dataclass
class Check:
    name: str
    problems: list[str] = field(default_factory=list)
    count: int = 0

    def add(self, text: str) -> None:
        self.count += 1
        if len(self.problems) < EXAMPLES:
            self.problems.append(text)


@dataclass
class Validation:
    source: str
    checks: list[Check]
    notes: list[str]

    @property
    def ok(self) -> bool:
        return not any(c.count for c in self.checks)

    def text(self) -> str:
        lines = [f"{self.source}: {'no problems found' if self.ok else 'problems found'}"]
        for check in self.checks:
            lines.append(f"  {'ok  ' if not check.count else 'FAIL'}  {check.name}: {check.count}")
            for problem in check.problems:
                lines.append(f"          {problem}")
            if check.count > len(check.problems):
                lines.append(f"          ... and {check.count - len(check.problems)} more")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "ok": self.ok,
                "checks": {c.name: {"count": c.count, "examples": c.problems} for c in self.checks},
                "notes": self.notes}


def validate(path: Path, fmt: str, **options: Any) -> Validation:
    """Read `path` leniently and check it; a ConvertError means it cannot be read at all."""
    run = Run(lenient=True)
    dataset = api.read(path, fmt, run=run, **options)
    records = Check("records that break the schema (skipped on reading)")
    for warning in run.warnings:
        records.add(warning)
    notes: list[str] = []
    checks = [records, _outside(dataset), _frame_gaps(dataset)]
    spec = formats.get(fmt)
    # where a format numbers tracks per sequence or fixes the category table, the corresponding
    # check would only report the format itself
    if spec.per_sequence_tracks:
        notes.append(f"{fmt} numbers tracks per sequence: 'track in two videos' not checked")
    else:
        checks.append(_track_in_two_videos(dataset))
    if spec.fixed_categories:
        notes.append(f"{fmt} has a fixed category table: 'categories without boxes' not checked")
    else:
        checks.append(_unused_categories(dataset))
    return Validation(str(path), checks, notes)


def _outside(dataset: Dataset) -> Check:
    check = Check("boxes reaching outside their image")
    b = dataset.boxes
    if not len(b):
        return check
    width, height = dataset.frame_sizes()
    positions = dataset.frame_positions()
    W, H = width[positions], height[positions]
    with np.errstate(invalid="ignore"):
        out = (b.x < 0) | (b.y < 0) | (b.x + b.w > W) | (b.y + b.h > H)
    for i in np.flatnonzero(out).tolist():
        frame = dataset.frames[positions[i]]
        check.add(f"box {b.id[i]} in {frame.file_name}: {b.x[i]:g},{b.y[i]:g} {b.w[i]:g}x{b.h[i]:g} "
                  f"in a {W[i]:g}x{H[i]:g} image")
    return check


def _frame_gaps(dataset: Dataset) -> Check:
    check = Check("frame gaps inside a video")
    indices: dict[int, list[int]] = {}
    for f in dataset.frames:
        if f.video_id is not None and f.frame_index is not None:
            indices.setdefault(f.video_id, []).append(f.frame_index)
    names = {v.id: v.name for v in dataset.videos}
    for video_id, found in indices.items():
        have = np.unique(found)
        # spans between consecutive indices, never every missing index (an index may be 10^15)
        gaps = np.flatnonzero(np.diff(have) > 1)
        if len(gaps):
            spans = [_span(int(have[k]) + 1, int(have[k + 1]) - 1) for k in gaps[:8].tolist()]
            more = " ..." if len(gaps) > 8 else ""
            check.add(f"video {names.get(video_id, video_id)}: frame indices {', '.join(spans)}{more} are missing "
                      f"between {have[0]} and {have[-1]}")
    return check


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}-{last}"


def _track_in_two_videos(dataset: Dataset) -> Check:
    check = Check("tracks that appear in two videos")
    video, track = track_keys(dataset)
    if not len(track):
        return check
    pairs = unique_pairs(track, video)
    ids, counts = np.unique(pairs[0], return_counts=True)
    names = {v.id: v.name for v in dataset.videos}
    for t in ids[counts > 1].tolist():
        in_videos = [names.get(v, str(v)) for v in pairs[1][pairs[0] == t].tolist()]
        check.add(f"track {t} is in videos {', '.join(in_videos)}")
    return check


def _unused_categories(dataset: Dataset) -> Check:
    check = Check("categories without boxes")
    used = set(np.unique(dataset.boxes.category_id).tolist())
    for c in dataset.categories:
        if c.id not in used:
            check.add(f"category {c.id} ({c.name})")
    return check
