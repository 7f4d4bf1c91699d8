"""Writing the XS-VID v2 release layout, from any source: what YOLOFT's 2026 tools open.

`annotations/{train,val_dev,test}.json` (v2 form), `annotations/protocols/paper_detection_test.json`
(the test split again: data from elsewhere has no separate paper protocol, and the tools' default
`--detection-protocol paper` opens it), `images/<video>/<frame>`, `splits/<split>.txt` (lines
`../images/<video>/<frame>`, relative to `splits/` as `prepare_legacy_layout.py` resolves them),
`labels/<video>/<frame>.txt` (none for a background frame), and `legacy_yoloft.yaml` with
`splits/legacy_<split>.txt` that both YOLOFT generations load.

Images: `prepare_legacy_layout.py` resolves every split line and refuses a frame that then lies
outside `images/`, so a link to the source frame fails there: `--images link` makes hard links
here (copies across devices).
"""

from __future__ import annotations

import shutil
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from ...files.images import bring_image
from ...files.paths import with_txt_suffix
from ...files.text import write_small_file, write_text
from ...model import Dataset
from ...run import Run
from ..coco.rules import XSVID_V2
from ..coco.records import with_document_head
from ..coco.writer import global_track_ids, write_document
from ..sequences import check_unique_names, folder_name, video_structure
from ..yolo.labels import classes, label_texts
from ..yolo.workers import run_in_workers
from ..yolo.yaml_file import dump_yaml
from ..yolo.yoloft import warn_loader_hazards, yoloft_yaml
from .read import ANNOTATIONS, IMAGES, LISTS, SPLITS

PAPER = "annotations/protocols/paper_detection_test.json"
SPLIT_NAMES = {"val": "val_dev", "valid": "val_dev"}  # our --split-by names -> the release's


def write(dataset: Dataset, target: Path, options: Any, run: Run) -> None:
    release = release_dataset(dataset, options, run)
    members = split_members(release, options)
    for folder in (ANNOTATIONS, LISTS, IMAGES, "labels", "annotations/protocols"):
        (target / folder).mkdir(parents=True, exist_ok=True)
    for split in [*SPLITS, *(s for s in members if s not in SPLITS)]:
        _write_split(release, dataset, split, members.get(split, []), target, run)
    shutil.copyfile(target / ANNOTATIONS / "test.json", target / PAPER)
    empty = [s for s in SPLITS if not members.get(s)]
    if empty:
        run.note(f"no frames in {', '.join(empty)}: YOLOFT's prepare_legacy_layout.py refuses an empty split "
                 "(make one with --split-by video --val-fraction F --test-fraction F)")
    class_list = _write_frames(release, target, options, run)
    final = (run.destination or target).resolve()
    legacy = {"train": f"{LISTS}/legacy_train.txt", "val": f"{LISTS}/legacy_val_dev.txt",
              "test": f"{LISTS}/legacy_test.txt"}
    dump_yaml(target / "legacy_yoloft.yaml", yoloft_yaml("both", final, legacy, f"{ANNOTATIONS}/test.json", class_list))
    names = [f.file_name for f in release.frames]
    warn_loader_hazards(release, final, names, members.get("train", []), "both", run)
    run.count("frames", len(release.frames))
    run.count("boxes", len(release.boxes))


def release_dataset(dataset: Dataset, options: Any, run: Run) -> Dataset:
    """Every frame in a video with an index, named `<video folder>/<frame>`: its own name when it
    is already one, else its 0-based index in 7 digits (YOLOFT orders frames by name)."""
    videos, frame_video, frame_index = video_structure(dataset, run)
    folders = {v.id: folder_name(v.name, f"video {v.id}: name") for v in videos}
    check_unique_names([(folders[v.id], f"video {v.id}: name") for v in videos], "video folder")
    frames = []
    for f, video, index in zip(dataset.frames, frame_video, frame_index):
        folder, _, base = f.file_name.partition("/")  # file names are normalized: no `.`, `..` or `//`
        kept = folder == folders[video] and bool(base) and "/" not in base
        name = f.file_name if kept else f"{folders[video]}/{index:07d}{PurePosixPath(f.file_name).suffix or '.jpg'}"
        source = dataset.image_source(f)
        hints = f.hints if kept else {k: v for k, v in f.hints.items() if k != "coco.file_name"}
        frames.append(f.model_copy(update={"file_name": name, "video_id": video, "frame_index": index,
                                           "source": source, "hints": hints}))
    release = dataset.model_copy(update={"frames": frames, "videos": videos, "image_root": None})
    return release.model_copy(update={"boxes": _unique_tracks(release, run)})


def _unique_tracks(release: Dataset, run: Run):
    """Track ids unique across the whole release, not only within each split's file (a reader of
    several splits sees one id per track); the per-sequence ids kept as `mot_instance_id`."""
    new, original = global_track_ids(release, release.box_video_ids(), run)
    if original is None:
        return release.boxes
    b = release.boxes
    extras = list(b.extras) if b.extras is not None else [None] * len(b)
    for i in np.flatnonzero(new != original).tolist():
        extras[i] = {**(extras[i] or {}), "mot_instance_id": int(original[i])}
    return b.replace(track_id=new).__class__(extras=extras, hints=b.hints, **{**b.columns(), "track_id": new})


def split_members(release: Dataset, options: Any) -> dict[str, list[int]]:
    """Frame positions of each split (a frame read from two split files is in both)."""
    default = options.split or release.name or "train"
    members: dict[str, list[int]] = {}
    for k, f in enumerate(release.frames):
        for split in f.hints.get("xsvid.splits") or [f.split or default]:
            members.setdefault(SPLIT_NAMES.get(split, split), []).append(k)
    return members


def _write_split(release: Dataset, source: Dataset, split: str, members: list[int], target: Path, run: Run) -> None:
    frames = [release.frames[k] for k in members]
    ids = np.array([f.id for f in frames], dtype=np.int64)
    head = source.hints.get("xsvid", {}).get("heads", {}).get(split)
    video_ids = {f.video_id for f in frames}
    part = release.model_copy(update={
        "frames": frames, "boxes": release.boxes.take(np.isin(release.boxes.frame_id, ids)),
        "videos": [v for v in release.videos if v.id in video_ids]})
    if head is not None:  # read from a release: this split's file had these top-level keys
        part = with_document_head(part, head)
    write_document(part, target / ANNOTATIONS / f"{split}.json", XSVID_V2, run.child())
    write_text(target / LISTS / f"{split}.txt", [f"../{IMAGES}/{f.file_name}" for f in frames])
    write_text(target / LISTS / f"legacy_{split}.txt", [f"./{f.file_name}" for f in frames])


def _write_frames(release: Dataset, target: Path, options: Any, run: Run) -> list:
    """Images and label files; returns the class list the labels use."""
    class_list, class_of, ignored_class = classes(release, options.ignored)
    texts_of = label_texts(release, class_of, ignored_class, run.child())  # the JSONs keep every box
    mode = "hardlink" if options.images == "link" else options.images
    if options.images == "link":
        run.note("--images link makes hard links here: YOLOFT's tools refuse frames that resolve outside images/")
    for video in {f.file_name.split("/", 1)[0] for f in release.frames}:
        (target / IMAGES / video).mkdir(parents=True, exist_ok=True)
        (target / "labels" / video).mkdir(parents=True, exist_ok=True)

    labels_folder, images_folder = f"{target}/labels/", f"{target}/{IMAGES}/"  # strings: 222k frames

    def work(lo: int, hi: int, counts: Run) -> None:
        texts = texts_of.texts(lo, hi)
        for k in range(lo, hi):
            frame, text = release.frames[k], next(texts)
            if text:  # a background frame has no label file, as the release's own tools make them
                write_small_file(labels_folder + with_txt_suffix(frame.file_name), text)
            if mode != "none":
                bring_image(frame.source, images_folder + frame.file_name, mode, counts)

    run_in_workers(work, len(release.frames), options.workers, run, "frames")
    return class_list
