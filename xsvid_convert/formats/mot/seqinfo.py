"""`seqinfo.ini`: read as INI (mmtracking reads it by line number; TrackEval reads `seqLength`),
written with every key or with exactly the keys the source had."""

from __future__ import annotations

import configparser
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import ConvertError, shown
from ...files.paths import safe_name, safe_relpath
from ...files.rows import format_number
from ...files.text import TextStyle, read_text, write_text

KEYS = ("name", "imDir", "frameRate", "seqLength", "imWidth", "imHeight", "imExt")
DEFAULT_FPS = 30
FILE = "seqinfo.ini"


@dataclass
class SeqInfo:
    name: str | None = None
    im_dir: str = "img1"
    im_ext: str = ".jpg"
    fps: int | float | None = None
    length: int | None = None
    width: int | None = None
    height: int | None = None
    keys: list[str] = field(default_factory=list)
    """The keys the file had, in order (empty: there was no file)."""
    style: TextStyle = field(default_factory=TextStyle)


def read_seqinfo(folder: Path) -> SeqInfo:
    ini = folder / FILE
    if not ini.is_file():
        return SeqInfo()
    text = read_text(ini)
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are camelCase
    try:
        parser.read_string("\n".join(text.lines), source=str(ini))
    except configparser.Error as exc:
        line = getattr(exc, "lineno", None)
        raise ConvertError(f"{ini}:{line}" if line else str(ini), f"garbled seqinfo.ini: {_first_line(exc)}") from None
    if not parser.has_section("Sequence"):
        raise ConvertError(str(ini), "garbled seqinfo.ini: no [Sequence] section")
    items = dict(parser.items("Sequence"))
    where = str(ini)
    info = SeqInfo(keys=list(items), style=text.style)
    if items.get("name"):
        info.name = safe_name(items["name"], f"{where}: name")
    if items.get("imDir"):
        info.im_dir = safe_relpath(items["imDir"], f"{where}: imDir")
    if items.get("imExt"):
        info.im_ext = _extension(items["imExt"], where)
    info.fps = _number(items, "frameRate", where)
    info.length = _whole(items, "seqLength", where)
    info.width, info.height = _whole(items, "imWidth", where), _whole(items, "imHeight", where)
    return info


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0]


def _extension(value: str, where: str) -> str:
    if not value.startswith(".") or "/" in value or "\\" in value or not value[1:].isalnum():
        raise ConvertError(f"{where}: imExt", f"expected an extension such as .jpg, found {shown(value)}")
    return value


def _whole(items: dict[str, str], key: str, where: str) -> int | None:
    text = items.get(key, "").strip()
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        raise ConvertError(where, f"{key} must be a whole number, found {shown(text)}") from None
    if value <= 0:
        raise ConvertError(where, f"{key} must be positive, found {value}")
    return value


def _number(items: dict[str, str], key: str, where: str) -> int | float | None:
    text = items.get(key, "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ConvertError(where, f"{key} must be a number, found {shown(text)}") from None
    if not value > 0 or value == float("inf"):
        raise ConvertError(where, f"{key} must be a positive number, found {shown(text)}")
    return int(value) if value == int(value) and "." not in text else value


def write_seqinfo(folder: Path, info: SeqInfo, keys: list[str] | None, notes: list[str]) -> None:
    """Every key mmtracking's converter and TrackEval read, or exactly the `keys` the source had
    (none: no file, as the source had none)."""
    if keys is not None and not keys:
        return
    values = {
        "name": info.name, "imDir": info.im_dir,
        "frameRate": format_number(info.fps) if info.fps else str(DEFAULT_FPS),
        "seqLength": str(info.length or 0), "imExt": info.im_ext,
        "imWidth": str(info.width) if info.width else None, "imHeight": str(info.height) if info.height else None,
    }
    if keys is None:
        keys = list(KEYS)
        if not info.fps:
            notes.append(f"frame rate unknown: seqinfo.ini says frameRate={DEFAULT_FPS}")
    missing = [k for k in keys if values.get(k) is None]
    if missing:
        notes.append("image size unknown: seqinfo.ini has no imWidth/imHeight")
    lines = ["[Sequence]"] + [f"{k}={values[k]}" for k in keys if values.get(k) is not None]
    write_text(folder / FILE, lines, info.style)

