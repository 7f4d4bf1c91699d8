"""The format registry: the one place that lists the formats.

Everything else asks it: the CLI builds `--from/--to`, each format's flags and the shortcut
commands (`SHORTCUTS`) from it; `formats`, `validate`, `stats`, `roundtrip` and the README's loss matrix read
what each entry declares (see `base.Format`).

To add a format: write `formats/<name>.py` (or a package) with `read`, `write`, `detect`, an
options dataclass and a `FORMAT = Format(...)` entry, and add the module to `MODULES` below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

from ..errors import ConvertError
from .base import FIELDS, Format

MODULES = ("coco", "cocovid", "xsvid", "tao", "yolo", "mot", "visdrone", "visdrone_det", "uavdt", "imagenet_vid",
           "results.coco", "results.tao", "results.yolo", "results.mot", "results.visdrone")

@dataclass(frozen=True)
class Shortcut:
    """A `<source>-to-<target>` command for a usual journey, with its example and the option
    defaults it changes."""

    source: str
    target: str
    example: str
    defaults: dict[str, Any] = field(default_factory=dict)


SHORTCUTS = [
    Shortcut("coco", "yolo", "xsvid-convert coco-to-yolo annotations/train.json yolo/ --images-root images/ --layout yoloft"),
    Shortcut("yolo", "coco", "xsvid-convert yolo-to-coco yolo/data.yaml train.json"),
    Shortcut("coco", "xsvid", "xsvid-convert coco-to-xsvid train.json XS-VID-like/ --split-by video --val-fraction 0.1 "
                              "--test-fraction 0.2"),
    Shortcut("visdrone", "coco", "xsvid-convert visdrone-to-coco VisDrone2019-VID-val/ val.json"),
    Shortcut("visdrone", "cocovid", "xsvid-convert visdrone-to-cocovid VisDrone2019-VID-val/ val_cocovid.json"),
    Shortcut("visdrone", "yolo", "xsvid-convert visdrone-to-yolo VisDrone2019-VID-val/ yoloft/ --ignored class",
             {"layout": "yoloft"}),
    Shortcut("visdrone", "xsvid", "xsvid-convert visdrone-to-xsvid VisDrone2019-VID-train/ visdrone-as-xsvid/ "
                                  "--category-map visdrone-to-xsvid --split-by video --test-fraction 0.2"),
    Shortcut("mot", "cocovid", "xsvid-convert mot-to-cocovid MOT17/train train_cocoformat.json"),
    Shortcut("cocovid", "mot", "xsvid-convert cocovid-to-mot train_cocoformat.json MOT17-out/"),
    Shortcut("visdrone-det", "coco", "xsvid-convert visdrone-det-to-coco VisDrone2019-DET-val/ val.json"),
    Shortcut("uavdt", "coco", "xsvid-convert uavdt-to-coco UAVDT/ uavdt.json"),
    Shortcut("imagenet-vid", "cocovid",
             "xsvid-convert imagenet-vid-to-cocovid ILSVRC2015/Annotations/VID/val imagenet_vid_val.json"),
]

FORMATS: dict[str, Format] = {}
for _module in MODULES:
    _entry = import_module(f".{_module}", __name__).FORMAT
    FORMATS[_entry.name] = _entry


def get(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise ConvertError(None, f"unknown format {name!r}; known: {', '.join(FORMATS)}") from None


def detect(path: Path) -> Format:
    """The format `path` most likely is: the entry whose `detect` is most certain."""
    scores = [(spec.detect(path), spec.name) for spec in FORMATS.values()]
    best = max(scores)
    if best[0] <= 0:
        raise ConvertError(str(path), "cannot tell the format; name it with --from")
    tied = [name for score, name in scores if score == best[0]]
    if len(tied) > 1:
        raise ConvertError(str(path), f"could be {' or '.join(tied)}; name it with --from")
    return FORMATS[best[1]]


def loss(source: str, target: str) -> list[str]:
    """What a conversion from `source` to `target` cannot carry; for a format read and written
    back, only the exactness of boxes a format rounds (YOLO)."""
    a, b = get(source), get(target)
    if source == target:
        return [] if "exact_boxes" in a.carries else [FIELDS["exact_boxes"]]
    return [FIELDS[f] for f in FIELDS if f in a.carries and f not in b.carries]


def loss_matrix_markdown() -> str:
    """The README's loss matrix, made from the registry so the two cannot disagree."""
    names = [name for name, spec in FORMATS.items() if spec.read and spec.write and not spec.results]
    rows = ["| from \\ to | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for a in names:
        cells = [", ".join(loss(a, b)) or ("identical" if a == b else "nothing") for b in names]
        rows.append(f"| **{a}** | " + " | ".join(cells) + " |")
    return "\n".join(rows)
