"""An XS-VID v2-shaped ground truth for the results and evaluate tests: several videos whose frames
share names (`0000000.jpg`, ...), categories 0..6 with the `ignore` category 4 on iscrowd boxes,
tracks with boxes in every size bucket (es < 12², rs, gs, medium, large)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

NAMES = ["bicycle-static", "bicycle-person", "car", "person", "ignore", "truck", "boat"]
IGNORE = 4
# box sides: es, es, rs, rs, gs, gs, medium, large
SIDES = [(6, 5), (10, 11), (13, 14), (19, 17), (22, 25), (30, 28), (50, 40), (120, 100)]
FOREGROUND = [0, 1, 2, 3, 5, 6]


def gt_doc(videos: int = 3, frames: int = 4, width: int = 640, height: int = 480) -> dict[str, Any]:
    doc: dict[str, Any] = {"info": {}, "licenses": [], "categories": [{"id": k, "name": n} for k, n in enumerate(NAMES)],
                           "videos": [], "images": [], "annotations": []}
    track = 0
    for v in range(videos):
        name = f"video-{v + 1:04d}_source_0"
        doc["videos"].append({"id": v + 1, "name": name})
        first_track = track
        for f in range(frames):
            image_id = len(doc["images"]) + 1
            doc["images"].append({"id": image_id, "file_name": f"{name}/{f:07d}.jpg", "width": width, "height": height,
                                  "video_id": v + 1, "frame_index": f, "frame_id": f})
            for k, (w, h) in enumerate(SIDES):
                x, y = 10 + 150 * (k % 4) + 2 * f, 10 + 200 * (k // 4) + f
                category = FOREGROUND[(k + v) % len(FOREGROUND)]
                _add(doc, image_id, v + 1, first_track + k, category, [float(x), float(y), float(w), float(h)], 0)
            _add(doc, image_id, v + 1, first_track + len(SIDES), IGNORE, [600.0, 400.0, 30.0, 30.0], 1)
        track = first_track + len(SIDES) + 1
    return doc


def _add(doc: dict, image_id: int, video_id: int, track_id: int, category: int, bbox: list, crowd: int) -> None:
    doc["annotations"].append({"id": len(doc["annotations"]) + 1, "image_id": image_id, "video_id": video_id,
                               "category_id": category, "bbox": bbox, "area": bbox[2] * bbox[3], "iscrowd": crowd,
                               "ignore": crowd, "track_id": track_id})


def write_gt(folder: Path, **kwargs: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "test.json"
    path.write_bytes(orjson.dumps(gt_doc(**kwargs)))
    return path


def detections(doc: dict, score: float = 1.0) -> list[dict]:
    """The ground truth as COCO results: every non-crowd box found with `score`."""
    return [{"image_id": a["image_id"], "category_id": a["category_id"], "bbox": list(a["bbox"]), "score": score}
            for a in doc["annotations"] if not a["iscrowd"]]
