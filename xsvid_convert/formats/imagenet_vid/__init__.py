"""ImageNet-VID (ILSVRC2015 VID): one XML per frame,
`<root>/Annotations/VID/<split>/<snippet>/%06d.xml` beside `<root>/Data/VID/<split>/<snippet>/%06d.JPEG`,
frames numbered from 0, and the frame lists MEGA and mmtracking read (`imagesets.py`).

Per object: `trackid` (numbered per snippet, from 0), `name` (a WordNet id, one of 30 classes:
category ids 1..30 in mmtracking's order, `classes.py`), `bndbox` xmin/ymin/xmax/ymax, `occluded`,
`generated`; per frame `size`.  The snippet's path below its split is the video name; the split
folder is the frames' split.

Box convention: `w = xmax - xmin`, `h = ymax - ymin`, no clipping, as mmtracking's
`imagenet2coco_vid.py` converts them.  So a box goes to CocoVID exactly as mmtracking's own
converter writes it, and back to the same integers.  MEGA and the devkit read the corners as
inclusive pixels (`w = xmax - xmin + 1`, xmax clipped to width - 1 when loading); that is their
reading of the same files, not a property of the files, so nothing is added or clipped here.
An unknown WordNet id is an error naming file:line (MEGA and mmtracking drop such objects
silently; `--lenient` drops them with a warning).  `occluded` and `generated` become the box keys
`occluded` and `generated` (booleans, as mmtracking's converter writes them).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..base import Format, Images, option
from .imagesets import CONVENTIONS, list_files
from .read import ANNOTATIONS, DATA, find_root, read, snippets
from .write import write

IMAGESETS_HELP = (
    "Frame lists VID_train_15frames.txt / VID_val_videos.txt: mmtracking = Lists/, frame column 1-based "
    "(imagenet2coco_vid.py subtracts 1); mega = ImageSets/, frame column 0-based (MEGA, FGFA); none. "
    "Default: read the folder that has them; write as read, else mmtracking.")


@dataclass
class ImagenetVidOptions(Images):
    imagesets: str | None = option(None, IMAGESETS_HELP, choices=CONVENTIONS)
    coordinates: str = option(
        "exact", "Box corners: exact (whole numbers as integers, others with decimals) or integer (rounded, as "
                 "ImageNet's own files and mmtracking's converter have them).",
        when="write", choices=("exact", "integer"))


def detect(path: Path) -> int:
    if not path.is_dir():
        return 0
    if (path / ANNOTATIONS).is_dir() or (path / DATA).is_dir():
        return 45
    return 45 if path.name == "VID" and path.parent.name == "Annotations" else 0


def annotation_files(path: Path, options: Any) -> dict[str, Path]:
    """Every XML, keyed by its path below Annotations/VID, and the lists read (they are written
    back identically when the dataset is)."""
    root, only = find_root(path)
    out = {}
    for split, name, folder in snippets(root, only):
        for xml in sorted(folder.glob("*.xml")):
            out[f"{split}/{name}/{xml.name}"] = xml
    out.update(list_files(root, getattr(options, "imagesets", None)))
    return out


FORMAT = Format(
    "imagenet-vid", "ImageNet-VID (ILSVRC2015) XML per frame + ImageSets lists", read, write, detect,
    options=ImagenetVidOptions,
    carries=frozenset({"unclipped_boxes", "category_ids", "videos", "empty_frames", "track_id"}),
    lossy_note="category names are ImageNet-VID's 30 classes; corners xmin/ymin/xmax/ymax (w = xmax - xmin: "
               "exact for whole numbers, fractional ones may move in the last bit); no scores, no ignore flag; "
               "occluded/generated travel as box keys (COCO and CocoVID keep them)",
    splits=True, fixed_categories=True, per_sequence_tracks=True, annotation_files=annotation_files,
)
