"""stats, validate and preview: the numbers, the exit codes and the pictures users rely on."""

import copy

import numpy as np
import orjson
import pytest
from PIL import Image
from xsvid_convert.tools.preview import MISSING_CANVAS, PALETTE
from xsvid_convert.synthetic import write_dataset, xsvid_coco

from helpers import invoke

def independent_buckets(doc: dict) -> dict:
    """Counted straight from the JSON, the way a user would check: area = w*h, crowd excluded."""
    counts = dict.fromkeys(["es", "rs", "gs", "medium", "large"], 0)
    for ann in doc["annotations"]:
        if ann.get("iscrowd"):
            continue
        area = ann["bbox"][2] * ann["bbox"][3]
        name = ("es" if area < 144 else "rs" if area < 400 else "gs" if area < 1024
                else "medium" if area < 9216 else "large")
        counts[name] += 1
    return counts


def test_stats_json_buckets_match_an_independent_count(tmp_path):
    doc = xsvid_coco(videos=3, frames=6, width=256, height=256, seed=3)
    # boxes exactly on every bucket edge, and an ignored large one that must not count
    edges = [(12, 12), (11.99, 12), (20, 20), (19, 21), (32, 32), (31.9, 32), (96, 96), (95, 97), (3, 2)]
    next_id = max(a["id"] for a in doc["annotations"]) + 1
    for k, (w, h) in enumerate(edges):
        doc["annotations"].append({"id": next_id + k, "image_id": 1, "category_id": 2, "bbox": [1, 1, w, h],
                                   "area": w * h, "iscrowd": 0})
    doc["annotations"].append({"id": next_id + 99, "image_id": 2, "category_id": 2, "bbox": [0, 0, 200, 200],
                               "area": 40000, "iscrowd": 1})
    src = write_dataset(tmp_path / "d", doc, images=False)
    result = invoke("stats", src, "--format", "coco", "--json")
    assert result.exit_code == 0, result.output
    stats = orjson.loads(result.stdout)
    assert stats["size_buckets"] == independent_buckets(doc)
    assert stats["size_buckets"]["large"] == 1  # 96x96; the 200x200 crowd box is not counted
    assert stats["frames"] == 18 and stats["videos"] == 3 and stats["boxes"] == len(doc["annotations"])
    assert stats["ignored"] == sum(1 for a in doc["annotations"] if a["iscrowd"])
    names = {c["id"]: c["name"] for c in doc["categories"]}
    expected = dict.fromkeys(names.values(), 0)
    for ann in doc["annotations"]:
        expected[names[ann["category_id"]]] += 1
    assert stats["categories"] == expected
    tracks = {(next(i["video_id"] for i in doc["images"] if i["id"] == a["image_id"]), a["instance_id"])
              for a in doc["annotations"] if "instance_id" in a}
    assert stats["tracks"] == len(tracks)


def test_stats_text_and_plot(xsvid, tmp_path):
    plot = tmp_path / "sizes.png"
    result = invoke("stats", xsvid, "--plot", plot)
    assert result.exit_code == 0, result.output
    assert "frames 15, videos 3" in result.stdout and "es " in result.stdout
    with Image.open(plot) as image:
        assert image.format == "PNG" and image.size[0] > 400


@pytest.fixture
def clean(tmp_path):
    doc = xsvid_coco(videos=2, frames=4, tracks=3)
    used = {a["category_id"] for a in doc["annotations"]}
    doc["categories"] = [c for c in doc["categories"] if c["id"] in used]
    return doc, tmp_path


PLANTED = {
    "duplicate annotation id": (lambda d: d["annotations"][1].update(id=d["annotations"][0]["id"]),
                                "records that break the schema"),
    "unknown image id": (lambda d: d["annotations"][0].update(image_id=999), "records that break the schema"),
    "unknown category id": (lambda d: d["annotations"][0].update(category_id=77), "records that break the schema"),
    "duplicate image id": (lambda d: d["images"][1].update(id=d["images"][0]["id"]), "records that break the schema"),
    "box partly outside": (lambda d: d["annotations"][0].update(bbox=[90, 10, 20, 5]), "boxes reaching outside"),
    "frame gap": (lambda d: (d["images"].pop(2), d.update(annotations=[a for a in d["annotations"] if a["image_id"] != 3])),
                  "frame gaps inside a video"),
    "track in two videos": (lambda d: d["annotations"][-1].update(instance_id=d["annotations"][0]["instance_id"]),
                            "tracks that appear in two videos"),
    "category without boxes": (lambda d: d["categories"].append({"id": 50, "name": "unused"}), "categories without boxes"),
}


def test_validate_clean_is_exit_0(clean):
    doc, tmp_path = clean
    src = write_dataset(tmp_path / "d", doc, images=False)
    result = invoke("validate", src, "--format", "coco")
    assert result.exit_code == 0, result.output
    assert "no problems found" in result.stdout


@pytest.mark.parametrize("problem", list(PLANTED))
def test_validate_finds_each_planted_problem(clean, problem):
    doc, tmp_path = clean
    plant, check = PLANTED[problem]
    doc = copy.deepcopy(doc)
    plant(doc)
    src = write_dataset(tmp_path / "d", doc, images=False)
    result = invoke("validate", src, "--format", "cocovid", "--json")
    assert result.exit_code == 1, result.output
    report = orjson.loads(result.stdout)
    failing = [name for name, c in report["checks"].items() if c["count"]]
    assert any(name.startswith(check) for name in failing), failing


def test_validate_unreadable_is_exit_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"images": [')
    result = invoke("validate", bad, "--format", "coco")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"xsvid-convert: error: {bad}:1: invalid JSON")


def test_preview_draws_boxes_where_the_annotations_say(tmp_path):
    doc = xsvid_coco(videos=2, frames=4, width=120, height=80, tracks=3)
    src = write_dataset(tmp_path / "d", doc)
    out = tmp_path / "prev"
    result = invoke("preview", src, "--format", "coco", "--out", out, "--video", "video_002", "--frames", "1:3")
    assert result.exit_code == 0, result.output
    drawn = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.png"))
    assert drawn == ["contact_sheet.png", "video_002/0000001.png", "video_002/0000002.png"]
    colors = {c["id"]: PALETTE[k] for k, c in enumerate(doc["categories"])}
    image_id = next(i["id"] for i in doc["images"] if i["video_id"] == 2 and i["frame_id"] == 1)
    with Image.open(out / "video_002/0000001.png") as image:
        pixels = np.asarray(image.convert("RGB"))
    checked = 0
    for ann in doc["annotations"]:
        x, y, w, h = ann["bbox"]
        if ann["image_id"] != image_id or ann.get("iscrowd") or w < 2 or h < 2:
            continue
        # the left edge, half way down, carries the category colour
        assert tuple(pixels[round(y + h / 2), round(x)]) == colors[ann["category_id"]], ann
        checked += 1
    assert checked >= 1


def test_preview_draws_missing_images_on_grey(tmp_path):
    doc = xsvid_coco(videos=1, frames=2, width=70, height=50)
    src = write_dataset(tmp_path / "d", doc, images=False)
    result = invoke("preview", src, "--out", tmp_path / "prev", "--frames", "0")
    assert result.exit_code == 0, result.output
    assert "missing_images" in result.stderr.replace(" ", "_") or "missing images 1" in result.stderr
    with Image.open(tmp_path / "prev/video_001/0000000.png") as image:
        assert image.size == (70, 50)
        assert image.convert("RGB").getpixel((69, 49)) == MISSING_CANVAS


def test_preview_unknown_video_is_a_clear_error(xsvid, tmp_path):
    result = invoke("preview", xsvid, "--out", tmp_path / "p", "--video", "nope")
    assert result.exit_code == 2 and "no video named 'nope'" in result.stderr
    assert not (tmp_path / "p").exists()
