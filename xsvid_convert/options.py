"""Options every reader and writer receives, and the report they fill in."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TypeVar

from .errors import ConvertError

T = TypeVar("T")


@dataclass
class Options:
    images_root: Path | None = None
    """Folder COCO/CocoVID `file_name`s are relative to (default: the annotation file's folder)."""
    image_size: tuple[int, int] | None = None
    """(width, height) for frames whose size neither the annotations nor an image header give."""
    layout: str = "ultralytics"
    """YOLO writer layout: `ultralytics` or `yoloft`."""
    split: str | None = None
    """Split name for frames that have none (YOLO writer; default from the source's name)."""
    images: str = "link"
    """How writers that lay out an image folder bring the images: link, hardlink, copy, none."""
    ignored: str = "drop"
    """YOLO has no ignore flag: `drop` ignored boxes, or keep them as a `class` of their own."""
    mot_file: str = "gt"
    """MOT: read and write `gt/gt.txt` or `det/det.txt`."""
    destination: Path | None = None
    """Where the output will finally be (writers work in a temporary sibling)."""
    progress: bool = False
    lenient: bool = False
    """Skip bad records (rows, annotations, boxes) with a warning each instead of stopping."""
    workers: int = 1
    """Processes that write label files and images (YOLO), where many small files dominate."""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Report:
    """Counts a conversion shows the user in its summary line."""

    counts: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    lenient: bool = False
    warnings: list[str] = field(default_factory=list)
    """One `<where>: <what>` per record skipped in lenient mode."""
    planned: list[Path] = field(default_factory=list)
    """Dry run: images that would be linked or copied (written paths)."""
    files: list[str] = field(default_factory=list)
    """Dry run: every path that would be written, relative to the output."""

    def skip(self, where: str, message: str) -> None:
        """A bad record: an error when strict, a warning and a skipped count when lenient."""
        if not self.lenient:
            raise ConvertError(where, message)
        self.warnings.append(f"{where}: {message}")
        self.counts["skipped"] += 1

    def reject(self, mask: Any, locate: Callable[[int], str], message: Callable[[int], str]) -> Any:
        """Vectorised `skip`: rows where `mask` is true are errors (strict: the first one raises)
        or skipped with a warning each (lenient).  Returns the mask of rows to keep."""
        import numpy as np

        bad = np.flatnonzero(mask)
        for i in bad.tolist():
            self.skip(locate(i), message(i))
        return ~np.asarray(mask, dtype=bool)

    def add(self, key: str, n: int = 1) -> None:
        if n:
            self.counts[key] += n

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def summary(self) -> str:
        order = ["frames", "boxes", "train_videos", "val_videos", "clipped", "dropped", "ignored_dropped", "missing_images",
                 "renumbered_tracks", "skipped"]
        keys = [k for k in order if k in self.counts] + sorted(k for k in self.counts if k not in order)
        return ", ".join(f"{k.replace('_', ' ')} {self.counts[k]}" for k in keys)


def progress(items: Iterable[T], opts: Options, total: int | None = None, desc: str = "") -> Iterator[T]:
    """tqdm on stderr when the user wants it; the plain iterable otherwise."""
    if not opts.progress:
        return iter(items)
    from tqdm import tqdm

    return iter(tqdm(items, total=total, desc=desc, unit="frame", leave=False, mininterval=0.5))
