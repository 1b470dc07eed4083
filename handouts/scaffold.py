"""Files an author starts from: `handouts new`'s routine, and the JSON Schema files that
`init` and `new` keep in a project so that editors complete and check fields offline."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .check import ID_RE
from .errors import DataError, HandoutsError, Problem
from .model import routine_from_source
from .output import replace_atomically, shown, write_new
from .project import Project
from .schema import SCHEMA_DIR, routine_template, schema_files, title_from_id
from .yamlsrc import parse_yaml


@dataclass
class Written:
    created: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)  # generated files brought up to date
    kept: list[Path] = field(default_factory=list)


def write_schema_files(root: Path) -> Written:
    """`.handouts/schema/*.json` under `root`, from this version of handouts.

    They are generated, not written by anyone, so an out-of-date one (an older handouts
    wrote it) is replaced: the editor then knows the fields this version reads.
    """
    out = Written()
    for rel, data in schema_files().items():
        path = root / rel
        if write_new(path, data):
            out.created.append(path)
        elif path.is_file() and path.read_bytes() == data:
            out.kept.append(path)
        else:
            replace_atomically(path, data)
            out.updated.append(path)
    return out


def schema_reference(file: Path, root: Path, kind: str) -> str:
    """The schema of `kind` as `file` refers to it: relative, so the project can move."""
    target = root / SCHEMA_DIR / f"{kind}.json"
    try:
        return Path(os.path.relpath(target.absolute(), file.parent.absolute())).as_posix()
    except ValueError:  # another drive (Windows): no relative path exists
        return target.absolute().as_uri()


def new_routine(project: Project, rid: str, title: str | None = None) -> tuple[Path, Written]:
    """Write DATA/routines/ID.yaml from the template; never over an existing routine."""
    if not re.fullmatch(ID_RE, rid):
        raise DataError(
            [
                Problem(
                    "<ID>",
                    1,
                    1,
                    f"'{rid}' is not a routine id: use lower-case letters, digits and '-' "
                    "(at most 80), starting with a letter or digit, e.g. back-stretch",
                )
            ]
        )
    known = project.routine_files()
    if rid in known:
        raise DataError(
            [Problem(shown(known[rid]), 1, 1, f"routine '{rid}' already exists; not replaced")]
        )
    path = project.data_dir / "routines" / f"{rid}.yaml"
    text = routine_template(
        title if title is not None else title_from_id(rid),
        schema_reference(path, project.root, "routine"),
    )
    try:
        data = text.encode()
    except UnicodeEncodeError:  # a --title with bytes that are not UTF-8
        raise DataError([Problem("<--title>", 1, 1, "--title is not UTF-8 text")]) from None
    try:  # the template must read back as a routine: a bad --title is refused here
        routine_from_source(parse_yaml(data, shown(path)), rid)
    except HandoutsError as exc:
        first = exc.problems[0].message.replace("'title'", "--title")
        raise DataError([Problem("<--title>", 1, 1, first)]) from None
    written = write_schema_files(project.root)
    if not write_new(path, data):
        raise DataError([Problem(shown(path), 1, 1, "already exists; not replaced")])
    return path, written
