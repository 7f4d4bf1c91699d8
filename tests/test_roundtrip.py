"""roundtrip's blind spots: extras at every level, frames only in the copy, and the records' own
fields (supercategory, a video's size and fps, a frame's split, ids).  "When a conversion changes
anything, `roundtrip` must say so."""

import orjson
import pytest

import xsvid_convert as xc
from xsvid_convert import formats
from xsvid_convert.formats.base import FIELDS
from xsvid_convert.model import BoxTable
from xsvid_convert.tools import roundtrip
from xsvid_convert.tools.roundtrip_records import EXTRAS, compared_fields

from helpers import assert_differs_only_by, invoke

# out-of-view 1, 2 and occlusion 2, 3: codes only the UAVDT files hold (box extras)
UAVDT_ROWS = "1,1,10,10,5,5,1,2,1\n2,1,11,10,5,5,2,3,1\n1,2,30,20,6,6,1,1,2\n"


def uavdt_folder(root):
    (root / "GT").mkdir(parents=True)
    (root / "GT" / "M0101_gt_whole.txt").write_text(UAVDT_ROWS)
    return root


def scratch(tmp_path, name):
    folder = tmp_path / name
    folder.mkdir()
    return folder


def test_box_extras_a_target_drops_are_a_difference(tmp_path):
    """MOT writes no UAVDT codes: they come back -1 (none), and the loss matrix does not say so."""
    src = uavdt_folder(tmp_path / "ua")
    result = roundtrip.check(src, "uavdt", "mot", scratch(tmp_path, "mot"), image_size=(64, 48))
    assert not result.ok and result.lost == formats.loss("uavdt", "mot") == []
    assert "frame ('M0101', 0): box extras uavdt_occlusion 2 lost, uavdt_out_of_view 1 lost" in result.differences
    assert len(result.differences) == 3, result.text()
    out = invoke("roundtrip", src, "--from", "uavdt", "--via", "mot", "--image-size", "64x48")
    assert out.exit_code == 1 and "DIFFERS" in out.output and "uavdt_out_of_view" in out.output, out.output
    # a target that keeps other keys brings them back; the format itself is identical
    for via in ("coco", "uavdt"):
        result = roundtrip.check(src, "uavdt", via, scratch(tmp_path, via), image_size=(64, 48))
        assert result.ok and result.lost == [], result.text()


def test_extras_the_loss_matrix_says_the_target_loses_are_within_it(tmp_path):
    doc = {"categories": [{"id": 1, "name": "car", "supercategory": "vehicle", "color": [1, 2, 3]}],
           "images": [{"id": 1, "file_name": "a.jpg", "width": 32, "height": 32, "weather": "rain"}],
           "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 4, 4], "area": 16, "iscrowd": 0,
                            "segmentation": [[1, 1, 5, 1, 5, 5]]}], "info": {"year": 2026}}
    src = tmp_path / "a.json"
    src.write_bytes(orjson.dumps(doc))
    result = roundtrip.check(src, "coco", "yolo", scratch(tmp_path, "yolo"))
    assert result.ok and FIELDS[EXTRAS] in result.lost, result.text()
    assert result.text().splitlines()[0].endswith("OK within the loss matrix")


def test_which_fields_are_compared():
    coco, mot, uavdt = (formats.get(name).carries for name in ("coco", "mot", "uavdt"))
    assert EXTRAS not in compared_fields(coco, mot)  # the loss matrix says MOT loses them
    assert EXTRAS in compared_fields(uavdt, mot)  # it does not: any change is a difference
    assert EXTRAS in compared_fields(uavdt, coco)  # the target keeps them
    assert EXTRAS in compared_fields(mot, mot)  # A -> A keeps everything


def two_copies(tmp_path):
    """The same small COCO file read twice: `b` is changed, `a` is the source."""
    doc = {"info": {"year": 2026}, "categories": [{"id": 1, "name": "car", "supercategory": "vehicle"}],
           "videos": [{"id": 1, "name": "v", "width": 32, "height": 32, "fps": 25}],
           "images": [{"id": k + 1, "file_name": f"v/{k}.jpg", "width": 32, "height": 32, "video_id": 1,
                       "frame_index": k} for k in range(2)],
           "annotations": [{"id": k + 1, "image_id": k + 1, "category_id": 1, "bbox": [1, 1, 4, 4], "area": 16,
                            "iscrowd": 0, "track_id": 1, "attributes": {"parked": k == 0}} for k in range(2)]}
    src = tmp_path / "a.json"
    src.write_bytes(orjson.dumps(doc))
    return xc.read(src, "coco"), xc.read(src, "coco")


def _extra_frame(b):
    b.frames.append(b.frames[1].model_copy(update={"id": 3, "file_name": "v/2.jpg", "frame_index": 2}))


def _box_extras(b):
    b.boxes = BoxTable(extras=[{"attributes": {"parked": False}}, b.boxes.extras[1]], hints=b.boxes.hints,
                       **b.boxes.columns())


CHANGES = {
    "frames only in the copy": (_extra_frame, "1 frames not in the source came back, first ('v', 2)"),
    "supercategory": (lambda b: setattr(b.categories[0], "supercategory", None),
                      "category 'car': supercategory 'vehicle' became None"),
    "category extras": (lambda b: setattr(b.categories[0], "extras", {"color": 1}),
                        "category 'car': extras color 1 added"),
    "fps": (lambda b: setattr(b.videos[0], "fps", 30), "video 'v': fps 25 became 30"),
    "video size": (lambda b: setattr(b.videos[0], "width", None), "video 'v': width 32 became None"),
    "video id": (lambda b: [setattr(r, k, 5) for r, k in [(b.videos[0], "id")] + [(f, "video_id") for f in b.frames]],
                 "video 'v': id 1 became 5"),
    "dataset extras": (lambda b: b.extras.pop("info"), "dataset: extras info {'year': 2026} lost"),
    "frame extras": (lambda b: setattr(b.frames[0], "extras", {"weather": "rain"}),
                     "frame ('v', 0): extras weather 'rain' added"),
    "frame id": (lambda b: setattr(b.frames[1], "id", 9) or setattr(b.boxes, "frame_id", b.boxes.frame_id * 0 + [1, 9]),
                 "frame ('v', 1): image id 2 became 9"),
    "split given where the source had none": (lambda b: [setattr(f, "split", "val") for f in b.frames], None),
    "box id": (lambda b: setattr(b.boxes, "id", b.boxes.id + [10, 0]), "frame ('v', 0): annotation id 1 became 11"),
    "box extras": (_box_extras, "frame ('v', 0): box extras attributes {'parked': True} became {'parked': False}"),
}


COCO_TO_COCO = compared_fields(formats.get("coco").carries, formats.get("coco").carries)


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_field_of_the_model_is_compared(tmp_path, change):
    a, b = two_copies(tmp_path)
    alter, expected = CHANGES[change]
    assert roundtrip.compare(a, b, COCO_TO_COCO, True) == []
    alter(b)
    found = roundtrip.compare(a, b, COCO_TO_COCO, True)
    assert found == ([expected] if expected else []), found


def test_a_split_that_changes_is_said_once(tmp_path):
    a, b = two_copies(tmp_path)
    for f in a.frames:
        f.split = "train"
    for f in b.frames:
        f.split = "middle"
    fields = COCO_TO_COCO
    assert roundtrip.compare(a, b, fields, True) == ["2 frames of split 'train' came back in split 'middle'"]
    b.frames[0].split = None
    assert roundtrip.compare(a, b, fields, True) == ["1 frames of split 'train' came back in split 'middle'",
                                                     "1 frames of split 'train' came back in split None"]


def test_extras_are_not_compared_where_the_loss_matrix_says_they_are_lost(tmp_path):
    a, b = two_copies(tmp_path)
    for change in ("supercategory", "fps", "dataset extras", "frame extras", "box extras"):
        CHANGES[change][0](b)
    fields = compared_fields(formats.get("coco").carries, formats.get("yolo").carries)
    assert roundtrip.compare(a, b, fields, True) == []


def test_one_split_keeps_its_name_through_a_file_of_one_split(tmp_path):
    """A JSON of one split holds its split in its file name: the copy is named after it, as
    `convert` names it, so the split and the head of its file come back."""
    from xsvid_convert.synthetic import write_dataset, xsvid_coco

    coco = write_dataset(tmp_path / "x", xsvid_coco(videos=2, frames=3, tracks=2))
    xc.convert(coco, tmp_path / "release", "coco", "xsvid")
    for via in ("coco", "tao"):
        result = roundtrip.check(tmp_path / "release", "xsvid", via, scratch(tmp_path, via))
        assert result.ok, result.text()


def test_frames_a_format_makes_up_are_reported(tmp_path):
    """A video whose frame 1 is not annotated: formats that number frames 1..N bring it back."""
    doc = {"categories": [{"id": 1, "name": "car"}], "videos": [{"id": 1, "name": "v"}],
           "images": [{"id": k + 1, "file_name": f"v/{i:03d}.jpg", "width": 32, "height": 32, "video_id": 1,
                       "frame_index": i} for k, i in enumerate((0, 2))],
           "annotations": [{"id": k, "image_id": k, "category_id": 1, "bbox": [1, 1, 4, 4], "area": 16, "iscrowd": 0,
                            "track_id": 1} for k in (1, 2)]}
    src = tmp_path / "gap.json"
    src.write_bytes(orjson.dumps(doc))
    for via in ("mot", "visdrone", "uavdt"):
        result = roundtrip.check(src, "coco", via, scratch(tmp_path, via))
        assert "1 frames not in the source came back, first ('v', 1)" in result.differences, result.text()
        assert_differs_only_by(result, "frames made up")


def test_a_frame_rate_a_format_cannot_keep_is_reported(tmp_path):
    from test_fidelity import MOT_ROWS, mot_root

    src = mot_root(tmp_path / "mot", MOT_ROWS)  # frameRate=25
    for via in ("visdrone", "imagenet-vid"):
        result = roundtrip.check(src, "mot", via, scratch(tmp_path, via))
        assert "video 'A': fps 25 became 30" in result.differences, result.text()
        assert_differs_only_by(result, "frame rate becomes 30")
    result = roundtrip.check(src, "mot", "coco", scratch(tmp_path, "coco"))
    assert result.ok, result.text()
