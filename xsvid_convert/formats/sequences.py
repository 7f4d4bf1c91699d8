"""What the per-sequence formats (MOT, VisDrone and their kin) and CocoVID share: every frame in
a video with an index, each video's frames and box rows, sequence track ids, folder names."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np

from ..errors import ConvertError
from ..files.paths import safe_relpath
from ..model import BoxTable, Dataset, Video, build_dataset
from ..run import Run

DEFAULT_VIDEO = "default"


def video_structure(dataset: Dataset, run: Run) -> tuple[list[Video], list[int], list[int]]:
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
        name = DEFAULT_VIDEO if name == "." else name
        if name not in by_name:
            by_name[name] = next_id
            videos.append(Video(id=next_id, name=name, width=f.width, height=f.height))
            next_id += 1
            run.count("videos_created")
        frame_video.append(by_name[name])
    return videos, frame_video, _frame_indices(dataset, frame_video)


def _frame_indices(dataset: Dataset, frame_video: list[int]) -> list[int]:
    frame_index = [f.frame_index if f.frame_index is not None else -1 for f in dataset.frames]
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
    return frame_index


@dataclass
class PerVideo:
    """What a per-sequence writer needs: each video's frames and box rows."""

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

    def length(self, video_id: int) -> int:
        """Frames in the video: one past its last frame index."""
        return max((self.frame_index[k] for k in self.frames_of[video_id]), default=-1) + 1


def per_video(dataset: Dataset, run: Run) -> PerVideo:
    videos, frame_video, frame_index = video_structure(dataset, run)
    positions = dataset.frame_positions()
    empty = np.zeros(0, np.int64)
    box_video = np.asarray(frame_video, dtype=np.int64)[positions] if len(positions) else empty
    box_frame = np.asarray(frame_index, dtype=np.int64)[positions] if len(positions) else empty
    order = np.argsort(box_video, kind="stable")  # stable: file order kept within each video
    frames_of: dict[int, list[int]] = {v.id: [] for v in videos}
    for k, v in enumerate(frame_video):
        frames_of[v].append(k)
    for members in frames_of.values():  # a frame number is a line count in these formats: 10^15 is not one
        last = max(members, key=frame_index.__getitem__, default=None)
        if last is not None:
            check_frame_count(frame_index[last] + 1, frame_limit(len(members), 0), dataset.frames[last].file_name,
                              "frame index")
    return PerVideo(videos, frame_index, frames_of, box_frame, order, box_video[order])


def sequence_track_ids(dataset: Dataset, rows: np.ndarray) -> np.ndarray:
    """Track ids as a per-sequence format writes them: a CocoVID file's `mot_instance_id` (the
    sequence's own id, kept when instance ids were made unique across the file) where a box has
    one, else its track id."""
    track = dataset.boxes.track_id[rows]
    extras = dataset.boxes.extras
    if extras is None:
        return track
    own = [(extras[i] or {}).get("mot_instance_id") for i in rows.tolist()]
    return np.array([t if o is None or type(o) is not int else o for t, o in zip(track.tolist(), own)], dtype=np.int64)


def folder_name(name: str, where: str) -> str:
    """A video name as one folder name, reversibly: `/` becomes `%2F` and `%` becomes `%25`, so
    TAO's `train/YFCC100M/v_1a2b` is the folder `train%2FYFCC100M%2Fv_1a2b` and reads back as
    the same name (`video_name`).  Anything that could leave the output is refused first."""
    clean = safe_relpath(name, where)
    return clean.replace("%", "%25").replace("/", "%2F")


def video_name(folder: str) -> str:
    """The video name a folder written by `folder_name` stands for."""
    return folder.replace("%2F", "/").replace("%2f", "/").replace("%25", "%")


FRAME_FLOOR = 50_000
"""A video may hold this many frames whatever its rows say; more only with as many rows or images
(16 frames a row): a lying frame number or sequence length must not make millions of frames."""


def frame_limit(rows: int, images: int) -> int:
    return max(FRAME_FLOOR, 16 * rows, images)


def check_frame_count(count: int, limit: int, where: str, what: str) -> None:
    if count > limit:
        raise ConvertError(where, f"{what} {count} is far beyond what the sequence holds: at most {limit} frames "
                                  f"(max({FRAME_FLOOR}, 16 per row, its images)) are accepted")


def image_numbers(folder, suffixes) -> dict[int, object]:
    """Images of a sequence folder by the number in their name (`000001.jpg`, `img000001.jpg`)."""
    found = {}
    if folder.is_dir():
        for p in folder.iterdir():
            digits = "".join(ch for ch in p.stem if ch.isdigit())
            if digits and p.suffix.lower() in suffixes and len(digits) < 12:
                found[int(digits)] = p
    return found


def check_unique_names(names: list[tuple[str, str]], what: str) -> None:
    """(name, where it came from) pairs: two sources must not collapse into one output name."""
    seen: dict[str, str] = {}
    for name, where in names:
        if name in seen:
            raise ConvertError(where, f"{what} {name!r} is also the name of {seen[name]}; two sequences cannot share a folder")
        seen[name] = where


def rows_dataset(categories: list[dict], videos: list[dict], frames: list[dict], tables: list[BoxTable],
                 line_of: list[str], path: Path, run: Run, image_root: Path) -> Dataset:
    """The dataset of a format read as rows of text files: boxes numbered from 1 in reading order,
    each located by the `file:line` it came from."""
    boxes = BoxTable.concat(tables)
    boxes.id = np.arange(1, len(boxes) + 1, dtype=np.int64)

    def locate(kind: str, index: int) -> str:
        return line_of[index] if kind == "boxes" else f"{path}: {kind}[{index}]"

    return build_dataset(categories, videos, frames, boxes, locate, run, image_root=str(image_root))
