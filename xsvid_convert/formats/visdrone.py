"""VisDrone2019-VID: `sequences/<seq>/0000001.jpg` and `annotations/<seq>.txt`.

Rows: `frame, target_id, left, top, w, h, score, category, truncation, occlusion`, frames 1-based.
Category 0 is an ignored region and 11 "others"; in ground truth a score of 0 means "ignore this
box" too, so both become the canonical ignore flag.  Truncation and occlusion are kept; where a
source has none they are written as -1, as VisDrone's result files do.  Image sizes come from the
frames' headers.  Rows keep the file's order and spelling, so a file read and written back is
identical.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from ..errors import ConvertError
from ..files.images import IMAGE_SUFFIXES, bring_image, image_size
from ..files.paths import safe_name
from ..files.rows import Rows, format_rows, parse_rows
from ..files.text import read_text, write_text
from ..model import NO_TRACK, BoxTable, Dataset
from ..run import Run
from .base import Format, Images, ImageSize
from .sequences import (check_frame_count, check_unique_names, folder_name, frame_limit, image_numbers, per_video,
                        rows_dataset, sequence_track_ids, video_name)
from .tables import check_table

CATEGORIES = {
    0: "ignored regions", 1: "pedestrian", 2: "people", 3: "bicycle", 4: "car", 5: "van",
    6: "truck", 7: "tricycle", 8: "awning-tricycle", 9: "bus", 10: "motor", 11: "others",
}
IGNORED_REGION = 0
COMMA = "visdrone.comma"
"""Box hint: the row ended with a comma, as many VisDrone files' rows do (written back so)."""


@dataclass
class VisDroneOptions(ImageSize, Images):
    pass


def detect(path: Path) -> int:
    annotations = path / "annotations"
    if not (path.is_dir() and annotations.is_dir()):
        return 0
    return 40 if (path / "sequences").is_dir() or any(annotations.glob("*.txt")) else 0


def read(path: Path, options: VisDroneOptions, run: Run) -> Dataset:
    annotations, sequences = path / "annotations", path / "sequences"
    if not annotations.is_dir():
        raise ConvertError(str(path), "not a VisDrone-VID folder: no annotations/ inside")
    names = sorted({p.stem for p in annotations.glob("*.txt")} |
                   ({p.name for p in sequences.iterdir() if p.is_dir()} if sequences.is_dir() else set()))
    videos, frames, tables, line_of = [], [], [], []
    for name in run.bar(names, len(names), "sequences"):
        ann = annotations / f"{name}.txt"
        safe_name(name, str(ann))
        text = read_text(ann) if ann.is_file() else None
        rows = _checked(ann, parse_rows(ann, text.lines if text else [], 10, 10, "VisDrone-VID", run), run)
        seq_frames = _frames(sequences / name, name, rows, ann, len(frames), len(videos) + 1, options)
        tables.append(_boxes(rows, len(frames)))
        frames += seq_frames
        line_of += [f"{ann}:{n}" for n in rows.numbers.tolist()]
        hints = {"pointed": rows.pointed, "style": text.style if text else None}
        videos.append({"id": len(videos) + 1, "name": video_name(name), "hints": {"visdrone": hints}})
    categories = [{"id": k, "name": v} for k, v in CATEGORIES.items()]
    return rows_dataset(categories, videos, frames, tables, line_of, path, run, sequences)


def written_score(score: np.ndarray, ignore: np.ndarray, category: np.ndarray) -> np.ndarray:
    """The score column: an ignored box keeps its category and gets score 0, VisDrone's way of
    saying "ignore" (an ignored region, category 0, says it already); a box without a score
    gets the consider flag."""
    return np.where(ignore & (category != IGNORED_REGION), 0.0, np.where(np.isnan(score), np.where(ignore, 0.0, 1.0),
                                                                         score))


def check_categories(dataset: Dataset, run: Run) -> None:
    check_table(dataset, CATEGORIES, IGNORED_REGION, "VisDrone", run)


def _checked(ann: Path, rows: Rows, run: Run) -> Rows:
    v = rows.values
    at = lambda i: rows.where(ann, i)  # noqa: E731
    keep = np.ones(len(v), dtype=bool)
    with np.errstate(invalid="ignore"):
        for column, what in ((0, "frame"), (1, "target id"), (7, "category")):
            keep &= run.reject(keep & ((v[:, column] != np.floor(v[:, column])) | (np.abs(v[:, column]) > 2**62)),
                               at, lambda i, what=what: f"{what} must be a whole number")
    keep &= run.reject(keep & (v[:, 0] < 1), at, lambda i: "frame numbers start at 1")
    keep &= run.reject(keep & ~np.isin(v[:, 7], list(CATEGORIES)), at,
                       lambda i: f"category {int(v[i, 7])} is not in VisDrone's table 0..11")
    return rows.subset(keep)


def _frames(folder: Path, name: str, rows: Rows, ann: Path, first: int, video_id: int, options: Any) -> list[dict]:
    images = image_numbers(folder, IMAGE_SUFFIXES)
    last = int(rows.values[:, 0].max()) if len(rows.values) else 0
    limit = frame_limit(len(rows.values), len(images))
    if last > limit:
        check_frame_count(last, limit, rows.where(ann, int(np.argmax(rows.values[:, 0]))), "frame")
    frames = []
    for number in range(1, max(last, max(images, default=0)) + 1):
        image = images.get(number)
        size = (image_size(image) if image else None) or options.image_size
        frames.append({
            "id": first + number, "file_name": f"{name}/{image.name if image else f'{number:07d}.jpg'}",
            "width": size[0] if size else None, "height": size[1] if size else None,
            "video_id": video_id, "frame_index": number - 1,
        })
    return frames


def _boxes(rows: Rows, first: int) -> BoxTable:
    v = rows.values
    score, category = v[:, 6], v[:, 7].astype(np.int64)
    return BoxTable(
        id=np.zeros(len(v), np.int64), frame_id=first + v[:, 0].astype(np.int64), category_id=category,
        # an ignored region's target id 0 is no object: every region of a sequence has it (one track
        # of many boxes a frame, to TAO or CocoVID, if it were kept as an id)
        x=v[:, 2], y=v[:, 3], w=v[:, 4], h=v[:, 5],
        track_id=np.where((v[:, 1] == 0) & (category == IGNORED_REGION), NO_TRACK, v[:, 1]).astype(np.int64),
        score=score,
        ignore=(score == 0) | (category == IGNORED_REGION),
        # -1 (result files) means "not given"
        truncation=np.where(v[:, 8] == -1, np.nan, v[:, 8]), occlusion=np.where(v[:, 9] == -1, np.nan, v[:, 9]),
        hints={COMMA: rows.comma},
    )


def write(dataset: Dataset, target: Path, options: VisDroneOptions, run: Run) -> None:
    check_categories(dataset, run)
    layout = per_video(dataset, run)
    b = dataset.boxes
    (target / "annotations").mkdir()
    (target / "sequences").mkdir()
    named = [(folder_name(v.name, f"video {v.id}: name"), v) for v in layout.videos]
    check_unique_names([(n, f"video {v.name!r}") for n, v in named], "output folder")
    for name, video in run.bar(named, len(named), "sequences"):
        rows = layout.rows(video.id)
        category = b.category_id[rows]
        track = sequence_track_ids(dataset, rows)
        track = np.where((track == NO_TRACK) & (category == IGNORED_REGION), 0, track)  # as VisDrone writes regions
        columns = [layout.box_frame_index[rows] + 1, track, b.x[rows], b.y[rows],
                   b.w[rows], b.h[rows], written_score(b.score[rows], b.ignore[rows], category), category,
                   np.nan_to_num(b.truncation[rows], nan=-1.0), np.nan_to_num(b.occlusion[rows], nan=-1.0)]
        hints = video.hints.get("visdrone", {})
        comma = b.hints[COMMA][rows] if COMMA in b.hints else None
        lines = format_rows(columns, hints.get("pointed"), comma)
        write_text(target / "annotations" / f"{name}.txt", lines, hints.get("style"))
        folder = target / "sequences" / name
        folder.mkdir()
        for k in layout.frames_of[video.id]:
            frame = dataset.frames[k]
            if options.images != "none":  # skip building paths nobody uses
                suffix = PurePosixPath(frame.file_name).suffix or ".jpg"
                image = folder / f"{layout.frame_index[k] + 1:07d}{suffix}"
                bring_image(dataset.image_path(frame), image, options.images, run)
        run.count("frames", len(layout.frames_of[video.id]))
    run.count("boxes", len(b))


def annotation_files(path: Path, options: Any = None) -> dict[str, Path]:
    return {f"annotations/{p.name}": p for p in sorted((path / "annotations").glob("*.txt"))}


FORMAT = Format(
    "visdrone", "VisDrone2019-VID sequences + annotations", read, write, detect, options=VisDroneOptions,
    carries=frozenset({"unclipped_boxes", "category_ids", "videos", "track_id", "score", "ignore", "ignored_boxes", "truncation",
                       "occlusion", "exact_boxes"}),
    lossy_note="category names are VisDrone's table", fixed_categories=True, per_sequence_tracks=True,
    annotation_files=annotation_files,
)
