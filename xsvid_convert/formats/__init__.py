"""The format registry: the one place that lists the formats.

Everything else asks it: the CLI builds `--from/--to`, each format's flags and the shortcut
commands from it; `formats`, `validate`, `stats`, `roundtrip` and the README's loss matrix read
what each entry declares (see `base.Format`).

To add a format: write `formats/<name>.py` (or a package) with `read`, `write`, `detect`, an
options dataclass and a `FORMAT = Format(...)` entry, and add the module to `MODULES` below.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from ..errors import ConvertError
from .base import FIELDS, Format

MODULES = ("coco", "cocovid", "xsvid", "tao", "yolo", "mot", "visdrone", "visdrone_det", "uavdt", "imagenet_vid",
           "results.coco", "results.tao", "results.yolo", "results.mot", "results.visdrone")

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
