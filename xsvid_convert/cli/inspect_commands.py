"""stats, validate, preview, roundtrip, evaluate and formats: commands that read a dataset and
report on it."""

import inspect
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from .. import api, formats
from ..errors import ConvertError
from ..files.atomic import atomic_output
from ..run import Run
from .app import app
from .params import ReadFmt, WriteFmt, command, format_params, guarded, option_values, param


def _read_params() -> list[inspect.Parameter]:
    return [
        inspect.Parameter("src", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                          annotation=Annotated[Path, typer.Argument(help="Input file or folder.")]),
        param("fmt", Annotated[Optional[ReadFmt], typer.Option("--format", "--from", help="Its format (guessed when omitted).")]),
    ] + format_params(("read",))


def _format_name(src: Path, fmt: Optional[str]) -> str:
    """The format the user named, or the one `src` looks like."""
    return fmt or formats.detect(src).name


def write_plot(path: Path, draw: Any, run: Run) -> None:
    """A PNG, written atomically, never over or into an input."""
    if path.suffix.lower() != ".png":
        raise ConvertError(str(path), "the plot is written as PNG: name a .png file")
    run.inputs.check(path)
    with atomic_output(path, is_dir=False, overwrite=True) as target:
        draw(target)


def _print_json(value: object) -> None:
    import orjson

    sys.stdout.write(orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode() + "\n")


def _stats(src: Path, fmt: Any = None, json: bool = False, plot: Optional[Path] = None, **options: Any) -> None:
    from ..tools import stats as stats_mod

    def action() -> dict:
        run = Run()
        dataset = api.read(src, _format_name(src, fmt.value if fmt else None), run=run, **option_values(options))
        numbers = stats_mod.compute(dataset)
        if plot is not None:
            write_plot(plot, lambda target: stats_mod.plot(dataset, target), run)
        return numbers

    numbers = guarded(action, src)
    _print_json(numbers) if json else print(stats_mod.text(numbers))


def _validate(src: Path, fmt: Any = None, json: bool = False, **options: Any) -> None:
    from ..tools import validate as validate_mod

    result = guarded(lambda: validate_mod.validate(src, _format_name(src, fmt.value if fmt else None),
                                                    **option_values(options)), src)
    _print_json(result.as_dict()) if json else print(result.text())
    raise typer.Exit(0 if result.ok else 1)


def _preview(src: Path, out: Path, fmt: Any = None, video: Optional[str] = None, frames: Optional[str] = None,
             overwrite: bool = False, **options: Any) -> None:
    from ..tools import preview as preview_mod

    run = Run()

    def action() -> None:
        dataset = api.read(src, _format_name(src, fmt.value if fmt else None), run=run, **option_values(options))
        chosen = preview_mod.select(dataset, video, preview_mod.parse_frames(frames))
        run.inputs.check(out)
        with atomic_output(out, is_dir=True, overwrite=overwrite) as target:
            preview_mod.draw(dataset, chosen, target, run)

    guarded(action, src)
    print(f"{src} -> {out}: {run.summary()}; contact sheet {out / 'contact_sheet.png'}", file=sys.stderr)
    for note in run.notes:
        print(f"note: {note}", file=sys.stderr)


def _roundtrip(src: Path, fmt: Any = None, via: Any = None, **options: Any) -> None:
    from ..tools import roundtrip as roundtrip_mod

    def action() -> Any:
        source = _format_name(src, fmt.value if fmt else None)
        with tempfile.TemporaryDirectory() as tmp:
            return roundtrip_mod.check(src, source, via.value if via else source, Path(tmp), **option_values(options))

    result = guarded(action, src)
    print(result.text())
    raise typer.Exit(0 if result.ok else 1)


JSON = param("json", Annotated[bool, typer.Option("--json", help="One JSON object instead of the text report.")], False)
app.command("stats")(command(_stats, _read_params() + [JSON, param(
    "plot", Annotated[Optional[Path], typer.Option("--plot", help="Draw the box-size histogram to this PNG.")])], (
    "Frames, videos, boxes per category, ignored boxes, tracks, and box sizes in XS-VID's buckets "
    "(es < 12², rs 12²-20², gs 20²-32², medium 32²-96², large; by w*h of non-ignored boxes).\n\n"
    "Example: xsvid-convert stats XS-VID/annotations/train.json --format coco --json")))
app.command("validate")(command(_validate, _read_params() + [JSON], (
    "Schema and consistency checks: unknown or duplicate ids, bad records, boxes outside the image, frame gaps "
    "inside a video, tracks in two videos, categories without boxes.\n\nExit 0 when clean, 1 when problems are "
    "found, 2 when the input cannot be read.\nExample: xsvid-convert validate train_cocoformat.json --format cocovid")))
app.command("preview")(command(_preview, _read_params()[:1] + [
    param("out", Annotated[Path, typer.Option("--out", help="Folder for the drawn frames and contact_sheet.png.")], ...),
] + _read_params()[1:] + [
    param("video", Annotated[Optional[str], typer.Option("--video", help="Video name (default: the first video).")]),
    param("frames", Annotated[Optional[str], typer.Option("--frames", help="Frame indices START:STOP of the video (default 0:9).")]),
    param("overwrite", Annotated[bool, typer.Option("--overwrite", help="Replace an existing output.")], False),
], (
    "Draw the boxes on the real frames (one colour per category, track id beside the box) as PNG files, plus one "
    "contact sheet. A frame whose image is missing is drawn on grey.\n\n"
    "Example: xsvid-convert preview XS-VID/annotations/test.json --format coco --out preview/ --video 0001 --frames 0:9")))
app.command("roundtrip")(command(_roundtrip, _read_params() + [
    param("via", Annotated[Optional[WriteFmt], typer.Option("--via", help="Go through this format and back (default: the same format).")]),
] + [p for p in format_params(("write",)) if p.name not in {q.name for q in format_params(("read",))}], (
    "Prove A -> A is identical, or say exactly what A -> B -> A loses.\n\n"
    "Exit 0 when nothing is lost beyond what the loss matrix says, 1 otherwise.\n"
    "Example: xsvid-convert roundtrip MOT17/train --from mot --via cocovid")))



def _evaluate(gt: Path, pred: Path, fmt: Any = None, json: bool = False, plot: Optional[Path] = None,
              min_score: Optional[float] = None, lenient: bool = False, **options: Any) -> None:
    from ..tools import evaluate as evaluate_mod

    def action() -> dict:
        run = Run(lenient=lenient)
        report = evaluate_mod.evaluate(gt, pred, fmt.value if fmt else None, min_score=min_score, run=run,
                                       **option_values(options))
        if plot is not None:
            run.inputs.add(gt)
            run.inputs.add(pred)
            write_plot(plot, lambda target: evaluate_mod.plot(report, target), run)
        return report

    report = guarded(action)
    _print_json(report) if json else print(evaluate_mod.text(report))


app.command("evaluate")(command(_evaluate, [
    inspect.Parameter("gt", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                      annotation=Annotated[Path, typer.Argument(help="Ground truth.")]),
    inspect.Parameter("pred", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                      annotation=Annotated[Path, typer.Argument(help="Predictions (results).")]),
    param("fmt", Annotated[Optional[ReadFmt], typer.Option("--from", help="The predictions' format (guessed when omitted).")]),
    JSON, param("plot", Annotated[Optional[Path], typer.Option("--plot", help="Draw AP per size bucket to this PNG.")]),
    param("min_score", Annotated[Optional[float], typer.Option("--min-score", help="Tracking: drop predictions scored below (score_mot's botsort-tau03 is 0.3).")]),
    param("lenient", Annotated[bool, typer.Option("--lenient", help="Skip bad prediction rows with a warning each (TAO: a track takes its first category).")], False),
] + [p for p in format_params(("read",)) if p.name != "gt"], (
    "XS-VID's detection metrics (COCO AP, AP50, AP75, AP_es/rs/gs, AP_small/medium/large) and, when the predictions "
    "have track ids, its MOTChallenge metrics (MOTA, IDF1, ...).\n\n"
    "Example: xsvid-convert evaluate XS-VID/annotations/test.json predictions.json --from coco-results --json")))

@app.command("formats")
def list_formats(json: Annotated[bool, typer.Option("--json", help="The registry as JSON.")] = False) -> None:
    """List every format, what it reads and writes, and what it cannot carry.

    Example: xsvid-convert formats --json
    """
    from ..tools.describe import describe, text

    _print_json(describe()) if json else print(text())
