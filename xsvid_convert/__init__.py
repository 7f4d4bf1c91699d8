"""xsvid-convert: object-detection and tracking annotations and results between the formats
video small-object detection lives in, through one canonical model."""

from .api import convert, read, write
from .errors import ConvertError
from .model import Box, BoxTable, Category, Dataset, Frame, Video
from .run import Run

__version__ = "0.2.0"

__all__ = ["Box", "BoxTable", "Category", "ConvertError", "Dataset", "Frame", "Run", "Video", "convert", "read",
           "write"]
