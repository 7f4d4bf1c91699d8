"""Write a small XS-VID-shaped dataset (COCO + PNG frames) to the folder given.

Frames are 320x240 with ground-like noise, so that `preview` pictures of it look like the real
thing: boxes of a few to 30 px on a textured background."""

import sys
from pathlib import Path

from PIL import Image

from xsvid_convert.synthetic import write_dataset, xsvid_coco

root = Path(sys.argv[1] if len(sys.argv) > 1 else "build/example")
doc = xsvid_coco(videos=3, frames=8, tracks=14, width=320, height=240)
print(write_dataset(root, doc))
for k, image in enumerate(doc["images"]):
    noise = Image.effect_noise((image["width"], image["height"]), 24).convert("RGB")
    ground = Image.new("RGB", noise.size, (96, 104, 88))
    Image.blend(ground, noise, 0.25).save(root / "images" / image["file_name"])
