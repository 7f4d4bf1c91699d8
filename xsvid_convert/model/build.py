"""A dataset from plain dicts and box columns: every list validated at once, then the
consistency rules (`checks.py`), each problem named where the source has it."""

from __future__ import annotations

from typing import Any, Callable

from pydantic import TypeAdapter, ValidationError

from ..errors import ConvertError
from ..run import Run
from .boxes import BoxTable
from .checks import check
from .dataset import Category, Dataset, Frame, Locator, Video, default_locator

_LISTS = {"categories": TypeAdapter(list[Category]), "videos": TypeAdapter(list[Video]),
          "frames": TypeAdapter(list[Frame])}
_ITEMS = {"categories": Category, "videos": Video, "frames": Frame}


def build_dataset(categories: list[dict[str, Any]], videos: list[dict[str, Any]], frames: list[dict[str, Any]],
                  boxes: BoxTable, locate: Locator = default_locator, run: Run | None = None, **rest: Any) -> Dataset:
    """Validate plain dicts as whole lists (one pass in pydantic-core per chunk), then check
    consistency.  The frame list is consumed: its dicts are released as they are validated.

    With a lenient `run`, an item that does not validate is skipped with a warning (the slow
    item-by-item pass runs only when the whole-list pass failed)."""
    run = run or Run()
    parsed: dict[str, list] = {}
    kept: dict[str, list[int] | None] = {}
    for kind, items in (("categories", categories), ("videos", videos), ("frames", frames)):
        # frames are the reader's own list; categories may be a format's constant list
        parsed[kind], kept[kind] = _validate_list(kind, items if kind == "frames" else list(items), locate, run)
    _share_bookkeeping(parsed["frames"])
    dataset = Dataset.model_construct(categories=parsed["categories"], videos=parsed["videos"],
                                      frames=parsed["frames"], boxes=boxes, **_fields(rest))

    def located(kind: str, index: int) -> str:
        positions = kept.get(kind)
        return locate(kind, positions[index] if positions is not None else index)

    check(dataset, located, run)
    return dataset


def _share_bookkeeping(models: list) -> None:
    """One field set and one hints dict per distinct value, not one per record: pydantic gives
    each model its own set of the fields given (~0.7 KB), and 222k frames have a few distinct
    ones (nothing here reads the set; hints are replaced, never updated)."""
    sets: dict[frozenset, set] = {}
    hints: dict[tuple, dict] = {}
    for model in models:
        given = model.__pydantic_fields_set__
        object.__setattr__(model, "__pydantic_fields_set__", sets.setdefault(frozenset(given), given))
        try:
            model.hints = hints.setdefault(tuple(model.hints.items()), model.hints)
        except TypeError:  # an unhashable hint value: this record keeps its own
            pass


def _fields(rest: dict[str, Any]) -> dict[str, Any]:
    known = {"image_root", "name", "extras", "hints"}
    unknown = sorted(set(rest) - known)
    if unknown:
        raise TypeError(f"unknown Dataset fields: {unknown}")
    return {"image_root": rest.get("image_root"), "name": rest.get("name"), "extras": rest.get("extras") or {},
            "hints": rest.get("hints") or {}}


CHUNK = 8192
"""Items validated per pydantic call: the dicts of one chunk are released before the next is
validated, so 222k frames never exist as dicts and as models at once."""


def _validate_list(kind: str, items: list[dict[str, Any]], locate: Locator, run: Run) -> tuple[list, list[int] | None]:
    """(models, positions of the items kept, or None when all were).  Consumes `items`: each
    chunk's place in the list is emptied once it is validated (readers hand their dicts over)."""
    models: list = []
    kept: list[int] | None = None
    for lo in range(0, len(items), CHUNK):
        chunk = items[lo:lo + CHUNK]
        items[lo:lo + CHUNK] = [None] * len(chunk)
        try:
            parsed, failed = _LISTS[kind].validate_python(chunk), None
        except ValidationError as exc:
            if not run.lenient:
                raise ConvertError(*_validation_message(exc, lambda i: locate(kind, lo + i), kind)) from None
            parsed, failed = _validate_items(kind, chunk, lo, locate, run)
        if failed is not None and kept is None:
            kept = list(range(len(models)))
        models += parsed
        if kept is not None:
            kept += range(lo, lo + len(chunk)) if failed is None else failed
    return models, kept


def _validate_items(kind: str, chunk: list, lo: int, locate: Locator, run: Run) -> tuple[list, list[int]]:
    """The slow pass, one item at a time, that names and skips the bad ones (lenient)."""
    models, kept = [], []
    for i, item in enumerate(chunk, lo):
        try:
            models.append(_ITEMS[kind].model_validate(item))
            kept.append(i)
        except ValidationError as exc:
            run.problem(*_validation_message(exc, lambda _: locate(kind, i), None))
    return models, kept


def _validation_message(exc: ValidationError, locate: Callable[[int], str], kind: str | None) -> tuple[str, str]:
    """(where, what) of a pydantic error on a whole list (`kind` given: loc starts with the index)
    or on one item."""
    err = exc.errors()[0]
    loc = list(err["loc"])
    if kind is not None:
        if not loc or not isinstance(loc[0], int):
            return kind, err["msg"]
        where = locate(int(loc.pop(0)))
    else:
        where = locate(0)
    field = ".".join(str(p) for p in loc)
    return where, f"{field}: {err['msg']}" if field else err["msg"]
