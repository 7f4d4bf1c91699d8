"""Frames, videos and boxes from the images a YOLO dataset lists and their label files."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import ConvertError
from ...files.images import image_size
from ...files.paths import safe_relpath
from ...files.text import read_lines
from ...model import BoxTable, Dataset, build_dataset
from ...run import Run
from ..sequences import video_name
from .labels import parse_labels

_DIGITS = re.compile(r"\d+")


@dataclass
class Entry:
    split: str
    image: Path
    file_name: str
    label: Path


def build(entries: list[Entry], names: list[str], classes_map: Any, options: Any, run: Run, src: str,
          zero_based: bool = False) -> Dataset:
    category_ids = _category_ids(classes_map, names, src)
    videos: dict[str, int] = {}
    frames: list[dict] = []
    labels = _Labels(len(names), run)
    for k, entry in enumerate(run.bar(entries, len(entries), "frames")):
        file_name = safe_relpath(entry.file_name, f"{src}: image {entry.image}")
        labelled = entry.label.exists()
        row: dict[str, Any] = {"id": k + 1, "file_name": file_name, "split": entry.split, "source": str(entry.image),
                               "hints": {"yolo.label": labelled}}
        _video_of(row, file_name, videos)
        size = image_size(entry.image) or run.known_sizes.get(file_name) or options.image_size
        if size is not None:
            row["width"], row["height"] = size
        frames.append(row)
        if labelled:  # an image without a label file has no boxes (Ultralytics' reading)
            labels.add(entry.label, k + 1, size)
    labels.parse()
    if not zero_based:
        _first_frame_is_zero(frames)
    boxes = labels.table(category_ids)

    def locate(kind: str, index: int) -> str:
        return labels.where(index) if kind == "boxes" else f"{src}: {kind}[{index}]"

    categories = [{"id": i, "name": n} for i, n in zip(category_ids, names)]
    video_rows = [{"id": i, "name": name} for name, i in videos.items()]
    hints = {"yolo": {"layout": "yoloft" if zero_based else "ultralytics"}}
    return build_dataset(categories, video_rows, frames, boxes, locate, run, hints=hints)


def _category_ids(classes_map: Any, names: list[str], src: str) -> list[int]:
    """YOLOFT's `classes_map` (the category id of each class) restores the source's ids; without
    one the ids are made, and made ids start at 1 (class k is category k + 1)."""
    if classes_map is None:
        return list(range(1, len(names) + 1))
    if not isinstance(classes_map, list) or len(classes_map) != len(names) or not all(
            type(v) is int and -2**63 <= v < 2**63 for v in classes_map):
        raise ConvertError(f"{src}: classes_map", f"expected {len(names)} integer category ids, one per name")
    return list(classes_map)


def _video_of(row: dict, file_name: str, videos: dict[str, int]) -> None:
    parent, _, base = file_name.rpartition("/")  # file_name is normalized: no `.`, `..` or `//`
    if not parent:
        return
    # MOT lays frames out as <seq>/img1/; the sequence is the video
    video = parent[: -len("/img1")] if parent.endswith("/img1") else parent
    row["video_id"] = videos.setdefault(video_name(video), len(videos) + 1)
    digits = _DIGITS.findall(os.path.splitext(base)[0])
    if digits and len(digits[-1]) < 12:
        row["frame_index"] = int(digits[-1])


def _first_frame_is_zero(frames: list[dict]) -> None:
    """Frame names keep their source's numbering (MOT and VisDrone count from 1): the first frame
    of a video is index 0.  YOLOFT's own layout is 0-based and read as it is."""
    first: dict[int, int] = {}
    for row in frames:
        if "frame_index" in row:
            first[row["video_id"]] = min(first.get(row["video_id"], row["frame_index"]), row["frame_index"])
    for row in frames:
        if "frame_index" in row:
            row["frame_index"] -= first[row["video_id"]]


class _Labels:
    """Label rows, parsed a block of files at a time (every rule runs once over a block), with
    per-row file and line numbers as integer columns: millions of boxes would make per-box lists
    of Python objects."""

    BLOCK = 4096  # label files per parse

    def __init__(self, nc: int, run: Run) -> None:
        self.nc, self.run = nc, run
        self.files: list[str] = []
        self.pending: list[tuple[Path, int, tuple[int, int] | None]] = []
        self.values: list[np.ndarray] = []
        self.frame: list[np.ndarray] = []
        self.size: list[np.ndarray] = []
        self.file_of: list[np.ndarray] = []
        self.lines: list[np.ndarray] = []

    def add(self, label: Path, frame: int, size: tuple[int, int] | None) -> None:
        self.pending.append((label, frame, size))
        if len(self.pending) == self.BLOCK:
            self.parse()

    def parse(self) -> None:
        """The pending files: their rows, each with its frame, image size, file and line."""
        block, self.pending = self.pending, []
        names = [str(label) for label, _, _ in block]
        values, file_of, lines = parse_labels([(name, read_lines(label)) for name, (label, _, _) in zip(names, block)],
                                              self.nc, self.run)
        unsized = np.array([size is None for _, _, size in block], dtype=bool)[file_of]
        if unsized.any():
            first = int(np.argmax(unsized))
            raise ConvertError(f"{names[file_of[first]]}:{lines[first]}",
                               "image size unknown (no image header to read): give --image-size WxH")
        sizes = np.array([size or (0, 0) for _, _, size in block], dtype=np.float64).reshape(-1, 2)
        self.values.append(values)
        self.frame.append(np.array([frame for _, frame, _ in block], dtype=np.int64)[file_of])
        self.size.append(sizes[file_of])
        self.file_of.append(file_of + len(self.files))
        self.lines.append(lines)
        self.files += names

    def table(self, category_ids: list[int]) -> BoxTable:
        values = np.concatenate(self.values) if self.values else np.zeros((0, 5))
        size = np.concatenate(self.size) if self.size else np.zeros((0, 2))
        self.file_of_row = np.concatenate(self.file_of) if self.file_of else np.zeros(0, np.int64)
        self.line_of_row = np.concatenate(self.lines) if self.lines else np.zeros(0, np.int64)
        cx, cy, w, h = values[:, 1], values[:, 2], values[:, 3], values[:, 4]
        W, H = size[:, 0], size[:, 1]
        return BoxTable(
            id=np.arange(1, len(values) + 1),
            frame_id=np.concatenate(self.frame) if self.frame else np.zeros(0, np.int64),
            category_id=np.asarray(category_ids, dtype=np.int64)[values[:, 0].astype(np.int64)],
            x=(cx - w / 2) * W, y=(cy - h / 2) * H, w=w * W, h=h * H,
        )

    def where(self, index: int) -> str:
        return f"{self.files[int(self.file_of_row[index])]}:{int(self.line_of_row[index])}"
