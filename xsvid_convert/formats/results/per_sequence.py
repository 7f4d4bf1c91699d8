"""What the per-sequence text results (MOTChallenge, VisDrone-VID) share: one `<sequence>.txt` per
video, frames numbered from 1, read against the ground truth's videos by name and frames by
index, and written one file per video (an empty one for a video without predictions: TrackEval
and VisDrone's toolkit open a file for every sequence)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from ...errors import ConvertError
from ...files.paths import safe_name
from ...files.rows import parse_rows
from ...files.text import read_text
from ...model import Dataset, Video
from ...run import Run
from ..sequences import check_unique_names, folder_name, per_video, video_name
from .common import Frames


@dataclass
class SequenceRows:
    values: np.ndarray
    """(rows, columns); NaN where a row has fewer columns."""
    frame_id: np.ndarray
    lines: list[str]

    def where(self, i: int) -> str:
        return self.lines[i]


def read_sequences(files: list[Path], gt: Dataset, columns: tuple[int, int], what: str, run: Run) -> SequenceRows:
    """The rows of every sequence file, each mapped to its ground-truth frame (whole frame numbers
    from 1, a sequence and a frame the ground truth has; anything else refused, or skipped when
    lenient)."""
    frames = Frames(gt, run)
    videos = frames.videos()
    values, frame_ids, lines = [], [], []
    for path in run.bar(files, len(files), "sequences"):
        name = video_name(safe_name(path.stem, str(path)))
        if name not in videos:
            raise ConvertError(str(path), f"the ground truth has no video named {name!r}")
        rows = parse_rows(path, read_text(path).lines, columns[0], columns[1], what, run)
        v = rows.values
        at = lambda i, rows=rows, path=path: rows.where(path, i)  # noqa: E731
        with np.errstate(invalid="ignore"):
            keep = run.reject((v[:, 0] < 1) | (v[:, 0] != np.floor(v[:, 0])) | (v[:, 0] > 2**62), at,
                              lambda i: "frame must be a whole number from 1")
            keep &= run.reject(keep & ((v[:, 1] != np.floor(v[:, 1])) | (np.abs(v[:, 1]) > 2**62)), at,
                               lambda i: "id must be a whole number")
        number = np.where(keep, v[:, 0], 1).astype(np.int64)
        ids, known = frames.by_index(videos[name], number)
        keep &= run.reject(keep & ~known, at, lambda i: f"frame {number[i]} of {name!r} is not in the ground truth")
        kept = np.flatnonzero(keep)
        values.append(v[kept])
        frame_ids.append(ids[kept])
        lines += [at(i) for i in kept.tolist()]
    width = columns[1]
    return SequenceRows(np.concatenate(values) if values else np.zeros((0, width)),
                        np.concatenate(frame_ids) if frame_ids else np.zeros(0, np.int64), lines)


def no_repeated_ids(track: np.ndarray, frame_id: np.ndarray, run: Run, where: Callable[[int], str]) -> np.ndarray:
    """Keep-mask: one row per (frame, track id) (score_mot refuses a repeat; TrackEval too)."""
    has = np.flatnonzero(track != -1)
    out = np.ones(len(track), bool)
    if len(has) > 1:
        order = has[np.lexsort((track[has], frame_id[has]))]
        same = (track[order][1:] == track[order][:-1]) & (frame_id[order][1:] == frame_id[order][:-1])
        repeat = np.zeros(len(track), bool)
        repeat[order[1:][same]] = True
        out = run.reject(repeat, where, lambda i: f"track {track[i]} appears twice in this frame")
    return out


def text_files(path: Path) -> list[Path]:
    if not path.is_dir():
        raise ConvertError(str(path), "expected a folder of <sequence>.txt files")
    return sorted(p for p in path.glob("*.txt") if p.is_file())


@dataclass
class SequenceOutput:
    video: Video
    name: str
    rows: np.ndarray
    """Box rows of the video (into the dataset's boxes), in dataset order."""
    frame_number: np.ndarray
    """1-based frame number of each row."""
    split: str | None


def sequences_to_write(dataset: Dataset, rows: np.ndarray, run: Run) -> list[SequenceOutput]:
    """Every video, with the rows (of `rows`) in it and their frame numbers."""
    layout = per_video(dataset, run.child())
    wanted = np.zeros(len(dataset.boxes), bool)
    wanted[rows] = True
    out = []
    for video in layout.videos:
        members = layout.rows(video.id)
        members = members[wanted[members]]
        split = next((dataset.frames[k].split for k in layout.frames_of[video.id] if dataset.frames[k].split), None)
        out.append(SequenceOutput(video, folder_name(video.name, f"video {video.id}: name"), members,
                                  layout.box_frame_index[members] + 1, split))
    check_unique_names([(s.name, f"video {s.video.name!r}") for s in out], "output file")
    return out
