"""What a hostile input or an unlucky moment must never do: delete or change an input, write
outside the output, grow without bound, leave a half-replaced output, or print more than one line."""

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

import xsvid_convert as xc
from xsvid_convert.errors import ConvertError
from xsvid_convert.synthetic import write_dataset, xsvid_coco

from helpers import cli, tree_state

CLI = [sys.executable, "-m", "xsvid_convert.cli"]


def write_json(root: Path, doc: dict) -> Path:
    """The standard library's writer: orjson refuses integers beyond 64 bits, a hostile file may not."""
    import json

    path = root / "annotations" / "train.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(doc))
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# ---------------------------------------------------------------- inputs are never touched


def test_output_containing_a_json_input_is_refused_not_deleted(tmp_path):
    par = tmp_path / "par"
    src = write_dataset(par, xsvid_coco(videos=1, frames=2), images=False)
    before = tree_state(par)
    for target in ("mot", "yolo", "coco"):
        out = par if target != "coco" else src
        result = cli("convert", src, out, "--to", target, "--overwrite", "-q")
        assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
        assert "the input" in result.stderr
    assert tree_state(par) == before


def test_output_containing_or_inside_a_mot_input_is_refused(tmp_path):
    src = write_dataset(tmp_path / "d", xsvid_coco(videos=2, frames=2), images=False)
    mot = tmp_path / "ds" / "mot"
    assert cli("convert", src, mot, "--to", "mot", "--images", "none", "-q").returncode == 0
    before = tree_state(tmp_path / "ds")
    for out in (tmp_path / "ds", mot, mot / "inside.json", mot / "video_001" / "x"):
        to = "coco" if out.suffix == ".json" else "yolo"
        result = cli("convert", mot, out, "--from", "mot", "--to", to, "--overwrite", "-q")
        assert result.returncode == 2 and result.stderr.count("\n") == 1, (out, result.stderr)
    assert tree_state(tmp_path / "ds") == before


def test_output_over_a_yolo_dataset_root_or_its_images_is_refused(tmp_path):
    src = write_dataset(tmp_path / "d", xsvid_coco(videos=1, frames=2))
    yolo = tmp_path / "ds" / "yolo"
    assert cli("convert", src, yolo, "--to", "yolo", "--images", "copy", "-q").returncode == 0
    before = tree_state(tmp_path / "ds")
    # the yaml's dataset root is the input's tree: not the output, not its parent, nothing inside it
    for out in (yolo, tmp_path / "ds", yolo / "again.json", yolo / "images" / "train"):
        to = "coco" if out.suffix == ".json" else "mot"
        result = cli("convert", yolo / "data.yaml", out, "--from", "yolo", "--to", to, "--overwrite", "-q")
        assert result.returncode == 2 and result.stderr.count("\n") == 1, (out, result.stderr)
    assert tree_state(tmp_path / "ds") == before


def test_output_over_the_images_a_json_points_at_is_refused(tmp_path):
    root = tmp_path / "d"
    src = write_dataset(root, xsvid_coco(videos=2, frames=2))
    before = tree_state(root / "images")
    for out in (root / "images", root / "images" / "video_001", root / "images" / "video_001" / "new"):
        result = cli("convert", src, out, "--to", "mot", "--overwrite", "-q")
        assert result.returncode == 2 and "input" in result.stderr, (out, result.stderr)
    result = cli("preview", src, "--out", root / "images" / "video_002", "--overwrite")
    assert result.returncode == 2 and "input" in result.stderr
    result = cli("stats", src, "--plot", root / "images" / "video_002" / "0000000.png")
    assert result.returncode == 2 and "input" in result.stderr
    assert tree_state(root / "images") == before


# ---------------------------------------------------------------- no path leaves the output


def test_imdir_climbing_out_is_refused(tmp_path):
    seq = tmp_path / "mot" / "S1"
    (seq / "gt").mkdir(parents=True)
    (seq / "seqinfo.ini").write_text("[Sequence]\nname=S1\nimDir=../../../escaped\nseqLength=1\nimWidth=8\nimHeight=8\n")
    (seq / "gt" / "gt.txt").write_text("1,1,1,1,2,2,1,1,1\n")
    result = cli("convert", tmp_path / "mot", tmp_path / "out", "--from", "mot", "--to", "mot", "-q")
    assert result.returncode == 2 and "imDir" in result.stderr and "climbs out" in result.stderr
    assert not (tmp_path / "out").exists() and not (tmp_path.parent / "escaped").exists()


@pytest.mark.parametrize("line", ["../../outside.png", "/etc/hostname", "./../../outside.png"])
def test_yolo_list_lines_outside_the_dataset_are_refused(tmp_path, line):
    ds = tmp_path / "ds"
    (ds / "images").mkdir(parents=True)
    (ds / "images" / "train.txt").write_text(line + "\n")
    (ds / "data.yaml").write_text("train: images/train.txt\nval: images/train.txt\nnames: {0: car}\n")
    with pytest.raises(ConvertError, match="lies outside the dataset folder"):
        xc.read(ds, "yolo", image_size=(8, 8))


def test_yaml_images_dir_climbing_out_is_refused(tmp_path):
    ds = tmp_path / "ds"
    ds.mkdir()
    (ds / "data.yaml").write_text("train: train.txt\nimages_dir: ../elsewhere/\nlabels_dir: labels/\nnames: [car]\n")
    with pytest.raises(ConvertError, match="images_dir.*climbs out"):
        xc.read(ds / "data.yaml", "yolo")


@pytest.mark.parametrize("name", ["a\nb.png", "v/a\rb.png", "v/\x1b[31mred.png"])
def test_file_names_with_control_characters_are_refused_on_one_line(tmp_path, name):
    doc = xsvid_coco(videos=1, frames=1)
    doc["images"][0]["file_name"] = name
    src = write_dataset(tmp_path / "d", doc, images=False)
    result = cli("convert", src, tmp_path / "out.json", "--to", "coco", "-q")
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "control character" in result.stderr


# ---------------------------------------------------------------- no two sources in one place


def test_two_videos_with_one_name_are_refused_by_every_folder_writer(tmp_path):
    doc = xsvid_coco(videos=2, frames=2)
    doc["videos"][1]["name"] = doc["videos"][0]["name"]
    src = write_dataset(tmp_path / "d", doc, images=False)
    for target in ("mot", "visdrone"):
        result = cli("convert", src, tmp_path / target, "--to", target, "--images", "none", "-q")
        assert result.returncode == 2 and "video_001" in result.stderr, (target, result.stderr)
        assert not (tmp_path / target).exists()
    result = cli("convert", src, tmp_path / "yoloft", "--to", "yolo", "--layout", "yoloft", "-q")
    assert result.returncode == 2 and "video_001" in result.stderr


def test_two_mot_sequences_naming_themselves_alike_are_refused(tmp_path):
    for folder in ("A", "B"):
        (tmp_path / "mot" / folder / "gt").mkdir(parents=True)
        (tmp_path / "mot" / folder / "seqinfo.ini").write_text("[Sequence]\nname=SAME\nseqLength=2\n")
        (tmp_path / "mot" / folder / "gt" / "gt.txt").write_text("1,1,1,1,2,2,1,1,1\n")
    with pytest.raises(ConvertError, match="SAME"):
        xc.read(tmp_path / "mot", "mot", image_size=(8, 8))


def test_one_file_name_for_two_images_and_a_contradicting_video_id_are_refused(tmp_path):
    doc = xsvid_coco(videos=2, frames=2)
    doc["images"][1]["file_name"] = doc["images"][0]["file_name"]
    src = write_dataset(tmp_path / "a", doc, images=False)
    with pytest.raises(ConvertError, match=r"images\[1\].*used by two images"):
        xc.read(src, "coco")
    doc = xsvid_coco(videos=2, frames=2)
    doc["annotations"][0]["video_id"] = 2
    src = write_dataset(tmp_path / "b", doc, images=False)
    with pytest.raises(ConvertError, match=r"annotations\[0\]: video_id 2 is not the video of its image \(1\)"):
        xc.read(src, "coco")


# ---------------------------------------------------------------- strict means typed


@pytest.mark.parametrize("key,value,fragment", [
    ("iscrowd", "no", "iscrowd must be 0, 1, true or false"),
    ("iscrowd", {}, "iscrowd must be 0, 1, true or false"),
    ("iscrowd", 0.5, "iscrowd must be 0, 1, true or false"),
    ("instance_id", 1e20, "instance_id: expected an integer"),
    ("instance_id", "t1", "instance_id: expected an integer"),
    ("instance_id", 2**63, "does not fit in 64 bits"),
    ("id", True, "id: expected an integer"),
    ("area", "12", "area: expected a finite number"),
])
def test_every_key_read_is_typed_strictly_and_skipped_leniently(tmp_path, key, value, fragment):
    doc = xsvid_coco(videos=1, frames=2)
    doc["annotations"][2][key] = value
    src = write_json(tmp_path / "d", doc)
    with pytest.raises(ConvertError, match=r"annotations\[2\]"):
        xc.read(src, "coco")
    run = xc.Run(lenient=True)
    dataset = xc.read(src, "coco", run=run)
    assert len(dataset.boxes) == len(doc["annotations"]) - 1 and run.counts["skipped"] == 1
    assert fragment in run.warnings[0]


def test_image_ids_and_sizes_are_typed_too(tmp_path):
    for image_key, value in (("id", "1"), ("id", 1.0), ("width", 16.5), ("video_id", 2**64)):
        doc = xsvid_coco(videos=1, frames=2)
        doc["images"][0][image_key] = value
        src = write_json(tmp_path / f"{image_key}{value!r}", doc)
        with pytest.raises(ConvertError, match=rf"images\[0\]: {image_key}"):
            xc.read(src, "coco")


def test_mot_track_id_beyond_int64_is_refused(tmp_path):
    (tmp_path / "S" / "gt").mkdir(parents=True)
    (tmp_path / "S" / "gt" / "gt.txt").write_text("1,1e20,1,1,2,2,1,1,1\n")
    with pytest.raises(ConvertError, match=r"gt.txt:1: id must be a whole number"):
        xc.read(tmp_path / "S", "mot", image_size=(8, 8))


# ---------------------------------------------------------------- bounded on lying inputs


def run_limited(args: list, memory_mb: int = 1024) -> tuple[subprocess.CompletedProcess, float]:
    """The CLI in a child whose address space is capped: a per-frame allocation driven by a lying
    number dies there, instead of slowing the machine."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))

    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    start = time.monotonic()
    result = subprocess.run(CLI + [str(a) for a in args], capture_output=True, text=True, preexec_fn=limit, env=env)
    return result, time.monotonic() - start


@pytest.mark.parametrize("where,text", [
    ("gt/gt.txt", "1000000000,1,1,1,2,2,1,1,1\n"),
    ("seqinfo.ini", "[Sequence]\nname=S\nseqLength=1000000000\nimWidth=8\nimHeight=8\n"),
])
def test_lying_frame_numbers_fail_fast_in_bounded_memory(tmp_path, where, text):
    seq = tmp_path / "mot" / "S"
    (seq / "gt").mkdir(parents=True)
    (seq / "gt" / "gt.txt").write_text("1,1,1,1,2,2,1,1,1\n")
    (seq / "seqinfo.ini").write_text("[Sequence]\nname=S\nimWidth=8\nimHeight=8\n")  # no length to compare with
    (seq / where).write_text(text)
    result, _ = run_limited(["convert", tmp_path / "mot", tmp_path / "o.json", "--from", "mot", "--to", "coco", "-q"])
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and f"{seq / where}" in result.stderr and "far beyond" in result.stderr


def test_lying_visdrone_frame_fails_fast(tmp_path):
    (tmp_path / "vd" / "annotations").mkdir(parents=True)
    (tmp_path / "vd" / "annotations" / "s.txt").write_text("999999999,1,1,1,2,2,1,1,0,0\n")
    result, _ = run_limited(["convert", tmp_path / "vd", tmp_path / "o.json", "--from", "visdrone", "--to", "coco",
                             "--image-size", "8x8", "-q"])
    assert result.returncode == 2 and "s.txt:1" in result.stderr and "far beyond" in result.stderr


def test_yaml_alias_bombs_are_refused(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 9) + "]" for k in range(1, 9)]
    (tmp_path / "data.yaml").write_text("\n".join(lines) + "\ntrain: a\nnames: *a8\n")
    result, took = run_limited(["convert", tmp_path / "data.yaml", tmp_path / "o.json", "--from", "yolo", "--to", "coco"])
    assert result.returncode == 2 and "aliases" in result.stderr and took < 10


def test_preview_of_a_frame_claiming_a_huge_size_is_refused(tmp_path):
    doc = xsvid_coco(videos=1, frames=1)
    doc["images"][0].update(width=1_000_000, height=1_000_000)
    src = write_dataset(tmp_path / "d", doc, images=False)
    result, _ = run_limited(["preview", src, "--out", tmp_path / "p", "--frames", "0"])
    assert result.returncode == 2 and "pixels" in result.stderr and not (tmp_path / "p").exists()


# ---------------------------------------------------------------- a crash at any instruction


def strace_run(args: list, inject: list[str]) -> subprocess.CompletedProcess:
    if not shutil.which("strace"):
        pytest.skip("strace is not installed; it injects the crash between two system calls")
    command = ["strace", "-f", "-o", os.devnull]
    for rule in inject:
        command += ["-e", f"inject={rule}"]
    return subprocess.run(command + CLI + [str(a) for a in args], capture_output=True, text=True)


@pytest.fixture
def two_outputs(tmp_path):
    small = write_dataset(tmp_path / "small", xsvid_coco(videos=1, frames=2))
    big = write_dataset(tmp_path / "big", xsvid_coco(videos=2, frames=3))
    out = tmp_path / "out"
    assert subprocess.run(CLI + ["convert", str(small), str(out), "--to", "yolo", "-q"]).returncode == 0
    return small, big, out


@pytest.mark.parametrize("crash", [
    ["renameat2:signal=KILL"],                                   # before the swap
    ["unlinkat:signal=KILL:when=1"],                              # after it, before the old output is removed
    ["renameat2:error=ENOSYS", "rename:signal=KILL:when=2"],      # without the swap: between the two renames
    ["renameat2:error=ENOSYS", "unlinkat:signal=KILL:when=1"],    # after them, before the old one is removed
])
def test_a_kill_during_replacement_is_recovered_by_the_next_run(two_outputs, crash):
    small, big, out = two_outputs
    before = tree_state(out)
    killed = strace_run(["convert", big, out, "--to", "yolo", "--overwrite", "-q"], crash)
    assert killed.returncode != 0
    # whatever the moment, a complete output is in place: the old one, or the new one
    state = tree_state(out) if out.exists() else None
    assert state == before or len(list((out / "labels").rglob("*.txt"))) == 6 or not out.exists()
    # the next run (no --overwrite) sees an output in place; with --overwrite it lands and tidies up
    again = subprocess.run(CLI + ["convert", str(small), str(out), "--to", "yolo", "-q"], capture_output=True, text=True)
    assert again.returncode == 2 and "--overwrite" in again.stderr
    assert subprocess.run(CLI + ["convert", str(big), str(out), "--to", "yolo", "-q", "--overwrite"]).returncode == 0
    assert len(list((out / "labels").rglob("*.txt"))) == 6 and leftovers(out.parent) == []


@pytest.mark.parametrize("target", ["coco", "yolo"])
def test_concurrent_runs_to_one_output_leave_one_complete_output(tmp_path, target):
    src = write_dataset(tmp_path / "d", xsvid_coco(videos=3, frames=20))
    out = tmp_path / ("out.json" if target == "coco" else "out")
    reference = tmp_path / ("ref.json" if target == "coco" else "ref")
    xc.convert(src, reference, "coco", target)
    for _ in range(10):
        runs = [subprocess.Popen(CLI + ["convert", str(src), str(out), "--to", target, "--overwrite", "-q"],
                                 stderr=subprocess.PIPE) for _ in range(2)]
        assert [p.wait() for p in runs] == [0, 0], [p.stderr.read() for p in runs]
        assert leftovers(tmp_path) == []
        if target == "coco":
            assert orjson.loads(out.read_bytes()) == orjson.loads(reference.read_bytes())
        else:
            assert sorted(p.relative_to(out) for p in out.rglob("*")) == \
                sorted(p.relative_to(reference) for p in reference.rglob("*"))


def test_stale_folders_a_user_made_are_never_removed(tmp_path):
    src = write_dataset(tmp_path / "d", xsvid_coco(videos=1, frames=2), images=False)
    mine = tmp_path / ".out.tmp-mine"
    mine.mkdir()
    (mine / "keep.txt").write_text("mine")
    assert cli("convert", src, tmp_path / "out", "--to", "mot", "-q").returncode == 0
    assert (mine / "keep.txt").read_text() == "mine"


# ---------------------------------------------------------------- one line, always


def test_workers_stop_cleanly_on_sigint_and_sigterm(tmp_path):
    src = write_dataset(tmp_path / "d", xsvid_coco(videos=4, frames=500, tracks=3), images=False)
    for sig, code in ((signal.SIGINT, 130), (signal.SIGTERM, 130)):
        out = tmp_path / f"out{sig}"
        process = subprocess.Popen(CLI + ["convert", str(src), str(out), "--to", "yolo", "--workers", "2", "-q"],
                                   stderr=subprocess.PIPE, text=True, start_new_session=True)
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob(f".{out.name}.tmp-*/out/labels/*/*/*.txt")) and time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail("the conversion ended before it could be interrupted; make the dataset larger")
            time.sleep(0.01)
        os.killpg(process.pid, sig) if sig == signal.SIGINT else process.send_signal(sig)
        _, err = process.communicate(timeout=60)
        assert process.returncode == code and err.count("\n") == 1 and "interrupted" in err, err
        assert "Traceback" not in err
        time.sleep(0.2)
        survivors = subprocess.run(["pgrep", "-g", str(process.pid)], capture_output=True, text=True).stdout
        assert survivors.strip() == "" and not out.exists() and leftovers(tmp_path) == []


def test_a_huge_bad_token_is_quoted_short(tmp_path):
    (tmp_path / "S" / "gt").mkdir(parents=True)
    (tmp_path / "S" / "gt" / "gt.txt").write_text("1,1," + "x" * 5_000_000 + ",1,2,2,1,1,1\n")
    result = cli("convert", tmp_path / "S", tmp_path / "o.json", "--from", "mot", "--to", "coco", "--image-size", "8x8")
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and len(result.stderr) < 400


def test_overflowing_numbers_give_one_line_and_no_warning(tmp_path):
    doc = xsvid_coco(videos=1, frames=1)
    doc["annotations"][0]["bbox"] = [1.0, 1.0, 1e200, 1e200]
    src = write_dataset(tmp_path / "d", doc, images=False)
    result = cli("convert", src, tmp_path / "y", "--to", "yolo", "-q")
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "too large" in result.stderr
    assert "Warning" not in result.stderr


def test_fifos_where_files_are_expected_are_refused_not_read(tmp_path):
    src = write_dataset(tmp_path / "d", xsvid_coco(videos=1, frames=2))
    image = tmp_path / "d" / "images" / "video_001" / "0000000.png"
    image.unlink()
    os.mkfifo(image)
    doc = orjson.loads(src.read_bytes())
    for i in doc["images"]:
        i.pop("width"), i.pop("height")
    src.write_bytes(orjson.dumps(doc))
    start = time.monotonic()
    result = cli("convert", src, tmp_path / "y", "--to", "yolo", "-q", "--images-root", tmp_path / "d" / "images")
    assert result.returncode == 2 and "not a regular file" in result.stderr and time.monotonic() - start < 30
    label_fifo = tmp_path / "label.json"
    os.mkfifo(label_fifo)
    result = cli("convert", label_fifo, tmp_path / "o.json", "--from", "coco", "--to", "coco")
    assert result.returncode == 2 and "not a regular file" in result.stderr


def test_a_full_disk_names_the_output(tmp_path):
    src = write_dataset(tmp_path / "d", xsvid_coco(videos=3, frames=20), images=False)

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    result = subprocess.run(CLI + ["convert", str(src), str(tmp_path / "o.json"), "--to", "cocovid", "-q"],
                            capture_output=True, text=True, preexec_fn=small_files)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "o.json" in result.stderr, result.stderr
    assert not (tmp_path / "o.json").exists() and leftovers(tmp_path) == []


def test_a_mot_row_past_seqlength_is_refused_and_skipped_leniently(tmp_path):
    seq = tmp_path / "mot" / "S"
    (seq / "gt").mkdir(parents=True)
    (seq / "gt" / "gt.txt").write_text("1,1,1,1,2,2,1,1,1\n9,1,1,1,2,2,1,1,1\n")
    (seq / "seqinfo.ini").write_text("[Sequence]\nname=S\nseqLength=4\nimWidth=8\nimHeight=8\n")
    result = cli("convert", tmp_path / "mot", tmp_path / "o.json", "--from", "mot", "--to", "coco", "-q")
    assert result.returncode == 2 and not (tmp_path / "o.json").exists()
    assert result.stderr == f"xsvid-convert: error: {seq / 'gt/gt.txt'}:2: frame 9 is beyond the seqLength 4 of seqinfo.ini\n"
    report = xc.convert(tmp_path / "mot", tmp_path / "o.json", "mot", "coco", lenient=True)
    assert report.counts["skipped"] == 1 and report.counts["frames"] == 4 and report.counts["boxes"] == 1


@pytest.mark.parametrize("fmt", ["mot", "visdrone", "uavdt"])
def test_a_lying_frame_index_is_not_written_as_a_frame_number(tmp_path, fmt):
    """A COCO frame_index of 10^15 would be a seqLength of 10^15 (and a float in the rows)."""
    doc = {"categories": [{"id": 1, "name": "car"}], "videos": [{"id": 1, "name": "v"}],
           "images": [{"id": 1, "file_name": "v/a.jpg", "width": 8, "height": 8, "video_id": 1, "frame_index": 0},
                      {"id": 2, "file_name": "v/b.jpg", "width": 8, "height": 8, "video_id": 1,
                       "frame_index": 10**15}],
           "annotations": [{"id": 1, "image_id": 2, "category_id": 1, "bbox": [1, 1, 2, 2], "area": 4, "iscrowd": 0}]}
    (tmp_path / "c.json").write_bytes(orjson.dumps(doc))
    result = cli("convert", tmp_path / "c.json", tmp_path / "out", "--from", "coco", "--to", fmt, "--images", "none")
    assert result.returncode == 2 and not (tmp_path / "out").exists()
    assert result.stderr == ("xsvid-convert: error: v/b.jpg: frame index 1000000000000001 is far beyond what the "
                             "sequence holds: at most 50000 frames (max(50000, 16 per row, its images)) are accepted\n")


def test_a_number_with_an_underscore_is_not_a_number(tmp_path):
    """`1_0` is 10 to Python and numpy; in a VisDrone or MOT row it is a typo, not frame 10."""
    (tmp_path / "vd" / "annotations").mkdir(parents=True)
    (tmp_path / "vd" / "annotations" / "s.txt").write_text("1,1,1,1,2,2,1,1,0,0\n1_0,1,1,1,2,2,1,1,0,0\n")
    result = cli("convert", tmp_path / "vd", tmp_path / "o.json", "--from", "visdrone", "--to", "coco",
                 "--image-size", "8x8", "-q")
    assert result.returncode == 2
    assert result.stderr == f"xsvid-convert: error: {tmp_path / 'vd/annotations/s.txt'}:2: column 1 is not a number: '1_0'\n"
