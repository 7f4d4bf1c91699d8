"""The canonical annotation model (see `model.py`)."""

from .model import (
    COLUMNS,
    NO_TRACK,
    OPTIONAL_FLOATS,
    Box,
    BoxTable,
    Category,
    Dataset,
    Frame,
    Video,
    unique_pairs,
)

__all__ = [
    "COLUMNS", "NO_TRACK", "OPTIONAL_FLOATS", "Box", "BoxTable", "Category", "Dataset", "Frame",
    "Video", "unique_pairs",
]
