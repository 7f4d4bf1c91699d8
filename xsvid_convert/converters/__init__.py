"""The format registry: one entry per format, from which the CLI builds `--from/--to`, the
`formats` command and the loss matrix.

To add a format: write `converters/<name>.py` with `read(path, opts, report) -> Dataset`,
`write(dataset, target, opts, report)` and `detect(path) -> bool`, and add one line below.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from ..errors import ConvertError
from . import coco, cocovid, mot, visdrone, yolo

# What a format can carry through a write and a read back.  The loss of a conversion A → B is
# what A carries and B does not.
FIELDS = {
    "category_ids": "original category ids",
    "category_names": "category names",
    "videos": "videos and frame order",
    "track_id": "track ids",
    "score": "scores / consider flags",
    "ignore": "ignore flag",
    "truncation": "truncation",
    "occlusion": "occlusion",
    "visibility": "visibility",
    "image_ids": "image, annotation and video ids",
    "exact_boxes": "box coordinates bit-exact",
    "extras": "other keys (segmentation, attributes, ...)",
}


@dataclass(frozen=True)
class Format:
    name: str
    summary: str
    module: ModuleType
    output: str  # "file" (one JSON) or "dir"
    video_aware: bool
    carries: frozenset[str]
    lossy_note: str = ""
    splits: bool = False  # one output holds several splits (train/val); others get one output per split

    def read(self, path: Path, opts, report):
        return self.module.read(path, opts, report)

    def write(self, dataset, target: Path, opts, report) -> None:
        self.module.write(dataset, target, opts, report)

    def detect(self, path: Path) -> bool:
        return self.module.detect(path)


_ALL = frozenset(FIELDS)

FORMATS: dict[str, Format] = {f.name: f for f in [
    Format("coco", "COCO detection JSON (+ XS-VID's video keys)", coco, "file", True,
           _ALL - {"truncation", "occlusion", "visibility"}),
    Format("cocovid", "mmtracking CocoVID JSON", cocovid, "file", True, _ALL),
    Format("yolo", "YOLO txt: Ultralytics data.yaml or YOLOFT layout; reads Darknet obj.data", yolo, "dir", True,
           frozenset({"category_ids", "category_names", "videos"}),
           "boxes clipped to the image and rounded to 6 decimals of its size; ignored boxes dropped or made a class",
           splits=True),
    Format("mot", "MOTChallenge gt/det txt + seqinfo.ini", mot, "dir", True,
           frozenset({"category_ids", "videos", "track_id", "score", "ignore", "visibility", "exact_boxes"}),
           "category names only through gt/labels.txt", splits=True),
    Format("visdrone", "VisDrone2019-VID sequences + annotations", visdrone, "dir", True,
           frozenset({"category_ids", "videos", "track_id", "score", "ignore", "truncation", "occlusion", "exact_boxes"}),
           "category names are VisDrone's table"),
]}


def get(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise ConvertError(None, f"unknown format {name!r}; known: {', '.join(FORMATS)}") from None


def detect(path: Path) -> Format:
    """Guess the format of `path` (CocoVID before COCO, as every CocoVID file is COCO too)."""
    for name in ("cocovid", "coco", "mot", "visdrone", "yolo"):
        if FORMATS[name].detect(path):
            return FORMATS[name]
    raise ConvertError(str(path), "cannot tell the format; name it with --from")


def loss(source: str, target: str) -> list[str]:
    """What a conversion from `source` to `target` cannot carry."""
    a, b = get(source), get(target)
    return [FIELDS[f] for f in FIELDS if f in a.carries and f not in b.carries]


def loss_matrix_markdown() -> str:
    """The README's loss matrix, made from the registry so the two cannot disagree."""
    names = list(FORMATS)
    rows = ["| from \\ to | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for a in names:
        cells = []
        for b in names:
            if a == b:
                cells.append("identical")
            else:
                cells.append(", ".join(loss(a, b)) or "nothing")
        rows.append(f"| **{a}** | " + " | ".join(cells) + " |")
    return "\n".join(rows)
