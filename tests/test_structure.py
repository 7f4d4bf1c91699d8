"""The shape of the code a newcomer relies on: one place knows a format, no import cycles."""

import ast
import importlib
from pathlib import Path

from xsvid_convert import formats

PACKAGE = Path(__file__).resolve().parent.parent / "xsvid_convert"
# files that belong to one format's layout
FORMAT_FILES = {"seqinfo.ini", "gt.txt", "det.txt", "img1", "data.yaml", "obj.data", "valid.txt", "labels.txt",
                "legacy_yoloft.yaml", "seqmaps", "paper_detection_test.json"}


def owners() -> dict[str, Path]:
    """Format name -> the module or package that declares it."""
    out = {}
    for module in formats.MODULES:
        loaded = importlib.import_module(f"xsvid_convert.formats.{module}")
        path = Path(loaded.__file__)
        out[loaded.FORMAT.name] = path.parent if path.name == "__init__.py" else path
    return out


def constants(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text())
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def test_a_format_name_appears_only_in_its_module_and_the_registry():
    owner = owners()
    registry = PACKAGE / "formats" / "__init__.py"
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == registry:
            continue
        for line, text in constants(path):
            if text in owner and not (path == owner[text] or owner[text] in path.parents):
                found.append(f"{path.relative_to(PACKAGE)}:{line}: {text!r}")
    assert found == []


def test_format_file_names_appear_only_in_format_modules():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if PACKAGE / "formats" in path.parents:
            continue
        found += [f"{path.relative_to(PACKAGE)}:{line}: {text!r}" for line, text in constants(path) if text in FORMAT_FILES]
    assert found == []


def test_no_import_cycles_type_only_imports_included():
    """Every `import` of a package module, at any depth (inside functions and TYPE_CHECKING blocks
    too), as a graph: no cycle between modules."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        edges = graph.setdefault(name, set())
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("xsvid_convert")):
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = (f"{base}.{node.module}" if node.module else base) if node.level else node.module
                for alias in node.names:
                    edges.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in _modules() else target)
            elif isinstance(node, ast.Import):
                edges.update(a.name for a in node.names if a.name.startswith("xsvid_convert"))
    modules = _modules()
    graph = {k: {t for t in v if t in modules and t != k} for k, v in graph.items()}
    cycle = _find_cycle(graph)
    assert cycle is None, " -> ".join(cycle)
    # a package assembles itself from its modules, so a module that imports a package it belongs to
    # (the registry, from inside formats/) closes a cycle, however deep the import is hidden
    back = sorted(f"{k} -> {t}" for k, v in graph.items() for t in v
                  if k.startswith(t + ".") and not k.endswith(".__main__"))  # __main__ is run, never imported
    assert back == []


def _modules() -> set[str]:
    return {".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
            for p in PACKAGE.rglob("*.py")}


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A package importing its own submodules is how it is assembled, not a cycle: edges from a
    package to its children are left out; every other cycle is reported."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt.startswith(node + "."):
                continue
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if state.get(nxt) is None:
                found = visit(nxt)
                if found:
                    return found
        state[node] = 2
        stack.pop()
        return None

    for node in sorted(graph):
        if state.get(node) is None:
            found = visit(node)
            if found:
                return found
    return None


def test_modules_and_functions_stay_short():
    long_modules, long_functions = [], []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text()
        if len(text.splitlines()) > 350:
            long_modules.append(str(path.relative_to(PACKAGE)))
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno >= 60:
                long_functions.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}")
    assert long_modules == [] and long_functions == []
