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
