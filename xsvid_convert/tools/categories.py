"""Category maps: rename, merge, drop or ignore categories on the way through any conversion.

A map file is YAML::

    map:                 # source category (name or id) -> target name, or null to drop it and its boxes
      pedestrian: person
      people: person     # two sources, one target: merged
      others: null       # dropped, with its boxes
    ids:                 # optional: the id of each target category
      person: 6
    complete: false      # true: every category named in `ids` is in the output, boxes or not
    ignore: [ignore]     # optional: boxes mapped to these targets become ignored boxes
    keep_unmapped: true  # default: categories the map does not name pass through unchanged
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ConvertError, shown
from ..files.text import load_yaml
from ..model import Category, Dataset

# XS-VID v2 (2026): ids 0..6, category 4 the ignore slot (YOLOFT's config/xsvid/data.yaml).
XSVID_V2 = ["bicycle-static", "bicycle-person", "car", "person", "ignore", "truck", "boat"]
# XS-VID 2024: ids 1..9 (YOLOFT's XS-VID.yaml, classes_map [1..9]).
XSVID_V1 = ["CarCrowd", "bicycle", "bicycleCrowd", "car", "ignore", "person", "personCrowd",
            "cyclist_Static", "cyclist_Move"]
XSVID_CATEGORIES = XSVID_V1  # the synthetic data's names

PRESETS: dict[str, dict[str, Any]] = {
    # VisDrone2019-VID -> XS-VID v2.  Decisions (README, "Category maps"):
    # - pedestrian, people -> person; car, van -> car; truck, bus -> truck (v2 has these three).
    # - bicycle -> bicycle-static: VisDrone boxes the bicycle alone (a rider is a separate
    #   `people` box), which is the shape of XS-VID's bicycle-static boxes; the rider stays a person.
    # - motor, tricycle, awning-tricycle, others -> ignore: XS-VID has no class for them, and a
    #   real object left unlabelled would be learned as background; as ignored boxes they are
    #   neither learned nor scored.  VisDrone's ignored regions -> ignore.
    # - every v2 category is written, boat included (YOLOFT's tools need all seven).
    "visdrone-to-xsvid": {
        "map": {
            "ignored regions": "ignore", "pedestrian": "person", "people": "person", "bicycle": "bicycle-static",
            "car": "car", "van": "car", "truck": "truck", "bus": "truck", "motor": "ignore", "tricycle": "ignore",
            "awning-tricycle": "ignore", "others": "ignore",
        },
        "ids": {name: k for k, name in enumerate(XSVID_V2)},
        "complete": True, "ignore": ["ignore"], "keep_unmapped": False,
    },
    # VisDrone2019-VID -> XS-VID 2024's nine classes (the earlier preset, kept as it was).
    "visdrone-to-xsvid-v1": {
        "map": {
            "ignored regions": "ignore", "pedestrian": "person", "people": "person",
            "bicycle": "bicycle", "car": "car", "van": "car", "truck": "car", "bus": "car",
            "motor": "cyclist_Move", "tricycle": None, "awning-tricycle": None, "others": None,
        },
        "ids": {name: k for k, name in enumerate(XSVID_V1, 1)},
        "keep_unmapped": False,
    },
    # UAVDT -> XS-VID v2.  XS-VID has no bus class: a bus is a large vehicle, so it joins truck
    # rather than car.  UAVDT's `vehicle` (the boxes of a `_gt.txt` without class) becomes car, the
    # class most of them are; ignore regions are XS-VID's ignore slot.
    "uavdt-to-xsvid": {
        "map": {"car": "car", "truck": "truck", "bus": "truck", "vehicle": "car", "ignore": "ignore"},
        "ids": {name: k for k, name in enumerate(XSVID_V2)},
        "complete": True, "ignore": ["ignore"], "keep_unmapped": False,
    },
}


def load(spec: str) -> dict[str, Any]:
    """A preset by name, or a map file, checked."""
    if spec in PRESETS:
        return PRESETS[spec]
    path = Path(spec)
    if not path.is_file():
        raise ConvertError(spec, f"no such category map file (presets: {', '.join(PRESETS)})")
    doc = load_yaml(path)
    where = str(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("map"), dict):
        raise ConvertError(where, "a category map needs a `map:` mapping of source -> target name (or null)")
    for key, target in doc["map"].items():
        if target is not None and not isinstance(target, str):
            raise ConvertError(f"{where}: map", f"target of {shown(key)} must be a name or null, found {shown(target)}")
    ids = doc.get("ids") or {}
    if not isinstance(ids, dict) or not all(isinstance(k, str) and type(v) is int for k, v in ids.items()):
        raise ConvertError(f"{where}: ids", "`ids:` must map target names to integer ids")
    if len(set(ids.values())) != len(ids):
        raise ConvertError(f"{where}: ids", "two targets have one id")
    ignore = doc.get("ignore") or []
    if not isinstance(ignore, list) or not all(isinstance(n, str) for n in ignore):
        raise ConvertError(f"{where}: ignore", "`ignore:` must be a list of target names")
    unknown = sorted(set(doc) - {"map", "ids", "complete", "ignore", "keep_unmapped"})
    if unknown:
        raise ConvertError(where, f"unknown keys {unknown}; a map has map, ids, complete, ignore, keep_unmapped")
    return doc


def apply(dataset: Dataset, spec: dict[str, Any], where: str = "category map") -> Dataset:
    """A new dataset whose categories and boxes follow the map."""
    mapping: dict[Any, Any] = spec["map"]
    known = {c.id for c in dataset.categories} | {c.name for c in dataset.categories}
    unknown = [k for k in mapping if k not in known and str(k) not in {str(x) for x in known}]
    if unknown:
        raise ConvertError(where, f"names categories the dataset does not have: {unknown}")
    target_of, categories = _targets(dataset, spec)
    b = dataset.boxes
    keep = np.array([target_of[c] is not None for c in b.category_id.tolist()], dtype=bool)
    boxes = b.take(keep)
    new_ids = np.array([target_of[c] for c in boxes.category_id.tolist()], dtype=np.int64)
    ignored_ids = [c.id for c in categories if c.name in set(spec.get("ignore") or [])]
    boxes = boxes.replace(category_id=new_ids, ignore=boxes.ignore | np.isin(new_ids, ignored_ids))
    return dataset.model_copy(update={"categories": sorted(categories, key=lambda c: c.id), "boxes": boxes})


def _targets(dataset: Dataset, spec: dict[str, Any]) -> tuple[dict[int, int | None], list[Category]]:
    """Source category id -> target id (None: dropped), and the target categories."""
    mapping: dict[Any, Any] = spec["map"]
    ids: dict[str, int] = dict(spec.get("ids") or {})
    keep_unmapped = spec.get("keep_unmapped", True)
    made: dict[str, Category] = {}
    next_id = max([c.id for c in dataset.categories] + list(ids.values()) + [0]) + 1
    target_of: dict[int, int | None] = {}
    for c in dataset.categories:
        key = c.name if c.name in mapping else c.id if c.id in mapping else None
        target = mapping[key] if key is not None else (c.name if keep_unmapped else None)
        if key is None and keep_unmapped:
            ids.setdefault(c.name, c.id)
        if target is None:
            target_of[c.id] = None
            continue
        if target not in made:
            taken = {cat.id for cat in made.values()} | set(ids.values())
            if target in ids:
                new_id = ids[target]
            elif target == c.name and c.id not in taken:
                new_id = c.id
            else:
                new_id, next_id = next_id, next_id + 1
            made[target] = Category(id=new_id, name=target, supercategory=c.supercategory if target == c.name else None)
        target_of[c.id] = made[target].id
    if spec.get("complete"):
        for name, new_id in ids.items():
            made.setdefault(name, Category(id=new_id, name=name))
    return target_of, list(made.values())
