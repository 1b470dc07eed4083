"""Strict YAML reading that keeps line and column for every value.

Only what a routine author needs: mappings, lists and text. Every scalar is text (`no` stays
"no", `1:30` stays "1:30"); anchors, aliases, tags, tabs, duplicate keys, several documents
and files over MAX_BYTES are refused with `path:line:col:` problems, all of them at once
where the file can still be read.
"""

from __future__ import annotations

import difflib
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

MAX_BYTES = 256 * 1024
"""A routine is a few kilobytes; a 500-routine booklet manifest about 15 KB."""
MAX_NODES = 20_000
"""Values in one file; stops list bombs long before they cost time or memory."""

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


class _StrictLoader(Reader, Scanner, Parser, Composer, BaseResolver):
    """PyYAML's composer with no implicit typing, no aliases and a node budget."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        BaseResolver.__init__(self)
        self.node_count = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[no-untyped-call]
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
        return super().compose_node(parent, index)


class _Refused(Exception):
    def __init__(self, mark: Any, message: str) -> None:
        self.mark = mark
        self.message = message


def _first_bad_utf8(data: bytes, exc: UnicodeDecodeError) -> tuple[int, int]:
    before = data[: exc.start]
    line = before.count(b"\n") + 1
    col = exc.start - (before.rfind(b"\n") + 1) + 1
    return line, col


def read_yaml(path: Path, display: str | None = None) -> Source:
    """Read and compose one YAML file, strictly. Raises DataError listing every problem."""
    shown = display if display is not None else str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DataError([Problem(shown, 1, 1, f"cannot read file: {exc.strerror}")]) from None
    if size > MAX_BYTES:
        raise DataError(
            [Problem(shown, 1, 1, f"file is {size:,} bytes; the limit is {MAX_BYTES:,}")]
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError([Problem(shown, 1, 1, f"cannot read file: {exc.strerror}")]) from None
    return parse_yaml(data, shown, path)


def parse_yaml(data: bytes, shown: str, path: Path | None = None) -> Source:
    if len(data) > MAX_BYTES:
        raise DataError(
            [Problem(shown, 1, 1, f"file is {len(data):,} bytes; the limit is {MAX_BYTES:,}")]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _first_bad_utf8(data, exc)
        problem = Problem(shown, line, col, "not UTF-8 text; save the file as UTF-8")
        raise DataError([problem]) from None
    problems = [
        Problem(shown, n, line.index("\t") + 1, "tab character; indent with spaces")
        for n, line in enumerate(text.splitlines(), start=1)
        if "\t" in line
    ]
    if problems:
        raise DataError(problems)
    loader: _StrictLoader | None = None
    try:
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
    node = _convert(root, shown, problems)
    if problems:
        raise DataError(problems)
    return Source(shown, node, path if path is not None else Path(shown))


def _at(shown: str, mark: Any, message: str) -> Problem:
    if mark is None:
        return Problem(shown, 1, 1, message)
    return Problem(shown, mark.line + 1, mark.column + 1, message)


def _convert(node: Any, shown: str, problems: list[Problem]) -> Node:
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    if isinstance(node, ScalarNode):
        return Node("str", line, col, text=str(node.value), style=node.style)
    if isinstance(node, SequenceNode):
        return Node("seq", line, col, items=[_convert(n, shown, problems) for n in node.value])
    assert isinstance(node, MappingNode)
    out = Node("map", line, col)
    for key_node, value_node in node.value:
        key = _convert(key_node, shown, problems)
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
        out.keys[key.text] = (key, _convert(value_node, shown, problems))
    return out


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """' (did you mean 'x'?)' when a close choice exists, else ''."""
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
