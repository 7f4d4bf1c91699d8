"""The `xsvid-convert` command line, built from the format registry."""



import sys
import tempfile
import traceback
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import api, converters, roundtrip as roundtrip_mod
from .errors import ConvertError
from .io import atomic_output

app = typer.Typer(add_completion=True, no_args_is_help=True, rich_markup_mode=None, pretty_exceptions_enable=False,
                  help="Convert detection and tracking annotations between COCO, CocoVID, YOLO "
                       "(Ultralytics, YOLOFT), MOTChallenge and VisDrone-VID.")

Fmt = Enum("Fmt", {name: name for name in converters.FORMATS}, type=str)  # --from/--to choices


class Layout(str, Enum):
    ultralytics = "ultralytics"
    yoloft = "yoloft"


class ImagesMode(str, Enum):
    link = "link"
    hardlink = "hardlink"
    copy = "copy"
    none = "none"


class Ignored(str, Enum):
    drop = "drop"
    keep_class = "class"


class MotFile(str, Enum):
    gt = "gt"
    det = "det"


_state = {"debug": False}


def _fail(exc: BaseException) -> None:
    """One line on stderr and exit 2.  Anything but a ConvertError is our bug, not the input's:
    it still ends in one line (with its type), and `--debug` shows the traceback."""
    if _state["debug"]:
        traceback.print_exc()
    if isinstance(exc, ConvertError):
        text = str(exc)
    elif isinstance(exc, OSError) and exc.filename:
        text = f"{exc.filename}: {exc.strerror or exc}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    print(f"xsvid-convert: error: {text}", file=sys.stderr)
    raise typer.Exit(2)


def _size(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    try:
        w, h = (int(v) for v in text.lower().split("x"))
        if w > 0 and h > 0:
            return w, h
    except ValueError:
        pass
    raise ConvertError("--image-size", f"expected WIDTHxHEIGHT such as 1024x1024, found {text!r}")


def _run(src: Path, dst: Path, source: str | None, target: str, o: dict) -> None:
    """One conversion from the options every conversion command takes (`o`)."""
    try:
        split = o["split"]
        if split is None and target == "yolo" and src.suffix == ".json":
            split = src.stem.removeprefix("instances_")  # as Ultralytics names a COCO split
        report = api.convert(
            src, dst, source, target, category_map=o["category_map"], overwrite=o["overwrite"],
            images_root=o["images_root"], image_size=_size(o["image_size"]), layout=o["layout"].value,
            split=split, images=o["images"].value, ignored=o["ignored"].value, mot_file=o["mot_file"].value,
            progress=not o["quiet"], lenient=o["lenient"],
            split_by=o["split_by"].value if o["split_by"] else None, val_fraction=o["val_fraction"],
            val_videos=[v for v in (o["val_videos"] or "").split(",") if v] or None, seed=o["seed"],
            dry_run=o["dry_run"], workers=o["workers"],
        )
    except Exception as exc:  # noqa: BLE001 -- see _fail
        _fail(exc)
        return
    for warning in report.warnings:
        print(f"xsvid-convert: warning: skipped {warning}", file=sys.stderr)
    if o["dry_run"]:
        print(f"dry run: {src} -> {dst} would write {len(report.files)} files: {report.summary()}")
        for name in report.files[:DRY_RUN_PATHS]:
            print(f"  {dst / name if name != dst.name else dst}")
        if len(report.files) > DRY_RUN_PATHS:
            print(f"  ... and {len(report.files) - DRY_RUN_PATHS} more")
    else:
        print(f"{src} -> {dst}: {report.summary()}", file=sys.stderr)
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)


DRY_RUN_PATHS = 10


class SplitBy(str, Enum):
    video = "video"


# Options shared by every conversion command.
ImagesRoot = Annotated[Optional[Path], typer.Option("--images-root", help="Folder COCO file_names are relative to (default: the JSON's folder).")]
ImageSize = Annotated[Optional[str], typer.Option("--image-size", help="WxH for frames whose size no annotation or image header gives.")]
LayoutOpt = Annotated[Layout, typer.Option("--layout", help="YOLO output layout.")]
SplitOpt = Annotated[Optional[str], typer.Option("--split", help="Split name for frames that have none (YOLO output; default: COCO file stem without instances_).")]
ImagesOpt = Annotated[ImagesMode, typer.Option("--images", help="How to bring images into a written image folder.")]
IgnoredOpt = Annotated[Ignored, typer.Option("--ignored", help="YOLO has no ignore flag: drop ignored boxes or keep them as a class.")]
MotFileOpt = Annotated[MotFile, typer.Option("--mot-file", help="MOT: gt/gt.txt or det/det.txt.")]
CategoryMap = Annotated[Optional[str], typer.Option("--category-map", help="YAML map (rename/merge/drop) or a preset: visdrone-to-xsvid.")]
Overwrite = Annotated[bool, typer.Option("--overwrite", help="Replace an existing output.")]
Quiet = Annotated[bool, typer.Option("-q", "--quiet", help="No progress bar.")]
Lenient = Annotated[bool, typer.Option("--lenient", help="Skip bad rows, annotations and boxes with a warning each instead of stopping at the first.")]
SplitByOpt = Annotated[Optional[SplitBy], typer.Option("--split-by", help="Make train/val sets of whole videos.")]
ValFraction = Annotated[Optional[float], typer.Option("--val-fraction", help="Share of videos for val with --split-by video (default 0.2).")]
ValVideos = Annotated[Optional[str], typer.Option("--val-videos", help="Comma-separated names of the val videos (implies --split-by video).")]
Seed = Annotated[int, typer.Option("--seed", help="Seed of the video draw for --split-by video.")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Print what would be written (counts, first paths) and write nothing.")]
Workers = Annotated[int, typer.Option("--workers", min=1, help="Processes writing YOLO label files and images.")]


@app.callback()
def _main(debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False) -> None:
    _state["debug"] = debug


@app.command()
def convert(
    src: Annotated[Path, typer.Argument(help="Input: a .json file (coco, cocovid) or a folder.")],
    dst: Annotated[Path, typer.Argument(help="Output: a .json file (coco, cocovid) or a folder.")],
    from_: Annotated[Optional[Fmt], typer.Option("--from", help="Input format (guessed when omitted).")] = None,
    to: Annotated[Fmt, typer.Option("--to", help="Output format.")] = ...,
    images_root: ImagesRoot = None, image_size: ImageSize = None, layout: LayoutOpt = Layout.ultralytics,
    split: SplitOpt = None, images: ImagesOpt = ImagesMode.link, ignored: IgnoredOpt = Ignored.drop,
    mot_file: MotFileOpt = MotFile.gt, category_map: CategoryMap = None, overwrite: Overwrite = False,
    quiet: Quiet = False, lenient: Lenient = False, split_by: SplitByOpt = None, val_fraction: ValFraction = None,
    val_videos: ValVideos = None, seed: Seed = 0, dry_run: DryRun = False, workers: Workers = 1,
) -> None:
    """Convert between any two formats.

    Example: xsvid-convert convert MOT17/train mot17.json --from mot --to cocovid
    """
    options = dict(locals())
    _run(src, dst, from_.value if from_ else None, to.value, options)


def _shortcut(source: str, target: str, example: str, default_layout: Layout = Layout.ultralytics) -> None:
    def command(
        src: Annotated[Path, typer.Argument(help=f"Input ({source}).")],
        dst: Annotated[Path, typer.Argument(help=f"Output ({target}).")],
        images_root: ImagesRoot = None, image_size: ImageSize = None, layout: LayoutOpt = default_layout,
        split: SplitOpt = None, images: ImagesOpt = ImagesMode.link, ignored: IgnoredOpt = Ignored.drop,
        mot_file: MotFileOpt = MotFile.gt, category_map: CategoryMap = None, overwrite: Overwrite = False,
        quiet: Quiet = False, lenient: Lenient = False, split_by: SplitByOpt = None,
        val_fraction: ValFraction = None, val_videos: ValVideos = None, seed: Seed = 0, dry_run: DryRun = False,
        workers: Workers = 1,
    ) -> None:
        _run(src, dst, source, target, dict(locals()))

    command.__doc__ = f"{source} -> {target}.\n\nExample: {example}"
    app.command(f"{source}-to-{target}")(command)


_shortcut("coco", "yolo", "xsvid-convert coco-to-yolo annotations/train.json yolo/ --images-root images/ --layout yoloft")
_shortcut("yolo", "coco", "xsvid-convert yolo-to-coco yolo/data.yaml train.json")
_shortcut("visdrone", "coco", "xsvid-convert visdrone-to-coco VisDrone2019-VID-val/ val.json")
_shortcut("visdrone", "cocovid", "xsvid-convert visdrone-to-cocovid VisDrone2019-VID-val/ val_cocovid.json")
_shortcut("visdrone", "yolo", "xsvid-convert visdrone-to-yolo VisDrone2019-VID-val/ yoloft/ --ignored class",
          default_layout=Layout.yoloft)
_shortcut("mot", "cocovid", "xsvid-convert mot-to-cocovid MOT17/train train_cocoformat.json")
_shortcut("cocovid", "mot", "xsvid-convert cocovid-to-mot train_cocoformat.json MOT17-out/")


Source = Annotated[Path, typer.Argument(help="Input file or folder.")]
FormatOpt = Annotated[Optional[Fmt], typer.Option("--format", "--from", help="Its format (guessed when omitted).")]


def _format_name(src: Path, fmt: Optional[Fmt]) -> str:
    """The format the user named, or the one `src` looks like."""
    return fmt.value if fmt else converters.detect(src).name


def _read_for_inspection(src: Path, fmt: Optional[Fmt], images_root, image_size):
    return api.read(src, _format_name(src, fmt), images_root=images_root, image_size=_size(image_size))


def _print_json(value: object) -> None:
    import orjson

    sys.stdout.write(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode() + "\n")


@app.command()
def stats(
    src: Source, fmt: FormatOpt = None,
    json: Annotated[bool, typer.Option("--json", help="One JSON object instead of the report.")] = False,
    plot: Annotated[Optional[Path], typer.Option("--plot", help="Draw the box-size histogram to this PNG.")] = None,
    images_root: ImagesRoot = None, image_size: ImageSize = None,
) -> None:
    """Frames, videos, boxes per category, ignored boxes, tracks, and box sizes in XS-VID's buckets
    (es < 12², rs 12²-20², gs 20²-32², medium 32²-96², large; by w*h of non-ignored boxes).

    Example: xsvid-convert stats XS-VID/annotations/train.json --format coco --json
    """
    from . import stats as stats_mod

    try:
        dataset = _read_for_inspection(src, fmt, images_root, image_size)
        numbers = stats_mod.compute(dataset)
        if plot is not None:
            if plot.suffix.lower() != ".png":
                raise ConvertError(str(plot), "the plot is written as PNG: name a .png file")
            with atomic_output(plot, is_dir=False, overwrite=True) as target:
                stats_mod.plot(dataset, target)
    except Exception as exc:  # noqa: BLE001 -- see _fail
        _fail(exc)
        return
    if json:
        _print_json(numbers)
    else:
        print(stats_mod.text(numbers))


@app.command()
def validate(
    src: Source, fmt: FormatOpt = None,
    json: Annotated[bool, typer.Option("--json", help="The report as one JSON object.")] = False,
    images_root: ImagesRoot = None, image_size: ImageSize = None,
) -> None:
    """Schema and consistency checks: unknown or duplicate ids, bad records, boxes outside the
    image, frame gaps inside a video, tracks in two videos, categories without boxes.

    Exit 0 when clean, 1 when problems are found, 2 when the input cannot be read.
    Example: xsvid-convert validate train_cocoformat.json --format cocovid
    """
    from . import validate as validate_mod

    try:
        result = validate_mod.validate(src, _format_name(src, fmt), images_root=images_root, image_size=_size(image_size))
    except Exception as exc:  # noqa: BLE001 -- see _fail
        _fail(exc)
        return
    if json:
        _print_json(result.as_dict())
    else:
        print(result.text())
    raise typer.Exit(0 if result.ok else 1)


@app.command()
def preview(
    src: Source,
    out: Annotated[Path, typer.Option("--out", help="Folder for the drawn frames and contact_sheet.png.")],
    fmt: FormatOpt = None,
    video: Annotated[Optional[str], typer.Option("--video", help="Video name (default: the first video).")] = None,
    frames: Annotated[Optional[str], typer.Option("--frames", help="Frame indices START:STOP of the video (default 0:9).")] = None,
    images_root: ImagesRoot = None, image_size: ImageSize = None, overwrite: Overwrite = False,
) -> None:
    """Draw the boxes on the real frames (one colour per category, track id beside the box) as
    PNG files, plus one contact sheet. A frame whose image is missing is drawn on grey.

    Example: xsvid-convert preview XS-VID/annotations/test.json --format coco --out preview/ --video 0001 --frames 0:9
    """
    from . import preview as preview_mod
    from .options import Report

    try:
        dataset = _read_for_inspection(src, fmt, images_root, image_size)
        chosen = preview_mod.select(dataset, video, preview_mod.parse_frames(frames))
        report = Report()
        with atomic_output(out, is_dir=True, overwrite=overwrite) as target:
            preview_mod.draw(dataset, chosen, target, report)
    except Exception as exc:  # noqa: BLE001 -- see _fail
        _fail(exc)
        return
    print(f"{src} -> {out}: {report.summary()}; contact sheet {out / 'contact_sheet.png'}", file=sys.stderr)
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)


@app.command()
def formats() -> None:
    """List every format, what it reads and writes, and what it cannot carry.

    Example: xsvid-convert formats
    """
    for spec in converters.FORMATS.values():
        lost = [converters.FIELDS[f] for f in converters.FIELDS if f not in spec.carries]
        print(f"{spec.name:9} read+write  {spec.output:4}  {spec.summary}")
        print(f"{'':9} cannot carry: {', '.join(lost) or 'nothing'}" + (f"; {spec.lossy_note}" if spec.lossy_note else ""))
        print(f"{'':9} splits: {'train/val in one output' if spec.splits else 'one output per split (--split-by)'}")


@app.command()
def roundtrip(
    src: Annotated[Path, typer.Argument(help="Input file or folder.")],
    from_: Annotated[Optional[Fmt], typer.Option("--from", help="Its format (guessed when omitted).")] = None,
    via: Annotated[Optional[Fmt], typer.Option("--via", help="Go through this format and back (default: the same format).")] = None,
    images_root: ImagesRoot = None, image_size: ImageSize = None,
) -> None:
    """Prove A -> canonical -> A is identical, or say exactly what A -> B -> A loses.

    Exit 0 when nothing is lost beyond what the loss matrix says, 1 otherwise.
    Example: xsvid-convert roundtrip MOT17/train --from mot --via cocovid
    """
    try:
        source = _format_name(src, from_)
        with tempfile.TemporaryDirectory() as tmp:
            result = roundtrip_mod.check(src, source, via.value if via else source, Path(tmp),
                                         images_root=images_root, image_size=_size(image_size))
    except Exception as exc:  # noqa: BLE001 -- see _fail
        _fail(exc)
        return
    print(result.text())
    raise typer.Exit(0 if result.ok else 1)


def main() -> None:
    app(prog_name="xsvid-convert")


if __name__ == "__main__":
    main()
