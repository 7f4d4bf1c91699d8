"""MOTChallenge: `<root>/[<split>/]<seq>/{seqinfo.ini, gt/gt.txt or det/det.txt, img1/}`, or one
sequence folder.

Rows: `frame, id, left, top, w, h, conf, class, visibility` (MOT16/17/20 gt, 9 columns) or
`frame, id, left, top, w, h, conf, x, y, z` (MOT15 and det.txt, 10 columns, world coordinates
usually -1).  Frames are 1-based in the file and 0-based in the model.  In gt, conf is the
consider flag: 0 marks an ignored box.  Rows keep the order the file lists them in (often
grouped by track), numbers their spelling per column, and the file its line ends, so a file read
and written back is identical.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..base import Benchmark, Format, Images, ImageSize, option
from .read import ANNOTATION_FILES, LABELS, read, sequences
from .seqinfo import FILE as SEQINFO, read_seqinfo
from .write import write


@dataclass
class MotOptions(ImageSize, Images, Benchmark):
    mot_file: str = option("gt", "Read and write gt/gt.txt or det/det.txt.", choices=tuple(ANNOTATION_FILES))


def detect(path: Path) -> int:
    return 40 if path.is_dir() and sequences(path) else 0


def annotation_files(path: Path, options: MotOptions) -> dict[str, Path]:
    """gt or det, seqinfo.ini and labels.txt of every sequence, keyed `[<split>/]<name>/<file>`."""
    out = {}
    for split, folder in sequences(path):
        name = read_seqinfo(folder).name or folder.name
        prefix = f"{split}/{name}" if split else name
        for relative in (ANNOTATION_FILES[options.mot_file], SEQINFO, LABELS):
            if (folder / relative).is_file():
                out[f"{prefix}/{relative}"] = folder / relative
    return out


FORMAT = Format(
    "mot", "MOTChallenge gt/det txt + seqinfo.ini", read, write, detect, options=MotOptions,
    carries=frozenset({"unclipped_boxes", "category_ids", "videos", "empty_frames", "track_id", "score", "ignore", "ignored_boxes", "visibility",
                       "visibility_unknown", "exact_boxes"}),
    lossy_note="category names only through gt/labels.txt", splits=True, fixed_categories=True,
    per_sequence_tracks=True, annotation_files=annotation_files,
)
