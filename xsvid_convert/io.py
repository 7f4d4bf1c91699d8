"""File plumbing the converters share: safe paths, atomic output, parsing with located errors,
number formatting and image headers."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import struct
import tempfile
import uuid
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import orjson
import yaml

from .errors import ConvertError

# ---------------------------------------------------------------- paths


def safe_relpath(name: str, where: str) -> str:
    """`name` as a relative POSIX path that cannot leave the folder it is joined to.

    File, video and sequence names come from the input, so `../../etc/x`, `/abs` or a NUL byte
    would otherwise make a writer write outside its output folder.  We refuse rather than
    rewrite: a silently renamed frame would no longer match the annotation that names it.
    """
    if not isinstance(name, str) or not name:
        raise ConvertError(where, f"empty or non-text path {name!r}")
    if "\x00" in name:
        raise ConvertError(where, f"path {name!r} contains a NUL byte")
    posix = name.replace("\\", "/")
    if posix.startswith("/") or re.match(r"^[A-Za-z]:", posix):
        raise ConvertError(where, f"path {name!r} is absolute; only relative paths are accepted")
    parts = [p for p in posix.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise ConvertError(where, f"path {name!r} climbs out of its folder with '..'")
    if not parts:
        raise ConvertError(where, f"path {name!r} names no file")
    return "/".join(parts)


def safe_name(name: str, where: str) -> str:
    """A single path component (video or sequence name) that is safe to use as a folder name."""
    clean = safe_relpath(name, where)
    if "/" in clean:
        raise ConvertError(where, f"name {name!r} contains a path separator")
    return clean


def folder_name(name: str, where: str, report: Any) -> str:
    """A video name as one folder name: `a/b` (a video found in a nested folder) becomes `a_b`."""
    clean = safe_relpath(name, where)
    if "/" in clean:
        report.note("nested video names flattened with '_' to be one folder each")
    return clean.replace("/", "_")


def is_inside(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


# ---------------------------------------------------------------- atomic output


@contextlib.contextmanager
def atomic_output(destination: Path, *, is_dir: bool, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary sibling to write into; move it onto `destination` only on success.

    A run that fails or is killed half way leaves the previous output (or nothing) in place: the
    only trace is a hidden `.<name>.tmp-*` sibling, which the next run removes.
    """
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


# ---------------------------------------------------------------- reading


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ConvertError(str(path), "no such file") from None
    except IsADirectoryError:
        raise ConvertError(str(path), "is a folder, expected a file") from None
    except OSError as exc:
        raise ConvertError(str(path), f"cannot read: {exc.strerror}") from None


def load_json(path: Path) -> Any:
    data = read_bytes(path)
    if not data.strip():
        raise ConvertError(str(path), "empty file, expected JSON")
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        line = data.count(b"\n", 0, exc.pos) + 1
        message = exc.msg
        if "UTF-8" in str(exc) or "utf-8" in str(exc):
            message = "not valid UTF-8"
        return _raise(f"{path}:{line}", f"invalid JSON: {message}")


def _raise(where: str, message: str) -> Any:
    raise ConvertError(where, message)


def read_lines(path: Path) -> list[str]:
    """The file's lines as text; a byte that is not UTF-8 is reported with its line."""
    data = read_bytes(path)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConvertError(f"{path}:{line}", "not valid UTF-8") from None
    return text.splitlines()


def load_yaml(path: Path) -> Any:
    """Safe YAML only: a `!!python/object` tag is an error, never code run."""
    text = "\n".join(read_lines(path))
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConvertError(where, f"invalid YAML: {problem}") from None


def parse_numeric_rows(
    path: Path, lines: list[str], min_columns: int, max_columns: int, what: str, report: Any = None
) -> tuple[np.ndarray, np.ndarray, list[bool]]:
    """Comma-separated numeric rows → (values[n, max_columns] padded with NaN, line numbers,
    for each column whether an integral value was written with a decimal point).

    The last flag lets a writer reproduce `1.0` where the source wrote `1.0` and `1` where it
    wrote `1`, so a file read and written back is identical.  A bad row is an error, or skipped
    with a warning when `report` is lenient.
    """
    fast = _parse_uniform_rows(lines, min_columns, max_columns)
    if fast is not None:
        return fast
    return _parse_rows_one_by_one(path, lines, min_columns, max_columns, what, report)


_POINTED = re.compile(r"(^|,)-?\d+\.0*(,|$)")


def _parse_uniform_rows(lines: list[str], min_columns: int, max_columns: int
                        ) -> tuple[np.ndarray, np.ndarray, list[bool]] | None:
    """The common case in C-level passes: every row has the same number of finite numbers.
    None when anything is unusual; the row-by-row parser then finds and names it."""
    numbers = [k for k, line in enumerate(lines, 1) if line and not line.isspace()]
    if not numbers:
        return None
    body = [lines[k - 1].strip() for k in numbers] if len(numbers) != len(lines) else [l.strip() for l in lines]
    body = [l[:-1] if l.endswith(",") else l for l in body]  # VisDrone rows often end with a comma
    width = body[0].count(",") + 1
    if not min_columns <= width <= max_columns or any(l.count(",") != width - 1 for l in body):
        return None
    text = ",".join(body)
    if " " in text or "\t" in text:
        return None  # spaced tokens: the row parser strips them one by one
    tokens = text.split(",")
    try:
        flat = np.array(tokens, dtype=np.float64)
    except ValueError:
        return None
    if not np.isfinite(flat).all():
        return None
    values = flat.reshape(len(body), width)
    if width < max_columns:
        values = np.hstack([values, np.full((len(body), max_columns - width), np.nan)])
    pointed = [False] * max_columns
    for c in range(width):
        joined = ",".join(tokens[c::width])
        pointed[c] = "." in joined and _POINTED.search(joined) is not None
    return values, np.asarray(numbers, dtype=np.int64), pointed


def _parse_rows_one_by_one(path: Path, lines: list[str], min_columns: int, max_columns: int, what: str,
                           report: Any) -> tuple[np.ndarray, np.ndarray, list[bool]]:
    def bad(number: int, message: str) -> None:
        if report is None:
            raise ConvertError(f"{path}:{number}", message)
        report.skip(f"{path}:{number}", message)

    rows: list[list[str]] = []
    numbers: list[int] = []
    widths: list[int] = []
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line:
            continue
        tokens = [t.strip() for t in line.split(",")]
        if tokens and tokens[-1] == "":  # VisDrone files often end rows with a comma
            tokens.pop()
        if not min_columns <= len(tokens) <= max_columns:
            expected = str(min_columns) if min_columns == max_columns else f"{min_columns} to {max_columns}"
            bad(number, f"expected {expected} comma-separated {what} columns, found {len(tokens)}")
            continue
        widths.append(len(tokens))
        if len(tokens) < max_columns:
            tokens += ["nan"] * (max_columns - len(tokens))
        rows.append(tokens)
        numbers.append(number)
    try:
        values = np.array(rows, dtype=np.float64).reshape(len(rows), max_columns)
    except ValueError:
        # the slow path names the first token that is not a number (and skips its row if lenient)
        kept_rows, kept_numbers, kept_widths = [], [], []
        for tokens, number, width in zip(rows, numbers, widths):
            for column, token in enumerate(tokens, 1):
                try:
                    float(token)
                except ValueError:
                    bad(number, f"column {column} is not a number: {token!r}")
                    break
            else:
                kept_rows.append(tokens)
                kept_numbers.append(number)
                kept_widths.append(width)
        rows, numbers, widths = kept_rows, kept_numbers, kept_widths
        values = np.array(rows, dtype=np.float64).reshape(len(rows), max_columns)
    # A literal `nan` or `inf` in an annotation is never meant; padding is the only NaN allowed.
    written_nan = np.isnan(values) & (np.arange(max_columns) < np.asarray(widths, dtype=np.int64)[:, None])
    invalid = np.isinf(values) | written_nan
    if invalid.any():
        keep = np.ones(len(rows), dtype=bool)
        for r in np.flatnonzero(invalid.any(axis=1)).tolist():
            bad(numbers[r], "infinite value" if np.isinf(values[r]).any() else "NaN is not a value")
            keep[r] = False
        values = values[keep]
        rows = [row for row, k in zip(rows, keep) if k]
        numbers = [n for n, k in zip(numbers, keep) if k]
    pointed = []
    for c in range(max_columns):
        joined = ",".join(r[c] for r in rows) + ","
        pointed.append("." in joined and re.search(r"(^|,)-?\d+\.0*,", joined) is not None)
    return values, np.asarray(numbers, dtype=np.int64), pointed


# ---------------------------------------------------------------- numbers


def format_number(value: float, keep_point: bool = False) -> str:
    """Shortest text that reads back as `value`; integers without a point unless `keep_point`."""
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value)}.0" if keep_point else str(int(value))
    text = repr(float(value))
    if "e" in text or "E" in text:
        text = f"{value:.17f}".rstrip("0")
    return text


# ---------------------------------------------------------------- images

_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def image_size(path: Path) -> tuple[int, int] | None:
    """(width, height) from the image header, or None if there is no such file.

    PNG and JPEG headers are parsed here (a few bytes, no decoder); other formats go to Pillow,
    which also reads only the header.  A file that exists but has no readable size is an error.
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(32)
            if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR" and len(head) >= 24:
                width, height = struct.unpack(">II", head[16:24])
                return _checked_size(path, width, height)
            if head.startswith(b"\xff\xd8"):
                size = _jpeg_size(fh)
                if size is not None:
                    return _checked_size(path, *size)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise ConvertError(str(path), "is a folder, expected an image") from None
    except OSError as exc:
        raise ConvertError(str(path), f"cannot read image: {exc.strerror}") from None
    try:
        from PIL import Image

        with Image.open(path) as image:
            return _checked_size(path, *image.size)
    except ConvertError:
        raise
    except Exception as exc:  # Pillow raises many types for a bad header
        raise ConvertError(str(path), f"cannot read the image size: {exc}") from None


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


def bring_image(source: Path | None, target: Path, mode: str, report: Any) -> None:
    """Put the image at `target` by `mode`; count it in `missing_images` if there is none.

    Mode `plan` (a dry run) records the path it would write and creates nothing."""
    if mode == "plan":
        if source is not None and source.is_file():
            report.planned.append(target)
        else:
            report.add("missing_images")
        return
    if source is None:
        if mode != "none":
            report.add("missing_images")
    elif not link_image(source, target, mode):
        report.add("missing_images")


def link_image(source: Path, target: Path, mode: str) -> bool:
    """Put the image at `target` by `mode` (link, hardlink, copy, none); False if it is missing."""
    if mode == "none":
        return True
    if not source.is_file():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    if mode == "link":
        os.symlink(os.path.abspath(source), target)
    elif mode == "hardlink":
        try:
            os.link(source, target)
        except OSError:  # another device: a copy is the only way
            shutil.copy2(source, target)
    else:
        shutil.copy2(source, target)
    return True


def format_column(values: Any, keep_point: bool = False) -> list[str]:
    """`format_number` over a whole column: integral values through one int conversion, the rest
    through `repr` (shortest round-trip text), and only the rare exponent forms one by one."""
    v = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        integral = (v == np.floor(v)) & (np.abs(v) < 1e15)
    out = np.empty(len(v), dtype=object)
    ints = list(map(str, v[integral].astype(np.int64).tolist()))
    out[integral] = [f"{t}.0" for t in ints] if keep_point else ints
    if not integral.all():
        texts = list(map(repr, v[~integral].tolist()))
        out[~integral] = [format_number(float(t)) if "e" in t else t for t in texts]
    return out.tolist()


def format_rows(columns: list[Any], pointed: list[bool] | None = None) -> list[str]:
    """Comma-separated text rows from columns of numbers (MOT, VisDrone)."""
    pointed = pointed or [False] * len(columns)
    texts = [format_column(values, keep_point) for values, keep_point in zip(columns, pointed)]
    return list(map(",".join, zip(*texts)))
