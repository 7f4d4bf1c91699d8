"""Round-trip validation: A → canonical → A must be identical; A → B → A may lose only what the
loss matrix says B cannot carry."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from . import api, converters
from .schemas import Dataset

TEXT_SUFFIXES = {".txt", ".ini"}


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
        lines = [f"{self.source} -> {self.via} -> {self.source}: "
                 + ("identical" if self.ok and not self.lost else "OK within the loss matrix" if self.ok else "DIFFERS")]
        if self.files_checked:
            lines.append(f"  annotation files compared: {self.files_checked}")
        for item in self.lost:
            lines.append(f"  lost by design: {item}")
        for item in self.differences[:50]:
            lines.append(f"  difference: {item}")
        if len(self.differences) > 50:
            lines.append(f"  ... {len(self.differences) - 50} more differences")
        return "\n".join(lines)


def check(src: Path, source: str, via: str, scratch: Path, **options: Any) -> Result:
    original = api.read(src, source, **options)
    spec_a, spec_b = converters.get(source), converters.get(via)
    middle = scratch / ("middle.json" if spec_b.output == "file" else "middle")
    api.write(original, middle, via)
    result = Result(source, via, converters.loss(source, via))
    if source == via and source != "yolo":  # YOLO is read from several layouts, written in ours
        result.files_checked = _compare_files(src, middle, spec_a.output, result.differences)
        back = api.read(middle, via, **{k: v for k, v in options.items() if k == "image_size"})
    else:
        mid = api.read(middle, via, **{k: v for k, v in options.items() if k == "image_size"})
        _point_at_images(original, mid)
        end = scratch / ("end.json" if spec_a.output == "file" else "end")
        api.write(mid, end, source)
        back = api.read(end, source, **{k: v for k, v in options.items() if k == "image_size"})
    carried = spec_a.carries & spec_b.carries
    result.differences += compare(original, back, carried)
    return result


def _point_at_images(original: Dataset, copy: Dataset) -> None:
    """Let the copy find the original's images, as a user would with --images-root."""
    where = {f.file_name: original.image_path(f) for f in original.frames}
    for frame in copy.frames:
        if frame.source is None and where.get(frame.file_name) is not None:
            frame.source = str(where[frame.file_name])


def _compare_files(src: Path, out: Path, kind: str, differences: list[str]) -> int:
    if kind == "file":
        a, b = orjson.loads(src.read_bytes()), orjson.loads(out.read_bytes())
        if a != b:
            differences.append(f"{out.name}: JSON differs from {src}")
        return 1
    base = out
    children = [p for p in out.iterdir() if p.is_dir()]
    if (src / "seqinfo.ini").exists() or (src / "gt").is_dir():
        base = children[0] if len(children) == 1 else out
    count = 0
    for path in sorted(src.rglob("*")):
        if path.suffix not in TEXT_SUFFIXES or not path.is_file() or path.name in ("train.txt", "test.txt", "valid.txt"):
            continue
        relative = path.relative_to(src)
        if relative.parts[0] in ("images", "sequences") or "img1" in relative.parts:
            continue
        other = base / relative
        count += 1
        if not other.is_file():
            differences.append(f"{relative}: not written back")
        elif other.read_bytes() != path.read_bytes():
            differences.append(f"{relative}: written back differently")
    return count


def _frame_key(ds: Dataset) -> list[tuple]:
    videos = {v.id: v.name for v in ds.videos}
    if ds.videos and all(f.video_id is not None and f.frame_index is not None for f in ds.frames):
        return [(videos[f.video_id], f.frame_index) for f in ds.frames]
    return [(f.file_name,) for f in ds.frames]


def compare(a: Dataset, b: Dataset, carried: frozenset[str]) -> list[str]:
    """What differs between `a` and `b` among the fields both formats carry."""
    out: list[str] = []
    if "category_names" in carried or "category_ids" in carried:
        ca = [(c.id if "category_ids" in carried else None, c.name if "category_names" in carried else None)
              for c in a.categories]
        cb = [(c.id if "category_ids" in carried else None, c.name if "category_names" in carried else None)
              for c in b.categories]
        used = set(a.boxes.category_id.tolist())
        ca_used = {x for x, c in zip(ca, a.categories) if c.id in used}
        if not ca_used <= set(cb):
            out.append(f"categories differ: {sorted(ca_used - set(cb), key=str)} not written back")
    keys_a, keys_b = _frame_key(a), _frame_key(b)
    if "videos" not in carried:
        keys_a = [(f.file_name,) for f in a.frames]
        keys_b = [(f.file_name,) for f in b.frames]
    index_b = {k: i for i, k in enumerate(keys_b)}
    missing = [k for k in keys_a if k not in index_b]
    if missing:
        out.append(f"{len(missing)} frames not written back, first {missing[0]}")
    exact = "exact_boxes" in carried
    rows_a = _rows_by_frame(a, exact, "ignore" in carried)
    rows_b = _rows_by_frame(b, True, True)
    name_a = {c.id: c.name for c in a.categories}
    name_b = {c.id: c.name for c in b.categories}
    for ka, fa in zip(keys_a, a.frames):
        if ka not in index_b:
            continue
        fb = b.frames[index_b[ka]]
        for side in ("width", "height"):
            if getattr(fa, side) and getattr(fb, side) and getattr(fa, side) != getattr(fb, side):
                out.append(f"frame {ka}: {side} {getattr(fa, side)} became {getattr(fb, side)}")
        ra, rb = rows_a.get(fa.id, []), rows_b.get(fb.id, [])
        if len(ra) != len(rb):
            out.append(f"frame {ka}: {len(ra)} boxes became {len(rb)}")
            continue
        tol = 0.0 if exact else 1e-6 * max(fa.width or 1, fa.height or 1)
        for box_a, box_b in zip(ra, rb):
            problems = []
            if any(abs(p - q) > tol for p, q in zip(box_a["xywh"], box_b["xywh"])):
                problems.append(f"box {box_a['xywh']} became {box_b['xywh']}")
            if "category_ids" in carried and box_a["category"] != box_b["category"]:
                problems.append(f"category {box_a['category']} became {box_b['category']}")
            elif "category_names" in carried and name_a[box_a["category"]] != name_b[box_b["category"]]:
                problems.append(f"category {name_a[box_a['category']]} became {name_b[box_b['category']]}")
            for name in ("track_id", "score", "ignore", "truncation", "occlusion", "visibility"):
                if name == "score" and math.isnan(box_a[name]) and box_b[name] == (0.0 if box_a["ignore"] else 1.0):
                    continue  # no score: MOT and VisDrone must write one, the consider flag
                if name in carried and not _same(box_a[name], box_b[name]):
                    problems.append(f"{name} {box_a[name]} became {box_b[name]}")
            if problems:
                out.append(f"frame {ka}: " + "; ".join(problems))
    return out


def _same(x: Any, y: Any) -> bool:
    if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
        return True
    return x == y


def _rows_by_frame(ds: Dataset, exact: bool, keep_ignored: bool) -> dict[int, list[dict]]:
    """Boxes per frame id in dataset order; for a lossy target, clipped as YOLO must clip them."""
    b = ds.boxes
    sizes = {f.id: (f.width, f.height) for f in ds.frames}
    out: dict[int, list[dict]] = {}
    for i in range(len(b)):
        if not keep_ignored and b.ignore[i]:
            continue
        x, y, w, h = float(b.x[i]), float(b.y[i]), float(b.w[i]), float(b.h[i])
        if not exact:
            W, H = sizes[int(b.frame_id[i])]
            x1, y1 = min(max(x, 0), W), min(max(y, 0), H)
            x2, y2 = min(max(x + w, 0), W), min(max(y + h, 0), H)
            if x2 <= x1 or y2 <= y1:
                continue
            x, y, w, h = x1, y1, x2 - x1, y2 - y1
        out.setdefault(int(b.frame_id[i]), []).append({
            "xywh": (x, y, w, h), "category": int(b.category_id[i]), "track_id": int(b.track_id[i]),
            "score": float(b.score[i]), "ignore": bool(b.ignore[i]), "truncation": float(b.truncation[i]),
            "occlusion": float(b.occlusion[i]), "visibility": float(b.visibility[i]),
        })
    return out
