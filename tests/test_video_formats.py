import numpy as np
import orjson
import pytest

import xsvid_convert as xc
from xsvid_convert.synthetic import write_dataset, xsvid_coco

MOT_FIXTURES = ["mmtracking/MOT15/train/TUD-Campus", "datumaro/mot_seq_with_seqinfo"]


@pytest.mark.parametrize("name", MOT_FIXTURES)
def test_mot_fixture_round_trip_is_byte_identical(fixtures, tmp_path, name):
    src = fixtures / name
    dataset = xc.read(src, "mot")
    xc.write(dataset, tmp_path / "out", "mot")
    (seq,) = (tmp_path / "out").iterdir()
    for rel in ("gt/gt.txt", "seqinfo.ini"):
        assert (seq / rel).read_bytes() == (src / rel).read_bytes()


def test_mot15_reads_as_10_columns_without_image_size(fixtures):
    dataset = xc.read(fixtures / MOT_FIXTURES[0], "mot")
    assert len(dataset.frames) == 71 and dataset.frames[0].width is None
    assert dataset.frames[0].frame_index == 0 and dataset.boxes.track_id[:3].tolist() == [1, 2, 3]
    assert [c.name for c in dataset.categories] == ["pedestrian"]
    assert dataset.boxes.w[28] == pytest.approx(74.364)


def test_mot_output_is_read_by_motmetrics(fixtures, tmp_path):
    motmetrics = pytest.importorskip("motmetrics")
    src = fixtures / MOT_FIXTURES[0]
    cocovid = tmp_path / "c.json"
    xc.convert(src, cocovid, "mot", "cocovid", image_size=(640, 480))  # MOT15 gives no size
    xc.convert(cocovid, tmp_path / "mot", "cocovid", "mot")
    ours = motmetrics.io.loadtxt(str(tmp_path / "mot/TUD-Campus/gt/gt.txt"), fmt="mot15-2D")
    theirs = motmetrics.io.loadtxt(str(src / "gt/gt.txt"), fmt="mot15-2D")
    assert len(ours) == len(theirs) == 359
    assert sorted(ours.index.tolist()) == sorted(theirs.index.tolist())  # (frame, id) pairs
    np.testing.assert_allclose(ours.sort_index()[["X", "Y", "Width", "Height"]].values,
                               theirs.sort_index()[["X", "Y", "Width", "Height"]].values)


def test_cocovid_frame_ids_and_global_instance_ids(tmp_path):
    seqs = tmp_path / "mot"
    for name in ("A", "B"):
        (seqs / "train" / name / "gt").mkdir(parents=True)
        (seqs / "train" / name / "seqinfo.ini").write_text(
            f"[Sequence]\nname={name}\nimDir=img1\nframeRate=25\nseqLength=3\nimWidth=64\nimHeight=48\nimExt=.jpg\n")
        # grouped by track, not frame; the same track ids in both sequences
        (seqs / "train" / name / "gt" / "gt.txt").write_text(
            "1,1,1,2,3,4,1,1,1\n2,1,2,2,3,4,1,1,0.5\n3,1,3,2,3,4,1,1,1\n2,2,10,10,5,5,0,7,0.25\n")
    xc.convert(seqs, tmp_path / "v.json", "mot", "cocovid")
    doc = orjson.loads((tmp_path / "v.json").read_bytes())
    for video in doc["videos"]:
        frames = sorted(i["frame_id"] for i in doc["images"] if i["video_id"] == video["id"])
        assert frames == [0, 1, 2]
    video_of = {i["id"]: i["video_id"] for i in doc["images"]}
    owners = {}
    for ann in doc["annotations"]:
        owners.setdefault(ann["instance_id"], set()).add(video_of[ann["image_id"]])
        assert ann["id"] >= 1 and ann["instance_id"] >= 1
    assert len(owners) == 4 and all(len(v) == 1 for v in owners.values())
    ignored = [a for a in doc["annotations"] if a["iscrowd"]]
    assert len(ignored) == 2 and all(a["mot_conf"] == 0 for a in ignored)
    # and back: the original per-sequence ids and the track-grouped row order return
    xc.convert(tmp_path / "v.json", tmp_path / "back", "cocovid", "mot")
    for name in ("A", "B"):
        assert (tmp_path / "back" / name / "gt/gt.txt").read_text() == (seqs / "train" / name / "gt/gt.txt").read_text()


def make_visdrone(root):
    """Every corner of the VisDrone-VID spec, rows grouped by track, one frame without rows."""
    from PIL import Image

    seq = root / "sequences" / "uav0000001_00000_v"
    seq.mkdir(parents=True)
    for k in range(1, 6):
        Image.new("RGB", (80, 60)).save(seq / f"{k:07d}.jpg")
    rows = [
        "1,1,10,10,8,6,1,4,0,0", "2,1,12,10,8,6,1,4,0,1", "4,1,14,11,8,6,1,4,1,2",  # frame 3 has no rows
        "1,2,0,0,5,5,1,11,0,0",      # category 11, touching the border
        "2,2,72,50,8,10,1,1,1,2",    # touches the far border, truncated
        "1,0,30,30,20,10,0,0,0,0",   # ignored region
        "5,3,40,40,4,4,0,5,0,1",     # score 0: ignore
    ]
    (root / "annotations").mkdir()
    (root / "annotations" / "uav0000001_00000_v.txt").write_text("\n".join(rows) + "\n")
    return root


def test_visdrone_round_trip_is_identical_and_ignores_are_flagged(tmp_path):
    src = make_visdrone(tmp_path / "vd")
    dataset = xc.read(src, "visdrone")
    assert len(dataset.frames) == 5 and (dataset.frames[0].width, dataset.frames[0].height) == (80, 60)
    assert dataset.boxes.ignore.tolist() == [False, False, False, False, False, True, True]
    xc.write(dataset, tmp_path / "out", "visdrone")
    assert (tmp_path / "out/annotations/uav0000001_00000_v.txt").read_text() == \
        (src / "annotations/uav0000001_00000_v.txt").read_text()
    doc_path = tmp_path / "c.json"
    xc.write(dataset, doc_path, "coco")
    crowd = [a["iscrowd"] for a in orjson.loads(doc_path.read_bytes())["annotations"]]
    assert crowd == [0, 0, 0, 0, 0, 1, 1]


def _sample(tmp_path):
    return write_dataset(tmp_path / "x", xsvid_coco(videos=2, frames=4, tracks=4))




def test_visdrone_ignored_regions_are_no_track(tmp_path):
    """An ignored region's target id 0 is VisDrone's "no object" (every region of a sequence has
    it): read as no track, written back as 0; to TAO each region is a track of its own, never one
    track of several boxes in a frame.  Another box's 0 is a track (ImageNet-VID numbers from 0)."""
    src = make_visdrone(tmp_path / "vd")
    with open(src / "annotations" / "uav0000001_00000_v.txt", "a") as fh:
        fh.write("1,0,50,40,6,6,0,0,0,0\n")  # a second region in frame 1
    dataset = xc.read(src, "visdrone")
    assert dataset.boxes.track_id.tolist() == [1, 1, 1, 2, 2, -1, 3, -1]
    xc.write(dataset, tmp_path / "out", "visdrone")
    assert (tmp_path / "out/annotations/uav0000001_00000_v.txt").read_bytes() == \
        (src / "annotations/uav0000001_00000_v.txt").read_bytes()
    xc.convert(src, tmp_path / "t.json", "visdrone", "tao", lenient=True)  # track 2 changes category
    doc = orjson.loads((tmp_path / "t.json").read_bytes())
    per_frame = [(a["image_id"], a["track_id"]) for a in doc["annotations"]]
    assert len(set(per_frame)) == len(per_frame) == 8
    assert len(doc["tracks"]) == 5 and all("track_id" in a for a in doc["annotations"])
