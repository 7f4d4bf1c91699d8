"""ImageNet-VID's 30 classes: WordNet id (what an XML's `<name>` holds) and English name.

Category ids are 1..30 in this order, as mmtracking's `imagenet2coco_vid.py` numbers them (and as
MEGA's `vid.py` labels them after its background class 0); the `categories` of mmtracking's
CocoVID files carry the wnid as `encode_name`, so the model's categories do too.
"""

from __future__ import annotations

import numpy as np

CLASSES: tuple[tuple[str, str], ...] = (
    ("n02691156", "airplane"), ("n02419796", "antelope"), ("n02131653", "bear"), ("n02834778", "bicycle"),
    ("n01503061", "bird"), ("n02924116", "bus"), ("n02958343", "car"), ("n02402425", "cattle"),
    ("n02084071", "dog"), ("n02121808", "domestic_cat"), ("n02503517", "elephant"), ("n02118333", "fox"),
    ("n02510455", "giant_panda"), ("n02342885", "hamster"), ("n02374451", "horse"), ("n02129165", "lion"),
    ("n01674464", "lizard"), ("n02484322", "monkey"), ("n03790512", "motorcycle"), ("n02324045", "rabbit"),
    ("n02509815", "red_panda"), ("n02411705", "sheep"), ("n01726692", "snake"), ("n02355227", "squirrel"),
    ("n02129604", "tiger"), ("n04468005", "train"), ("n01662784", "turtle"), ("n04530566", "watercraft"),
    ("n02062744", "whale"), ("n02391049", "zebra"),
)
CATEGORY_OF_WNID = {wnid: k for k, (wnid, _) in enumerate(CLASSES, 1)}
NAME_OF_ID = {k: name for k, (_, name) in enumerate(CLASSES, 1)}
WNID_KEY = "encode_name"  # mmtracking's key for the wnid in a CocoVID category


def categories() -> list[dict]:
    return [{"id": k, "name": name, "extras": {WNID_KEY: wnid}} for k, (wnid, name) in enumerate(CLASSES, 1)]


def wnid_table() -> np.ndarray:
    """Category id → wnid (index 0 unused), for writing whole columns at once."""
    return np.array([""] + [wnid for wnid, _ in CLASSES], dtype=object)
