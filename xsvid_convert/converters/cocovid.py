"""mmtracking CocoVID: COCO plus `videos`, image `video_id` and 0-based `frame_id`, and
annotation `instance_id` unique across the whole file.

Annotations also carry what mmtracking's MOT converter writes: `mot_conf` (score or consider
flag), `visibility`, and here `truncation`/`occlusion` when the source has them.  Ignored boxes
are `iscrowd: 1` (mmdet puts them in `bboxes_ignore`); an `ignore` key read from a file also marks
a box ignored.  The document reader and writer are COCO's, with these rules switched on.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np

from ..options import Options, Report
from ..schemas import Dataset, Video
from .coco import read_document, write_document


def read(path: Path, opts: Options, report: Report) -> Dataset:
    return read_document(path, opts, report, cocovid=True)


def write(dataset: Dataset, target: Path, opts: Options, report: Report) -> None:
    write_document(dataset, target, opts, report, cocovid=True)


def detect(path: Path) -> bool:
    if path.suffix != ".json" or not path.is_file():
        return False
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    return b'"videos"' in head


def video_structure(dataset: Dataset, report: Report) -> tuple[list[Video], list[int], list[int]]:
    """Videos, and each frame's video id and frame index, inventing what the dataset lacks.

    A frame with no video joins a video named after its folder (`<video>/<frame>.png`); a frame
    with no index gets its rank by file name inside its video.
    """
    videos = list(dataset.videos)
    by_name = {v.name: v.id for v in videos}
    next_id = max((v.id for v in videos), default=0) + 1
    frame_video: list[int] = []
    for f in dataset.frames:
        if f.video_id is not None:
            frame_video.append(f.video_id)
            continue
        name = str(PurePosixPath(f.file_name).parent)
        name = "default" if name == "." else name
        if name not in by_name:
            by_name[name] = next_id
            videos.append(Video(id=next_id, name=name, width=f.width, height=f.height))
            next_id += 1
            report.add("videos_created")
        frame_video.append(by_name[name])
    frame_index: list[int] = [f.frame_index if f.frame_index is not None else -1 for f in dataset.frames]
    missing: dict[int, list[int]] = defaultdict(list)
    taken: dict[int, set[int]] = defaultdict(set)
    for k, f in enumerate(dataset.frames):
        if f.frame_index is None:
            missing[frame_video[k]].append(k)
        else:
            taken[frame_video[k]].add(f.frame_index)
    for video_id, members in missing.items():
        used = taken[video_id]
        free = (i for i in range(len(members) + len(used)) if i not in used)
        for k, index in zip(sorted(members, key=lambda k: dataset.frames[k].file_name), free):
            frame_index[k] = index
    return videos, frame_video, frame_index


@dataclass
class PerVideo:
    """What the per-sequence writers (MOT, VisDrone) need: each video's frames and box rows."""

    videos: list[Video]
    frame_index: list[int]
    frames_of: dict[int, list[int]]
    box_frame_index: np.ndarray
    _order: np.ndarray
    _sorted_video: np.ndarray

    def rows(self, video_id: int) -> np.ndarray:
        """Box rows of a video, in dataset (file) order."""
        lo = np.searchsorted(self._sorted_video, video_id)
        hi = np.searchsorted(self._sorted_video, video_id, side="right")
        return self._order[lo:hi]


def per_video(dataset: Dataset, report: Report) -> PerVideo:
    videos, frame_video, frame_index = video_structure(dataset, report)
    positions = dataset.frame_positions()
    empty = np.zeros(0, np.int64)
    box_video = np.asarray(frame_video, dtype=np.int64)[positions] if len(positions) else empty
    box_frame = np.asarray(frame_index, dtype=np.int64)[positions] if len(positions) else empty
    order = np.argsort(box_video, kind="stable")  # stable: file order kept within each video
    frames_of: dict[int, list[int]] = {v.id: [] for v in videos}
    for k, v in enumerate(frame_video):
        frames_of[v].append(k)
    return PerVideo(videos, frame_index, frames_of, box_frame, order, box_video[order])
