"""Reading text, JSON and YAML with errors that say where, and writing text files back in the
style they were read (line ends, byte-order mark, final newline)."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import yaml

from ..errors import ConvertError

BOM = b"\xef\xbb\xbf"
YAML_BYTES = 16 << 20
"""A data.yaml or category map is a few KB; a larger one is not one of ours."""


def regular_file(path: Path) -> os.stat_result:
    """The file's status, if it is a regular file: a FIFO or a device would block or never end."""
    status = file_status(path, "a file")
    if status is None:
        raise ConvertError(str(path), "no such file")
    return status


def file_status(path: Path, expected: str) -> os.stat_result | None:
    """The status of the regular file at `path`, None if there is none; a folder, FIFO, socket
    or device there is an error saying what was `expected`."""
    try:
        status = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise ConvertError(str(path), f"cannot read: {exc.strerror}") from None
    if stat.S_ISDIR(status.st_mode):
        raise ConvertError(str(path), f"is a folder, expected {expected}")
    if not stat.S_ISREG(status.st_mode):
        raise ConvertError(str(path), f"is not a regular file (a FIFO, socket or device), expected {expected}")
    return status


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    status = regular_file(path)
    if limit is not None and status.st_size > limit:
        raise ConvertError(str(path), f"is {status.st_size} bytes, more than the {limit} such a file may have")
    try:
        with open(path, "rb") as fh:
            return fh.read() if limit is None else fh.read(limit + 1)
    except OSError as exc:
        raise ConvertError(str(path), f"cannot read: {exc.strerror}") from None


@dataclass(frozen=True)
class TextStyle:
    """How a text file was written, so that it can be written back byte for byte."""

    bom: bool = False
    newline: str = "\n"
    final_newline: bool = True


@dataclass
class Text:
    lines: list[str]
    style: TextStyle


def read_text(path: Path) -> Text:
    """The file's lines, and its style; a byte that is not UTF-8 is reported with its line."""
    data = read_bytes(path)
    bom = data.startswith(BOM)
    if bom:
        data = data[len(BOM):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConvertError(f"{path}:{line}", "not valid UTF-8") from None
    newline = "\r\n" if "\r\n" in text[:4096] else "\n"
    final = not text or text.endswith("\n")
    return Text(text.splitlines(), TextStyle(bom, newline, final))


def read_lines(path: Path) -> list[str]:
    return read_text(path).lines


def write_text(path: Path, lines: list[str], style: TextStyle | None = None) -> None:
    """`lines` joined in `style` (default: `\\n` after every line, no BOM)."""
    style = style or TextStyle()
    text = style.newline.join(lines)
    if lines and style.final_newline:
        text += style.newline
    data = text.encode("utf-8")
    with open(path, "wb") as fh:
        fh.write(BOM + data if style.bom else data)


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def write_small_file(path: str | Path, text: str) -> None:
    """One label file: a descriptor, not a Python file object (half the cost over 222k files),
    never through a symlink."""
    data = text.encode("utf-8")
    fd = os.open(path, _NEW_FILE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def load_json(path: Path) -> Any:
    data = read_bytes(path)
    if data.startswith(BOM):
        data = data[len(BOM):]
    if not data.strip():
        raise ConvertError(str(path), "empty file, expected JSON")
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        line = data.count(b"\n", 0, exc.pos) + 1
        message = "not valid UTF-8" if "utf-8" in str(exc).lower() else exc.msg
        raise ConvertError(f"{path}:{line}", f"invalid JSON: {message}") from None
    except RecursionError:
        raise ConvertError(str(path), "invalid JSON: nested too deeply") from None


class _NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without aliases: `&a [*a, *a, ...]` chains grow exponentially when walked, and
    no file of ours needs them."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not accepted", event.start_mark)
        return super().compose_node(parent, index)


def load_yaml(path: Path) -> Any:
    """Safe YAML only: a `!!python/object` tag is an error, never code run."""
    text = "\n".join(read_text_limited(path, YAML_BYTES))
    try:
        return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 -- a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConvertError(where, f"invalid YAML: {problem}") from None
    except RecursionError:
        raise ConvertError(str(path), "invalid YAML: nested too deeply") from None


def read_text_limited(path: Path, limit: int) -> list[str]:
    read_bytes(path, limit)  # refuses an oversized file before decoding it
    return read_lines(path)
