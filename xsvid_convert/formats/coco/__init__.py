"""COCO detection JSON, with the video keys XS-VID's own COCO files carry.

Read: `images`, `annotations`, `categories` (ids kept, non-contiguous allowed), `info`,
`licenses`, `videos`, image `video_id` and `frame_index`/`frame_id`, annotation `track_id` or
`instance_id`.  A COCO file read and written back is identical, keys and number types included.
Written from another format: `info`, `licenses`, and `area` (w·h) and `iscrowd` on every
annotation (pycocotools needs them; XS-VID's evaluator bins sizes by `area`), tracks as
`instance_id`.

The document reader and writer serve every member of the COCO family (CocoVID, XS-VID v2, TAO),
each with its own `Rules`; this module is the family's root and depends on none of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...model import Dataset
from ...run import Run
from ..base import FIELDS, Format, ImageSize, ImagesRoot, json_head, option
from .document import TRACK_FIELDS, read_document
from .rules import COCO, Rules
from .writer import write_document


@dataclass
class CocoOptions(ImagesRoot, ImageSize):
    track_field: str | None = option(
        None, "Annotation key that holds track ids (default: track_id, else instance_id).",
        when="read", choices=tuple(TRACK_FIELDS))


def reader_for(rules: Rules):
    def read(path: Path, options: CocoOptions, run: Run) -> Dataset:
        return read_document(path, rules, run, images_root=options.images_root,
                             image_size_default=options.image_size, track_field=options.track_field)
    return read


def writer_for(rules: Rules):
    def write(dataset: Dataset, target: Path, options: object, run: Run) -> None:
        write_document(dataset, target, rules, run)
    return write


def detect(path: Path) -> int:
    head = json_head(path).lstrip()
    return 50 if head.startswith(b"{") else 0


def json_file(path: Path, options: object = None) -> dict[str, Path]:
    return {"": path}


FORMAT = Format(
    "coco", "COCO detection JSON (+ XS-VID's video keys)", reader_for(COCO), writer_for(COCO), detect,
    options=CocoOptions, output="file",
    carries=frozenset(FIELDS) - {"truncation", "occlusion", "visibility", "visibility_unknown"},
    annotation_files=json_file,
)
