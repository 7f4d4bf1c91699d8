"""The rules of one member of the COCO family: which keys it maps to the model, which it must
write for its consumers, how it names tracks and scores.

COCO, mmtracking's CocoVID, XS-VID's v2 release JSON and TAO are the same document (images,
annotations, categories, maybe videos) read and written by one reader and one writer under
different rules.  A member depends on COCO's rules, never the reverse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

# Per annotation, which mapped keys the source record had (hint `coco.keys`).
AREA, ISCROWD, IGNORE, SCORE, VISIBILITY, TRUNCATION, OCCLUSION, VIDEO_ID = (1 << k for k in range(8))
TRACK_KEY_SHIFT = 8  # bits 8..9: 1 + the index of the track key the record used, 0 for none
# Per annotation, which numbers were written as integers (hint `coco.ints`): bbox x, y, w, h,
# then the optional number keys in this order.
INT_KEYS = ("x", "y", "w", "h", "area", "score", "visibility", "truncation", "occlusion")
# Per annotation, raw iscrowd / ignore values (hint `coco.flags`): bit 0 iscrowd, bit 1 iscrowd
# was a JSON boolean, bit 2 ignore, bit 3 ignore was a boolean.
CROWD, CROWD_BOOL, IGNORED, IGNORED_BOOL = 1, 2, 4, 8

FLOAT_KEYS = (("visibility", VISIBILITY), ("truncation", TRUNCATION), ("occlusion", OCCLUSION))


@dataclass(frozen=True)
class Rules:
    name: str
    track_keys: tuple[str, ...] = ("track_id", "instance_id")
    """Annotation keys that may hold the track id, in order of preference."""
    write_track_key: str = "instance_id"
    """The key a track is written under when the source is not of the COCO family, or when this
    member's consumers need that key (`track_key_required`)."""
    track_key_required: bool = False
    score_key: str = "score"
    float_keys: tuple[tuple[str, int], ...] = ()
    """Optional per-box numbers this member maps (model column, key bit)."""
    needs_videos: bool = False
    """A file needs `videos`, every image a `video_id`."""
    unique_tracks: bool = False
    """Track ids must be unique across the file; repeated ones are renumbered."""
    default_annotation_keys: int = AREA | ISCROWD
    """Keys written on every annotation when the source is not of this member."""
    ignore_key_on_ignored: bool = False
    """Write `ignore: 1` beside `iscrowd: 1` on ignored boxes (XS-VID v2)."""
    default_score: bool = False
    """Where a box has no score, write the consider flag (0 ignored, 1 not), as MOT's conf column
    is (the source not of this member)."""
    default_visibility: float | None = None
    """Written where a box has none, when the source is not of this member (mmtracking's MOT
    dataset reads `visibility` on every annotation)."""
    default_top: dict[str, Any] = field(default_factory=lambda: {
        "info": {"description": "written by xsvid-convert"}, "licenses": []})
    top_for_members: bool = False
    """`default_top` also where the source is another member of the family (plain COCO's
    consumers expect `info` and `licenses`; mmtracking's CocoVID files have neither)."""
    image_defaults: Callable[[Any, dict[str, Any]], None] | None = None
    """Adds keys this member's consumers need to an image record (source not of this member)."""
    video_defaults: Callable[[Any, dict[str, Any]], None] | None = None
    complete_videos: bool = False
    """Frames without a video join one made per folder; frames without an index get one."""
    frame_key: str = "frame_id"
    """The image key the 0-based frame index is written under."""
    tracks_list: bool = False
    """Write a top-level `tracks` list (id, category_id, video_id), as TAO reads (the source is
    not of this member, or its tracks were renumbered)."""

    def track_bit(self, key_index: int) -> int:
        return (key_index + 1) << TRACK_KEY_SHIFT


COCO = Rules("coco", top_for_members=True)  # tracks keep the key they were read from (track_id, instance_id)


def _v2_image(frame: Any, record: dict[str, Any]) -> None:
    """XS-VID v2 images carry `frame_index` (0-based) and a `frame_id` that strictly increases in
    each video in file-name order (YOLOFT 2026's protocol checks it)."""
    if record.get("frame_index") is not None:
        record.setdefault("frame_id", record["frame_index"])


def _v2_video(video: Any, record: dict[str, Any]) -> None:
    """TAO's evaluation indexes these on every video; a source that has none says nothing is
    known to be absent or incompletely annotated."""
    record.setdefault("neg_category_ids", [])
    record.setdefault("not_exhaustive_category_ids", [])


XSVID_V2 = Rules(
    "xsvid-v2", track_keys=("track_id", "instance_id"), write_track_key="track_id", track_key_required=True,
    needs_videos=True,
    unique_tracks=True, default_annotation_keys=AREA | ISCROWD | VIDEO_ID, ignore_key_on_ignored=True,
    image_defaults=_v2_image, video_defaults=_v2_video, complete_videos=True, frame_key="frame_index",
    tracks_list=True,
)
"""The XS-VID v2 release JSON: COCO with XS-VID's video keys, as its tools read it: every
annotation with `iscrowd`, `area`, `video_id` and `track_id` (unique across videos), ignored boxes
with `ignore` and `iscrowd` 1, images with `frame_index` and `frame_id`, a `tracks` list, and videos
with TAO's category lists."""
