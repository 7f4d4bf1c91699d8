"""YOLOFT's video layout: `images/<video>/<0000000>.<ext>`, `labels/<video>/<0000000>.txt`,
the lists `images/train.txt` and `images/test.txt` with lines `./<video>/<frame>.<ext>`, a
data.yaml, and `annotations/test.json`: the COCO file of the test frames whose `file_name`s are
`<video>/<frame>.<ext>`, as YOLOFT looks image ids up by them.

Frames are named by their 0-based index in 7 digits: YOLOFT sorts frame names as text.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from ...errors import ConvertError
from ...files.paths import safe_relpath
from ..sequences import folder_name
from ...files.text import write_text
from ...model import Category, Dataset, Frame
from ...run import Run
from ..coco.writer import write_document
from ..coco.rules import COCO
from .yaml_file import dump_yaml, names_and_map

TRAIN = "train"
EVAL_JSON = "annotations/test.json"


def plan(dataset: Dataset, target: Path, options: Any, run: Run, classes: list[Category]) -> tuple[list[str], list[str]]:
    """Folders, lists, the yaml and the evaluation JSON; returns where each frame's label and
    image go."""
    labels: list[str] = []
    images: list[str] = []
    videos = dataset.video_by_id()
    lists: dict[str, list[str]] = {"train": [], "test": []}
    test_frames: list[int] = []
    renamed: list[str] = []
    made: set[str] = set()
    made_videos: set[str] = set()
    default = options.split or dataset.name or TRAIN
    for k, frame in enumerate(dataset.frames):
        video = _video_name(frame, videos)
        suffix = PurePosixPath(frame.file_name).suffix or ".png"
        stem = f"{frame.frame_index:07d}" if frame.frame_index is not None else PurePosixPath(frame.file_name).stem
        name = f"{video}/{stem}{suffix}"
        if name in made:
            raise ConvertError(frame.file_name, f"two frames map to the same YOLOFT frame {name}")
        made.add(name)
        renamed.append(name)
        if video not in made_videos:
            (target / "images" / video).mkdir(parents=True, exist_ok=True)
            (target / "labels" / video).mkdir(parents=True, exist_ok=True)
            made_videos.add(video)
        labels.append(f"{target}/labels/{video}/{stem}.txt")
        images.append(f"{target}/images/{name}")
        if (frame.split or default) == TRAIN:
            lists["train"].append(f"./{name}")
        else:
            lists["test"].append(f"./{name}")
            test_frames.append(k)
    if not lists["test"]:
        lists["test"] = list(lists["train"])
        test_frames = list(range(len(dataset.frames)))
        run.note("no val/test frames: test.txt lists the train frames")
    if not lists["train"]:
        lists["train"] = list(lists["test"])
        run.note("no train frames: train.txt lists the test frames")
    for key, entries in lists.items():
        write_text(target / "images" / f"{key}.txt", entries)
    _write_eval_json(dataset, [dataset.frames[k] for k in test_frames], [renamed[k] for k in test_frames],
                     target / EVAL_JSON, run)
    names, classes_map = names_and_map(classes)
    final = (run.destination or target).resolve()
    dump_yaml(target / "data.yaml", {
        "train": "images/train.txt", "val": "images/test.txt", "test": "images/test.txt",
        "labels_dir": "labels/", "images_dir": "images/", "eval_ann_json": str(final / EVAL_JSON),
        "classes_map": classes_map, "names": names,
    })
    return labels, images


def _write_eval_json(dataset: Dataset, frames: list[Frame], names: list[str], path: Path, run: Run) -> None:
    """The COCO file YOLOFT evaluates against: the test frames under their new names."""
    eval_frames = [f.model_copy(update={"file_name": n, "split": None, "source": None, "hints": {}})
                   for f, n in zip(frames, names)]
    ids = np.array([f.id for f in eval_frames], dtype=np.int64)
    eval_set = dataset.model_copy(update={
        "frames": eval_frames, "boxes": dataset.boxes.take(np.isin(dataset.boxes.frame_id, ids)), "image_root": None})
    path.parent.mkdir(parents=True, exist_ok=True)
    write_document(eval_set, path, COCO, run.child())


def _video_name(frame: Frame, videos: dict) -> str:
    if frame.video_id is not None and frame.video_id in videos:
        return folder_name(videos[frame.video_id].name, f"video {frame.video_id}: name")
    parent = str(PurePosixPath(frame.file_name).parent)
    return "default" if parent == "." else safe_relpath(parent, f"frame {frame.id}: file_name")
