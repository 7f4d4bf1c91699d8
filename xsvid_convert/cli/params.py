"""What every command shares: its flags made from the format registry (each format's options,
`--from/--to` choices), and one way of failing: one line on stderr, exit 2."""

import dataclasses
import functools
import inspect
import sys
import traceback
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer

from .. import formats
from ..errors import ConvertError, one_line

Fmt = Enum("Fmt", {name: name for name in formats.FORMATS}, type=str)
ReadFmt = Enum("ReadFmt", {name: name for name, spec in formats.FORMATS.items() if spec.read}, type=str)
WriteFmt = Enum("WriteFmt", {name: name for name, spec in formats.FORMATS.items() if spec.write}, type=str)
state = {"debug": False}


def fail(exc: BaseException, where: Path | None) -> None:
    """One line on stderr and exit 2.  Anything but a ConvertError is our bug or the machine's,
    not the input's: it still ends in one line naming the file it was working on, and `--debug`
    shows the traceback."""
    if state["debug"]:
        traceback.print_exc()
    if isinstance(exc, ConvertError):
        text = str(exc)
    elif isinstance(exc, OSError) and exc.filename:
        text = f"{exc.filename}: {exc.strerror or exc}"
    else:
        what = {MemoryError: "out of memory", RecursionError: "input nested too deeply",
                KeyboardInterrupt: "interrupted"}.get(type(exc)) or f"{type(exc).__name__}: {exc}"
        text = f"{where}: {what}" if where else what
    print(f"xsvid-convert: error: {one_line(text)[:2000]}", file=sys.stderr)
    raise typer.Exit(130 if isinstance(exc, KeyboardInterrupt) else 2)


def guarded(action: Callable[[], Any], where: Path | None = None) -> Any:
    try:
        return action()
    except typer.Exit:
        raise
    except BaseException as exc:  # noqa: BLE001 -- see fail
        fail(exc, where)


# ------------------------------------------------------------------ options from the registry


@functools.cache
def format_fields(sides: tuple[tuple[str, tuple[str, ...]], ...] | tuple[str, ...]) -> dict[str, tuple[dataclasses.Field, list[str]]]:
    """Every format option that applies, once by name, with its formats.  `sides`: ("read",
    "write") for every format, or ((format, its sides), ...) for some (a shortcut's two)."""
    wanted = dict(sides) if sides and isinstance(sides[0], tuple) else {name: sides for name in formats.FORMATS}
    fields: dict[str, tuple[dataclasses.Field, list[str]]] = {}
    for name, own_sides in wanted.items():
        for f in dataclasses.fields(formats.FORMATS[name].options):
            if f.metadata.get("when", "both") not in own_sides + ("both",):
                continue
            if f.name in fields:
                fields[f.name][1].append(name)
            else:
                fields[f.name] = (f, [name])
    return fields


def param(name: str, annotation: Any, default: Any = None) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)


@functools.cache
def format_params(sides: tuple[tuple[str, tuple[str, ...]], ...] | tuple[str, ...]) -> list[inspect.Parameter]:
    """One flag per format option (the same objects for every command: built once)."""
    params = []
    for name, (f, owners) in format_fields(sides).items():
        meta = f.metadata
        flag = "--" + name.replace("_", "-")
        helptext = f"{meta['help']} [{', '.join(owners)}]"
        if meta.get("choices"):
            kind: Any = Enum(name.title().replace("_", ""), {c: c for c in meta["choices"]}, type=str)
        elif f.type in ("int", int) or meta.get("parse") is int:
            kind = int
        else:
            kind = str
        option = typer.Option(flag, help=helptext, metavar=meta.get("metavar"), min=1 if kind is int else None)
        params.append(param(name, Annotated[Optional[kind], option]))
    return params


COMMON = [
    ("category_map", Optional[str], typer.Option("--category-map", help="YAML map (rename/merge/drop) or a preset name.")),
    ("overwrite", bool, typer.Option("--overwrite", help="Replace an existing output.")),
    ("quiet", bool, typer.Option("-q", "--quiet", help="No progress bar.")),
    ("lenient", bool, typer.Option("--lenient", help="Skip bad records with a warning each instead of stopping at the first.")),
    ("split_by", Optional[str], typer.Option("--split-by", help="Make train/val sets of whole videos: 'video'.")),
    ("val_fraction", Optional[float], typer.Option("--val-fraction", help="Share of videos for val with --split-by video (default 0.2).")),
    ("val_videos", Optional[str], typer.Option("--val-videos", help="Comma-separated names of the val videos (implies --split-by video).")),
    ("test_fraction", Optional[float], typer.Option("--test-fraction", help="Share of videos for a test set with --split-by video (default none).")),
    ("test_videos", Optional[str], typer.Option("--test-videos", help="Comma-separated names of the test videos (implies --split-by video).")),
    ("seed", int, typer.Option("--seed", help="Seed of the video draw for --split-by video.")),
    ("dry_run", bool, typer.Option("--dry-run", help="Print what would be written (counts, first paths) and write nothing.")),
]
COMMON_DEFAULTS = {"overwrite": False, "quiet": False, "lenient": False, "seed": 0, "dry_run": False}


def common_params() -> list[inspect.Parameter]:
    return [param(name, Annotated[kind, option], COMMON_DEFAULTS.get(name)) for name, kind, option in COMMON]


def command(handler: Callable[..., None], params: list[inspect.Parameter], doc: str) -> Callable[..., None]:
    """A function typer reads as a command with exactly `params`."""
    def command(**kwargs: Any) -> None:
        handler(**kwargs)

    command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in params}
    command.__doc__ = doc
    return command


def option_values(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.value if isinstance(v, Enum) else v) for k, v in kwargs.items()}


def check_applies(given: dict[str, Any], source: str | None, target: str) -> None:
    """An option neither the input's format nor the output's takes is a mistake, not a no-op."""
    read_fields = format_fields(("read",))
    write_fields = format_fields(("write",))
    for name, value in given.items():
        if value is None:
            continue
        readers = read_fields.get(name, (None, []))[1]
        writers = write_fields.get(name, (None, []))[1]
        if (source is None and readers) or source in readers or target in writers:
            continue
        owners = sorted(set(readers) | set(writers))
        raise ConvertError(f"--{name.replace('_', '-')}", f"is an option of {', '.join(owners)}, "
                                                          f"not of {source or 'the input'} -> {target}")
