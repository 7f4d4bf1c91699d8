"""What a format entry declares, and the option declarations the CLI builds its flags from.

A format module defines `read(path, options, run) -> Dataset`, `write(dataset, target, options,
run)`, `detect(path) -> int` and an options dataclass, and ends with one `FORMAT = Format(...)`
that says everything the rest of the program asks of it.  The registry (`formats/__init__.py`)
lists the entries; nothing outside a format's module knows its name, its files or its rules.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal

from ..errors import ConvertError
from ..files.images import IMAGE_MODES

Side = Literal["read", "write", "both"]

# What a format can carry through a write and a read back.  The loss of a conversion A → B is
# what A carries and B does not.
FIELDS = {
    "category_ids": "original category ids",
    "category_names": "category names",
    "videos": "videos and frame order",
    "file_names": "frame file names (frames come back named by their index)",
    "frames_without_video": "frames outside any video (they come back in a made-up video per folder)",
    "empty_frames": "frames without boxes after a video's last box (when no image is written)",
    "track_id": "track ids",
    "score": "scores / consider flags",
    "score_unknown": "absent scores (written as the consider flag: 1, 0 when ignored)",
    "ignore": "ignore flag",
    "ignored_boxes": "category and track of ignored boxes (they become ignore regions)",
    "ignored_score": "scores of ignored boxes (written as 0)",
    "truncation": "truncation",
    "occlusion": "occlusion",
    "visibility": "visibility",
    "visibility_unknown": "absent visibility (written as 1.0)",
    "image_ids": "image, annotation and video ids",
    "exact_boxes": "box coordinates bit-exact",
    "unclipped_boxes": "boxes reaching outside their image (clipped to it; empty ones dropped)",
    "extras": "other keys (segmentation, attributes, ...)",
}
ALL_FIELDS = frozenset(FIELDS)

NO_GROUND_TRUTH = ("a results file names frames and classes by reference: give the ground truth it was made "
                   "against with --gt PATH")


def option(default: Any, help: str, *, when: Side = "both", choices: tuple[str, ...] | None = None,
           parse: Callable[[str], Any] | None = None, metavar: str | None = None) -> Any:
    """A format option: a dataclass field the CLI turns into `--<name>`.

    `when`: whether it applies to reading, writing or both; `choices`: the values it takes;
    `parse`: turns the CLI text into the value (e.g. `WxH` into a pair)."""
    meta = {"help": help, "when": when, "choices": choices, "parse": parse, "metavar": metavar}
    if isinstance(default, (list, dict, set)):
        return field(default_factory=lambda: type(default)(default), metadata=meta)
    return field(default=default, metadata=meta)


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in str(text).lower().split("x"))
        if w > 0 and h > 0:
            return w, h
    except ValueError:
        pass
    raise ConvertError("--image-size", f"expected WIDTHxHEIGHT such as 1024x1024, found {text!r}")


# Options several formats share: declared once here, taken by a format through inheritance.

@dataclass
class NoOptions:
    pass


@dataclass
class ImageSize:
    image_size: tuple[int, int] | None = option(
        None, "WxH of frames whose size neither the annotations nor an image header give.",
        when="read", parse=parse_size, metavar="WxH")


@dataclass
class ImagesRoot:
    images_root: Path | None = option(
        None, "Folder the file_names are relative to (default: the JSON's folder, or the images/ beside or above it).",
        when="read", parse=Path, metavar="DIR")


@dataclass
class Images:
    images: str = option(
        "link", "How images get into a written image folder (hardlink falls back to copy across devices).",
        when="write", choices=IMAGE_MODES)


@dataclass
class Workers:
    workers: int = option(1, "Processes that write label files and images.", when="write", parse=int, metavar="N")


@dataclass
class Split:
    split: str | None = option(
        None, "Reading a folder of several splits: the one to read (default: all). Writing: the split of frames that "
              "have none (default: a COCO file's stem without instances_, else train).", metavar="NAME")


@dataclass
class Ignored:
    ignored: str = option(
        "drop", "Label files have no ignore flag: drop ignored boxes, or label them with the ignore class (the "
                "categories' own `ignore`, else a new `ignored` one).", when="write", choices=("drop", "class"))


@dataclass
class Benchmark:
    benchmark: str | None = option(
        None, "Write TrackEval's MOTChallenge layout: <NAME>-<SPLIT>/<seq>/ and seqmaps/<NAME>-<SPLIT>.txt for ground "
              "truth, <NAME>-<SPLIT>/<tracker>/data/<seq>.txt for results.", when="write", metavar="NAME")


def option_fields(options: type) -> list[dataclasses.Field]:
    return list(dataclasses.fields(options))


def make_options(options: type, values: dict[str, Any], side: Side) -> Any:
    """The options object of one format for one side, from named values (None: not given)."""
    given = {}
    for f in dataclasses.fields(options):
        value = values.get(f.name)
        if value is None or f.metadata.get("when", "both") not in (side, "both"):
            continue
        choices = f.metadata.get("choices")
        if isinstance(value, str) and f.metadata.get("parse") and not isinstance(f.default, str):
            value = f.metadata["parse"](value)
        if choices and value not in choices:
            raise ConvertError(f"--{f.name.replace('_', '-')}", f"must be one of {', '.join(choices)}, not {value!r}")
        given[f.name] = value
    return options(**given)


Reader = Callable[[Path, Any, Any], Any]
Writer = Callable[[Any, Path, Any, Any], None]


@dataclass(frozen=True)
class Format:
    name: str
    summary: str
    read: Reader | None
    write: Writer | None
    detect: Callable[[Path], int]
    """0 when `path` is not of this format; the more certain, the higher (the best guess wins)."""
    options: type = NoOptions
    output: Literal["file", "dir"] = "dir"
    carries: frozenset[str] = ALL_FIELDS
    lossy_note: str = ""
    splits: bool = False
    """One output holds several splits (train/val); other formats get one output per split."""
    fixed_categories: bool = False
    """The category table is the format's own, so categories without boxes are normal."""
    per_sequence_tracks: bool = False
    """Track ids are numbered per sequence, so the same id in two videos is normal."""
    annotation_files: Callable[[Path, Any], dict[str, Path]] | None = None
    """The annotation files of a dataset at a path, keyed by where they sit in it: a file read and
    written back must be identical to the one at the same key (JSON: equal, types included)."""
    results: bool = False
    """Detections or tracks with scores, whose ids are resolved against a ground truth."""

    def reader(self) -> Reader:
        if self.read is None:
            raise ConvertError(None, f"{self.name} is written, not read")
        return self.read

    def writer(self) -> Writer:
        if self.write is None:
            raise ConvertError(None, f"{self.name} is read, not written")
        return self.write


def json_head(path: Path, size: int = 1 << 16) -> bytes:
    """The first bytes of a `.json` file (empty for anything else): enough to tell JSON formats
    apart by their keys."""
    if path.suffix.lower() != ".json" or not path.is_file():
        return b""
    with open(path, "rb") as fh:
        return fh.read(size)
