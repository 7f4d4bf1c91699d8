"""Writing ImageNet-VID: one XML per frame, the images beside them, the ImageSets lists."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from ...errors import ConvertError
from ...files.images import bring_image, image_size
from ...files.paths import safe_name, safe_relpath
from ...model import Dataset, Video
from ...run import Run
from ..sequences import PerVideo, check_unique_names, per_video, sequence_track_ids
from . import imagesets
from .classes import NAME_OF_ID, wnid_table
from .read import ANNOTATIONS, DATA, HINT, IMAGE_SUFFIX
from .xml_file import DATABASE, DEFAULT_STYLE, NO_GENERATED, NO_OCCLUDED, ORDERS

DEFAULT_SPLIT = "train"
SPLITS = ("train", "val", "test")
_JPEG = {".jpeg", ".jpg"}


def escape(text: str) -> str:
    """XML character data (xml.sax.saxutils' escape, without importing urllib for it)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass
class Written:
    """One object as it is written: texts, and its layout code (see `ParsedObject.layout`)."""

    trackid: str
    name: str
    corners: dict[str, str]
    occluded: str
    generated: str
    layout: int = 0


def render(folder: str | None, filename: str | None, database: str | None, width: int, height: int,
           objects: list[Written], style: tuple[str, str, str, str] = DEFAULT_STYLE) -> str:
    """The XML text of one frame; `None` leaves the element out (`database`: the whole `<source>`)."""
    head, ind, nl, tail = style
    i1, i2, i3 = ind, ind * 2, ind * 3
    out = [head, "<annotation>", nl]
    if folder is not None:
        out += [i1, "<folder>", escape(folder), "</folder>", nl]
    if filename is not None:
        out += [i1, "<filename>", escape(filename), "</filename>", nl]
    if database is not None:
        out += [i1, "<source>", nl, i2, "<database>", escape(database), "</database>", nl, i1, "</source>", nl]
    out += [i1, "<size>", nl, i2, f"<width>{width}</width>", nl, i2, f"<height>{height}</height>", nl,
            i1, "</size>", nl]
    for obj in objects:
        out += [i1, "<object>", nl, i2, f"<trackid>{obj.trackid}</trackid>", nl, i2, f"<name>{escape(obj.name)}</name>",
                nl, i2, "<bndbox>", nl]
        for corner in ORDERS[obj.layout & 31]:
            out += [i3, f"<{corner}>{obj.corners[corner]}</{corner}>", nl]
        out += [i2, "</bndbox>", nl]
        if not obj.layout & NO_OCCLUDED:
            out += [i2, f"<occluded>{obj.occluded}</occluded>", nl]
        if not obj.layout & NO_GENERATED:
            out += [i2, f"<generated>{obj.generated}</generated>", nl]
        out += [i1, "</object>", nl]
    out += ["</annotation>", tail]
    return "".join(out)


@dataclass
class _Texts:
    """Every box's element texts, computed once for the whole table."""

    corners: dict[str, list[str]]
    trackid: list[str]
    name: list[str]
    occluded: list[str]
    generated: list[str]
    layout: list[int]

    def box(self, i: int) -> Written:
        return Written(self.trackid[i], self.name[i], {k: v[i] for k, v in self.corners.items()}, self.occluded[i],
                       self.generated[i], self.layout[i])


def write(dataset: Dataset, target: Path, options: Any, run: Run) -> None:
    b = dataset.boxes
    keep = ~b.ignore
    if not keep.all():
        run.count("ignored_dropped", int((~keep).sum()))
        run.note("ImageNet-VID has no ignore flag: ignored boxes are not written")
    _check_categories(dataset, keep)
    texts = _box_texts(dataset, options, run)
    layout = per_video(dataset, run)
    order, starts = dataset.boxes_by_frame()
    places = [(_place(dataset, layout, v), v) for v in layout.videos]
    check_unique_names([(f"{split}/{name}", f"video {v.name!r}") for (split, name), v in places], "output folder")
    listed = []
    for (split, name), video in run.bar(places, len(places), "snippets"):
        members = sorted(layout.frames_of[video.id], key=lambda k: layout.frame_index[k])
        if not members:  # a video without frames has no file to be
            continue
        folder = target / ANNOTATIONS / split / name
        folder.mkdir(parents=True)
        for k in members:
            rows = order[starts[k]:starts[k + 1]]
            _write_frame(dataset, k, layout.frame_index[k], name, folder, [texts.box(i) for i in rows[keep[rows]]], run)
            if options.images != "none":  # skip building paths nobody uses
                image = target / DATA / split / name / f"{layout.frame_index[k]:06d}{IMAGE_SUFFIX}"
                bring_image(dataset.image_path(dataset.frames[k]), image, options.images, run)
        trains = [(layout.frame_index[k], dataset.frames[k].extras.get(imagesets.TRAIN_KEY, True) is not False)
                  for k in members]
        listed.append((split, name, layout.length(video.id), trains))
        run.count("frames", len(members))
    _write_lists(dataset, target, listed, options)
    run.count("boxes", int(keep.sum()))
    if any(PurePosixPath(f.file_name).suffix.lower() not in _JPEG for f in dataset.frames) and options.images != "none":
        run.note("images that are not JPEG are linked or copied under %06d.JPEG names (MEGA and mmtracking open "
                 "them by content)")


def _place(dataset: Dataset, layout: PerVideo, video: Video) -> tuple[str, str]:
    """(split folder, snippet path) of a video: its frames' split; else, for a name such as
    mmtracking's `val/ILSVRC2015_val_00000000`, its first part; else train."""
    where = f"video {video.id}: name"
    name = safe_relpath(video.name, where)
    split = next((dataset.frames[k].split for k in layout.frames_of[video.id] if dataset.frames[k].split), None)
    head, _, rest = name.partition("/")
    if split is None and head in SPLITS and rest:
        split, name = head, rest
    return safe_name(split or DEFAULT_SPLIT, f"video {video.name}: split"), name


def _write_frame(dataset: Dataset, k: int, index: int, name: str, folder: Path, objects: list[Written],
                 run: Run) -> None:
    frame = dataset.frames[k]
    width, height = frame.width, frame.height
    if not width or not height:
        found = image_size(dataset.image_path(frame)) if dataset.image_path(frame) else None
        width, height = found or run.known_sizes.get(frame.file_name) or (None, None)
    if not width or not height:
        raise dataset.size_unknown(frame, "ImageNet-VID's XML records it")
    hints = frame.hints.get(HINT, {})
    text = render(hints.get("folder", name), hints.get("filename", f"{index:06d}"), hints.get("database", DATABASE),
                  int(width), int(height), objects, hints.get("style", DEFAULT_STYLE))
    with open(folder / f"{index:06d}.xml", "wb") as fh:
        fh.write(text.encode("utf-8"))


def _check_categories(dataset: Dataset, keep: np.ndarray) -> None:
    """Only ImageNet-VID's 30 classes have a WordNet id to write."""
    used = set(np.unique(dataset.boxes.category_id[keep]).tolist())
    outside = sorted(used - set(NAME_OF_ID))
    names = {c.id: c.name for c in dataset.categories}
    if outside:
        raise ConvertError(f"category {outside[0]} ({names.get(outside[0], '?')})",
                           "ImageNet-VID's classes are category ids 1..30 (airplane .. zebra, as mmtracking numbers "
                           "them); map the categories first, e.g. --category-map with a YAML map onto those names")


def _box_texts(dataset: Dataset, options: Any, run: Run) -> _Texts:
    b = dataset.boxes
    n = len(b)
    if any(names_differ := [c.id for c in dataset.categories if NAME_OF_ID.get(c.id, c.name) != c.name]):
        run.note(f"categories are not ImageNet-VID's (e.g. id {names_differ[0]}): ids are written as the WordNet ids "
                 "of ImageNet-VID's classes with those ids, names are lost")
    if np.isfinite(b.score).any():
        run.note("scores are not written: ImageNet-VID XML has none")
    track = sequence_track_ids(dataset, np.arange(n))
    if (track < 0).any():
        run.note("boxes without a track are written with trackid -1")
    xyxy = {"xmin": b.x, "ymin": b.y, "xmax": b.x + b.w, "ymax": b.y + b.h}
    if options.coordinates == "integer":
        rounded = {k: np.floor(v + 0.5) for k, v in xyxy.items()}
        run.count("rounded", int(np.any([rounded[k] != xyxy[k] for k in xyxy], axis=0).sum()) if n else 0)
        xyxy = rounded
    elif n and any((v != np.floor(v)).any() for v in xyxy.values()):
        run.note("boxes with fractional corners are written with decimals (MEGA reads them; mmtracking's "
                 "imagenet2coco_vid.py needs whole numbers: --coordinates integer rounds them)")
    wnids = wnid_table()
    occluded, generated = _flags(dataset)
    layout = b.hints.get(f"{HINT}.layout")
    return _Texts({k: _numbers(v) for k, v in xyxy.items()}, [str(t) for t in track.tolist()],
                  wnids[np.clip(b.category_id, 0, len(wnids) - 1)].tolist(), occluded, generated,
                  layout.tolist() if layout is not None else [0] * n)


def _numbers(values: np.ndarray) -> list[str]:
    """Whole numbers as integers (as ImageNet's files have them), others with the digits they need."""
    whole = (values == np.floor(values)).tolist()
    return [str(int(v)) if w else np.format_float_positional(v, unique=True, trim="-")
            for v, w in zip(values.tolist(), whole)]


def _flags(dataset: Dataset) -> tuple[list[str], list[str]]:
    """`occluded` / `generated` from the boxes' extras (as read, or as mmtracking's CocoVID keeps
    them); else occluded where the source gives an occlusion above 0 (VisDrone's levels)."""
    b = dataset.boxes
    occluded = np.where(np.nan_to_num(b.occlusion, nan=0.0) > 0, "1", "0").tolist()
    generated = ["0"] * len(b)
    if b.extras is not None:
        for i, extra in enumerate(b.extras):
            if extra:
                if "occluded" in extra:
                    occluded[i] = "1" if extra["occluded"] else "0"
                if "generated" in extra:
                    generated[i] = "1" if extra["generated"] else "0"
    return occluded, generated


def _write_lists(dataset: Dataset, target: Path, listed: list, options: Any) -> None:
    """The lists in the convention chosen; by default the source's (only those it had), or
    mmtracking's for a source of another format."""
    source = dataset.hints.get(HINT)
    if options.imagesets is not None:
        convention, inherited = (None if options.imagesets == "none" else options.imagesets), False
    elif source is not None:
        convention, inherited = source.get("imagesets"), True
    else:
        convention, inherited = "mmtracking", False
    if convention is not None:
        imagesets.write_lists(target, listed, convention, source or {}, inherited)
