"""Ultralytics predictions (`save_txt=True, save_conf=True`): one `.txt` per image, one row per
detection, `class xc yc w h conf`, the box normalised to the image size; the path tells the frame.

Ultralytics writes one flat `<run>/labels/<stem>.txt` per run, so frames of different videos with
the same name collide (8.3 appends them into one file, 8.4 names the later ones `<stem>-2.txt`).
Read: every `.txt` under the folder, its path without any `labels` folder matched to the ground
truth's frames by the longest suffix on `/` boundaries (`labels/<video>/<frame>.txt` and
`<video>/labels/<frame>.txt` both name `<video>/<frame>`); a path that matches several frames or
none is refused, saying how to lay the predictions out.  Class k is the ground truth's k-th
category, or with `--data` the model's data.yaml: `classes_map` (YOLOFT) or `names`, each name
checked against the ground truth's.  Written: `labels/<file_name without suffix>.txt`
(`labels/<video>/<frame>.txt` for XS-VID), only for frames with predictions, as Ultralytics does.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from ...errors import ConvertError, shown
from ...files.text import load_yaml, read_lines
from ...model import BoxTable, Dataset
from ...run import Run
from ..base import Format, option
from .common import GroundTruth, frame_positions, ground_truth, prediction_rules, require_categories, \
    results_dataset, scores, written_rows

NAME = "yolo-pred"
ROW = "%d %.6f %.6f %.6f %.6f %.6f\n"
LAYOUT = ("lay the predictions out as labels/<video>/<frame>.txt, or as <video>/labels/<frame>.txt "
          "(one predict run per video)")


@dataclass
class YoloPredOptions(GroundTruth):
    data: Path | None = option(
        None, "The model's data.yaml: its names (and classes_map) are checked against the ground truth's "
              "categories (default: class k is the ground truth's k-th category).", when="read", parse=Path,
        metavar="YAML")


def read(path: Path, options: YoloPredOptions, run: Run) -> Dataset:
    if not path.is_dir():
        raise ConvertError(str(path), "expected the folder of an Ultralytics predict run (labels/*.txt)")
    gt = ground_truth(options, run)
    category_of = class_map(gt, options.data)
    files = sorted(p for p in path.rglob("*.txt") if p.is_file())
    frame_of = match_frames(files, path, gt)
    width, height = gt.frame_sizes()
    parts, places = [], []
    for label in run.bar(files, len(files), "label files"):
        values, numbers = _parse(label, len(category_of), run)
        k = frame_of[label]
        if len(values) and (np.isnan(width[k]) or np.isnan(height[k])):
            raise ConvertError(f"{label}:{numbers[0]}", f"size of {gt.frames[k].file_name} unknown in the ground "
                                                        "truth: it is needed to undo the normalisation")
        parts.append(np.column_stack([values, np.full(len(values), k, np.float64)]))
        places += [(label, n) for n in numbers]
    v = np.concatenate(parts) if parts else np.zeros((0, 7))
    k = v[:, 6].astype(np.int64)
    W, H = width[k], height[k]
    x, y, w, h = (v[:, 1] - v[:, 3] / 2) * W, (v[:, 2] - v[:, 4] / 2) * H, v[:, 3] * W, v[:, 4] * H
    frame_ids = gt.frame_ids()
    boxes = BoxTable(id=np.zeros(len(v), np.int64), frame_id=frame_ids[k] if len(k) else k,
                     category_id=np.asarray(category_of, np.int64)[v[:, 0].astype(np.int64)], x=x, y=y, w=w, h=h,
                     score=v[:, 5])
    where = lambda i: f"{places[i][0]}:{places[i][1]}"  # noqa: E731
    keep = ~run.reject_rules(prediction_rules(gt, None, x, y, w, h, boxes.score), len(v), where)
    return results_dataset(gt, boxes if keep.all() else boxes.take(keep), NAME)


def class_map(gt: Dataset, data: Path | None) -> list[int]:
    """The ground truth's category id of each class of the model."""
    categories = {c.name: c.id for c in gt.categories}
    if data is None:
        return [c.id for c in gt.categories]
    doc = load_yaml(Path(data))
    src = str(data)
    names = doc.get("names") if isinstance(doc, dict) else None
    if isinstance(names, dict) and {str(k) for k in names} == {str(k) for k in range(len(names))}:
        names = [names[k] if k in names else names[str(k)] for k in range(len(names))]
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ConvertError(f"{src}: names", "expected the model's class names (a list, or a mapping 0..n-1)")
    given = doc.get("classes_map")
    if given is None:
        absent = [n for n in names if n not in categories]
        if absent:
            raise ConvertError(f"{src}: names", f"model class {absent[0]!r} is not among the ground truth's "
                                                f"categories ({', '.join(categories)})")
        return [categories[n] for n in names]
    if not isinstance(given, list) or len(given) != len(names) or not all(type(c) is int for c in given):
        raise ConvertError(f"{src}: classes_map", f"expected {len(names)} category ids, one per name")
    by_id = {c.id: c.name for c in gt.categories}
    for k, (name, category) in enumerate(zip(names, given)):
        if by_id.get(category) != name:
            raise ConvertError(f"{src}: classes_map", f"class {k} is {name!r} in the model but category {category} "
                                                      f"is {by_id.get(category, 'absent')!r} in the ground truth")
    return list(given)


def match_frames(files: list[Path], root: Path, gt: Dataset) -> dict[Path, int]:
    """Each label file's frame: its path without `labels` folders, longest suffix first."""
    index: dict[str, list[int]] = defaultdict(list)
    for k, frame in enumerate(gt.frames):
        parts = _stem_parts(frame.file_name)
        for i in range(len(parts)):
            index["/".join(parts[i:])].append(k)
    out: dict[Path, int] = {}
    claimed: dict[int, Path] = {}
    for label in files:
        parts = [p for p in _stem_parts(os.path.relpath(label, root).replace(os.sep, "/")) if p != "labels"]
        hits = next((index[key] for key in ("/".join(parts[i:]) for i in range(len(parts))) if key in index), [])
        if not hits:
            raise ConvertError(str(label), f"no frame of the ground truth is named {'/'.join(parts)!r} (nor a "
                                           f"suffix of it); Ultralytics names a colliding frame <stem>-2.txt: {LAYOUT}")
        if len(hits) > 1:
            names = ", ".join(gt.frames[k].file_name for k in hits[:3])
            raise ConvertError(str(label), f"could be any of {len(hits)} frames ({names}{', ...' if len(hits) > 3 else ''}): "
                                           f"frames of different videos share a name, and a flat labels/ folder "
                                           f"cannot tell them apart; {LAYOUT}")
        if hits[0] in claimed:
            raise ConvertError(str(label), f"{claimed[hits[0]]} holds the predictions of the same frame "
                                           f"({gt.frames[hits[0]].file_name})")
        claimed[hits[0]] = label
        out[label] = hits[0]
    return out


def _stem_parts(name: str) -> list[str]:
    path = PurePosixPath(name)
    return [p for p in str(path.with_suffix("") if path.suffix else path).split("/") if p not in ("", ".")]


def _parse(label: Path, nc: int, run: Run) -> tuple[np.ndarray, list[int]]:
    """(class, xc, yc, w, h, conf) rows of one file and their line numbers."""
    lines = read_lines(label)
    numbers = [n for n, line in enumerate(lines, 1) if line and not line.isspace()]
    parts = [lines[n - 1].split() for n in numbers]
    widths = np.fromiter(map(len, parts), np.int64, len(parts))
    at = lambda i: f"{label}:{numbers[i]}"  # noqa: E731
    keep = run.reject(widths != 6, at, lambda i: f"expected `class xc yc w h conf` (predict with save_txt=True, "
                                                 f"save_conf=True), found {widths[i]} values")
    values = np.full((len(parts), 6), np.nan)
    rows = np.flatnonzero(keep)
    try:  # the whole file in one conversion; row by row only when some token is not a number
        values[rows] = np.array([parts[i] for i in rows.tolist()], dtype=np.float64).reshape(len(rows), 6)
    except ValueError:
        for i in rows.tolist():
            try:
                values[i] = [float(t) for t in parts[i]]
            except ValueError:
                pass
    keep &= run.reject(keep & np.isnan(values).any(axis=1), at, lambda i: f"not a number in {shown(' '.join(parts[i]))}")
    cls = values[:, 0]
    with np.errstate(invalid="ignore"):
        keep &= run.reject(keep & ((cls != np.floor(cls)) | (cls < 0) | (cls >= nc)), at,
                           lambda i: f"class {shown(parts[i][0])} is not one of the model's {nc} classes")
    kept = np.flatnonzero(keep)
    return values[kept], [numbers[i] for i in kept.tolist()]


def write(dataset: Dataset, target: Path, options: Any, run: Run) -> None:
    rows = written_rows(dataset, run)
    require_categories(dataset, rows, NAME)
    width, height = dataset.frame_sizes()
    position = frame_positions(dataset, rows)
    W, H = width[position], height[position]
    if np.isnan(W).any() or np.isnan(H).any():
        frame = dataset.frames[int(position[np.flatnonzero(np.isnan(W) | np.isnan(H))[0]])]
        raise ConvertError(frame.file_name, "image size unknown: YOLO predictions are normalised by it")
    b = dataset.boxes
    class_of = {c.id: k for k, c in enumerate(dataset.categories)}
    cls = np.array([class_of[c] for c in b.category_id[rows].tolist()], dtype=np.float64)
    x, y, w, h = b.x[rows], b.y[rows], b.w[rows], b.h[rows]
    values = np.column_stack([cls, (x + w / 2) / W, (y + h / 2) / H, w / W, h / H, scores(dataset, rows)])
    order = np.argsort(position, kind="stable")
    starts = np.flatnonzero(np.r_[True, position[order][1:] != position[order][:-1]]) if len(order) else []
    bounds = list(starts) + [len(order)]
    (target / "labels").mkdir()
    for a, z in run.bar(list(zip(bounds[:-1], bounds[1:])), len(bounds) - 1, "label files"):
        frame = dataset.frames[int(position[order[a]])]
        label = target / "labels" / ("/".join(_stem_parts(frame.file_name)) + ".txt")
        label.parent.mkdir(parents=True, exist_ok=True)
        label.write_text((ROW * (z - a)) % tuple(values[order[a:z]].ravel().tolist()), encoding="utf-8")


def detect(path: Path) -> int:
    if not path.is_dir():
        return 0
    for label in path.rglob("*.txt"):
        try:
            first = next((line for line in read_lines(label)[:5] if line.strip()), None)
        except ConvertError:
            return 0
        if first is not None:
            return 45 if len(first.split()) == 6 and "," not in first else 0
    return 0


FORMAT = Format(
    NAME, "Ultralytics predictions: labels/<video>/<frame>.txt, `class xc yc w h conf` (read with --gt)",
    read, write, detect, options=YoloPredOptions,
    carries=frozenset({"category_ids", "category_names", "videos", "empty_frames", "score"}),
    lossy_note="boxes normalised to 6 decimals of the image size; ignored boxes dropped",
    results=True,
)
