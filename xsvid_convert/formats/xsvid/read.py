"""Reading the XS-VID v2 release folder: `annotations/<split>.json` (train, val_dev, test) and
`splits/<split>.txt`, or one of its annotation files.

Each split's JSON is read under XS-VID v2's rules (tracks from `track_id`, ignored boxes from
`ignore` or `iscrowd`, frame order from `frame_index`) and its frames keep their split.  A split
list's lines are paths relative to `splits/` that must lie under `images/`, each naming a frame of
that split's JSON.  An image listed in two split files (the same id and file name) is one frame
in both splits: it is written back into both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ...errors import ConvertError, shown
from ...files.paths import lexically_inside
from ...files.text import read_lines
from ...model import BoxTable, Dataset, repeated
from ...run import Run
from ..coco.document import read_document
from ..coco.records import document_head
from ..coco.rules import XSVID_V2

SPLITS = ("train", "val_dev", "test")
ANNOTATIONS, LISTS, IMAGES = "annotations", "splits", "images"


def release_root(path: Path) -> Path:
    """The release folder of a path that is the folder or one of its annotation files."""
    if path.is_file() and path.suffix == ".json" and path.parent.name == ANNOTATIONS:
        return path.parent.parent
    return path


def split_files(path: Path, split: str | None) -> dict[str, Path]:
    root = release_root(path)
    if path.is_file():
        return {path.stem: path}
    found = {p.stem: p for p in sorted((root / ANNOTATIONS).glob("*.json"))}
    ordered = {s: found[s] for s in SPLITS if s in found} | {s: p for s, p in found.items() if s not in SPLITS}
    if split is not None:
        if split not in ordered:
            raise ConvertError(str(root / ANNOTATIONS), f"no {split}.json; the splits here: {', '.join(ordered) or 'none'}")
        return {split: ordered[split]}
    if not ordered:
        raise ConvertError(str(root), f"no {ANNOTATIONS}/*.json: not an XS-VID release folder")
    return ordered


def read(path: Path, options: Any, run: Run) -> Dataset:
    root = release_root(path)
    parts = []
    for split, file in split_files(path, options.split).items():
        part = read_document(file, XSVID_V2, run, images_root=options.images_root or root / IMAGES,
                             image_size_default=options.image_size, track_field=options.track_field)
        part.frames = [f.model_copy(update={"split": split}) for f in part.frames]
        _check_list(root / LISTS / f"{split}.txt", root / IMAGES, part, run)
        parts.append((split, part))
    return merge(parts)


def _check_list(listed: Path, images: Path, part: Dataset, run: Run) -> None:
    """Every line of a split list names, relative to `splits/`, an image under `images/` that is
    a frame of the split's JSON (as YOLOFT's prepare_legacy_layout.py resolves them)."""
    if not listed.is_file():
        return
    names = {f.file_name for f in part.frames}
    for number, line in enumerate(read_lines(listed), 1):
        line = line.strip()
        if not line:
            continue
        image = Path(line) if Path(line).is_absolute() else listed.parent / line
        where = f"{listed}:{number}"
        if not lexically_inside(image, images):
            run.problem(where, f"{shown(line)} is not under {images}")
        elif Path(_relative(image, images)).as_posix() not in names:
            run.problem(where, f"{shown(line)} is not a frame of annotations/{listed.stem}.json")


def _relative(image: Path, images: Path) -> str:
    import os

    return os.path.relpath(os.path.normpath(os.path.abspath(image)), os.path.normpath(os.path.abspath(images)))


def merge(parts: list[tuple[str, Dataset]]) -> Dataset:
    """One dataset of the splits read; the head of each split's file kept to write it back."""
    first_split, merged = parts[0]
    heads = {split: document_head(part) for split, part in parts}
    frames = {f.id: f for f in merged.frames}
    tables = [merged.boxes]
    videos = {v.id: v for v in merged.videos}
    for split, part in parts[1:]:
        if [(c.id, c.name) for c in part.categories] != [(c.id, c.name) for c in merged.categories]:
            raise ConvertError(f"{split}.json:$.categories", f"differ from {first_split}.json's")
        for v in part.videos:
            if videos.setdefault(v.id, v).name != v.name:
                raise ConvertError(f"{split}.json:$.videos", f"video id {v.id} is {v.name!r} here and "
                                                            f"{videos[v.id].name!r} in {first_split}.json")
        tables.append(_new_boxes(part, frames, split))
        for f in part.frames:
            _add_frame(frames, f, split)
    boxes = BoxTable.concat(tables)
    twice = np.flatnonzero(repeated(boxes.id))
    if len(twice):  # the folder is one dataset only when its files number annotations apart
        owner = np.repeat(np.arange(len(tables)), [len(t) for t in tables])
        first, second = np.flatnonzero(boxes.id == boxes.id[twice[0]])[:2].tolist()
        raise ConvertError(f"{ANNOTATIONS}/{parts[owner[second]][0]}.json", f"annotation id {boxes.id[first]} is "
                           f"also used in {ANNOTATIONS}/{parts[owner[first]][0]}.json; read one split with --split")
    return merged.model_copy(update={
        "frames": list(frames.values()), "videos": list(videos.values()), "boxes": boxes,
        "hints": {**merged.hints, "xsvid": {"heads": heads}}})


def _add_frame(frames: dict, frame: Any, split: str) -> None:
    known = frames.get(frame.id)
    if known is None:
        frames[frame.id] = frame
    elif known.file_name != frame.file_name:
        raise ConvertError(f"{split}.json", f"image id {frame.id} is {frame.file_name!r} here and {known.file_name!r} "
                                            f"in {known.split}.json; read one split with --split")
    else:  # one frame in two splits
        # replaced, not updated: frames with equal hints share one dict (model/build.py)
        known.hints = {**known.hints, "xsvid.splits": [*known.hints.get("xsvid.splits", [known.split]), split]}


def _new_boxes(part: Dataset, frames: dict, split: str) -> BoxTable:
    """The split's boxes that are not already read (a frame in two splits has its boxes once)."""
    b = part.boxes
    shared = np.array([f.id in frames for f in part.frames], dtype=bool)
    shared_ids = np.array([f.id for f, s in zip(part.frames, shared) if s], dtype=np.int64)
    return b.take(~np.isin(b.frame_id, shared_ids))
