"""TAO ground truth (XS-VID scores its MOT protocol with TAO's toolkit): COCO with `videos`
(`neg_category_ids`, `not_exhaustive_category_ids`), `tracks` (`id`, `category_id`, `video_id`),
images with `video_id` and `frame_index`, annotations with `track_id`, `video_id`, `bbox`, `area`,
`iscrowd`.

TAO's evaluation indexes tracks by id alone and asserts each has one category: a track id in two
videos, or a track whose boxes change category, is refused naming the track; with `--lenient` the
first category seen wins (XS-VID's `normalize_tao_tracks.py` rule) and the rewrites are counted.
Written from another source, track ids repeated across videos are renumbered from 1 (the
originals kept as `mot_instance_id`).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from ..errors import ConvertError
from ..model import NO_TRACK, Dataset, pair_codes
from ..run import Run
from .base import FIELDS, Format, json_head
from .coco import CocoOptions, json_file
from .coco.document import read_document
from .coco.rules import XSVID_V2
from .coco.writer import write_document

TAO = dataclasses.replace(XSVID_V2, name="tao", track_keys=("track_id",), ignore_key_on_ignored=False)


def read(path: Path, options: CocoOptions, run: Run) -> Dataset:
    dataset = read_document(path, TAO, run, images_root=options.images_root, image_size_default=options.image_size,
                            track_field=options.track_field)
    _one_video_per_track(dataset, str(path), run)
    dataset.boxes = one_category_per_track(dataset, str(path), run)
    return dataset


def write(dataset: Dataset, target: Path, options: object, run: Run) -> None:
    dataset = dataset.model_copy(update={"boxes": one_category_per_track(dataset, "tracks", run)})
    write_document(dataset, target, TAO, run)


def _one_video_per_track(dataset: Dataset, src: str, run: Run) -> None:
    b = dataset.boxes
    has = b.track_id != NO_TRACK
    video = dataset.box_video_ids()
    tracks, first = np.unique(b.track_id[has], return_index=True)
    first_video = dict(zip(tracks.tolist(), video[has][first].tolist()))
    moved = np.flatnonzero(has & (video != np.array([first_video.get(t, v) for t, v in zip(b.track_id.tolist(),
                                                                                            video.tolist())])))
    if len(moved) and not run.lenient:
        i = int(moved[0])
        raise ConvertError(f"{src}: track {b.track_id[i]}", f"is in video {first_video[int(b.track_id[i])]} and in "
                                                            f"video {video[i]}; TAO needs track ids unique across videos")
    if len(moved):
        run.note(f"{len(np.unique(b.track_id[moved]))} track ids are in two videos: written as new ids")


def one_category_per_track(dataset: Dataset, where: str, run: Run):
    """The boxes, each track's category the first one seen in file order; strict refuses a
    track whose category changes.  A track is a (video, track id) pair: per-sequence formats
    number tracks in each video, and the writer makes the ids unique."""
    b = dataset.boxes
    has = np.flatnonzero(b.track_id != NO_TRACK)
    if not len(has):
        return b
    codes = pair_codes(dataset.box_video_ids()[has], b.track_id[has])
    _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    wanted = b.category_id[has][first][inverse]
    changed = has[wanted != b.category_id[has]]
    if not len(changed):
        return b
    i = int(changed[0])
    if not run.lenient:
        k = int(np.searchsorted(has, i))
        raise ConvertError(f"{where}: track {b.track_id[i]}", f"has category {b.category_id[i]} and {wanted[k]}: "
                                                              "TAO needs one category per track (--lenient: the first wins)")
    category = b.category_id.copy()
    category[has] = wanted
    run.count("category_rewrites", len(changed))
    run.note(f"{len(changed)} boxes took their track's first category (one category per track)")
    return b.replace(category_id=category)


def detect(path: Path) -> int:
    head = json_head(path).lstrip()
    return 65 if head.startswith(b"{") and b'"neg_category_ids"' in head else 0


FORMAT = Format(
    "tao", "TAO ground truth JSON (videos, tracks; XS-VID's MOT protocol)", read, write, detect, options=CocoOptions,
    output="file", carries=frozenset(FIELDS) - {"truncation", "occlusion", "visibility", "visibility_unknown",
                                                 "frames_without_video"},
    lossy_note="one category per track", annotation_files=json_file,
)
