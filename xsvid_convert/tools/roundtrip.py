"""Round-trip validation: A → A must be identical (its annotation files too, byte for byte or, for
JSON, equal with the same types); A → B → A may lose only what the loss matrix says B cannot carry.
Every difference outside that is reported: in the boxes' columns here, in what the records hold
besides (extras, supercategory, a video's fps, a frame's split, ids) in `roundtrip_records`."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from .. import api, formats
from ..files.paths import safe_name
from ..model import Dataset
from ..run import Run
from .roundtrip_records import EXTRAS, FrameChecks, compared_fields, extras_difference, frames_only_in, \
    record_differences, short

SHOWN = 50


@dataclass
class Result:
    source: str
    via: str
    lost: list[str]
    differences: list[str] = field(default_factory=list)
    files_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.differences

    def text(self) -> str:
        verdict = "identical" if self.ok and not self.lost else "OK within the loss matrix" if self.ok else "DIFFERS"
        lines = [f"{self.source} -> {self.via} -> {self.source}: {verdict}"]
        if self.files_checked:
            lines.append(f"  annotation files compared: {self.files_checked}")
        lines += [f"  lost by design: {item}" for item in self.lost]
        lines += [f"  difference: {item}" for item in self.differences[:SHOWN]]
        if len(self.differences) > SHOWN:
            lines.append(f"  ... {len(self.differences) - SHOWN} more differences")
        return "\n".join(lines)


def check(src: Path, source: str, via: str, scratch: Path, **options: Any) -> Result:
    original = api.read(src, source, **options)
    spec_a, spec_b = formats.get(source), formats.get(via)
    sizes = Run()
    sizes.known_sizes = {f.file_name: (f.width, f.height) for f in original.frames if f.width and f.height}
    one_size = set(sizes.known_sizes.values())
    if len(one_size) == 1 and options.get("image_size") is None:  # where the copy has no image to read
        options = {**options, "image_size": one_size.pop()}
    # a format of one split per file keeps the split in the file's name, as convert names it
    splits = original.splits()
    stem = safe_name(splits[0], "split") if len(splits) == 1 and splits[0] else "middle"
    middle = scratch / (f"{stem}.json" if spec_b.output == "file" else "middle")
    api.write(original, middle, via, **options)
    result = Result(source, via, formats.loss(source, via))
    if source == via:
        if spec_a.annotation_files is not None:
            opts = api.options_for(spec_a, options, "read")
            result.files_checked = compare_files(spec_a.annotation_files(src, opts),
                                                 spec_a.annotation_files(middle, opts), result.differences)
        back = api.read(middle, via, run=sizes, **options)
        fields = compared_fields(spec_a.carries, spec_a.carries)
        result.differences += compare(original, back, fields, exact="exact_boxes" in spec_a.carries)
        return result
    mid = api.read(middle, via, run=sizes, **options)
    _point_at_images(original, mid)
    end = scratch / ("end.json" if spec_a.output == "file" else "end")
    api.write(mid, end, source, **options)
    back = api.read(end, source, run=sizes, **options)
    fields = compared_fields(spec_a.carries, spec_b.carries)
    result.differences += compare(original, back, fields, exact="exact_boxes" in fields)
    return result


def _point_at_images(original: Dataset, copy: Dataset) -> None:
    """Let the copy find the original's images, as a user would with --images-root."""
    where = {f.file_name: original.image_path(f) for f in original.frames}
    for frame in copy.frames:
        if frame.source is None and where.get(frame.file_name) is not None:
            frame.source = str(where[frame.file_name])


def compare_files(a: dict[str, Path], b: dict[str, Path], differences: list[str]) -> int:
    """Each annotation file of the source against the one written at its key: bytes equal, or for
    JSON the same document with the same types (1 is not 1.0, true is not 1)."""
    for key, path in a.items():
        other = b.get(key)
        if other is None:
            differences.append(f"{key or path.name}: not written back")
        elif path.suffix == ".json":
            first, second = orjson.loads(path.read_bytes().removeprefix(b"\xef\xbb\xbf")), orjson.loads(other.read_bytes())
            where = typed_difference(first, second, "$")
            if where:
                differences.append(f"{key or path.name}: JSON differs at {where}")
        elif path.read_bytes() != other.read_bytes():
            differences.append(f"{key}: written back differently")
    for key in b.keys() - a.keys():
        differences.append(f"{key}: written but not in the source")
    return len(a)


def typed_difference(a: Any, b: Any, where: str) -> str | None:
    """The first JSON path where `a` and `b` differ in value or type, or None."""
    if type(a) is not type(b):
        return f"{where} ({type(a).__name__} {short(a)} became {type(b).__name__} {short(b)})"
    if isinstance(a, dict):
        if a.keys() != b.keys():
            return f"{where} (keys {sorted(a.keys() ^ b.keys())[:5]} added or lost)"
        for key in a:
            found = typed_difference(a[key], b[key], f"{where}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{where} ({len(a)} items became {len(b)})"
        for k, (x, y) in enumerate(zip(a, b)):
            found = typed_difference(x, y, f"{where}[{k}]")
            if found:
                return found
        return None
    return None if a == b else f"{where} ({short(a)} became {short(b)})"


def _matching(a: Dataset, b: Dataset, carried: frozenset[str]) -> str:
    """How a frame is matched with its copy, the same way on both sides: by video and index when
    both keep videos, else by file name, else (a target that keeps neither) by place."""
    def in_videos(ds: Dataset) -> bool:
        return bool(ds.videos) and all(f.video_id is not None and f.frame_index is not None for f in ds.frames)

    if "videos" in carried and in_videos(a) and in_videos(b):
        return "videos"
    return "file_names" if "file_names" in carried else "place"


def _frame_keys(ds: Dataset, matching: str) -> list[tuple]:
    if matching == "videos":
        videos = {v.id: v.name for v in ds.videos}
        return [(videos[f.video_id], f.frame_index) for f in ds.frames]
    if matching == "file_names":
        return [(f.file_name,) for f in ds.frames]
    rank = {k: r for r, k in enumerate(sorted(range(len(ds.frames)), key=lambda k: ds.frames[k].file_name))}
    return [(f"frame #{rank[k]}",) for k in range(len(ds.frames))]


def compare(a: Dataset, b: Dataset, carried: frozenset[str], exact: bool) -> list[str]:
    """What differs between `a` and `b` among the fields compared (`compared_fields`)."""
    out = _compare_categories(a, b, carried) + record_differences(a, b, carried)
    matching = _matching(a, b, carried)
    keys_a, keys_b = _frame_keys(a, matching), _frame_keys(b, matching)
    index_b = {k: i for i, k in enumerate(keys_b)}
    missing = [k for k in keys_a if k not in index_b]
    if missing and "empty_frames" in carried:
        out.append(f"{len(missing)} frames not written back, first {missing[0]}")
    out += frames_only_in(keys_a, keys_b)
    frames = FrameChecks(a, b, carried, by_video=matching == "videos")
    rows_a = _rows_by_frame(a, "unclipped_boxes" in carried, "ignore" in carried)
    rows_b = _rows_by_frame(b, True, True)
    names = {c.id: c.name for c in a.categories}, {c.id: c.name for c in b.categories}
    for ka, fa in zip(keys_a, a.frames):
        if ka not in index_b:
            if rows_a.get(fa.id):
                out.append(f"frame {ka}: not written back, with its {len(rows_a[fa.id])} boxes")
            continue
        fb = b.frames[index_b[ka]]
        out += frames.frame(ka, fa, fb)
        out += _compare_boxes(ka, fa, rows_a.get(fa.id, []), rows_b.get(fb.id, []), carried, exact, names)
    return out + frames.summary()


def _compare_categories(a: Dataset, b: Dataset, carried: frozenset[str]) -> list[str]:
    if "category_names" not in carried and "category_ids" not in carried:
        return []

    def key(c: Any) -> tuple:
        return (c.id if "category_ids" in carried else None, c.name if "category_names" in carried else None)

    used = set(a.boxes.category_id.tolist())
    lost = {key(c) for c in a.categories if c.id in used} - {key(c) for c in b.categories}
    return [f"categories differ: {sorted(lost, key=str)} not written back"] if lost else []


def _compare_boxes(frame: tuple, fa: Any, ra: list[dict], rb: list[dict], carried: frozenset[str], exact: bool,
                   names: tuple[dict, dict]) -> list[str]:
    """The boxes of one frame in order; where that finds differences, in a common order too
    (a format may group its rows otherwise, e.g. ignore regions in a file of their own): the
    fewer differences stand."""
    if len(ra) != len(rb):
        return [f"frame {frame}: {len(ra)} boxes became {len(rb)}"]
    tol = 0.0 if exact else 1e-6 * max(fa.width or 1, fa.height or 1)
    in_order = _box_differences(frame, ra, rb, carried, tol, names)
    if not in_order:
        return []
    reordered = _box_differences(frame, sorted(ra, key=_place), sorted(rb, key=_place), carried, tol, names)
    return min(in_order, reordered, key=len)


def _place(box: dict) -> tuple:
    return tuple(round(v, 2) for v in box["xywh"])


def _box_differences(frame: tuple, ra: list[dict], rb: list[dict], carried: frozenset[str], tol: float,
                     names: tuple[dict, dict]) -> list[str]:
    out, extras = [], EXTRAS in carried
    for box_a, box_b in zip(ra, rb):
        problems = []
        if any(abs(p - q) > tol for p, q in zip(box_a["xywh"], box_b["xywh"])):
            problems.append(f"box {box_a['xywh']} became {box_b['xywh']}")
        if box_a["ignore"] and box_b["ignore"] and "ignored_boxes" not in carried:
            out += [f"frame {frame}: " + "; ".join(problems)] if problems else []
            continue
        if "category_ids" in carried and box_a["category"] != box_b["category"]:
            problems.append(f"category {box_a['category']} became {box_b['category']}")
        elif "category_names" in carried and names[0][box_a["category"]] != names[1][box_b["category"]]:
            problems.append(f"category {names[0][box_a['category']]} became {names[1][box_b['category']]}")
        for name in ("track_id", "score", "ignore", "truncation", "occlusion", "visibility"):
            if name not in carried or _same(box_a[name], box_b[name]):
                continue
            if name == "score" and _score_explained(box_a, box_b, carried):
                continue
            if name == "visibility" and math.isnan(box_a[name]) and box_b[name] == 1.0 and "visibility_unknown" not in carried:
                continue
            problems.append(f"{name} {box_a[name]} became {box_b[name]}")
        if "image_ids" in carried and box_a["id"] != box_b["id"]:
            problems.append(f"annotation id {box_a['id']} became {box_b['id']}")
        if extras and (box_a["extras"] or box_b["extras"]):
            found = extras_difference(box_a["extras"], box_b["extras"], "box extras")
            problems += [found] if found else []
        if problems:
            out.append(f"frame {frame}: " + "; ".join(problems))
    return out


def _score_explained(box_a: dict, box_b: dict, carried: frozenset[str]) -> bool:
    """A score the target had to invent (MOT and VisDrone write the consider flag: 1, or 0 for an
    ignored box), or an ignored box's score the target writes as 0."""
    if math.isnan(box_a["score"]) and box_b["score"] == (0.0 if box_a["ignore"] else 1.0):
        return "score_unknown" not in carried
    return box_a["ignore"] and "ignored_score" not in carried and box_b["score"] == 0.0


def _same(x: Any, y: Any) -> bool:
    if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
        return True
    return x == y


def _rows_by_frame(ds: Dataset, unclipped: bool, keep_ignored: bool) -> dict[int, list[dict]]:
    """Boxes per frame id in dataset order; for a target that clips boxes to the image (YOLO),
    clipped as it must, empty ones left out."""
    b = ds.boxes
    sizes = {f.id: (f.width, f.height) for f in ds.frames}
    out: dict[int, list[dict]] = {}
    columns = {name: getattr(b, name).tolist() for name in ("id", "x", "y", "w", "h", "frame_id", "category_id",
                                                            "track_id", "score", "ignore", "truncation", "occlusion",
                                                            "visibility")}
    extras = b.extras if b.extras is not None else [None] * len(b)
    for i in range(len(b)):
        if not keep_ignored and columns["ignore"][i]:
            continue
        x, y, w, h = columns["x"][i], columns["y"][i], columns["w"][i], columns["h"][i]
        if not unclipped:
            W, H = sizes[columns["frame_id"][i]]
            x1, y1 = min(max(x, 0), W), min(max(y, 0), H)
            x2, y2 = min(max(x + w, 0), W), min(max(y + h, 0), H)
            if x2 <= x1 or y2 <= y1:
                continue
            x, y, w, h = x1, y1, x2 - x1, y2 - y1
        out.setdefault(columns["frame_id"][i], []).append({
            "xywh": (x, y, w, h), "category": columns["category_id"][i], "track_id": columns["track_id"][i],
            "score": columns["score"][i], "ignore": columns["ignore"][i], "truncation": columns["truncation"][i],
            "occlusion": columns["occlusion"][i], "visibility": columns["visibility"][i], "id": columns["id"][i],
            "extras": extras[i],
        })
    return out

