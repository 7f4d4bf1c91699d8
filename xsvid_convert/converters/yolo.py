"""YOLO txt labels: the Ultralytics layout (`data.yaml`), YOLOFT's video layout, and reading
Darknet's `obj.data`.

One `.txt` per image, one row per box: `class cx cy w h`, normalized to [0, 1], six decimals
fixed-point.  The class is the position of the category in the dataset's category list, never
`category_id - 1`; the yaml keeps `names` and `classes_map` (the category id of each class) so
that reading back restores the original ids.

Ultralytics rejects a whole label file with a value outside [0, 1] or a class ≥ nc, so boxes are
clipped to the image and boxes left with no area are dropped; both are counted.

Layouts written:

* `ultralytics`: `images/<split>/<file_name>`, `labels/<split>/<file_name stem>.txt`, `data.yaml`
  with `train`, `val` (and `test`), `names`, `classes_map`, and no `path`: a relative `path` is
  resolved under Ultralytics' own datasets folder, while none means "the yaml's folder".
* `yoloft`: `images/<video>/<frame>.<ext>`, `labels/<video>/<frame>.txt` with frames named by their
  0-based index in 7 digits (YOLOFT sorts frame names as text), `images/train.txt` and
  `images/test.txt` with lines `./<video>/<frame>.<ext>` (YOLOFT resolves `./` against
  `images_dir`, Ultralytics against the list's folder: both land in `images/`), a yaml with
  `labels_dir`, `images_dir`, `names`, `classes_map`, `eval_ann_json`, and that COCO file in
  `annotations/` with `file_name` = `<video>/<frame>.<ext>`, as YOLOFT looks frames up by it.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from pathlib import Path, PurePosixPath
from typing import Any, Iterator

import numpy as np

from ..errors import ConvertError
from ..io import bring_image, image_size, load_yaml, read_lines, safe_name, safe_relpath
from ..options import Options, Report, progress
from ..schemas import BoxTable, Category, Dataset, Frame

IMAGE_SUFFIXES = {".bmp", ".dng", ".jpeg", ".jpg", ".mpo", ".png", ".tif", ".tiff", ".webp", ".pfm", ".heic"}
IGNORED_CLASS_NAMES = ("ignored regions", "ignored-regions", "ignored_regions", "ignored", "ignore")
TRAIN_SPLIT = "train"


def detect(path: Path) -> bool:
    if path.is_file():
        return path.suffix in (".yaml", ".yml") or path.name == "obj.data"
    return path.is_dir() and (
        (path / "obj.data").is_file() or any(path.glob("*.yaml")) or (path / "labels").is_dir()
    )


# ================================================================ writing


def write(dataset: Dataset, target: Path, opts: Options, report: Report) -> None:
    classes, class_of_category, ignored_class = _classes(dataset, opts)
    if opts.layout not in ("yoloft", "ultralytics"):
        raise ConvertError(None, f"unknown YOLO layout {opts.layout!r}: use ultralytics or yoloft")
    rows, values = _normalized_rows(dataset, class_of_category, ignored_class, opts, report)
    if opts.layout == "yoloft":
        labels, images = _write_yoloft(dataset, target, opts, report, classes)
    else:
        labels, images = _write_ultralytics(dataset, target, opts, report, classes)
    _write_frames(dataset, rows, values, labels, images, opts, report)


def _classes(dataset: Dataset, opts: Options) -> tuple[list[Category], dict[int, int], int | None]:
    """The class list (category order), category id → class, and the class for ignored boxes."""
    classes = list(dataset.categories)
    ignored_class = None
    if opts.ignored == "class":
        for k, c in enumerate(classes):
            if c.name.lower() in IGNORED_CLASS_NAMES:
                ignored_class = k
                break
        else:
            new_id = max((c.id for c in classes), default=0) + 1
            classes.append(Category(id=new_id, name="ignored"))
            ignored_class = len(classes) - 1
    elif opts.ignored != "drop":
        raise ConvertError(None, f"--ignored must be drop or class, not {opts.ignored!r}")
    return classes, {c.id: k for k, c in enumerate(classes)}, ignored_class


def _normalized_rows(
    dataset: Dataset, class_of_category: dict[int, int], ignored_class: int | None,
    opts: Options, report: Report,
) -> tuple[np.ndarray, np.ndarray]:
    """Clip every box to its image and normalize it: (box rows kept, their class cx cy w h)."""
    b = dataset.boxes
    positions = dataset.frame_positions()
    widths, heights = dataset.frame_sizes()
    if len(b):
        unknown = np.flatnonzero(np.isnan(widths[positions]) | np.isnan(heights[positions]))
        if len(unknown):
            frame = dataset.frames[int(positions[unknown[0]])]
            raise ConvertError(
                str(dataset.image_path(frame) or frame.file_name),
                "image size unknown (no size in the annotations and no image to read it from); "
                "YOLO needs it to normalize boxes: give --image-size WxH or --images-root",
            )
    W, H = widths[positions], heights[positions]
    x1 = np.clip(b.x, 0, W)
    y1 = np.clip(b.y, 0, H)
    x2 = np.clip(b.x + b.w, 0, W)
    y2 = np.clip(b.y + b.h, 0, H)
    nonempty = (x2 > x1) & (y2 > y1)
    changed = (x1 != b.x) | (y1 != b.y) | (x2 != b.x + b.w) | (y2 != b.y + b.h)
    keep = nonempty.copy()
    if ignored_class is None:
        keep &= ~b.ignore
        report.add("ignored_dropped", int((b.ignore & nonempty).sum()))
    report.add("dropped", int((~nonempty).sum()))
    report.add("clipped", int((changed & keep).sum()))
    cls = np.array([class_of_category[c] for c in b.category_id.tolist()], dtype=np.int64) if len(b) else np.zeros(0, np.int64)
    if ignored_class is not None:
        cls[b.ignore] = ignored_class
    rows = np.flatnonzero(keep)
    w = x2[rows] - x1[rows]
    h = y2[rows] - y1[rows]
    values = np.column_stack([
        cls[rows].astype(np.float64), (x1[rows] + x2[rows]) / 2 / W[rows], (y1[rows] + y2[rows]) / 2 / H[rows],
        w / W[rows], h / H[rows],
    ])
    report.add("boxes", len(rows))
    return rows, values


# Fixed-point: Ultralytics reads any float, but `%g` would write 5e-05 for a 0.05 px box.
LABEL_LINE = "%d %.6f %.6f %.6f %.6f\n"


def _frame_texts(dataset: Dataset, rows: np.ndarray, values: np.ndarray, first: int = 0,
                 last: int | None = None) -> Iterator[str]:
    """The label file text of each frame, in frame order, boxes in the dataset's order within a
    frame.  One `%` formatting per frame, not per box; numbers turned into Python floats a block
    of frames at a time, so 4.5M boxes never sit in memory as 22M float objects."""
    positions = dataset.frame_positions()[rows] if len(rows) else np.zeros(0, np.int64)
    order = np.argsort(positions, kind="stable")
    positions = positions[order]
    starts = np.searchsorted(positions, np.arange(len(dataset.frames) + 1))
    last = len(dataset.frames) if last is None else last
    step = 4096  # frames per block
    for block in range(first, last, step):
        lo, hi = int(starts[block]), int(starts[min(block + step, last)])
        flat = values[order[lo:hi]].ravel().tolist()
        for k in range(block, min(block + step, last)):
            a, b = int(starts[k]) - lo, int(starts[k + 1]) - lo
            yield (LABEL_LINE * (b - a)) % tuple(flat[5 * a:5 * b]) if b > a else ""


_JOB: dict[str, Any] = {}
"""What `_write_range` works on: set before the worker processes fork, so they share it."""


def _write_frames(dataset: Dataset, rows: np.ndarray, values: np.ndarray, labels: list[str],
                  images: list[str], opts: Options, report: Report) -> None:
    """Every frame's label file and image, in `opts.workers` processes.

    Tens of thousands of small files make this step syscall-bound; forked workers each take
    contiguous ranges of frames (the texts are formatted where they are written)."""
    n = len(labels)
    workers = 1 if opts.images == "plan" else max(1, opts.workers)  # a dry run's plan lives here
    _JOB.update(dataset=dataset, rows=rows, values=values, labels=labels, images=images, mode=opts.images)
    try:
        if workers == 1 or n < 1024:
            _write_range(0, n, report, opts)
            return
        import multiprocessing

        step = max(256, -(-n // (workers * 8)))
        ranges = [(lo, min(lo + step, n)) for lo in range(0, n, step)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.imap_unordered(_write_range_args, ranges)
            report.add("missing_images", sum(progress(results, opts, len(ranges), "label blocks")))
    finally:
        _JOB.clear()


def _write_range_args(bounds: tuple[int, int]) -> int:
    """In a worker: write a range, return how many of its images were missing."""
    counts = Report()
    _write_range(*bounds, counts)
    return counts.counts["missing_images"]


def _write_range(first: int, last: int, report: Report, opts: Options | None = None) -> None:
    """Write the label files and images of frames first..last-1 (with a progress bar by `opts`)."""
    job = _JOB
    dataset, labels, images, mode = job["dataset"], job["labels"], job["images"], job["mode"]
    texts = _frame_texts(dataset, job["rows"], job["values"], first, last)
    frames = range(first, last)
    for k in progress(frames, opts, len(frames), "labels") if opts is not None else frames:
        _write_label(labels[k], next(texts))
        if mode != "none":  # skip building paths nobody uses
            bring_image(dataset.image_path(dataset.frames[k]), Path(images[k]), mode, report)


def _write_label(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def _split_of(frame: Frame, opts: Options) -> str:
    return frame.split or opts.split or TRAIN_SPLIT


def _names_and_map(classes: list[Category]) -> tuple[dict[int, str], list[int]]:
    return {k: c.name for k, c in enumerate(classes)}, [c.id for c in classes]


def _write_ultralytics(dataset, target, opts, report, classes) -> tuple[list[str], list[str]]:
    """Folders, lists and data.yaml; returns where each frame's label and image go."""
    label_paths: list[str] = []
    image_paths: list[str] = []
    splits: dict[str, list[str]] = defaultdict(list)
    made: set[str] = set()
    labels: set[str] = set()
    root = str(target)
    for k in range(len(dataset.frames)):
        frame = dataset.frames[k]
        split = safe_name(_split_of(frame, opts), f"frame {frame.file_name}: split")
        relative = safe_relpath(frame.file_name, f"frame {frame.id}: file_name")
        stem = relative.rsplit(".", 1)[0] if "." in relative.rsplit("/", 1)[-1] else relative
        label = f"labels/{split}/{stem}.txt"
        if label in labels:
            raise ConvertError(frame.file_name, f"two frames map to the same label file {label}")
        labels.add(label)
        image = f"{root}/images/{split}/{relative}"
        for folder in (os.path.dirname(image), os.path.dirname(f"{root}/{label}")):
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
        label_paths.append(f"{root}/{label}")
        image_paths.append(image)
        splits[split].append(f"./{split}/{relative}")
    report.add("frames", len(dataset.frames))
    # Lists, not folders: they name every frame even when its image is missing, and Ultralytics
    # resolves `./` against the list's folder (images/).
    for split, entries in splits.items():
        (target / "images" / f"{split}.txt").write_text("".join(f"{e}\n" for e in entries), encoding="utf-8")
    names, classes_map = _names_and_map(classes)
    doc: dict[str, Any] = {}
    order = sorted(splits, key=lambda s: (s != "train", s not in ("val", "valid"), s))
    train = "train" if "train" in splits else (order[0] if order else "train")
    val = next((s for s in ("val", "valid", "test") if s in splits and s != train), None)
    doc["train"] = f"images/{train}.txt"
    doc["val"] = f"images/{val or train}.txt"
    if val is None:
        report.note(f"only one split ({train}): data.yaml uses it for val too")
    for s in order:
        if s not in (train, val):
            doc[s] = f"images/{s}.txt"
    doc["names"] = names
    doc["classes_map"] = classes_map
    _dump_yaml(target / "data.yaml", doc)
    return label_paths, image_paths


def _write_yoloft(dataset, target, opts, report, classes) -> tuple[list[str], list[str]]:
    """Folders, lists, the yaml and the evaluation JSON; returns where each frame's label and
    image go."""
    label_paths: list[str] = []
    image_paths: list[str] = []
    videos = dataset.video_by_id()
    lists: dict[str, list[str]] = {"train": [], "test": []}
    test_frames: list[int] = []
    renamed: dict[int, str] = {}
    made: set[str] = set()
    made_videos: set[str] = set()
    for k in range(len(dataset.frames)):
        frame = dataset.frames[k]
        video = _video_name(frame, videos)
        suffix = PurePosixPath(frame.file_name).suffix or ".png"
        if frame.frame_index is not None:
            stem = f"{frame.frame_index:07d}"
        else:
            stem = PurePosixPath(frame.file_name).stem
        name = f"{video}/{stem}{suffix}"
        if name in made:
            raise ConvertError(frame.file_name, f"two frames map to the same YOLOFT frame {name}")
        made.add(name)
        renamed[k] = name
        if video not in made_videos:
            (target / "images" / video).mkdir(parents=True, exist_ok=True)
            (target / "labels" / video).mkdir(parents=True, exist_ok=True)
            made_videos.add(video)
        label_paths.append(f"{target}/labels/{video}/{stem}.txt")
        image_paths.append(f"{target}/images/{name}")
        split = _split_of(frame, opts)
        if split == TRAIN_SPLIT:
            lists["train"].append(f"./{name}")
        else:
            lists["test"].append(f"./{name}")
            test_frames.append(k)
    report.add("frames", len(dataset.frames))
    if not lists["test"]:
        lists["test"] = list(lists["train"])
        test_frames = list(range(len(dataset.frames)))
        report.note("no val/test frames: test.txt lists the train frames")
    if not lists["train"]:
        lists["train"] = list(lists["test"])
        report.note("no train frames: train.txt lists the test frames")
    for key, entries in lists.items():
        (target / "images" / f"{key}.txt").write_text("".join(f"{e}\n" for e in entries), encoding="utf-8")

    from . import coco

    eval_frames = [dataset.frames[k].model_copy(update={"file_name": renamed[k], "split": None, "source": None})
                   for k in test_frames]
    eval_ids = np.array([f.id for f in eval_frames], dtype=np.int64)
    eval_set = Dataset.model_construct(
        categories=dataset.categories, videos=dataset.videos, frames=eval_frames,
        boxes=dataset.boxes.take(np.isin(dataset.boxes.frame_id, eval_ids)),
        info=dataset.info, licenses=dataset.licenses, image_root=None, extras=dataset.extras,
    )
    (target / "annotations").mkdir()
    coco.write(eval_set, target / "annotations" / "test.json", opts, Report())
    final = Path(opts.destination or target).resolve()
    names, classes_map = _names_and_map(classes)
    doc = {
        "train": "images/train.txt",
        "val": "images/test.txt",
        "test": "images/test.txt",
        "labels_dir": "labels/",
        "images_dir": "images/",
        "eval_ann_json": str(final / "annotations" / "test.json"),
        "classes_map": classes_map,
        "names": names,
    }
    _dump_yaml(target / "data.yaml", doc)
    return label_paths, image_paths


def _video_name(frame: Frame, videos: dict) -> str:
    if frame.video_id is not None and frame.video_id in videos:
        return safe_name(videos[frame.video_id].name, f"video {frame.video_id}: name")
    parent = str(PurePosixPath(frame.file_name).parent)
    return "default" if parent == "." else safe_relpath(parent, f"frame {frame.id}: file_name")


def _dump_yaml(path: Path, doc: dict) -> None:
    import yaml

    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")


# ================================================================ reading


def read(path: Path, opts: Options, report: Report) -> Dataset:
    if path.is_file():
        if path.name == "obj.data":
            return _read_darknet(path, opts, report)
        return _read_yaml(path, opts, report)
    if not path.is_dir():
        raise ConvertError(str(path), "no such file or folder")
    if (path / "obj.data").is_file():
        return _read_darknet(path / "obj.data", opts, report)
    yamls = sorted(p for p in path.glob("*.y*ml") if p.suffix in (".yaml", ".yml"))
    if len(yamls) == 1 or (path / "data.yaml").is_file():
        return _read_yaml(path / "data.yaml" if (path / "data.yaml").is_file() else yamls[0], opts, report)
    if yamls:
        raise ConvertError(str(path), f"several yaml files ({', '.join(p.name for p in yamls)}): name the one to read")
    raise ConvertError(str(path), "no data.yaml or obj.data: not a YOLO dataset folder")


def _read_yaml(path: Path, opts: Options, report: Report) -> Dataset:
    doc = load_yaml(path)
    src = str(path)
    if not isinstance(doc, dict):
        raise ConvertError(src, "expected a mapping with train/val and names")
    names = _names(doc.get("names"), doc.get("nc"), src)
    root = path.parent
    if doc.get("path"):
        given = Path(str(doc["path"]))
        root = given if given.is_absolute() else (path.parent / given)
    classes_map = doc.get("classes_map")
    yoloft = "labels_dir" in doc or "images_dir" in doc
    images_dir = root / str(doc.get("images_dir", "images")) if yoloft else None
    labels_dir = root / str(doc.get("labels_dir", "labels")) if yoloft else None
    entries: list[tuple[str, Path]] = []
    seen: set[Path] = set()
    for split in ("train", "val", "test"):
        value = doc.get(split)
        if not value:
            continue
        for item in value if isinstance(value, list) else [value]:
            for image in _split_images(root, str(item), images_dir, src):
                key = image.absolute()
                if key not in seen:
                    seen.add(key)
                    entries.append((split, image))
    if not entries:
        raise ConvertError(src, "no images listed under train, val or test")
    frames = []
    bases: dict[tuple[str, Path], Path] = {}  # frames of one folder share a base: find it once
    for split, image in entries:
        if yoloft:
            base = images_dir
        else:
            key = (split, image.parent)
            if key not in bases:
                bases[key] = _split_base(root, doc.get(split), image)
            base = bases[key]
        frames.append((split, image, _relative(image, base)))
    label_of = (lambda image: _yoloft_label(image, images_dir, labels_dir)) if yoloft else _label_path
    return _build(frames, names, classes_map, label_of, opts, report, src, zero_based=yoloft)


def _names(value: Any, nc: Any, src: str) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, dict):
        by_number: dict[int, Any] = {}
        for key, name in value.items():
            if not (type(key) is int or (isinstance(key, str) and key.isdigit())):
                raise ConvertError(f"{src}: names", "names must be keyed by class numbers 0..n-1")
            by_number[int(key)] = name
        keys = sorted(by_number)
        if keys != list(range(len(value))):
            raise ConvertError(f"{src}: names", f"names must be keyed 0..{len(value) - 1}, found {sorted(value, key=str)}")
        return [str(by_number[k]) for k in keys]
    if isinstance(nc, int) and value is None:
        return [f"class_{k}" for k in range(nc)]
    raise ConvertError(f"{src}: names", "missing names (a list or a mapping 0..n-1)")


def _split_images(root: Path, item: str, images_dir: Path | None, src: str) -> list[Path]:
    target = root / item
    if target.is_dir():
        return sorted(p for p in target.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
    if target.is_file() and target.suffix == ".txt":
        out = []
        for number, line in enumerate(read_lines(target), 1):
            line = line.strip()
            if not line:
                continue
            if line.startswith("./"):
                base = images_dir if images_dir is not None else target.parent
                out.append(base / line[2:])
            else:
                candidate = Path(line)
                if not candidate.is_absolute():
                    candidate = _darknet_path(root, line)
                out.append(candidate)
        return out
    raise ConvertError(src, f"split entry {item!r} is neither a folder nor a .txt list under {root}")


def _darknet_path(root: Path, line: str) -> Path:
    """Darknet lists say `data/obj_train_data/1.jpg`, where `data/` is the dataset folder."""
    direct = root / line
    if not direct.exists() and line.startswith("data/"):
        return root / line[len("data/"):]
    return direct


def _split_base(root: Path, value: Any, image: Path) -> Path:
    for item in value if isinstance(value, list) else [value]:
        folder = root / str(item)
        if folder.is_dir() and folder.absolute() in image.absolute().parents:
            return folder
    parts = image.absolute().parts
    if "images" in parts:  # images/<split>/... from a txt list
        k = len(parts) - 1 - parts[::-1].index("images")
        return Path(*parts[: k + 2]) if k + 2 < len(parts) else Path(*parts[: k + 1])
    return root


def _relative(image: Path, base: Path | None) -> str:
    if base is None:
        return image.name
    inside = os.path.abspath(image)
    folder = os.path.join(os.path.abspath(base), "")
    return inside[len(folder):].replace(os.sep, "/") if inside.startswith(folder) else image.name


def _label_path(image: Path) -> Path:
    """Ultralytics' rule: the last `/images/` becomes `/labels/`, the suffix `.txt`."""
    text = str(image)
    sa, sb = f"{os.sep}images{os.sep}", f"{os.sep}labels{os.sep}"
    if sa in text:
        head, tail = text.rsplit(sa, 1)
        text = head + sb + tail
    return Path(text).with_suffix(".txt")


def _yoloft_label(image: Path, images_dir: Path, labels_dir: Path) -> Path:
    try:
        relative = image.absolute().relative_to(images_dir.absolute())
    except ValueError:
        return _label_path(image)
    return (labels_dir / relative).with_suffix(".txt")


def _read_darknet(path: Path, opts: Options, report: Report) -> Dataset:
    root = path.parent
    settings = {}
    for number, line in enumerate(read_lines(path), 1):
        if not line.strip() or line.strip().startswith("#"):
            continue
        if "=" not in line:
            raise ConvertError(f"{path}:{number}", "expected `key = value`")
        key, value = line.split("=", 1)
        settings[key.strip()] = value.strip()
    if "names" not in settings:
        raise ConvertError(str(path), "missing `names = <file>`")
    names_file = _darknet_path(root, settings["names"])
    names = [n.strip() for n in read_lines(names_file) if n.strip()]
    frames = []
    for split in ("train", "valid", "test"):
        if split in settings:
            for image in _split_images(root, str(_darknet_path(root, settings[split]).relative_to(root)), None, str(path)):
                frames.append((split if split != "valid" else "val", image, _relative(image, root)))
    return _build(frames, names, None, _label_path, opts, report, str(path))


_DIGITS = re.compile(r"\d+")


def _parse_label(label: Path, nc: int, report: Report) -> tuple[np.ndarray, list[int]]:
    """(class, cx, cy, w, h) rows of one label file and their line numbers.  The usual file, five
    plain numbers a line, is converted in one numpy call; anything else (segments, errors) goes
    line by line."""
    lines = read_lines(label)
    numbers = [n for n, line in enumerate(lines, 1) if line and not line.isspace()]
    parts = [lines[n - 1].split() for n in numbers]
    if all(len(p) == 5 and p[0].isdigit() for p in parts):
        try:
            values = np.array(parts, dtype=np.float64).reshape(len(parts), 5)
        except ValueError:
            values = None
        if values is not None and np.isfinite(values).all() and (values[:, 0] < nc).all() \
                and (values[:, 3:] >= 0).all():
            return values, numbers
    return _parse_label_lines(label, lines, nc, report)


def _parse_label_lines(label: Path, lines: list[str], nc: int, report: Report) -> tuple[np.ndarray, list[int]]:
    rows: list[list[float]] = []
    numbers: list[int] = []
    for number, line in enumerate(lines, 1):
        parts = line.split()
        if not parts:
            continue
        where = f"{label}:{number}"
        if len(parts) < 5 or (len(parts) > 5 and len(parts) % 2 == 0):
            report.skip(where, f"expected `class cx cy w h` (or a polygon), found {len(parts)} values")
            continue
        try:
            cls = int(parts[0])
            values = [float(v) for v in parts[1:]]
        except ValueError:
            report.skip(where, "class must be an integer and coordinates numbers")
            continue
        if not 0 <= cls < nc:
            report.skip(where, f"class {cls} is not among the {nc} names")
            continue
        if any(v != v or v in (float("inf"), float("-inf")) for v in values):
            report.skip(where, "coordinates must be finite numbers")
            continue
        if len(values) == 4:
            cx, cy, w, h = values
        else:  # a segment: its bounding box, as Ultralytics does
            xs, ys = values[0::2], values[1::2]
            cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
            w, h = max(xs) - min(xs), max(ys) - min(ys)
        if w < 0 or h < 0:
            report.skip(where, "width and height must not be negative")
            continue
        rows.append([cls, cx, cy, w, h])
        numbers.append(number)
    return np.array(rows, dtype=np.float64).reshape(len(rows), 5), numbers


def _build(frames, names, classes_map, label_of, opts: Options, report: Report, src: str,
           zero_based: bool = False) -> Dataset:
    """Frames, videos and boxes from (split, image path, file_name) triples and their labels."""
    if classes_map is not None:
        if not isinstance(classes_map, list) or len(classes_map) != len(names) or not all(
            type(v) is int for v in classes_map
        ):
            raise ConvertError(f"{src}: classes_map", f"expected {len(names)} integer category ids, one per name")
        category_ids = list(classes_map)
    else:
        category_ids = list(range(len(names)))
    categories = [{"id": i, "name": n} for i, n in zip(category_ids, names)]
    videos: dict[str, int] = {}
    frame_rows: list[dict] = []
    tables: list[np.ndarray] = []  # per label file: class, cx, cy, w, h (normalized)
    file_frame: list[int] = []
    file_size: list[tuple[int, int]] = []
    file_lines: list[list[int]] = []
    label_files: list[str] = []
    nc = len(names)
    for k, (split, image, file_name) in enumerate(progress(frames, opts, len(frames), "frames")):
        file_name = safe_relpath(file_name, f"{src}: image {image}")
        parent = str(PurePosixPath(file_name).parent)
        row: dict[str, Any] = {"id": k + 1, "file_name": file_name, "split": split, "source": str(image)}
        if parent != ".":
            # MOT lays frames out as <seq>/img1/; the sequence is the video
            video = parent[: -len("/img1")] if parent.endswith("/img1") else parent
            row["video_id"] = videos.setdefault(video, len(videos) + 1)
            digits = _DIGITS.findall(PurePosixPath(file_name).stem)
            if digits:
                row["frame_index"] = int(digits[-1])
        size = image_size(image) or opts.image_size
        if size is not None:
            row["width"], row["height"] = size
        frame_rows.append(row)
        label = label_of(image)
        if not label.exists():
            continue  # an image without a label file has no boxes (Ultralytics' reading)
        values, numbers = _parse_label(label, nc, report)
        if not len(values):
            continue
        if size is None:
            raise ConvertError(f"{label}:{numbers[0]}", "image size unknown (no image header to read): give --image-size WxH")
        tables.append(values)
        # per label file, not per box: 4.5M boxes would make these columns 200+ MB of small arrays
        file_frame.append(k + 1)
        file_size.append(size)
        file_lines.append(numbers)
        label_files.append(str(label))
    if not zero_based:
        # Frame names keep their source's numbering (MOT and VisDrone count from 1): the first
        # frame of a video is index 0.  YOLOFT's own layout is 0-based and read as it is.
        first: dict[int, int] = {}
        for row in frame_rows:
            if "frame_index" in row:
                first[row["video_id"]] = min(first.get(row["video_id"], row["frame_index"]), row["frame_index"])
        for row in frame_rows:
            if "frame_index" in row:
                row["frame_index"] -= first[row["video_id"]]
    values = np.concatenate(tables) if tables else np.zeros((0, 5))
    del tables
    counts = np.array([len(n) for n in file_lines], dtype=np.int64)
    files = np.repeat(np.arange(len(label_files)), counts)
    firsts = np.concatenate([[0], np.cumsum(counts)[:-1]]) if len(counts) else np.zeros(0, np.int64)
    size = np.repeat(np.array(file_size, dtype=np.float64).reshape(-1, 2), counts, axis=0)
    cx, cy, w, h = values[:, 1], values[:, 2], values[:, 3], values[:, 4]
    W, H = size[:, 0], size[:, 1]
    boxes = BoxTable(
        id=np.arange(1, len(values) + 1), frame_id=np.repeat(np.array(file_frame, dtype=np.int64), counts),
        category_id=np.asarray(category_ids, dtype=np.int64)[values[:, 0].astype(np.int64)],
        x=(cx - w / 2) * W, y=(cy - h / 2) * H, w=w * W, h=h * H,
    )
    video_rows = [{"id": i, "name": name} for name, i in videos.items()]

    def locate(kind: str, index: int) -> str:
        if kind == "boxes":
            f = int(files[index])
            return f"{label_files[f]}:{file_lines[f][index - firsts[f]]}"
        return f"{src}: {kind}[{index}]"

    return Dataset.build(categories, video_rows, frame_rows, boxes, locate, report)
