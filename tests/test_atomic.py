"""Atomic output: a run killed half way leaves the previous output (or nothing); writing never
follows a symlink out of the output folder."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from xsvid_convert.synthetic import write_dataset, xsvid_coco

from test_bad_inputs import tree_state


def convert_cmd(src: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "xsvid_convert.cli", "convert", str(src), str(out), "--from", "coco",
            "--to", "yolo", "--images", "copy", "-q", *extra]


def kill_mid_write(cmd: list[str], parent: Path, name: str) -> None:
    """Start `cmd`, wait until its temporary output holds label files, then SIGKILL it."""
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            scratch = list(parent.glob(f".{name}.tmp-*/out/labels"))
            if scratch and any(scratch[0].rglob("*.txt")):
                process.send_signal(signal.SIGKILL)
                process.wait()
                return
            if process.poll() is not None:
                pytest.fail("the conversion ended before it could be killed; make the dataset larger")
            time.sleep(0.002)
        pytest.fail("no temporary output appeared")
    finally:
        if process.poll() is None:
            process.kill()


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    return write_dataset(tmp_path_factory.mktemp("big"), xsvid_coco(videos=20, frames=100, tracks=4))


def test_sigkill_leaves_previous_output_intact(big, tmp_path):
    out = tmp_path / "out"
    small = write_dataset(tmp_path / "small", xsvid_coco(videos=1, frames=2))
    assert subprocess.run(convert_cmd(small, out), capture_output=True).returncode == 0
    before = tree_state(out)
    kill_mid_write(convert_cmd(big, out, "--overwrite"), tmp_path, "out")
    assert tree_state(out) == before
    # the next run clears the killed run's leftovers and lands
    assert subprocess.run(convert_cmd(big, out, "--overwrite"), capture_output=True).returncode == 0
    assert len(list((out / "labels").rglob("*.txt"))) == 2000
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_sigkill_without_previous_output_leaves_nothing(big, tmp_path):
    out = tmp_path / "fresh"
    kill_mid_write(convert_cmd(big, out), tmp_path, "fresh")
    assert not out.exists()


def test_symlinks_in_an_old_output_are_not_followed(tmp_path):
    src = write_dataset(tmp_path / "d", xsvid_coco(videos=1, frames=2))
    outside = tmp_path / "precious"
    outside.mkdir()
    (outside / "keep.txt").write_text("mine")
    out = tmp_path / "out"
    out.mkdir()
    (out / "labels").symlink_to(outside, target_is_directory=True)
    (out / "data.yaml").symlink_to(outside / "keep.txt")
    link_out = tmp_path / "link_out"
    link_out.symlink_to(outside, target_is_directory=True)
    before = tree_state(outside)
    for target in (out, link_out):
        result = subprocess.run(convert_cmd(src, target, "--overwrite"), capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert (target / "labels").is_dir() and not (target / "labels").is_symlink()
        assert not target.is_symlink()
    assert tree_state(outside) == before and sorted(os.listdir(outside)) == ["keep.txt"]
