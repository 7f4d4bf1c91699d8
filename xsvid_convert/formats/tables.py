"""Formats with a fixed category table (VisDrone's 0..11, UAVDT's 0..4): what may be written
under it.  A category outside the table is refused (the reader would refuse it); a category
whose id is the table's ignore class while its boxes are not ignored is refused too, as its
boxes would silently become ignored regions (XS-VID v2's class 0 `bicycle-static` as VisDrone's 0);
other categories keep their ids with a note."""

from __future__ import annotations

import numpy as np

from ..errors import ConvertError
from ..model import Dataset
from ..run import Run


def check_table(dataset: Dataset, table: dict[int, str], ignore_id: int, what: str, run: Run) -> None:
    b = dataset.boxes
    names = {c.id: c.name for c in dataset.categories}
    listed = ", ".join(f"{k} {v}" for k, v in table.items())
    outside = sorted(set(np.unique(b.category_id).tolist()) - set(table))
    if outside:
        raise ConvertError(f"category {outside[0]} ({names.get(outside[0], '?')})",
                           f"{what}'s categories are {listed}; map the categories first (--category-map)")
    own = names.get(ignore_id)
    if own is not None and own != table[ignore_id] and ((b.category_id == ignore_id) & ~b.ignore).any():
        raise ConvertError(f"category {ignore_id} ({own})",
                           f"is {what}'s ignore class {table[ignore_id]!r}: its boxes would be written as ignored "
                           f"regions; map the categories first (--category-map), e.g. onto {what}'s names")
    if names.items() - table.items():
        run.note(f"categories are not {what}'s: their ids are written as they are, their names are lost")
