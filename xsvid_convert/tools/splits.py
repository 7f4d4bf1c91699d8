"""Train/val splits made of whole videos, so that no video straddles both sets."""

from __future__ import annotations

import random

from ..errors import ConvertError
from ..run import Run
from ..model import Dataset


def by_video(dataset: Dataset, run: Run, *, val_fraction: float | None = None,
             val_videos: list[str] | None = None, seed: int = 0) -> Dataset:
    """Each frame's split becomes `train` or `val`, a video at a time.

    `val_videos` names the validation videos; otherwise `round(val_fraction · videos)` of them
    (at least one and at most all but one when there are two or more) are drawn with `seed` from
    the videos in name order, so the same input, fraction and seed give the same split anywhere.
    """
    if not dataset.videos:
        raise ConvertError("--split-by video", "the input has no videos to split by")
    without = sum(1 for f in dataset.frames if f.video_id is None)
    if without:
        raise ConvertError("--split-by video", f"{without} frames belong to no video")
    names = sorted(v.name for v in dataset.videos)
    if val_videos:
        unknown = [n for n in val_videos if n not in names]
        if unknown:
            raise ConvertError("--val-videos", f"no such videos: {', '.join(unknown)}")
        val = set(val_videos)
    else:
        fraction = 0.2 if val_fraction is None else val_fraction
        if not 0 <= fraction <= 1:
            raise ConvertError("--val-fraction", f"must be between 0 and 1, not {fraction}")
        count = round(fraction * len(names))
        if len(names) >= 2 and 0 < fraction < 1:
            count = min(max(count, 1), len(names) - 1)
        shuffled = names[:]
        random.Random(seed).shuffle(shuffled)
        val = set(shuffled[:count])
    split_of = {v.id: "val" if v.name in val else "train" for v in dataset.videos}
    frames = [f.model_copy(update={"split": split_of[f.video_id]}) for f in dataset.frames]
    run.count("val_videos", len(val))
    run.count("train_videos", len(names) - len(val))
    run.note(f"val videos: {', '.join(sorted(val)) or 'none'}")
    return dataset.model_copy(update={"frames": frames})
