import hashlib

import orjson
import pytest
from hypothesis import given, settings, strategies as st

import xsvid_convert as xc
from xsvid_convert.synthetic import write_dataset, xsvid_coco

from helpers import assert_ultralytics_labels, cli


run = cli  # the command line in its own process


def test_coco_to_yolo_command_writes_labels_per_frame(xsvid, tmp_path):
    out = tmp_path / "y"
    result = run("coco-to-yolo", xsvid, out, "--layout", "yoloft", "-q")
    assert result.returncode == 0, result.stderr
    assert "frames 15, boxes" in result.stderr
    assert sorted(p.name for p in (out / "labels").iterdir()) == ["video_001", "video_002", "video_003"]
    assert assert_ultralytics_labels(out / "labels", 9) == 15


@pytest.mark.parametrize("content,fragment", [
    (b"{\"images\": [", "invalid JSON"),
    (b"", "empty file"),
    (b"{\"images\": [], \"categories\": [], \"annotations\": [{\"id\": 1}]}", "missing key 'image_id'"),
    (b"[1, 2]", "expected a JSON object"),
    (b"\xff\xfe{}", "UTF-8"),
])
def test_bad_json_is_one_line_exit_2_and_no_output(tmp_path, content, fragment):
    src = tmp_path / "bad.json"
    src.write_bytes(content)
    result = run("convert", src, tmp_path / "out", "--from", "coco", "--to", "yolo")
    assert result.returncode == 2
    assert result.stderr.startswith("xsvid-convert: error: ") and fragment in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


def test_bad_row_names_file_and_line(tmp_path):
    seq = tmp_path / "seq"
    (seq / "gt").mkdir(parents=True)
    (seq / "gt/gt.txt").write_text("1,1,2,3,4,5,1,1,1\n2,1,x,3,4,5,1,1,1\n")
    result = run("convert", seq, tmp_path / "o.json", "--from", "mot", "--to", "coco")
    assert result.returncode == 2 and f"{seq / 'gt/gt.txt'}:2: column 3 is not a number" in result.stderr


def test_existing_output_needs_overwrite_and_input_is_untouched(xsvid, tmp_path):
    before = hashlib.sha256(xsvid.read_bytes()).hexdigest(), xsvid.stat().st_mtime_ns
    out = tmp_path / "o.json"
    assert run("convert", xsvid, out, "--from", "coco", "--to", "cocovid").returncode == 0
    first, inode = out.read_bytes(), out.stat().st_ino
    again = run("convert", xsvid, out, "--from", "coco", "--to", "coco")
    assert again.returncode == 2 and "--overwrite" in again.stderr
    assert out.read_bytes() == first
    assert run("convert", xsvid, out, "--from", "coco", "--to", "coco", "--overwrite").returncode == 0
    assert out.stat().st_ino != inode  # replaced by a rename, not rewritten in place
    assert (hashlib.sha256(xsvid.read_bytes()).hexdigest(), xsvid.stat().st_mtime_ns) == before


def test_path_escape_is_refused(tmp_path):
    doc = xsvid_coco(videos=1, frames=1)
    doc["images"][0]["file_name"] = "../../escape.png"
    src = write_dataset(tmp_path / "d", doc, images=False)
    result = run("coco-to-yolo", src, tmp_path / "out", "--image-size", "96x64")
    assert result.returncode == 2 and "climbs out" in result.stderr
    assert not (tmp_path / "escape.txt").exists() and not (tmp_path / "out").exists()


def test_roundtrip_command(xsvid):
    same = run("roundtrip", xsvid, "--from", "coco")
    assert same.returncode == 0 and "identical" in same.stdout
    lossy = run("roundtrip", xsvid, "--from", "coco", "--via", "yolo")
    assert lossy.returncode == 0 and "lost by design: track ids" in lossy.stdout


def test_formats_and_help_examples():
    assert "visdrone" in run("formats").stdout
    assert "Example: xsvid-convert coco-to-yolo" in run("coco-to-yolo", "--help").stdout


@settings(max_examples=25, deadline=None)
@given(videos=st.integers(1, 3), frames=st.integers(1, 4), tracks=st.integers(0, 5), seed=st.integers(0, 10_000),
       size=st.sampled_from([(96, 64), (1024, 1024), (33, 17)]))
def test_property_coco_yolo_coco(tmp_path_factory, videos, frames, tracks, seed, size):
    tmp = tmp_path_factory.mktemp("p")
    doc = xsvid_coco(videos=videos, frames=frames, tracks=tracks, seed=seed, width=size[0], height=size[1])
    src = write_dataset(tmp, doc, images=False)
    dataset = xc.read(src, "coco")
    xc.write(dataset, tmp / "same.json", "coco")
    assert orjson.loads((tmp / "same.json").read_bytes()) == doc
    xc.write(dataset, tmp / "y", "yolo", layout="yoloft", split="train")
    back = xc.read(tmp / "y", "yolo", image_size=size)
    kept = ~dataset.boxes.ignore
    assert len(back.boxes) == int(kept.sum())
    tol = 1e-6 * max(size)
    for name in "xywh":
        assert abs(getattr(back.boxes, name) - getattr(dataset.boxes, name)[kept]).max(initial=0) <= tol


def test_readme_loss_matrix_is_the_registry_s():
    from pathlib import Path

    from xsvid_convert.formats import loss_matrix_markdown

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert loss_matrix_markdown() in readme


def test_every_option_is_declared_once():
    """The CLI builds one flag per option name: formats that share one take it from one mixin."""
    import dataclasses

    from xsvid_convert import formats

    declared: dict = {}
    for name, spec in formats.FORMATS.items():
        for f in dataclasses.fields(spec.options):
            declared.setdefault(f.name, set()).add((f.metadata["help"], f.metadata["when"], repr(f.default)))
    assert {k: v for k, v in declared.items() if len(v) > 1} == {}
