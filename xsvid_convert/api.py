"""The Python API: read, write and convert, the same path the CLI takes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import categories as category_maps
from . import converters
from .errors import ConvertError
from .io import atomic_output, is_inside
from .options import Options, Report
from .schemas import Dataset


def _options(**kwargs: Any) -> Options:
    known = Options.__dataclass_fields__
    unknown = [k for k in kwargs if k not in known]
    if unknown:
        raise TypeError(f"unknown options: {unknown}")
    return Options(**kwargs)


def read(path: str | Path, fmt: str | None = None, report: Report | None = None, **options: Any) -> Dataset:
    """Read `path` in format `fmt` (guessed when None) into the canonical model."""
    path = Path(path)
    if not path.exists():
        raise ConvertError(str(path), "no such file or folder")
    spec = converters.get(fmt) if fmt else converters.detect(path)
    opts = _options(**options)
    report = report or Report(lenient=opts.lenient)
    return spec.read(path, opts, report)


def write(dataset: Dataset, path: str | Path, fmt: str, *, overwrite: bool = False,
          report: Report | None = None, **options: Any) -> Report:
    """Write `dataset` to `path` in format `fmt`, atomically."""
    spec = converters.get(fmt)
    report = report or Report()
    opts = _options(**options)
    opts.destination = Path(path).absolute()
    with atomic_output(Path(path), is_dir=spec.output == "dir", overwrite=overwrite) as target:
        spec.write(dataset, target, opts, report)
    return report


def convert(src: str | Path, dst: str | Path, from_format: str | None, to_format: str, *,
            category_map: str | None = None, overwrite: bool = False, **options: Any) -> Report:
    """Read `src`, apply a category map if given, write `dst`; returns the counts."""
    src, dst = Path(src), Path(dst)
    source_tree = src if src.is_dir() else src.parent
    if to_format and converters.get(to_format).output == "dir" and is_inside(dst, source_tree) and src.is_dir():
        raise ConvertError(str(dst), f"output lies inside the input folder {src}; choose another place")
    if src.exists() and dst.exists() and src.resolve() == dst.resolve():
        raise ConvertError(str(dst), "output is the input; choose another place")
    report = Report(lenient=bool(options.get("lenient")))
    spec_map = category_map_spec(category_map)
    dataset = read(src, from_format, report=report, **options)
    if spec_map is not None:
        dataset = category_maps.apply(dataset, spec_map, category_map or "")
    # the summary counts what was written, and what reading skipped
    skipped = report.counts["skipped"]
    report.counts.clear()
    report.add("skipped", skipped)
    return write(dataset, dst, to_format, overwrite=overwrite, report=report, **options)


def category_map_spec(name: str | None) -> dict | None:
    return category_maps.load(name) if name else None
