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
    """Fields with a value that the record must have: the source's keys when the source is of this
    family member (`same`), else every one; then its extras (mapped fields win a clash)."""
    out = {}
    for key, value in fields.items():
        if value is None:
            continue
        if source is None or not same or key in source or key in required:
            out[key] = value
    for key, value in extras.items():
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


def image_record(f: Frame, video_id: int | None, frame_index: int | None, rules: Rules, same: bool) -> dict[str, Any]:
    source = keys_of(f)
    index_key = "frame_index" if source is not None and "frame_index" in source else rules.frame_key
    if source is None or not same:
        index_key = rules.frame_key
    fields = {"id": f.id, "file_name": _file_name(f), "width": f.width, "height": f.height,
              "video_id": video_id, index_key: frame_index}
    required = ("id", "file_name") + (("video_id", index_key) if rules.needs_videos else ())
    record = chosen(fields, source, required, same, f.extras)
    if rules.image_defaults is not None and not same:
        rules.image_defaults(f, record)
    return record


def _file_name(f: Frame) -> str:
    """The file name as the source spelled it (`a\\b.jpg` stays), if the frame still has it."""
    spelled = f.hints.get("coco.file_name")
    if spelled is not None and spelled[0] == f.file_name:
        return spelled[1]
    return f.file_name


def source_rules(dataset: Dataset) -> str | None:
    """The family member the dataset was read as, if it was read from a COCO-family file."""
    return dataset.hints.get("coco", {}).get("rules")
