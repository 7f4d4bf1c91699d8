"""Video-level splits (no video in both train and val) and --dry-run (prints, writes nothing)."""

import orjson
import pytest
import xsvid_convert as xc
from xsvid_convert.synthetic import write_dataset, xsvid_coco

from helpers import assert_ultralytics_labels, invoke, load_yaml

@pytest.fixture
def five_videos(tmp_path):
    return write_dataset(tmp_path / "d", xsvid_coco(videos=5, frames=3))


def videos_in(listing: str) -> set[str]:
    return {line.split("/")[2] for line in listing.splitlines() if line}


def test_split_by_video_to_yolo_keeps_each_video_whole(five_videos, tmp_path):
    out = tmp_path / "y"
    result = invoke("coco-to-yolo", five_videos, out, "--split-by", "video", "--val-fraction", "0.4", "--seed", "3", "-q")
    assert result.exit_code == 0, result.output
    train = videos_in((out / "images/train.txt").read_text())
    val = videos_in((out / "images/val.txt").read_text())
    assert len(val) == 2 and len(train) == 3 and not train & val
    assert len((out / "images/train.txt").read_text().splitlines()) == 9
    data = load_yaml(out / "data.yaml")
    assert data["train"] == "images/train.txt" and data["val"] == "images/val.txt"
    assert assert_ultralytics_labels(out / "labels", 9) == 15
    # the same seed gives the same split; another seed may not
    again = tmp_path / "y2"
    invoke("coco-to-yolo", five_videos, again, "--split-by", "video", "--val-fraction", "0.4", "--seed", "3", "-q")
    assert videos_in((again / "images/val.txt").read_text()) == val


def test_explicit_val_videos_to_coco_gives_one_file_per_split(five_videos, tmp_path):
    out = tmp_path / "coco_splits"
    result = invoke("convert", five_videos, out, "--to", "coco", "--val-videos", "video_002,video_005", "-q")
    assert result.exit_code == 0, result.output
    train, val = (orjson.loads((out / f"{s}.json").read_bytes()) for s in ("train", "val"))
    assert sorted(v["name"] for v in val["videos"]) == ["video_002", "video_005"]
    assert sorted(v["name"] for v in train["videos"]) == ["video_001", "video_003", "video_004"]
    source = orjson.loads(five_videos.read_bytes())
    assert len(train["images"]) + len(val["images"]) == len(source["images"])
    assert len(train["annotations"]) + len(val["annotations"]) == len(source["annotations"])
    val_images = {i["id"] for i in val["images"]}
    assert all(a["image_id"] in val_images for a in val["annotations"])


def test_split_by_video_to_mot_and_back(five_videos, tmp_path):
    out = tmp_path / "mot"
    result = invoke("convert", five_videos, out, "--to", "mot", "--split-by", "video", "--images", "none", "-q")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["train", "val"]
    assert len(list((out / "val").iterdir())) == 1  # round(0.2 * 5)
    assert {p.name for p in (out / "train").iterdir()}.isdisjoint(p.name for p in (out / "val").iterdir())
    back = xc.read(out, "mot")
    assert {f.split for f in back.frames} == {"train", "val"}


def test_split_errors(five_videos, tmp_path):
    result = invoke("convert", five_videos, tmp_path / "o.json", "--to", "coco", "--split-by", "video")
    assert result.exit_code == 2 and "name a folder" in result.stderr
    result = invoke("convert", five_videos, tmp_path / "o", "--to", "yolo", "--val-videos", "nope")
    assert result.exit_code == 2 and "no such videos: nope" in result.stderr
    assert not (tmp_path / "o").exists()


def test_dry_run_prints_and_writes_nothing(five_videos, tmp_path):
    out = tmp_path / "y"
    result = invoke("coco-to-yolo", five_videos, out, "--layout", "yoloft", "--dry-run", "-q")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # 15 labels, 15 images, data.yaml, images/train.txt, annotations/train.json (YOLOFT's eval file)
    assert lines[0].startswith(f"dry run: {five_videos} -> {out} would write 33 files: frames 15, boxes ")
    assert lines[1].startswith(f"  {out}/") and len(lines) == 12 and lines[-1] == "  ... and 23 more"
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["d"]


def test_dry_run_predicts_a_refusal(five_videos, tmp_path):
    out = tmp_path / "taken.json"
    out.write_text("{}")
    result = invoke("convert", five_videos, out, "--to", "cocovid", "--dry-run")
    assert result.exit_code == 2 and "pass --overwrite" in result.stderr
    assert out.read_text() == "{}"
    result = invoke("convert", five_videos, out, "--to", "cocovid", "--dry-run", "--overwrite", "-q")
    assert result.exit_code == 0 and "would write 1 files" in result.stdout
    assert out.read_text() == "{}"


@pytest.mark.parametrize("target,layout,pattern", [
    ("yolo", "ultralytics", "images/train/*/*.png"), ("yolo", "yoloft", "images/*/*.png"),
    ("mot", "ultralytics", "*/img1/*.png"), ("visdrone", "ultralytics", "sequences/*/*.png"),
])
@pytest.mark.parametrize("mode", ["link", "hardlink", "copy", "none"])
def test_images_modes_in_every_image_folder_writer(tmp_path, target, layout, pattern, mode):
    src = write_dataset(tmp_path / "d", xsvid_coco(videos=2, frames=2))
    out = tmp_path / "out"
    xc.convert(src, out, "coco", target, layout=layout, images=mode)
    images = sorted(out.glob(pattern))
    if mode == "none":
        assert images == []
        return
    assert len(images) == 4
    originals = sorted((tmp_path / "d/images").rglob("*.png"))
    by_content = {p.read_bytes() for p in originals}
    for image in images:
        assert image.read_bytes() in by_content
        if mode == "link":
            assert image.is_symlink() and image.resolve() in {p.resolve() for p in originals}
        else:
            assert not image.is_symlink()
            same = any(image.stat().st_ino == p.stat().st_ino for p in originals)
            assert same == (mode == "hardlink")
