"""The Ultralytics layout: `images/<split>/<file_name>`, `labels/<split>/<stem>.txt`, the lists
`images/<split>.txt` and `data.yaml` with `train`, `val` (and `test`), `names` and `classes_map`.

`data.yaml` has no `path`: Ultralytics resolves a relative `path` under its own datasets folder,
while none means "the yaml's folder".  The lists name every frame, even one whose image is
missing, and Ultralytics resolves their `./` lines against the list's folder (`images/`).
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path
from typing import Any

from ...errors import ConvertError
from ...files.paths import safe_name
from ...files.text import write_text
from ...model import Category, Dataset
from ...run import Run
from .yaml_file import dump_yaml, names_and_map

TRAIN = "train"


def plan(dataset: Dataset, target: Path, options: Any, run: Run, classes: list[Category]) -> tuple[list[str], list[str]]:
    """Folders, lists and data.yaml; returns where each frame's label and image go."""
    labels: list[str] = []
    images: list[str] = []
    lists: dict[str, list[str]] = defaultdict(list)
    made: set[str] = set()
    taken: set[str] = set()
    root = str(target)
    default = options.split or dataset.name or TRAIN
    for frame in dataset.frames:
        split = safe_name(frame.split or default, f"frame {frame.file_name}: split")
        name = frame.file_name
        stem = name.rsplit(".", 1)[0] if "." in name.rsplit("/", 1)[-1] else name
        label = f"labels/{split}/{stem}.txt"
        if label in taken:
            raise ConvertError(frame.file_name, f"two frames map to the same label file {label}")
        taken.add(label)
        image = f"{root}/images/{split}/{name}"
        for folder in (os.path.dirname(image), os.path.dirname(f"{root}/{label}")):
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
        labels.append(f"{root}/{label}")
        images.append(image)
        lists[split].append(f"./{split}/{name}")
    for split, entries in lists.items():
        write_text(target / "images" / f"{split}.txt", entries)
    dump_yaml(target / "data.yaml", _yaml(lists, classes, run))
    return labels, images


def _yaml(lists: dict[str, list[str]], classes: list[Category], run: Run) -> dict[str, Any]:
    order = sorted(lists, key=lambda s: (s != TRAIN, s not in ("val", "valid"), s))
    train = TRAIN if TRAIN in lists else (order[0] if order else TRAIN)
    val = next((s for s in ("val", "valid", "test", "val_dev") if s in lists and s != train), None)
    doc: dict[str, Any] = {"train": f"images/{train}.txt", "val": f"images/{val or train}.txt"}
    if val is None:
        run.note(f"only one split ({train}): data.yaml uses it for val too")
    for split in order:
        if split not in (train, val):
            doc[split] = f"images/{split}.txt"
    doc["names"], doc["classes_map"] = names_and_map(classes)
    return doc
