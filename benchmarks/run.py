"""`make bench`: the project and a hand-written one-pass baseline, side by side, in one run.

Each conversion runs as its own process; we report wall time, the child's peak RSS and the ratio
project / baseline, check that both wrote the same label lines where both define them, and write
the table to benchmarks/RESULTS.md.

    python benchmarks/run.py                # v1 (~367k boxes), then v2 (~4.5M boxes)
    python benchmarks/run.py --scale tiny   # seconds; what the tests run
    python benchmarks/run.py --scale v2     # ~4.5M boxes, generated on demand, never committed
    python benchmarks/run.py --scale results  # a 5M-row COCO results file -> MOT and TAO results
    python benchmarks/run.py --scale v2-real  # XS-VID v2's shape -> YOLOFT layout and release folder

Data and outputs go to tmpfs (/dev/shm) when there is one: on this machine's disk creating 12k
small files takes 5-11 s, varying run to run, which drowns the programs' own cost.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from xsvid_convert.synthetic import write_dataset, xsvid_coco  # noqa: E402
from xsvid_convert.tools.categories import XSVID_V2  # noqa: E402

SCALES = {
    "tiny": dict(videos=3, frames=20, tracks=10),
    "v1": dict(videos=38, frames=322, tracks=30),     # 12,236 frames, ~367k boxes
    "v2": dict(videos=374, frames=596, tracks=20),    # 222,904 frames, ~4.5M boxes
    "results": dict(videos=64, frames=570, tracks=2),  # XS-VID test's ~36,500 frames; 5M result rows on them
    "results-tiny": dict(videos=3, frames=20, tracks=2),
    # XS-VID v2 as released: 374 videos, 222,924 frames (a tenth of them background), ~1.4M boxes,
    # categories 0..6, tracks in `track_id`, `frame_index`; every frame an image file
    "v2-real": dict(videos=374, frames=596, longer_videos=20, tracks=7, background_every=10, names=XSVID_V2,
                    first_category_id=0, track_key="track_id", frame_key="frame_index"),
    "v2-real-tiny": dict(videos=4, frames=12, longer_videos=2, tracks=3, background_every=10, names=XSVID_V2,
                         first_category_id=0, track_key="track_id", frame_key="frame_index"),
}
RELEASE_SCALES = ("v2-real", "v2-real-tiny")
RESULT_ROWS = {"results": 5_000_000, "results-tiny": 20_000}


def run(cmd: list[str], output: Path, repeat: int = 1) -> tuple[float, float]:
    """Best wall seconds and peak RSS (MB) of a child process over `repeat` runs (file-system
    noise on a shared machine only ever adds time).  The output is removed before each run, so
    both sides write into nothing."""
    results = []
    for _ in range(repeat):
        target = Path(output)
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        results.append(_run_once(cmd))
    return min(r[0] for r in results), max(r[1] for r in results)


def _run_once(cmd: list[str]) -> tuple[float, float]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{err}")
    return wall, usage.ru_maxrss / 1024


def labels(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text() for p in folder.rglob("*.txt")}


def how_placed(out: Path, images: Path) -> str:
    """How the output holds the source's first frame: the release folder must hard-link it
    (YOLOFT's tools resolve symlinks and refuse frames outside `images/`)."""
    video = min(p.name for p in images.iterdir())
    frame = min(p.name for p in (images / video).iterdir())
    placed, source = out / "images" / video / frame, images / video / frame
    if not placed.exists():
        return "images MISSING"
    if not placed.samefile(source):
        return "images COPIED"
    return "images symlinked" if placed.is_symlink() else "images hard-linked"


def generate(scale: str, work: Path) -> None:
    doc = xsvid_coco(width=1024, height=1024, **SCALES[scale])
    write_dataset(work / "xsvid", doc, images=False)
    if scale in RELEASE_SCALES:
        write_image_files(work / "xsvid" / "images", doc)
    if scale in RESULT_ROWS:
        write_results(work / "xsvid" / "annotations" / "train.json", work / "results.json", RESULT_ROWS[scale])


def write_image_files(root: Path, doc: dict) -> None:
    """One real 1024x1024 PNG's bytes under every frame's name (the conversions link images, they
    do not decode them; one encoding keeps 222k files quick to make)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1024, 1024), (90, 90, 90)).save(buffer, "PNG")
    data, made = buffer.getvalue(), set()
    for image in doc["images"]:
        target = root / image["file_name"]
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(data)


def write_results(gt: Path, target: Path, rows: int) -> None:
    """A detector's output on every frame of `gt`: image by image, bbox to 3 decimals, score to 5."""
    import numpy as np
    import orjson

    doc = orjson.loads(gt.read_bytes())
    images = np.array([i["id"] for i in doc["images"]], dtype=np.int64)
    categories = np.array([c["id"] for c in doc["categories"]], dtype=np.int64)
    rng = np.random.default_rng(0)
    image = np.sort(rng.choice(images, rows))
    category = rng.choice(categories, rows)
    xy = np.round(rng.uniform(0, 1000, (rows, 2)), 3)
    wh = np.round(rng.uniform(2, 40, (rows, 2)), 3)
    score = np.round(rng.uniform(0.001, 1, rows), 5)
    row = '{"image_id": %d, "category_id": %d, "bbox": [%r, %r, %r, %r], "score": %r}'
    with open(target, "w") as out:
        out.write("[")
        for start in range(0, rows, 100_000):
            stop = min(rows, start + 100_000)
            columns = [image[start:stop].tolist(), category[start:stop].tolist(), xy[start:stop, 0].tolist(),
                       xy[start:stop, 1].tolist(), wh[start:stop, 0].tolist(), wh[start:stop, 1].tolist(),
                       score[start:stop].tolist()]
            flat = tuple(v for r in zip(*columns) for v in r)
            out.write(("," if start else "") + ", ".join([row] * (stop - start)) % flat)
        out.write("]")


# conversion -> the v1 ratio project/baseline it must stay under; v2 has a memory target instead
TARGETS = {"COCO→YOLO": 1.3}
DEFAULT_TARGET = 1.5
V2_PEAK_MB = 2048
V2_REAL_PEAK_MB = 1024
TMPFS = Path("/dev/shm")


def main() -> None:
    if sys.argv[1:2] == ["--generate"]:
        generate(sys.argv[2], Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=SCALES, nargs="+", default=["v1", "v2", "v2-real", "results"])
    parser.add_argument("--work", type=Path, default=TMPFS / "xsvid-convert-bench" if TMPFS.is_dir() else HERE / "data")
    parser.add_argument("--results", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    benches = {**{s: bench_results for s in RESULT_ROWS}, **{s: bench_release for s in RELEASE_SCALES}}
    tables = [benches.get(scale, bench)(scale, args) for scale in args.scale]
    header = ["# Benchmark", "",
              f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"{platform.platform()}; {time.strftime('%Y-%m-%d')}.", "",
              "Each conversion is its own process; wall time and the child's peak RSS; v1 rows are the "
              "best of {args.repeat} runs, project and baseline alternating, v2 rows one run. Targets: v1 COCO→YOLO ≤ 1.3x the baseline, "
              "other v1 rows ≤ 1.5x; v2 peak RSS ≤ 2 GB; v2-real peak RSS ≤ 1 GB; results and v2-real rows one run.".replace("{args.repeat}", str(args.repeat)), ""]
    small = all(scale.endswith("tiny") for scale in args.scale)
    target = args.results or (HERE / "RESULTS.md" if not small else args.work / args.scale[0] / "RESULTS.md")
    target.write_text("\n".join(header + [line for t in tables for line in t]) + "\n")
    print(f"written {target}")


def prepare(scale: str, args: argparse.Namespace, made: str = "xsvid/annotations/train.json") -> tuple[Path, Path]:
    """The scale's data folder (its data made when `made` is missing there) and an empty `out/`."""
    work = args.work / scale
    if not (work / made).exists():
        # in a child process: a forked child's peak RSS counts the parent's pages, so the parent
        # must stay small for the measurements below to be the conversions' own
        print(f"generating {scale} data in {work} ...", file=sys.stderr)
        subprocess.run([sys.executable, __file__, "--generate", scale, str(work)], check=True)
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    return work, out


def bench(scale: str, args: argparse.Namespace) -> list[str]:
    work, out = prepare(scale, args)
    source = work / "xsvid" / "annotations" / "train.json"
    py = sys.executable
    cli = [py, "-m", "xsvid_convert.cli"]
    base = [py, str(HERE / "baselines.py")]
    yolo, yolo_base = out / "yolo", out / "yolo_base"
    # (name, project command, its output, baseline command, its output)
    jobs = [
        ("COCO→YOLO", cli + ["coco-to-yolo", source, yolo, "-q", "--split", "train", "--images", "none"], yolo,
         base + ["coco_to_yolo", source, yolo_base], yolo_base),
        ("COCO→YOLO --workers 2", cli + ["coco-to-yolo", source, out / "yolo_w2", "-q", "--split", "train", "--images", "none",
                                         "--workers", "2"], out / "yolo_w2",
         base + ["coco_to_yolo", source, yolo_base], yolo_base),
        ("YOLO→COCO", cli + ["yolo-to-coco", yolo, out / "yolo.json", "-q", "--image-size", "1024x1024"], out / "yolo.json",
         base + ["yolo_to_coco", yolo_base, out / "yolo_base.json"], out / "yolo_base.json"),
        ("COCO→CocoVID", cli + ["convert", source, out / "vid.json", "--from", "coco", "--to", "cocovid", "-q"], out / "vid.json",
         base + ["coco_to_cocovid", source, out / "vid_base.json"], out / "vid_base.json"),
        ("CocoVID→MOT", cli + ["cocovid-to-mot", out / "vid.json", out / "mot", "-q", "--images", "none"], out / "mot",
         base + ["cocovid_to_mot", out / "vid.json", out / "mot_base"], out / "mot_base"),
        ("VisDrone→COCO", cli + ["visdrone-to-coco", out / "visdrone", out / "vd.json", "-q", "--image-size", "1024x1024"], out / "vd.json",
         base + ["visdrone_to_coco", out / "visdrone", out / "vd_base.json"], out / "vd_base.json"),
    ]
    if scale == "v2":  # the issue asks VisDrone only at v1 scale
        jobs = [job for job in jobs if job[0] != "VisDrone→COCO"]
    rows = []
    for name, ours, ours_out, theirs, theirs_out in jobs:
        if name == "VisDrone→COCO":  # its input: our VisDrone writer on the same data
            subprocess.run(cli + ["convert", source, out / "visdrone", "--from", "coco", "--to", "visdrone",
                                  "-q", "--images", "none"], check=True)
        repeat = 1 if scale == "v2" else args.repeat
        # alternate the two sides, so that a slow spell of the shared disk hits both alike
        ours_runs, base_runs = [], []
        for _ in range(repeat):
            ours_runs.append(run([str(c) for c in ours], ours_out))
            base_runs.append(run([str(c) for c in theirs], theirs_out))
        t_ours, m_ours = min(t for t, _ in ours_runs), max(m for _, m in ours_runs)
        t_base, m_base = min(t for t, _ in base_runs), max(m for _, m in base_runs)
        same = ""
        if name.startswith("COCO→YOLO"):
            a, b = labels(ours_out / "labels"), labels(out / "yolo_base" / "labels")
            same = "same label lines" if a == b else f"LABELS DIFFER ({sum(a.get(k) != v for k, v in b.items())} files)"
        rows.append((name, t_ours, m_ours, t_base, m_base, same))
        print(f"{name:14} project {t_ours:7.2f} s {m_ours:7.0f} MB | baseline {t_base:7.2f} s {m_base:7.0f} MB"
              f" | ratio {t_ours / t_base:5.2f} {same}", flush=True)
    table = [
        f"## {scale}: {SCALES[scale]}", "",
        "| conversion | project s | project peak MB | baseline s | baseline peak MB | ratio | check | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for n, a, b, c, d, same in rows:
        if scale == "v2":
            verdict = "met" if b <= V2_PEAK_MB else "MISSED"
            goal = f"peak ≤ {V2_PEAK_MB} MB: {verdict}"
        elif scale == "tiny":
            goal = ""
        else:
            limit = TARGETS.get(n.split(" --")[0], DEFAULT_TARGET)
            goal = f"≤ {limit}x: {'met' if a / c <= limit else 'MISSED'}"
        table.append(f"| {n} | {a:.2f} | {b:.0f} | {c:.2f} | {d:.0f} | {a / c:.2f} | {same} | {goal} |")
    times = {n: a for n, a, *_ in rows}
    if "COCO→YOLO" in times and "COCO→YOLO --workers 2" in times:
        speedup = times["COCO→YOLO"] / times["COCO→YOLO --workers 2"]
        table += ["", f"`--workers 2` speed-up of COCO→YOLO on {os.cpu_count()} cores: {speedup:.2f}x"]
        print(f"--workers 2 speed-up: {speedup:.2f}x")
    return table + [""]


def bench_release(scale: str, args: argparse.Namespace) -> list[str]:
    """XS-VID v2's shape, images linked: -> YOLOFT's layout (symlinks) and -> the release folder
    (hard links), beside one-pass scripts doing the same; peak RSS against V2_REAL_PEAK_MB."""
    work, out = prepare(scale, args)
    source = work / "xsvid" / "annotations" / "train.json"
    cli = [sys.executable, "-m", "xsvid_convert.cli", "convert", source]
    base = [sys.executable, str(HERE / "baselines.py")]
    jobs = [("COCO→YOLO --layout yoloft", cli + [out / "yoloft", "--from", "coco", "--to", "yolo", "--layout", "yoloft",
                                                 "--images", "link", "-q"], out / "yoloft",
             base + ["coco_to_yoloft", source, out / "yoloft_base"], out / "yoloft_base"),
            ("COCO→XS-VID folder", cli + [out / "xsvid", "--from", "coco", "--to", "xsvid", "--images", "link", "-q"],
             out / "xsvid", base + ["coco_to_xsvid", source, out / "xsvid_base"], out / "xsvid_base")]
    table = [f"## {scale}: {SCALES[scale]}", "",
             "| conversion | project s | project peak MB | baseline s | baseline peak MB | ratio | check | target |",
             "|---|---|---|---|---|---|---|---|"]
    for name, ours, ours_out, theirs, theirs_out in jobs:
        t_ours, m_ours = run([str(c) for c in ours], ours_out)
        t_base, m_base = run([str(c) for c in theirs], theirs_out)
        a, b = labels(ours_out / "labels"), labels(theirs_out / "labels")
        same = "same label lines" if a == b else f"LABELS DIFFER ({sum(a.get(k) != v for k, v in b.items())} files)"
        same += ", " + how_placed(ours_out, work / "xsvid" / "images")
        goal = f"peak ≤ {V2_REAL_PEAK_MB} MB: {'met' if m_ours <= V2_REAL_PEAK_MB else 'MISSED'}"
        print(f"{name:26} project {t_ours:7.2f} s {m_ours:7.0f} MB | baseline {t_base:7.2f} s {m_base:7.0f} MB"
              f" | ratio {t_ours / t_base:5.2f} {same}", flush=True)
        table.append(f"| {name} | {t_ours:.2f} | {m_ours:.0f} | {t_base:.2f} | {m_base:.0f} | {t_ours / t_base:.2f} "
                     f"| {same} | {goal} |")
        for done in (ours_out, theirs_out):  # 450k files each: tmpfs runs out of inodes before bytes
            shutil.rmtree(done, ignore_errors=True)
    return table + [""]


def bench_results(scale: str, args: argparse.Namespace) -> list[str]:
    """A COCO results file of RESULT_ROWS rows on an XS-VID-sized ground truth -> MOT results and
    -> TAO results, against the one-pass baselines."""
    work, out = prepare(scale, args, "results.json")
    gt, source = work / "xsvid" / "annotations" / "train.json", work / "results.json"
    cli = [sys.executable, "-m", "xsvid_convert.cli", "convert", source]
    base = [sys.executable, str(HERE / "baselines.py")]
    jobs = [("COCO results→MOT results", cli + [out / "mot", "--from", "coco-results", "--to", "mot-results", "--gt", gt, "-q"],
             out / "mot", base + ["coco_results_to_mot_results", source, out / "mot_base", gt], out / "mot_base"),
            ("COCO results→TAO results", cli + [out / "tao.json", "--from", "coco-results", "--to", "tao-results", "--gt", gt, "-q"],
             out / "tao.json", base + ["coco_results_to_tao_results", source, out / "tao_base.json", gt], out / "tao_base.json")]
    table = [f"## {scale}: {RESULT_ROWS[scale]:,} result rows on {SCALES[scale]}", "",
             "| conversion | project s | project peak MB | baseline s | baseline peak MB | ratio | check |", "|---|---|---|---|---|---|---|"]
    for name, ours, ours_out, theirs, theirs_out in jobs:
        t_ours, m_ours = run([str(c) for c in ours], ours_out)
        t_base, m_base = run([str(c) for c in theirs], theirs_out)
        same = ""
        if ours_out.is_dir():
            a, b = labels(ours_out), labels(theirs_out)
            same = "same rows" if a == b else f"ROWS DIFFER ({sum(a.get(k) != v for k, v in b.items())} files)"
        print(f"{name:26} project {t_ours:7.2f} s {m_ours:7.0f} MB | baseline {t_base:7.2f} s {m_base:7.0f} MB"
              f" | ratio {t_ours / t_base:5.2f} {same}", flush=True)
        table.append(f"| {name} | {t_ours:.2f} | {m_ours:.0f} | {t_base:.2f} | {m_base:.0f} | {t_ours / t_base:.2f} | {same} |")
    return table + [""]


if __name__ == "__main__":
    main()
