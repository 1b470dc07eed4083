"""Importers: text written elsewhere becomes routine files that `handouts validate` accepts.

- text.py: a plain-text routine page (title, category line, labelled blocks, paragraphs,
  the site's Previous / Next navigation) -> one routine file;
- wger.py: exercises of the wger database (JSON export, small HTML descriptions) -> one
  routine file each.

Shared here: the id a title gives, the YAML writer (comments where the importer wants a
person to look), the check that what is written loads, and the write that never replaces a
file that is already there. A file written inside a project starts with the
`# yaml-language-server: $schema=...` line that `handouts new` writes (relative to that
project's .handouts/schema/routine.json), so an editor checks it as the author revises it.
"""

from __future__ import annotations

import re
import stat
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from ..errors import DataError, HandoutsError, Problem
from ..output import shown, write_new
from ..project import find_root
from ..scaffold import schema_reference, write_schema_files
from ..schema import schema_line
from ..yamlsrc import first_bad_utf8

MAX_PAGE_BYTES = 256 * 1024
"""A text page is read up to this size (as a routine file is)."""


def slug(name: str) -> str:
    """A routine id from a title: lower-case ASCII letters, digits and '-', at most 60."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-") or "exercise"


STR = "tag:yaml.org,2002:str"


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _text(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    # PyYAML may wrap a plain line just before " - ", and the reader refuses a continuation
    # line starting with "- " (it looks like two merged list items): quote such text.
    return dumper.represent_scalar(STR, data, style='"' if " - " in data else None)


_Dumper.add_representer(str, _text)


def dump(value: Any) -> str:
    return yaml.dump(value, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=90)


def routine_yaml(
    fields: Mapping[str, Any],
    header: Sequence[str] = (),
    comments: Mapping[tuple[str, int], str] | None = None,
) -> str:
    """The routine file: `header` comment lines, then each field in the given order.

    `comments[(key, i)]` is a comment line above item i of list `key` (i = -1: above the
    key itself), for what a person should look at.
    """
    comments = comments or {}
    out = [f"# {line}" for line in header]
    for key, value in fields.items():
        if (key, -1) in comments:
            out.append(f"# {comments[key, -1]}")
        if isinstance(value, list):
            out.append(f"{key}:")
            for i, item in enumerate(value):
                if (key, i) in comments:
                    out.append(f"  # {comments[key, i]}")
                out += ["  " + line for line in dump([item]).splitlines()]
        else:
            out += dump({key: value}).splitlines()
    return "\n".join(out) + "\n"


def check_routine_text(text: str, where: str, rid: str) -> list[Problem]:
    """The problems `handouts validate` would find in this routine file (pictures and
    glyphs aside), as messages about `where`, the file being imported."""
    from ..model import routine_from_source
    from ..yamlsrc import parse_yaml

    try:
        routine_from_source(parse_yaml(text.encode("utf-8"), "<imported>"), rid)
    except HandoutsError as exc:
        return [
            Problem(where, 1, 1, f"the imported routine would not be valid: {p.message}")
            for p in exc.problems
        ]
    return []


def read_text_file(path: Path, limit: int = MAX_PAGE_BYTES) -> str:
    """A UTF-8 text file of at most `limit` bytes (a BOM and CRLF line ends are fine); one
    problem line otherwise."""
    where = shown(path)

    def refuse(message: str, line: int = 1, col: int = 1) -> DataError:
        return DataError([Problem(where, line, col, message)])

    try:
        info = path.stat()
    except OSError as exc:
        raise refuse(f"cannot read file: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise refuse("is not a regular file")
    if info.st_size > limit:
        raise refuse(f"file is {info.st_size:,} bytes; the limit is {limit:,}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise refuse(f"cannot read file: {exc.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = first_bad_utf8(data, exc)
        raise refuse("not UTF-8 text; save the file as UTF-8", line, col) from None
    if "\x00" in text:
        raise refuse("is not a text file (it holds NUL bytes)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def write_new_file(path: Path, text: str) -> bool:
    """Write `path` atomically unless something is already there (then False, untouched).

    Inside a project (a handouts.yaml in its folder or one above), the file starts with the
    schema line; `ensure_schema_files` then writes the schema it names."""
    root = find_root(path.parent)
    if root is not None:
        text = schema_line(schema_reference(path, root, "routine")) + "\n" + text
    return write_new(path, text.encode("utf-8"))


def ensure_schema_files(written: Sequence[Path]) -> list[Path]:
    """The schema files of each project a routine was written into, written where missing
    or out of date (as `handouts new` does); the files it wrote."""
    roots = sorted({r for r in (find_root(p.parent) for p in written) if r is not None})
    made: list[Path] = []
    for root in roots:
        schemas = write_schema_files(root)
        made += schemas.created + schemas.updated
    return made
