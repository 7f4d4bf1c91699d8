"""Frames, videos and boxes from the images a YOLO dataset lists and their label files."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from ...errors import ConvertError
from ...files.images import image_size
from ...files.paths import safe_relpath
from ...model import BoxTable, Dataset, build_dataset
from ...run import Run
from ..sequences import video_name
from .labels import parse_label

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
    labels = _Labels()
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
            values, numbers = parse_label(entry.label, len(names), run)
            if len(values):
                if size is None:
                    raise ConvertError(f"{entry.label}:{numbers[0]}",
                                       "image size unknown (no image header to read): give --image-size WxH")
                labels.add(values, k + 1, size, numbers, str(entry.label))
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
    parent = str(PurePosixPath(file_name).parent)
    if parent == ".":
        return
    # MOT lays frames out as <seq>/img1/; the sequence is the video
    video = parent[: -len("/img1")] if parent.endswith("/img1") else parent
    row["video_id"] = videos.setdefault(video_name(video), len(videos) + 1)
    digits = _DIGITS.findall(PurePosixPath(file_name).stem)
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
    """Label rows, with per-file (not per-box) bookkeeping: millions of boxes would make per-box
    columns of small arrays."""

    def __init__(self) -> None:
        self.values: list[np.ndarray] = []
        self.frame: list[int] = []
        self.size: list[tuple[int, int]] = []
        self.lines: list[list[int]] = []
        self.files: list[str] = []

    def add(self, values: np.ndarray, frame: int, size: tuple[int, int], lines: list[int], file: str) -> None:
        self.values.append(values)
        self.frame.append(frame)
        self.size.append(size)
        self.lines.append(lines)
        self.files.append(file)

    def table(self, category_ids: list[int]) -> BoxTable:
        values = np.concatenate(self.values) if self.values else np.zeros((0, 5))
        counts = np.array([len(n) for n in self.lines], dtype=np.int64)
        self.starts = np.concatenate([[0], np.cumsum(counts)[:-1]]) if len(counts) else np.zeros(0, np.int64)
        self.file_of = np.repeat(np.arange(len(self.files)), counts)
        size = np.repeat(np.array(self.size, dtype=np.float64).reshape(-1, 2), counts, axis=0)
        cx, cy, w, h = values[:, 1], values[:, 2], values[:, 3], values[:, 4]
        W, H = size[:, 0], size[:, 1]
        return BoxTable(
            id=np.arange(1, len(values) + 1), frame_id=np.repeat(np.array(self.frame, dtype=np.int64), counts),
            category_id=np.asarray(category_ids, dtype=np.int64)[values[:, 0].astype(np.int64)],
            x=(cx - w / 2) * W, y=(cy - h / 2) * H, w=w * W, h=h * H,
        )

    def where(self, index: int) -> str:
        f = int(self.file_of[index])
        return f"{self.files[f]}:{self.lines[f][index - self.starts[f]]}"
