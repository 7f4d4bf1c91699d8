"""The Python API: read, write and convert, the same path the CLI takes.

Options are named as the CLI names them (`layout="yoloft"`, `mot_file="det"`); each goes to the
format that declares it (`formats.base.option`), for reading or writing as it declares.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import tempfile
from pathlib import Path
from typing import Any, Iterator

from . import formats
from .errors import ConvertError
from .files.atomic import atomic_output, check_destination
from .files.paths import safe_name
from .formats.base import NO_GROUND_TRUTH, Format, make_options
from .model import Dataset
from .run import Run
from .tools import categories as category_maps
from .tools import splits


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Reading and writing make millions of small objects that live until the end of the step
    (parsed JSON, rows, label lines).  The cyclic garbage collector would scan them again and again
    and free nothing (they hold no cycles): measured, 45% of a COCO read at v1 scale."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def known_options() -> set[str]:
    return {f.name for spec in formats.FORMATS.values() for f in dataclasses.fields(spec.options)}


def options_for(spec: Format, values: dict[str, Any], side: str) -> Any:
    """The options object of `spec` for reading or writing, from named values (None: not given)."""
    unknown = set(values) - known_options()
    if unknown:
        raise TypeError(f"unknown options: {sorted(unknown)}")
    return make_options(spec.options, values, side)


def _run(run: Run | None, lenient: bool, progress: bool) -> Run:
    return run if run is not None else Run(lenient=lenient, progress=progress)


@gc_paused()
def read(path: str | Path, fmt: str | None = None, *, run: Run | None = None, lenient: bool = False,
         progress: bool = False, **options: Any) -> Dataset:
    """Read `path` in format `fmt` (guessed when None) into the canonical model."""
    path = Path(path)
    if not path.exists():
        raise ConvertError(str(path), "no such file or folder")
    spec = formats.get(fmt) if fmt else formats.detect(path)
    run = _run(run, lenient, progress)
    run.inputs.add(path)
    opts = options_for(spec, options, "read")
    if spec.results:
        opts.gt = _ground_truth(opts.gt, opts.gt_format, run)
    dataset = spec.reader()(path, opts, run)
    for folder in image_folders(dataset):
        run.inputs.add_tree(folder)
    return dataset


def _ground_truth(given: Any, fmt: str | None, run: Run) -> Dataset:
    """The ground truth a results file is read against: a dataset, or a path read in `fmt`."""
    if isinstance(given, Dataset):
        return given
    if given is None:
        raise ConvertError("--gt", NO_GROUND_TRUTH)
    path = Path(given)
    if not path.exists():
        raise ConvertError(str(path), "no such file or folder (--gt)")
    spec = formats.get(fmt) if fmt else formats.detect(path)
    if spec.results:
        raise ConvertError(str(path), f"--gt must be a ground truth, not {spec.name} results")
    return spec.reader()(path, options_for(spec, {}, "read"), run.child())


def image_folders(dataset: Dataset) -> set[str]:
    """The folders that hold the dataset's images (those that exist): an output must keep off."""
    root = dataset.image_root or ""
    sources = {_parent(f.source) for f in dataset.frames if f.source}
    named = {_parent(f.file_name) for f in dataset.frames if not f.source}
    folders = sources | {os.path.join(root, folder) for folder in named}
    return {os.path.abspath(folder) for folder in folders if folder and os.path.isdir(folder)}


def _parent(path: str) -> str:
    """`os.path.dirname` for the POSIX paths frames hold, at a fraction of its cost over 222k frames."""
    head = path.rpartition("/")[0]
    return head or ("/" if path.startswith("/") else "")


@gc_paused()
def write(dataset: Dataset, path: str | Path, fmt: str, *, overwrite: bool = False, run: Run | None = None,
          per_split: bool = False, dry_run: bool = False, lenient: bool = False, progress: bool = False,
          **options: Any) -> Run:
    """Write `dataset` to `path` in format `fmt`, atomically.

    `per_split`: a format that holds one split per output gets a folder with one output per split
    (`train.json`, `val.json`; `train/`, `val/`).  `dry_run`: write into a scratch folder in the
    system's temporary directory, list what would be written (`run.files`), remove it; the
    destination is only checked, never touched.
    """
    spec = formats.get(fmt)
    run = _run(run, lenient, progress)
    opts = options_for(spec, options, "write")
    path = Path(path)
    run.destination = path.absolute()
    split_outputs = per_split and not spec.splits
    if split_outputs and path.suffix == ".json":
        raise ConvertError(str(path), "with a split per output the output is a folder "
                                      "(train.json, val.json inside): name a folder")
    is_dir = spec.output == "dir" or split_outputs
    run.inputs.check(path)
    if not dry_run:
        with atomic_output(path, is_dir=is_dir, overwrite=overwrite) as target:
            _write_into(dataset, target, spec, opts, run, split_outputs)
        return run
    check_destination(run.destination, is_dir=is_dir, overwrite=overwrite)
    run.dry_run = True
    with tempfile.TemporaryDirectory(prefix="xsvid-convert-dry-run-") as scratch:
        target = Path(scratch) / "out"
        if is_dir:
            target.mkdir()
        _write_into(dataset, target, spec, opts, run, split_outputs)
        written = [p for p in sorted(target.rglob("*")) if not p.is_dir()] if is_dir else [target]
        run.files = [str(p.relative_to(target)) if is_dir else path.name for p in written]
        run.files += sorted(str(p.relative_to(target)) for p in run.planned)
    return run


def _write_into(dataset: Dataset, target: Path, spec: Format, opts: Any, run: Run, split_outputs: bool) -> None:
    try:
        _write_parts(dataset, target, spec, opts, run, split_outputs)
    except OSError as exc:  # a full disk, a file size limit, a read-only folder: name the output
        raise ConvertError(str(run.destination or target), f"cannot write: {exc.strerror or exc}") from None


def _write_parts(dataset: Dataset, target: Path, spec: Format, opts: Any, run: Run, split_outputs: bool) -> None:
    writer = spec.writer()
    if not split_outputs:
        writer(dataset, target, opts, run)
        return
    for split in dataset.splits():
        name = safe_name(split or "train", "split")
        part = target / (f"{name}.json" if spec.output == "file" else name)
        if spec.output == "dir":
            part.mkdir()
        writer(dataset.subset(split), part, opts, run)


def convert(src: str | Path, dst: str | Path, from_format: str | None, to_format: str, *,
            category_map: str | None = None, overwrite: bool = False, split_by: str | None = None,
            val_fraction: float | None = None, val_videos: list[str] | None = None, test_fraction: float | None = None,
            test_videos: list[str] | None = None, seed: int = 0, dry_run: bool = False, lenient: bool = False,
            progress: bool = False, **options: Any) -> Run:
    """Read `src`, apply a category map and a video-level split if given, write `dst` (or, with
    `dry_run`, only say what would be written); returns the run with its counts."""
    src, dst = Path(src), Path(dst)
    formats.get(to_format)  # an unknown target is refused before anything is read
    early = Run()
    early.inputs.add(src)
    early.inputs.check(dst)  # the rest (image folders, a yaml's dataset root) once they are known
    if split_by not in (None, "video"):
        raise ConvertError("--split-by", f"only 'video' is supported, not {split_by!r}")
    mapping = category_maps.load(category_map) if category_map else None
    run = Run(lenient=lenient, progress=progress)
    dataset = read(src, from_format, run=run, **options)
    if mapping is not None:
        dataset = category_maps.apply(dataset, mapping, category_map or "")
    # the summary counts what was written, and what reading skipped
    skipped = run.counts["skipped"]
    run.counts.clear()
    run.count("skipped", skipped)
    split = bool(split_by or val_videos or test_videos or test_fraction)
    if split:
        dataset = splits.by_video(dataset, run, val_fraction=val_fraction, val_videos=val_videos,
                                  test_fraction=test_fraction, test_videos=test_videos, seed=seed)
    return write(dataset, dst, to_format, overwrite=overwrite, run=run, per_split=split, dry_run=dry_run, **options)

