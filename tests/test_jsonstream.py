"""The slice-at-a-time reader of large COCO files gives exactly what the whole-file reader gives,
whatever the block size (keys, strings and escapes split across blocks included)."""

import orjson
import pytest
from hypothesis import given, settings, strategies as st

import xsvid_convert as xc
from xsvid_convert.files import jsonstream
from xsvid_convert.formats.coco import document as coco
from xsvid_convert.errors import ConvertError
from xsvid_convert.synthetic import xsvid_coco

from helpers import BOX_COLUMNS, assert_same_boxes

TRICKY = ['plain', 'a "quoted" ]},{ word', 'back\\slash\\', '\\"', 'annotations', '"annotations": [', 'é✓\u0001']


def tricky_doc(annotations_first: bool) -> dict:
    doc = xsvid_coco(videos=2, frames=3, tracks=4)
    for k, ann in enumerate(doc["annotations"]):
        ann["note"] = TRICKY[k % len(TRICKY)]
        if k % 3 == 0:
            ann["segmentation"] = [[1.5, 2, 3, 4, 5, 6]]
    doc["info"]["annotations"] = "not the key you are looking for"
    doc["x_annotations"] = ["annotations", {"annotations": []}]
    if annotations_first:
        doc = {"annotations": doc.pop("annotations"), **doc}
    return doc


def same(a, b) -> None:
    assert_same_boxes(a, b, columns=BOX_COLUMNS + ("id",))
    assert a.boxes.extras == b.boxes.extras
    assert [f.model_dump() for f in a.frames] == [f.model_dump() for f in b.frames]
    assert a.extras == b.extras and a.hints == b.hints


@settings(max_examples=40, deadline=None)
@given(block=st.integers(16, 400), slice_size=st.integers(16, 2000), first=st.booleans(), indent=st.booleans())
def test_streamed_read_equals_whole_read(tmp_path_factory, block, slice_size, first, indent):
    """`block`: how much of the file the key search reads at once; `slice_size`: bytes per slice
    (smaller than one annotation makes the reader grow it)."""
    path = tmp_path_factory.mktemp("s") / "a.json"
    path.write_bytes(orjson.dumps(tricky_doc(first), option=orjson.OPT_INDENT_2 if indent else 0))
    whole = xc.read(path, "cocovid")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(jsonstream, "SEARCH_BLOCK", block)
        mp.setattr(coco, "STREAM_BYTES", 0)
        mp.setattr(coco, "SLICE_BYTES", slice_size)
        seen = []
        span = jsonstream.read_annotations(path, slice_size, lambda first, items: seen.append((first, len(items))))
        assert span is not None and sum(n for _, n in seen) == len(whole.boxes)
        assert [first for first, _ in seen] == [sum(n for _, n in seen[:k]) for k in range(len(seen))]
        same(xc.read(path, "cocovid"), whole)


def test_streamed_read_of_an_empty_and_a_one_element_list(tmp_path, monkeypatch):
    monkeypatch.setattr(coco, "STREAM_BYTES", 0)
    doc = xsvid_coco(videos=1, frames=2)
    annotations = doc["annotations"]
    for keep in (0, 1):
        doc["annotations"] = annotations[:keep]
        path = tmp_path / f"{keep}.json"
        path.write_bytes(orjson.dumps(doc))
        assert len(xc.read(path, "coco").boxes) == keep


def test_streamed_errors_are_the_whole_reads_errors(tmp_path, monkeypatch):
    doc = xsvid_coco(videos=1, frames=3)
    doc["annotations"][5]["bbox"] = [1, 2, "three", 4]
    bad_type = tmp_path / "type.json"
    bad_type.write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2))
    text = orjson.dumps(xsvid_coco(videos=1, frames=3), option=orjson.OPT_INDENT_2)
    cut = text.index(b'"bbox"', len(text) // 2)
    bad_json = tmp_path / "json.json"
    bad_json.write_bytes(text[:cut] + b"bbox" + text[cut + 6:])
    messages = {}
    for streamed in (False, True):
        monkeypatch.setattr(coco, "STREAM_BYTES", 0 if streamed else 1 << 40)
        monkeypatch.setattr(coco, "SLICE_BYTES", 300)
        for path in (bad_type, bad_json):
            with pytest.raises(ConvertError) as caught:
                xc.read(path, "coco")
            messages[streamed, path.name] = str(caught.value)
    assert messages[True, "type.json"] == messages[False, "type.json"]
    assert "$.annotations[5]" in messages[True, "type.json"]
    assert messages[True, "json.json"] == messages[False, "json.json"] and "invalid JSON" in messages[True, "json.json"]


def test_a_corrupt_element_in_a_large_file_is_found_quickly(tmp_path, monkeypatch):
    """One broken annotation among many: the slicer gives up in a few parses per slice and the
    whole-file reader names the line."""

    doc = xsvid_coco(videos=4, frames=200, tracks=10)
    text = orjson.dumps(doc, option=orjson.OPT_INDENT_2)
    at = text.index(b'"iscrowd"', len(text) * 2 // 3)
    path = tmp_path / "big.json"
    path.write_bytes(text[:at] + b'"iscrowd": 0 0' + text[at + len(b'"iscrowd": 0'):])
    monkeypatch.setattr(coco, "STREAM_BYTES", 0)
    monkeypatch.setattr(coco, "SLICE_BYTES", 64 << 10)
    calls = []
    real = orjson.loads
    monkeypatch.setattr(jsonstream.orjson, "loads", lambda data: calls.append(1) or real(data))
    with pytest.raises(ConvertError, match=r"big.json:\d+: invalid JSON"):
        xc.read(path, "coco")
    assert len(calls) < 200, len(calls)


def test_streamed_lenient_read_equals_whole_lenient_read(tmp_path, monkeypatch):
    doc = xsvid_coco(videos=2, frames=10, tracks=5)
    doc["annotations"][3]["bbox"] = "broken"
    doc["annotations"][40]["image_id"] = 999
    doc["annotations"][77]["category_id"] = "car"
    path = tmp_path / "a.json"
    path.write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2))
    results = []
    for stream in (False, True):
        monkeypatch.setattr(coco, "STREAM_BYTES", 0 if stream else 1 << 40)
        monkeypatch.setattr(coco, "SLICE_BYTES", 2000)
        report = xc.Run(lenient=True)
        results.append((xc.read(path, "coco", run=report), report.warnings))
    (whole, whole_warnings), (streamed, streamed_warnings) = results
    assert sorted(streamed_warnings) == sorted(whole_warnings) and len(whole_warnings) == 3
    assert "$.annotations[40]: image id 999" in " ".join(whole_warnings)
    same(streamed, whole)
