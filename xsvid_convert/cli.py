"""The `xsvid-convert` command line, built from the format registry: `--from/--to` choices, each
format's own options, and the `<a>-to-<b>` shortcuts all come from the entries."""

import dataclasses
import inspect
import signal
import sys
import tempfile
import traceback
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer

from . import api, formats
from .errors import ConvertError, one_line
from .files.atomic import atomic_output
from .run import Run

app = typer.Typer(add_completion=True, no_args_is_help=True, rich_markup_mode=None, pretty_exceptions_enable=False,
                  help="Convert detection and tracking annotations and results between formats: "
                       + ", ".join(formats.FORMATS) + ".")

Fmt = Enum("Fmt", {name: name for name in formats.FORMATS}, type=str)
ReadFmt = Enum("ReadFmt", {name: name for name, spec in formats.FORMATS.items() if spec.read}, type=str)
WriteFmt = Enum("WriteFmt", {name: name for name, spec in formats.FORMATS.items() if spec.write}, type=str)
DRY_RUN_PATHS = 10
_state = {"debug": False}


def _fail(exc: BaseException, where: Path | None) -> None:
    """One line on stderr and exit 2.  Anything but a ConvertError is our bug or the machine's,
    not the input's: it still ends in one line naming the file it was working on, and `--debug`
    shows the traceback."""
    if _state["debug"]:
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


def _guarded(action: Callable[[], Any], where: Path | None = None) -> Any:
    try:
        return action()
    except typer.Exit:
        raise
    except BaseException as exc:  # noqa: BLE001 -- see _fail
        _fail(exc, where)


# ------------------------------------------------------------------ options from the registry


def _format_fields(sides: tuple[str, ...]) -> dict[str, tuple[dataclasses.Field, list[str]]]:
    """Every format option that applies to one of `sides`, once by name, with its formats."""
    fields: dict[str, tuple[dataclasses.Field, list[str]]] = {}
    for name, spec in formats.FORMATS.items():
        for f in dataclasses.fields(spec.options):
            if f.metadata.get("when", "both") not in sides + ("both",):
                continue
            if f.name in fields:
                fields[f.name][1].append(name)
            else:
                fields[f.name] = (f, [name])
    return fields


def _param(name: str, annotation: Any, default: Any = None) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)


def _format_params(sides: tuple[str, ...]) -> list[inspect.Parameter]:
    params = []
    for name, (f, owners) in _format_fields(sides).items():
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
        params.append(_param(name, Annotated[Optional[kind], option]))
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


def _common_params() -> list[inspect.Parameter]:
    return [_param(name, Annotated[kind, option], COMMON_DEFAULTS.get(name)) for name, kind, option in COMMON]


def _command(handler: Callable[..., None], params: list[inspect.Parameter], doc: str) -> Callable[..., None]:
    """A function typer reads as a command with exactly `params`."""
    def command(**kwargs: Any) -> None:
        handler(**kwargs)

    command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in params}
    command.__doc__ = doc
    return command


def _values(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.value if isinstance(v, Enum) else v) for k, v in kwargs.items()}


def _check_applies(given: dict[str, Any], source: str | None, target: str) -> None:
    """An option neither the input's format nor the output's takes is a mistake, not a no-op."""
    read_fields = _format_fields(("read",))
    write_fields = _format_fields(("write",))
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


# ------------------------------------------------------------------ conversions


def _convert(src: Path, dst: Path, source: str | None, target: str, kwargs: dict[str, Any]) -> None:
    values = _values(kwargs)
    common = {name: values.pop(name) for name, _, _ in COMMON}

    def action() -> Run:
        _check_applies(values, source, target)
        return api.convert(
            src, dst, source, target, category_map=common["category_map"], overwrite=common["overwrite"],
            progress=not common["quiet"] and sys.stderr.isatty(), lenient=common["lenient"], split_by=common["split_by"],
            val_fraction=common["val_fraction"],
            val_videos=_names(common["val_videos"]), test_fraction=common["test_fraction"],
            test_videos=_names(common["test_videos"]), seed=common["seed"], dry_run=common["dry_run"], **values)

    run = _guarded(action, src)
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


def _conversion_params(with_formats: bool) -> list[inspect.Parameter]:
    params = [
        inspect.Parameter("src", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                          annotation=Annotated[Path, typer.Argument(help="Input file or folder.")]),
        inspect.Parameter("dst", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                          annotation=Annotated[Path, typer.Argument(help="Output file or folder.")]),
    ]
    if with_formats:
        params += [_param("from_", Annotated[Optional[ReadFmt], typer.Option("--from", help="Input format (guessed when omitted).")]),
                   _param("to", Annotated[WriteFmt, typer.Option("--to", help="Output format.")], ...)]
    return params + _common_params() + _format_params(("read", "write"))


def _register_convert() -> None:
    def handler(src: Path, dst: Path, from_: Any = None, to: Any = None, **kwargs: Any) -> None:
        _convert(src, dst, from_.value if from_ else None, to.value, kwargs)

    app.command("convert")(_command(handler, _conversion_params(True), (
        "Convert between any two formats.\n\nExample: xsvid-convert convert MOT17/train mot17.json --from mot --to cocovid")))


def _register_shortcuts() -> None:
    for name, spec in formats.FORMATS.items():
        for target, example in spec.shortcuts:
            defaults = spec.shortcut_defaults.get(target, {})

            def handler(src: Path, dst: Path, _source: str = name, _target: str = target,
                        _defaults: dict = defaults, **kwargs: Any) -> None:
                for key, value in _defaults.items():
                    kwargs[key] = kwargs.get(key) if kwargs.get(key) is not None else value
                _convert(src, dst, _source, _target, kwargs)

            doc = f"{name} -> {target}.\n\nExample: {example}"
            app.command(f"{name}-to-{target}")(_command(handler, _conversion_params(False), doc))


_register_convert()
_register_shortcuts()


# ------------------------------------------------------------------ inspection commands


def _read_params() -> list[inspect.Parameter]:
    return [
        inspect.Parameter("src", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                          annotation=Annotated[Path, typer.Argument(help="Input file or folder.")]),
        _param("fmt", Annotated[Optional[ReadFmt], typer.Option("--format", "--from", help="Its format (guessed when omitted).")]),
    ] + _format_params(("read",))


def _format_name(src: Path, fmt: Optional[str]) -> str:
    """The format the user named, or the one `src` looks like."""
    return fmt or formats.detect(src).name


def _print_json(value: object) -> None:
    import orjson

    sys.stdout.write(orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode() + "\n")


def _stats(src: Path, fmt: Any = None, json: bool = False, plot: Optional[Path] = None, **options: Any) -> None:
    from .tools import stats as stats_mod

    def action() -> dict:
        run = Run()
        dataset = api.read(src, _format_name(src, fmt.value if fmt else None), run=run, **_values(options))
        numbers = stats_mod.compute(dataset)
        if plot is not None:
            if plot.suffix.lower() != ".png":
                raise ConvertError(str(plot), "the plot is written as PNG: name a .png file")
            run.inputs.check(plot)
            with atomic_output(plot, is_dir=False, overwrite=True) as target:
                stats_mod.plot(dataset, target)
        return numbers

    numbers = _guarded(action, src)
    _print_json(numbers) if json else print(stats_mod.text(numbers))


def _validate(src: Path, fmt: Any = None, json: bool = False, **options: Any) -> None:
    from .tools import validate as validate_mod

    result = _guarded(lambda: validate_mod.validate(src, _format_name(src, fmt.value if fmt else None),
                                                    **_values(options)), src)
    _print_json(result.as_dict()) if json else print(result.text())
    raise typer.Exit(0 if result.ok else 1)


def _preview(src: Path, out: Path, fmt: Any = None, video: Optional[str] = None, frames: Optional[str] = None,
             overwrite: bool = False, **options: Any) -> None:
    from .tools import preview as preview_mod

    run = Run()

    def action() -> None:
        dataset = api.read(src, _format_name(src, fmt.value if fmt else None), run=run, **_values(options))
        chosen = preview_mod.select(dataset, video, preview_mod.parse_frames(frames))
        run.inputs.check(out)
        with atomic_output(out, is_dir=True, overwrite=overwrite) as target:
            preview_mod.draw(dataset, chosen, target, run)

    _guarded(action, src)
    print(f"{src} -> {out}: {run.summary()}; contact sheet {out / 'contact_sheet.png'}", file=sys.stderr)
    for note in run.notes:
        print(f"note: {note}", file=sys.stderr)


def _roundtrip(src: Path, fmt: Any = None, via: Any = None, **options: Any) -> None:
    from .tools import roundtrip as roundtrip_mod

    def action() -> Any:
        source = _format_name(src, fmt.value if fmt else None)
        with tempfile.TemporaryDirectory() as tmp:
            return roundtrip_mod.check(src, source, via.value if via else source, Path(tmp), **_values(options))

    result = _guarded(action, src)
    print(result.text())
    raise typer.Exit(0 if result.ok else 1)


JSON = _param("json", Annotated[bool, typer.Option("--json", help="One JSON object instead of the text report.")], False)
app.command("stats")(_command(_stats, _read_params() + [JSON, _param(
    "plot", Annotated[Optional[Path], typer.Option("--plot", help="Draw the box-size histogram to this PNG.")])], (
    "Frames, videos, boxes per category, ignored boxes, tracks, and box sizes in XS-VID's buckets "
    "(es < 12², rs 12²-20², gs 20²-32², medium 32²-96², large; by w*h of non-ignored boxes).\n\n"
    "Example: xsvid-convert stats XS-VID/annotations/train.json --format coco --json")))
app.command("validate")(_command(_validate, _read_params() + [JSON], (
    "Schema and consistency checks: unknown or duplicate ids, bad records, boxes outside the image, frame gaps "
    "inside a video, tracks in two videos, categories without boxes.\n\nExit 0 when clean, 1 when problems are "
    "found, 2 when the input cannot be read.\nExample: xsvid-convert validate train_cocoformat.json --format cocovid")))
app.command("preview")(_command(_preview, _read_params()[:1] + [
    _param("out", Annotated[Path, typer.Option("--out", help="Folder for the drawn frames and contact_sheet.png.")], ...),
] + _read_params()[1:] + [
    _param("video", Annotated[Optional[str], typer.Option("--video", help="Video name (default: the first video).")]),
    _param("frames", Annotated[Optional[str], typer.Option("--frames", help="Frame indices START:STOP of the video (default 0:9).")]),
    _param("overwrite", Annotated[bool, typer.Option("--overwrite", help="Replace an existing output.")], False),
], (
    "Draw the boxes on the real frames (one colour per category, track id beside the box) as PNG files, plus one "
    "contact sheet. A frame whose image is missing is drawn on grey.\n\n"
    "Example: xsvid-convert preview XS-VID/annotations/test.json --format coco --out preview/ --video 0001 --frames 0:9")))
app.command("roundtrip")(_command(_roundtrip, _read_params() + [
    _param("via", Annotated[Optional[WriteFmt], typer.Option("--via", help="Go through this format and back (default: the same format).")]),
] + [p for p in _format_params(("write",)) if p.name not in {q.name for q in _format_params(("read",))}], (
    "Prove A -> A is identical, or say exactly what A -> B -> A loses.\n\n"
    "Exit 0 when nothing is lost beyond what the loss matrix says, 1 otherwise.\n"
    "Example: xsvid-convert roundtrip MOT17/train --from mot --via cocovid")))



def _evaluate(gt: Path, pred: Path, fmt: Any = None, json: bool = False, plot: Optional[Path] = None,
              min_score: Optional[float] = None, lenient: bool = False, **options: Any) -> None:
    from .tools import evaluate as evaluate_mod

    def action() -> dict:
        report = evaluate_mod.evaluate(gt, pred, fmt.value if fmt else None, min_score=min_score,
                                       run=Run(lenient=lenient), **_values(options))
        if plot is not None:
            with atomic_output(plot, is_dir=False, overwrite=True) as target:
                evaluate_mod.plot(report, target)
        return report

    report = _guarded(action)
    _print_json(report) if json else print(evaluate_mod.text(report))


app.command("evaluate")(_command(_evaluate, [
    inspect.Parameter("gt", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                      annotation=Annotated[Path, typer.Argument(help="Ground truth.")]),
    inspect.Parameter("pred", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                      annotation=Annotated[Path, typer.Argument(help="Predictions (results).")]),
    _param("fmt", Annotated[Optional[ReadFmt], typer.Option("--from", help="The predictions' format (guessed when omitted).")]),
    JSON, _param("plot", Annotated[Optional[Path], typer.Option("--plot", help="Draw AP per size bucket to this PNG.")]),
    _param("min_score", Annotated[Optional[float], typer.Option("--min-score", help="Tracking: drop predictions scored below (score_mot's botsort-tau03 is 0.3).")]),
    _param("lenient", Annotated[bool, typer.Option("--lenient", help="Skip bad prediction rows with a warning each (TAO: a track takes its first category).")], False),
] + [p for p in _format_params(("read",)) if p.name != "gt"], (
    "XS-VID's detection metrics (COCO AP, AP50, AP75, AP_es/rs/gs, AP_small/medium/large) and, when the predictions "
    "have track ids, its MOTChallenge metrics (MOTA, IDF1, ...).\n\n"
    "Example: xsvid-convert evaluate XS-VID/annotations/test.json predictions.json --from coco-results --json")))

@app.command("formats")
def list_formats(json: Annotated[bool, typer.Option("--json", help="The registry as JSON.")] = False) -> None:
    """List every format, what it reads and writes, and what it cannot carry.

    Example: xsvid-convert formats --json
    """
    from .tools.describe import describe, text

    _print_json(describe()) if json else print(text())


@app.callback()
def _main(debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False) -> None:
    import warnings

    import numpy as np

    _state["debug"] = debug
    # One line, always: numbers that overflow are checked where they matter, and a library's
    # warning (numpy, Pillow, pandas) is not a message for the user.
    np.seterr(all="ignore")
    warnings.simplefilter("ignore")


def _terminate(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # unwinds through every `finally`: temporary output removed, workers stopped


def main() -> None:
    signal.signal(signal.SIGTERM, _terminate)
    app(prog_name="xsvid-convert")


if __name__ == "__main__":
    main()
