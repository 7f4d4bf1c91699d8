"""Reading ImageNet-VID: `<root>/Annotations/VID/<split>/<snippet>/%06d.xml`, one file per frame.

A snippet is a folder of XML files below a split (`val/ILSVRC2015_val_00000000`, or one level
deeper in train: `train/ILSVRC2015_VID_train_0000/ILSVRC2015_train_00000000`); its video name is
its path below the split, its frames' split the split folder.  Boxes are per-file Python (each
value has to be read from text anyway), gathered as lists and made columns once at the end.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import ConvertError, shown
from ...files.paths import safe_name, safe_relpath
from ...model import BoxTable, Dataset, build_dataset
from ...run import Run
from ..sequences import check_frame_count, frame_limit
from . import imagesets
from .classes import CATEGORY_OF_WNID, categories
from .xml_file import CORNERS, DATABASE, DEFAULT_STYLE, ParsedFile, ParsedObject, Refused, parse

HINT = "imagenet-vid"
ANNOTATIONS, DATA = Path("Annotations/VID"), Path("Data/VID")
IMAGE_SUFFIX = ".JPEG"
MAX_DEPTH = 4
"""Folders below a split a snippet may be in (ImageNet's train snippets are 2 deep)."""
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_WHOLE = re.compile(r"-?[0-9]{1,18}")
_FLAGS = {"0": False, "1": True}


def find_root(path: Path) -> tuple[Path, str | None]:
    """(dataset root, the one split to read or None for all) of a root, `Annotations/VID` or
    `Annotations/VID/<split>` folder."""
    path = Path(path)
    if (path / ANNOTATIONS).is_dir():
        return path, None
    if path.name == "VID" and path.parent.name == "Annotations" and path.is_dir():
        return path.parent.parent, None
    if path.parent.name == "VID" and path.parent.parent.name == "Annotations" and path.is_dir():
        return path.parent.parent.parent, path.name
    raise ConvertError(str(path), "not an ImageNet-VID folder: no Annotations/VID inside")


@dataclass
class Snippet:
    split: str
    name: str
    folder: Path
    video_id: int
    frames: dict[int, int] = field(default_factory=dict)
    """Frame index → position in the dataset's frames."""

    @property
    def length(self) -> int:
        return max(self.frames, default=-1) + 1


def snippets(root: Path, only: str | None) -> list[tuple[str, str, Path]]:
    """(split, snippet name, folder) of every folder holding XML files, in path order."""
    base = root / ANNOTATIONS
    splits = [only] if only else sorted(p.name for p in base.iterdir() if p.is_dir())
    found = []
    for split in splits:
        safe_name(split, str(base / split))
        found += [(split, name, folder) for name, folder in _walk(base / split, "", 0)]
    return found


def _walk(folder: Path, prefix: str, depth: int) -> list[tuple[str, Path]]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        raise ConvertError(str(folder), f"cannot read the folder: {exc.strerror}") from None
    out = []
    if prefix and any(e.name.endswith(".xml") and e.is_file() for e in entries):
        out.append((safe_relpath(prefix, str(folder)), folder))
    if depth < MAX_DEPTH:
        for e in entries:
            if e.is_dir():
                out += _walk(Path(e.path), f"{prefix}/{e.name}" if prefix else e.name, depth + 1)
    return out


class _Columns:
    """Box values as lists while files are read; columns at the end."""

    def __init__(self) -> None:
        self.frame: list[int] = []
        self.category: list[int] = []
        self.track: list[int] = []
        self.corners: list[tuple[float, float, float, float]] = []
        self.flags: list[tuple[bool | None, bool | None]] = []
        self.layout: list[int] = []
        self.line: list[int] = []
        self.file: list[int] = []
        self.files: list[str] = []
        """The XML file of each frame read, in frame order (boxes name theirs by position)."""
        self.unknown: tuple[str, str] | None = None
        """The first element not read, and where."""

    def add(self, frame_id: int, objects: list[tuple[tuple, ParsedObject]]) -> None:
        for (category, track, corners, flags), obj in objects:
            self.frame.append(frame_id)
            self.category.append(category)
            self.track.append(track)
            self.corners.append(corners)
            self.flags.append(flags)
            self.layout.append(obj.layout())
            self.line.append(obj.line)
            self.file.append(len(self.files) - 1)

    def table(self) -> BoxTable:
        n = len(self.frame)
        xyxy = np.array(self.corners, dtype=np.float64).reshape(n, 4)
        shared: dict[tuple, dict] = {}  # four distinct dicts, not one per box
        extras = [shared.setdefault(f, {k: v for k, v in zip(("occluded", "generated"), f) if v is not None})
                  for f in self.flags]
        return BoxTable(
            id=np.arange(1, n + 1), frame_id=np.array(self.frame, np.int64),
            category_id=np.array(self.category, np.int64),
            x=xyxy[:, 0], y=xyxy[:, 1], w=xyxy[:, 2] - xyxy[:, 0], h=xyxy[:, 3] - xyxy[:, 1],
            track_id=np.array(self.track, np.int64), extras=extras if any(extras) else None,
            hints={f"{HINT}.layout": np.array(self.layout, np.int64)},
        )


def read(path: Path, options: Any, run: Run) -> Dataset:
    root, only = find_root(path)
    found = snippets(root, only)
    if not found:
        raise ConvertError(str(root / ANNOTATIONS), "no snippet folders with XML files inside")
    columns, videos, frames, read_snippets = _Columns(), [], [], []
    for split, name, folder in run.bar(found, len(found), "snippets"):
        snippet = Snippet(split, name, folder, len(videos) + 1)
        _read_snippet(root, snippet, frames, columns, run)
        if snippet.frames:
            videos.append({"id": snippet.video_id, "name": name})
            read_snippets.append(snippet)
    if columns.unknown:
        tag, where = columns.unknown
        run.note(f"elements ImageNet-VID does not define are not read (nor written), e.g. <{tag}> at {where}")
    train, hints = imagesets.read_lists(root, options.imagesets, read_snippets, run)
    for k, frame in enumerate(frames):  # as mmtracking's CocoVID has it on every image
        trains = k in train if train is not None else frame["split"] == imagesets.TRAIN_SPLIT
        frame["extras"] = {imagesets.TRAIN_KEY: trains}
    boxes = columns.table()
    files, file_of, line_of = columns.files, columns.file, columns.line

    def locate(kind: str, index: int) -> str:
        if kind == "boxes":
            return f"{files[file_of[index]]}:{line_of[index]}"
        return files[index] if kind == "frames" else f"{root}: {kind}[{index}]"

    return build_dataset(categories(), videos, frames, boxes, locate, run, image_root=str(root / DATA),
                         hints={HINT: hints})


def _read_snippet(root: Path, snippet: Snippet, frames: list[dict], columns: _Columns, run: Run) -> None:
    numbered = []
    for entry in sorted(os.scandir(snippet.folder), key=lambda e: e.name):
        if entry.name.endswith(".xml") and entry.is_file():
            stem = entry.name[:-4]
            if not stem.isascii() or not stem.isdigit() or len(stem) > 12:
                run.problem(entry.path, "frame files are named by their 0-based frame number, %06d.xml")
                continue
            numbered.append((int(stem), stem, Path(entry.path)))
    numbered.sort()
    images = f"{root / DATA / snippet.split / snippet.name}{os.sep}"
    limit = frame_limit(len(numbered), 0)
    if numbered and numbered[-1][0] >= limit:
        check_frame_count(numbered[-1][0] + 1, limit, str(numbered[-1][2]), "frame number")
    for index, stem, xml in numbered:
        contents = _contents(xml, run)
        if contents is None:
            continue
        parsed, size, objects = contents
        frame_id = len(frames) + 1
        frame: dict[str, Any] = {
            "id": frame_id, "file_name": f"{snippet.name}/{stem}{IMAGE_SUFFIX}", "width": size[0], "height": size[1],
            "video_id": snippet.video_id, "frame_index": index, "split": snippet.split,
            "source": f"{images}{stem}{IMAGE_SUFFIX}",
        }
        layout = _frame_layout(parsed, snippet.name, stem)
        if layout:
            frame["hints"] = {HINT: layout}
        frames.append(frame)
        columns.files.append(str(xml))
        snippet.frames[index] = len(frames) - 1
        columns.add(frame_id, objects)
        if parsed.unknown and not columns.unknown:
            tag, line = parsed.unknown[0]
            columns.unknown = (tag, f"{xml}:{line}")


def _contents(xml: Path, run: Run) -> tuple[ParsedFile, tuple[int, int], list] | None:
    """(parsed file, frame size, [(values, object)]), or None when the frame is skipped.  A
    fast-parsed file with a bad value is parsed again with lines, to say where."""
    try:
        parsed = parse(xml)
        if parsed.fast:
            try:
                return parsed, _size(parsed), [(_object_values(obj), obj) for obj in parsed.objects]
            except Refused:
                parsed = parse(xml, lines=True)
        size = _size(parsed)
    except Refused as exc:
        run.problem(f"{xml}:{exc.line}", exc.message)
        return None
    objects = []
    for obj in parsed.objects:
        try:
            objects.append((_object_values(obj), obj))
        except Refused as exc:
            run.problem(f"{xml}:{exc.line}", exc.message)
    return parsed, size, objects


def _size(parsed: ParsedFile) -> tuple[int, int]:
    for key in ("width", "height"):
        if key not in parsed.leaves:
            raise Refused(parsed.line, f"<size> has no <{key}>: the frame size is needed" if "size" in parsed.containers
                          else "<annotation> has no <size>: the frame size is needed")
        text, line = parsed.leaves[key]
        if not _WHOLE.fullmatch(text) or int(text) <= 0:
            raise Refused(line, f"{key} must be a positive whole number, found {shown(text)}")
    return int(parsed.leaves["width"][0]), int(parsed.leaves["height"][0])


def _frame_layout(parsed: ParsedFile, name: str, stem: str) -> dict[str, Any]:
    """What this frame's file has that the writer would not write by default (None: absent)."""
    out: dict[str, Any] = {}
    for key, default in (("folder", name), ("filename", stem)):
        text = parsed.leaves.get(key, (None,))[0]
        if text != default:
            out[key] = text
    database = parsed.leaves.get("database", ("",))[0] if "source" in parsed.containers else None
    if database != DATABASE:
        out["database"] = database
    if parsed.style != DEFAULT_STYLE:
        out["style"] = parsed.style
    return out


def _object_values(obj: ParsedObject) -> tuple[int, int, tuple, tuple]:
    """(category id, track id, (xmin, ymin, xmax, ymax), (occluded, generated)) or `Refused`."""
    for key in ("trackid", "name"):
        if key not in obj.leaves:
            raise Refused(obj.line, f"<object> has no <{key}>")
    if not obj.has_bndbox:
        raise Refused(obj.line, "<object> has no <bndbox>")
    text, line = obj.leaves["trackid"]
    if not _WHOLE.fullmatch(text):
        raise Refused(line, f"trackid must be a whole number, found {shown(text)}")
    wnid, name_line = obj.leaves["name"]
    if wnid not in CATEGORY_OF_WNID:
        raise Refused(name_line, f"name {shown(wnid)} is not the WordNet id of one of ImageNet-VID's 30 classes")
    corner = {}
    for key in CORNERS:
        if key not in obj.corners:
            raise Refused(obj.line, f"<bndbox> has no <{key}>")
        value, at = obj.corners[key]
        if not _NUMBER.fullmatch(value) or not math.isfinite(float(value)):
            raise Refused(at, f"{key} must be a number, found {shown(value)}")
        corner[key] = float(value)
    for low, high in (("xmin", "xmax"), ("ymin", "ymax")):
        if corner[high] < corner[low]:
            (high_text, at), low_text = obj.corners[high], obj.corners[low][0]
            raise Refused(at, f"{high} {high_text} is less than {low} {low_text}")
    flags = []
    for key in ("occluded", "generated"):
        value, at = obj.leaves.get(key, (None, 0))
        if value is not None and value not in _FLAGS:
            raise Refused(at, f"{key} must be 0 or 1, found {shown(value)}")
        flags.append(None if value is None else _FLAGS[value])
    return (CATEGORY_OF_WNID[wnid], int(text), (corner["xmin"], corner["ymin"], corner["xmax"], corner["ymax"]),
            tuple(flags))

