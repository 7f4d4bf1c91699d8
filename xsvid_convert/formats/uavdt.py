"""UAVDT: `UAV-benchmark-M/<seq>/img000001.jpg` and `GT/<seq>_gt_whole.txt`, `<seq>_gt_ignore.txt`,
`<seq>_gt.txt` (or in `UAV-benchmark-MOTD_v1.0/GT/`, as the download unpacks; `GT/` wins).

- `_gt_whole.txt` (the detection ground truth) wins: `frame, id, left, top, w, h, out-of-view,
  occlusion, category` with car 1, truck 2, bus 3.  `_gt.txt` (the MOT form: `frame, id, left,
  top, w, h, flag, -1, -1`, flag 0 = ignored) is read only when a sequence has no `_gt_whole.txt`;
  it names no class, so its boxes are category 4 `vehicle`.
- `_gt_ignore.txt` rows (6 to 9 columns, the first six as above) are ignore regions: boxes of
  category 0 `ignore`, flagged ignore, without a track; their id and last column are kept for
  writing the file back.
- Out-of-view (1 no-out, 2 medium-out, 3 small-out) and occlusion (1 no-occ, 2 large, 3 medium,
  4 small) are UAVDT's own codes, not VisDrone's truncation/occlusion levels: they travel as the
  box extras `uavdt_out_of_view` and `uavdt_occlusion` (-1, "not given", is no extra).
- Frames are 1-based; track ids are per sequence; every frame of a sequence takes the size of its
  first image's header (UAVDT's are 1024x540), else `--image-size`.
- Rows keep the file's order and spelling, files their BOM and line ends, so a dataset read and
  written back is identical.  Written from another format: `_gt_whole.txt`, a `_gt.txt` made
  from the same rows, and `_gt_ignore.txt` holding the ignore regions and every other ignored box
  (the whole form has no ignore flag); a sequence with `vehicle` boxes is written in the MOT form.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from ..errors import ConvertError
from ..files.images import IMAGE_SUFFIXES, bring_image, image_size
from ..files.paths import safe_name
from ..files.rows import Rows, format_number, format_rows, parse_rows
from ..files.text import read_text, write_text
from ..model import BoxTable, Dataset, NO_TRACK
from ..run import Run
from .base import Format, Images, ImageSize
from .sequences import (check_frame_count, check_unique_names, folder_name, frame_limit, image_numbers, per_video,
                        rows_dataset, sequence_track_ids, video_name)
from .tables import check_table

IMAGES = "UAV-benchmark-M"
GT_FOLDERS = ("GT", "UAV-benchmark-MOTD_v1.0/GT")
WHOLE, MOT_FORM, IGNORE = "_gt_whole.txt", "_gt.txt", "_gt_ignore.txt"
SUFFIXES = {"whole": WHOLE, "gt": MOT_FORM, "ignore": IGNORE}
CATEGORIES = {0: "ignore", 1: "car", 2: "truck", 3: "bus", 4: "vehicle"}
IGNORE_REGION, VEHICLE = 0, 4
OUT_OF_VIEW, OCCLUSION = "uavdt_out_of_view", "uavdt_occlusion"
HINT = "uavdt"
REGION_ID, REGION_CLASS = "uavdt.region_id", "uavdt.region_class"
"""Box hints: an ignore row's id and last column, which the model has no place for."""


@dataclass
class UavdtOptions(ImageSize, Images):
    pass


def _gt_folder(path: Path) -> Path | None:
    return next((path / rel for rel in GT_FOLDERS if (path / rel).is_dir()), None)


def _sequence_of(file_name: str) -> tuple[str, str] | None:
    """(sequence, kind) of a GT file name, e.g. ("M0101", "whole")."""
    for kind, suffix in SUFFIXES.items():
        if file_name.endswith(suffix) and len(file_name) > len(suffix):
            return file_name[: -len(suffix)], kind
    return None


def _gt_files(gt: Path | None) -> dict[str, dict[str, Path]]:
    """Sequence name -> kind -> GT file."""
    found: dict[str, dict[str, Path]] = {}
    for p in sorted(gt.iterdir()) if gt is not None else []:
        named = _sequence_of(p.name)
        if named and p.is_file():
            found.setdefault(named[0], {})[named[1]] = p
    return found


def detect(path: Path) -> int:
    if not path.is_dir():
        return 0
    gt = _gt_folder(path)
    if gt is not None and (any(gt.glob(f"*{WHOLE}")) or any(gt.glob(f"*{IGNORE}"))):
        return 45
    return 40 if (path / IMAGES).is_dir() or (gt is not None and any(gt.glob(f"*{MOT_FORM}"))) else 0


def read(path: Path, options: UavdtOptions, run: Run) -> Dataset:
    gt, images = _gt_folder(path) if path.is_dir() else None, path / IMAGES
    if gt is None and not images.is_dir():
        raise ConvertError(str(path), f"not a UAVDT folder: no GT/ (or {GT_FOLDERS[1]}/) and no {IMAGES}/ inside")
    files = _gt_files(gt)
    names = sorted(set(files) | ({p.name for p in images.iterdir() if p.is_dir()} if images.is_dir() else set()))
    videos, frames, tables, line_of = [], [], [], []
    for name in run.bar(names, len(names), "sequences"):
        own = files.get(name, {})
        safe_name(name, str(next(iter(own.values()), images / name)))
        video, seq_frames, table, lines = _read_sequence(name, own, images / name, len(videos) + 1, len(frames),
                                                         options, run)
        videos.append(video)
        frames += seq_frames
        tables.append(table)
        line_of += lines
    categories = [{"id": k, "name": v} for k, v in CATEGORIES.items()]
    return rows_dataset(categories, videos, frames, tables, line_of, path, run, images)


def _read_sequence(name: str, files: dict[str, Path], folder: Path, video_id: int, first: int, options: Any,
                   run: Run) -> tuple[dict, list[dict], BoxTable, list[str]]:
    form = "gt" if "whole" not in files and "gt" in files else "whole"
    objects, style = _rows(files.get(form), 9, 9, form, run)
    regions, region_style = _rows(files.get("ignore"), 6, 9, "ignore", run)
    images = image_numbers(folder, IMAGE_SUFFIXES)
    count = _frame_count(files, form, objects, regions, len(images))
    count = max(count, max(images, default=0))
    size = (image_size(images[min(images)]) if images else None) or options.image_size or (None, None)
    frames = [{
        "id": first + number, "file_name": f"{name}/{images[number].name if number in images else _image(number)}",
        "width": size[0], "height": size[1], "video_id": video_id, "frame_index": number - 1,
    } for number in range(1, count + 1)]
    boxes = BoxTable.concat([_object_boxes(objects, first, form), _region_boxes(regions, first)])
    lines = [f"{files.get(form)}:{n}" for n in objects.numbers.tolist()]
    lines += [f"{files.get('ignore')}:{n}" for n in regions.numbers.tolist()]
    hints = {"form": form, "files": sorted(files), "pointed": objects.pointed, "style": style,
             "ignore_pointed": regions.pointed, "ignore_style": region_style, "ignore_columns": regions.width or 9}
    video = {"id": video_id, "name": video_name(name), "width": size[0], "height": size[1], "hints": {HINT: hints}}
    return video, frames, boxes, lines


def _image(number: int, suffix: str = ".jpg") -> str:
    return f"img{number:06d}{suffix}"


def _rows(path: Path | None, fewest: int, most: int, kind: str, run: Run) -> tuple[Rows, Any]:
    if path is None:
        return Rows(np.zeros((0, most)), np.zeros(0, np.int64), [False] * most, 0), None
    text = read_text(path)
    return _checked(path, parse_rows(path, text.lines, fewest, most, "UAVDT", run), kind, run), text.style


def _checked(path: Path, rows: Rows, kind: str, run: Run) -> Rows:
    v = rows.values
    at = lambda i: rows.where(path, i)  # noqa: E731
    keep = np.ones(len(v), dtype=bool)
    with np.errstate(invalid="ignore"):
        for column, what in ((0, "frame"), (1, "target id")) + (((8, "category"),) if kind == "whole" else ()):
            keep &= run.reject(keep & ((v[:, column] != np.floor(v[:, column])) | (np.abs(v[:, column]) > 2**62)),
                               at, lambda i, what=what: f"{what} must be a whole number")
        keep &= run.reject(keep & (v[:, 0] < 1), at,
                           lambda i: f"frame numbers start at 1, found {format_number(v[i, 0])}")
        if kind == "whole":
            keep &= run.reject(keep & ~np.isin(v[:, 8], (1, 2, 3)), at,
                               lambda i: f"category {format_number(v[i, 8])} is not UAVDT's (car 1, truck 2, bus 3)")
    return rows.subset(keep)


def _frame_count(files: dict[str, Path], form: str, objects: Rows, regions: Rows, images: int) -> int:
    """The last frame any row names, refused when far beyond what the sequence holds."""
    last = 0
    for kind, rows in ((form, objects), ("ignore", regions)):
        if len(rows.values):
            row = int(np.argmax(rows.values[:, 0]))
            number = int(rows.values[row, 0])
            check_frame_count(number, frame_limit(len(objects.values) + len(regions.values), images),
                              rows.where(files[kind], row), "frame")
            last = max(last, number)
    return last


def _levels(out_of_view: np.ndarray, occlusion: np.ndarray) -> list[dict | None] | None:
    """UAVDT's out-of-view and occlusion codes as box extras (-1 and absent columns: none)."""
    given = [~np.isnan(column) & (column != -1) for column in (out_of_view, occlusion)]
    if not (given[0].any() or given[1].any()):
        return None
    extras: list[dict | None] = [None] * len(out_of_view)
    both = given[0] & given[1]
    index = np.flatnonzero(both)
    for i, a, b in zip(index.tolist(), _python_numbers(out_of_view[index]), _python_numbers(occlusion[index])):
        extras[i] = {OUT_OF_VIEW: a, OCCLUSION: b}
    for key, column, has in ((OUT_OF_VIEW, out_of_view, given[0]), (OCCLUSION, occlusion, given[1])):
        index = np.flatnonzero(has & ~both)
        for i, value in zip(index.tolist(), _python_numbers(column[index])):
            extras[i] = {key: value}
    return extras


def _python_numbers(values: np.ndarray) -> list:
    """Whole numbers as int (a code is 2, not 2.0, in a COCO file), others as float."""
    if (values == np.floor(values)).all():
        return values.astype(np.int64).tolist()
    return [int(v) if v.is_integer() else v for v in values.tolist()]


def _object_boxes(rows: Rows, first: int, form: str) -> BoxTable:
    v = rows.values
    columns: dict[str, Any] = {}
    if form == "gt":
        flag = v[:, 6]
        columns.update(category_id=np.full(len(v), VEHICLE, np.int64), score=flag, ignore=flag == 0)
    else:
        columns.update(category_id=v[:, 8].astype(np.int64))
    levels = v[:, 7:9] if form == "gt" else v[:, 6:8]  # the MOT form has its flag in column 7
    return BoxTable(id=np.zeros(len(v), np.int64), frame_id=first + v[:, 0].astype(np.int64), x=v[:, 2], y=v[:, 3],
                    w=v[:, 4], h=v[:, 5], track_id=v[:, 1].astype(np.int64), extras=_levels(levels[:, 0], levels[:, 1]),
                    **columns)


def _region_boxes(rows: Rows, first: int) -> BoxTable:
    v = rows.values
    n = len(v)
    return BoxTable(id=np.zeros(n, np.int64), frame_id=first + v[:, 0].astype(np.int64),
                    category_id=np.full(n, IGNORE_REGION, np.int64), x=v[:, 2], y=v[:, 3], w=v[:, 4], h=v[:, 5],
                    track_id=np.full(n, NO_TRACK, np.int64), ignore=np.ones(n, bool), extras=_levels(v[:, 6], v[:, 7]),
                    hints={REGION_ID: v[:, 1].astype(np.float64), REGION_CLASS: v[:, 8].astype(np.float64)})


# ---------------------------------------------------------------- writing


def write(dataset: Dataset, target: Path, options: UavdtOptions, run: Run) -> None:
    check_table(dataset, CATEGORIES, 0, "UAVDT", run)
    layout = per_video(dataset, run)
    (target / "GT").mkdir()
    (target / IMAGES).mkdir()
    named = [(folder_name(v.name, f"video {v.id}: name"), v) for v in layout.videos]
    check_unique_names([(n, f"video {v.name!r}") for n, v in named], "output folder")
    for name, video in run.bar(named, len(named), "sequences"):
        _write_annotations(dataset, layout.rows(video.id), layout.box_frame_index, target / "GT", name,
                           video.hints.get(HINT), run)
        folder = target / IMAGES / name
        folder.mkdir()
        for k in layout.frames_of[video.id]:
            frame = dataset.frames[k]
            if options.images != "none":  # skip building paths nobody uses
                suffix = PurePosixPath(frame.file_name).suffix or ".jpg"
                bring_image(dataset.image_path(frame), folder / _image(layout.frame_index[k] + 1, suffix),
                            options.images, run)
        run.count("frames", len(layout.frames_of[video.id]))
    run.count("boxes", len(dataset.boxes))


def _write_annotations(dataset: Dataset, rows: np.ndarray, box_frame_index: np.ndarray, gt: Path, name: str,
                       hints: dict | None, run: Run) -> None:
    b = dataset.boxes
    hints = hints or {}
    category, ignore = b.category_id[rows], b.ignore[rows]
    classed = np.isin(category, (1, 2, 3))
    # the boxes decide the form; a sequence without any keeps the form it was read in
    form = "gt" if (category == VEHICLE).any() or (hints.get("form") == "gt" and not classed.any()) else "whole"
    region = (category == IGNORE_REGION) | (ignore & (form == "whole"))
    if form == "gt" and classed.any():
        run.note("a sequence with vehicle boxes is written in UAVDT's MOT form (_gt.txt): its car/truck/bus "
                 "classes are not written")
    if form == "whole" and (ignore & (category != IGNORE_REGION)).any():
        run.note("ignored car/truck/bus boxes are written as ignore regions (_gt_ignore.txt): "
                 "_gt_whole.txt has no ignore flag")
    frame = box_frame_index[rows] + 1
    out_of_view, occlusion = _extra_columns(b.extras, rows)
    had = set(hints.get("files", SUFFIXES))  # written from another format: every file
    pick, style = ~region, hints.get("style")
    pointed = hints.get("pointed") if hints.get("form", form) == form else None
    common = [frame[pick], sequence_track_ids(dataset, rows[pick]), b.x[rows][pick], b.y[rows][pick],
              b.w[rows][pick], b.h[rows][pick]]
    if form == "gt" and ("gt" in had or pick.any()):
        score = b.score[rows][pick]
        flag = np.where(ignore[pick], 0.0, np.where(np.isnan(score), 1.0, score))
        lines = format_rows(common + [flag, out_of_view[pick], occlusion[pick]], pointed)
        write_text(gt / f"{name}{MOT_FORM}", lines, style)
    elif form == "whole" and ("whole" in had or pick.any()):
        lines = format_rows(common + [out_of_view[pick], occlusion[pick], category[pick]], pointed)
        write_text(gt / f"{name}{WHOLE}", lines, style)
        # the MOT form of the same rows: flag 1, then the two columns the toolkit README calls constant -1
        constant = np.full(int(pick.sum()), -1.0)
        write_text(gt / f"{name}{MOT_FORM}", format_rows(common + [np.ones(len(constant)), constant, constant]), style)
    if "ignore" in had or region.any():
        _write_regions(dataset, rows[region], frame[region], out_of_view[region], occlusion[region],
                       gt / f"{name}{IGNORE}", hints)


def _write_regions(dataset: Dataset, rows: np.ndarray, frame: np.ndarray, out_of_view: np.ndarray,
                   occlusion: np.ndarray, path: Path, hints: dict) -> None:
    b = dataset.boxes
    region_id, region_class = (np.nan_to_num(b.hints[key][rows], nan=-1.0) if key in b.hints
                               else np.full(len(rows), -1.0) for key in (REGION_ID, REGION_CLASS))
    columns = [frame, region_id, b.x[rows], b.y[rows], b.w[rows], b.h[rows], out_of_view, occlusion, region_class]
    width = hints.get("ignore_columns", 9)
    write_text(path, format_rows(columns[:width], hints.get("ignore_pointed")), hints.get("ignore_style"))


def _extra_columns(extras: list | None, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The out-of-view and occlusion columns of `rows` from their extras, -1 where none."""
    if extras is None:
        return np.full(len(rows), -1.0), np.full(len(rows), -1.0)
    picked = [extras[i] or {} for i in rows.tolist()]
    return _code_column([e.get(OUT_OF_VIEW) for e in picked]), _code_column([e.get(OCCLUSION) for e in picked])


def _code_column(values: list) -> np.ndarray:
    """Extras as a number column: a finite number is written, anything else as -1 ("not given")."""
    try:
        column = np.array(values, dtype=np.float64)  # None becomes NaN
    except (TypeError, ValueError):  # a text or a list among them: one by one
        column = np.array([v if isinstance(v, (int, float)) else np.nan for v in values], dtype=np.float64)
    column[~np.isfinite(column)] = -1.0
    return column


def annotation_files(path: Path, options: Any = None) -> dict[str, Path]:
    """Per sequence the file read (`_gt_whole.txt`, else `_gt.txt`) and `_gt_ignore.txt`."""
    out = {}
    for kinds in _gt_files(_gt_folder(path)).values():
        for kind in ("whole" if "whole" in kinds else "gt", "ignore"):
            if kind in kinds:
                out[kinds[kind].name] = kinds[kind]
    return out


FORMAT = Format(
    "uavdt", "UAVDT sequences + GT/<seq>_gt_whole.txt, _gt_ignore.txt, _gt.txt", read, write, detect,
    options=UavdtOptions,
    carries=frozenset({"unclipped_boxes", "category_ids", "videos", "track_id", "ignore", "exact_boxes"}),
    lossy_note="categories are UAVDT's table (car, truck, bus, ignore regions); out-of-view and occlusion codes "
               "travel as extras", fixed_categories=True, per_sequence_tracks=True, annotation_files=annotation_files,
)
