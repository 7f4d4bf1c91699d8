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
from ...files.paths import lexically_inside, safe_relpath
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
    seen: set[Path] = set()
    for split in SPLITS:
        value = doc.get(split)
        for item in (value if isinstance(value, list) else [value]) if value else []:
            for image in _split_images(root, _text(item, f"{src}: {split}"), images_dir, src):
                if image.absolute() not in seen:
                    seen.add(image.absolute())
                    base = images_dir if yoloft else _split_base(root, value, image)
                    label = _yoloft_label(image, images_dir, labels_dir) if yoloft else label_path(image)
                    entries.append(Entry(split, image, _relative(image, base), label))
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


def _split_images(root: Path, item: str, images_dir: Path | None, src: str) -> list[Path]:
    target = _inside(root, root / item, f"{src}: {shown(item)}")
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
                candidate = Path(line) if Path(line).is_absolute() else _darknet_path(root, line)
            out.append(_inside(root, candidate, where))
        return out
    raise ConvertError(src, f"split entry {shown(item)} is neither a folder nor a .txt list under {root}")


def _inside(root: Path, path: Path, where: str) -> Path:
    if "\x00" in str(path) or not str(path).isprintable():
        raise ConvertError(where, f"path {shown(str(path))} contains a control character")
    if not lexically_inside(path, root):
        raise ConvertError(where, f"path {shown(str(path))} lies outside the dataset folder {root}")
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


def _relative(image: Path, base: Path | None) -> str:
    if base is None:
        return image.name
    inside = os.path.abspath(image)
    folder = os.path.join(os.path.abspath(base), "")
    return inside[len(folder):].replace(os.sep, "/") if inside.startswith(folder) else image.name


def label_path(image: Path) -> Path:
    """Ultralytics' rule: the last `/images/` becomes `/labels/`, the suffix `.txt`."""
    text = str(image)
    sa, sb = f"{os.sep}images{os.sep}", f"{os.sep}labels{os.sep}"
    if sa in text:
        head, tail = text.rsplit(sa, 1)
        text = head + sb + tail
    return Path(text).with_suffix(".txt")


def _yoloft_label(image: Path, images_dir: Path, labels_dir: Path) -> Path:
    try:
        relative = image.absolute().relative_to(images_dir.absolute())
    except ValueError:
        return label_path(image)
    return (labels_dir / relative).with_suffix(".txt")


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
    names_file = _inside(root, _darknet_path(root, settings["names"]), f"{path}: names")
    names = [n.strip() for n in read_lines(names_file) if n.strip()]
    entries = []
    for split in ("train", "valid", "test"):
        if split in settings:
            listed = _inside(root, _darknet_path(root, settings[split]), f"{path}: {split}")
            for image in _split_images(root, str(listed.relative_to(root)), None, str(path)):
                entries.append(Entry("val" if split == "valid" else split, image, _relative(image, root), label_path(image)))
    return build(entries, names, None, options, run, str(path))
