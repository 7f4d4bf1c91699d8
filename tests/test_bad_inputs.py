"""Every malformed input in tests/bad_inputs/, fed to every `convert` direction: one line on
stderr naming the file (and line or JSON path), exit code 2, no output, input untouched."""

import hashlib
import os
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import xsvid_convert as xc
from xsvid_convert import formats
from xsvid_convert.cli import app
from xsvid_convert.errors import ConvertError

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
CASES = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))


def tree_state(root: Path) -> dict:
    """Content hash and mtime of every file under `root`: what 'never modified' means."""
    state = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            state[str(path)] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    return state


def test_corpus_is_large_and_covers_every_format():
    assert len(CASES) >= 40
    assert {c["format"] for c in CASES} == set(formats.FORMATS)


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_bad_input_fails_cleanly_in_every_direction(case, tmp_path):
    folder = CORPUS / "cases" / case["case"]
    src = (folder / case["input"]).resolve() if case["input"] != "." else folder.resolve()
    named = str((folder / case["names"]).resolve()) if case["names"] != "." else str(folder.resolve())
    before = tree_state(folder)
    runner = CliRunner()
    # results formats are converted among themselves against their ground truth, the others among themselves
    results = formats.get(case["format"]).results
    gt = ["--gt", str(folder / case["gt"])] if "gt" in case else []
    for target in case.get("to", [name for name, spec in formats.FORMATS.items() if spec.results == results]):
        out = tmp_path / (f"out_{target}.json" if formats.get(target).output == "file" else f"out_{target}")
        result = runner.invoke(app, ["convert", str(src), str(out), "--from", case["format"], "--to", target, "-q", *gt])
        assert result.exit_code == 2, (target, result.output)
        lines = result.stderr.splitlines()
        assert len(lines) == 1, (target, result.stderr)
        assert lines[0].startswith(f"xsvid-convert: error: {named}"), (target, lines[0])
        assert case["message"] in lines[0], (target, lines[0])
        assert "Traceback" not in result.output
        assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no half-written temporary left either
    assert tree_state(folder) == before
    assert not Path("/tmp/xsvid-pwned").exists()


# case -> records skipped: a dropped frame takes its annotations with it, each with its own warning
LENIENT = {
    "coco/negative_width": 1, "coco/unknown_category_id": 1, "coco/bbox_of_strings": 1,
    "coco/box_outside_image": 1, "coco/duplicate_image_id": 2, "coco/negative_image_height": 2,
    "coco/width_as_text": 2, "cocovid/unknown_video_id": 2, "cocovid/frame_id_twice": 2,
    "yolo/class_out_of_range": 1, "yolo/box_outside_image": 1, "mot/not_a_number": 1, "mot/frame_zero": 1,
    "visdrone/category_12": 1, "visdrone/eight_columns": 1,
}


@pytest.mark.parametrize("case", [c for c in CASES if c["case"] in LENIENT], ids=lambda c: c["case"])
def test_lenient_skips_the_bad_record_with_a_warning(case, tmp_path):
    folder = CORPUS / "cases" / case["case"]
    src = folder / case["input"] if case["input"] != "." else folder
    with pytest.raises(ConvertError):
        xc.read(src, case["format"])
    report = xc.Run(lenient=True)
    strict_free = xc.read(src, case["format"], run=report)
    assert report.counts["skipped"] == len(report.warnings) == LENIENT[case["case"]]
    assert case["message"] in report.warnings[0]
    result = CliRunner().invoke(app, ["convert", str(src), str(tmp_path / "out.json"), "--from", case["format"],
                                      "--to", "coco", "--lenient", "-q", "--image-size", "16x16"])
    assert result.exit_code == 0, result.output
    assert "xsvid-convert: warning: skipped" in result.stderr
    assert f"skipped {LENIENT[case['case']]}" in result.stderr
    written = xc.read(tmp_path / "out.json", "coco")
    assert len(written.boxes) == len(strict_free.boxes)


def test_lenient_counts_every_bad_row(tmp_path):
    sequence = tmp_path / "mot/S1"
    (sequence / "gt").mkdir(parents=True)
    (sequence / "gt/gt.txt").write_text("1,1,1,1,2,2,1,1,1\n1,2,x,1,2,2,1,1,1\n2,1,1,1,2,2,1,1,1\n0,3,1,1,2,2,1,1,1\n"
                                        "2,2,1,1,2\n3,1,1,1,-2,2,1,1,1\n3,2,1,1,2,2,1,1,1\n")
    report = xc.Run(lenient=True)
    dataset = xc.read(tmp_path / "mot", "mot", run=report)
    assert sorted(int(w.split(": ", 1)[0].rsplit(":", 1)[1]) for w in report.warnings) == [2, 4, 5, 6]
    assert report.counts["skipped"] == 4 and len(dataset.boxes) == 3
    assert os.listdir(sequence / "gt") == ["gt.txt"]
