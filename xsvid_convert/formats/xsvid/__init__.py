"""The XS-VID v2 release folder (2026), read and written: `annotations/{train,val_dev,test}.json`,
`splits/*.txt`, `images/<video>/<frame>`, `labels/`, `legacy_yoloft.yaml` (see `read.py` and
`write.py`).  Its JSON is COCO with XS-VID's keys (`coco.rules.XSVID_V2`): categories 0..6 with 4
the ignore slot, tracks in `track_id` (`--track-field paper_track_id` reads the sparse paper ids,
falling back to `track_id` per annotation, as XS-VID's protocol does).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..base import FIELDS, Format, Ignored, Images, Split, Workers
from ..coco import CocoOptions
from .read import ANNOTATIONS, IMAGES, LISTS, read, release_root, split_files
from .write import write


@dataclass
class XsvidOptions(CocoOptions, Images, Workers, Ignored, Split):
    """Label files drop ignored boxes or make them a class (`--ignored`); the JSONs keep them either way."""


def detect(path: Path) -> int:
    root = release_root(path)
    if not (root / ANNOTATIONS).is_dir() or not any((root / ANNOTATIONS).glob("*.json")):
        return 0
    return 70 if (root / LISTS).is_dir() or (root / IMAGES).is_dir() else 0


def annotation_files(path: Path, options: XsvidOptions) -> dict[str, Path]:
    return {f"{ANNOTATIONS}/{split}.json": file for split, file in split_files(path, options.split).items()}


FORMAT = Format(
    "xsvid", "XS-VID v2 release folder: annotations/{train,val_dev,test}.json, splits, images, labels",
    read, write, detect, options=XsvidOptions,
    carries=frozenset(FIELDS) - {"truncation", "occlusion", "visibility", "visibility_unknown",
                                 "frames_without_video", "file_names"},
    lossy_note="frames are renamed <video>/<index>.<ext> unless already so", splits=True,
    annotation_files=annotation_files,
)
