"""Category maps, in process: map files, ids, merging, dropping, ignoring, presets."""

import orjson
import pytest

import xsvid_convert as xc
from xsvid_convert.errors import ConvertError
from xsvid_convert.tools import categories

from helpers import cli
from test_video_formats import make_visdrone


@pytest.fixture
def visdrone(tmp_path):
    return xc.read(make_visdrone(tmp_path / "vd"), "visdrone")


def write_map(tmp_path, text: str):
    path = tmp_path / "map.yaml"
    path.write_text(text)
    return categories.load(str(path))


def test_rename_merge_drop_and_ids(visdrone, tmp_path):
    spec = write_map(tmp_path, "map:\n  car: vehicle\n  van: vehicle\n  others: null\nids: {vehicle: 40}\n")
    mapped = categories.apply(visdrone, spec)
    names = {c.id: c.name for c in mapped.categories}
    assert names[40] == "vehicle" and "others" not in names.values() and "car" not in names.values()
    # unmapped categories pass through with their own ids (keep_unmapped defaults to true)
    assert names[1] == "pedestrian" and names[0] == "ignored regions"
    assert mapped.boxes.category_id.tolist() == [40, 40, 40, 1, 0, 40]  # the `others` box is gone
    assert len(mapped.boxes) == len(visdrone.boxes) - 1


def test_keep_unmapped_false_and_complete(visdrone, tmp_path):
    spec = write_map(tmp_path, "map: {car: car}\nids: {car: 3, boat: 9}\ncomplete: true\nkeep_unmapped: false\n")
    mapped = categories.apply(visdrone, spec)
    assert [(c.id, c.name) for c in mapped.categories] == [(3, "car"), (9, "boat")]
    assert mapped.boxes.category_id.tolist() == [3, 3, 3]


def test_targets_listed_as_ignore_become_ignored_boxes(visdrone, tmp_path):
    spec = write_map(tmp_path, "map: {others: ignore, car: car}\nignore: [ignore]\nkeep_unmapped: false\n")
    mapped = categories.apply(visdrone, spec)
    ignore_id = next(c.id for c in mapped.categories if c.name == "ignore")
    assert mapped.boxes.ignore[mapped.boxes.category_id == ignore_id].all()
    assert not mapped.boxes.ignore[mapped.boxes.category_id != ignore_id].any()


@pytest.mark.parametrize("text,fragment", [
    ("map: [car]\n", "needs a `map:` mapping"),
    ("map: {car: 3}\n", "must be a name or null"),
    ("map: {car: car}\nids: {car: x}\n", "integer ids"),
    ("map: {car: car}\nids: {car: 1, bus: 1}\n", "two targets have one id"),
    ("map: {car: car}\ncolour: red\n", "unknown keys"),
    ("map: {car: car}\nignore: ignore\n", "list of target names"),
])
def test_bad_map_files_are_refused(tmp_path, text, fragment):
    with pytest.raises(ConvertError, match=fragment):
        write_map(tmp_path, text)


def test_a_map_naming_unknown_categories_is_refused(visdrone, tmp_path):
    with pytest.raises(ConvertError, match="does not have: \\['boat'\\]"):
        categories.apply(visdrone, write_map(tmp_path, "map: {boat: ship}\n"))


def test_visdrone_to_xsvid_gives_the_seven_v2_classes(tmp_path):
    out = tmp_path / "x.json"
    result = cli("visdrone-to-coco", make_visdrone(tmp_path / "vd"), out, "--category-map", "visdrone-to-xsvid")
    assert result.returncode == 0, result.stderr
    doc = orjson.loads(out.read_bytes())
    assert [(c["id"], c["name"]) for c in doc["categories"]] == list(enumerate(categories.XSVID_V2))
    names = {c["id"]: c["name"] for c in doc["categories"]}
    # car, car, car, others -> ignore, pedestrian -> person, ignored region -> ignore, van -> car (score 0: ignored)
    assert [names[a["category_id"]] for a in doc["annotations"]] == ["car"] * 3 + ["ignore", "person", "ignore", "car"]
    assert [a["iscrowd"] for a in doc["annotations"]] == [0, 0, 0, 1, 0, 1, 1]


def test_the_2024_preset_stays(visdrone):
    mapped = categories.apply(visdrone, categories.PRESETS["visdrone-to-xsvid-v1"])
    names = {c.id: c.name for c in mapped.categories}
    # the map's targets with XS-VID 2024's ids; tricycles and "others" dropped with their boxes
    assert names == {2: "bicycle", 4: "car", 5: "ignore", 6: "person", 9: "cyclist_Move"}
    assert [names[c] for c in mapped.boxes.category_id.tolist()] == ["car"] * 3 + ["person", "ignore", "car"]
