"""Checks that stand in for the consumers of our output."""

import re
from pathlib import Path

import yaml

NUMBER = re.compile(r"^-?\d+\.\d{6}$")


def assert_ultralytics_labels(label_dir: Path, nc: int) -> int:
    """Ultralytics' label rules: 5 columns, class < nc, values in [0, 1], fixed-point floats."""
    files = 0
    for path in label_dir.rglob("*.txt"):
        files += 1
        for line in path.read_text().splitlines():
            parts = line.split()
            assert len(parts) == 5, (path, line)
            assert 0 <= int(parts[0]) < nc, (path, line)
            for value in parts[1:]:
                assert NUMBER.match(value), (path, value)  # no %g, no exponent
                assert 0.0 <= float(value) <= 1.0, (path, line)
    return files


def load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def cli(*args):
    """The command line in its own process, as users run it (signals, exit codes, stderr)."""
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "xsvid_convert.cli", *map(str, args)], capture_output=True, text=True)


def tree_state(root: Path) -> dict:
    """Content hash and mtime of every file under `root`: what 'never modified' means."""
    import hashlib

    state = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            state[str(path)] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    return state


def invoke(*args):
    """The command line in this process (typer's runner): faster, for exit codes and output."""
    from typer.testing import CliRunner

    from xsvid_convert.cli import app

    return CliRunner().invoke(app, [str(a) for a in args])


BOX_COLUMNS = ("category_id", "track_id", "score", "ignore", "truncation", "occlusion", "visibility")


def assert_same_boxes(a, b, tolerance=lambda frame: 0.0, columns=BOX_COLUMNS, match="file_name") -> None:
    """Every frame of `a` in `b` (matched by `match`), with the same boxes in the same order: every
    column equal (NaN equals NaN), coordinates within `tolerance(frame)`."""
    import numpy as np

    key = (lambda f: getattr(f, match))
    by_key = {key(f): f for f in b.frames}
    assert sorted(map(str, by_key)) == sorted(str(key(f)) for f in a.frames)
    for fa in a.frames:
        fb = by_key[key(fa)]
        ia = np.flatnonzero(a.boxes.frame_id == fa.id)
        ib = np.flatnonzero(b.boxes.frame_id == fb.id)
        assert len(ia) == len(ib), fa.file_name
        for name in columns:
            np.testing.assert_array_equal(getattr(a.boxes, name)[ia], getattr(b.boxes, name)[ib], err_msg=name)
        for name in "xywh":
            gap = np.abs(getattr(a.boxes, name)[ia] - getattr(b.boxes, name)[ib]).max(initial=0)
            assert gap <= tolerance(fa), (fa.file_name, name, gap)
