"""data.yaml: written with safe_dump, names keyed 0..n-1 and the category id of each class."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ...model import Category


def names_and_map(classes: list[Category]) -> tuple[dict[int, str], list[int]]:
    """`names` keyed by class, and `classes_map`: the category id of each class, so that reading
    back restores the source's ids (YOLOFT reads it too)."""
    return {k: c.name for k, c in enumerate(classes)}, [c.id for c in classes]


def dump_yaml(path: Path, doc: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
