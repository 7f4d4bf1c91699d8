"""YOLOFT's video layout, loaded unchanged by both YOLOFT generations and by Ultralytics.

`images/<video>/<0000000>.<ext>`, `labels/<video>/<0000000>.txt`, one list per split inside
`images/` (`images/train.txt`, lines `./<video>/<frame>.<ext>`), `annotations/<val split>.json`
(the COCO file YOLOFT evaluates against: exactly the frames of the val list, `file_name`
`<video>/<frame>.<ext>`, `video_id`, a `frame_id` increasing in name order, categories named as
`names` with the ids of `classes_map`), and a data.yaml.

Rules each loader states (checked against their code, see README): frames named by their 0-based
index in 7 digits (YOLOFT 2026 orders frames by name); 2024 replaces every `./` of a list line with
`path` + `images_dir`, needs `images_dir`/`labels_dir` with the trailing slash and an absolute
`path` (a relative one is resolved under its own datasets folder), and raises KeyError without
`datasetname`, `val_reimgsz`, `split_length`, `match_number`, `interval`, `rho`; 2026 joins list
lines to `images_dir`, needs `StreamVideoSampler` and `train_video_length`, and cuts a label path
at its first `.` (a dot in the dataset's path or a video folder loses every label); Ultralytics
resolves `./` against the list's folder — `images/` here, so all three find the same frames.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from ...errors import ConvertError
from ...files.paths import safe_relpath
from ...files.text import write_text
from ...model import Category, Dataset, Frame
from ...run import Run
from ..coco.rules import XSVID_V2
from ..coco.writer import write_document
from ..sequences import folder_name
from .yaml_file import dump_yaml, names_and_map

TRAIN = "train"
VAL_NAMES = ("val", "val_dev", "valid", "test")
GENERATIONS = ("2024", "2026", "both")
# 2024 (YOLOFT@70cd18c, config/XS-VID.yaml): KeyError without each; the values its configs use.
Y24_KEYS: dict[str, Any] = {"datasetname": "MOVEHomoDETDataset_stream", "val_reimgsz": True,
                            "split_length": [8, 50], "match_number": 1, "interval": 1, "rho": 4}
# 2026 (YOLOFT@9e51ac31, config/xsvid/data.yaml): the trainer asserts the first, the dataset
# reads train_video_length[-1] (a list as long as the config's train_slit, one by default).
Y26_KEYS: dict[str, Any] = {"StreamVideoSampler": True, "train_video_length": [2], "train_video_interval": 1}


def plan(dataset: Dataset, target: Path, options: Any, run: Run, classes: list[Category]) -> tuple[list[str], list[str]]:
    """Folders, lists, the eval JSON and data.yaml; returns where each frame's label and image go."""
    names = frame_names(dataset)
    labels = [f"{target}/labels/{n.rsplit('.', 1)[0] if '.' in n.rsplit('/', 1)[-1] else n}.txt" for n in names]
    images = [f"{target}/images/{n}" for n in names]
    for folder in sorted({n.split("/", 1)[0] for n in names}):
        (target / "images" / folder).mkdir(parents=True, exist_ok=True)
        (target / "labels" / folder).mkdir(parents=True, exist_ok=True)
    default = options.split or dataset.name or TRAIN
    lists: dict[str, list[int]] = {}
    for k, frame in enumerate(dataset.frames):
        lists.setdefault(frame.split or default, []).append(k)
    train, val = _train_and_val(lists, run)
    for split, members in lists.items():
        write_text(target / "images" / f"{split}.txt", [f"./{names[k]}" for k in members])
    final = (run.destination or target).resolve()
    eval_json = f"annotations/{val}.json"
    write_eval_json(dataset, lists[val], names, classes, target / eval_json, run)
    doc = yoloft_yaml(options.yoloft, final, {"train": f"images/{train}.txt", "val": f"images/{val}.txt",
                                               "test": f"images/{'test' if 'test' in lists else val}.txt"},
                      eval_json, classes)
    dump_yaml(target / "data.yaml", doc)
    warn_loader_hazards(dataset, final, names, lists[train], options.yoloft, run)
    return labels, images


def frame_names(dataset: Dataset) -> list[str]:
    """`<video folder>/<0-based index, 7 digits><ext>` of every frame, unique."""
    videos = dataset.video_by_id()
    out, seen = [], set()
    for frame in dataset.frames:
        video = _video_folder(frame, videos)
        suffix = PurePosixPath(frame.file_name).suffix or ".png"
        stem = f"{frame.frame_index:07d}" if frame.frame_index is not None else PurePosixPath(frame.file_name).stem
        name = f"{video}/{stem}{suffix}"
        if name in seen:
            raise ConvertError(frame.file_name, f"two frames map to the same YOLOFT frame {name}: are two videos named "
                                                f"{video!r}?")
        seen.add(name)
        out.append(name)
    return out


def _video_folder(frame: Frame, videos: dict) -> str:
    if frame.video_id is not None and frame.video_id in videos:
        return folder_name(videos[frame.video_id].name, f"video {frame.video_id}: name")
    parent = str(PurePosixPath(frame.file_name).parent)
    return "default" if parent == "." else folder_name(safe_relpath(parent, f"frame {frame.id}"), f"frame {frame.id}")


def _train_and_val(lists: dict[str, list[int]], run: Run) -> tuple[str, str]:
    train = TRAIN if TRAIN in lists else next(iter(lists))
    val = next((s for s in VAL_NAMES if s in lists and s != train), None)
    if val is None:
        run.note(f"one split only ({train}): data.yaml evaluates on the train frames")
        return train, train
    return train, val


def write_eval_json(dataset: Dataset, members: list[int], names: list[str], classes: list[Category], path: Path,
                    run: Run) -> None:
    """The frames of the val list under their new names, in XS-VID v2's form, with the class list
    as categories (YOLOFT 2026 refuses names or ids that disagree with data.yaml's)."""
    frames = [dataset.frames[k] for k in members]  # renamed as they are written, not copied
    ids = np.array([f.id for f in frames], dtype=np.int64)
    part = dataset.model_copy(update={
        "frames": frames, "boxes": dataset.boxes.take(np.isin(dataset.boxes.frame_id, ids)), "image_root": None,
        "categories": classes, "hints": {}, "extras": {}})
    path.parent.mkdir(parents=True, exist_ok=True)
    write_document(part, path, XSVID_V2, run.child(), [names[k] for k in members])


def yoloft_yaml(generation: str, root: Path, lists: dict[str, str], eval_json: str, classes: list[Category]) -> dict:
    """data.yaml for one YOLOFT generation, or for both: each ignores the other's keys."""
    names, classes_map = names_and_map(classes)
    doc: dict[str, Any] = {}
    if generation == "2026":  # the folder can move: 2026 resolves these against the yaml's folder
        doc.update(yaml_relative_root=True, path=".", **lists, eval_ann_json=eval_json)
    else:  # 2024 resolves a relative path under its own datasets folder and opens the JSON from the cwd
        doc.update(path=str(root), **lists, eval_ann_json=str(root / eval_json))
    doc.update(images_dir="images/", labels_dir="labels/")
    if generation in ("2024", "both"):
        doc.update(Y24_KEYS)
    if generation in ("2026", "both"):
        doc.update(Y26_KEYS)
    doc.update(classes_map=classes_map, names=names)
    return doc


def warn_loader_hazards(dataset: Dataset, root: Path, names: list[str], train: list[int], generation: str,
                        run: Run) -> None:
    """What the loaders do wrong without a word: 2026 finds no label under a path with a dot,
    2024 dies on a one-frame train video."""
    if generation != "2024":
        dotted = [str(root)] if "." in str(root) else []
        dotted += sorted({n.split("/", 1)[0] for n in names if "." in n.split("/", 1)[0]})[:3]
        if dotted:
            run.note(f"a '.' in {', '.join(dotted)}: YOLOFT 2026 cuts label paths at the first '.' and would find "
                     "no labels; move or rename")
    if generation != "2026":
        per_video: dict[str, int] = {}
        for k in train:
            per_video[names[k].split("/", 1)[0]] = per_video.get(names[k].split("/", 1)[0], 0) + 1
        single = sorted(v for v, n in per_video.items() if n == 1)
        if single:
            run.note(f"train videos with one frame ({', '.join(single[:3])}): YOLOFT 2024 stops on them")
