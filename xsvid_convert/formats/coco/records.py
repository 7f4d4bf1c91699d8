"""The category, video and image records of a COCO-family document, as the writer gives them.

A source of the same family member is given back with exactly the keys each record had; another
source gets every key the member's consumers need (`Rules`)."""

from __future__ import annotations

from typing import Any

from ...model import Category, Dataset, Frame, Video
from .rules import Rules


def keys_of(record: Any) -> frozenset | None:
    """The keys the source record had, when it came from a COCO-family file."""
    return record.hints.get("coco.keys")


def chosen(fields: dict[str, Any], source: frozenset | None, required: tuple[str, ...], same: bool,
           extras: dict[str, Any]) -> dict[str, Any]:
    """The record's keys: the fields the source record had (every field when the source is not a
    COCO-family file), its extras, and — for another family member — the fields it lacked, where
    no extra key of the same name says otherwise."""
    out, later = {}, {}
    for key, value in fields.items():
        if value is None:
            continue
        if source is None or key in source or key in required:
            out[key] = value
        elif not same:
            later[key] = value
    for key, value in [*extras.items(), *later.items()]:
        out.setdefault(key, value)
    return out


def category_record(c: Category, same: bool) -> dict[str, Any]:
    fields = {"id": c.id, "name": c.name, "supercategory": c.supercategory}
    return chosen(fields, keys_of(c), ("id", "name"), same, c.extras)


def video_record(v: Video, rules: Rules, same: bool) -> dict[str, Any]:
    fields = {"id": v.id, "name": v.name, "width": v.width, "height": v.height, "fps": v.fps}
    record = chosen(fields, keys_of(v), ("id", "name"), same, v.extras)
    if rules.video_defaults is not None and not same:
        rules.video_defaults(v, record)
    return record


def image_record(f: Frame, video_id: int | None, frame_index: int | None, rules: Rules, same: bool,
                 file_name: str | None = None) -> dict[str, Any]:
    """`file_name`: the frame's name in a written layout that renames frames (YOLOFT's)."""
    source = keys_of(f)
    # the key the source gave the index under; this member's key too (the model's value unless an
    # extra key of that name, e.g. XS-VID's own frame_id beside frame_index, says otherwise)
    own = "frame_index" if source is not None and "frame_index" in source else "frame_id"
    fields = {"id": f.id, "file_name": file_name or _file_name(f), "width": f.width, "height": f.height, "video_id": video_id,
              own: frame_index}
    required = ("id", "file_name") + (("video_id", rules.frame_key) if rules.needs_videos else ())
    if rules.frame_key != own:
        if rules.needs_videos:
            fields[rules.frame_key] = frame_index
        elif not same or source is None:
            fields[rules.frame_key] = None  # placed after the extras, below
    record = chosen(fields, source, required, same, f.extras)
    if rules.frame_key != own and not rules.needs_videos and frame_index is not None and (not same or source is None):
        record.setdefault(rules.frame_key, frame_index)
    if rules.image_defaults is not None and not same:
        rules.image_defaults(f, record)
    return record


def _file_name(f: Frame) -> str:
    """The file name as the source spelled it (`a\\b.jpg` stays), if the frame still has it."""
    spelled = f.hints.get("coco.file_name")
    if spelled is not None and spelled[0] == f.file_name:
        return spelled[1]
    return f.file_name


def document_head(dataset: Dataset) -> tuple[dict[str, Any], dict[str, Any]]:
    """What a COCO-family file's top level was (its extra keys, and how it was read), to write a
    part of the dataset back as that file."""
    return dataset.extras, dataset.hints.get("coco", {})


def with_document_head(dataset: Dataset, head: tuple[dict[str, Any], dict[str, Any]]) -> Dataset:
    return dataset.model_copy(update={"extras": head[0], "hints": {**dataset.hints, "coco": head[1]}})


def source_rules(dataset: Dataset) -> str | None:
    """The family member the dataset was read as, if it was read from a COCO-family file."""
    return dataset.hints.get("coco", {}).get("rules")
