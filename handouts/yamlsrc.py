"""Strict YAML reading that keeps line and column for every value.

Only what a routine author needs: mappings, lists and text. Every scalar is text (`no` stays
"no", `1:30` stays "1:30"); anchors, aliases, tags, tabs, duplicate keys, several documents,
files over MAX_BYTES, nesting deeper than MAX_DEPTH and anything but a regular file are
refused with `path:line:col:` problems, all of them at once where the file can still be read.

Two silent losses of words are recorded on the text node for the checker to report: the
part of a plain line after ` #` (a YAML comment), and a plain text whose continuation line
starts with `- ` (two list items merged by an indent one space off).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent, MappingStartEvent, ScalarEvent, SequenceStartEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader, ReaderError
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from .errors import DataError, Problem

_CParser: Any
try:
    from yaml._yaml import CParser as _CParser
except ImportError:  # PyYAML built without libyaml: the pure loader does everything
    _CParser = None

MAX_BYTES = 256 * 1024
"""A routine is a few kilobytes; a 500-routine booklet manifest about 15 KB."""
MAX_NODES = 20_000
"""Values in one file; stops list bombs long before they cost time or memory."""
MAX_DEPTH = 50
"""Lists and mappings inside each other; a routine needs 4. Stops recursion bombs."""

STR_TAG = "tag:yaml.org,2002:str"
SEQ_TAG = "tag:yaml.org,2002:seq"
MAP_TAG = "tag:yaml.org,2002:map"


@dataclass
class Node:
    """A YAML value with its 1-based position: kind is 'map', 'seq' or 'str'."""

    kind: str
    line: int
    col: int
    text: str = ""
    items: list[Node] = field(default_factory=list)
    keys: dict[str, tuple[Node, Node]] = field(default_factory=dict)
    style: str | None = None
    comment: tuple[int, int, str] | None = None
    """Plain text followed by ` #` on its line: where the comment starts, and its text."""
    merged: tuple[int, int] | None = None
    """Plain text with a continuation line starting with `- `: where that `-` is."""

    def plain(self) -> Any:
        """The value as plain Python (dict / list / str), positions dropped."""
        if self.kind == "map":
            return {k: v.plain() for k, (_, v) in self.keys.items()}
        if self.kind == "seq":
            return [n.plain() for n in self.items]
        return self.text

    def describe(self) -> str:
        return {"map": "a mapping", "seq": "a list", "str": "text"}[self.kind]


@dataclass
class Source:
    """One parsed file: its display path, root node and lines (for positions)."""

    path: str
    root: Node
    file: Path


class _Strict:
    """The strict checks, for either parser: no aliases, anchors or tags, a node budget."""

    node_count: int
    depth: int

    def peek_event(self) -> Any: ...  # from the parser it is mixed with

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            raise _Refused(event.start_mark, "aliases (*name) are not allowed; write the value out")
        if isinstance(event, ScalarEvent | MappingStartEvent | SequenceStartEvent):
            if event.anchor is not None:
                raise _Refused(
                    event.start_mark, "anchors (&name) are not allowed; write the value out"
                )
            tag = event.tag
            if tag is not None and tag != "!" and tag not in (STR_TAG, SEQ_TAG, MAP_TAG):
                shown_tag = tag.replace("tag:yaml.org,2002:", "!!")
                raise _Refused(event.start_mark, f"YAML tags like {shown_tag} are not allowed")
        self.node_count += 1
        if self.node_count > MAX_NODES:
            raise _Refused(event.start_mark, f"too many values in one file (limit {MAX_NODES:,})")
        nested = isinstance(event, MappingStartEvent | SequenceStartEvent)
        if nested:
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _Refused(
                    event.start_mark,
                    f"lists and mappings nested more than {MAX_DEPTH} deep",
                )
        node = super().compose_node(parent, index)  # type: ignore[misc]
        if nested:
            self.depth -= 1
        return node


del _Strict.peek_event  # only declared for the type checker: the parser's own is used


class _StrictLoader(_Strict, Reader, Scanner, Parser, Composer, BaseResolver):
    """PyYAML's composer with no implicit typing, no aliases and a node budget."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        BaseResolver.__init__(self)
        self.node_count = 0
        self.depth = 0


_CStrictLoader: Any = None
if _CParser is not None:

    class _CStrict(_Strict, _CParser, Composer, BaseResolver):  # type: ignore[misc]
        """The same composer and checks over libyaml's C parser (about 10x faster).

        Its marks count characters as the pure parser's do; a plain scalar's style is ''
        there and None here, so it is mapped back (positions and the comment and merged-item
        checks read it). Any error is reported by the pure loader instead, word for word.
        """

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            Composer.__init__(self)
            BaseResolver.__init__(self)
            self.node_count = 0
            self.depth = 0

        get_single_node = Composer.get_single_node  # not libyaml's composer: ours, checked

        def compose_scalar_node(self, anchor: Any) -> Any:
            node = Composer.compose_scalar_node(self, anchor)
            if node.style == "":
                if node.start_mark.index == node.end_mark.index:
                    # An empty value: libyaml may place it elsewhere than the pure parser
                    # (`? key`, a bare `---`), so the pure parser composes this file.
                    raise _Refused(node.start_mark, "empty value")
                node.style = None
            return node

    _CStrictLoader = _CStrict


_NO_ROOT = object()
# Where libyaml and the pure parser disagree (found by tests/test_levers.py), the pure one
# decides: `|#` (a block header touching a comment: libyaml accepts it, the pure parser
# refuses it). Empty plain values (`key:`, `? key`, `---`) are handed over in _CStrict.
_PURE_ONLY = re.compile(r"[|>][-+0-9]*#")


def _compose_fast(text: str) -> Any:
    """The root node via libyaml, or _NO_ROOT when the pure loader must decide: no libyaml,
    a character the pure reader refuses, a U+FEFF (libyaml skips it as a byte-order mark, the
    pure reader keeps it as text), a construct of _PURE_ONLY, an empty plain value, or any
    error (the pure loader's messages are the ones shown)."""
    if _CStrictLoader is None or "\ufeff" in text or _PURE_ONLY.search(text):
        return _NO_ROOT
    if Reader.NON_PRINTABLE.search(text):
        return _NO_ROOT
    loader = _CStrictLoader(text)
    try:
        return loader.get_single_node()
    except Exception:  # noqa: BLE001  the pure loader reports it, with its own words
        return _NO_ROOT
    finally:
        loader.dispose()


class _Refused(Exception):
    def __init__(self, mark: Any, message: str) -> None:
        self.mark = mark
        self.message = message


def first_bad_utf8(data: bytes, exc: UnicodeDecodeError) -> tuple[int, int]:
    """Line and column of the first byte that is not UTF-8, the column counted in characters
    as every other column handouts reports (YAML's, the batch export's, an imported page's)."""
    before = data[: exc.start]
    line = before.count(b"\n") + 1
    col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
    return line, col


def read_yaml(path: Path, display: str | None = None) -> Source:
    """Read and compose one YAML file, strictly. Raises DataError listing every problem.

    Only a regular file is read, and at most MAX_BYTES + 1 bytes of it: a folder, a FIFO, a
    socket or a device such as /dev/zero is refused before anything could block or fill
    memory.
    """
    shown = display if display is not None else printable(str(path))

    def refuse(message: str) -> DataError:
        return DataError([Problem(shown, 1, 1, message)])

    try:
        info = path.stat()
    except OSError as exc:
        raise refuse(f"cannot read file: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise refuse(_not_regular(info.st_mode))
    if info.st_size > MAX_BYTES:
        raise refuse(f"file is {info.st_size:,} bytes; the limit is {MAX_BYTES:,}")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise refuse(f"cannot read file: {exc.strerror}") from None
    try:
        opened = os.fstat(fd)  # the file may have been swapped since the stat above
        if not stat.S_ISREG(opened.st_mode):
            raise refuse(_not_regular(opened.st_mode))
        chunks: list[bytes] = []
        left = MAX_BYTES + 1
        while left > 0:
            chunk = os.read(fd, min(left, 65536))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise refuse(f"cannot read file: {exc.strerror}") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > MAX_BYTES:
        size = max(opened.st_size, len(data))
        raise refuse(f"file is {size:,} bytes; the limit is {MAX_BYTES:,}")
    return parse_yaml(data, shown, path)


def _not_regular(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        kind = "a named pipe (FIFO)"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a device"
    else:
        kind = "a special file"
    return f"is {kind}, not a regular file; only regular files are read"


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(path: str) -> str:
    """A path as one line of text that can always be printed: bytes that are not UTF-8 (a
    surrogate escape) and control characters such as a newline are shown as \\xNN."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        path = os.fsencode(path).decode("utf-8", "backslashreplace")
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), path)


def parse_yaml(data: bytes, shown: str, path: Path | None = None) -> Source:
    if len(data) > MAX_BYTES:
        raise DataError(
            [Problem(shown, 1, 1, f"file is {len(data):,} bytes; the limit is {MAX_BYTES:,}")]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = first_bad_utf8(data, exc)
        problem = Problem(shown, line, col, "not UTF-8 text; save the file as UTF-8")
        raise DataError([problem]) from None
    problems = [
        Problem(shown, n, line.index("\t") + 1, "tab character; indent with spaces")
        for n, line in enumerate(text.splitlines(), start=1)
        if "\t" in line
    ]
    if problems:
        raise DataError(problems)
    root = _compose_fast(text)
    loader: _StrictLoader | None = None
    try:
        if root is _NO_ROOT:
            loader = _StrictLoader(text)
            root = loader.get_single_node()
    except _Refused as exc:
        raise DataError([_at(shown, exc.mark, exc.message)]) from None
    except ReaderError as exc:
        before = text[: exc.position]
        line, col = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        problem = Problem(shown, line, col, f"character U+{code:04X} cannot appear in a YAML file")
        raise DataError([problem]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "not valid YAML"
        if "expected a single document" in str(exc):
            what = "only one YAML document per file (remove the '---')"
        raise DataError([_at(shown, mark, f"YAML syntax: {what}")]) from None
    except yaml.YAMLError as exc:
        raise DataError([Problem(shown, 1, 1, f"YAML syntax: {exc}")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if root is None:
        raise DataError([Problem(shown, 1, 1, "file is empty")])
    problems = []
    node = _convert(root, shown, problems, text.splitlines())
    if problems:
        raise DataError(problems)
    return Source(shown, node, path if path is not None else Path(shown))


def _at(shown: str, mark: Any, message: str) -> Problem:
    if mark is None:
        return Problem(shown, 1, 1, message)
    return Problem(shown, mark.line + 1, mark.column + 1, message)


_COMMENT = re.compile(r"[ \t]+#")
_ITEM = re.compile(r"[ \t]*(-)(?:[ \t]|$)")


def _scalar(node: ScalarNode, lines: list[str]) -> Node:
    start, end = node.start_mark, node.end_mark
    out = Node("str", start.line + 1, start.column + 1, text=str(node.value), style=node.style)
    if node.style is not None or start.index == end.index:
        return out  # quoted, block or empty (`key:  # comment`): nothing is lost
    rest = lines[end.line][end.column :] if end.line < len(lines) else ""
    if _COMMENT.match(rest):
        out.comment = (end.line + 1, end.column + 1, rest.rstrip())
    for n in range(start.line + 1, min(end.line, len(lines) - 1) + 1):
        item = _ITEM.match(lines[n])
        if item:
            out.merged = (n + 1, item.start(1) + 1)
            break
    return out


def _convert(node: Any, shown: str, problems: list[Problem], lines: list[str]) -> Node:
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    if isinstance(node, ScalarNode):
        return _scalar(node, lines)
    if isinstance(node, SequenceNode):
        items = [_convert(n, shown, problems, lines) for n in node.value]
        return Node("seq", line, col, items=items)
    assert isinstance(node, MappingNode)
    out = Node("map", line, col)
    for key_node, value_node in node.value:
        key = _convert(key_node, shown, problems, lines)
        if key.kind != "str":
            problems.append(Problem(shown, key.line, key.col, "a key must be plain text"))
            continue
        if key.text in out.keys:
            first = out.keys[key.text][0]
            problems.append(
                Problem(
                    shown,
                    key.line,
                    key.col,
                    f"duplicate key '{key.text}' (first given on line {first.line})",
                )
            )
            continue
        out.keys[key.text] = (key, _convert(value_node, shown, problems, lines))
    return out


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """' (did you mean 'x'?)' when a close choice exists, else ''."""
    import difflib  # a mistyped name's hint: never needed when nothing is wrong

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def walk_text(node: Node) -> Iterator[Node]:
    """Every text node under `node`, in document order."""
    if node.kind == "str":
        yield node
    elif node.kind == "seq":
        for item in node.items:
            yield from walk_text(item)
    else:
        for _, value in node.keys.values():
            yield from walk_text(value)
