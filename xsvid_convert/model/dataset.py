"""The canonical model every format is read into and written from.

Categories, videos and frames are Pydantic models, validated as whole lists at once; boxes are a
`BoxTable` of columns.  The consistency rules live in `checks.py`; the lookups writers share
(a frame's size and video, boxes grouped by frame) are computed here, once.
"""

from __future__ import annotations

import os

from pathlib import Path
from typing import Any, Callable

import numpy as np
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from ..errors import ConvertError
from .boxes import BoxTable


# Strict means typed: "1", 1.0 and true are not ids; an id must fit the int64 columns.
Id = Annotated[int, Field(strict=True, ge=-(2**63), le=2**63 - 1)]
Size = Annotated[int, Field(strict=True, gt=0, le=2**31)]
Text = Annotated[str, Field(strict=True)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)

    extras: dict[str, Any] = Field(default_factory=dict)
    """Keys of the source record the model does not name, written back by formats that can."""
    hints: dict[str, Any] = Field(default_factory=dict, exclude=True)
    """What a format keeps to write its own files back exactly; never written, never read by
    another format.  Records with equal hints may share one dict: assign a new one, never update."""


class Category(_Model):
    id: Id
    name: Text
    supercategory: Text | None = None


class Video(_Model):
    id: Id
    name: Text
    width: Size | None = None
    height: Size | None = None
    fps: Annotated[float, Field(strict=True, gt=0, allow_inf_nan=False)] | Annotated[int, Field(strict=True, gt=0)] | None = None


class Frame(_Model):
    id: Id
    file_name: Text
    """Path of the image relative to the dataset's image root, `/`-separated."""
    width: Size | None = None
    height: Size | None = None
    video_id: Id | None = None
    frame_index: Annotated[int, Field(strict=True, ge=0, le=2**62)] | None = None
    """0-based position in the video (MOT and VisDrone number frames from 1; we do not)."""
    split: str | None = None
    source: str | None = None
    """Where the image is on disk, when it is not `image_root / file_name`; never written out."""


Locator = Callable[[str, int], str]
"""Maps ("boxes"|"frames"|"categories"|"videos", row) to a place in the source, e.g. `gt.txt:12`."""


def default_locator(kind: str, index: int) -> str:
    return f"{kind}[{index}]"


class Dataset(BaseModel):
    """One dataset in canonical form; every reader returns one, every writer takes one."""

    model_config = ConfigDict(arbitrary_types_allowed=True, extra="forbid")

    categories: list[Category]
    videos: list[Video] = Field(default_factory=list)
    frames: list[Frame]
    boxes: BoxTable
    image_root: str | None = None
    """Folder the frames' `file_name`s are relative to."""
    name: str | None = None
    """The source's own name for its split (a COCO file's stem): the split of frames without one."""
    extras: dict[str, Any] = Field(default_factory=dict)
    """Top-level keys of the source the model does not name (COCO `info`, `licenses`, ...)."""
    hints: dict[str, Any] = Field(default_factory=dict)
    """Per format, what it keeps to write its own files back exactly (see `_Model.hints`)."""
    _frame_order: tuple | None = PrivateAttr(default=None)

    # ---------------------------------------------------------------- lookups writers share

    def image_path(self, frame: Frame) -> Path | None:
        """Where `frame`'s image is on disk (it may not exist), or None if nothing says."""
        source = self.image_source(frame)
        return Path(source) if source else None

    def image_source(self, frame: Frame) -> str | None:
        """`image_path` as a string: writers placing 222k images skip building a Path each."""
        if frame.source:
            return frame.source
        if self.image_root:
            return os.path.join(self.image_root, frame.file_name)
        return None

    def size_unknown(self, frame: Frame, why: str) -> ConvertError:
        """The one error a writer gives for a frame whose size it needs and nothing tells."""
        return ConvertError(str(self.image_path(frame) or frame.file_name),
                            f"image size unknown (no size in the annotations and no image to read it from); {why}: "
                            "give --image-size WxH or --images-root")

    def require_sizes(self, why: str, positions: np.ndarray | None = None) -> None:
        """Every frame (or those at `positions`) has a width and a height, else `size_unknown`."""
        width, height = self.frame_sizes()
        unknown = np.isnan(width) | np.isnan(height)
        if positions is not None:
            unknown = np.isin(np.arange(len(self.frames)), positions) & unknown
        if unknown.any():
            raise self.size_unknown(self.frames[int(np.flatnonzero(unknown)[0])], why)

    def category_index(self) -> dict[int, int]:
        """Category id → position in the category list (what YOLO calls the class)."""
        return {c.id: i for i, c in enumerate(self.categories)}

    def frame_ids(self) -> np.ndarray:
        return np.fromiter((f.id for f in self.frames), np.int64, len(self.frames))

    def frame_sizes(self) -> tuple[np.ndarray, np.ndarray]:
        """Width and height of every frame, NaN where unknown."""
        width = np.array([np.nan if f.width is None else f.width for f in self.frames], dtype=np.float64)
        height = np.array([np.nan if f.height is None else f.height for f in self.frames], dtype=np.float64)
        return width, height

    def frame_video_ids(self) -> np.ndarray:
        """Video id of every frame, -1 where it belongs to none."""
        return np.array([-1 if f.video_id is None else f.video_id for f in self.frames], dtype=np.int64)

    def frame_positions_of(self, frame_ids: np.ndarray) -> np.ndarray:
        """Position in `frames` of each of `frame_ids` (which must all exist)."""
        ids, order = self._sorted_frame_ids()
        return order[np.searchsorted(ids, frame_ids, sorter=order)]

    def _sorted_frame_ids(self) -> tuple[np.ndarray, np.ndarray]:
        """The frame ids and their sort order, made once for a given frame list (every writer and
        check asks for box positions; 222k frames sorted once, not each time)."""
        cached = self._frame_order
        if cached is None or cached[0] is not self.frames or cached[1] != len(self.frames):
            ids = self.frame_ids()  # the list is held by the cache: its identity cannot be reused
            cached = self._frame_order = (self.frames, len(self.frames), ids, np.argsort(ids, kind="stable"))
        return cached[2], cached[3]

    def frame_positions(self) -> np.ndarray:
        """For each box, the position of its frame in `frames`."""
        return self.frame_positions_of(self.boxes.frame_id)

    def box_video_ids(self) -> np.ndarray:
        """Video id of every box's frame, -1 where it belongs to none."""
        if not len(self.boxes):
            return np.zeros(0, np.int64)
        return self.frame_video_ids()[self.frame_positions()]

    def boxes_by_frame(self) -> tuple[np.ndarray, np.ndarray]:
        """(order, starts): box rows sorted stably by frame position, and where each frame begins.
        Boxes of frame k are `order[starts[k]:starts[k + 1]]`."""
        positions = self.frame_positions()
        order = np.argsort(positions, kind="stable")
        starts = np.searchsorted(positions[order], np.arange(len(self.frames) + 1))
        return order, starts

    def video_by_id(self) -> dict[int, Any]:
        return {v.id: v for v in self.videos}

    def splits(self) -> list[str | None]:
        """The frames' split names, in order of first appearance."""
        return list(dict.fromkeys(f.split for f in self.frames))

    def subset(self, split: str | None) -> "Dataset":
        """The frames of one split, their boxes and their videos (already checked: no validation)."""
        frames = [f for f in self.frames if f.split == split]
        ids = np.fromiter((f.id for f in frames), np.int64, len(frames))
        video_ids = {f.video_id for f in frames}
        return self.model_copy(update={
            "frames": frames, "boxes": self.boxes.take(np.isin(self.boxes.frame_id, ids)),
            "videos": [v for v in self.videos if v.id in video_ids],
        })
