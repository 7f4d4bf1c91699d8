"""Paths that come from data: checked, never rewritten.

File, video and sequence names come from the input, so `../../etc/x`, `/abs`, a NUL byte or a
newline would otherwise make a writer write outside its output folder, or an error message span
several lines.  We refuse rather than rewrite: a silently renamed frame would no longer match the
annotation that names it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import ConvertError, shown

_DRIVE = re.compile(r"^[A-Za-z]:")


def safe_relpath(name: str, where: str) -> str:
    """`name` as a relative POSIX path that cannot leave the folder it is joined to."""
    if type(name) is str and _plain(name):
        return name
    return _checked_relpath(name, where)


def _plain(name: str) -> bool:
    """Whether `name` is already what `_checked_relpath` makes of it (the usual `video/0000000.jpg`):
    printable, no backslash, no drive, no empty, `.` or `..` part.  Anything else, including a
    harmless `.hidden`, takes the full check."""
    return (name.isprintable() and name[:1] not in ("", "/", ".") and name[1:2] != ":" and "\\" not in name
            and "//" not in name and "/." not in name and not name.endswith("/"))


def _checked_relpath(name: str, where: str) -> str:
    if not isinstance(name, str) or not name:
        raise ConvertError(where, f"empty or non-text path {shown(name)}")
    if "\x00" in name:
        raise ConvertError(where, f"path {shown(name)} contains a NUL byte")
    if not name.isprintable():
        raise ConvertError(where, f"path {shown(name)} contains a control character")
    posix = name.replace("\\", "/")
    if posix.startswith("/") or _DRIVE.match(posix):
        raise ConvertError(where, f"path {shown(name)} is absolute; only relative paths are accepted")
    parts = [p for p in posix.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise ConvertError(where, f"path {shown(name)} climbs out of its folder with '..'")
    if not parts:
        raise ConvertError(where, f"path {shown(name)} names no file")
    return "/".join(parts)


def safe_name(name: str, where: str) -> str:
    """A single path component (a split, video or sequence name) safe to use as a folder name."""
    clean = safe_relpath(name, where)
    if "/" in clean:
        raise ConvertError(where, f"name {shown(name)} contains a path separator")
    return clean


def is_inside(path: Path, folder: Path) -> bool:
    """Whether `path` is `folder` or lies under it (symlinks resolved)."""
    path, folder = Path(os.path.realpath(path)), Path(os.path.realpath(folder))
    return path == folder or folder in path.parents


def overlaps(a: Path, b: Path) -> bool:
    """Whether one of the two paths is, or lies inside, the other."""
    return is_inside(a, b) or is_inside(b, a)


def lexical_prefix(folder: Path | str) -> str:
    """`folder` absolute, `.` and `..` folded, with a trailing separator: what `lexically_under`
    compares with (made once for a folder that many paths are checked against)."""
    return os.path.normpath(os.path.abspath(folder)).rstrip(os.sep) + os.sep


def lexically_under(path: Path | str, prefix: str) -> bool:
    """Whether `path`, folded as `lexical_prefix` folds, is the folder of `prefix` or lies in it."""
    return (os.path.normpath(os.path.abspath(path)) + os.sep).startswith(prefix)


def lexically_inside(path: Path, folder: Path) -> bool:
    """Whether `path` lies under `folder` once `.` and `..` are folded, symlinks not followed: a
    dataset whose images are links (as ours with `--images link`) stays readable, while a list
    line `../../etc/passwd` does not."""
    return lexically_under(path, lexical_prefix(folder))


def with_txt_suffix(path: str) -> str:
    """`Path(path).with_suffix(".txt")` as a string: the suffix is what follows the last dot of the
    name when that dot is neither its first nor its last character (`..png` → `..txt`, `x.` → `x..txt`)."""
    name = path[path.rfind(os.sep) + 1:]
    dot = name.rfind(".")
    stem = name[:dot] if 0 < dot < len(name) - 1 else name
    return path[:len(path) - len(name)] + stem + ".txt"
