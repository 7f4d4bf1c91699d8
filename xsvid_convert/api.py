"""The Python API: read, write and convert, the same path the CLI takes."""

from __future__ import annotations

import contextlib
import gc
import tempfile
from pathlib import Path
from typing import Any, Iterator

from . import categories as category_maps
from . import converters, splits
from .errors import ConvertError
from .io import atomic_output, check_destination, is_inside, safe_name
from .options import Options, Report
from .schemas import Dataset


def _options(**kwargs: Any) -> Options:
    known = Options.__dataclass_fields__
    unknown = [k for k in kwargs if k not in known]
    if unknown:
        raise TypeError(f"unknown options: {unknown}")
    return Options(**kwargs)


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


@gc_paused()
def read(path: str | Path, fmt: str | None = None, report: Report | None = None, **options: Any) -> Dataset:
    """Read `path` in format `fmt` (guessed when None) into the canonical model."""
    path = Path(path)
    if not path.exists():
        raise ConvertError(str(path), "no such file or folder")
    spec = converters.get(fmt) if fmt else converters.detect(path)
    opts = _options(**options)
    report = report or Report(lenient=opts.lenient)
    return spec.read(path, opts, report)


@gc_paused()
def write(dataset: Dataset, path: str | Path, fmt: str, *, overwrite: bool = False,
          report: Report | None = None, per_split: bool = False, dry_run: bool = False,
          **options: Any) -> Report:
    """Write `dataset` to `path` in format `fmt`, atomically.

    `per_split`: a format that holds one split per output gets a folder with one output per split
    (`train.json`, `val.json`; `train/`, `val/`).  `dry_run`: write into a scratch folder in the
    system's temporary directory, list what would be written (`report.files`), remove it; the
    destination is only checked, never touched.
    """
    spec = converters.get(fmt)
    report = report or Report()
    opts = _options(**options)
    path = Path(path)
    opts.destination = path.absolute()
    split_outputs = per_split and not spec.splits
    if split_outputs and path.suffix == ".json":
        raise ConvertError(str(path), "with a split per output the output is a folder "
                                      "(train.json, val.json inside): name a folder")
    is_dir = spec.output == "dir" or split_outputs
    if dry_run:
        check_destination(opts.destination, is_dir=is_dir, overwrite=overwrite)
        opts.images = "plan" if opts.images != "none" else "none"
        with tempfile.TemporaryDirectory(prefix="xsvid-convert-dry-run-") as scratch:
            target = Path(scratch) / "out"
            if is_dir:
                target.mkdir()
            _write_into(dataset, target, spec, opts, report, split_outputs)
            written = [p for p in sorted(target.rglob("*")) if not p.is_dir()] if is_dir else [target]
            report.files = [str(p.relative_to(target)) if is_dir else path.name for p in written]
            report.files += sorted(str(p.relative_to(target)) for p in report.planned)
        return report
    with atomic_output(path, is_dir=is_dir, overwrite=overwrite) as target:
        _write_into(dataset, target, spec, opts, report, split_outputs)
    return report


def _write_into(dataset: Dataset, target: Path, spec: converters.Format, opts: Options, report: Report,
                split_outputs: bool) -> None:
    if not split_outputs:
        spec.write(dataset, target, opts, report)
        return
    for split in dataset.splits():
        name = safe_name(split or "train", "split")
        part = target / (f"{name}.json" if spec.output == "file" else name)
        if spec.output == "dir":
            part.mkdir()
        spec.write(dataset.subset(split), part, opts, report)


def convert(src: str | Path, dst: str | Path, from_format: str | None, to_format: str, *,
            category_map: str | None = None, overwrite: bool = False, split_by: str | None = None,
            val_fraction: float | None = None, val_videos: list[str] | None = None, seed: int = 0,
            dry_run: bool = False, **options: Any) -> Report:
    """Read `src`, apply a category map and a video-level split if given, write `dst` (or, with
    `dry_run`, only say what would be written); returns the counts."""
    src, dst = Path(src), Path(dst)
    source_tree = src if src.is_dir() else src.parent
    if to_format and converters.get(to_format).output == "dir" and is_inside(dst, source_tree) and src.is_dir():
        raise ConvertError(str(dst), f"output lies inside the input folder {src}; choose another place")
    if src.exists() and dst.exists() and src.resolve() == dst.resolve():
        raise ConvertError(str(dst), "output is the input; choose another place")
    if split_by not in (None, "video"):
        raise ConvertError("--split-by", f"only 'video' is supported, not {split_by!r}")
    report = Report(lenient=bool(options.get("lenient")))
    spec_map = category_map_spec(category_map)
    dataset = read(src, from_format, report=report, **options)
    if spec_map is not None:
        dataset = category_maps.apply(dataset, spec_map, category_map or "")
    # the summary counts what was written, and what reading skipped
    skipped = report.counts["skipped"]
    report.counts.clear()
    report.add("skipped", skipped)
    if split_by or val_videos:
        dataset = splits.by_video(dataset, report, val_fraction=val_fraction, val_videos=val_videos, seed=seed)
    return write(dataset, dst, to_format, overwrite=overwrite, report=report,
                 per_split=bool(split_by or val_videos), dry_run=dry_run, **options)


def category_map_spec(name: str | None) -> dict | None:
    return category_maps.load(name) if name else None
