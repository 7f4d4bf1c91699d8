import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_benchmark_runs_at_tiny_scale_and_both_sides_agree(tmp_path):
    result = subprocess.run([sys.executable, str(REPO / "benchmarks/run.py"), "--scale", "tiny", "--work", str(tmp_path)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("same label lines") == 2  # --workers 1 and 2 against the baseline
    table = (tmp_path / "tiny" / "RESULTS.md").read_text()
    assert table.count("| COCO→") == 3 and "VisDrone→COCO" in table and "`--workers 2` speed-up" in table


def test_release_benchmark_runs_at_tiny_scale_and_both_sides_agree(tmp_path):
    """The v2-real case: XS-VID v2's shape (categories from 0, `track_id`, background frames,
    image files) to YOLOFT's layout and to the release folder, the same label lines as the
    one-pass scripts."""
    result = subprocess.run([sys.executable, str(REPO / "benchmarks/run.py"), "--scale", "v2-real-tiny", "--work",
                             str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("same label lines") == 2
    table = (tmp_path / "v2-real-tiny" / "RESULTS.md").read_text()
    assert "| COCO→YOLO --layout yoloft |" in table and "| COCO→XS-VID folder |" in table
    rows = {line.split(" | ")[0].strip("| "): line for line in table.splitlines() if line.startswith("| COCO→")}
    assert "images symlinked" in rows["COCO→YOLO --layout yoloft"]
    assert "images hard-linked" in rows["COCO→XS-VID folder"]
