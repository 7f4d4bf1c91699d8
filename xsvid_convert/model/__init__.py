"""The canonical model: categories, videos and frames as Pydantic models, boxes as columns."""

from .boxes import COLUMNS, NO_TRACK, OPTIONAL_FLOATS, Box, BoxTable, pair_codes, repeated, unique_pairs
from .build import build_dataset
from .checks import check, check_boxes
from .dataset import Category, Dataset, Frame, Locator, Video

__all__ = [
    "COLUMNS", "NO_TRACK", "OPTIONAL_FLOATS", "Box", "BoxTable", "Category", "Dataset", "Frame", "Locator",
    "Video", "build_dataset", "check", "check_boxes", "pair_codes", "repeated", "unique_pairs",
]
