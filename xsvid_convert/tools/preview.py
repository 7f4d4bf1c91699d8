"""Boxes drawn on the real frames, to see that a conversion is right."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import ConvertError
from ..formats.sequences import folder_name
from ..model import NO_TRACK, Dataset, Frame
from ..run import Run

# Distinct, readable on aerial imagery; category k gets PALETTE[k % len].
PALETTE = [(230, 25, 75), (60, 180, 75), (255, 225, 25), (0, 130, 200), (245, 130, 48), (145, 30, 180),
           (70, 240, 240), (240, 50, 230), (210, 245, 60), (250, 190, 212), (0, 128, 128), (170, 110, 40)]
IGNORED_COLOR = (128, 128, 128)
MISSING_CANVAS = (96, 96, 96)
FALLBACK_SIZE = (640, 480)
MAX_PIXELS = 64_000_000
"""A frame (real, or a canvas of the size the annotations claim) larger than this is refused:
8K video is 33 MP, and a lying size must not allocate gigabytes."""
THUMB = 480


def parse_frames(text: str | None) -> slice:
    """`0:10` (frame indices 0..9 of the video), `5` (just 5), `:20`, `10:`."""
    if not text:
        return slice(0, 9)
    try:
        if ":" not in text:
            k = int(text)
            return slice(k, k + 1)
        start, _, stop = text.partition(":")
        return slice(int(start) if start else 0, int(stop) if stop else None)
    except ValueError:
        raise ConvertError("--frames", f"expected START:STOP such as 0:10, found {text!r}") from None


def select(dataset: Dataset, video: str | None, frames: slice) -> list[int]:
    """Positions in `dataset.frames` of the frames to draw, in frame order."""
    if video is not None:
        match = [v for v in dataset.videos if v.name == video]
        if not match:
            names = ", ".join(v.name for v in dataset.videos[:10])
            raise ConvertError("--video", f"no video named {video!r} (videos: {names}{' ...' if len(dataset.videos) > 10 else ''})")
        video_id: int | None = match[0].id
    else:
        video_id = dataset.videos[0].id if dataset.videos else None
    chosen = [k for k, f in enumerate(dataset.frames) if video_id is None or f.video_id == video_id]
    chosen.sort(key=lambda k: (dataset.frames[k].frame_index if dataset.frames[k].frame_index is not None else k))
    picked = chosen[frames]
    if not picked:
        raise ConvertError("--frames", f"selects no frame (the video has {len(chosen)})")
    return picked


def draw(dataset: Dataset, positions: list[int], target: Path, run: Run) -> list[Path]:
    """One PNG per frame under `target/<video>/`, and `target/contact_sheet.png`."""
    from PIL import ImageDraw

    colors = {c.id: PALETTE[k % len(PALETTE)] for k, c in enumerate(dataset.categories)}
    order, starts = dataset.boxes_by_frame()
    b = dataset.boxes
    videos = dataset.video_by_id()
    written = []
    for k in positions:
        frame = dataset.frames[k]
        image, missing = _open(dataset, frame)
        if missing:
            run.count("missing_images")
            run.note("frames whose image is missing are drawn on a grey canvas")
        canvas = ImageDraw.Draw(image)
        line = max(1, round(max(image.size) / 800))
        for i in order[starts[k]:starts[k + 1]].tolist():
            x0, y0 = float(b.x[i]), float(b.y[i])
            x1, y1 = x0 + float(b.w[i]), y0 + float(b.h[i])
            color = IGNORED_COLOR if b.ignore[i] else colors.get(int(b.category_id[i]), PALETTE[0])
            canvas.rectangle([round(x0), round(y0), max(round(x1), round(x0)), max(round(y1), round(y0))],
                             outline=color, width=line)
            if b.track_id[i] != NO_TRACK:
                canvas.text((round(x1) + 2, round(y0) - 2), str(int(b.track_id[i])), fill=color)
            run.count("boxes")
        if missing:
            canvas.text((8, 8), f"image missing: {frame.file_name}", fill=(255, 255, 255))
        video = videos.get(frame.video_id) if frame.video_id is not None else None
        folder = target / (folder_name(video.name, f"video {video.id}") if video else "frames")
        folder.mkdir(parents=True, exist_ok=True)
        index = frame.frame_index if frame.frame_index is not None else k
        path = folder / f"{index:07d}.png"
        image.save(path, format="PNG")
        written.append(path)
        run.count("frames")
    _contact_sheet(written, dataset, target / "contact_sheet.png", colors)
    return written


def _open(dataset: Dataset, frame: Frame) -> tuple[Any, bool]:
    from PIL import Image

    path = dataset.image_path(frame)
    if path is not None and path.is_file():
        try:
            with Image.open(path) as image:
                _check_pixels(image.size, str(path))
                return image.convert("RGB"), False
        except ConvertError:
            raise
        except Exception as exc:  # noqa: BLE001 -- Pillow raises many types for a broken file
            raise ConvertError(str(path), f"cannot read the image: {type(exc).__name__}") from None
    size = (frame.width, frame.height) if frame.width and frame.height else FALLBACK_SIZE
    _check_pixels(size, frame.file_name)
    return Image.new("RGB", size, MISSING_CANVAS), True


def _check_pixels(size: tuple[int, int], where: str) -> None:
    if size[0] * size[1] > MAX_PIXELS:
        raise ConvertError(where, f"a {size[0]}x{size[1]} frame is more than the {MAX_PIXELS} pixels preview draws")


def _contact_sheet(paths: list[Path], dataset: Dataset, target: Path, colors: dict) -> None:
    """The drawn frames as 480 px thumbnails in a grid (small frames enlarged pixel for pixel,
    so that 10 px objects stay visible), with the category legend below."""
    from PIL import Image, ImageDraw

    thumbs = []
    for p in paths:
        with Image.open(p) as image:
            image = image.convert("RGB")
        scale = THUMB / max(image.size)
        size = (max(1, round(image.size[0] * scale)), max(1, round(image.size[1] * scale)))
        thumbs.append((p, image.resize(size, Image.NEAREST if scale > 1 else Image.LANCZOS)))
    columns = min(3, len(thumbs))
    rows = -(-len(thumbs) // columns)
    cell_w = max(t.size[0] for _, t in thumbs)
    cell_h = max(t.size[1] for _, t in thumbs) + 16
    width = columns * cell_w + (columns + 1) * 4
    per_line = max(1, (width - 4) // 160)
    entries = [(colors[c.id], f"{c.id} {c.name}"[:22]) for c in dataset.categories] + [(IGNORED_COLOR, "ignored box")]
    legend = 18 * (-(-len(entries) // per_line)) + 8
    sheet = Image.new("RGB", (width, rows * cell_h + (rows + 1) * 4 + legend), "white")
    draw = ImageDraw.Draw(sheet)
    for n, (p, thumb) in enumerate(thumbs):
        x = 4 + (n % columns) * (cell_w + 4)
        y = 4 + (n // columns) * (cell_h + 4)
        sheet.paste(thumb, (x, y))
        draw.text((x, y + thumb.size[1] + 2), f"{p.parent.name}/{p.name}", fill="black")
    top = rows * cell_h + (rows + 1) * 4 + 4
    for n, (color, label) in enumerate(entries):
        x = 4 + (n % per_line) * 160
        y = top + 18 * (n // per_line)
        draw.rectangle([x, y, x + 10, y + 10], fill=color)
        draw.text((x + 14, y), label, fill="black")
    sheet.save(target, format="PNG")
