"""VisDrone2019-DET: `images/<name>.jpg` and `annotations/<name>.txt`, one file per image.

Rows: `left, top, w, h, score, category, truncation, occlusion` (a trailing comma is allowed).
The category table is VisDrone-VID's (0 ignored regions ... 11 others); in ground truth a score of
0 means "ignore this box", so both become the canonical ignore flag.  Result files have the same
8 columns with the confidence as score and truncation and occlusion -1: -1 is read as "not given"
and written wherever a box has none, so boxes with scores and nothing else come out as results.

Images are independent (no videos, no tracks).  A frame of another format that lives in a folder
is written as one flat name, its `/` as `%2F` (`%` as `%25`): `uav0001/0000001.jpg` becomes
`images/uav0001%2F0000001.jpg` and reads back as `uav0001/0000001.jpg`.  Image sizes come from
the headers.  Rows keep the file's order and spelling, files their BOM and line ends; an image
without an annotation file is written back without one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from ..errors import ConvertError
from ..files.images import IMAGE_SUFFIXES, bring_image, image_size
from ..files.paths import safe_name, safe_relpath
from ..files.rows import Rows, format_rows, parse_rows
from ..files.text import read_text, write_text
from ..model import BoxTable, Dataset
from ..run import Run
from .base import Format, Images, ImageSize
from .sequences import check_unique_names, folder_name, rows_dataset, video_name
from .visdrone import CATEGORIES, COMMA, IGNORED_REGION, check_categories, written_score

ANNOTATIONS, IMAGES = "annotations", "images"
HINT = "visdrone-det"
COLUMNS = 8
HEAD = 4096


@dataclass
class VisDroneDetOptions(ImageSize, Images):
    pass


def detect(path: Path) -> int:
    """An annotations/ folder whose rows have 8 columns (VisDrone-VID's have 10), and no sequences/."""
    annotations = path / ANNOTATIONS
    if not (path.is_dir() and annotations.is_dir()) or (path / "sequences").exists():
        return 0
    found = False
    for text in annotations.glob("*.txt"):
        found, width = True, _first_row_width(text)
        if width:
            return 45 if width == COLUMNS else 0
    return 42 if found and (path / IMAGES).is_dir() else 0  # only empty files: images without objects


def _first_row_width(path: Path) -> int:
    """Columns of the first row of a file (0: an empty file, or not a regular one)."""
    try:
        if not path.is_file():
            return 0
        with open(path, "rb") as fh:
            head = fh.read(HEAD).decode("utf-8", "replace")
    except OSError:
        return 0
    line = next((ln.strip().rstrip(",") for ln in head.splitlines() if ln.strip()), "")
    return line.count(",") + 1 if line else 0


def read(path: Path, options: VisDroneDetOptions, run: Run) -> Dataset:
    annotations, images = path / ANNOTATIONS, path / IMAGES
    if not annotations.is_dir():
        raise ConvertError(str(path), "not a VisDrone-DET folder: no annotations/ inside")
    image_of = _images(images)
    names = sorted({p.stem for p in annotations.glob("*.txt")} | set(image_of))
    frames, tables, line_of = [], [], []
    for frame_id, name in enumerate(run.bar(names, len(names), "images"), 1):
        ann, image = annotations / f"{name}.txt", image_of.get(name, images / f"{name}.jpg")
        safe_name(name, str(image if name in image_of else ann))
        text = read_text(ann) if ann.is_file() else None
        rows = _checked(ann, parse_rows(ann, text.lines if text else [], COLUMNS, COLUMNS, "VisDrone-DET", run), run)
        size = image_size(image) or options.image_size or (None, None)
        frames.append({
            "id": frame_id, "file_name": safe_relpath(video_name(image.name), str(image)), "width": size[0],
            "height": size[1], "source": str(image),
            "hints": {HINT: {"pointed": rows.pointed, "style": text.style if text else None, "file": text is not None}},
        })
        tables.append(_boxes(rows, frame_id))
        line_of += [f"{ann}:{n}" for n in rows.numbers.tolist()]
    categories = [{"id": k, "name": v} for k, v in CATEGORIES.items()]
    return rows_dataset(categories, [], frames, tables, line_of, path, run, images)


def _images(folder: Path) -> dict[str, Path]:
    """Images by name without suffix; two images of one name would share an annotation file."""
    found: dict[str, Path] = {}
    for p in sorted(folder.iterdir()) if folder.is_dir() else []:
        if p.suffix.lower() in IMAGE_SUFFIXES:
            if p.stem in found:
                raise ConvertError(str(p), f"{found[p.stem].name} has the same name: both would be annotated by "
                                           f"annotations/{p.stem}.txt")
            found[p.stem] = p
    return found


def _checked(ann: Path, rows: Rows, run: Run) -> Rows:
    v = rows.values
    at = lambda i: rows.where(ann, i)  # noqa: E731
    with np.errstate(invalid="ignore"):
        keep = run.reject((v[:, 5] != np.floor(v[:, 5])) | (np.abs(v[:, 5]) > 2**62), at,
                          lambda i: "category must be a whole number")
    keep &= run.reject(keep & ~np.isin(v[:, 5], list(CATEGORIES)), at,
                       lambda i: f"category {int(v[i, 5])} is not in VisDrone's table 0..11")
    return rows.subset(keep)


def _boxes(rows: Rows, frame_id: int) -> BoxTable:
    v = rows.values
    score, category = v[:, 4], v[:, 5].astype(np.int64)
    return BoxTable(
        id=np.zeros(len(v), np.int64), frame_id=np.full(len(v), frame_id, np.int64), category_id=category,
        x=v[:, 0], y=v[:, 1], w=v[:, 2], h=v[:, 3], score=score, ignore=(score == 0) | (category == IGNORED_REGION),
        # -1 (result files) means "not given"
        truncation=np.where(v[:, 6] == -1, np.nan, v[:, 6]), occlusion=np.where(v[:, 7] == -1, np.nan, v[:, 7]),
        hints={COMMA: rows.comma},
    )


def write(dataset: Dataset, target: Path, options: VisDroneDetOptions, run: Run) -> None:
    check_categories(dataset, run)
    if dataset.videos or any(f.video_id is not None for f in dataset.frames):
        run.note("VisDrone-DET has no videos: frames are written as independent images (folders as %2F in names)")
    names = [_flat_name(f.file_name, f"frame {f.id}: file_name") for f in dataset.frames]
    check_unique_names([(PurePosixPath(n).stem, f"frame {f.file_name!r}") for n, f in zip(names, dataset.frames)],
                       "annotation file")
    (target / ANNOTATIONS).mkdir()
    (target / IMAGES).mkdir()
    b = dataset.boxes
    order, starts = dataset.boxes_by_frame()
    for k in run.bar(range(len(names)), len(names), "images"):
        frame, rows = dataset.frames[k], order[starts[k]:starts[k + 1]]
        hints = frame.hints.get(HINT, {})
        if hints.get("file", True) or len(rows):
            category = b.category_id[rows]
            columns = [b.x[rows], b.y[rows], b.w[rows], b.h[rows], written_score(b.score[rows], b.ignore[rows], category),
                       category, np.nan_to_num(b.truncation[rows], nan=-1.0), np.nan_to_num(b.occlusion[rows], nan=-1.0)]
            lines = format_rows(columns, hints.get("pointed"), b.hints[COMMA][rows] if COMMA in b.hints else None)
            write_text(target / ANNOTATIONS / f"{PurePosixPath(names[k]).stem}.txt", lines, hints.get("style"))
        if options.images != "none":
            bring_image(dataset.image_path(frame), target / IMAGES / names[k], options.images, run)
    run.count("frames", len(names))
    run.count("boxes", len(b))


def _flat_name(file_name: str, where: str) -> str:
    """The frame's file name as one file name (folders as %2F), with an image suffix."""
    name = folder_name(file_name, where)
    return name if PurePosixPath(name).suffix else f"{name}.jpg"


def annotation_files(path: Path, options: Any = None) -> dict[str, Path]:
    return {f"{ANNOTATIONS}/{p.name}": p for p in sorted((path / ANNOTATIONS).glob("*.txt"))}


FORMAT = Format(
    "visdrone-det", "VisDrone2019-DET images + one annotation file per image", read, write, detect,
    options=VisDroneDetOptions,
    carries=frozenset({"unclipped_boxes", "category_ids", "frames_without_video", "file_names", "empty_frames", "score", "ignore",
                       "ignored_boxes", "truncation", "occlusion", "exact_boxes"}),
    lossy_note="category names are VisDrone's table; no videos or tracks", fixed_categories=True,
    annotation_files=annotation_files,
)
