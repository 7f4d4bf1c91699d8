"""Reading one ImageNet-VID XML file safely, with the line of every element, and the layout it
is in (which `write.render` puts back).

The layout (from the ILSVRC2015 files and vatic's exporter that wrote them): no XML declaration,
one element per line, a tab per level, `\\n` line ends, a final newline; `<bndbox>` children in the
order xmax, xmin, ymax, ymin:

    <annotation>
    \t<folder>ILSVRC2015_VID_train_0000/ILSVRC2015_train_00000000</folder>
    \t<filename>000000</filename>
    \t<source>
    \t\t<database>ILSVRC_2015</database>
    \t</source>
    \t<size>
    \t\t<width>1280</width>
    \t\t<height>720</height>
    \t</size>
    \t<object>
    \t\t<trackid>0</trackid>
    \t\t<name>n01674464</name>
    \t\t<bndbox>
    \t\t\t<xmax>1050</xmax> ... xmin, ymax, ymin
    \t\t</bndbox>
    \t\t<occluded>0</occluded>
    \t\t<generated>0</generated>
    \t</object>
    </annotation>

A file laid out otherwise (a declaration, spaces, CRLF, another `<bndbox>` order, no `<source>`)
keeps its layout as a hint, so it is written back byte for byte; anything else (comments,
attributes, other element orders) is read, and written back with the same values in this layout.

Hostile input: a DOCTYPE (and so any entity declaration: billion laughs, external entities) is
refused before expat can expand anything; the file must be UTF-8 and at most `MAX_BYTES`.

Two parsers, one result: a file shaped as above (no `<!`, so no DOCTYPE, comment or CDATA; only
known elements, each once) goes through C ElementTree, several times faster than Python
callbacks; anything else, and any file whose values turn out bad, through expat with Python
callbacks, which knows the line of every element and so can say where a problem is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import permutations
from pathlib import Path
from xml.etree import ElementTree
from xml.parsers import expat

from ...files.text import read_bytes

MAX_BYTES = 16 << 20
"""An ImageNet-VID XML is about a kilobyte; a larger one is not one."""
DATABASE = "ILSVRC_2015"
CORNERS = ("xmax", "xmin", "ymax", "ymin")
ORDERS = list(permutations(CORNERS))
"""`<bndbox>` child orders; ORDERS[0] is ImageNet's own."""
NO_OCCLUDED, NO_GENERATED = 32, 64
"""Box layout bits: the object had no `<occluded>` / `<generated>` (the order is bits 0..4)."""
DEFAULT_STYLE = ("", "\t", "\n", "\n")
"""(text before `<annotation>`, indent per level, line end, text after `</annotation>`)."""
MAX_AROUND = 512
"""Text before `<annotation>` (a declaration) or after it kept for writing back, at most."""

_TOP = {"folder", "filename"}
_CONTAINERS = {("annotation", "source"): {"database"}, ("annotation", "size"): {"width", "height"}}
_OBJECT_LEAVES = {"trackid", "name", "occluded", "generated"}


class Refused(Exception):
    """A file that cannot be read at all: (line, message)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class ParsedObject:
    line: int
    leaves: dict[str, tuple[str, int]] = field(default_factory=dict)
    """trackid, name, occluded, generated: (text, line)."""
    corners: dict[str, tuple[str, int]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    has_bndbox: bool = False

    def layout(self) -> int:
        code = ORDERS.index(tuple(self.order)) if len(self.order) == 4 else 0
        missing = (0 if "occluded" in self.leaves else NO_OCCLUDED) | (0 if "generated" in self.leaves else NO_GENERATED)
        return code | missing


@dataclass
class ParsedFile:
    leaves: dict[str, tuple[str, int]] = field(default_factory=dict)
    """folder, filename, database, width, height: (text, line)."""
    containers: set[str] = field(default_factory=set)
    objects: list[ParsedObject] = field(default_factory=list)
    unknown: list[tuple[str, int]] = field(default_factory=list)
    style: tuple[str, str, str, str] = DEFAULT_STYLE
    line: int = 1
    """The line of `<annotation>`, where an element it lacks is reported."""
    fast: bool = False
    """Read by the fast parser: every line is 0 (parse again with `lines=True` to report)."""


class _Handler:
    """Expat callbacks filling a ParsedFile; elements it does not know are skipped whole."""

    def __init__(self, parser: expat.XMLParserType, data: bytes) -> None:
        self.parser, self.data = parser, data
        self.out = ParsedFile()
        self.stack: list[str] = []
        self.text: list[str] | None = None
        self.skipping = 0
        self.opening: list[str] | None = None  # whitespace after <annotation>, until its first child
        self.head = ""
        self.indent = ""

    def line(self) -> int:
        return self.parser.CurrentLineNumber

    def start(self, tag: str, attrs: dict) -> None:
        if self.skipping:
            self.skipping += 1
            return
        if not self.stack:
            if tag != "annotation":
                raise Refused(self.line(), f"the root element is <{tag}>, expected <annotation>")
            self.head = self.data[: self.parser.CurrentByteIndex].decode("utf-8")
            self.out.line = self.line()
            self.opening = []
        elif len(self.stack) == 1:
            self._top(tag)
        else:
            self._inner(tag)
        if not self.skipping:
            self.stack.append(tag)

    def _top(self, tag: str) -> None:
        if self.opening is not None:
            self.indent = "".join(self.opening)
            self.opening = None
        if tag in _TOP:
            self._leaf(self.out.leaves, tag)
        elif tag == "object":
            self.out.objects.append(ParsedObject(self.line()))
        elif ("annotation", tag) in _CONTAINERS:
            if tag in self.out.containers:
                raise Refused(self.line(), f"<{tag}> appears twice")
            self.out.containers.add(tag)
        else:
            self._skip(tag)

    def _inner(self, tag: str) -> None:
        parent = tuple(self.stack[-2:])
        if parent in _CONTAINERS and tag in _CONTAINERS[parent]:
            self._leaf(self.out.leaves, tag)
        elif parent == ("annotation", "object") and tag in _OBJECT_LEAVES:
            self._leaf(self.out.objects[-1].leaves, tag)
        elif parent == ("annotation", "object") and tag == "bndbox":
            obj = self.out.objects[-1]
            if obj.has_bndbox:
                raise Refused(self.line(), "<bndbox> appears twice in one <object>")
            obj.has_bndbox = True
        elif self.stack[-2:] == ["object", "bndbox"] and tag in CORNERS:
            obj = self.out.objects[-1]
            self._leaf(obj.corners, tag)
            obj.order.append(tag)
        else:
            self._skip(tag)

    def _leaf(self, into: dict, tag: str) -> None:
        if tag in into:
            raise Refused(self.line(), f"<{tag}> appears twice in <{self.stack[-1]}>")
        into[tag] = ("", self.line())
        self.text = []

    def _skip(self, tag: str) -> None:
        self.out.unknown.append(("/".join(self.stack[1:] + [tag]), self.line()))
        self.skipping = 1

    def end(self, tag: str) -> None:
        if self.skipping:
            self.skipping -= 1
            return
        self.stack.pop()
        if self.text is not None:
            into = self._leaves_of(tag)
            into[tag] = ("".join(self.text).strip(), into[tag][1])
            self.text = None
        if not self.stack:  # </annotation>
            close = self.data.index(b">", self.parser.CurrentByteIndex) + 1
            self.out.style = _style(self.head, self.indent, self.data[close:].decode("utf-8"), self.data)

    def _leaves_of(self, tag: str) -> dict:
        if len(self.stack) == 1 or self.stack[-1] in ("source", "size"):
            return self.out.leaves
        obj = self.out.objects[-1]
        return obj.corners if self.stack[-1] == "bndbox" else obj.leaves

    def characters(self, text: str) -> None:
        if self.text is not None and not self.skipping:
            self.text.append(text)
        elif self.opening is not None and len(self.stack) == 1:
            self.opening.append(text)


def _style(head: str, opening: str, tail: str, data: bytes) -> tuple[str, str, str, str]:
    """The layout the text around `<annotation>` and the whitespace after it show (expat gives
    `\r\n` as `\n`: the bytes tell); the default where it is not one this module writes (the
    values are read either way)."""
    if len(head) > MAX_AROUND or len(tail) > MAX_AROUND:
        return DEFAULT_STYLE
    if opening == "":
        return (head, "", "", tail)
    if opening.startswith("\n") and opening.count("\n") == 1 and set(opening[1:]) <= {" ", "\t"}:
        return (head, opening[1:], "\r\n" if b"\r\n" in data else "\n", tail)
    return DEFAULT_STYLE


def parse(path: Path, lines: bool = False) -> ParsedFile:
    """The file's elements (with their lines when `lines`, or when the fast parser declines).
    Raises `Refused` for what cannot be read; a file that is missing or too large raises
    `ConvertError` (from `read_bytes`)."""
    data = read_bytes(path, MAX_BYTES)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(data.count(b"\n", 0, exc.start) + 1, "not valid UTF-8") from None
    if not lines and b"<!" not in data:
        parsed = _fast(data)
        if parsed is not None:
            return parsed
    return _with_lines(data)


_OTHER_ENCODING = re.compile(rb"encoding\s*=\s*[\"'](?!utf-?8[\"'])", re.IGNORECASE)
_ROOT_CHILDREN = {"source": {"database"}, "size": {"width", "height"}}


def _fast(data: bytes) -> ParsedFile | None:
    """The file read by C ElementTree, or None when it is not plainly shaped (the expat reader
    then decides).  Safe: no `<!` means no DOCTYPE, so no entity but XML's five and character
    references; the parser reads UTF-8 whatever the file declares (one declaring another
    encoding goes to the expat reader, which refuses it)."""
    start = data.find(b"<annotation")
    if start < 0 or _OTHER_ENCODING.search(data, 0, start):
        return None
    try:
        parser = ElementTree.XMLParser(encoding="utf-8")
        parser.feed(data)
        root = parser.close()
    except ElementTree.ParseError:
        return None
    if root.tag != "annotation":
        return None
    out = ParsedFile(fast=True)
    for element in root:
        tag = element.tag
        if tag in _TOP and tag not in out.leaves and not len(element):
            out.leaves[tag] = ((element.text or "").strip(), 0)
        elif tag in _ROOT_CHILDREN and tag not in out.containers:
            out.containers.add(tag)
            if not _fast_leaves(element, _ROOT_CHILDREN[tag], out.leaves):
                return None
        elif tag == "object":
            obj = _fast_object(element)
            if obj is None:
                return None
            out.objects.append(obj)
        else:
            return None
    close = data.rfind(b"</annotation>")
    out.style = _style(data[:start].decode("utf-8"), root.text or "", data[close + 13:].decode("utf-8"), data)
    return out


def _fast_leaves(element: ElementTree.Element, known: set[str] | tuple[str, ...], into: dict) -> bool:
    for leaf in element:
        if leaf.tag not in known or leaf.tag in into or len(leaf):
            return False
        into[leaf.tag] = ((leaf.text or "").strip(), 0)
    return True


def _fast_object(element: ElementTree.Element) -> ParsedObject | None:
    obj = ParsedObject(0)
    for child in element:
        if child.tag == "bndbox" and not obj.has_bndbox:
            obj.has_bndbox = True
            if not _fast_leaves(child, CORNERS, obj.corners):
                return None
            obj.order = [leaf.tag for leaf in child]
        elif child.tag in _OBJECT_LEAVES and child.tag not in obj.leaves and not len(child):
            obj.leaves[child.tag] = ((child.text or "").strip(), 0)
        else:
            return None
    return obj


def _with_lines(data: bytes) -> ParsedFile:
    parser = expat.ParserCreate()
    handler = _Handler(parser, data)
    parser.buffer_text = True
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.characters

    def doctype(*_: object) -> None:
        raise Refused(parser.CurrentLineNumber, "a DOCTYPE is not accepted (its entities could expand without "
                                                "bound or read other files)")

    def declaration(version: str, encoding: str | None, standalone: int) -> None:
        if encoding is not None and encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
            raise Refused(parser.CurrentLineNumber, f"encoding {encoding!r} is not accepted; ImageNet-VID XML is UTF-8")

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.XmlDeclHandler = declaration
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise Refused(exc.lineno, f"invalid XML: {expat.errors.messages[exc.code]}") from None
    except RecursionError:
        raise Refused(parser.CurrentLineNumber, "invalid XML: nested too deeply") from None
    return handler.out
