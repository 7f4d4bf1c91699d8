"""Image headers (sizes without decoding) and putting images into a written output."""

from __future__ import annotations

import os
import shutil
import struct
from pathlib import Path
from typing import Any

from ..errors import ConvertError
from ..run import Run
from .text import file_status

IMAGE_SUFFIXES = {".bmp", ".dng", ".jpeg", ".jpg", ".mpo", ".png", ".tif", ".tiff", ".webp", ".pfm", ".heic"}
IMAGE_MODES = ("link", "hardlink", "copy", "none")
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def is_image(path: Path) -> bool:
    return path.suffix.lower() in IMAGE_SUFFIXES


def image_size(path: Path) -> tuple[int, int] | None:
    """(width, height) from the image header, or None if there is no such file.

    PNG and JPEG headers are parsed here (a few bytes, no decoder); other formats go to Pillow,
    which also reads only the header.  A file that exists but has no readable size is an error.
    """
    if file_status(path, "an image") is None:
        return None
    try:
        with open(path, "rb") as fh:
            size = _header_size(fh)
    except OSError as exc:
        raise ConvertError(str(path), f"cannot read image: {exc.strerror}") from None
    if size is None:
        size = _pillow_size(path)
    return _checked_size(path, *size)


def _header_size(fh: Any) -> tuple[int, int] | None:
    head = fh.read(32)
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR" and len(head) >= 24:
        return struct.unpack(">II", head[16:24])
    if head.startswith(b"\xff\xd8"):
        return _jpeg_size(fh)
    return None


def _pillow_size(path: Path) -> tuple[int, int]:
    try:
        from PIL import Image

        with Image.open(path) as image:
            return image.size
    except Exception as exc:  # noqa: BLE001 -- Pillow raises many types for a bad header
        raise ConvertError(str(path), f"cannot read the image size: {type(exc).__name__}") from None


def _checked_size(path: Path, width: int, height: int) -> tuple[int, int]:
    if width <= 0 or height <= 0:
        raise ConvertError(str(path), f"image has size {width}x{height}")
    return width, height


def _jpeg_size(fh: Any) -> tuple[int, int] | None:
    fh.seek(2)
    while True:
        byte = fh.read(1)
        while byte and byte != b"\xff":
            byte = fh.read(1)
        while byte == b"\xff":
            byte = fh.read(1)
        if not byte:
            return None
        marker = byte[0]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            continue
        length_bytes = fh.read(2)
        if len(length_bytes) < 2:
            return None
        (length,) = struct.unpack(">H", length_bytes)
        if marker in _SOF:
            data = fh.read(5)
            if len(data) < 5:
                return None
            height, width = struct.unpack(">HH", data[1:5])
            return width, height
        fh.seek(length - 2, 1)


def bring_image(source: str | Path | None, target: str | Path, mode: str, run: Run) -> None:
    """Put the image at `target` by `mode` (link, hardlink, copy, none); count it in
    `missing_images` if there is none.  In a dry run, record the path instead."""
    if mode == "none":
        return
    if source is None or not os.path.isfile(source):
        run.count("missing_images")
        return
    if run.dry_run:
        run.planned.append(Path(target))
        return
    try:
        _place(source, target, mode)
    except FileNotFoundError:  # its folder is not there yet (one mkdir a folder, not one an image)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        _place(source, target, mode)


def _place(source: str | Path, target: str | Path, mode: str) -> None:
    if mode == "link":
        os.symlink(os.path.abspath(source), target)
    elif mode == "hardlink":
        try:
            os.link(source, target)
        except FileNotFoundError:
            raise
        except OSError:  # another device: a copy is the only way
            shutil.copy2(source, target)
    elif mode == "copy":
        shutil.copy2(source, target)
    else:
        raise ConvertError("--images", f"unknown mode {mode!r}; one of {', '.join(IMAGE_MODES)}")
