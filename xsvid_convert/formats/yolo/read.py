"""Reading YOLO datasets: an Ultralytics `data.yaml` (folders or `.txt` lists), YOLOFT's layout
(`images_dir`/`labels_dir`, `./<video>/<frame>` list lines) and Darknet's `obj.data`.

Paths from the files (`path`, split entries, list lines) must stay inside the dataset root: a
list line `../../etc/passwd` would otherwise put any file of the machine into the output."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ...errors import ConvertError, shown
from ...files.images import is_image
from ...files.paths import lexical_prefix, lexically_under, safe_relpath, with_txt_suffix
from ...files.text import load_yaml, read_lines
from ...model import Dataset
from ...run import Run
from .build import Entry, build

SPLITS = ("train", "val", "test")


def read(path: Path, options: Any, run: Run) -> Dataset:
    if path.is_file():
        return read_darknet(path, options, run) if path.name == "obj.data" else read_yaml(path, options, run)
    if not path.is_dir():
        raise ConvertError(str(path), "no such file or folder")
    if (path / "obj.data").is_file():
        return read_darknet(path / "obj.data", options, run)
    yamls = sorted(p for p in path.glob("*.y*ml") if p.suffix in (".yaml", ".yml"))
    if (path / "data.yaml").is_file():
        return read_yaml(path / "data.yaml", options, run)
    if len(yamls) == 1:
        return read_yaml(yamls[0], options, run)
    if yamls:
        raise ConvertError(str(path), f"several yaml files ({', '.join(p.name for p in yamls)}): name the one to read")
    raise ConvertError(str(path), "no data.yaml or obj.data: not a YOLO dataset folder")


def read_yaml(path: Path, options: Any, run: Run) -> Dataset:
    doc = load_yaml(path)
    src = str(path)
    if not isinstance(doc, dict):
        raise ConvertError(src, "expected a mapping with train/val and names")
    names = _names(doc.get("names"), doc.get("nc"), src)
    root = path.parent
    if doc.get("path"):
        given = Path(_text(doc["path"], f"{src}: path"))
        root = given if given.is_absolute() else path.parent / given
    run.inputs.add_tree(root)  # the dataset root is the input's tree
    yoloft = "labels_dir" in doc or "images_dir" in doc
    images_dir = root / _folder(doc, "images_dir", src) if yoloft else None
    labels_dir = root / _folder(doc, "labels_dir", src) if yoloft else None
    entries: list[Entry] = []
    seen: set[str] = set()
    inside = _Inside(root)
    cwd = os.getcwd()
    images_spelled = _absolute(images_dir, cwd) if yoloft else ""
    images_folder = os.path.abspath(images_dir) if yoloft else ""
    listed: dict[str, list[Path]] = {}  # a list named by two splits (val: train.txt) is read once
    for split in SPLITS:
        value = doc.get(split)
        bases: dict[str, str] = {}  # image folder -> the folder file names are relative to
        for item in (value if isinstance(value, list) else [value]) if value else []:
            item = _text(item, f"{src}: {split}")
            if item not in listed:
                listed[item] = _split_images(inside, item, images_dir, src)
            for image in listed[item]:
                # as Path.absolute() spells it (`..` kept: two spellings are two images, as
                # Ultralytics reads them), without its cost over 222k images
                spelled = _absolute(image, cwd)
                if spelled in seen:
                    continue
                seen.add(spelled)
                if yoloft:
                    label = _yoloft_label(image, spelled, images_spelled, labels_dir)
                    entries.append(Entry(split, image, _relative(image, images_folder), label))
                    continue
                folder = os.path.dirname(spelled)
                if folder not in bases:
                    bases[folder] = os.path.abspath(_split_base(root, value, image))
                entries.append(Entry(split, image, _relative(image, bases[folder]), label_path(image)))
    if not entries:
        raise ConvertError(src, "no images listed under train, val or test")
    return build(entries, names, doc.get("classes_map"), options, run, src, zero_based=yoloft)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ConvertError(where, f"expected a path, found {shown(value)}")
    return str(value)


def _folder(doc: dict, key: str, src: str) -> str:
    """`images_dir` / `labels_dir`: a folder inside the dataset root."""
    return safe_relpath(_text(doc.get(key, key.split("_")[0]), f"{src}: {key}"), f"{src}: {key}")


def _names(value: Any, nc: Any, src: str) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, dict):
        by_number: dict[int, Any] = {}
        for key, name in value.items():
            if not (type(key) is int or (isinstance(key, str) and key.isdigit())):
                raise ConvertError(f"{src}: names", "names must be keyed by class numbers 0..n-1")
            by_number[int(key)] = name
        if sorted(by_number) != list(range(len(value))):
            raise ConvertError(f"{src}: names", f"names must be keyed 0..{len(value) - 1}, found {sorted(value, key=str)}")
        return [str(by_number[k]) for k in range(len(value))]
    if type(nc) is int and 0 < nc < 100_000 and value is None:
        return [f"class_{k}" for k in range(nc)]
    raise ConvertError(f"{src}: names", "missing names (a list or a mapping 0..n-1)")


def _split_images(inside: _Inside, item: str, images_dir: Path | None, src: str) -> list[Path]:
    root = inside.root
    target = inside(root / item, f"{src}: {shown(item)}")
    if target.is_dir():
        return sorted(p for p in target.rglob("*") if is_image(p) and p.is_file())
    if target.is_file() and target.suffix == ".txt":
        out = []
        for number, line in enumerate(read_lines(target), 1):
            line = line.strip()
            if not line:
                continue
            where = f"{target}:{number}"
            if line.startswith("./"):  # YOLOFT: against images_dir; Ultralytics: against the list's folder
                candidate = (images_dir if images_dir is not None else target.parent) / line[2:]
            else:
                candidate = Path(line) if os.path.isabs(line) else _darknet_path(root, line)
            out.append(inside(candidate, where))
        return out
    raise ConvertError(src, f"split entry {shown(item)} is neither a folder nor a .txt list under {root}")


class _Inside:
    """Refuses a path that leaves the dataset root (folded lexically, symlinks not followed) or
    holds a control character; the root is made absolute once, not per image."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.prefix = lexical_prefix(root)

    def __call__(self, path: Path, where: str) -> Path:
        text = str(path)
        if not text.isprintable():  # a NUL byte is not printable either
            raise ConvertError(where, f"path {shown(text)} contains a control character")
        if not lexically_under(text, self.prefix):
            raise ConvertError(where, f"path {shown(text)} lies outside the dataset folder {self.root}")
        return path


def _darknet_path(root: Path, line: str) -> Path:
    """Darknet lists say `data/obj_train_data/1.jpg`, where `data/` is the dataset folder."""
    direct = root / line
    if not direct.exists() and line.startswith("data/"):
        return root / line[len("data/"):]
    return direct


def _split_base(root: Path, value: Any, image: Path) -> Path:
    for item in value if isinstance(value, list) else [value]:
        folder = root / str(item)
        if folder.is_dir() and folder.absolute() in image.absolute().parents:
            return folder
    parts = image.absolute().parts
    if "images" in parts:  # images/<split>/... from a txt list
        k = len(parts) - 1 - parts[::-1].index("images")
        return Path(*parts[: k + 2]) if k + 2 < len(parts) else Path(*parts[: k + 1])
    return root


def _absolute(path: Path, cwd: str) -> str:
    text = str(path)
    return text if os.path.isabs(text) else os.path.join(cwd, text)


def _under(path: str, folder: str) -> str | None:
    """`path` relative to `folder` (both absolute) as a POSIX path, or None if it lies elsewhere."""
    folder = os.path.join(folder, "")
    return path[len(folder):].replace(os.sep, "/") if path.startswith(folder) else None


def _relative(image: Path, base: str) -> str:
    """The file name of an image: relative to the folder `base` (absolute, `..` folded) when it
    lies there, else its bare name."""
    absolute = os.path.abspath(image)
    return _under(absolute, base) or os.path.basename(absolute)


def label_path(image: Path) -> Path:
    """Ultralytics' rule: the last `/images/` becomes `/labels/`, the suffix `.txt`."""
    text = str(image)
    sa, sb = f"{os.sep}images{os.sep}", f"{os.sep}labels{os.sep}"
    if sa in text:
        head, tail = text.rsplit(sa, 1)
        text = head + sb + tail
    return Path(with_txt_suffix(text))


def _yoloft_label(image: Path, spelled: str, images_spelled: str, labels_dir: Path) -> Path:
    relative = _under(spelled, images_spelled)
    if relative is None:
        return label_path(image)
    return labels_dir / with_txt_suffix(relative)


def read_darknet(path: Path, options: Any, run: Run) -> Dataset:
    root = path.parent
    run.inputs.add_tree(root)
    settings = {}
    for number, line in enumerate(read_lines(path), 1):
        if not line.strip() or line.strip().startswith("#"):
            continue
        if "=" not in line:
            raise ConvertError(f"{path}:{number}", "expected `key = value`")
        key, value = line.split("=", 1)
        settings[key.strip()] = value.strip()
    if "names" not in settings:
        raise ConvertError(str(path), "missing `names = <file>`")
    inside = _Inside(root)
    names_file = inside(_darknet_path(root, settings["names"]), f"{path}: names")
    names = [n.strip() for n in read_lines(names_file) if n.strip()]
    entries = []
    base = os.path.abspath(root)
    for split in ("train", "valid", "test"):
        if split in settings:
            listed = inside(_darknet_path(root, settings[split]), f"{path}: {split}")
            for image in _split_images(inside, str(listed.relative_to(root)), None, str(path)):
                entries.append(Entry("val" if split == "valid" else split, image, _relative(image, base), label_path(image)))
    return build(entries, names, None, options, run, str(path))
