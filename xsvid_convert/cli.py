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
    if _state["debug"]:
        traceback.print_exc()
    if isinstance(exc, ConvertError):
        text = str(exc)
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


def _run(src: Path, dst: Path, source: str | None, target: str, *, images_root, image_size, layout,
         split, images, ignored, mot_file, category_map, overwrite, quiet, lenient) -> None:
    try:
        if split is None and target == "yolo" and src.suffix == ".json":
            split = src.stem.removeprefix("instances_")  # as Ultralytics names a COCO split
        report = api.convert(
            src, dst, source, target, category_map=category_map, overwrite=overwrite,
            images_root=images_root, image_size=_size(image_size), layout=layout.value,
            split=split, images=images.value, ignored=ignored.value, mot_file=mot_file.value,
            progress=not quiet, lenient=lenient,
        )
    except (ConvertError, OSError, ValueError, KeyError, TypeError) as exc:
        _fail(exc)
        return
    for warning in report.warnings:
        print(f"xsvid-convert: warning: skipped {warning}", file=sys.stderr)
    print(f"{src} -> {dst}: {report.summary()}", file=sys.stderr)
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)


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
    quiet: Quiet = False, lenient: Lenient = False,
) -> None:
    """Convert between any two formats.

    Example: xsvid-convert convert MOT17/train mot17.json --from mot --to cocovid
    """
    _run(src, dst, from_.value if from_ else None, to.value, images_root=images_root, image_size=image_size,
         layout=layout, split=split, images=images, ignored=ignored, mot_file=mot_file,
         category_map=category_map, overwrite=overwrite, quiet=quiet, lenient=lenient)


def _shortcut(source: str, target: str, example: str, default_layout: Layout = Layout.ultralytics) -> None:
    def command(
        src: Annotated[Path, typer.Argument(help=f"Input ({source}).")],
        dst: Annotated[Path, typer.Argument(help=f"Output ({target}).")],
        images_root: ImagesRoot = None, image_size: ImageSize = None, layout: LayoutOpt = default_layout,
        split: SplitOpt = None, images: ImagesOpt = ImagesMode.link, ignored: IgnoredOpt = Ignored.drop,
        mot_file: MotFileOpt = MotFile.gt, category_map: CategoryMap = None, overwrite: Overwrite = False,
        quiet: Quiet = False, lenient: Lenient = False,
    ) -> None:
        _run(src, dst, source, target, images_root=images_root, image_size=image_size, layout=layout,
             split=split, images=images, ignored=ignored, mot_file=mot_file, category_map=category_map,
             overwrite=overwrite, quiet=quiet, lenient=lenient)

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


@app.command()
def formats() -> None:
    """List every format, what it reads and writes, and what it cannot carry.

    Example: xsvid-convert formats
    """
    for spec in converters.FORMATS.values():
        lost = [converters.FIELDS[f] for f in converters.FIELDS if f not in spec.carries]
        print(f"{spec.name:9} read+write  {spec.output:4}  {spec.summary}")
        print(f"{'':9} cannot carry: {', '.join(lost) or 'nothing'}" + (f"; {spec.lossy_note}" if spec.lossy_note else ""))


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
        source = from_.value if from_ else converters.detect(src).name
        with tempfile.TemporaryDirectory() as tmp:
            result = roundtrip_mod.check(src, source, via.value if via else source, Path(tmp),
                                         images_root=images_root, image_size=_size(image_size))
    except (ConvertError, OSError, ValueError) as exc:
        _fail(exc)
        return
    print(result.text())
    raise typer.Exit(0 if result.ok else 1)


def main() -> None:
    app(prog_name="xsvid-convert")


if __name__ == "__main__":
    main()
