"""Fuzzing every reader: random bytes and mutations of valid files.  Whatever the input, a reader
either returns a Dataset or raises ConvertError, the documented error type; nothing else escapes.

`make test` runs a modest number of examples; `make fuzz` (XSVID_FUZZ_EXAMPLES=5000) runs long.
"""

import os
import shutil
from pathlib import Path

import numpy as np
import orjson
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import xsvid_convert as xc
from xsvid_convert.errors import ConvertError
from xsvid_convert.synthetic import write_dataset, xsvid_coco

EXAMPLES = int(os.environ.get("XSVID_FUZZ_EXAMPLES", "60"))
fuzz = settings(max_examples=EXAMPLES, deadline=None, derandomize="XSVID_FUZZ_EXAMPLES" not in os.environ,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def valid(tmp_path_factory) -> dict[str, tuple[Path, list[str]]]:
    """A valid dataset per format, and the files in it a fuzzer mutates (relative paths)."""
    root = tmp_path_factory.mktemp("valid")
    coco = write_dataset(root / "coco", xsvid_coco(videos=2, frames=3, tracks=3))
    made = {"coco": (coco, ["."])}
    for fmt, files in (("cocovid", ["."]), ("yolo", ["data.yaml", "labels/*/*/0000001.txt", "images/*/*/0000001.png"]),
                       ("mot", ["*/seqinfo.ini", "*/gt/gt.txt"]), ("visdrone", ["annotations/*.txt"])):
        out = root / fmt if fmt not in ("coco", "cocovid") else root / f"{fmt}.json"
        xc.convert(coco, out, "coco", fmt, images="copy" if fmt in ("yolo", "visdrone") else "none",
                   layout="ultralytics")
        made[fmt] = (out, files)
    return made


def _targets(path: Path, patterns: list[str]) -> list[Path]:
    if patterns == ["."]:
        return [path]
    return [p for pattern in patterns for p in sorted(path.glob(pattern))[:1]]


def _read_only_convert_error(path: Path, fmt: str) -> None:
    try:
        xc.read(path, fmt, image_size=None)
    except ConvertError as exc:
        assert str(exc) and "\n" not in str(exc), str(exc)


def _copy(src: Path, dst: Path) -> Path:
    if dst.exists():
        shutil.rmtree(dst) if dst.is_dir() else dst.unlink()
    if src.is_dir():
        shutil.copytree(src, dst, symlinks=True)
    else:
        shutil.copy2(src, dst)
    return dst


mutation = st.one_of(
    st.tuples(st.just("replace"), st.binary(max_size=200)),
    st.tuples(st.just("truncate"), st.floats(0, 1)),
    st.tuples(st.just("flip"), st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1, max_size=8)),
    st.tuples(st.just("insert"), st.tuples(st.floats(0, 1), st.sampled_from(
        [b",", b"-", b"\n", b"nan", b"1e309", b"\x00", b"\xff", b"..", b"/", b"{", b"]", b'"', b" ", b"-1", b"0"]))),
)


def mutate(data: bytes, how: tuple) -> bytes:
    kind, arg = how
    if kind == "replace":
        return arg
    if kind == "truncate":
        return data[: int(len(data) * arg)]
    if kind == "flip":
        out = bytearray(data)
        for where, value in arg:
            if out:
                out[min(int(where * len(out)), len(out) - 1)] = value
        return bytes(out)
    where, piece = arg
    k = int(where * len(data))
    return data[:k] + piece + data[k:]


@pytest.mark.parametrize("fmt", ["coco", "cocovid", "yolo", "mot", "visdrone"])
def test_reader_raises_only_convert_error(fmt, valid, tmp_path):
    source, patterns = valid[fmt]

    @fuzz
    @given(choice=st.integers(0, 10), how=mutation)
    def run(choice, how):
        work = _copy(source, tmp_path / source.name)
        targets = _targets(work, patterns)
        target = targets[choice % len(targets)]
        target.write_bytes(mutate(target.read_bytes(), how))
        _read_only_convert_error(work, fmt)

    run()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**64 - 1) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=8,
)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for k, value in enumerate(node):
            yield from _paths(value, prefix + (k,))


@pytest.mark.parametrize("fmt", ["coco", "cocovid"])
def test_json_reader_with_any_value_anywhere(fmt, valid, tmp_path):
    """Structure-aware: valid JSON in which one value (or key set) is replaced by any JSON value."""
    source, _ = valid[fmt]
    doc = orjson.loads(source.read_bytes())
    paths = list(_paths(doc))

    @fuzz
    @given(choice=st.integers(0, len(paths) - 1), value=json_values, drop=st.booleans())
    def run(choice, value, drop):
        copy = orjson.loads(source.read_bytes())
        path = paths[choice]
        if not path:
            copy = value
        else:
            parent = copy
            for key in path[:-1]:
                parent = parent[key]
            if drop and isinstance(parent, dict):
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
        target = tmp_path / source.name
        target.write_bytes(orjson.dumps(copy))
        _read_only_convert_error(target, fmt)

    run()


number_text = st.one_of(
    st.integers(-10**6, 10**6).map(str),
    st.integers(-10**6, 10**6).map(lambda v: f"{v}.0"),
    st.floats(-1e6, 1e6, allow_nan=False).map(repr),
    st.decimals(-10**4, 10**4, places=3, allow_nan=False, allow_infinity=False).map(str),
)


def reference_rows(lines, min_columns, max_columns):
    """The row rules read one row at a time, as a person would: the oracle the column passes
    must agree with."""
    values, numbers = [], []
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line:
            continue
        tokens = [t.strip() for t in (line[:-1] if line.endswith(",") else line).split(",")]
        assert min_columns <= len(tokens) <= max_columns
        row = [float(t) for t in tokens]
        values.append(row + [float("nan")] * (max_columns - len(row)))
        numbers.append(number)
    return np.array(values).reshape(len(values), max_columns), numbers


@fuzz
@given(rows=st.integers(1, 6).flatmap(lambda width: st.lists(st.lists(number_text, min_size=width, max_size=width),
                                                             min_size=1, max_size=12)),
       trailing_comma=st.booleans(), blank_every=st.integers(0, 4), ragged=st.booleans())
def test_row_parser_agrees_with_reading_row_by_row(rows, trailing_comma, blank_every, ragged):
    from xsvid_convert.files.rows import parse_rows

    lines = []
    for k, row in enumerate(rows):
        if blank_every and k % blank_every == 0:
            lines.append("")
        row = row[: max(1, len(row) - k % 2)] if ragged else row
        lines.append(" , ".join(row) + ("," if trailing_comma else "") if ragged else ",".join(row) + ("," if trailing_comma else ""))
    parsed = parse_rows(Path("x.txt"), lines, 1, 6, "test", xc.Run())
    want, numbers = reference_rows(lines, 1, 6)
    np.testing.assert_array_equal(parsed.values, want)
    assert parsed.numbers.tolist() == numbers


@fuzz
@given(doc=st.lists(st.fixed_dictionaries({
    "id": st.integers(1, 2**40), "image_id": st.just(1), "category_id": st.just(1),
    "bbox": st.lists(st.one_of(st.integers(0, 500), st.floats(0, 500)), min_size=4, max_size=4),
    "iscrowd": st.sampled_from([0, 1, True, False]),
}, optional={"area": st.floats(0, 1000), "instance_id": st.integers(1, 50), "score": st.floats(0, 1),
             "segmentation": st.just([[1, 2, 3, 4]])}), min_size=1, max_size=8, unique_by=lambda a: a["id"]))
def test_annotation_columns_agree_with_reading_record_by_record(doc):
    from xsvid_convert.formats.coco.annotations import Place, read_annotations
    from xsvid_convert.formats.coco.rules import COCO

    table, kept = read_annotations(doc, COCO, COCO.track_keys, Place("x.json"), xc.Run())
    assert kept is None
    assert table.id.tolist() == [a["id"] for a in doc]
    assert table.x.tolist() == [float(a["bbox"][0]) for a in doc] and table.h.tolist() == [float(a["bbox"][3]) for a in doc]
    assert table.ignore.tolist() == [bool(a["iscrowd"]) for a in doc]
    assert table.track_id.tolist() == [a.get("instance_id", -1) for a in doc]
    np.testing.assert_array_equal(table.score, [a.get("score", np.nan) for a in doc])
    assert [e or {} for e in (table.extras or [None] * len(doc))] == [
        {k: v for k, v in a.items() if k == "segmentation"} for a in doc]
    ints = table.hints["coco.ints"]
    assert [[bool(ints[i] >> k & 1) for k in range(4)] for i in range(len(doc))] == [
        [type(v) is int for v in a["bbox"]] for a in doc]


@fuzz
@given(rows=st.lists(st.tuples(st.integers(0, 3), *[st.floats(0, 1) for _ in range(4)]), min_size=1, max_size=10),
       blank=st.booleans())
def test_label_parser_agrees_with_reading_line_by_line(rows, blank):
    """Three label files parsed as one block give each file's rows and line numbers."""
    from xsvid_convert.formats.yolo.labels import parse_labels

    text = "".join(("\n" if blank and k % 2 else "") + f"{c} {cx!r} {cy!r} {w!r} {h!r}\n" for k, (c, cx, cy, w, h) in enumerate(rows))
    lines = text.splitlines()
    files = [("a.txt", lines), ("empty.txt", []), ("b.txt", lines[::-1])]
    values, file_of, numbers = parse_labels(files, 4, xc.Run())
    want = [[float(t) for t in line.split()] for _, ls in files for line in ls if line.strip()]
    np.testing.assert_array_equal(values, np.array(want).reshape(-1, 5))
    assert [(files[f][0], n) for f, n in zip(file_of.tolist(), numbers.tolist())] == [
        (name, k) for name, ls in files for k, line in enumerate(ls, 1) if line.strip()]


@fuzz
@given(pairs=st.lists(st.tuples(st.integers(-2**40, 2**40), st.integers(-5, 2**62)), max_size=30))
def test_unique_pairs_is_numpys_unique_of_columns(pairs):
    from xsvid_convert.model import unique_pairs

    a = np.array([p[0] for p in pairs], dtype=np.int64)
    b = np.array([p[1] for p in pairs], dtype=np.int64)
    got, counts = unique_pairs(a, b, return_counts=True)
    want, want_counts = np.unique(np.stack([a, b]), axis=1, return_counts=True) if pairs else (np.zeros((2, 0)), [])
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(counts, want_counts)


@fuzz
@given(boxes=st.lists(st.tuples(*[st.one_of(st.integers(-2**40, 2**40), st.floats(allow_infinity=False), st.none())
                                  for _ in range(4)]), max_size=12))
def test_bbox_text_is_each_number_as_json_writes_it(boxes):
    """The writer's bbox text (one call over the n×4 array, odd boxes redone) is what orjson
    writes for the numbers as read: integers as integers, floats as floats, null for missing."""
    from xsvid_convert.formats.coco.annotation_text import _bbox_texts

    columns = [np.array([np.nan if b[k] is None else float(b[k]) for b in boxes], dtype=np.float64) for k in range(4)]
    as_int = np.array([sum(1 << k for k in range(4) if type(b[k]) is int) for b in boxes], dtype=np.int64)
    want = [orjson.dumps([float(v) if type(v) is float else v for v in b])[1:-1] for b in boxes]
    assert _bbox_texts(*columns, as_int) == want


@fuzz
@given(name=st.one_of(st.text(), st.text(alphabet="ab./\\:\x00\n ", max_size=12)))
def test_a_plain_name_is_what_the_full_path_check_makes_of_it(name):
    """safe_relpath returns a name it calls plain without the full check: the check must agree."""
    from xsvid_convert.files.paths import _checked_relpath, _plain

    if name and _plain(name):
        assert _checked_relpath(name, "x") == name
