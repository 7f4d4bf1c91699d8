"""mmtracking CocoVID: COCO plus `videos`, image `video_id` and 0-based `frame_id`, and
annotation `instance_id` unique across the whole file.

Written from another format, every annotation carries what mmtracking's datasets read:
`instance_id`, `mot_conf` (score, or the consider flag), `visibility` (1.0 where the source has
none, as mmtracking's `mot2coco` writes for MOT15), `iscrowd` for ignored boxes (mmdet puts them
in `bboxes_ignore`), and every image `is_vid_train_frame` (ImagenetVIDDataset reads it) and
`mot_frame_id`.  Track ids repeated across videos (MOT numbers them per sequence) become new
instance ids from 1, the originals kept as `mot_instance_id`, which the per-sequence writers read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..model import Frame
from .base import FIELDS, Format, json_head
from .coco import CocoOptions, json_file, reader_for, writer_for
from .coco.rules import AREA, FLOAT_KEYS, ISCROWD, SCORE, Rules


def _image_defaults(frame: Frame, record: dict[str, Any]) -> None:
    record.setdefault("is_vid_train_frame", True)
    if record.get("frame_id") is not None:
        record.setdefault("mot_frame_id", record["frame_id"] + 1)


COCOVID = Rules(
    "cocovid", track_keys=("instance_id", "track_id"), write_track_key="instance_id", track_key_required=True,
    score_key="mot_conf",
    float_keys=FLOAT_KEYS, needs_videos=True, unique_tracks=True, default_annotation_keys=AREA | ISCROWD | SCORE,
    default_score=True, default_visibility=1.0, image_defaults=_image_defaults, complete_videos=True,
)


def detect(path: Path) -> int:
    head = json_head(path).lstrip()
    return 60 if head.startswith(b"{") and b'"videos"' in head else 0


FORMAT = Format(
    "cocovid", "mmtracking CocoVID JSON", reader_for(COCOVID), writer_for(COCOVID), detect, options=CocoOptions,
    output="file", carries=frozenset(FIELDS) - {"frames_without_video", "visibility_unknown", "score_unknown"},
    annotation_files=json_file,
)
