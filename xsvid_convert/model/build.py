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
    """Validate plain dicts as whole lists (one pass in pydantic-core), then check consistency.

    With a lenient `run`, an item that does not validate is skipped with a warning (the slow
    item-by-item pass runs only when the whole-list pass failed)."""
    run = run or Run()
    parsed: dict[str, list] = {}
    kept: dict[str, list[int] | None] = {}
    for kind, items in (("categories", categories), ("videos", videos), ("frames", frames)):
        parsed[kind], kept[kind] = _validate_list(kind, items, locate, run)
    dataset = Dataset.model_construct(categories=parsed["categories"], videos=parsed["videos"],
                                      frames=parsed["frames"], boxes=boxes, **_fields(rest))

    def located(kind: str, index: int) -> str:
        positions = kept.get(kind)
        return locate(kind, positions[index] if positions is not None else index)

    check(dataset, located, run)
    return dataset


def _fields(rest: dict[str, Any]) -> dict[str, Any]:
    known = {"image_root", "name", "extras", "hints"}
    unknown = sorted(set(rest) - known)
    if unknown:
        raise TypeError(f"unknown Dataset fields: {unknown}")
    return {"image_root": rest.get("image_root"), "name": rest.get("name"), "extras": rest.get("extras") or {},
            "hints": rest.get("hints") or {}}


def _validate_list(kind: str, items: list[dict[str, Any]], locate: Locator, run: Run) -> tuple[list, list[int] | None]:
    """(models, positions of the items kept, or None when all were)."""
    try:
        return _LISTS[kind].validate_python(items), None
    except ValidationError as exc:
        if not run.lenient:
            raise ConvertError(*_validation_message(exc, lambda i: locate(kind, i), kind)) from None
    models, kept = [], []
    for i, item in enumerate(items):
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
