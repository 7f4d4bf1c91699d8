"""Atomic output: everything is written into a hidden temporary sibling and moved into place at
the end, so a run that fails or is killed leaves the previous output, or nothing."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Iterator

from ..errors import ConvertError


@contextlib.contextmanager
def atomic_output(destination: Path, *, is_dir: bool, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary sibling to write into; move it onto `destination` only on success."""
    destination = Path(os.path.abspath(destination))
    check_destination(destination, is_dir=is_dir, overwrite=overwrite)
    parent = destination.parent
    parent.mkdir(parents=True, exist_ok=True)
    for stale in parent.glob(f".{destination.name}.tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{destination.name}.tmp-", dir=parent))
    try:
        target = scratch / "out"
        if is_dir:
            target.mkdir()
        yield target
        if destination.exists() or destination.is_symlink():
            old = parent / f".{destination.name}.old-{uuid.uuid4().hex[:8]}"
            os.rename(destination, old)
            os.rename(target, destination)
            if old.is_dir() and not old.is_symlink():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink()
        else:
            os.rename(target, destination)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def check_destination(destination: Path, *, is_dir: bool, overwrite: bool) -> None:
    """Refuse to replace an output unless asked to (an empty folder may always be filled)."""
    if destination.exists() or destination.is_symlink():
        if is_dir and destination.is_dir() and not destination.is_symlink() and not any(destination.iterdir()):
            return
        if not overwrite:
            raise ConvertError(str(destination), "output exists; pass --overwrite to replace it")
        if is_dir != destination.is_dir():
            kind = "folder" if destination.is_dir() else "file"
            raise ConvertError(str(destination), f"output exists and is a {kind}; remove it first")
