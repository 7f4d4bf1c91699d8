"""MOTChallenge results: one `<sequence>.txt` per video, rows `frame,id,x,y,w,h,score,-1,-1,-1`,
frame = frame index + 1, id -1 for a detection without a track.

Written as XS-VID's `score_mot.py` writes what motmetrics reads: `%d,%d,%.2f,%.2f,%.2f,%.2f,%.2f,-1,-1,-1`,
sorted by (frame, id), predictions of the ignore category dropped, a repeated (frame, id) refused;
one file per video of the dataset, empty when it has no predictions.  `--benchmark NAME` writes
TrackEval's trackers layout `<NAME>-<SPLIT>/<tracker>/data/<seq>.txt` (`--tracker`, split as the
`mot` ground truth writer names it), so that TrackEval scores it against that writer's
`--benchmark` output.  Read: a folder of `<seq>.txt` (or a TrackEval tracker folder); the file name
is the ground truth's video name; MOT rows carry no class, so every row gets `--category` (else
none: class-aware outputs then refuse).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain, repeat
from pathlib import Path

import numpy as np

from ...errors import ConvertError
from ...files.paths import safe_name
from ...files.text import read_lines, write_text
from ...model import NO_TRACK, BoxTable, Dataset
from ...run import Run
from ..base import Benchmark, Format, option
from ..mot.write import DEFAULT_SPLIT
from .common import SKIP_NOTE, GroundTruth, ground_truth, ignore_category_ids, prediction_rules, \
    results_dataset, scores, written_rows
from .per_sequence import no_repeated_ids, read_sequences, sequences_to_write, text_files

NAME = "mot-results"
ROW = "%d,%d,%.2f,%.2f,%.2f,%.2f,%.2f,-1,-1,-1"
NO_CLASS = -1


@dataclass
class MotResultsOptions(GroundTruth, Benchmark):
    category: int | None = option(None, "Ground-truth category id of every row of MOT results (they carry no "
                                        "class).", when="read", parse=lambda text: _category_id(text), metavar="ID")
    tracker: str = option("xsvid-convert", "Tracker folder name with --benchmark.", when="write", metavar="NAME")


def _category_id(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ConvertError("--category", f"expected a category id, found {text!r}") from None


def read(path: Path, options: MotResultsOptions, run: Run) -> Dataset:
    gt = ground_truth(options, run)
    files = text_files(_data_folder(path))
    rows = read_sequences(files, gt, (7, 10), "MOT results", run)
    v = rows.values
    category = np.full(len(v), NO_CLASS if options.category is None else options.category, np.int64)
    track = v[:, 1].astype(np.int64)
    track[track < 0] = NO_TRACK
    rules = prediction_rules(gt, None if options.category is None else category, v[:, 2], v[:, 3], v[:, 4],
                             v[:, 5], v[:, 6])
    keep = ~run.reject_rules(rules, len(v), rows.where)
    keep &= no_repeated_ids(np.where(keep, track, NO_TRACK), rows.frame_id, run, rows.where)
    boxes = BoxTable(id=np.zeros(len(v), np.int64), frame_id=rows.frame_id, category_id=category, x=v[:, 2],
                     y=v[:, 3], w=v[:, 4], h=v[:, 5], score=v[:, 6], track_id=track)
    return results_dataset(gt, boxes if keep.all() else boxes.take(keep), NAME)


def _data_folder(path: Path) -> Path:
    """The folder of sequence files: `path`, its `data/` (a TrackEval tracker), or the one
    `<BENCH>-<SPLIT>/<tracker>/data/` under it."""
    if not path.is_dir() or any(path.glob("*.txt")):
        return path
    if (path / "data").is_dir():
        return path / "data"
    found = sorted(p for p in path.glob("*/*/data") if p.is_dir())
    if len(found) > 1:
        raise ConvertError(str(path), f"several trackers here ({', '.join(str(p.parent) for p in found[:3])}): "
                                      "name one tracker folder")
    return found[0] if found else path


def write(dataset: Dataset, target: Path, options: MotResultsOptions, run: Run) -> None:
    dropped = ignore_category_ids(dataset)
    rows = written_rows(dataset, run)
    skip = np.isin(dataset.boxes.category_id[rows], dropped)
    if skip.any():
        run.count("ignored_dropped", int(skip.sum()))
        run.count("boxes", -int(skip.sum()))
        run.note(SKIP_NOTE.format(names=", ".join(c.name for c in dataset.categories if c.id in dropped)))
        rows = rows[~skip]
    b = dataset.boxes
    score = np.full(len(b), np.nan)
    score[rows] = scores(dataset, rows)
    for seq in sequences_to_write(dataset, rows, run):
        folder = target
        if options.benchmark:
            split = safe_name(seq.split or DEFAULT_SPLIT, "split")
            folder = target / f"{safe_name(options.benchmark, '--benchmark')}-{split}" / safe_name(
                options.tracker, "--tracker") / "data"
        folder.mkdir(parents=True, exist_ok=True)
        r, frame = seq.rows, seq.frame_number
        track = np.where(b.track_id[r] == NO_TRACK, -1, b.track_id[r])
        repeated = ~no_repeated_ids(track, frame, Run(), lambda i: "") if len(r) else np.zeros(0, bool)
        order = np.lexsort((track, frame))
        if repeated.any():
            i = int(np.flatnonzero(repeated)[0])
            raise ConvertError(f"video {seq.video.name!r}", f"track {track[i]} has two boxes in frame {frame[i]}; "
                                                            "MOT results allow one row per (frame, id)")
        columns = [c[order].tolist() for c in (frame, track, b.x[r], b.y[r], b.w[r], b.h[r], score[r])]
        text = "\n".join(repeat(ROW, len(r))) % tuple(chain.from_iterable(zip(*columns)))
        write_text(folder / f"{seq.name}.txt", [text] if len(r) else [])


def detect(path: Path) -> int:
    first = _first_row(path)
    return 30 if first is not None and len(first) == 10 and first[7:] == ["-1"] * 3 else 0


def _first_row(path: Path) -> list[str] | None:
    """The first row of the first sequence file, split on commas."""
    if not path.is_dir():
        return None
    try:
        for file in text_files(_data_folder(path))[:1]:
            line = next((line for line in read_lines(file)[:5] if line.strip()), None)
            return [t.strip() for t in line.split(",")] if line else None
    except ConvertError:
        return None
    return None


FORMAT = Format(
    NAME, "MOTChallenge results: <seq>.txt, frame,id,x,y,w,h,score,-1,-1,-1 (read with --gt)",
    read, write, detect, options=MotResultsOptions,
    carries=frozenset({"unclipped_boxes", "videos", "empty_frames", "track_id", "score"}),
    lossy_note="no class column; numbers to 2 decimals as score_mot.py writes them; ignore-category boxes dropped",
    results=True,
)
