import numpy as np
import orjson
import pytest
from PIL import Image

import xsvid_convert as xc
from xsvid_convert.errors import ConvertError
from xsvid_convert.synthetic import write_dataset, xsvid_coco

from helpers import assert_same_boxes, assert_ultralytics_labels, cli, load_yaml


def test_datumaro_category_ids_1_2_4_survive_yolo(fixtures, tmp_path):
    root = fixtures / "datumaro/coco_instances"
    for split in ("train", "val"):
        src = root / "annotations" / f"instances_{split}.json"
        dataset = xc.read(src, "coco", images_root=root / "images" / split)
        out = tmp_path / split
        report = xc.write(dataset, out, "yolo", split=split)
        data = load_yaml(out / "data.yaml")
        assert data["names"] == {0: "a", 1: "b", 2: "c"}
        assert data["classes_map"] == [1, 2, 4]
        assert "path" not in data and data["train"] and data["val"]
        back = xc.read(out, "yolo")
        assert [(c.id, c.name) for c in back.categories] == [(1, "a"), (2, "b"), (4, "c")]
        kept = dataset.boxes.take(~dataset.boxes.ignore)
        expected = dataset.model_copy(update={"boxes": kept})
        assert_same_boxes(expected, back, lambda f: 1e-6 * max(f.width, f.height), columns=("category_id",))
        assert report.counts["ignored_dropped"] == int(dataset.boxes.ignore.sum())
    assert (tmp_path / "train/labels/train/a.txt").read_text().startswith("1 ")  # category 2 ("b")


def test_class_is_the_position_in_the_category_list_never_id_minus_one(tmp_path):
    """Ids 3, 10, 5 in that order: classes 0, 1, 2 (`id - 1` would give 2, 9, 4: two of them out
    of range for three names, the third another category's class)."""
    doc = {"categories": [{"id": 3, "name": "a"}, {"id": 10, "name": "b"}, {"id": 5, "name": "c"}],
           "images": [{"id": 1, "file_name": "v/0.png", "width": 100, "height": 100}],
           "annotations": [{"id": k, "image_id": 1, "category_id": c, "bbox": [10 * k, 10, 5, 5], "area": 25,
                            "iscrowd": 0} for k, c in enumerate((5, 3, 10, 5), 1)]}
    src = tmp_path / "a.json"
    src.write_bytes(orjson.dumps(doc))
    xc.convert(src, tmp_path / "y", "coco", "yolo", split="train")
    classes = [line.split()[0] for line in (tmp_path / "y/labels/train/v/0.txt").read_text().splitlines()]
    assert classes == ["2", "0", "1", "2"]
    assert load_yaml(tmp_path / "y/data.yaml")["classes_map"] == [3, 10, 5]
    assert xc.read(tmp_path / "y", "yolo", image_size=(100, 100)).boxes.category_id.tolist() == [5, 3, 10, 5]


@pytest.mark.parametrize("layout", ["ultralytics", "yoloft"])
def test_xsvid_round_trip_through_yolo(xsvid, tmp_path, layout):
    dataset = xc.read(xsvid, "coco")
    out = tmp_path / "yolo"
    xc.write(dataset, out, "yolo", layout=layout, split="train")
    assert assert_ultralytics_labels(out / "labels", nc=9) == 15
    if layout == "yoloft":
        assert sorted(p.name for p in (out / "labels" / "video_002").iterdir())[:2] == ["0000000.txt", "0000001.txt"]
    else:
        assert (out / "labels/train/video_002/0000004.txt").is_file()
    back = xc.read(out, "yolo")
    assert [c.id for c in back.categories] == list(range(1, 10))
    kept = dataset.model_copy(update={"boxes": dataset.boxes.take(~dataset.boxes.ignore)})
    assert_same_boxes(kept, back, lambda f: 1e-6 * max(f.width, f.height), columns=("category_id",))
    assert [(f.file_name, f.frame_index) for f in back.frames] == [(f.file_name, f.frame_index) for f in dataset.frames]


def test_boxes_are_clipped_and_empty_ones_dropped_and_counted(tmp_path):
    doc = {
        "images": [{"id": 1, "file_name": "v/0000000.png", "width": 100, "height": 50}],
        "categories": [{"id": 7, "name": "car"}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 7, "bbox": [-5, 10, 20, 10], "area": 200, "iscrowd": 0},
            {"id": 2, "image_id": 1, "category_id": 7, "bbox": [90, 45, 20, 10], "area": 200, "iscrowd": 0},
            {"id": 3, "image_id": 1, "category_id": 7, "bbox": [120, 10, 5, 5], "area": 25, "iscrowd": 0},
            {"id": 4, "image_id": 1, "category_id": 7, "bbox": [10, 10, 0.0001, 5], "area": 0.0005, "iscrowd": 0},
            {"id": 5, "image_id": 1, "category_id": 7, "bbox": [10, 10, 10, 10], "area": 100, "iscrowd": 0},
            # 1e-7 of the image wide: written it would read `0.000000`, an empty box Ultralytics trains on
            {"id": 6, "image_id": 1, "category_id": 7, "bbox": [10, 10, 0.00001, 5], "area": 0.00005, "iscrowd": 0},
        ],
    }
    src = tmp_path / "a.json"
    src.write_bytes(orjson.dumps(doc))
    with pytest.raises(ConvertError, match=r"annotations\[2\]: box 120,10 5x5 lies wholly outside its 100x50 image"):
        xc.convert(src, tmp_path / "y", "coco", "yolo", split="train")
    assert not (tmp_path / "y").exists()
    report = xc.convert(src, tmp_path / "y", "coco", "yolo", split="train", lenient=True)
    assert report.counts["skipped"] == 1 and report.warnings == [
        f"{src}:$.annotations[2]: box 120,10 5x5 lies wholly outside its 100x50 image"]
    assert report.counts["clipped"] == 2 and report.counts["boxes"] == 4 and report.counts["dropped"] == 1
    lines = (tmp_path / "y/labels/train/v/0000000.txt").read_text().splitlines()
    assert lines[0] == "0 0.075000 0.300000 0.150000 0.200000"
    assert lines[1] == "0 0.950000 0.950000 0.100000 0.100000"
    assert lines[2] == "0 0.100000 0.250000 0.000001 0.100000"  # fixed-point, never 1e-06
    assert len(lines) == 4 and all(" 0.000000" not in line for line in lines)
    assert_ultralytics_labels(tmp_path / "y/labels", nc=1)


def test_darknet_fixture_reads(fixtures):
    dataset = xc.read(fixtures / "datumaro/yolo_strict", "yolo")
    assert [c.name for c in dataset.categories] == [f"label_{k}" for k in range(10)]
    assert len(dataset.frames) == 1 and (dataset.frames[0].width, dataset.frames[0].height) == (15, 10)
    # classes 2 and 4; no classes_map, so the category ids are made, from 1: label_k is category k + 1
    assert [(c.id, c.name) for c in dataset.categories][:3] == [(1, "label_0"), (2, "label_1"), (3, "label_2")]
    assert dataset.boxes.category_id.tolist() == [3, 5]
    np.testing.assert_allclose(dataset.boxes.w, [0.266667 * 15, 0.133333 * 15])
    np.testing.assert_allclose(dataset.boxes.y, [(0.3 - 0.1) * 10, (0.45 - 0.15) * 10])


def test_missing_images_are_counted_and_labels_still_written(tmp_path):
    src = write_dataset(tmp_path / "noimg", xsvid_coco(videos=1, frames=3), images=False)
    report = xc.convert(src, tmp_path / "y", "coco", "yolo")
    assert report.counts["missing_images"] == 3
    assert len(list((tmp_path / "y/labels").rglob("*.txt"))) == 3


def test_ignored_boxes_as_a_class(tmp_path):
    src = write_dataset(tmp_path / "d", xsvid_coco(videos=1, frames=2), images=False)
    dataset = xc.read(src, "coco")
    xc.write(dataset, tmp_path / "y", "yolo", ignored="class", split="train")
    names = load_yaml(tmp_path / "y/data.yaml")["names"]
    assert len(names) == 9 and names[4] == "ignore"  # XS-VID's own `ignore` category takes them
    ignored = int(dataset.boxes.ignore.sum())
    classes = [line.split()[0] for p in (tmp_path / "y/labels").rglob("*.txt") for line in p.read_text().splitlines()]
    assert len(classes) == len(dataset.boxes) and classes.count("4") >= ignored > 0


@pytest.mark.parametrize("layout", ["ultralytics", "yoloft"])
def test_workers_write_the_same_files(tmp_path, layout):
    src = write_dataset(tmp_path / "d", xsvid_coco(videos=4, frames=400, tracks=3))
    one, two = tmp_path / "one", tmp_path / "two"
    r1 = xc.convert(src, one, "coco", "yolo", layout=layout, images="copy")
    r2 = xc.convert(src, two, "coco", "yolo", layout=layout, images="copy", workers=2)
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file()) and len(files) > 3200
    for f in files:
        if f.name not in ("data.yaml",):
            assert (one / f).read_bytes() == (two / f).read_bytes(), f
    assert r1.summary() == r2.summary()


def test_a_nan_coordinate_is_named_as_such(tmp_path):
    root = tmp_path / "y"
    (root / "labels/train").mkdir(parents=True)
    (root / "images/train").mkdir(parents=True)
    (root / "data.yaml").write_text("train: images/train\nval: images/train\nnames: {0: car}\n")
    (root / "labels/train/a.txt").write_text("0 nan 0.5 0.1 0.1\n")
    Image.new("RGB", (64, 48)).save(root / "images/train/a.png")
    result = cli("convert", root, tmp_path / "c.json", "--from", "yolo", "--to", "coco")
    assert result.returncode == 2
    assert result.stderr.strip() == (f"xsvid-convert: error: {root / 'labels/train/a.txt'}:1: "
                                     "coordinates must be finite numbers, found 'nan'")


def test_label_file_names_follow_ultralytics_for_dotted_image_names(tmp_path):
    """`..png` has the suffix `.png` (its label is `..txt`, as Ultralytics' img2label_paths makes
    it), not none; frames of one video listed under two spellings are one image each."""
    root = tmp_path / "y"
    (root / "labels/train").mkdir(parents=True)
    (root / "images/train").mkdir(parents=True)
    (root / "data.yaml").write_text("train: images/train\nval: images/train\nnames: {0: car}\n")
    Image.new("RGB", (64, 48)).save(root / "images/train/..png", format="PNG")
    (root / "labels/train/..txt").write_text("0 0.5 0.5 0.25 0.5\n")
    (root / "labels/train/..png.txt").write_text("0 0.5 0.5 0.25 0.5\n0 0.1 0.1 0.1 0.1\n")
    dataset = xc.read(root / "data.yaml", "yolo")
    assert [f.file_name for f in dataset.frames] == ["..png"]
    assert dataset.boxes.w.tolist() == [16.0]


def test_an_image_listed_under_two_spellings_is_refused_as_two_images_of_one_name(tmp_path):
    root = tmp_path / "y"
    for folder in ("images/train", "images/val", "labels/train"):
        (root / folder).mkdir(parents=True)
    Image.new("RGB", (64, 48)).save(root / "images/train/x.png")
    (root / "train.txt").write_text("images/train/x.png\nimages/val/../train/x.png\n")
    (root / "data.yaml").write_text("train: train.txt\nnames: {0: car}\n")
    with pytest.raises(ConvertError, match="used by two images"):
        xc.read(root / "data.yaml", "yolo")
