"""MOTChallenge: `<root>/[<split>/]<seq>/{seqinfo.ini, gt/gt.txt, det/det.txt, img1/}`, or one
sequence folder.

Rows: `frame, id, left, top, w, h, conf, class, visibility` (MOT16/17/20 gt, 9 columns) or
`frame, id, left, top, w, h, conf, x, y, z` (MOT15 and det.txt, 10 columns, world coordinates
usually -1).  Frames are 1-based in the file and 0-based in the canonical model.  In gt, conf is
the consider flag: 0 marks an ignored box.  Rows are kept in the order the file lists them (often
grouped by track), so a file read and written back is identical.
"""

from __future__ import annotations

import configparser
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from ..errors import ConvertError
from ..io import (bring_image, folder_name, format_number, format_rows, image_size, parse_numeric_rows,
                  read_lines, safe_name)
from ..options import Options, Report, progress
from ..schemas import BoxTable, Dataset

# MOT17's class table (as mmtracking's converter lists it)
MOT_CLASSES = {
    1: "pedestrian", 2: "person_on_vehicle", 3: "car", 4: "bicycle", 5: "motorbike",
    6: "non_mot_vehicle", 7: "static_person", 8: "distractor", 9: "occluder",
    10: "occluder_on_ground", 11: "occluder_full", 12: "reflection", 13: "crowd",
}
SEQINFO_KEYS = ("name", "imDir", "frameRate", "seqLength", "imWidth", "imHeight", "imExt")
DEFAULT_FPS = 30


def detect(path: Path) -> bool:
    return path.is_dir() and bool(_sequences(path))


def _is_sequence(folder: Path) -> bool:
    return (folder / "seqinfo.ini").is_file() or (folder / "gt" / "gt.txt").is_file() or (folder / "det" / "det.txt").is_file()


def _sequences(root: Path) -> list[tuple[str | None, Path]]:
    """(split, folder) of every sequence under `root`: itself, its children, or grandchildren."""
    if _is_sequence(root):
        return [(None, root)]
    found = [(None, p) for p in sorted(root.iterdir()) if p.is_dir() and _is_sequence(p)]
    if found:
        return found
    for split in sorted(p for p in root.iterdir() if p.is_dir()):
        found += [(split.name, p) for p in sorted(split.iterdir()) if p.is_dir() and _is_sequence(p)]
    return found


# ================================================================ reading


def read(path: Path, opts: Options, report: Report) -> Dataset:
    if not path.is_dir():
        raise ConvertError(str(path), "expected a MOT folder (a sequence, or a folder of sequences)")
    sequences = _sequences(path)
    if not sequences:
        raise ConvertError(str(path), "no MOT sequence here (no seqinfo.ini, gt/gt.txt or det/det.txt)")
    image_root = path if sequences[0][1] != path else path.parent
    names: dict[int, str] = {}
    videos, frames, tables, line_of = [], [], [], []
    for split, folder in progress(sequences, opts, len(sequences), "sequences"):
        video_id = len(videos) + 1
        video, seq_frames, table, lines = _read_sequence(folder, split, video_id, len(frames), opts, names, report)
        videos.append(video)
        frames += seq_frames
        tables.append(table)
        line_of += lines
    boxes = BoxTable.concat(tables)
    boxes.id = np.arange(1, len(boxes) + 1, dtype=np.int64)
    present = sorted(set(boxes.category_id.tolist()) | set(names))
    categories = [{"id": c, "name": names.get(c) or MOT_CLASSES.get(c, f"class_{c}")} for c in present]

    def locate(kind: str, index: int) -> str:
        return line_of[index] if kind == "boxes" else f"{path}: {kind}[{index}]"

    return Dataset.build(categories, videos, frames, boxes, locate, report, image_root=str(image_root))


def _read_seqinfo(folder: Path) -> tuple[dict[str, str], list[str]]:
    ini = folder / "seqinfo.ini"
    if not ini.is_file():
        return {}, []
    text = "\n".join(read_lines(ini))
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are camelCase
    try:
        parser.read_string(text, source=str(ini))
    except configparser.Error as exc:
        line = getattr(exc, "lineno", None)
        message = str(exc).splitlines()[0]
        raise ConvertError(f"{ini}:{line}" if line else str(ini), f"garbled seqinfo.ini: {message}") from None
    if not parser.has_section("Sequence"):
        raise ConvertError(str(ini), "garbled seqinfo.ini: no [Sequence] section")
    items = dict(parser.items("Sequence"))
    return items, list(items)


def _int_value(info: dict[str, str], key: str, ini: Path) -> int | None:
    if key not in info or info[key].strip() == "":
        return None
    try:
        value = int(info[key])
    except ValueError:
        raise ConvertError(str(ini), f"{key} must be a whole number, found {info[key]!r}") from None
    if value <= 0:
        raise ConvertError(str(ini), f"{key} must be positive, found {value}")
    return value


def _read_sequence(folder: Path, split: str | None, video_id: int, first_frame: int, opts: Options,
                   names: dict[int, str], report: Report) -> tuple[dict, list[dict], BoxTable, list[str]]:
    ini = folder / "seqinfo.ini"
    info, keys = _read_seqinfo(folder)
    # mmtracking asserts the folder and seqinfo names agree; where they differ the file wins
    name = safe_name(info.get("name") or folder.name, str(ini))
    im_dir = info.get("imDir", "img1")
    im_ext = info.get("imExt", ".jpg")
    length = _int_value(info, "seqLength", ini) or 0
    width, height = _int_value(info, "imWidth", ini), _int_value(info, "imHeight", ini)
    fps = None
    if info.get("frameRate"):
        try:
            fps = float(info["frameRate"])
        except ValueError:
            raise ConvertError(str(ini), f"frameRate must be a number, found {info['frameRate']!r}") from None

    labels = folder / "gt" / "labels.txt"
    if labels.is_file() and not names:
        for k, label in enumerate(read_lines(labels), 1):
            if label.strip():
                names[k] = label.strip()

    kind = opts.mot_file
    ann = folder / ("gt/gt.txt" if kind == "gt" else "det/det.txt")
    lines = read_lines(ann) if ann.is_file() else []
    values, numbers, pointed = parse_numeric_rows(ann, lines, 7, 10, "MOT", report)
    given = np.flatnonzero(~np.isnan(values).all(axis=0)) if len(values) else []
    ncols = int(given[-1]) + 1 if len(given) else 9
    line = lambda i: f"{ann}:{numbers[i]}"  # noqa: E731
    f, t = values[:, 0], values[:, 1]
    keep = report.reject((f < 1) | (f != np.floor(f)), line,
                         lambda i: f"frame must be a whole number from 1, found {format_number(f[i])}")
    keep &= report.reject(keep & (t != np.floor(t)), line, lambda i: "id must be a whole number")
    values, numbers = values[keep], numbers[keep]
    frame_numbers = values[:, 0]
    track = values[:, 1]

    image_dir = folder / im_dir
    on_disk = sorted(p for p in image_dir.iterdir() if p.is_file()) if image_dir.is_dir() else []
    count = max(length, int(frame_numbers.max()) if len(values) else 0, len(on_disk))
    by_number = {}
    for p in on_disk:
        digits = "".join(ch for ch in p.stem if ch.isdigit())
        if digits:
            by_number[int(digits)] = p
    if (width is None or height is None) and by_number:
        size = image_size(by_number[min(by_number)])
        if size:
            width, height = size
    if width is None and opts.image_size:
        width, height = opts.image_size
    frames = []
    for number in range(1, count + 1):
        image = by_number.get(number)
        file_name = f"{name}/{im_dir}/{image.name if image else f'{number:06d}{im_ext}'}"
        frames.append({
            "id": first_frame + number, "file_name": file_name, "width": width, "height": height,
            "video_id": video_id, "frame_index": number - 1, "split": split,
            "source": str(image) if image else str(folder / im_dir / f"{number:06d}{im_ext}"),
        })

    conf = values[:, 6]
    columns: dict[str, Any] = {
        "id": np.zeros(len(values), np.int64),
        "frame_id": first_frame + frame_numbers.astype(np.int64),
        "x": values[:, 2], "y": values[:, 3], "w": values[:, 4], "h": values[:, 5],
        "track_id": track.astype(np.int64), "score": conf,
        "ignore": (conf == 0) if kind == "gt" else np.zeros(len(values), bool),
    }
    extras = None
    if ncols >= 10:
        columns["category_id"] = np.ones(len(values), np.int64)
        world = values[:, 7:10]
        real = np.flatnonzero((world != -1).any(axis=1))
        if len(real):
            extras = [None] * len(values)
            for i in real.tolist():
                extras[i] = {"mot_world": world[i].tolist()}
    else:
        classes = values[:, 7]
        columns["category_id"] = np.where(np.isnan(classes), 1, classes).astype(np.int64)
        # -1 is MOT's "not given"; kept as unknown and written back as -1
        columns["visibility"] = np.where(values[:, 8] == -1, np.nan, values[:, 8])
    table = BoxTable(extras=extras, **columns)
    video = {
        "id": video_id, "name": name, "width": width, "height": height, "fps": fps,
        "extras": {"_mot": {"columns": ncols, "pointed": pointed, "seqinfo": keys, "imDir": im_dir, "imExt": im_ext}},
    }
    return video, frames, table, [f"{ann}:{n}" for n in numbers.tolist()]


# ================================================================ writing


def write(dataset: Dataset, target: Path, opts: Options, report: Report) -> None:
    from .cocovid import per_video

    layout = per_video(dataset, report)
    b = dataset.boxes
    labels = _labels_txt(dataset)
    if labels is None and any(c.name != MOT_CLASSES.get(c.id, f"class_{c.id}") for c in dataset.categories):
        report.note("category names are not kept: MOT has only class numbers (labels.txt needs ids 1..n)")
    mot_ids = [(e or {}).get("mot_instance_id") for e in b.extras] if b.extras is not None else None
    for video in progress(layout.videos, opts, len(layout.videos), "sequences"):
        members = layout.frames_of[video.id]
        split = next((dataset.frames[k].split for k in members if dataset.frames[k].split), None)
        name = folder_name(video.name, f"video {video.id}: name", report)
        folder = target / safe_name(split, f"video {video.name}: split") / name if split else target / name
        hints = video.extras.get("_mot", {})
        rows = layout.rows(video.id)
        folder.mkdir(parents=True, exist_ok=True)
        _write_rows(folder, rows, b, layout.box_frame_index, mot_ids, hints, opts)
        if labels is not None and opts.mot_file == "gt":
            # Datumaro's own files end without a newline
            (folder / "gt" / "labels.txt").write_text("\n".join(labels), encoding="utf-8")
        length = max((layout.frame_index[k] for k in members), default=-1) + 1
        im_dir = hints.get("imDir", "img1")
        first = dataset.frames[members[0]] if members else None
        im_ext = hints.get("imExt") or (PurePosixPath(first.file_name).suffix if first else "") or ".jpg"
        width = video.width or (first.width if first else None)
        height = video.height or (first.height if first else None)
        _write_seqinfo(folder, name, im_dir, video.fps, length, width, height, im_ext, hints.get("seqinfo"), report)
        for k in members:
            frame = dataset.frames[k]
            suffix = PurePosixPath(frame.file_name).suffix or im_ext
            image = folder / im_dir / f"{layout.frame_index[k] + 1:06d}{suffix}"
            if opts.images != "none":  # skip building paths nobody uses
                bring_image(dataset.image_path(frame), image, opts.images, report)
        report.add("frames", len(members))
    report.add("boxes", len(b))


def _labels_txt(dataset: Dataset) -> list[str] | None:
    """Datumaro's gt/labels.txt (line k names class k+1): only when ids are 1..n and the names
    are not simply MOT17's."""
    ids = [c.id for c in dataset.categories]
    if ids != list(range(1, len(ids) + 1)):
        return None
    if all(c.name == MOT_CLASSES.get(c.id) for c in dataset.categories):
        return None
    return [c.name for c in dataset.categories]


def _write_rows(folder: Path, rows: np.ndarray, b: BoxTable, box_frame: np.ndarray, mot_ids, hints: dict,
                opts: Options) -> None:
    kind = opts.mot_file
    path = folder / ("gt/gt.txt" if kind == "gt" else "det/det.txt")
    path.parent.mkdir(parents=True, exist_ok=True)
    track = b.track_id[rows].tolist()
    if mot_ids is not None:
        track = [t if mot_ids[i] is None else mot_ids[i] for t, i in zip(track, rows.tolist())]
    score = b.score[rows]
    ignore = b.ignore[rows]
    if kind == "gt":
        conf = np.where(ignore, 0.0, np.where(np.isnan(score), 1.0, score))
    else:
        conf = np.where(np.isnan(score), 1.0, score)
    columns = [
        (box_frame[rows] + 1).tolist(), track, b.x[rows].tolist(), b.y[rows].tolist(),
        b.w[rows].tolist(), b.h[rows].tolist(), conf.tolist(),
    ]
    if hints.get("columns", 9) >= 10 or kind == "det":
        world = [[-1.0, -1.0, -1.0]] * len(rows)
        if b.extras is not None:
            world = [(b.extras[i] or {}).get("mot_world", [-1.0, -1.0, -1.0]) for i in rows.tolist()]
        columns += [list(c) for c in zip(*world)] if len(rows) else [[], [], []]
    else:
        visibility = b.visibility[rows]
        columns += [b.category_id[rows].tolist(), np.where(np.isnan(visibility), -1.0, visibility).tolist()]
    lines = format_rows(columns, hints.get("pointed"))
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")


def _write_seqinfo(folder: Path, name: str, im_dir: str, fps: float | None, length: int,
                   width: int | None, height: int | None, im_ext: str, keys: list[str] | None,
                   report: Report) -> None:
    values = {
        "name": name, "imDir": im_dir,
        "frameRate": format_number(fps) if fps else str(DEFAULT_FPS),
        "seqLength": str(length),
        "imWidth": str(width) if width else None, "imHeight": str(height) if height else None,
        "imExt": im_ext,
    }
    if keys is None:  # a sequence from another format: every key mmtracking's converter reads
        keys = list(SEQINFO_KEYS)
        if not fps:
            report.note(f"frame rate unknown: seqinfo.ini says frameRate={DEFAULT_FPS}")
    text = "[Sequence]\n"
    for key in keys:
        if values.get(key) is not None:
            text += f"{key}={values[key]}\n"
        elif key in ("imWidth", "imHeight"):
            report.note("image size unknown: seqinfo.ini has no imWidth/imHeight")
    (folder / "seqinfo.ini").write_text(text, encoding="utf-8")
