"""A COCO-family JSON document → the canonical model, under one member's rules.

Read: `images`, `annotations`, `categories` (ids kept, non-contiguous allowed), `videos`; image
`video_id` and `frame_index` (0-based) or else `frame_id`; annotation track ids from the first of
the rules' track keys a record has; `iscrowd` or `ignore` for ignored boxes.  Every key the model
does not name is kept in `extras`, and what was written how in hints, so that the writer gives
the document back with exactly its keys and number types.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ...errors import ConvertError
from ...files import jsonstream
from ...files.images import image_size
from ...files.paths import safe_relpath
from ...files.text import load_json
from ...model import BoxTable, Dataset, build_dataset
from ...run import Run
from .annotations import Place, read_annotations
from .rules import Rules

STREAM_BYTES = 64 << 20
"""Files at least this large have their annotations parsed a slice at a time (see jsonstream).
A whole-file parse is faster and takes ~10 bytes of memory a byte of JSON: XS-VID 2024's 50 MB
file is parsed whole (~480 MB), v2's 225 MB one in slices (the whole reading stays under 1 GB)."""
SLICE_BYTES = 8 << 20
TOP_KEYS = ("images", "annotations", "categories", "videos")
TRACK_FIELDS = {"track_id": ("track_id",), "instance_id": ("instance_id",),
                "paper_track_id": ("paper_track_id", "track_id")}
IMAGE_KEYS = ("id", "file_name", "width", "height", "video_id")
VIDEO_KEYS = ("id", "name", "width", "height", "fps")
CATEGORY_KEYS = ("id", "name", "supercategory")


def read_document(path: Path, rules: Rules, run: Run, *, images_root: Path | None = None,
                  image_size_default: tuple[int, int] | None = None, track_field: str | None = None) -> Dataset:
    src = str(path)
    track_keys = TRACK_FIELDS[track_field] if track_field else rules.track_keys
    doc, boxes, kept = _load(path, rules, track_keys, run)
    if not isinstance(doc, dict):
        raise ConvertError(f"{src}:$", f"expected a JSON object with images and annotations, found {type(doc).__name__}")
    images, categories = _list(doc, "images", src), _list(doc, "categories", src)
    videos = _list(doc, "videos", src, required=False)
    if rules.needs_videos and images and not videos:
        raise ConvertError(f"{src}:$.videos", f"a {rules.name} file needs a `videos` list")
    root = images_root or _guess_images_root(path, images)
    frames = [_frame(image, src, i, rules) for i, image in enumerate(images)]
    images.clear()  # the rows hold what they need; 222k image dicts are memory the models can reuse
    _fill_sizes(frames, root, image_size_default)
    top = {k: v for k, v in doc.items() if k not in TOP_KEYS}
    hints = {"coco": {"rules": rules.name, "top": list(doc), "track_keys": track_keys}}

    def locate(kind: str, index: int) -> str:
        name = {"boxes": "annotations", "frames": "images"}.get(kind, kind)
        if kind == "boxes" and kept is not None:
            index = int(kept[index])
        return f"{src}:$.{name}[{index}]"

    boxes, kept = _check_annotation_videos(boxes, kept, frames, lambda i: locate("boxes", i), run)
    return build_dataset(
        [_record(c, src, f"categories[{i}]", CATEGORY_KEYS) for i, c in enumerate(categories)],
        [_video(v, src, i) for i, v in enumerate(videos)], frames, boxes, locate, run,
        image_root=str(root), name=path.stem.removeprefix("instances_"), extras=top, hints=hints,
    )


def _load(path: Path, rules: Rules, track_keys: tuple[str, ...], run: Run) -> tuple[Any, BoxTable, np.ndarray | None]:
    """(the document, its annotations as columns, positions of those read or None if all were)."""
    if path.is_file() and path.stat().st_size >= STREAM_BYTES:
        streamed = _read_streamed(path, rules, track_keys, run)
        if streamed is not None:
            return streamed
    doc = load_json(path)
    annotations = _list(doc, "annotations", str(path), required=False) if isinstance(doc, dict) else []
    boxes, kept = read_annotations(annotations, rules, track_keys, Place(str(path)), run)
    return doc, boxes, kept


def _read_streamed(path: Path, rules: Rules, track_keys: tuple[str, ...], run: Run):
    """The document without its annotations, and their columns, for a large file read a slice at
    a time; None when the file is not laid out as expected (the whole-file read then runs)."""
    tables: list[BoxTable] = []
    positions: list[np.ndarray] = []
    bar = run.bar(iter(int, 1), path.stat().st_size // SLICE_BYTES + 1, "annotation slices")
    warned, skipped = len(run.warnings), run.counts["skipped"]

    def take(first: int, items: list) -> None:
        table, kept = read_annotations(items, rules, track_keys, Place(str(path), first), run)
        tables.append(table)
        positions.append(kept + first if kept is not None else np.arange(first, first + len(items)))
        next(bar)

    span = jsonstream.read_annotations(path, SLICE_BYTES, take)
    doc = jsonstream.head(path, *span) if span is not None else None
    if doc is None:  # the whole-file read that follows warns again, if it must
        del run.warnings[warned:]
        run.counts["skipped"] = skipped
        return None
    kept = np.concatenate(positions) if positions else np.zeros(0, np.int64)
    everything = len(kept) == 0 or (kept == np.arange(len(kept))).all()
    return doc, BoxTable.concat(tables), None if everything else kept


def _list(doc: dict, key: str, src: str, required: bool = True) -> list:
    if key not in doc:
        if required:
            raise ConvertError(f"{src}:$", f"missing key {key!r}")
        return []
    value = doc[key]
    if not isinstance(value, list):
        raise ConvertError(f"{src}:$.{key}", f"expected a list, found {type(value).__name__}")
    return value


def _record(item: Any, src: str, where: str, mapped: tuple[str, ...]) -> dict[str, Any]:
    """Mapped keys become fields; the rest go, untouched, to extras; which were there, to hints."""
    if not isinstance(item, dict):
        raise ConvertError(f"{src}:$.{where}", f"expected an object, found {type(item).__name__}")
    if "id" not in item:
        raise ConvertError(f"{src}:$.{where}", "missing key 'id'")
    row = {k: item[k] for k in mapped if k in item}
    row["extras"] = {k: v for k, v in item.items() if k not in mapped}
    row["hints"] = {"coco.keys": _interned(item)}
    return row


_KEY_SETS: dict[frozenset, frozenset] = {}


def _interned(item: dict) -> frozenset:
    """The record's key set, one shared object per distinct set (222k frames share a few)."""
    keys = frozenset(item)
    return _KEY_SETS.setdefault(keys, keys)


def _frame(image: Any, src: str, i: int, rules: Rules) -> dict[str, Any]:
    index_key = "frame_index" if isinstance(image, dict) and "frame_index" in image else "frame_id"
    row = _record(image, src, f"images[{i}]", IMAGE_KEYS + (index_key,))
    if index_key == "frame_id" and "frame_id" in row:
        row["frame_index"] = row.pop("frame_id")
    name = row.get("file_name")
    if isinstance(name, str):
        clean = safe_relpath(name, f"{src}:$.images[{i}].file_name")
        if clean != name:  # `a\b.jpg` or `./a.jpg`: written back as the source spelled it
            row["hints"]["coco.file_name"] = (clean, name)
        row["file_name"] = clean
    if rules.needs_videos and row.get("video_id") is None:
        raise ConvertError(f"{src}:$.images[{i}]", f"a {rules.name} image needs a video_id")
    return row


def _video(video: Any, src: str, i: int) -> dict[str, Any]:
    row = _record(video, src, f"videos[{i}]", VIDEO_KEYS)
    if isinstance(row.get("name"), str):  # a video name becomes a folder name in several formats
        safe_relpath(row["name"], f"{src}:$.videos[{i}].name")
    return row


def _guess_images_root(path: Path, images: list) -> Path:
    """The JSON's folder, or the `images/` beside it or above it (XS-VID ships annotations/ and
    images/ side by side)."""
    first = images[0].get("file_name") if images and isinstance(images[0], dict) else None
    if isinstance(first, str):
        for folder in (path.parent, path.parent / "images", path.parent.parent / "images"):
            if (folder / first).is_file():
                return folder
    return path.parent


def _fill_sizes(frames: list[dict], root: Path, default: tuple[int, int] | None) -> None:
    """Sizes the JSON leaves out, from the image headers (or --image-size); the hints still say
    the source had none, so a COCO file is written back without them."""
    for row in frames:
        if row.get("width") is None or row.get("height") is None:
            if not isinstance(row.get("file_name"), str):
                continue  # validation reports it
            size = image_size(root / row["file_name"]) or default
            if size is not None:
                row["width"], row["height"] = size


def _check_annotation_videos(boxes: BoxTable, kept: np.ndarray | None, frames: list[dict], locate,
                             run: Run) -> tuple[BoxTable, np.ndarray | None]:
    """An annotation's own `video_id` (XS-VID v2 has one) must be its image's."""
    own = boxes.hints.get("coco.video")
    if own is None or not len(boxes) or (own == -1).all():
        return boxes, kept
    video_of = {f.get("id"): f.get("video_id") for f in frames}
    missing = object()
    image = [video_of.get(i, missing) for i in boxes.frame_id.tolist()]
    known = np.array([v is not missing for v in image], dtype=bool)
    video = np.array([v if type(v) is int else -2 for v in image], dtype=np.int64)
    bad = (own != -1) & known & (own != video)
    keep = run.reject(bad, locate, lambda i: f"video_id {own[i]} is not the video of its image "
                                             f"({image[i] if image[i] is not None else 'none'})")
    if keep.all():
        return boxes, kept
    positions = np.flatnonzero(keep) if kept is None else kept[keep]
    return boxes.take(keep), positions
