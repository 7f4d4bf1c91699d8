"""Inputs are never removed, replaced or written into: an output may not be an input, contain one
(`--overwrite` would delete it), or lie inside an input folder (a dataset folder, a data.yaml's
dataset root, a folder of the images the output links to)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConvertError
from .paths import is_inside


@dataclass
class Inputs:
    files: set[str] = field(default_factory=set)
    """Input files (a JSON, a data.yaml): the output may not be one or contain one."""
    trees: set[str] = field(default_factory=set)
    """Input folders: the output may not be one, contain one, or lie inside one."""

    def add(self, path: Path | str) -> None:
        path = os.path.abspath(path)
        (self.trees if os.path.isdir(path) else self.files).add(path)

    def add_tree(self, path: Path | str) -> None:
        self.trees.add(os.path.abspath(path))

    def check(self, output: Path) -> None:
        output = Path(os.path.abspath(output))
        for item in sorted(self.files | self.trees):
            if is_inside(Path(item), output):
                what = "is" if Path(os.path.realpath(item)) == Path(os.path.realpath(output)) else "contains"
                raise ConvertError(str(output), f"output {what} the input {item}; --overwrite would remove it: "
                                                "choose another place")
        for tree in sorted(self.trees):
            if is_inside(output, Path(tree)):
                raise ConvertError(str(output), f"output lies inside the input folder {tree}; choose another place")
