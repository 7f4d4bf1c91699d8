"""xsvid-convert: object-detection and tracking annotations between COCO, CocoVID, YOLO
(Ultralytics and YOLOFT), MOTChallenge and VisDrone-VID, through one canonical model."""

from .api import convert, read, write
from .errors import ConvertError
from .options import Options, Report
from .schemas import Box, BoxTable, Category, Dataset, Frame, Video

__version__ = "0.1.0"

__all__ = [
    "Box", "BoxTable", "Category", "ConvertError", "Dataset", "Frame", "Options", "Report", "Video",
    "convert", "read", "write",
]
