"""`convert` and the `<a>-to-<b>` shortcuts the format entries declare."""

import inspect
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from .. import api, formats
from ..errors import one_line
from ..run import Run
from .app import app
from .params import (COMMON, ReadFmt, WriteFmt, check_applies, command, common_params, format_params, guarded,
                     option_values, param)

DRY_RUN_PATHS = 10


def _convert(src: Path, dst: Path, source: str | None, target: str, kwargs: dict[str, Any]) -> None:
    values = option_values(kwargs)
    common = {name: values.pop(name) for name, _, _ in COMMON}

    def action() -> Run:
        check_applies(values, source, target)
        return api.convert(
            src, dst, source, target, category_map=common["category_map"], overwrite=common["overwrite"],
            progress=not common["quiet"] and sys.stderr.isatty(), lenient=common["lenient"], split_by=common["split_by"],
            val_fraction=common["val_fraction"],
            val_videos=_names(common["val_videos"]), test_fraction=common["test_fraction"],
            test_videos=_names(common["test_videos"]), seed=common["seed"], dry_run=common["dry_run"], **values)

    run = guarded(action, src)
    for warning in run.warnings:
        print(f"xsvid-convert: warning: skipped {one_line(warning)}", file=sys.stderr)
    if common["dry_run"]:
        print(f"dry run: {src} -> {dst} would write {len(run.files)} files: {run.summary()}")
        for name in run.files[:DRY_RUN_PATHS]:
            print(f"  {dst / name if name != dst.name else dst}")
        if len(run.files) > DRY_RUN_PATHS:
            print(f"  ... and {len(run.files) - DRY_RUN_PATHS} more")
    else:
        print(f"{src} -> {dst}: {run.summary()}", file=sys.stderr)
    for note in run.notes:
        print(f"note: {one_line(note)}", file=sys.stderr)


def _names(text: str | None) -> list[str] | None:
    return [v for v in (text or "").split(",") if v] or None


def _conversion_params(shortcut: formats.Shortcut | None) -> list[inspect.Parameter]:
    """`convert`'s flags (every format's options), or a shortcut's (its two formats' options)."""
    params = [
        inspect.Parameter("src", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                          annotation=Annotated[Path, typer.Argument(help="Input file or folder.")]),
        inspect.Parameter("dst", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                          annotation=Annotated[Path, typer.Argument(help="Output file or folder.")]),
    ]
    if shortcut is None:
        params += [param("from_", Annotated[Optional[ReadFmt], typer.Option("--from", help="Input format (guessed when omitted).")]),
                   param("to", Annotated[WriteFmt, typer.Option("--to", help="Output format.")], ...)]
    sides = (("read", "write") if shortcut is None else
             ((shortcut.source, ("read",)), (shortcut.target, ("write",))) if shortcut.source != shortcut.target
             else ((shortcut.source, ("read", "write")),))
    return params + common_params() + format_params(sides)


def _register_convert() -> None:
    def handler(src: Path, dst: Path, from_: Any = None, to: Any = None, **kwargs: Any) -> None:
        _convert(src, dst, from_.value if from_ else None, to.value, kwargs)

    app.command("convert")(command(handler, _conversion_params(None), (
        "Convert between any two formats.\n\nExample: xsvid-convert convert MOT17/train mot17.json --from mot --to cocovid")))


def _register_shortcuts() -> None:
    for shortcut in formats.SHORTCUTS:
        def handler(src: Path, dst: Path, _shortcut: formats.Shortcut = shortcut, **kwargs: Any) -> None:
            for key, value in _shortcut.defaults.items():
                kwargs[key] = kwargs.get(key) if kwargs.get(key) is not None else value
            _convert(src, dst, _shortcut.source, _shortcut.target, kwargs)

        doc = f"{shortcut.source} -> {shortcut.target}.\n\nExample: {shortcut.example}"
        app.command(f"{shortcut.source}-to-{shortcut.target}")(command(handler, _conversion_params(shortcut), doc))


_register_convert()
_register_shortcuts()
