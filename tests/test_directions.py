"""Every direction between the ground-truth formats: A -> B -> A differs from A only in what the
loss matrix says B cannot carry (and A -> A not at all).  Each format's own sample, with its own
quirks, goes through every format in its own test file; here one sample that every format's
category table can hold (ids 1..3) starts from each format in turn."""

import itertools

import pytest

import xsvid_convert as xc
from xsvid_convert import formats
from xsvid_convert.synthetic import write_dataset, xsvid_coco
from xsvid_convert.tools import roundtrip

from helpers import assert_differs_only_by

GROUND_TRUTHS = [name for name, spec in formats.FORMATS.items() if not spec.results and spec.read and spec.write]
NAMES = {1: "car", 2: "truck", 3: "bus"}
# what these directions change that the loss matrix does not say (helpers.FORMAT_BUGS)
KNOWN = {("coco", "cocovid"): "cocovid keys come back", ("xsvid", "cocovid"): "cocovid keys come back",
         ("tao", "cocovid"): "cocovid keys come back", ("coco", "xsvid"): "v2 keys come back",
         ("cocovid", "xsvid"): "v2 keys come back", ("coco", "tao"): "v2 keys come back",
         ("cocovid", "tao"): "v2 keys come back"}


def sample(tmp_path):
    """Two videos whose frames share names, tracks that repeat, ignored boxes, PNG frames."""
    doc = xsvid_coco(videos=2, frames=4, tracks=4)
    doc["categories"] = [{"id": k, "name": name} for k, name in NAMES.items()]
    for ann in doc["annotations"]:
        ann["category_id"] = 1 + ann["category_id"] % 3
    return write_dataset(tmp_path / "x", doc)


@pytest.mark.parametrize("source,via", list(itertools.product(GROUND_TRUTHS, repeat=2)))
def test_every_direction_round_trips_within_the_loss_matrix(tmp_path, source, via):
    coco = sample(tmp_path)
    src = tmp_path / ("src.json" if formats.get(source).output == "file" else "src")
    xc.convert(coco, src, "coco", source, layout="ultralytics")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    # a JSON written beside the sample finds its frames where the sample keeps them
    where = {"images_root": coco.parent.parent / "images"} if formats.get(source).output == "file" else {}
    result = roundtrip.check(src, source, via, scratch, **where)
    assert_differs_only_by(result, *[KNOWN[source, via]] if (source, via) in KNOWN else [])
    assert result.lost == formats.loss(source, via)
