"""YOLO txt labels: the Ultralytics layout (`data.yaml`), YOLOFT's video layout, and reading
Darknet's `obj.data`.

One `.txt` per image, one row per box: `class cx cy w h`, normalized to [0, 1], six decimals
fixed-point.  The class is the position of the category in the dataset's category list, never
`category_id - 1`; the yaml keeps `names` and `classes_map` (the category id of each class) so
that reading back restores the original ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


from ...files.images import bring_image
from ...files.text import write_small_file
from ...model import Dataset
from ...run import Run
from ..base import Format, Ignored, Images, ImageSize, Split, Workers, option
from . import ultralytics, yoloft
from .labels import classes, label_texts
from .read import read
from .workers import run_in_workers

LAYOUTS = {"ultralytics": ultralytics.plan, "yoloft": yoloft.plan}


@dataclass
class YoloOptions(ImageSize, Images, Workers, Ignored, Split):
    layout: str | None = option(None, "YOLO output layout (default: the source's, else ultralytics).", when="write",
                                choices=tuple(LAYOUTS))
    yoloft: str = option("both", "The YOLOFT generation the --layout yoloft data.yaml is for: 2024, 2026, or one "
                         "file both load.", when="write", choices=yoloft.GENERATIONS)


def write(dataset: Dataset, target: Path, options: YoloOptions, run: Run) -> None:
    class_list, class_of, ignored_class = classes(dataset, options.ignored)
    texts_of = label_texts(dataset, class_of, ignored_class, run)
    layout = options.layout or dataset.hints.get("yolo", {}).get("layout", "ultralytics")
    labels, images = LAYOUTS[layout](dataset, target, options, run, class_list)
    run.count("frames", len(dataset.frames))

    def work(lo: int, hi: int, counts: Run) -> None:
        texts = texts_of.texts(lo, hi)
        for k in range(lo, hi):
            text = next(texts)
            if text or dataset.frames[k].hints.get("yolo.label", True):  # a YOLO source's frame without one
                write_small_file(labels[k], text)                          # gets none back
            if options.images != "none":  # skip building paths nobody uses
                bring_image(dataset.image_source(dataset.frames[k]), images[k], options.images, counts)

    run_in_workers(work, len(labels), options.workers, run, "labels")


def annotation_files(path: Path, options: YoloOptions) -> dict[str, Path]:
    """The label files, keyed by their path under the dataset's folder: a YOLO dataset written
    back gives the same texts (six decimals, boxes not polygons) or roundtrip says where not."""
    root = path if path.is_dir() else path.parent
    return {p.relative_to(root).as_posix(): p for p in sorted((root / "labels").rglob("*.txt"))}


def detect(path: Path) -> int:
    if path.is_file():
        return 40 if path.suffix in (".yaml", ".yml") or path.name == "obj.data" else 0
    if not path.is_dir():
        return 0
    if (path / "obj.data").is_file() or (path / "data.yaml").is_file():
        return 40
    return 20 if any(path.glob("*.yaml")) or (path / "labels").is_dir() else 0


FORMAT = Format(
    "yolo", "YOLO txt: Ultralytics data.yaml or YOLOFT layout; reads Darknet obj.data", read, write, detect,
    options=YoloOptions, carries=frozenset({"category_ids", "category_names", "videos", "empty_frames"}),
    lossy_note="boxes clipped to the image and rounded to 6 decimals of its size; ignored boxes dropped or made a class",
    splits=True, annotation_files=annotation_files,
)
