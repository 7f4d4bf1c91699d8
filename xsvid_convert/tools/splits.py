"""Train/val(/test) splits made of whole videos, so that no video straddles two sets."""

from __future__ import annotations

import random

from ..errors import ConvertError
from ..model import Dataset
from ..run import Run

DEFAULT_VAL_FRACTION = 0.2


def by_video(dataset: Dataset, run: Run, *, val_fraction: float | None = None, val_videos: list[str] | None = None,
             test_fraction: float | None = None, test_videos: list[str] | None = None, seed: int = 0) -> Dataset:
    """Each frame's split becomes `train`, `val` or `test`, a video at a time.

    Named videos go where they are named; the rest are drawn with `seed` from the videos in name
    order: `round(fraction · videos)` of them (at least one when the fraction is above 0, and never
    all: one video at least stays in train), val first, then test.  The same input, fractions and
    seed give the same split anywhere.
    """
    if not dataset.videos:
        raise ConvertError("--split-by video", "the input has no videos to split by")
    without = sum(1 for f in dataset.frames if f.video_id is None)
    if without:
        raise ConvertError("--split-by video", f"{without} frames belong to no video")
    names = sorted(v.name for v in dataset.videos)
    named = {"val": _named(val_videos, names, "--val-videos"), "test": _named(test_videos, names, "--test-videos")}
    if named["val"] & named["test"]:
        raise ConvertError("--test-videos", f"also named for val: {', '.join(sorted(named['val'] & named['test']))}")
    free = [n for n in names if n not in named["val"] | named["test"]]
    random.Random(seed).shuffle(free)
    fractions = {"val": DEFAULT_VAL_FRACTION if val_fraction is None and not val_videos else val_fraction or 0.0,
                 "test": test_fraction or 0.0}
    chosen = {}
    for split in ("val", "test"):
        if named[split] or split == "test" and not test_fraction:
            chosen[split] = named[split]
            continue
        count = _count(fractions[split], len(names), len(free), f"--{split}-fraction")
        chosen[split], free = set(free[:count]), free[count:]
    split_of = {v.id: "val" if v.name in chosen["val"] else "test" if v.name in chosen["test"] else "train"
                for v in dataset.videos}
    frames = [f.model_copy(update={"split": split_of[f.video_id]}) for f in dataset.frames]
    for split in ("train", "val", "test"):
        run.count(f"{split}_videos", sum(1 for s in split_of.values() if s == split))
    run.note(f"val videos: {', '.join(sorted(chosen['val'])) or 'none'}")
    if chosen["test"]:
        run.note(f"test videos: {', '.join(sorted(chosen['test']))}")
    return dataset.model_copy(update={"frames": frames})


def _named(given: list[str] | None, names: list[str], option: str) -> set[str]:
    unknown = [n for n in given or [] if n not in names]
    if unknown:
        raise ConvertError(option, f"no such videos: {', '.join(unknown)}")
    return set(given or [])


def _count(fraction: float, total: int, free: int, option: str) -> int:
    if not 0 <= fraction <= 1:
        raise ConvertError(option, f"must be between 0 and 1, not {fraction}")
    count = round(fraction * total)
    if 0 < fraction and total >= 2:
        count = max(count, 1)
    return max(0, min(count, free - 1))  # one video at least stays in train
