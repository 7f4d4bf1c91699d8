"""VisDrone2019-VID: `sequences/<seq>/0000001.jpg` and `annotations/<seq>.txt`.

Rows: `frame, target_id, left, top, w, h, score, category, truncation, occlusion`, frames 1-based.
Category 0 is an ignored region and 11 "others"; in ground truth a score of 0 means "ignore this
box" too, so both become the canonical ignore flag.  Truncation and occlusion are kept; where a
source has none they are written as -1, as VisDrone's result files do.  Image sizes come from the
frames' headers.  Rows keep the file's order, so a file read and written back is identical.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import numpy as np

from ..errors import ConvertError
from ..io import bring_image, folder_name, format_rows, image_size, parse_numeric_rows, read_lines, safe_name
from ..options import Options, Report, progress
from ..schemas import BoxTable, Dataset

CATEGORIES = {
    0: "ignored regions", 1: "pedestrian", 2: "people", 3: "bicycle", 4: "car", 5: "van",
    6: "truck", 7: "tricycle", 8: "awning-tricycle", 9: "bus", 10: "motor", 11: "others",
}
IGNORED_REGION = 0
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp"}


def detect(path: Path) -> bool:
    return path.is_dir() and (path / "annotations").is_dir() and any((path / "annotations").glob("*.txt"))


def read(path: Path, opts: Options, report: Report) -> Dataset:
    annotations = path / "annotations"
    sequences = path / "sequences"
    if not annotations.is_dir():
        raise ConvertError(str(path), "not a VisDrone-VID folder: no annotations/ inside")
    names = sorted({p.stem for p in annotations.glob("*.txt")} |
                   ({p.name for p in sequences.iterdir() if p.is_dir()} if sequences.is_dir() else set()))
    videos, frames, tables, line_of = [], [], [], []
    for name in progress(names, opts, len(names), "sequences"):
        video_id = len(videos) + 1
        safe_name(name, str(annotations / f"{name}.txt"))
        ann = annotations / f"{name}.txt"
        lines = read_lines(ann) if ann.is_file() else []
        values, numbers, pointed = parse_numeric_rows(ann, lines, 10, 10, "VisDrone-VID", report)
        line = lambda i: f"{ann}:{numbers[i]}"  # noqa: E731
        keep = np.ones(len(values), dtype=bool)
        for column, what in ((0, "frame"), (1, "target id"), (7, "category")):
            keep &= report.reject(keep & (values[:, column] != np.floor(values[:, column])), line,
                                  lambda i: f"{what} must be a whole number")
        keep &= report.reject(keep & (values[:, 0] < 1), line, lambda i: "frame numbers start at 1")
        keep &= report.reject(keep & ~np.isin(values[:, 7], list(CATEGORIES)), line,
                              lambda i: f"category {int(values[i, 7])} is not in VisDrone's table 0..11")
        values, numbers = values[keep], numbers[keep]

        folder = sequences / name
        images = {}
        if folder.is_dir():
            for p in folder.iterdir():
                digits = "".join(ch for ch in p.stem if ch.isdigit())
                if p.suffix.lower() in IMAGE_SUFFIXES and digits:
                    images[int(digits)] = p
        count = max(int(values[:, 0].max()) if len(values) else 0, max(images, default=0))
        first = len(frames)
        for number in range(1, count + 1):
            image = images.get(number)
            size = (image_size(image) if image else None) or opts.image_size
            frames.append({
                "id": first + number, "file_name": f"{name}/{image.name if image else f'{number:07d}.jpg'}",
                "width": size[0] if size else None, "height": size[1] if size else None,
                "video_id": video_id, "frame_index": number - 1,
            })
        score, category = values[:, 6], values[:, 7].astype(np.int64)
        tables.append(BoxTable(
            id=np.zeros(len(values), np.int64), frame_id=first + values[:, 0].astype(np.int64),
            category_id=category, x=values[:, 2], y=values[:, 3], w=values[:, 4], h=values[:, 5],
            track_id=values[:, 1].astype(np.int64), score=score,
            ignore=(score == 0) | (category == IGNORED_REGION),
            # -1 (result files) means "not given"
            truncation=np.where(values[:, 8] == -1, np.nan, values[:, 8]),
            occlusion=np.where(values[:, 9] == -1, np.nan, values[:, 9]),
        ))
        line_of += [f"{ann}:{n}" for n in numbers.tolist()]
        videos.append({"id": video_id, "name": name, "extras": {"_visdrone": {"pointed": pointed}}})
    boxes = BoxTable.concat(tables)
    boxes.id = np.arange(1, len(boxes) + 1, dtype=np.int64)
    categories = [{"id": k, "name": v} for k, v in CATEGORIES.items()]

    def locate(kind: str, index: int) -> str:
        return line_of[index] if kind == "boxes" else f"{path}: {kind}[{index}]"

    return Dataset.build(categories, videos, frames, boxes, locate, report, image_root=str(sequences))


def write(dataset: Dataset, target: Path, opts: Options, report: Report) -> None:
    from .cocovid import per_video

    if {c.id: c.name for c in dataset.categories}.items() - CATEGORIES.items():
        report.note("categories are not VisDrone's: their ids are written as they are, their names are lost")
    layout = per_video(dataset, report)
    b = dataset.boxes
    (target / "annotations").mkdir()
    (target / "sequences").mkdir()
    for video in progress(layout.videos, opts, len(layout.videos), "sequences"):
        name = folder_name(video.name, f"video {video.id}: name", report)
        rows = layout.rows(video.id)
        score, ignore, category = b.score[rows], b.ignore[rows], b.category_id[rows]
        # an ignored box keeps its category; score 0 is how VisDrone marks it (category 0 says it already)
        written_score = np.where(ignore & (category != IGNORED_REGION), 0.0,
                                 np.where(np.isnan(score), np.where(ignore, 0.0, 1.0), score))
        columns = [
            (layout.box_frame_index[rows] + 1).tolist(), b.track_id[rows].tolist(), b.x[rows].tolist(),
            b.y[rows].tolist(), b.w[rows].tolist(), b.h[rows].tolist(), written_score.tolist(),
            category.tolist(), np.nan_to_num(b.truncation[rows], nan=-1.0).tolist(),
            np.nan_to_num(b.occlusion[rows], nan=-1.0).tolist(),
        ]
        lines = format_rows(columns, video.extras.get("_visdrone", {}).get("pointed"))
        (target / "annotations" / f"{name}.txt").write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        folder = target / "sequences" / name
        folder.mkdir()
        for k in layout.frames_of[video.id]:
            frame = dataset.frames[k]
            suffix = PurePosixPath(frame.file_name).suffix or ".jpg"
            if opts.images != "none":  # skip building paths nobody uses
                bring_image(dataset.image_path(frame), folder / f"{layout.frame_index[k] + 1:07d}{suffix}", opts.images, report)
        report.add("frames", len(layout.frames_of[video.id]))
    report.add("boxes", len(b))
