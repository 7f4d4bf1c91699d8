"""Write a small XS-VID-shaped dataset (COCO + PNG frames) to the folder given."""

import sys
from pathlib import Path

from xsvid_convert.synthetic import write_dataset, xsvid_coco

root = Path(sys.argv[1] if len(sys.argv) > 1 else "build/example")
print(write_dataset(root, xsvid_coco(videos=3, frames=8)))
