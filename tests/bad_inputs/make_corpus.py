"""Writes the malformed-input corpus in this folder (`python tests/bad_inputs/make_corpus.py`).

Each case is a small, otherwise valid dataset with one thing wrong.  `cases.yaml` names, per
case, the input to read, its format, the fragment the one-line error must contain, and the file
(relative to the case) that the error must name.  The corpus is committed so that a reviewer can
open any case; this script is how it was made and how to extend it.
"""

from __future__ import annotations

import shutil
import struct
import zlib
from pathlib import Path

import orjson
import yaml

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases"


def png(width: int, height: int) -> bytes:
    """A grey PNG (written by hand so that a zero-size header can be made too)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(max(height, 1)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def coco_doc(cocovid: bool = False) -> dict:
    doc = {
        "info": {}, "licenses": [],
        "categories": [{"id": 1, "name": "car"}, {"id": 2, "name": "person"}],
        "images": [{"id": 1, "file_name": "v1/0000000.png", "width": 16, "height": 16},
                   {"id": 2, "file_name": "v1/0000001.png", "width": 16, "height": 16}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "area": 12, "iscrowd": 0},
            {"id": 2, "image_id": 2, "category_id": 2, "bbox": [5, 5, 2, 2], "area": 4, "iscrowd": 0},
        ],
    }
    if cocovid:
        doc["videos"] = [{"id": 1, "name": "v1"}]
        for k, image in enumerate(doc["images"]):
            image.update(video_id=1, frame_id=k)
        for ann in doc["annotations"]:
            ann["instance_id"] = 1
    return doc


MANIFEST: list[dict] = []


def case(fmt: str, name: str, input_: str, names: str, message: str, to: list[str] | None = None) -> Path:
    folder = CASES / fmt / name
    folder.mkdir(parents=True)
    entry = {"case": f"{fmt}/{name}", "format": fmt, "input": input_, "names": names, "message": message}
    if to:
        entry["to"] = to
    MANIFEST.append(entry)
    return folder


def json_case(fmt: str, name: str, message: str, mutate=None, raw: bytes | None = None, to=None,
              names: str = "ann.json") -> None:
    folder = case(fmt, name, "ann.json", names, message, to)
    if raw is None:
        doc = coco_doc(cocovid=fmt == "cocovid")
        mutate(doc)
        raw = orjson.dumps(doc, option=orjson.OPT_INDENT_2)
    (folder / "ann.json").write_bytes(raw)


def tao_doc() -> dict:
    """TAO ground truth: videos with TAO's lists, global track ids, a tracks list."""
    doc = coco_doc(cocovid=True)
    doc["videos"][0].update(neg_category_ids=[], not_exhaustive_category_ids=[])
    for image in doc["images"]:
        image["frame_index"] = image.pop("frame_id")
    for ann in doc["annotations"]:
        ann["track_id"] = ann.pop("instance_id")
        ann["video_id"] = 1
        ann["category_id"] = 1
    doc["tracks"] = [{"id": 1, "category_id": 1, "video_id": 1}]
    return doc


def tao_case(name: str, message: str, mutate) -> None:
    folder = case("tao", name, "ann.json", "ann.json", message)
    doc = tao_doc()
    mutate(doc)
    (folder / "ann.json").write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2))


def release_case(name: str, message: str, names: str, mutate=None, lines: bytes | None = None) -> None:
    """An XS-VID v2 release: annotations/{train,val_dev,test}.json, splits/, images/."""
    folder = case("xsvid", name, ".", names, message)
    for split in ("train", "val_dev", "test"):
        doc = tao_doc()
        if split == "test" and mutate is not None:
            mutate(doc)
        (folder / "annotations").mkdir(exist_ok=True)
        (folder / "annotations" / f"{split}.json").write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2))
        (folder / "splits").mkdir(exist_ok=True)
        listed = b"../images/v1/0000000.png\n../images/v1/0000001.png\n"
        (folder / "splits" / f"{split}.txt").write_bytes(lines if split == "test" and lines is not None else listed)
    for k in range(2):
        (folder / "images/v1").mkdir(parents=True, exist_ok=True)
        (folder / "images/v1" / f"{k:07d}.png").write_bytes(png(16, 16))


def yolo_case(name: str, message: str, names: str, labels: dict[str, bytes] | None = None,
              data_yaml: bytes | None = None, images: dict[str, bytes] | None = None, to=None) -> None:
    folder = case("yolo", name, ".", names, message, to)
    yaml_text = data_yaml if data_yaml is not None else yaml.safe_dump(
        {"train": "images/train", "val": "images/train", "names": {0: "car", 1: "person"}}).encode()
    (folder / "data.yaml").write_bytes(yaml_text)
    images = {"v1/0000000.png": png(16, 16), "v1/0000001.png": png(16, 16)} if images is None else images
    for rel, data in images.items():
        (folder / "images/train" / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / "images/train" / rel).write_bytes(data)
    labels = {"v1/0000000.txt": b"0 0.5 0.5 0.25 0.25\n"} if labels is None else labels
    for rel, data in labels.items():
        (folder / "labels/train" / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / "labels/train" / rel).write_bytes(data)


SEQINFO = b"[Sequence]\nname=MOT-01\nimDir=img1\nframeRate=30\nseqLength=2\nimWidth=16\nimHeight=16\nimExt=.jpg\n"


def mot_case(name: str, message: str, names: str, gt: bytes | None = b"1,1,1,2,3,4,1,1,1\n2,1,2,2,3,4,1,1,1\n",
             seqinfo: bytes | None = SEQINFO, seq: str = "MOT-01", to=None) -> None:
    folder = case("mot", name, ".", names, message, to)
    sequence = folder / seq
    sequence.mkdir(parents=True)
    if seqinfo is not None:
        (sequence / "seqinfo.ini").write_bytes(seqinfo)
    if gt is not None:
        (sequence / "gt").mkdir()
        (sequence / "gt/gt.txt").write_bytes(gt)


def visdrone_case(name: str, message: str, names: str, rows: bytes | None = b"1,1,1,2,3,4,1,1,0,0\n2,1,2,2,3,4,1,4,0,1\n",
                  images: dict[str, bytes] | None = None, to=None) -> None:
    folder = case("visdrone", name, ".", names, message, to)
    if rows is not None:
        (folder / "annotations").mkdir()
        (folder / "annotations/uav0001.txt").write_bytes(rows)
    for rel, data in (images or {}).items():
        (folder / "sequences" / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / "sequences" / rel).write_bytes(data)


# ---- UAVDT and VisDrone-DET (fmt-uavdt-det): helpers and cases kept in their own blocks for merging

UAVDT_WHOLE = b"1,1,1,2,3,4,1,1,1\n2,1,2,2,3,4,1,2,2\n"


def uavdt_case(name: str, message: str, names: str, whole: bytes | None = UAVDT_WHOLE, ignore: bytes | None = None,
               images: dict[str, bytes] | None = None, to=None) -> None:
    folder = case("uavdt", name, ".", names, message, to)
    if whole is not None or ignore is not None:
        (folder / "GT").mkdir()
    if whole is not None:
        (folder / "GT/M0101_gt_whole.txt").write_bytes(whole)
    if ignore is not None:
        (folder / "GT/M0101_gt_ignore.txt").write_bytes(ignore)
    for rel, data in (images or {}).items():
        (folder / "UAV-benchmark-M" / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / "UAV-benchmark-M" / rel).write_bytes(data)


DET_NAME = "0000001_00000_d_0000001"


def visdrone_det_case(name: str, message: str, names: str, rows: bytes | None = b"1,2,3,4,1,4,0,0,\n5,5,2,2,0,0,0,0,\n",
                      images: dict[str, bytes] | None = None, to=None) -> None:
    folder = case("visdrone-det", name, ".", names, message, to)
    if rows is not None:
        (folder / "annotations").mkdir()
        (folder / f"annotations/{DET_NAME}.txt").write_bytes(rows)
    for rel, data in (images or {}).items():
        (folder / "images" / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / "images" / rel).write_bytes(data)


def uavdt_and_visdrone_det_cases() -> None:
    # ---- UAVDT
    uavdt_case("category_7", "category 7 is not UAVDT's", "GT/M0101_gt_whole.txt",
               whole=b"1,1,1,2,3,4,1,1,1\n2,1,2,2,3,4,1,1,7\n")
    uavdt_case("frame_far_beyond", "far beyond what the sequence holds", "GT/M0101_gt_whole.txt",
               whole=b"1,1,1,2,3,4,1,1,1\n900000000,1,2,2,3,4,1,1,1\n")
    uavdt_case("ignore_five_columns", "expected 6 to 9 comma-separated UAVDT columns, found 5", "GT/M0101_gt_ignore.txt",
               ignore=b"1,-1,0,0,5\n")
    uavdt_case("fractional_target_id", "target id must be a whole number", "GT/M0101_gt_whole.txt",
               whole=b"1,1.5,1,2,3,4,1,1,1\n")
    uavdt_case("box_outside_image", "lies wholly outside", "GT/M0101_gt_whole.txt",
               whole=b"1,1,30,2,3,4,1,1,1\n", images={"M0101/img000001.png": png(16, 16)})
    uavdt_case("no_uavdt_here", "not a UAVDT folder", ".", whole=None)

    # ---- VisDrone-DET
    visdrone_det_case("category_12", "category 12 is not in VisDrone's table", f"annotations/{DET_NAME}.txt",
                      rows=b"1,2,3,4,1,4,0,0,\n5,5,2,2,1,12,0,0,\n")
    visdrone_det_case("ten_columns", "expected 8 comma-separated VisDrone-DET columns, found 10",
                      f"annotations/{DET_NAME}.txt", rows=b"1,1,1,2,3,4,1,1,0,0\n")
    visdrone_det_case("two_images_one_name", "has the same name", f"images/{DET_NAME}.png",
                      images={f"{DET_NAME}.jpg": png(16, 16), f"{DET_NAME}.png": png(16, 16)})
    visdrone_det_case("box_outside_image", "lies wholly outside", f"annotations/{DET_NAME}.txt",
                      rows=b"1,30,3,4,1,4,0,0\n", images={f"{DET_NAME}.png": png(16, 16)})
    visdrone_det_case("no_annotations_folder", "no annotations/ inside", ".", rows=None)


VID_SNIPPET = "ILSVRC2015_VID_train_0000/ILSVRC2015_train_00000000"
VID_OBJECT = (b"\t<object>\n\t\t<trackid>0</trackid>\n\t\t<name>n02958343</name>\n\t\t<bndbox>\n"
              b"\t\t\t<xmax>12</xmax>\n\t\t\t<xmin>2</xmin>\n\t\t\t<ymax>9</ymax>\n\t\t\t<ymin>3</ymin>\n"
              b"\t\t</bndbox>\n\t\t<occluded>0</occluded>\n\t\t<generated>0</generated>\n\t</object>\n")


def vid_xml(frame: int, objects: bytes = VID_OBJECT, head: bytes = b"", size: bytes | None = None) -> bytes:
    """One ImageNet-VID frame file, laid out as ILSVRC2015's are."""
    if size is None:
        size = b"\t<size>\n\t\t<width>16</width>\n\t\t<height>16</height>\n\t</size>\n"
    top = (b"<annotation>\n\t<folder>%s</folder>\n\t<filename>%06d</filename>\n"
           b"\t<source>\n\t\t<database>ILSVRC_2015</database>\n\t</source>\n" % (VID_SNIPPET.encode(), frame))
    return head + top + size + objects + b"</annotation>\n"


def imagenet_vid_case(name: str, message: str, names: str, frames: dict[int, bytes] | None = None,
                      lists: dict[str, bytes] | None = None, to=None) -> None:
    """`train/<snippet>/000000.xml` and `000001.xml` (the second replaced by `frames`), and lists."""
    folder = case("imagenet-vid", name, ".", names, message, to)
    snippet = folder / "Annotations/VID/train" / VID_SNIPPET
    snippet.mkdir(parents=True)
    for frame, data in ({0: vid_xml(0), 1: vid_xml(1)} | (frames or {})).items():
        (snippet / f"{frame:06d}.xml").write_bytes(data)
    for rel, data in (lists or {}).items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)


def results_gt() -> dict:
    """The ground truth of the results cases: two videos whose frames share names."""
    doc = {"categories": [{"id": 1, "name": "car"}, {"id": 2, "name": "person"}],
           "videos": [{"id": 1, "name": "v1"}, {"id": 2, "name": "v2"}], "images": [], "annotations": []}
    for v in (1, 2):
        for f in range(2):
            image_id = len(doc["images"]) + 1
            doc["images"].append({"id": image_id, "file_name": f"v{v}/{f:07d}.png", "width": 16, "height": 16,
                                  "video_id": v, "frame_index": f})
            doc["annotations"].append({"id": image_id, "image_id": image_id, "category_id": 1, "bbox": [1, 2, 3, 4],
                                       "area": 12, "iscrowd": 0, "track_id": v})
    return doc


def results_case(fmt: str, name: str, input_: str, names: str, message: str, files: dict[str, bytes]) -> None:
    """A results input (files relative to the case) beside its ground truth `gt.json`."""
    folder = case(fmt, name, input_, names, message)
    MANIFEST[-1]["gt"] = "gt.json"
    (folder / "gt.json").write_bytes(orjson.dumps(results_gt(), option=orjson.OPT_INDENT_2))
    for rel, data in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)


def rows(*items: dict) -> bytes:
    return orjson.dumps(list(items), option=orjson.OPT_INDENT_2)


def result_cases() -> None:
    det = {"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.9}
    track = {**det, "video_id": 1, "track_id": 0}
    results_case("coco-results", "not_a_list", "pred.json", "pred.json", "expected a JSON list",
                 {"pred.json": orjson.dumps({"annotations": [det]})})
    results_case("coco-results", "unknown_image_id", "pred.json", "pred.json", "image id 99 is not in the ground truth",
                 {"pred.json": rows(det, {**det, "image_id": 99})})
    results_case("coco-results", "score_missing", "pred.json", "pred.json", "missing key 'score'",
                 {"pred.json": rows({k: v for k, v in det.items() if k != "score"})})
    results_case("coco-results", "score_nan_as_text", "pred.json", "pred.json", "score must be a finite number",
                 {"pred.json": rows({**det, "score": "nan"})})
    results_case("tao-results", "track_in_two_videos", "pred.json", "pred.json", "appears in video 2 and in video 1",
                 {"pred.json": rows(track, {**track, "image_id": 3, "video_id": 2})})
    results_case("tao-results", "two_categories_in_a_track", "pred.json", "pred.json", "one category per track",
                 {"pred.json": rows(track, {**track, "image_id": 2, "category_id": 2})})
    results_case("tao-results", "video_not_the_image_s", "pred.json", "pred.json", "is not the video of image 1",
                 {"pred.json": rows({**track, "video_id": 2})})
    results_case("yolo-pred", "flat_folder_with_colliding_names", "run", "run/labels/0000000.txt",
                 "could be any of 2 frames", {"run/labels/0000000.txt": b"0 0.5 0.5 0.2 0.2 0.9\n"})
    results_case("yolo-pred", "no_confidence_column", "run", "run/labels/v1/0000000.txt",
                 "expected `class xc yc w h conf`", {"run/labels/v1/0000000.txt": b"0 0.5 0.5 0.2 0.2\n"})
    results_case("yolo-pred", "class_beyond_the_model", "run", "run/labels/v2/0000001.txt",
                 "class '7' is not one of the model's 2 classes", {"run/labels/v2/0000001.txt": b"7 0.5 0.5 0.2 0.2 0.9\n"})
    results_case("mot-results", "unknown_sequence", "mot", "mot/v9.txt", "the ground truth has no video named 'v9'",
                 {"mot/v9.txt": b"1,1,1,2,3,4,0.9,-1,-1,-1\n"})
    results_case("mot-results", "frame_not_in_ground_truth", "mot", "mot/v1.txt",
                 "frame 9 of 'v1' is not in the ground truth", {"mot/v1.txt": b"1,1,1,2,3,4,0.9,-1,-1,-1\n9,1,1,2,3,4,0.9,-1,-1,-1\n"})
    results_case("visdrone-results", "category_not_in_ground_truth", "vd", "vd/v2.txt", "category id 42 is not among",
                 {"vd/v2.txt": b"1,-1,1,2,3,4,0.9,42,-1,-1\n"})
    results_case("visdrone-results", "nine_columns", "vd", "vd/v1.txt", "expected 10 comma-separated",
                 {"vd/v1.txt": b"1,-1,1,2,3,4,0.9,1,-1\n"})


def main() -> None:
    shutil.rmtree(CASES, ignore_errors=True)
    MANIFEST.clear()
    good = orjson.dumps(coco_doc(), option=orjson.OPT_INDENT_2)

    # ---- COCO
    json_case("coco", "truncated_json", "invalid JSON", raw=good[: len(good) // 2])
    json_case("coco", "trailing_garbage", "invalid JSON", raw=good + b"}")
    json_case("coco", "empty_file", "empty file", raw=b"")
    json_case("coco", "nan_literal", "invalid JSON", raw=good.replace(b"[\n        1,", b"[\n        NaN,", 1))
    json_case("coco", "not_an_object", "expected a JSON object", raw=b"[1, 2, 3]\n")
    json_case("coco", "non_utf8", "not valid UTF-8", raw=good.replace(b'"car"', b'"c\xffr"'))
    json_case("coco", "missing_images", "missing key 'images'", lambda d: d.pop("images"))
    json_case("coco", "images_not_a_list", "expected a list", lambda d: d.update(images={"id": 1}))
    json_case("coco", "annotation_without_bbox", "missing key 'bbox'", lambda d: d["annotations"][1].pop("bbox"))
    json_case("coco", "bbox_of_strings", "bbox must be a list of 4 finite numbers", lambda d: d["annotations"][0].update(bbox=["1", "2", "3", "4"]))
    json_case("coco", "bbox_of_three", "bbox must be a list of 4 finite numbers", lambda d: d["annotations"][0].update(bbox=[1, 2, 3]))
    json_case("coco", "image_id_as_text", "expected an integer", lambda d: d["annotations"][0].update(image_id="1"))
    json_case("coco", "negative_width", "width is negative", lambda d: d["annotations"][1].update(bbox=[5, 5, -2, 2]))
    json_case("coco", "negative_image_height", "height: Input should be greater than 0", lambda d: d["images"][0].update(height=-16))
    json_case("coco", "zero_image_width", "width: Input should be greater than 0", lambda d: d["images"][1].update(width=0))
    json_case("coco", "unknown_image_id", "image id 99 is not among the frames", lambda d: d["annotations"][1].update(image_id=99))
    json_case("coco", "unknown_category_id", "category id 42 is not among the categories", lambda d: d["annotations"][0].update(category_id=42))
    json_case("coco", "duplicate_annotation_id", "id 1 is used twice", lambda d: d["annotations"][1].update(id=1))
    json_case("coco", "duplicate_image_id", "id 1 is used twice", lambda d: d["images"][1].update(id=1))
    json_case("coco", "box_outside_image", "lies wholly outside", lambda d: d["annotations"][0].update(bbox=[40, 2, 3, 4]))
    json_case("coco", "file_name_climbs_out", "climbs out of its folder", lambda d: d["images"][0].update(file_name="../../../tmp/evil.png"))
    json_case("coco", "file_name_absolute", "is absolute", lambda d: d["images"][0].update(file_name="/etc/evil.png"))
    json_case("coco", "file_name_nul", "NUL byte", lambda d: d["images"][0].update(file_name="v1/a\u0000.png"))
    json_case("coco", "width_as_text", "width", lambda d: d["images"][0].update(width="wide"))
    # hostile (issue 10): typed flags and ids, control characters, names twice, overflowing boxes
    json_case("coco", "iscrowd_as_text", "iscrowd must be 0, 1, true or false", lambda d: d["annotations"][0].update(iscrowd="no"))
    json_case("coco", "iscrowd_half", "iscrowd must be 0, 1, true or false", lambda d: d["annotations"][0].update(iscrowd=0.5))
    json_case("coco", "instance_id_1e20", "instance_id: expected an integer", lambda d: d["annotations"][0].update(instance_id=1e20))
    json_case("coco", "file_name_with_newline", "control character", lambda d: d["images"][0].update(file_name="v1/a\nb.png"))
    json_case("coco", "file_name_twice", "is used by two images", lambda d: d["images"][1].update(file_name="v1/0000000.png"))
    json_case("coco", "box_too_large", "too large to measure", lambda d: d["annotations"][0].update(bbox=[1, 1, 1e200, 1e200]))
    json_case("cocovid", "video_id_not_the_image_s", "is not the video of its image",
              lambda d: (d["videos"].append({"id": 2, "name": "v2"}), d["annotations"][0].update(video_id=2)))

    # ---- TAO and the XS-VID v2 release
    tao_case("track_in_two_videos", "TAO needs track ids unique across videos", lambda d: (
        d["videos"].append({"id": 2, "name": "v2", "neg_category_ids": [], "not_exhaustive_category_ids": []}),
        d["images"][1].update(video_id=2), d["annotations"][1].update(video_id=2)))
    tao_case("two_categories_in_a_track", "one category per track", lambda d: d["annotations"][1].update(category_id=2))
    tao_case("iscrowd_as_text", "iscrowd must be 0, 1, true or false", lambda d: d["annotations"][0].update(iscrowd="no"))
    release_case("split_line_outside_images", "is not under", "splits/test.txt",
                 lines=b"../images/v1/0000000.png\n../../../etc/hostname\n")
    release_case("split_line_not_in_the_json", "is not a frame of annotations/test.json", "splits/test.txt",
                 lines=b"../images/v1/0000009.png\n")
    release_case("video_id_not_the_image_s", "is not the video of its image", "annotations/test.json",
                 mutate=lambda d: d["annotations"][0].update(video_id=7))
    release_case("track_id_beyond_64_bits", "does not fit in 64 bits", "annotations/test.json",
                 mutate=lambda d: d["annotations"][0].update(track_id=2**63))

    # ---- CocoVID
    json_case("cocovid", "no_videos", "needs a `videos` list", lambda d: d.pop("videos"))
    json_case("cocovid", "image_without_video", "needs a video_id", lambda d: d["images"][1].pop("video_id"))
    json_case("cocovid", "unknown_video_id", "video id 9 is not among the videos", lambda d: d["images"][1].update(video_id=9))
    json_case("cocovid", "frame_id_twice", "frame index 0 appears twice", lambda d: d["images"][1].update(frame_id=0))
    json_case("cocovid", "video_name_climbs_out", "climbs out of its folder",
              lambda d: d["videos"][0].update(name="../../escaped"))
    json_case("cocovid", "video_name_absolute", "is absolute",
              lambda d: d["videos"][0].update(name="/tmp/escaped"))
    json_case("cocovid", "instance_id_fractional", "expected an integer", lambda d: d["annotations"][0].update(instance_id=1.5))

    # ---- YOLO
    yolo_case("five_columns_expected", "expected `class cx cy w h`", "labels/train/v1/0000000.txt",
              labels={"v1/0000000.txt": b"0 0.5 0.5 0.25\n"})
    yolo_case("class_not_integer", "class must be an integer", "labels/train/v1/0000000.txt",
              labels={"v1/0000000.txt": b"0 0.5 0.5 0.25 0.25\ncar 0.5 0.5 0.25 0.25\n"})
    yolo_case("class_out_of_range", "class 5 is not among the 2 names", "labels/train/v1/0000000.txt",
              labels={"v1/0000000.txt": b"5 0.5 0.5 0.25 0.25\n"})
    yolo_case("negative_size", "must not be negative", "labels/train/v1/0000000.txt",
              labels={"v1/0000000.txt": b"0 0.5 0.5 -0.25 0.25\n"})
    yolo_case("infinite_coordinate", "finite numbers", "labels/train/v1/0000000.txt",
              labels={"v1/0000000.txt": b"0 inf 0.5 0.25 0.25\n"})
    yolo_case("box_outside_image", "lies wholly outside", "labels/train/v1/0000000.txt",
              labels={"v1/0000000.txt": b"0 1.5 0.5 0.25 0.25\n"})
    yolo_case("label_not_utf8", "not valid UTF-8", "labels/train/v1/0000000.txt",
              labels={"v1/0000000.txt": b"0 0.5 0.5 0.25 0.25\n\xff\xfe\n"})
    yolo_case("yaml_python_tag", "invalid YAML", "data.yaml",
              data_yaml=b"train: images/train\nval: !!python/object/apply:os.system ['echo pwned > /tmp/xsvid-pwned']\nnames: {0: car}\n")
    yolo_case("yaml_garbled", "invalid YAML", "data.yaml", data_yaml=b"train: [images/train\nnames: {0: car\n")
    yolo_case("yaml_empty", "expected a mapping", "data.yaml", data_yaml=b"")
    yolo_case("yaml_without_names", "missing names", "data.yaml", data_yaml=b"train: images/train\nval: images/train\n")
    yolo_case("names_not_0_to_n", "names must be keyed 0..", "data.yaml",
              data_yaml=b"train: images/train\nval: images/train\nnames: {1: car, 2: person}\n")
    yolo_case("image_missing_size_needed", "image size unknown", "labels/train/v1/0000000.txt",
              data_yaml=b"train: train.txt\nval: train.txt\nnames: {0: car}\n",
              images={}, labels={"v1/0000000.txt": b"0 0.5 0.5 0.25 0.25\n"})
    (CASES / "yolo/image_missing_size_needed/train.txt").write_bytes(b"images/train/v1/0000000.png\n")
    yolo_case("zero_size_image", "image has size 0x16", "images/train/v1/0000000.png",
              images={"v1/0000000.png": png(0, 16)})
    yolo_case("truncated_image", "cannot read the image size", "images/train/v1/0000001.png",
              images={"v1/0000000.png": png(16, 16), "v1/0000001.png": b"\x89PNG\r\n\x1a\n"})
    alias_bomb = b"a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\ntrain: images/train\nnames: *b\n"
    yolo_case("yaml_alias_bomb", "aliases", "data.yaml", data_yaml=alias_bomb)
    yolo_case("list_line_outside", "lies outside the dataset folder", "train.txt",
              data_yaml=b"train: train.txt\nval: train.txt\nnames: {0: car}\n")
    (CASES / "yolo/list_line_outside/train.txt").write_bytes(b"images/train/v1/0000000.png\n../../../../../etc/hostname\n")
    yolo_case("images_dir_climbs_out", "climbs out of its folder", "data.yaml",
              data_yaml=b"train: images/train\nimages_dir: ../../x/\nlabels_dir: labels/\nnames: {0: car}\n")

    # ---- MOT
    mot_case("too_few_columns", "expected 7 to 10 comma-separated MOT columns, found 5", "MOT-01/gt/gt.txt",
             gt=b"1,1,1,2,3,4,1,1,1\n2,1,2,2,3\n")
    mot_case("not_a_number", "column 3 is not a number", "MOT-01/gt/gt.txt", gt=b"1,1,left,2,3,4,1,1,1\n")
    mot_case("frame_zero", "frame must be a whole number from 1", "MOT-01/gt/gt.txt", gt=b"0,1,1,2,3,4,1,1,1\n")
    mot_case("fractional_id", "id must be a whole number", "MOT-01/gt/gt.txt", gt=b"1,1.5,1,2,3,4,1,1,1\n")
    mot_case("infinite_value", "infinite value", "MOT-01/gt/gt.txt", gt=b"1,1,inf,2,3,4,1,1,1\n")
    mot_case("nan_value", "NaN is not a value", "MOT-01/gt/gt.txt", gt=b"1,1,1,2,nan,4,1,1,1\n")
    mot_case("negative_height", "height is negative", "MOT-01/gt/gt.txt", gt=b"1,1,1,2,3,-4,1,1,1\n")
    mot_case("box_outside_image", "lies wholly outside", "MOT-01/gt/gt.txt", gt=b"1,1,20,2,3,4,1,1,1\n")
    mot_case("gt_not_utf8", "not valid UTF-8", "MOT-01/gt/gt.txt", gt=b"1,1,1,2,3,4,1,1,1\n\xc3\x28\n")
    mot_case("empty_gt_line_garbage", "expected 7 to 10", "MOT-01/gt/gt.txt", gt=b"1,1,1,2,3,4,1,1,1\n,\n")
    mot_case("seqinfo_without_section", "garbled seqinfo.ini", "MOT-01/seqinfo.ini", seqinfo=b"name=MOT-01\nseqLength=2\n")
    mot_case("seqinfo_garbled", "garbled seqinfo.ini", "MOT-01/seqinfo.ini", seqinfo=b"[Sequence\nname=MOT-01\n")
    mot_case("seqinfo_width_text", "imWidth must be a whole number", "MOT-01/seqinfo.ini",
             seqinfo=SEQINFO.replace(b"imWidth=16", b"imWidth=wide"))
    mot_case("seqinfo_zero_height", "imHeight must be positive", "MOT-01/seqinfo.ini",
             seqinfo=SEQINFO.replace(b"imHeight=16", b"imHeight=0"))
    mot_case("sequence_name_climbs_out", "climbs out of its folder", "MOT-01/seqinfo.ini",
             seqinfo=SEQINFO.replace(b"name=MOT-01", b"name=../../escape"))
    mot_case("no_sequence", "no MOT sequence here", ".", gt=None, seqinfo=None)
    mot_case("imdir_climbs_out", "climbs out of its folder", "MOT-01/seqinfo.ini",
             seqinfo=SEQINFO.replace(b"imDir=img1", b"imDir=../../../escaped"))
    mot_case("frame_a_billion", "far beyond what the sequence holds", "MOT-01/gt/gt.txt",
             gt=b"1,1,1,2,3,4,1,1,1\n1000000000,1,2,2,3,4,1,1,1\n", seqinfo=None)
    mot_case("frame_past_seq_length", "beyond the seqLength 2 of seqinfo.ini", "MOT-01/gt/gt.txt",
             gt=b"1,1,1,2,3,4,1,1,1\n1000000000,1,2,2,3,4,1,1,1\n")
    mot_case("seq_length_a_billion", "far beyond what the sequence holds", "MOT-01/seqinfo.ini",
             seqinfo=SEQINFO.replace(b"seqLength=2", b"seqLength=1000000000"))
    mot_case("id_1e20", "id must be a whole number", "MOT-01/gt/gt.txt", gt=b"1,1e20,1,2,3,4,1,1,1\n")
    mot_case("two_sequences_one_name", "two sequences cannot share a folder", "MOT-02/seqinfo.ini")
    (CASES / "mot/two_sequences_one_name/MOT-02/gt").mkdir(parents=True)
    (CASES / "mot/two_sequences_one_name/MOT-02/seqinfo.ini").write_bytes(SEQINFO)
    (CASES / "mot/two_sequences_one_name/MOT-02/gt/gt.txt").write_bytes(b"1,1,1,2,3,4,1,1,1\n")

    # ---- VisDrone-VID
    visdrone_case("eight_columns", "expected 10 comma-separated VisDrone-VID columns, found 8", "annotations/uav0001.txt",
                  rows=b"1,1,1,2,3,4,1,1,0,0\n2,1,2,2,3,4,1,4\n")
    visdrone_case("category_12", "category 12 is not in VisDrone's table", "annotations/uav0001.txt",
                  rows=b"1,1,1,2,3,4,1,12,0,0\n")
    visdrone_case("frame_zero", "frame numbers start at 1", "annotations/uav0001.txt", rows=b"0,1,1,2,3,4,1,1,0,0\n")
    visdrone_case("not_a_number", "column 5 is not a number", "annotations/uav0001.txt", rows=b"1,1,1,2,w,4,1,1,0,0\n")
    visdrone_case("negative_width", "width is negative", "annotations/uav0001.txt", rows=b"1,1,1,2,-3,4,1,1,0,0\n")
    visdrone_case("not_utf8", "not valid UTF-8", "annotations/uav0001.txt", rows=b"1,1,1,2,3,4,1,1,0,0\n\x80\n")
    visdrone_case("no_annotations_folder", "no annotations/ inside", ".", rows=None)
    visdrone_case("box_outside_image", "lies wholly outside", "annotations/uav0001.txt",
                  rows=b"1,1,1,30,3,4,1,1,0,0\n", images={"uav0001/0000001.png": png(16, 16)})
    visdrone_case("image_missing_size_needed", "image size unknown", "sequences/uav0001/0000001.jpg", to=["yolo"])
    json_case("coco", "no_size_no_image", "image size unknown",
              lambda d: [i.pop(k) for i in d["images"] for k in ("width", "height")], to=["yolo"],
              names="v1/0000000.png")  # the image it looked for
    visdrone_case("zero_size_image", "image has size 16x0", "sequences/uav0001/0000001.png",
                  images={"uav0001/0000001.png": png(16, 0)})
    visdrone_case("empty_image_file", "cannot read the image size", "sequences/uav0001/0000002.png",
                  images={"uav0001/0000001.png": png(16, 16), "uav0001/0000002.png": b""})
    visdrone_case("frame_a_billion", "far beyond what the sequence holds", "annotations/uav0001.txt",
                  rows=b"1,1,1,2,3,4,1,1,0,0\n999999999,1,2,2,3,4,1,4,0,1\n")
    uavdt_and_visdrone_det_cases()

    # ---- ImageNet-VID
    vid = "Annotations/VID/train/" + VID_SNIPPET + "/000001.xml"
    # billion laughs: entity i is 10 of h, ..., b is 10 of a: &i; would be 10^9 "a"s
    levels = b"abcdefghi"
    laughs = (b'<?xml version="1.0"?>\n<!DOCTYPE annotation [\n<!ENTITY a "aaaaaaaaaa">\n'
              + b"".join(b'<!ENTITY %c "%s">\n' % (levels[k], b"&%c;" % levels[k - 1] * 10) for k in range(1, 9))
              + b"]>\n")
    imagenet_vid_case("billion_laughs", "a DOCTYPE is not accepted", vid,
                      frames={1: vid_xml(1, VID_OBJECT.replace(b"n02958343", b"&i;"), head=laughs)})
    imagenet_vid_case("external_entity", "a DOCTYPE is not accepted", vid,
                      frames={1: vid_xml(1, VID_OBJECT.replace(b"n02958343", b"&x;"),
                                         head=b'<!DOCTYPE annotation [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n')})
    imagenet_vid_case("xmax_below_xmin", "xmax 1 is less than xmin 2", vid,
                      frames={1: vid_xml(1, VID_OBJECT.replace(b"<xmax>12<", b"<xmax>1<"))})
    imagenet_vid_case("not_utf8", "not valid UTF-8", vid,
                      frames={1: vid_xml(1, VID_OBJECT.replace(b"<trackid>0", b"<trackid>\xff0"))})
    imagenet_vid_case("unknown_wordnet_id", "is not the WordNet id of one of ImageNet-VID's 30 classes", vid,
                      frames={1: vid_xml(1, VID_OBJECT.replace(b"n02958343", b"n99999999"))})
    imagenet_vid_case("xmin_not_a_number", "xmin must be a number", vid,
                      frames={1: vid_xml(1, VID_OBJECT.replace(b"<xmin>2<", b"<xmin>two<"))})
    imagenet_vid_case("no_size", "no <size>", vid, frames={1: vid_xml(1, size=b"")})
    imagenet_vid_case("truncated_xml", "invalid XML", vid, frames={1: vid_xml(1)[:150]})
    imagenet_vid_case("list_frame_count_wrong", "has 300 frames; Annotations/VID has 2", "Lists/VID_train_15frames.txt",
                      lists={"Lists/VID_train_15frames.txt": ("train/" + VID_SNIPPET + " 1 1 2\ntrain/" + VID_SNIPPET
                                                              + " 1 2 300\n").encode()})

    # ---- results (each beside its ground truth gt.json)
    result_cases()

    # git keeps no empty folder: a case that is an empty folder gets a note that no reader looks at
    for folder in sorted(CASES.rglob("*")):
        if folder.is_dir() and not any(folder.iterdir()):
            (folder / "NOTE.txt").write_text("deliberately empty: no dataset here\n", encoding="utf-8")

    (HERE / "cases.yaml").write_text(
        "# written by make_corpus.py: one malformed input per case\n" + yaml.safe_dump(MANIFEST, sort_keys=False, width=200),
        encoding="utf-8")
    print(f"{len(MANIFEST)} cases in {CASES}")


if __name__ == "__main__":
    main()
