"""The canonical model → a COCO-family document, under one member's rules: the head (top-level
keys, categories, videos, images) as one object, the annotations as text a chunk at a time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import orjson

from ...model import NO_TRACK, Dataset, unique_pairs
from ...run import Run
from ..sequences import video_structure
from .annotation_text import AnnotationText
from .records import category_record, image_record, source_rules, video_record
from .rules import Rules

CHUNK = 20000


def write_document(dataset: Dataset, target: Path, rules: Rules, run: Run, file_names: list[str] | None = None) -> None:
    """`file_names`: the frames' names in a layout that renames them (default: their own)."""
    read_as = source_rules(dataset)
    same = read_as == rules.name
    if read_as is None:  # mmdet and mmtracking read width/height of every image
        dataset.require_sizes("COCO images carry it")
    if rules.complete_videos:
        videos, frame_video, frame_index = video_structure(dataset, run)
    else:
        videos, frame_video, frame_index = (dataset.videos, [f.video_id for f in dataset.frames],
                                            [f.frame_index for f in dataset.frames])
    head = _head(dataset, rules, same, read_as is not None, videos)
    names = file_names or [None] * len(dataset.frames)
    box_video = _box_videos(dataset, frame_video)
    track, original = (global_track_ids(dataset, box_video, run) if rules.unique_tracks
                       else (dataset.boxes.track_id, None))
    if rules.tracks_list and not same:  # TAO's readers index every annotation's track
        track = one_box_tracks(track, run)
    if rules.tracks_list and (not same or original is not None or "tracks" not in head):
        head["tracks"] = tracks_list(dataset.boxes.category_id, track, box_video)
    text = AnnotationText(dataset, rules, same, read_as is not None, box_video, track, original)
    n = len(dataset.boxes)
    with open(target, "wb") as out:
        out.write(orjson.dumps(head, option=orjson.OPT_SERIALIZE_NUMPY)[:-1])
        out.write(b',"images":[' if head else b'"images":[')
        for start in range(0, len(names), CHUNK):  # a chunk of records at a time: 222k dicts never at once
            part = slice(start, start + CHUNK)
            records = [image_record(f, v, i, rules, same, name) for f, v, i, name in zip(
                dataset.frames[part], frame_video[part], frame_index[part], names[part])]
            out.write((b"," if start else b"") + orjson.dumps(records, option=orjson.OPT_SERIALIZE_NUMPY)[1:-1])
        out.write(b'],"annotations":[')
        for start in run.bar(range(0, n, CHUNK), -(-n // CHUNK), "annotations"):
            out.write((b"," if start else b"") + text.text(start, min(start + CHUNK, n)))
        out.write(b"]}")
    run.count("frames", len(names))
    run.count("boxes", n)


def _head(dataset: Dataset, rules: Rules, same: bool, family: bool, videos: list) -> dict[str, Any]:
    """Top-level keys in the source's order (a COCO-family source), or this member's defaults
    first (and for plain COCO where the source is another member lacking them: mmtracking's
    CocoVID files have no `info`); `images` and `annotations` are spliced in after."""
    order = dataset.hints.get("coco", {}).get("top", []) if family else []
    parts: dict[str, Any] = {} if same or (family and not rules.top_for_members) else dict(rules.default_top)
    parts.update(dataset.extras)
    parts["categories"] = [category_record(c, same) for c in dataset.categories]
    if videos or "videos" in order or rules.needs_videos:
        parts["videos"] = [video_record(v, rules, same) for v in videos]
    head = {k: parts.pop(k) for k in order if k in parts}
    head.update(parts)
    return head


def one_box_tracks(track: np.ndarray, run: Run) -> np.ndarray:
    """A track id for every box: where a member's readers need one on each annotation (TAO and
    XS-VID's scorers), a box of no track (an ignored region, a detection) becomes a track of its
    own, numbered after the largest id."""
    alone = np.flatnonzero(track == NO_TRACK)
    if not len(alone):
        return track
    track = track.copy()
    start = max(int(track.max()), 0) + 1
    track[alone] = np.arange(start, start + len(alone))
    run.count("one_box_tracks", len(alone))
    return track


def tracks_list(category: np.ndarray, track: np.ndarray, box_video: np.ndarray) -> list[dict[str, int]]:
    """TAO's `tracks`: one per track id, with the category and video of its first box."""
    has = np.flatnonzero(track != NO_TRACK)
    ids, first = np.unique(track[has], return_index=True)
    rows = has[first]
    return [{"id": int(t), "category_id": int(c), "video_id": int(v)}
            for t, c, v in zip(ids.tolist(), category[rows].tolist(), box_video[rows].tolist())]


def _box_videos(dataset: Dataset, frame_video: list) -> np.ndarray:
    if not len(dataset.boxes):
        return np.zeros(0, np.int64)
    video_of_frame = np.array([-1 if v is None else v for v in frame_video], dtype=np.int64)
    return video_of_frame[dataset.frame_positions()]


def global_track_ids(dataset: Dataset, box_video: np.ndarray, run: Run) -> tuple[np.ndarray, np.ndarray | None]:
    """Track ids unique across the file (mmtracking and TAO index tracks by id alone): ids used in
    one video only are kept; an id used in several videos keeps it in the first (in frame order)
    and gets new ids, after the largest, in the others.  The originals are returned, to be
    written as `mot_instance_id`, as mmtracking's MOT converter does."""
    track = dataset.boxes.track_id
    has = track != NO_TRACK
    pairs = unique_pairs(track[has], box_video[has])
    if len(np.unique(pairs[0])) == pairs.shape[1]:
        return track, None
    order, _ = dataset.boxes_by_frame()
    owner: dict[int, int] = {}
    lookup: dict[tuple[int, int], int] = {}
    next_id = max(int(track[has].max()), 0) + 1
    new = np.full(len(track), NO_TRACK, dtype=np.int64)
    for i in order[has[order]].tolist():
        key = (int(box_video[i]), int(track[i]))
        if key not in lookup:
            if owner.setdefault(key[1], key[0]) == key[0]:
                lookup[key] = key[1]
            else:
                lookup[key], next_id = next_id, next_id + 1
        new[i] = lookup[key]
    run.count("renumbered_tracks", sum(1 for (v, t), n in lookup.items() if n != t))
    run.note("track ids repeat across videos: the repeats written as new ids, the originals kept as mot_instance_id")
    return new, track
