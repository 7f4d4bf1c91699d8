"""Reading MOTChallenge sequences: `<root>/[<split>/]<seq>/{seqinfo.ini, gt/gt.txt or det/det.txt, img1/}`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import ConvertError
from ...files.images import IMAGE_SUFFIXES, image_size
from ...files.paths import safe_name
from ...files.rows import Rows, format_number, parse_rows
from ...files.text import read_lines, read_text
from ...model import BoxTable, Dataset
from ...run import Run
from ..sequences import check_frame_count, check_unique_names, frame_limit, image_numbers, rows_dataset, video_name
from .seqinfo import FILE as SEQINFO, SeqInfo, read_seqinfo

ANNOTATION_FILES = {"gt": "gt/gt.txt", "det": "det/det.txt"}
LABELS = "gt/labels.txt"
# MOT17's class table (as mmtracking and TrackEval list it)
MOT_CLASSES = {
    1: "pedestrian", 2: "person_on_vehicle", 3: "car", 4: "bicycle", 5: "motorbike",
    6: "non_mot_vehicle", 7: "static_person", 8: "distractor", 9: "occluder",
    10: "occluder_on_ground", 11: "occluder_full", 12: "reflection", 13: "crowd",
}


def is_sequence(folder: Path) -> bool:
    return (folder / SEQINFO).is_file() or any((folder / f).is_file() for f in ANNOTATION_FILES.values())


SEQMAPS = "seqmaps"


def sequences(root: Path) -> list[tuple[str | None, Path]]:
    """(split folder, folder) of every sequence under `root`: itself, its children, or grandchildren."""
    if is_sequence(root):
        return [(None, root)]
    children = sorted(p for p in root.iterdir() if p.is_dir() and p.name != SEQMAPS)
    found = [(None, p) for p in children if is_sequence(p)]
    if found:
        return found
    for split in children:
        found += [(split.name, p) for p in sorted(split.iterdir()) if p.is_dir() and is_sequence(p)]
    return found


def benchmark_split(root: Path, folder: str | None) -> tuple[str | None, str | None]:
    """(benchmark, split) of a split folder: TrackEval's `<BENCH>-<SPLIT>` beside
    `seqmaps/<BENCH>-<SPLIT>.txt`, else (None, the folder's name)."""
    if folder and "-" in folder and (root / SEQMAPS / f"{folder}.txt").is_file():
        benchmark, _, split = folder.rpartition("-")
        return benchmark, split
    return None, folder


def read(path: Path, options: Any, run: Run) -> Dataset:
    if not path.is_dir():
        raise ConvertError(str(path), "expected a MOT folder (a sequence, or a folder of sequences)")
    found = sequences(path)
    if not found:
        raise ConvertError(str(path), "no MOT sequence here (no seqinfo.ini, gt/gt.txt or det/det.txt)")
    names: dict[int, str] = {}
    videos, frames, tables, line_of = [], [], [], []
    for split_folder, folder in run.bar(found, len(found), "sequences"):
        benchmark, split = benchmark_split(path, split_folder)
        seq = _read_sequence(folder, split, len(videos) + 1, len(frames), options, names, run)
        if benchmark:
            seq.video["hints"]["mot"]["benchmark"] = benchmark
        videos.append(seq.video)
        frames += seq.frames
        tables.append(seq.boxes)
        line_of += seq.lines
    check_unique_names([(v["name"], v["hints"]["mot"]["where"]) for v in videos], "sequence name")
    present = sorted(set().union(*(t.category_id.tolist() for t in tables)) | set(names))
    categories = [{"id": c, "name": names.get(c) or MOT_CLASSES.get(c, f"class_{c}")} for c in present]
    image_root = path if found[0][1] != path else path.parent
    return rows_dataset(categories, videos, frames, tables, line_of, path, run, image_root)


@dataclass
class Sequence:
    video: dict
    frames: list[dict]
    boxes: BoxTable
    lines: list[str]


def _read_sequence(folder: Path, split: str | None, video_id: int, first_frame: int, options: Any,
                   names: dict[int, str], run: Run) -> Sequence:
    info = read_seqinfo(folder)
    # mmtracking asserts the folder and seqinfo names agree; where they differ the file wins
    name = video_name(info.name or safe_name(folder.name, str(folder)))
    _read_labels(folder / LABELS, names)
    kind = options.mot_file
    ann = folder / ANNOTATION_FILES[kind]
    text = read_text(ann) if ann.is_file() else None
    rows = parse_rows(ann, text.lines if text else [], 7, 10, "MOT", run)
    rows = _whole_numbers(ann, rows, run)
    if info.length:  # a row past the sequence's end is a lie of one of the two files
        v = rows.values
        rows = rows.subset(run.reject(v[:, 0] > info.length, lambda i: rows.where(ann, i),
                                      lambda i: f"frame {int(v[i, 0])} is beyond the seqLength {info.length} "
                                                f"of {SEQINFO}"))
    images = image_numbers(folder / info.im_dir, IMAGE_SUFFIXES)
    count = _frame_count(folder, info, rows, images, ann)
    width, height = _size(info, images, options)
    frames = []
    for number in range(1, count + 1):
        image = images.get(number)
        file_name = image.name if image else f"{number:06d}{info.im_ext}"
        frames.append({
            "id": first_frame + number, "file_name": f"{folder.name}/{info.im_dir}/{file_name}", "width": width,
            "height": height, "video_id": video_id, "frame_index": number - 1, "split": split,
            "source": str(image or folder / info.im_dir / file_name),
        })
    boxes = _boxes(rows, first_frame, kind)
    hints = {"where": str(folder / SEQINFO) if info.keys else str(folder), "columns": rows.width or None,
             "pointed": rows.pointed, "seqinfo": info.keys, "imDir": info.im_dir, "imExt": info.im_ext,
             "style": text.style if text else None, "seqinfo_style": info.style}
    video = {"id": video_id, "name": name, "width": width, "height": height, "fps": info.fps, "hints": {"mot": hints}}
    return Sequence(video, frames, boxes, [f"{ann}:{n}" for n in rows.numbers.tolist()])


def _read_labels(labels: Path, names: dict[int, str]) -> None:
    """Datumaro's gt/labels.txt: line k names class k."""
    if labels.is_file() and not names:
        for k, label in enumerate(read_lines(labels), 1):
            if label.strip():
                names[k] = label.strip()


def _whole_numbers(ann: Path, rows: Rows, run: Run) -> Rows:
    v = rows.values
    at = lambda i: rows.where(ann, i)  # noqa: E731
    with np.errstate(invalid="ignore"):
        keep = run.reject((v[:, 0] < 1) | (v[:, 0] != np.floor(v[:, 0])) | (v[:, 0] > 2**62), at,
                          lambda i: f"frame must be a whole number from 1, found {format_number(v[i, 0])}")
        keep &= run.reject(keep & ((v[:, 1] != np.floor(v[:, 1])) | (np.abs(v[:, 1]) > 2**62)), at,
                           lambda i: "id must be a whole number")
        if rows.width >= 8 and rows.width < 10:
            classes = v[:, 7]
            keep &= run.reject(keep & ~np.isnan(classes) & ((classes != np.floor(classes)) | (np.abs(classes) > 2**62)),
                               at, lambda i: "class must be a whole number")
    return rows.subset(keep)


def _frame_count(folder: Path, info: SeqInfo, rows: Rows, images: dict, ann: Path) -> int:
    limit = frame_limit(len(rows.values), len(images))
    if info.length:
        check_frame_count(info.length, limit, str(folder / SEQINFO), "seqLength")
    last = int(rows.values[:, 0].max()) if len(rows.values) else 0
    if last > limit:
        row = int(np.argmax(rows.values[:, 0]))
        check_frame_count(last, limit, rows.where(ann, row), "frame")
    return max(info.length or 0, last, max(images, default=0))


def _size(info: SeqInfo, images: dict, options: Any) -> tuple[int | None, int | None]:
    """seqinfo's size, else the first image's header, else --image-size."""
    if info.width and info.height:
        return info.width, info.height
    if images:
        size = image_size(images[min(images)])
        if size:
            return size
    return options.image_size or (None, None)


def _boxes(rows: Rows, first_frame: int, kind: str) -> BoxTable:
    values = rows.values
    n = len(values)
    conf = values[:, 6]
    columns: dict[str, Any] = {
        "id": np.zeros(n, np.int64), "frame_id": first_frame + values[:, 0].astype(np.int64),
        "x": values[:, 2], "y": values[:, 3], "w": values[:, 4], "h": values[:, 5],
        "track_id": values[:, 1].astype(np.int64), "score": conf,
        "ignore": (conf == 0) if kind == "gt" else np.zeros(n, bool),
    }
    extras = None
    if rows.width >= 10:  # MOT15 / det: world coordinates, usually -1; kept (a JSON target
        columns["category_id"] = np.ones(n, np.int64)  # holds them) so the rows come back with 10 columns
        extras = [{"mot_world": xyz} for xyz in values[:, 7:10].tolist()]
    else:
        classes = values[:, 7]
        columns["category_id"] = np.where(np.isnan(classes), 1, classes).astype(np.int64)
        # -1 is MOT's "not given"; kept as unknown and written back as -1
        columns["visibility"] = np.where(values[:, 8] == -1, np.nan, values[:, 8])
    return BoxTable(extras=extras, **columns)
