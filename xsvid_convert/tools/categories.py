"""Category maps: rename, merge and drop categories on the way through any conversion.

A map file is YAML::

    map:                 # source category (name or id) -> target name, or null to drop
      pedestrian: person
      people: person     # two sources, one target: merged
      others: null       # dropped, with its boxes
    ids:                 # optional: the id of each target category
      person: 6
    keep_unmapped: true  # default: categories the map does not name pass through unchanged
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ConvertError
from ..files.text import load_yaml
from ..model import Category, Dataset

# XS-VID's categories as YOLOFT's XS-VID.yaml lists them (classes_map [1..9]).
XSVID_CATEGORIES = ["CarCrowd", "bicycle", "bicycleCrowd", "car", "ignore", "person", "personCrowd",
                    "cyclist_Static", "cyclist_Move"]

PRESETS: dict[str, dict[str, Any]] = {
    # VisDrone2019-VID -> XS-VID.  XS-VID has one vehicle class and one person class; VisDrone's
    # ignored regions are XS-VID's `ignore` category; a VisDrone `motor` box is a ridden
    # two-wheeler in motion, XS-VID's cyclist_Move.  Tricycles and "others" have no XS-VID
    # counterpart and are dropped rather than forced into a wrong class.
    "visdrone-to-xsvid": {
        "map": {
            "ignored regions": "ignore", "pedestrian": "person", "people": "person",
            "bicycle": "bicycle", "car": "car", "van": "car", "truck": "car", "bus": "car",
            "motor": "cyclist_Move", "tricycle": None, "awning-tricycle": None, "others": None,
        },
        "ids": {name: k for k, name in enumerate(XSVID_CATEGORIES, 1)},
        "keep_unmapped": False,
    },
    # UAVDT -> XS-VID v2 (categories 0 bicycle-static, 1 bicycle-person, 2 car, 3 person, 4 ignore,
    # 5 truck, 6 boat).  XS-VID has no bus class: a bus is a large vehicle, so it joins truck
    # rather than car.  UAVDT's `vehicle` (the boxes of a `_gt.txt` without class) becomes car, the
    # class most of them are; ignore regions are XS-VID's ignore slot.
    "uavdt-to-xsvid": {
        "map": {"car": "car", "truck": "truck", "bus": "truck", "vehicle": "car", "ignore": "ignore"},
        "ids": {"bicycle-static": 0, "bicycle-person": 1, "car": 2, "person": 3, "ignore": 4, "truck": 5, "boat": 6},
        "keep_unmapped": False,
    },
}


def load(spec: str) -> dict[str, Any]:
    if spec in PRESETS:
        return PRESETS[spec]
    path = Path(spec)
    if not path.is_file():
        raise ConvertError(spec, f"no such category map file (presets: {', '.join(PRESETS)})")
    doc = load_yaml(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("map"), dict):
        raise ConvertError(str(path), "a category map needs a `map:` mapping of source -> target name (or null)")
    if "ids" in doc and not isinstance(doc["ids"], dict):
        raise ConvertError(str(path), "`ids:` must map target names to integer ids")
    return doc


def apply(dataset: Dataset, spec: dict[str, Any], where: str = "category map") -> Dataset:
    """A new dataset whose categories and boxes follow the map."""
    mapping: dict[Any, Any] = spec["map"]
    ids: dict[str, int] = dict(spec.get("ids") or {})
    keep_unmapped = spec.get("keep_unmapped", True)
    by_key: dict[Any, Any] = {}
    for key, target in mapping.items():
        if target is not None and not isinstance(target, str):
            raise ConvertError(where, f"target of {key!r} must be a name or null, found {target!r}")
        by_key[key] = target
    known = {c.id for c in dataset.categories} | {c.name for c in dataset.categories}
    unknown = [k for k in by_key if k not in known and str(k) not in {str(x) for x in known}]
    if unknown:
        raise ConvertError(where, f"names categories the dataset does not have: {unknown}")

    new_categories: list[Category] = []
    target_of: dict[int, int | None] = {}
    index_of_name: dict[str, Category] = {}
    used_ids = set(ids.values())
    next_id = max([c.id for c in dataset.categories] + list(used_ids) + [0]) + 1
    for c in dataset.categories:
        if c.name in by_key:
            target = by_key[c.name]
        elif c.id in by_key:
            target = by_key[c.id]
        elif keep_unmapped:
            target = c.name
            ids.setdefault(c.name, c.id)
        else:
            target = None
        if target is None:
            target_of[c.id] = None
            continue
        if target not in index_of_name:
            if target in ids:
                new_id = ids[target]
            elif target == c.name and c.id not in used_ids:
                new_id = c.id
            else:
                new_id = next_id
                next_id += 1
            used_ids.add(new_id)
            category = Category(id=new_id, name=target, supercategory=c.supercategory if target == c.name else None)
            index_of_name[target] = category
            new_categories.append(category)
        target_of[c.id] = index_of_name[target].id
    b = dataset.boxes
    keep = np.array([target_of[c] is not None for c in b.category_id.tolist()], dtype=bool)
    boxes = b.take(keep)
    boxes.category_id = np.array([target_of[c] for c in boxes.category_id.tolist()], dtype=np.int64)
    new_categories.sort(key=lambda c: c.id)
    return dataset.model_copy(update={"categories": new_categories, "boxes": boxes})
