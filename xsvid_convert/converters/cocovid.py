"""mmtracking CocoVID: COCO plus `videos`, image `video_id` and 0-based `frame_id`, and
annotation `instance_id` unique across the whole file.

Annotations also carry what mmtracking's MOT converter writes: `mot_conf` (score or consider
flag), `visibility`, and here `truncation`/`occlusion` when the source has them.  Ignored boxes
are `iscrowd: 1` (mmdet puts them in `bboxes_ignore`); an `ignore` key read from a file also marks
a box ignored.  The document reader and writer are COCO's, with these rules switched on.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path, PurePosixPath

from ..options import Options, Report
from ..schemas import Dataset, Video
from .coco import read_document, write_document


def read(path: Path, opts: Options, report: Report) -> Dataset:
    return read_document(path, opts, report, cocovid=True)


def write(dataset: Dataset, target: Path, opts: Options, report: Report) -> None:
    write_document(dataset, target, opts, report, cocovid=True)


def detect(path: Path) -> bool:
    if path.suffix != ".json" or not path.is_file():
        return False
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    return b'"videos"' in head


def video_structure(dataset: Dataset, report: Report) -> tuple[list[Video], list[int], list[int]]:
    """Videos, and each frame's video id and frame index, inventing what the dataset lacks.

    A frame with no video joins a video named after its folder (`<video>/<frame>.png`); a frame
    with no index gets its rank by file name inside its video.
    """
    videos = list(dataset.videos)
    by_name = {v.name: v.id for v in videos}
    next_id = max((v.id for v in videos), default=0) + 1
    frame_video: list[int] = []
    for f in dataset.frames:
        if f.video_id is not None:
            frame_video.append(f.video_id)
            continue
        name = str(PurePosixPath(f.file_name).parent)
        name = "default" if name == "." else name
        if name not in by_name:
            by_name[name] = next_id
            videos.append(Video(id=next_id, name=name, width=f.width, height=f.height))
            next_id += 1
            report.add("videos_created")
        frame_video.append(by_name[name])
    frame_index: list[int] = [f.frame_index if f.frame_index is not None else -1 for f in dataset.frames]
    missing: dict[int, list[int]] = defaultdict(list)
    taken: dict[int, set[int]] = defaultdict(set)
    for k, f in enumerate(dataset.frames):
        if f.frame_index is None:
            missing[frame_video[k]].append(k)
        else:
            taken[frame_video[k]].add(f.frame_index)
    for video_id, members in missing.items():
        used = taken[video_id]
        free = (i for i in range(len(members) + len(used)) if i not in used)
        for k, index in zip(sorted(members, key=lambda k: dataset.frames[k].file_name), free):
            frame_index[k] = index
    return videos, frame_video, frame_index
