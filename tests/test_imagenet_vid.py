"""ImageNet-VID: XML per frame, read and written back byte for byte, through every other format
within the loss matrix, the ImageSets lists in MEGA's and mmtracking's conventions, hostile XML."""

import shutil

import orjson
import pytest
from PIL import Image
from typer.testing import CliRunner

import xsvid_convert as xc
from xsvid_convert import formats
from xsvid_convert.cli import app
from xsvid_convert.errors import ConvertError
from xsvid_convert.formats.imagenet_vid import detect
from xsvid_convert.synthetic import write_dataset, xsvid_coco
from xsvid_convert.tools import roundtrip, stats

from helpers import assert_differs_only_by

FMT = "imagenet-vid"
TRAIN_A = "ILSVRC2015_VID_train_0000/ILSVRC2015_train_00000000"
TRAIN_B = "ILSVRC2015_VID_train_0001/ILSVRC2015_train_00010001"
VAL = "ILSVRC2015_val_00000000"
SNIPPETS = {("train", TRAIN_A): 3, ("train", TRAIN_B): 2, ("val", VAL): 3}
W, H = 64, 48
AIRPLANE, CAR, ELEPHANT = "n02691156", "n02958343", "n02503517"  # ids 1, 7, 11 (VisDrone takes 0..11)


def xml(folder, stem, objects, size=(W, H)):
    """A frame file laid out exactly as ILSVRC2015's are (tabs, bndbox xmax xmin ymax ymin)."""
    out = (f"<annotation>\n\t<folder>{folder}</folder>\n\t<filename>{stem}</filename>\n\t<source>\n"
           f"\t\t<database>ILSVRC_2015</database>\n\t</source>\n\t<size>\n\t\t<width>{size[0]}</width>\n"
           f"\t\t<height>{size[1]}</height>\n\t</size>\n")
    for t, wnid, (x1, y1, x2, y2), occluded, generated in objects:
        out += (f"\t<object>\n\t\t<trackid>{t}</trackid>\n\t\t<name>{wnid}</name>\n\t\t<bndbox>\n"
                f"\t\t\t<xmax>{x2}</xmax>\n\t\t\t<xmin>{x1}</xmin>\n\t\t\t<ymax>{y2}</ymax>\n\t\t\t<ymin>{y1}</ymin>\n"
                f"\t\t</bndbox>\n\t\t<occluded>{occluded}</occluded>\n\t\t<generated>{generated}</generated>\n"
                "\t</object>\n")
    return out + "</annotation>\n"


def objects_of(split, name, k):
    """Track ids 0 and 1 in every snippet; val frame 1 has no object; the last train frame of
    snippet A has a box reaching the right border (xmax = width)."""
    if split == "val" and k == 1:
        return []
    second = ELEPHANT if name == TRAIN_B else CAR
    return [(0, AIRPLANE, (2 + k, 3, 20 + k, 15), k % 2, 0),
            (1, second, (30, 10, W if (name == TRAIN_A and k == 2) else 50 + k, 40), 0, int(k == 2))]


def make_vid(root, lists=None):
    for (split, name), count in SNIPPETS.items():
        annotations, data = root / "Annotations/VID" / split / name, root / "Data/VID" / split / name
        annotations.mkdir(parents=True)
        data.mkdir(parents=True)
        for k in range(count):
            (annotations / f"{k:06d}.xml").write_text(xml(name, f"{k:06d}", objects_of(split, name, k)))
            Image.new("RGB", (W, H), (40 * k, 90, 90)).save(data / f"{k:06d}.JPEG", "JPEG")
    for rel, text in (lists or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


# FGFA's files as mmtracking reads them from Lists/: frame column 1-based, a "frame 0" line
MMT_LISTS = {
    "Lists/VID_train_15frames.txt": f"train/{TRAIN_A} 1 0 3\ntrain/{TRAIN_A} 1 2 3\ntrain/{TRAIN_B} 1 1 2\n",
    "Lists/VID_val_videos.txt": f"val/{VAL} 1 0 3\n",
}


def xml_files(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "Annotations").rglob("*.xml"))}


@pytest.fixture
def vid(tmp_path):
    return make_vid(tmp_path / "ILSVRC2015")


def test_read_gives_the_files_values(vid):
    dataset = xc.read(vid, FMT)
    assert [v.name for v in dataset.videos] == [TRAIN_A, TRAIN_B, VAL]
    assert [(f.split, f.frame_index) for f in dataset.frames] == [
        ("train", 0), ("train", 1), ("train", 2), ("train", 0), ("train", 1), ("val", 0), ("val", 1), ("val", 2)]
    first = dataset.frames[0]
    assert first.file_name == f"{TRAIN_A}/000000.JPEG" and (first.width, first.height) == (W, H)
    assert dataset.image_path(first) == vid / "Data/VID/train" / TRAIN_A / "000000.JPEG"
    b = dataset.boxes
    assert (b.x[0], b.y[0], b.w[0], b.h[0]) == (2, 3, 18, 12)  # w = xmax - xmin, as mmtracking converts
    assert b.track_id.tolist() == [0, 1] * 7
    assert b.category_id.tolist()[:2] == [1, 7] and b.category_id[7] == 11
    assert [c.name for c in dataset.categories][:3] == ["airplane", "antelope", "bear"]
    assert len(dataset.categories) == 30
    assert dataset.categories[29].extras == {"encode_name": "n02391049"}
    assert b.extras[2] == {"occluded": True, "generated": False}
    assert b.extras[5] == {"occluded": False, "generated": True}
    assert not any(i for i in range(len(b)) if b.frame_id[i] == 7)  # val frame 1: no objects, still a frame
    assert [f.extras["is_vid_train_frame"] for f in dataset.frames] == [True] * 5 + [False] * 3  # no lists


def test_read_then_write_is_byte_identical(vid, tmp_path):
    xc.write(xc.read(vid, FMT), tmp_path / "out", FMT)
    assert xml_files(tmp_path / "out") == xml_files(vid)
    assert len(xml_files(vid)) == 8
    assert not (tmp_path / "out/Lists").exists()  # the source had none
    image = tmp_path / "out/Data/VID/val" / VAL / "000002.JPEG"
    assert image.is_symlink() and image.resolve() == (vid / "Data/VID/val" / VAL / "000002.JPEG").resolve()


def test_stats_are_exact(vid):
    numbers = stats.compute(xc.read(vid, FMT))
    assert numbers["frames"] == 8 and numbers["videos"] == 3 and numbers["boxes"] == 14 and numbers["ignored"] == 0
    assert numbers["categories"]["airplane"] == 7 and numbers["categories"]["car"] == 5
    assert numbers["categories"]["elephant"] == 2 and numbers["categories"]["zebra"] == 0
    assert numbers["tracks"] == 6  # ids 0 and 1 in each of 3 snippets: per-snippet tracks
    assert numbers["track_lengths"] == {"min": 2, "median": 2.0, "mean": 2.333, "max": 3}  # 3, 3, 2, 2, 2, 2
    # airplanes 18x12 = 216 px² (rs: 12²..20²), the other objects 20..34 x 30 = 600..1020 px² (gs: 20²..32²)
    assert numbers["size_buckets"] == {"es": 0, "rs": 7, "gs": 7, "medium": 0, "large": 0}
    assert numbers["per_video"][VAL] == {"frames": 3, "boxes": 4}


# UAVDT's category table (car, truck, bus, ...) cannot hold ImageNet-VID's 30 classes: its writer
# refuses them, naming the category (tested in test_uavdt.py)
CANNOT_HOLD = {"uavdt"}
# what each direction changes that the loss matrix does not say (helpers.FORMAT_BUGS): the train and
# val splits in one JSON, the flags where no other keys are kept
KNOWN = {"coco": ["splits merged"], "cocovid": ["splits merged"], "tao": ["splits merged"],
         "xsvid": ["val becomes val_dev"], "yolo": ["imagenet-vid flags lost"], "mot": ["imagenet-vid flags lost"],
         "visdrone": ["imagenet-vid flags lost", "splits merged"],
         "visdrone-det": ["imagenet-vid flags lost", "splits merged"]}


@pytest.mark.parametrize("via", [f for f, spec in formats.FORMATS.items() if f not in CANNOT_HOLD and not spec.results])
def test_imagenet_vid_round_trips_through_every_format(vid, tmp_path, via):
    make_vid(tmp_path / "with_lists", MMT_LISTS)
    for src in (vid, tmp_path / "with_lists"):
        scratch = tmp_path / f"scratch_{src.name}"
        scratch.mkdir()
        result = roundtrip.check(src, FMT, via, scratch)
        assert_differs_only_by(result, *KNOWN.get(via, []))
        assert result.lost == formats.loss(FMT, via)
        if via == FMT:
            assert result.files_checked == 8 + (2 if src.name == "with_lists" else 0)


def test_round_trip_through_mot_without_nested_names(tmp_path):
    """The MOT direction with only val-style (one level) snippet names."""
    root = make_vid(tmp_path / "v")
    shutil.rmtree(root / "Annotations/VID/train")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    result = roundtrip.check(root, FMT, "mot", scratch)
    assert_differs_only_by(result, *KNOWN["mot"])


def test_lists_in_both_conventions_mark_the_same_frames(vid, tmp_path):
    dataset = xc.read(make_vid(tmp_path / "src", MMT_LISTS), FMT)
    marked = [(f.video_id, f.frame_index) for f in dataset.frames if f.extras["is_vid_train_frame"]]
    assert marked == [(1, 1), (2, 0)]  # `1 2 3` is frame 1 for mmtracking; `1 0 3` marks nothing
    for convention in ("mmtracking", "mega"):
        xc.write(dataset, tmp_path / convention, FMT, imagesets=convention, images="none")
        back = xc.read(tmp_path / convention, FMT)  # the folder says the convention
        assert [(f.video_id, f.frame_index) for f in back.frames if f.extras["is_vid_train_frame"]] == marked
    written = tmp_path / "mmtracking/Lists/VID_train_15frames.txt"
    assert written.read_text() == MMT_LISTS["Lists/VID_train_15frames.txt"]
    assert (tmp_path / "mmtracking/Lists/VID_val_videos.txt").read_text() == f"val/{VAL} 1 0 3\n"
    # MEGA: the frame column is the 0-based frame, and its test loader wants every val frame listed
    assert (tmp_path / "mega/ImageSets/VID_train_15frames.txt").read_text().splitlines() == [
        f"train/{TRAIN_A} 1 1 3", f"train/{TRAIN_B} 1 0 2"]
    assert (tmp_path / "mega/ImageSets/VID_val_videos.txt").read_text().splitlines() == [
        f"val/{VAL} 1 0 3", f"val/{VAL} 2 1 3", f"val/{VAL} 3 2 3"]


def test_the_same_list_read_in_each_convention(tmp_path):
    """FGFA's line `... 1 10 300` is frame 10 for MEGA, frame 9 for mmtracking."""
    root = make_vid(tmp_path / "src", {"ImageSets/VID_train_15frames.txt": f"train/{TRAIN_A} 1 1 3\n"})
    mega = xc.read(root, FMT)
    assert [f.frame_index for f in mega.frames if f.extras["is_vid_train_frame"]] == [1]
    shutil.move(root / "ImageSets", root / "Lists")
    mmtracking = xc.read(root, FMT)
    assert [f.frame_index for f in mmtracking.frames if f.extras["is_vid_train_frame"]] == [0]
    assert [f.frame_index for f in xc.read(root, FMT, imagesets="mega").frames] == [f.frame_index for f in mega.frames]


def test_lists_of_another_format_are_mmtracking_s(tmp_path):
    coco = write_dataset(tmp_path / "x", xsvid_coco(videos=2, frames=3, tracks=2))
    run = xc.convert(coco, tmp_path / "out", "coco", FMT)
    lines = (tmp_path / "out/Lists/VID_train_15frames.txt").read_text().splitlines()
    assert lines[:3] == ["train/video_001 1 1 3", "train/video_001 1 2 3", "train/video_001 1 3 3"]
    assert not (tmp_path / "out/Lists/VID_val_videos.txt").exists()  # no val snippets
    assert any("fractional corners are written with decimals" in n for n in run.notes)
    assert any("categories are not ImageNet-VID's" in n for n in run.notes)
    text = (tmp_path / "out/Annotations/VID/train/video_001/000000.xml").read_text()
    assert "<folder>video_001</folder>" in text and "<trackid>1</trackid>" in text and "." in text
    xc.convert(coco, tmp_path / "int", "coco", FMT, coordinates="integer")
    text = (tmp_path / "int/Annotations/VID/train/video_001/000000.xml").read_text()
    assert "." not in text.split("<size>")[1]


def test_cocovid_output_is_what_mmtracking_s_converter_writes(vid, tmp_path):
    xc.convert(make_vid(tmp_path / "src", MMT_LISTS), tmp_path / "c.json", FMT, "cocovid")
    doc = orjson.loads((tmp_path / "c.json").read_bytes())
    assert doc["categories"][0] == {"id": 1, "name": "airplane", "encode_name": "n02691156"}
    ann = doc["annotations"][0]
    assert ann["bbox"] == [2, 3, 18, 12] and ann["category_id"] == 1 and ann["occluded"] is False
    assert [i["is_vid_train_frame"] for i in doc["images"]] == [False, True, False, True, False, False, False, False]
    assert [i["frame_id"] for i in doc["images"]][:3] == [0, 1, 2]


def test_layouts_other_than_ilsvrc_s_are_written_back_as_they_were(tmp_path):
    snippet = tmp_path / "v/Annotations/VID/val/S"
    snippet.mkdir(parents=True)
    files = {
        "000000.xml": ('<?xml version="1.0" encoding="utf-8"?>\r\n<annotation>\r\n  <folder>S</folder>\r\n'
                       "  <filename>000000</filename>\r\n  <size>\r\n    <width>64</width>\r\n    <height>48</height>\r\n"
                       "  </size>\r\n  <object>\r\n    <trackid>3</trackid>\r\n    <name>n02391049</name>\r\n"
                       "    <bndbox>\r\n      <xmin>1.5</xmin>\r\n      <ymin>2</ymin>\r\n      <xmax>10.25</xmax>\r\n"
                       "      <ymax>9</ymax>\r\n    </bndbox>\r\n  </object>\r\n</annotation>"),
        "000001.xml": "<annotation><folder>other</folder><size><width>64</width><height>48</height></size></annotation>",
    }
    for name, text in files.items():
        (snippet / name).write_bytes(text.encode())
    dataset = xc.read(tmp_path / "v", FMT)
    assert dataset.boxes.category_id.tolist() == [30] and dataset.boxes.w.tolist() == [8.75]
    assert dataset.boxes.extras is None  # no occluded / generated in the file
    xc.write(dataset, tmp_path / "out", FMT, images="none")
    for name, text in files.items():
        assert (tmp_path / "out/Annotations/VID/val/S" / name).read_bytes() == text.encode()


def test_input_may_be_the_annotations_folder_or_one_split(vid):
    assert detect(vid) == 45 and detect(vid / "Annotations/VID") == 45 and detect(vid / "Data") == 0
    assert formats.detect(vid).name == FMT
    assert len(xc.read(vid / "Annotations/VID").frames) == 8
    val = xc.read(vid / "Annotations/VID/val", FMT)
    assert [v.name for v in val.videos] == [VAL] and len(val.frames) == 3


def run_cli(src, out, *extra):
    return CliRunner().invoke(app, ["convert", str(src), str(out), "--from", FMT, "--to", "coco", "-q", *extra])


BAD = {
    "doctype": (b'<!DOCTYPE annotation [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n',
                None, 1, "a DOCTYPE is not accepted"),
    "xmax_below_xmin": (b"", (b"<xmax>20<", b"<xmax>1<"), 15, "xmax 1 is less than xmin 2"),
    "not_utf8": (b"", (b"<folder>", b"<folder>\xe9"), 2, "not valid UTF-8"),
    "unknown_wnid": (b"", (AIRPLANE.encode(), b"n00000001"), 13, "is not the WordNet id"),
    "bad_number": (b"", (b"<ymin>3<", b"<ymin>3e<"), 18, "ymin must be a number, found '3e'"),
    "no_trackid": (b"", (b"<trackid>0</trackid>", b""), 11, "<object> has no <trackid>"),
    "occluded_2": (b"", (b"<occluded>0<", b"<occluded>2<"), 20, "occluded must be 0 or 1"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_hostile_and_malformed_xml_is_one_line_exit_2(vid, tmp_path, case):
    head, change, line, message = BAD[case]
    path = vid / "Annotations/VID/train" / TRAIN_A / "000000.xml"
    data = head + path.read_bytes()
    if change:
        data = data.replace(*change, 1)
    path.write_bytes(data)
    result = run_cli(vid, tmp_path / "out.json")
    assert result.exit_code == 2, result.output
    (shown,) = result.stderr.splitlines()
    assert shown.startswith(f"xsvid-convert: error: {path}:{line}: ") and message in shown, shown
    assert not (tmp_path / "out.json").exists()


def test_lenient_skips_the_bad_object(vid, tmp_path):
    path = vid / "Annotations/VID/val" / VAL / "000002.xml"
    path.write_text(path.read_text().replace(CAR, "n00000001"))
    result = run_cli(vid, tmp_path / "out.json", "--lenient")
    assert result.exit_code == 0, result.output
    assert f"{path}:25: name 'n00000001' is not the WordNet id" in result.stderr and "skipped 1" in result.stderr
    assert len(xc.read(tmp_path / "out.json", "coco").boxes) == 13


def test_frame_numbers_and_names_from_the_data_are_bounded(vid, tmp_path):
    folder = vid / "Annotations/VID/val" / VAL
    shutil.copy(folder / "000000.xml", folder / "900000.xml")
    with pytest.raises(ConvertError, match="frame number 900001 is far beyond"):
        xc.read(vid, FMT)
    (folder / "900000.xml").unlink()
    dataset = xc.read(vid, FMT)
    dataset.videos[0].name = "../../escape"
    with pytest.raises(ConvertError, match="climbs out of its folder"):
        xc.write(dataset, tmp_path / "out", FMT)
    assert not (tmp_path / "out").exists()


def test_what_cannot_be_written_is_refused_or_noted(tmp_path):
    doc = xsvid_coco(videos=1, frames=2, tracks=2, ignored_every=3)
    doc["categories"].append({"id": 31, "name": "kite"})
    doc["annotations"][0]["category_id"] = 31
    coco = write_dataset(tmp_path / "x", doc)
    with pytest.raises(ConvertError, match=r"category 31 \(kite\): ImageNet-VID's classes are category ids 1..30"):
        xc.convert(coco, tmp_path / "out", "coco", FMT)
    doc["annotations"][0]["category_id"] = 1
    run = xc.convert(write_dataset(tmp_path / "y", doc), tmp_path / "out", "coco", FMT)
    assert run.counts["ignored_dropped"] == 1 and run.counts["boxes"] == 3
    assert any("no ignore flag" in n for n in run.notes)


