"""Deterministic XS-VID-shaped data: videos in sub-folders, 9 categories, small boxes on tracks
that persist across frames.  Used by the tests, the README example and the benchmark."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import orjson

from .tools.categories import XSVID_CATEGORIES


def xsvid_coco(videos: int = 3, frames: int = 5, tracks: int = 6, width: int = 96, height: int = 64,
               seed: int = 0, first_category_id: int = 1, ignored_every: int = 7,
               inside: bool = True, names: list[str] = XSVID_CATEGORIES, track_key: str = "instance_id",
               frame_key: str = "frame_id", background_every: int = 0,
               longer_videos: int = 0) -> dict[str, Any]:
    """A COCO document with XS-VID's video keys (2024: `videos`, `video_id`, `frame_id`,
    `instance_id`; v2 shape with `names=XSVID_V2, first_category_id=0, track_key="track_id",
    frame_key="frame_index"`).

    Boxes lie inside the image when `inside`; otherwise some cross the border.  Every
    `ignored_every`-th box is `iscrowd: 1` (and `ignore: 1` in the v2 shape).  Every
    `background_every`-th frame has no box; the first `longer_videos` videos have one frame more.
    """
    rng = random.Random(seed)
    doc: dict[str, Any] = {
        "info": {"description": "synthetic XS-VID-shaped data", "version": "1"},
        "licenses": [],
        "categories": [{"id": first_category_id + k, "name": n, "supercategory": "object"}
                       for k, n in enumerate(names)],
        "videos": [], "images": [], "annotations": [],
    }
    image_id = ann_id = instance = 0
    for v in range(videos):
        name = f"video_{v + 1:03d}"
        doc["videos"].append({"id": v + 1, "name": name, "width": width, "height": height})
        states = []
        for _ in range(tracks):
            instance += 1
            w, h = rng.uniform(2, min(30, width / 3)), rng.uniform(2, min(30, height / 3))
            states.append({
                "instance": instance, "category": first_category_id + rng.randrange(len(names)),
                "x": rng.uniform(0, width - w), "y": rng.uniform(0, height - h), "w": w, "h": h,
                "dx": rng.uniform(-2, 2), "dy": rng.uniform(-2, 2),
            })
        for f in range(frames + (v < longer_videos)):
            image_id += 1
            doc["images"].append({"id": image_id, "file_name": f"{name}/{f:07d}.png", "width": width,
                                  "height": height, "video_id": v + 1, frame_key: f})
            for s in states if not background_every or image_id % background_every else ():
                s["x"] = min(max(s["x"] + s["dx"], 0), width - s["w"]) if inside else s["x"] + s["dx"]
                s["y"] = min(max(s["y"] + s["dy"], 0), height - s["h"]) if inside else s["y"] + s["dy"]
                ann_id += 1
                x, y, w, h = round(s["x"], 3), round(s["y"], 3), round(s["w"], 3), round(s["h"], 3)
                crowd = 1 if ignored_every and ann_id % ignored_every == 0 else 0
                doc["annotations"].append({
                    "id": ann_id, "image_id": image_id, "category_id": s["category"],
                    "bbox": [x, y, w, h], "area": w * h, "iscrowd": crowd,
                    **({"ignore": crowd} if track_key == "track_id" else {}), track_key: s["instance"],
                })
    return doc


def write_dataset(root: Path, doc: dict[str, Any], images: bool = True) -> Path:
    """Write `annotations/train.json` and (optionally) PNG frames under `images/`."""
    (root / "annotations").mkdir(parents=True, exist_ok=True)
    path = root / "annotations" / "train.json"
    path.write_bytes(orjson.dumps(doc))
    if images:
        from PIL import Image

        for image in doc["images"]:
            target = root / "images" / image["file_name"]
            target.parent.mkdir(parents=True, exist_ok=True)
            Image.new("RGB", (image["width"], image["height"]), (90, 90, 90)).save(target)
    return path
