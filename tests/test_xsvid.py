"""XS-VID v2 as it ships (2026): its JSON read with its tracks, written back as it was, and the
release folder written so that YOLOFT's own tools find everything they open.

Facts from /work/shared/docs/xsvid-v2.md: categories 0..6 (4 = ignore), tracks in `track_id`,
a sparse `paper_track_id`, ignored boxes with `ignore` and `iscrowd`, images with 0-based
`frame_index` and a `frame_id`, TAO's video lists and `tracks`; splits train, val_dev, test."""

import os
from pathlib import Path

import orjson
import pytest
import yaml
from PIL import Image

import xsvid_convert as xc
from xsvid_convert.errors import ConvertError
from xsvid_convert.tools import categories, roundtrip, stats
from xsvid_convert.synthetic import write_dataset, xsvid_coco
from xsvid_convert.tools.roundtrip import typed_difference

from helpers import cli
from test_video_formats import make_visdrone

V2 = categories.XSVID_V2
SPLIT_VIDEOS = {"train": ["13449-248520531_0", "video-238537_source_1"], "val_dev": ["161045-822582085_0"],
                "test": ["video-238537_source_2", "161045-822582085_1"]}


def v2_split(split: str, first_image: int, first_ann: int, first_track: int) -> dict:
    """One split's JSON shaped as the release's: 3 frames a video, the last a background frame."""
    doc = {"info": {"version": "2.0", "year": 2026}, "licenses": [], "categories": [
        {"id": k, "name": name, "supercategory": "object"} for k, name in enumerate(V2)],
        "videos": [], "images": [], "annotations": [], "tracks": [], "_build": {"pinned": True}}
    image, ann, track = first_image, first_ann, first_track
    for v, name in enumerate(SPLIT_VIDEOS[split]):
        video_id = first_image + v
        doc["videos"].append({"id": video_id, "name": name, "width": 64, "height": 48,
                              "neg_category_ids": [6], "not_exhaustive_category_ids": []})
        tracks = [(track + t, t % 4 if t % 4 != 0 else 2) for t in range(3)]  # categories 2, 1, 2 ...
        track += 3
        doc["tracks"] += [{"id": t, "category_id": c, "video_id": video_id} for t, c in tracks]
        for f in range(3):
            doc["images"].append({"id": image, "file_name": f"{name}/{f:07d}.jpg", "width": 64, "height": 48,
                                  "video_id": video_id, "frame_index": f, "frame_id": f + 1})
            for t, c in tracks if f < 2 else []:
                x, y, w, h = 2.5 + 9 * (t % 5) + f, 4.0 + 3 * (t % 3), 5.25 + t % 4, 4
                entry = {"id": ann, "image_id": image, "video_id": video_id, "category_id": c,
                         "bbox": [x, y, w, h], "area": w * h, "iscrowd": 0, "track_id": t}
                if t % 3 == 1:
                    entry["paper_track_id"] = 1000 + t  # sparse, as in the release
                doc["annotations"].append(entry)
                ann += 1
            if f == 0:  # an ignore region: category 4 with both flags
                doc["annotations"].append({"id": ann, "image_id": image, "video_id": video_id, "category_id": 4,
                                           "bbox": [40, 30, 10, 8], "area": 80, "iscrowd": 1, "ignore": 1,
                                           "track_id": 10_000 + ann})
                ann += 1
            image += 1
    return doc


def make_release(root: Path) -> Path:
    """A v2-shaped release: annotations/, splits/ (lines relative to splits/), images/."""
    (root / "annotations").mkdir(parents=True)
    (root / "splits").mkdir()
    first = {"train": (1, 1, 1), "val_dev": (100, 1000, 100), "test": (200, 2000, 200)}
    for split, (image, ann, track) in first.items():
        doc = v2_split(split, image, ann, track)
        (root / "annotations" / f"{split}.json").write_bytes(orjson.dumps(doc))
        lines = []
        for entry in doc["images"]:
            path = root / "images" / entry["file_name"]
            path.parent.mkdir(parents=True, exist_ok=True)
            Image.new("RGB", (64, 48), (80, 80, 80)).save(path)
            lines.append(f"../images/{entry['file_name']}")
        (root / "splits" / f"{split}.txt").write_text("\n".join(lines) + "\n")
    return root


@pytest.fixture
def release(tmp_path) -> Path:
    return make_release(tmp_path / "XS-VID-v2")


def test_v2_json_is_read_with_its_tracks_and_ignore_boxes(release):
    doc = orjson.loads((release / "annotations" / "train.json").read_bytes())
    dataset = xc.read(release / "annotations" / "train.json")  # detected as the release's
    assert [(c.id, c.name) for c in dataset.categories] == list(enumerate(V2))
    assert dataset.boxes.track_id.tolist() == [a["track_id"] for a in doc["annotations"]]
    assert dataset.boxes.ignore.tolist() == [bool(a["iscrowd"]) for a in doc["annotations"]]
    assert [f.frame_index for f in dataset.frames] == [i["frame_index"] for i in doc["images"]]
    numbers = stats.compute(dataset)
    # 2 videos x 3 tracks from track_id, plus one ignore region per video with a track of its own
    assert numbers["tracks"] == 8 and numbers["ignored"] == 2 and numbers["frames"] == 6


def test_paper_track_ids_fall_back_to_track_ids_per_annotation(release):
    doc = orjson.loads((release / "annotations" / "test.json").read_bytes())
    dataset = xc.read(release / "annotations" / "test.json", "coco", track_field="paper_track_id")
    assert dataset.boxes.track_id.tolist() == [a.get("paper_track_id", a["track_id"]) for a in doc["annotations"]]


@pytest.mark.parametrize("fmt", ["coco", "xsvid"])
def test_v2_json_written_back_is_the_same_document(release, tmp_path, fmt):
    for split in ("train", "val_dev", "test"):
        src = release / "annotations" / f"{split}.json"
        out = tmp_path / f"{split}_{fmt}.json"
        xc.write(xc.read(src, fmt if fmt == "coco" else "xsvid", split=split if fmt == "xsvid" else None),
                 out, "coco")
        before, after = orjson.loads(src.read_bytes()), orjson.loads(out.read_bytes())
        assert typed_difference(before, after, "$") is None, typed_difference(before, after, "$")


def test_the_release_folder_reads_every_split_and_writes_back_identical(release, tmp_path):
    dataset = xc.read(release, "xsvid")
    assert {f.split for f in dataset.frames} == {"train", "val_dev", "test"} and len(dataset.frames) == 15
    result = roundtrip.check(release, "xsvid", "xsvid", tmp_path)
    assert result.ok and result.files_checked == 3 and result.text().splitlines()[0].endswith(": identical"), result.text()
    one = xc.read(release, "xsvid", split="val_dev")
    assert {f.split for f in one.frames} == {"val_dev"} and len(one.frames) == 3


def test_a_split_line_outside_images_or_not_in_the_json_is_refused(release):
    listed = release / "splits" / "test.txt"
    listed.write_text(listed.read_text() + "../../elsewhere/0000000.jpg\n")
    with pytest.raises(ConvertError, match=r"test.txt:7: .* is not under"):
        xc.read(release, "xsvid")
    listed.write_text("../images/161045-822582085_0/0000000.jpg\n")  # a val_dev frame
    with pytest.raises(ConvertError, match=r"test.txt:1: .* is not a frame of annotations/test.json"):
        xc.read(release, "xsvid")


def assert_prepare_legacy_layout_finds_everything(root: Path) -> None:
    """What YOLOFT 2026's tools/xsvid/prepare_legacy_layout.py opens (9e51ac31, L71-83 and
    write_legacy_split L29-52): the three JSONs, the three split lists, images/, labels/ (else
    it runs a label script the dataset ships), the paper protocol JSON; every non-empty line,
    relative to splits/, must resolve() under images/ (symlinks resolved: a linked frame outside
    images/ fails), and no split may be empty."""
    for split in ("train", "val_dev", "test"):
        assert (root / "annotations" / f"{split}.json").is_file()
        lines = [ln for ln in (root / "splits" / f"{split}.txt").read_text().splitlines() if ln.strip()]
        assert lines, split
        images = (root / "images").resolve()
        for line in lines:
            image = (root / "splits" / line).resolve()
            assert image.is_file() and images in image.parents, line
    assert (root / "labels").is_dir() and (root / "annotations/protocols/paper_detection_test.json").is_file()


def test_visdrone_vid_imported_as_a_release_yoloft_s_tools_can_run_on(tmp_path):
    src = make_visdrone(tmp_path / "vd")
    for k in range(2, 5):  # three sequences, so each split gets one
        (src / "annotations" / f"uav000000{k}_00000_v.txt").write_text("1,1,10,10,8,6,1,4,0,0\n2,1,11,10,8,6,1,6,0,0\n")
        (src / "sequences" / f"uav000000{k}_00000_v").mkdir()
        for f in (1, 2):
            Image.new("RGB", (80, 60)).save(src / "sequences" / f"uav000000{k}_00000_v" / f"{f:07d}.jpg")
    out = tmp_path / "release"
    result = cli("convert", src, out, "--from", "visdrone", "--to", "xsvid", "--category-map", "visdrone-to-xsvid",
                 "--split-by", "video", "--val-fraction", "0.25", "--test-fraction", "0.25", "-q")
    assert result.returncode == 0, result.stderr
    assert_prepare_legacy_layout_finds_everything(out)
    test = orjson.loads((out / "annotations/test.json").read_bytes())
    assert [(c["id"], c["name"]) for c in test["categories"]] == list(enumerate(V2))
    for ann in test["annotations"]:  # the v2 form: XS-VID's scorers read each of these keys
        assert {"iscrowd", "area", "video_id", "track_id"} <= ann.keys() and ann["area"] == pytest.approx(
            ann["bbox"][2] * ann["bbox"][3])
        assert (ann.get("ignore") == 1) == (ann["iscrowd"] == 1)
    for video in test["videos"]:
        assert video["neg_category_ids"] == [] and video["not_exhaustive_category_ids"] == []
    by_video: dict = {}
    for image in test["images"]:
        by_video.setdefault(image["video_id"], []).append((image["file_name"], image["frame_index"], image["frame_id"]))
    for frames in by_video.values():  # frame_id strictly increases in file-name order (protocol.py)
        frames.sort()
        assert [f[2] for f in frames] == sorted({f[2] for f in frames}) and [f[1] for f in frames] == list(range(len(frames)))
    # images are hard links (prepare_legacy_layout.py refuses links that resolve outside images/)
    image = next((out / "images").rglob("*.jpg"))
    assert not image.is_symlink() and image.stat().st_nlink == 2
    # background frames have no label file
    labels = {p.relative_to(out / "labels").with_suffix("").as_posix() for p in (out / "labels").rglob("*.txt")}
    boxed = {i["file_name"].rsplit(".", 1)[0] for d in ("train", "val_dev", "test")
             for doc in [orjson.loads((out / "annotations" / f"{d}.json").read_bytes())]
             for i in doc["images"] if any(a["image_id"] == i["id"] and not a["iscrowd"] for a in doc["annotations"])}
    assert labels == boxed


def test_mot_imported_as_a_release(tmp_path):
    mot = tmp_path / "mot"
    for k, name in enumerate(("A", "B", "C")):
        (mot / name / "gt").mkdir(parents=True)
        (mot / name / "seqinfo.ini").write_text(f"[Sequence]\nname={name}\nimDir=img1\nframeRate=25\nseqLength=3\n"
                                                "imWidth=64\nimHeight=48\nimExt=.jpg\n")
        (mot / name / "gt" / "gt.txt").write_text("1,1,1,2,3,4,1,1,1\n2,1,2,2,3,4,1,1,1\n3,2,5,5,3,3,0,1,1\n")
    out = tmp_path / "release"
    result = cli("convert", mot, out, "--from", "mot", "--to", "xsvid", "--test-videos", "A", "--val-videos", "B", "-q",
                 "--images", "none")
    assert result.returncode == 0, result.stderr
    train = orjson.loads((out / "annotations/train.json").read_bytes())
    assert [v["name"] for v in train["videos"]] == ["C"]
    # per-sequence track ids (1, 2 in every sequence) must be unique in v2 (TAO): the first
    # sequence keeps them, the others get new ones; the originals stay as mot_instance_id
    anns = [a for d in ("train", "val_dev", "test")
            for a in orjson.loads((out / "annotations" / f"{d}.json").read_bytes())["annotations"]]
    assert sorted({a["track_id"] for a in anns}) == [1, 2, 3, 4, 5, 6]
    assert sorted({a.get("mot_instance_id", a["track_id"]) for a in anns}) == [1, 2]
    back = xc.read(out, "xsvid")
    assert len(back.frames) == 9 and {f.split for f in back.frames} == {"train", "val_dev", "test"}


def test_legacy_yaml_is_the_one_both_yoloft_generations_load(release, tmp_path):
    out = tmp_path / "copy"
    xc.convert(release, out, "xsvid", "xsvid", images="copy")
    doc = yaml.safe_load((out / "legacy_yoloft.yaml").read_text())
    assert doc["path"] == str(out.resolve()) and doc["images_dir"] == "images/" and doc["labels_dir"] == "labels/"
    assert {"datasetname", "val_reimgsz", "split_length", "match_number", "interval", "rho"} <= doc.keys()
    assert {"StreamVideoSampler", "train_video_length", "train_video_interval"} <= doc.keys()
    assert doc["classes_map"] == list(range(7)) and doc["names"] == dict(enumerate(V2))
    for key in ("train", "val", "test"):
        for line in (out / doc[key]).read_text().splitlines():
            assert line.startswith("./") and (out / "images" / line[2:]).is_file()
    assert Path(doc["eval_ann_json"]).is_file() and os.path.isabs(doc["eval_ann_json"])


@pytest.mark.parametrize("fmt, table", [("visdrone", "VisDrone"), ("visdrone-det", "VisDrone"), ("uavdt", "UAVDT")])
def test_v2_class_0_is_not_written_as_a_fixed_table_s_ignore_class(tmp_path, fmt, table):
    """v2's class 0 is bicycle-static; VisDrone's and UAVDT's 0 is the ignored region: written as
    they are, real bicycles would become regions nobody scores."""
    doc = xsvid_coco(videos=2, frames=2, tracks=8, names=V2, first_category_id=0, track_key="track_id",
                     frame_key="frame_index", ignored_every=0)
    if fmt == "uavdt":  # UAVDT's table stops at 4: classes beyond are refused first, for that reason
        doc["annotations"] = [a for a in doc["annotations"] if a["category_id"] <= 4]
    assert any(a["category_id"] == 0 for a in doc["annotations"])
    src = write_dataset(tmp_path / "d", doc, images=False)
    result = cli("convert", src, tmp_path / "out", "--from", "coco", "--to", fmt, "--images", "none")
    assert result.returncode == 2 and not (tmp_path / "out").exists()
    assert result.stderr.splitlines() == [
        f"xsvid-convert: error: category 0 (bicycle-static): is {table}'s ignore class "
        f"{'ignored regions' if table == 'VisDrone' else 'ignore'!r}: its boxes would be written as ignored regions; "
        f"map the categories first (--category-map), e.g. onto {table}'s names"]


def test_two_videos_of_one_name_are_refused_by_the_release_writer(tmp_path):
    doc = xsvid_coco(videos=2, frames=2, tracks=1, names=V2, first_category_id=0, track_key="track_id",
                     frame_key="frame_index")
    for video in doc["videos"]:
        video["name"] = "vid0"
    src = write_dataset(tmp_path / "d", doc, images=False)
    with pytest.raises(ConvertError, match="video folder 'vid0' is also the name of video 1"):
        xc.convert(src, tmp_path / "out", "coco", "xsvid", images="none")
    assert not (tmp_path / "out").exists()


def test_split_files_numbering_annotations_alike_are_named_and_read_one_at_a_time(release, tmp_path):
    test = orjson.loads((release / "annotations/test.json").read_bytes())
    train = orjson.loads((release / "annotations/train.json").read_bytes())
    test["annotations"][0]["id"] = train["annotations"][1]["id"]
    (release / "annotations/test.json").write_bytes(orjson.dumps(test))
    result = cli("convert", release, tmp_path / "out.json", "--from", "xsvid", "--to", "coco")
    assert result.returncode == 2 and result.stderr == (
        f"xsvid-convert: error: annotations/test.json: annotation id {train['annotations'][1]['id']} is also used in "
        "annotations/train.json; read one split with --split\n")
    assert len(xc.read(release, "xsvid", split="test").boxes) == len(test["annotations"])
