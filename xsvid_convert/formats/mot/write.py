"""Writing MOTChallenge sequences, and the layout TrackEval reads with `--benchmark NAME`."""

from __future__ import annotations

import dataclasses
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from ...errors import ConvertError
from ...files.images import bring_image
from ...files.paths import safe_name
from ...files.rows import format_rows
from ...files.text import TextStyle, write_text
from ...model import Dataset, Video
from ...run import Run
from ..sequences import PerVideo, check_unique_names, folder_name, per_video, sequence_track_ids
from .read import ANNOTATION_FILES, LABELS, MOT_CLASSES
from .seqinfo import SeqInfo, write_seqinfo

DEFAULT_SPLIT = "train"  # TrackEval's default SPLIT_TO_EVAL
PEDESTRIAN, DISTRACTOR = 1, 8  # TrackEval scores class 1 and drops tracker boxes on distractors


def write(dataset: Dataset, target: Path, options: Any, run: Run) -> None:
    huge = np.flatnonzero(np.abs(dataset.boxes.category_id) > 2**62)
    if len(huge):  # the reader takes whole numbers up to 2^62 in the class column: nothing more is written
        raise ConvertError(f"category {dataset.boxes.category_id[huge[0]]}", "does not fit MOT's class column; "
                                                                           "map the categories first (--category-map)")
    layout = per_video(dataset, run)
    labels = _labels_txt(dataset)
    given = next((v.hints["mot"]["benchmark"] for v in dataset.videos if v.hints.get("mot", {}).get("benchmark")), None)
    options = dataclasses.replace(options, benchmark=options.benchmark or given)  # a benchmark layout stays one
    if options.benchmark:
        run.note(f"--benchmark {options.benchmark}: class column 1 for every box, {DISTRACTOR} (distractor, "
                 "conf 0) for ignored ones, as TrackEval's MOTChallenge evaluation reads it")
    elif labels is None and any(c.name != MOT_CLASSES.get(c.id, f"class_{c.id}") for c in dataset.categories):
        run.note("category names are not kept: MOT has only class numbers (labels.txt needs ids 1..n)")
    folders = [(_folder(dataset, layout, video, options, run), video) for video in layout.videos]
    check_unique_names([(str(f), f"video {v.name!r}") for f, v in folders], "output folder")
    for relative, video in run.bar(folders, len(folders), "sequences"):
        folder = target / relative
        folder.mkdir(parents=True, exist_ok=True)
        _write_sequence(dataset, layout, video, folder, labels, options, run)
    if options.benchmark:
        _write_seqmaps(target, folders)
    run.count("boxes", len(dataset.boxes))


def _folder(dataset: Dataset, layout: PerVideo, video: Video, options: Any, run: Run) -> Path:
    members = layout.frames_of[video.id]
    split = next((dataset.frames[k].split for k in members if dataset.frames[k].split), None)
    name = folder_name(video.name, f"video {video.id}: name")
    if options.benchmark:
        return Path(f"{safe_name(options.benchmark, '--benchmark')}-{safe_name(split or DEFAULT_SPLIT, 'split')}") / name
    return Path(safe_name(split, f"video {video.name}: split")) / name if split else Path(name)


def _write_sequence(dataset: Dataset, layout: PerVideo, video: Video, folder: Path, labels: list[str] | None,
                    options: Any, run: Run) -> None:
    hints = video.hints.get("mot", {})
    members = layout.frames_of[video.id]
    rows = layout.rows(video.id)
    path = folder / ANNOTATION_FILES[options.mot_file]
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = format_rows(_columns(dataset, layout, rows, hints, options), hints.get("pointed"))
    write_text(path, lines, hints.get("style"))
    if labels is not None and options.mot_file == "gt" and not options.benchmark:
        write_text(folder / LABELS, labels, TextStyle(final_newline=False))  # as Datumaro writes it
    first = dataset.frames[members[0]] if members else None
    info = SeqInfo(
        name=folder.name, im_dir=hints.get("imDir", "img1"),
        im_ext=hints.get("imExt") or (PurePosixPath(first.file_name).suffix if first else "") or ".jpg",
        fps=video.fps, length=layout.length(video.id),
        width=video.width or (first.width if first else None), height=video.height or (first.height if first else None),
        style=hints.get("seqinfo_style") or TextStyle(),
    )
    write_seqinfo(folder, info, hints.get("seqinfo") if "mot" in video.hints else None, notes := [])
    for note in notes:
        run.note(note)
    for k in members:
        frame = dataset.frames[k]
        if options.images != "none":  # skip building paths nobody uses
            suffix = PurePosixPath(frame.file_name).suffix or info.im_ext
            image = folder / info.im_dir / f"{layout.frame_index[k] + 1:06d}{suffix}"
            bring_image(dataset.image_path(frame), image, options.images, run)
    run.count("frames", len(members))


def _columns(dataset: Dataset, layout: PerVideo, rows: np.ndarray, hints: dict, options: Any) -> list:
    b = dataset.boxes
    score, ignore = b.score[rows], b.ignore[rows]
    given = np.where(np.isnan(score), 1.0, score)
    conf = np.where(ignore, 0.0, given) if options.mot_file == "gt" else given
    columns = [(layout.box_frame_index[rows] + 1), sequence_track_ids(dataset, rows), b.x[rows], b.y[rows],
               b.w[rows], b.h[rows], conf]
    world = _world(b.extras, rows)
    width = hints.get("columns") or (10 if options.mot_file == "det" or world is not None else 9)
    if width >= 10:
        world = world if world is not None else np.full((len(rows), 3), -1.0)
        return columns + [world[:, 0], world[:, 1], world[:, 2]]
    classes = b.category_id[rows]
    if options.benchmark:
        classes = np.where(ignore, DISTRACTOR, PEDESTRIAN)
    visibility = b.visibility[rows]
    return columns + [classes, np.where(np.isnan(visibility), -1.0, visibility)][: width - 7]


def _world(extras: list | None, rows: np.ndarray) -> np.ndarray | None:
    """MOT15's world coordinates, where the boxes carry them (read from a 10-column file, through
    a JSON format or not); None when none does."""
    if extras is None:
        return None
    given = [(extras[i] or {}).get("mot_world") for i in rows.tolist()]
    if not any(w is not None for w in given):
        return None
    return np.array([w if isinstance(w, list) and len(w) == 3 else [-1.0] * 3 for w in given], dtype=np.float64)


def _labels_txt(dataset: Dataset) -> list[str] | None:
    """Datumaro's gt/labels.txt (line k names class k): only when ids are 1..n and the names are
    not simply MOT17's."""
    ids = [c.id for c in dataset.categories]
    if ids != list(range(1, len(ids) + 1)) or all(c.name == MOT_CLASSES.get(c.id) for c in dataset.categories):
        return None
    return [c.name for c in dataset.categories]


def _write_seqmaps(target: Path, folders: list[tuple[Path, Video]]) -> None:
    """TrackEval's `seqmaps/<BENCH>-<SPLIT>.txt`: a header line, then one sequence per line."""
    (target / "seqmaps").mkdir(exist_ok=True)
    by_split: dict[str, list[str]] = {}
    for folder, _ in folders:
        by_split.setdefault(folder.parent.name, []).append(folder.name)
    for split, names in by_split.items():
        write_text(target / "seqmaps" / f"{split}.txt", ["name"] + names)

