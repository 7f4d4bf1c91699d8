"""What is in a dataset: counts, tracks and box sizes in XS-VID's buckets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..model import NO_TRACK, Dataset, unique_pairs

# Half-open [low, high) on the box area w·h in px²: `es` < 12², `rs` 12²–20², `gs` 20²–32² are
# XS-VID's extremely/relatively/generally small objects, then COCO's medium and large.
SIZE_BUCKETS: tuple[tuple[str, float, float], ...] = (
    ("es", 0.0, 12.0**2), ("rs", 12.0**2, 20.0**2), ("gs", 20.0**2, 32.0**2),
    ("medium", 32.0**2, 96.0**2), ("large", 96.0**2, float("inf")),
)


def size_bucket_counts(area: np.ndarray) -> dict[str, int]:
    edges = np.array([low for _, low, _ in SIZE_BUCKETS[1:]])
    which = np.searchsorted(edges, area, side="right")
    counts = np.bincount(which, minlength=len(SIZE_BUCKETS))
    return {name: int(n) for (name, _, _), n in zip(SIZE_BUCKETS, counts)}


def track_keys(dataset: Dataset, box_video: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(video id, track id) of every box with a track; -1 stands for 'no video'."""
    b = dataset.boxes
    has = b.track_id != NO_TRACK
    video = dataset.box_video_ids() if box_video is None else box_video
    return video[has], b.track_id[has]


def compute(dataset: Dataset) -> dict[str, Any]:
    """The numbers `stats` prints; `--json` prints exactly this object."""
    b = dataset.boxes
    names: dict[int, str] = {}
    taken = [c.name for c in dataset.categories]
    for c in dataset.categories:
        names[c.id] = c.name if taken.count(c.name) == 1 else f"{c.name} ({c.id})"
    ids, counts = np.unique(b.category_id, return_counts=True)
    per_category = dict.fromkeys(names.values(), 0)
    for cid, n in zip(ids.tolist(), counts.tolist()):
        per_category[names[cid]] = n

    kept = ~b.ignore
    area = (b.w * b.h)[kept]

    box_video = dataset.box_video_ids()
    video_of_track, track = track_keys(dataset, box_video)
    lengths = np.zeros(0, np.int64)
    if len(track):
        _, lengths = unique_pairs(video_of_track, track, return_counts=True)

    per_video: dict[str, dict[str, int]] = {}
    if dataset.videos:
        frames_per = dict(zip(*np.unique(dataset.frame_video_ids(), return_counts=True)))
        boxes_per = dict(zip(*np.unique(box_video, return_counts=True)))
        for v in dataset.videos:
            per_video[v.name] = {"frames": int(frames_per.get(v.id, 0)), "boxes": int(boxes_per.get(v.id, 0))}

    return {
        "frames": len(dataset.frames),
        "videos": len(dataset.videos),
        "boxes": len(b),
        "ignored": int(b.ignore.sum()),
        "categories": per_category,
        "size_buckets": size_bucket_counts(area),
        "tracks": int(len(lengths)),
        "track_lengths": _distribution(lengths),
        "per_video": per_video,
    }


def _distribution(values: np.ndarray) -> dict[str, float] | None:
    if not len(values):
        return None
    return {"min": int(values.min()), "median": float(np.median(values)), "mean": round(float(values.mean()), 3),
            "max": int(values.max())}


def text(stats: dict[str, Any]) -> str:
    """The human-readable report."""
    lines = [f"frames {stats['frames']}, videos {stats['videos']}, boxes {stats['boxes']} "
             f"(ignored {stats['ignored']}), tracks {stats['tracks']}"]
    if stats["track_lengths"]:
        t = stats["track_lengths"]
        lines.append(f"track length (boxes): min {t['min']}, median {t['median']:g}, mean {t['mean']:g}, max {t['max']}")
    lines.append("")
    lines.append("boxes per category:")
    width = max((len(n) for n in stats["categories"]), default=0)
    for name, n in stats["categories"].items():
        lines.append(f"  {name:<{width}}  {n}")
    lines.append("")
    total = sum(stats["size_buckets"].values())
    lines.append("sizes of non-ignored boxes (area w*h):")
    for (name, low, high), n in zip(SIZE_BUCKETS, stats["size_buckets"].values()):
        span = f"< {high:g}" if low == 0 else (f">= {low:g}" if high == float("inf") else f"{low:g}-{high:g}")
        share = f"{100 * n / total:5.1f}%" if total else "    -"
        lines.append(f"  {name:<6} {span:<11} {n:>9}  {share}")
    if stats["per_video"]:
        lines.append("")
        lines.append("per video (frames, boxes):")
        width = max(len(n) for n in stats["per_video"])
        for name, row in stats["per_video"].items():
            lines.append(f"  {name:<{width}}  {row['frames']:>7}  {row['boxes']:>9}")
    return "\n".join(lines)


def plot(dataset: Dataset, path: Path) -> None:
    """Histogram of √(w·h) of non-ignored boxes, 1 px bins to 64 px (larger ones in the last bar),
    bars coloured by size bucket, bucket edges marked."""
    from PIL import Image, ImageDraw

    b = dataset.boxes
    side = np.sqrt((b.w * b.h)[~b.ignore])
    top = 64
    counts = np.bincount(np.minimum(side.astype(np.int64), top), minlength=top + 1)
    colors = {"es": (214, 39, 40), "rs": (255, 127, 14), "gs": (44, 160, 44), "medium": (31, 119, 180),
              "large": (148, 103, 189)}
    bar, left, bottom, height = 10, 60, 50, 300
    width = left + bar * (top + 1) + 150
    image = Image.new("RGB", (width, height + bottom + 40), "white")
    draw = ImageDraw.Draw(image)
    peak = max(int(counts.max()), 1)
    base = 20 + height
    for k, n in enumerate(counts.tolist()):
        bucket = next(name for name, low, high in SIZE_BUCKETS if low <= (k + 0.5) ** 2 < high)
        h = round(height * n / peak)
        draw.rectangle([left + k * bar, base - h, left + (k + 1) * bar - 2, base], fill=colors[bucket])
    draw.line([left, base, left + bar * (top + 1), base], fill="black")
    draw.line([left, 20, left, base], fill="black")
    for edge in (12, 20, 32):
        x = left + edge * bar - 1
        draw.line([x, 20, x, base], fill=(90, 90, 90))
    for tick in range(0, top + 1, 8):
        draw.text((left + tick * bar - 4, base + 4), f"{tick}" if tick < top else f"{top}+", fill="black")
    draw.text((left, base + 22), "box side sqrt(w*h), px (non-ignored boxes)", fill="black")
    draw.text((4, 14), f"{peak}", fill="black")
    draw.text((4, base - 10), "0", fill="black")
    buckets = size_bucket_counts((b.w * b.h)[~b.ignore])
    for k, (name, n) in enumerate(buckets.items()):
        y = 30 + 18 * k
        x = left + bar * (top + 1) + 15
        draw.rectangle([x, y, x + 10, y + 10], fill=colors[name])
        draw.text((x + 16, y), f"{name} {n}", fill="black")
    image.save(path, format="PNG")
