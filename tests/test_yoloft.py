"""`--layout yoloft` against the rules each loader states in its code (the loaders themselves are
not installable here; each rule below cites where it is read).

Y24 = gjhhust/YOLOFT@70cd18c, Y26 = gjhhust/YOLOFT@9e51ac31, U8 = ultralytics 8.3 (Y26's base)."""

import os
from pathlib import Path

import orjson
import pytest

import xsvid_convert as xc
from xsvid_convert.synthetic import write_dataset, xsvid_coco

from helpers import assert_ultralytics_labels, load_yaml

Y24_REQUIRED = {"datasetname", "path", "train", "val", "images_dir", "labels_dir", "val_reimgsz", "split_length",
                "match_number", "interval", "rho", "names"}
Y26_REQUIRED = {"path", "train", "val", "names", "StreamVideoSampler", "train_video_length"}


def y24_image(line: str, data: dict) -> str:
    """Y24 data/base.py L113-114: every `./` of a line becomes path + images_dir."""
    return line.replace("./", os.path.join(data["path"], data["images_dir"])) if line.startswith("./") else line


def y24_label(image: str, data: dict) -> str:
    """Y24 data/dataset.py L656-659: the last /images_dir becomes /labels_dir, the last suffix .txt."""
    sa, sb = os.sep + data["images_dir"], os.sep + data["labels_dir"]
    return sb.join(image.rsplit(sa, 1)).rsplit(".", 1)[0] + ".txt"


def y26_image(line: str, data: dict) -> str:
    """Y26 data/dataset.py YOLOStreamDataset.get_img_files L329-366: relative lines join images_dir."""
    root = Path(data["path"]) if os.path.isabs(data["path"]) else Path(data["_yaml_dir"]) / data["path"]
    return line if os.path.isabs(line) else str(Path(os.path.join(root, data.get("images_dir", "images"))) / line)


def y26_label(image: str, data: dict) -> str:
    """Y26 data/dataset.py L368-370: images_dir replaced by labels_dir, cut at the FIRST '.'."""
    root = Path(data["path"]) if os.path.isabs(data["path"]) else Path(data["_yaml_dir"]) / data["path"]
    images_dir = os.path.join(root, data.get("images_dir", "images"))
    labels_dir = os.path.join(root, data.get("labels_dir", "labels"))
    return str(Path(image.replace(images_dir, labels_dir))).split(".")[0] + ".txt"


def u8_image(line: str, list_file: Path) -> str:
    """U8 data/base.py L106-127: `./` lines are relative to the list file's folder."""
    return str(list_file.parent / line[2:]) if line.startswith("./") else line


@pytest.fixture
def written(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("yoloft")
    doc = xsvid_coco(videos=3, frames=4, first_category_id=0)
    src = write_dataset(tmp / "d", doc)
    out = tmp / "out"
    xc.convert(src, out, "coco", "yolo", layout="yoloft", val_videos=["video_002"], images="copy")
    data = load_yaml(out / "data.yaml")
    data["_yaml_dir"] = str(out)
    return doc, out, data


def lines(out: Path, data: dict, key: str) -> list[str]:
    return (Path(data["path"]) / data[key]).read_text().splitlines()


def test_both_generations_find_every_image_and_label(written):
    doc, out, data = written
    assert Y24_REQUIRED <= data.keys() and Y26_REQUIRED <= data.keys()
    assert os.path.isabs(data["path"]) and data["path"] == str(out.resolve())  # Y24 utils.py L299-302
    assert data["images_dir"].endswith("/") and data["labels_dir"].endswith("/")  # Y24 base.py L113
    assert data["datasetname"] == "MOVEHomoDETDataset_stream"  # Y24 build.py L192: the one that builds val too
    assert isinstance(data["train_video_length"], list) and data["StreamVideoSampler"] is True
    for key in ("train", "val", "test"):
        listed = lines(out, data, key)
        assert listed and all(line.startswith("./") and line.count("./") == 1 for line in listed)
        for line in listed:
            assert os.path.isfile(y24_image(line, data)) and os.path.isfile(y24_label(y24_image(line, data), data))
            assert os.path.isfile(y26_image(line, data)) and os.path.isfile(y26_label(y26_image(line, data), data))
            assert os.path.isfile(u8_image(line, Path(data["path"]) / data[key]))
    assert assert_ultralytics_labels(out / "labels", len(data["names"])) == 12


def test_frames_are_zero_padded_so_name_order_is_time_order(written):
    _, out, data = written
    names = [line.rsplit("/", 1)[1] for line in lines(out, data, "train")]
    assert names[:4] == ["0000000.png", "0000001.png", "0000002.png", "0000003.png"]  # Y26 sorts by name (L484)


def test_eval_json_is_exactly_the_val_frames_with_the_yaml_s_classes(written):
    doc, out, data = written
    assert os.path.isabs(data["eval_ann_json"])  # Y24 opens it as-is (dataset.py L54), cwd-relative otherwise
    evaluated = orjson.loads(Path(data["eval_ann_json"]).read_bytes())
    val = [line[2:] for line in lines(out, data, "val")]
    # Y26 protocol.py L111-118: the frames streamed must be all the JSON's ("Incomplete paper validation")
    assert sorted(i["file_name"] for i in evaluated["images"]) == sorted(val)
    # Y26 paper_image L48-55 matches `<video>/<frame>`; Y24 val.py L471-487 `<parent>/<file>`: the same here
    assert all(name.count("/") == 1 for name in val)
    # Y26 protocol.py L29-39: every name maps to the same id in categories, the id classes_map says
    names = {c["name"]: c["id"] for c in evaluated["categories"]}
    assert all(names[n] == data["classes_map"][k] for k, n in data["names"].items())
    # Y26 stream check: video_id and frame_id on every image, frame_id increasing in name order
    by_video: dict = {}
    for image in sorted(evaluated["images"], key=lambda i: i["file_name"]):
        by_video.setdefault(image["video_id"], []).append(image["frame_id"])
    assert all(ids == sorted(set(ids)) for ids in by_video.values())
    # the evaluator needs iscrowd (cocoeval int(o['iscrowd'])) and area (bins) on every annotation
    assert all({"iscrowd", "area"} <= a.keys() for a in evaluated["annotations"])
    source = {(i["video_id"], i["frame_id"]) for i in doc["images"] if i["video_id"] == 2}
    assert len(source) == len(evaluated["images"])


def test_class_ids_restore_through_classes_map(written):
    doc, out, _ = written
    back = xc.read(out / "data.yaml", "yolo")
    assert [(c.id, c.name) for c in back.categories] == [(c["id"], c["name"]) for c in doc["categories"]]


@pytest.mark.parametrize("generation", ["2024", "2026"])
def test_one_generation_only(tmp_path, generation):
    src = write_dataset(tmp_path / "d", xsvid_coco(videos=2, frames=3))
    out = tmp_path / "out"
    xc.convert(src, out, "coco", "yolo", layout="yoloft", yoloft=generation, val_videos=["video_002"], images="copy")
    data = load_yaml(out / "data.yaml")
    data["_yaml_dir"] = str(out)
    if generation == "2024":
        assert Y24_REQUIRED <= data.keys() and not {"StreamVideoSampler", "train_video_length"} & data.keys()
        check = lambda line: os.path.isfile(y24_label(y24_image(line, data), data))  # noqa: E731
    else:  # Y26 utils.py L303-320: a relative path is the yaml's folder with yaml_relative_root
        assert Y26_REQUIRED <= data.keys() and not {"datasetname", "rho"} & data.keys()
        assert data["path"] == "." and data["yaml_relative_root"] is True and not os.path.isabs(data["eval_ann_json"])
        check = lambda line: os.path.isfile(y26_label(y26_image(line, data), data))  # noqa: E731
    root = out if generation == "2026" else Path(data["path"])
    assert all(check(line) for line in (root / data["train"]).read_text().splitlines())


def test_hazards_the_loaders_keep_quiet_about_are_noted(tmp_path):
    doc = xsvid_coco(videos=2, frames=1)
    doc["videos"][0]["name"] = "clip.v2"
    for image in doc["images"]:
        image["file_name"] = image["file_name"].replace("video_001", "clip.v2")
    src = write_dataset(tmp_path / "d", doc, images=False)
    run = xc.convert(src, tmp_path / "data.v2" / "out", "coco", "yolo", layout="yoloft")
    notes = " ".join(run.notes)
    assert "YOLOFT 2026 cuts label paths at the first '.'" in notes and "clip.v2" in notes
    assert "train videos with one frame" in notes  # Y24 video_init_split: ZeroDivisionError
