"""The frame lists FGFA published and MEGA and mmtracking read: which frames train, which
snippets validate.

Both read FGFA's `VID_train_15frames.txt` (lines `<split>/<snippet> 1 <frame> <frame count>`) and
`VID_val_videos.txt`, from different folders and with a different frame column:

- mmtracking (`tools/convert_datasets/ilsvrc/imagenet2coco_vid.py`) reads `<root>/Lists/`, and
  takes `<frame> - 1` as the 0-based training frame.  The val file is FGFA's, one line per
  snippet: `<split>/<snippet> <1-based index of its first frame among all> 0 <frame count>`.
- MEGA (`mega_core/data/datasets/vid.py`, like FGFA) reads `<root>/ImageSets/` and takes
  `<frame>` itself as the 0-based frame (the devkit numbers frames from 0).  Its test loader
  treats each line as one frame to evaluate, so its val file lists every frame:
  `<split>/<snippet> <1-based index among all> <frame> <frame count>`.

So the same line `... 1 10 300` trains frame 9 for mmtracking and frame 10 for MEGA; a line with
frame 0 names no frame for mmtracking (-1; FGFA's file has 144 such lines).  We read a list in
the convention of the folder it is in (or the one `--imagesets` names) and mark each frame with
`is_vid_train_frame`, as mmtracking's CocoVID files do; writing, the frame column is computed so
that the chosen reader picks exactly the marked frames.  mmtracking's "frame 0" lines are kept
as a hint so that such a file is written back as it was.  Without a train list, every frame of
the train split is a training frame (mmtracking's CocoVID needs the key on every image, and False
on every val image).  The val list is not read into the model: every val snippet is written to
it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...errors import shown
from ...files.text import TextStyle, read_text, write_text
from ...run import Run

TRAIN_KEY = "is_vid_train_frame"
TRAIN_LIST, VAL_LIST = "VID_train_15frames.txt", "VID_val_videos.txt"
FOLDERS = {"mmtracking": "Lists", "mega": "ImageSets"}
CONVENTIONS = tuple(FOLDERS) + ("none",)
TRAIN_SPLIT, VAL_SPLIT = "train", "val"


def convention_of(root: Path, chosen: str | None) -> str | None:
    """The convention to read: the one chosen, else the folder that has a list (Lists/ first)."""
    if chosen is not None:
        return None if chosen == "none" else chosen
    for convention, folder in FOLDERS.items():
        if any((root / folder / name).is_file() for name in (TRAIN_LIST, VAL_LIST)):
            return convention
    return None


def list_files(root: Path, chosen: str | None) -> dict[str, Path]:
    convention = convention_of(root, chosen)
    if convention is None:
        return {}
    folder = FOLDERS[convention]
    return {f"{folder}/{name}": root / folder / name for name in (TRAIN_LIST, VAL_LIST)
            if (root / folder / name).is_file()}


def read_lists(root: Path, chosen: str | None, snippets: list, run: Run) -> tuple[set[int] | None, dict[str, Any]]:
    """(positions of the frames the train list marks, or None when no list was read; the hints
    the writer needs to write the lists back as they were)."""
    convention = convention_of(root, chosen)
    folder = root / FOLDERS[convention] if convention else root
    if convention is None or not any((folder / name).is_file() for name in (TRAIN_LIST, VAL_LIST)):
        return None, {"imagesets": None}
    hints: dict[str, Any] = {"imagesets": convention}
    by_path = {f"{s.split}/{s.name}": s for s in snippets}
    train: set[int] = set()
    zero: list[str] = []
    ignored = 0
    for name, key in ((TRAIN_LIST, "train"), (VAL_LIST, "val")):
        path = folder / name
        if not path.is_file():
            continue
        text = read_text(path)
        hints[key] = text.style
        for number, line in enumerate(text.lines, 1):
            row = _row(path, number, line, by_path, run)
            if row is None:
                continue
            snippet, frame = row
            if snippet is None:
                ignored += 1
                continue
            if key == "val":
                hints["val_rows"] = "frames" if frame != 0 or hints.get("val_rows") == "frames" else "videos"
                _check_frame(snippet, frame, path, number, run, allow_any=frame == 0)
            elif convention == "mmtracking" and frame == 0:
                zero.append(f"{snippet.split}/{snippet.name}")  # mmtracking: frame -1, marks nothing
            else:
                index = frame - 1 if convention == "mmtracking" else frame
                if _check_frame(snippet, index, path, number, run):
                    train.add(snippet.frames[index])
    hints["zero"] = zero
    hints.setdefault("val_rows", None)
    if ignored:
        run.count("list_lines_ignored", ignored)
        run.note(f"{ignored} lines of the {FOLDERS[convention]}/ lists name snippets that are not in Annotations/VID: "
                 "not read, not written back")
    return (train if "train" in hints else None), hints


def _row(path: Path, number: int, line: str, by_path: dict, run: Run) -> tuple[Any, int] | None:
    """(snippet, frame column) of a list line, the snippet None if the dataset has no such
    snippet; None for a bad line (a problem)."""
    parts = line.split()
    where = f"{path}:{number}"
    if len(parts) != 4 or not all(p.isascii() and p.isdigit() and len(p) < 12 for p in parts[1:]):
        run.problem(where, f"expected `<snippet> <number> <frame> <frame count>`, found {shown(line)}")
        return None
    snippet = by_path.get(parts[0])
    if snippet is None:
        return None, 0
    count = int(parts[3])
    if count != snippet.length:
        run.problem(where, f"says {shown(parts[0])} has {count} frames; Annotations/VID has {snippet.length}")
        return None
    return snippet, int(parts[2])


def _check_frame(snippet: Any, index: int, path: Path, number: int, run: Run, allow_any: bool = False) -> bool:
    if index in snippet.frames or allow_any:
        return True
    run.problem(f"{path}:{number}", f"frame {index} (0-based) is not among the {snippet.length} frames of "
                                    f"{snippet.split}/{snippet.name}")
    return False


def write_lists(target: Path, videos: list[tuple[str, str, int, list[tuple[int, bool]]]], convention: str,
                hints: dict[str, Any], inherited: bool) -> None:
    """`videos`: (split, name, frame count, [(frame index, trains)] in index order) as written.
    `inherited`: the lists are those the source had (only those are written, in its style)."""
    folder = target / FOLDERS[convention]
    same = hints.get("imagesets") == convention
    zero = set(hints.get("zero", ())) if same and convention == "mmtracking" else set()
    train = [v for v in videos if v[0] == TRAIN_SPLIT]
    val = [v for v in videos if v[0] == VAL_SPLIT]
    if train and (not inherited or "train" in hints):
        lines = []
        for split, name, count, frames in train:
            path = f"{split}/{name}"
            if path in zero:
                lines.append(f"{path} 1 0 {count}")
            shift = 1 if convention == "mmtracking" else 0
            lines += [f"{path} 1 {index + shift} {count}" for index, trains in frames if trains]
        folder.mkdir(parents=True, exist_ok=True)
        write_text(folder / TRAIN_LIST, lines, hints.get("train") if same else TextStyle())
    if val and (not inherited or "val" in hints):
        rows = (hints.get("val_rows") if same else None) or ("videos" if convention == "mmtracking" else "frames")
        lines, first = [], 1
        for split, name, count, frames in val:
            if rows == "videos":
                lines.append(f"{split}/{name} {first} 0 {count}")
                first += count
            else:
                for index, _ in frames:
                    lines.append(f"{split}/{name} {first} {index} {count}")
                    first += 1
        folder.mkdir(parents=True, exist_ok=True)
        write_text(folder / VAL_LIST, lines, hints.get("val") if same else TextStyle())
