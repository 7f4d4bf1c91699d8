"""Hand-written one-pass scripts a user would write: orjson, no validation, no atomicity.

Each is run as its own process: `python baselines.py JOB SRC DST`.  They produce the same label
lines as the project where both define them, so the benchmark can check they did the same job.
"""

import os
import sys
from collections import defaultdict
from pathlib import Path

import orjson


def coco_to_yolo(src: Path, dst: Path) -> None:
    doc = orjson.loads(src.read_bytes())
    lines = _label_lines(doc)
    made = set()
    for image_id, im in ((i["id"], i) for i in doc["images"]):
        label = dst / "labels" / "train" / (os.path.splitext(im["file_name"])[0] + ".txt")
        if label.parent not in made:
            label.parent.mkdir(parents=True, exist_ok=True)
            made.add(label.parent)
        with open(label, "w") as fh:
            if lines[image_id]:
                fh.write("\n".join(lines[image_id]) + "\n")


def _label_lines(doc: dict) -> dict:
    """image id -> YOLO label lines (class = position in the category list); ignored boxes dropped."""
    classes = {c["id"]: k for k, c in enumerate(doc["categories"])}
    images = {i["id"]: i for i in doc["images"]}
    lines = defaultdict(list)
    for a in doc["annotations"]:
        if a.get("iscrowd") or a.get("ignore"):
            continue
        im = images[a["image_id"]]
        W, H = im["width"], im["height"]
        x, y, w, h = a["bbox"]
        x1, y1, x2, y2 = max(x, 0), max(y, 0), min(x + w, W), min(y + h, H)
        if x2 <= x1 or y2 <= y1:
            continue
        lines[a["image_id"]].append("%d %.6f %.6f %.6f %.6f" % (
            classes[a["category_id"]], (x1 + x2) / 2 / W, (y1 + y2) / 2 / H, (x2 - x1) / W, (y2 - y1) / H))
    return lines


def _frames_out(doc: dict, src_images: Path, dst: Path, lines: dict, place, empty_labels: bool = True) -> list[str]:
    """Label files (for background frames too when `empty_labels`), each image placed with
    `place(source, target)`; the list lines."""
    listed, made = [], set()
    for im in doc["images"]:
        name = im["file_name"]
        for folder in ("labels", "images"):
            parent = (dst / folder / name).parent
            if parent not in made:
                parent.mkdir(parents=True, exist_ok=True)
                made.add(parent)
        if lines[im["id"]] or empty_labels:
            with open(dst / "labels" / (os.path.splitext(name)[0] + ".txt"), "w") as fh:
                fh.write("\n".join(lines[im["id"]]) + "\n" if lines[im["id"]] else "")
        place(src_images / name, dst / "images" / name)
        listed.append(f"./{name}")
    return listed


def coco_to_yoloft(src: Path, dst: Path) -> None:
    """YOLOFT's layout: labels/<video>/<frame>.txt, symlinked images, a list file, the eval JSON, a yaml."""
    doc = orjson.loads(src.read_bytes())
    listed = _frames_out(doc, src.parent.parent / "images", dst, _label_lines(doc), os.symlink)
    (dst / "images" / "train.txt").write_text("\n".join(listed) + "\n")
    (dst / "annotations").mkdir()
    (dst / "annotations" / "train.json").write_bytes(src.read_bytes())
    names = "\n".join(f"  {k}: {c['name']}" for k, c in enumerate(doc["categories"]))
    (dst / "data.yaml").write_text(
        f"path: {dst}\ntrain: images/train.txt\nval: images/train.txt\nimages_dir: images/\nlabels_dir: labels/\n"
        f"eval_ann_json: {dst}/annotations/train.json\nnames:\n{names}\n")


def coco_to_xsvid(src: Path, dst: Path) -> None:
    """The XS-VID release folder: hard-linked images, labels, the JSON, a split list."""
    doc = orjson.loads(src.read_bytes())
    # a background frame gets no label file, as the release's own tools make them
    listed = _frames_out(doc, src.parent.parent / "images", dst, _label_lines(doc), os.link, empty_labels=False)
    (dst / "annotations").mkdir()
    (dst / "annotations" / "train.json").write_bytes(src.read_bytes())
    (dst / "splits").mkdir()
    (dst / "splits" / "train.txt").write_text("\n".join(listed) + "\n")


def yolo_to_coco(src: Path, dst: Path) -> None:
    # sizes come from the COCO file the labels were made from (a user would read image headers)
    root = src / "labels" / "train"
    size = (1024, 1024)
    images, annotations = [], []
    for k, label in enumerate(sorted(root.rglob("*.txt")), 1):
        name = str(label.relative_to(root).with_suffix(".png"))
        images.append({"id": k, "file_name": name, "width": size[0], "height": size[1]})
        for line in label.read_text().splitlines():
            c, cx, cy, w, h = line.split()
            w, h = float(w) * size[0], float(h) * size[1]
            x, y = float(cx) * size[0] - w / 2, float(cy) * size[1] - h / 2
            annotations.append({"id": len(annotations) + 1, "image_id": k, "category_id": int(c) + 1,
                                "bbox": [x, y, w, h], "area": w * h, "iscrowd": 0})
    dst.write_bytes(orjson.dumps({"info": {}, "licenses": [], "images": images, "annotations": annotations,
                                  "categories": [{"id": i + 1, "name": str(i)} for i in range(9)]}))


def coco_to_cocovid(src: Path, dst: Path) -> None:
    doc = orjson.loads(src.read_bytes())
    for a in doc["annotations"]:
        a.setdefault("instance_id", -1)
    dst.write_bytes(orjson.dumps(doc))


def cocovid_to_mot(src: Path, dst: Path) -> None:
    doc = orjson.loads(src.read_bytes())
    images = {i["id"]: i for i in doc["images"]}
    videos = {v["id"]: v["name"] for v in doc["videos"]}
    rows = defaultdict(list)
    for a in doc["annotations"]:
        im = images[a["image_id"]]
        x, y, w, h = a["bbox"]
        rows[im["video_id"]].append(f"{im['frame_id'] + 1},{a.get('instance_id', -1)},{x},{y},{w},{h},"
                                    f"{0 if a.get('iscrowd') else 1},{a['category_id']},-1")
    for vid, name in videos.items():
        (dst / name / "gt").mkdir(parents=True, exist_ok=True)
        (dst / name / "gt" / "gt.txt").write_text("\n".join(rows[vid]) + "\n")


def visdrone_to_coco(src: Path, dst: Path) -> None:
    images, annotations = [], []
    for ann in sorted((src / "annotations").glob("*.txt")):
        frames = {}
        for line in ann.read_text().splitlines():
            f, t, x, y, w, h, s, c, tr, oc = line.split(",")[:10]
            f = int(f)
            if f not in frames:
                frames[f] = len(images) + 1
                images.append({"id": frames[f], "file_name": f"{ann.stem}/{f:07d}.jpg", "width": 1024, "height": 1024})
            w, h = float(w), float(h)
            annotations.append({"id": len(annotations) + 1, "image_id": frames[f], "category_id": int(c),
                                "bbox": [float(x), float(y), w, h], "area": w * h,
                                "iscrowd": int(s == "0" or c == "0"), "instance_id": int(t)})
    dst.write_bytes(orjson.dumps({"info": {}, "licenses": [], "images": images, "annotations": annotations,
                                  "categories": [{"id": i, "name": str(i)} for i in range(12)]}))


def _frames(gt: Path) -> tuple[dict, dict, set]:
    doc = orjson.loads(gt.read_bytes())
    names = {v["id"]: v["name"] for v in doc["videos"]}
    ignore = {c["id"] for c in doc["categories"] if c["name"] == "ignore"}
    return {i["id"]: (names[i["video_id"]], i["frame_id"]) for i in doc["images"]}, names, ignore


def coco_results_to_mot_results(src: Path, dst: Path, gt: Path) -> None:
    frames, names, ignore = _frames(gt)
    rows = defaultdict(list)
    for r in orjson.loads(src.read_bytes()):
        if r["category_id"] in ignore:
            continue
        video, frame = frames[r["image_id"]]
        rows[video].append((frame + 1, -1, *r["bbox"], r["score"]))
    dst.mkdir()
    for video in names.values():
        lines = ["%d,%d,%.2f,%.2f,%.2f,%.2f,%.2f,-1,-1,-1" % row for row in sorted(rows[video], key=lambda r: r[:2])]
        (dst / f"{video}.txt").write_text("\n".join(lines) + "\n" if lines else "")


def coco_results_to_tao_results(src: Path, dst: Path, gt: Path) -> None:
    doc = orjson.loads(gt.read_bytes())
    video = {i["id"]: i["video_id"] for i in doc["images"]}
    rows = orjson.loads(src.read_bytes())
    for k, r in enumerate(rows):
        r["video_id"], r["track_id"] = video[r["image_id"]], k
    dst.write_bytes(orjson.dumps(rows))


if __name__ == "__main__":
    job, src, dst = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    globals()[job](src, dst, *map(Path, sys.argv[4:]))
