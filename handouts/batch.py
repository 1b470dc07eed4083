"""`handouts programs FILE`: one programme per patient from a CSV or JSON Lines export.

CSV: a header line, then one row per routine entry of a programme:

    id,patient,clinician,date,notes,routine,sets,reps,hold,frequency,side,note

Rows with the same `id` are one patient's programme, their entries in the file's order.
`patient`, `clinician`, `date` and `notes` belong to the patient: give them on any row of
the patient (usually the first); where a later row repeats one it must be the same.
Required columns: id, patient, routine.

JSON Lines: one object per line, one patient each, in the shape of data/programs/*.yaml
plus an `id`: {"id": "p-0001", "patient": "Ann Lee", "routines": [{"id": "...", ...}]}.

The `id` names the patient's folder, out/patients/<id>/<id>.program.pdf: two patients
with the same name never share a file, and a folder names no patient. An id is what a
routine id is (lower-case letters, digits, '-'), so it is a safe name on every system.

Every row is checked like a programme file, with `file:line:col:` problems; a patient
with a problem is not written (never a programme with one routine missing) and the others
still are. No problem message quotes a patient's own words.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .check import Checker
from .errors import DataError, HandoutsError, Problem
from .model import DOSAGE_KEYS, Routine
from .output import shown
from .products.program import ProgramRequest, ProgramTarget, plan_program
from .program import PROGRAM_KEYS, Program, program_from
from .project import Project
from .yamlsrc import Node, did_you_mean, first_bad_utf8, parse_yaml

if TYPE_CHECKING:
    from .build import Made

MAX_BYTES = 256 * 1024 * 1024
"""An export of 10,000 patients is about 2 MB; this stops a wrong file long before memory."""
ID_RE = r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?"
ID_HINT = "must be lower-case letters, digits and '-' (at most 64), like p-00123"
PATIENT_COLUMNS = ("patient", "clinician", "date", "notes")
ENTRY_COLUMNS = ("routine", *DOSAGE_KEYS, "note")
COLUMNS = ("id", *PATIENT_COLUMNS, *ENTRY_COLUMNS)
REQUIRED = ("id", "patient", "routine")


@dataclass
class Group:
    """One patient of the export: where it starts, its nodes, and the problems found."""

    id: str
    line: int
    root: Node
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Planned:
    """One patient: a target ready to make, or the problems that stop it."""

    id: str
    line: int
    target: ProgramTarget | None = None
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Export:
    """What reading an export gave: its patients, and rows that belong to none."""

    groups: list[Group]
    orphans: list[Problem]  # rows without a usable id: each one failure of its own


def _str_node(text: str, line: int, col: int) -> Node:
    return Node("str", line, col, text=text)


def _key(root: Node, key: str, value: Node) -> None:
    root.keys[key] = (_str_node(key, value.line, value.col), value)


def read_export(path: Path) -> tuple[str, Export]:
    """The export's patients as programme nodes. A file that cannot be read at all (missing,
    not UTF-8, a bad CSV header) raises; a bad row only marks its own patient."""
    where = shown(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl"):
        raise DataError([Problem(where, 1, 1, "expected a .csv or .jsonl export")])
    try:
        if path.stat().st_size > MAX_BYTES:
            raise DataError([Problem(where, 1, 1, f"file is over {MAX_BYTES:,} bytes")])
        data = path.read_bytes()
    except OSError as exc:
        raise DataError([Problem(where, 1, 1, f"cannot read: {exc.strerror}")]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = first_bad_utf8(data, exc)
        raise DataError([Problem(where, line, col, "not UTF-8 text; save it as UTF-8")]) from None
    return where, (_read_csv(where, text) if suffix == ".csv" else _read_jsonl(where, text))


def _lines(text: str) -> list[str]:
    """The file's lines as csv counts them (\n, \r\n or \r; not U+2028, which JSON allows
    inside a string), without their ends."""
    return [line.rstrip("\r\n") for line in io.StringIO(text, newline="")]


# -- CSV ----------------------------------------------------------------------------------
def _columns(line: str) -> list[int] | None:
    """1-based start column of each cell of a one-line CSV row (None if quoting is odd)."""
    cols, i, n = [1], 0, len(line)
    quoted = False
    while i < n:
        ch = line[i]
        if quoted:
            if ch == '"':
                if i + 1 < n and line[i + 1] == '"':
                    i += 1
                else:
                    quoted = False
        elif ch == '"':
            quoted = True
        elif ch == ",":
            cols.append(i + 2)
        i += 1
    return None if quoted else cols


def _read_csv(where: str, text: str) -> Export:
    lines = _lines(text)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise DataError([Problem(where, 1, 1, "file is empty")]) from None
    except csv.Error as exc:
        raise DataError([Problem(where, 1, 1, f"CSV: {exc}")]) from None
    head_cols = _columns(lines[0]) or []
    if len(head_cols) != len(header):
        head_cols = [1] * len(header)
    problems = []
    for i, name in enumerate(header):
        if name.strip() not in COLUMNS:
            problems.append(
                Problem(
                    where, 1, head_cols[i], f"unknown column '{name}'{did_you_mean(name, COLUMNS)}"
                )
            )
    names = [h.strip() for h in header]
    for req in REQUIRED:
        if req not in names:
            problems.append(Problem(where, 1, 1, f"missing required column '{req}'"))
    dupes = sorted({n for n in names if names.count(n) > 1})
    for name in dupes:
        problems.append(Problem(where, 1, head_cols[names.index(name)], f"column '{name}' twice"))
    if problems:
        raise DataError(problems)
    groups: dict[str, Group] = {}
    orphans: list[Problem] = []
    start = 2
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            # past a broken quote no row's end can be trusted: nothing of this file is written
            raise DataError([Problem(where, start, 1, f"CSV: {exc}")]) from None
        line, end = start, reader.line_num
        start = end + 1
        if not any(cell.strip() for cell in row):
            continue
        cols = (_columns(lines[line - 1]) if line == end else None) or []
        if len(cols) != len(row):  # over several lines, or a quote csv reads as a letter
            cols = [1] * len(row)
        if len(row) != len(names):
            problem = Problem(
                where, line, 1, f"row has {len(row)} cells; the header has {len(names)}"
            )
            at = names.index("id")
            pid = row[at] if at < len(row) else ""
            if re.fullmatch(ID_RE, pid):  # its patient fails too: never a programme short of a row
                _group(groups, pid, line).problems.append(problem)
            else:
                orphans.append(problem)
            continue
        here = lines[line - 1] if line == end else ""
        cells = {
            n: _str_node(v, line, _content_col(here, cols[i]))
            for i, (n, v) in enumerate(zip(names, row, strict=True))
            if v != ""
        }
        _add_row(where, line, cells, groups, orphans)
    return Export(list(groups.values()), orphans)


def _content_col(line: str, col: int) -> int:
    """Where a cell's text starts: after its opening quote, if quoted."""
    return col + 1 if line[col - 1 : col] == '"' else col


def _group(groups: dict[str, Group], pid: str, line: int) -> Group:
    group = groups.get(pid)
    if group is None:
        root = Node("map", line, 1)
        _key(root, "routines", Node("seq", line, 1))
        group = groups[pid] = Group(pid, line, root)
    return group


def _add_row(
    where: str, line: int, cells: dict[str, Node], groups: dict[str, Group], orphans: list[Problem]
) -> None:
    pid = cells.get("id")
    if pid is None:
        orphans.append(Problem(where, line, 1, "missing 'id': every row names its patient's id"))
        return
    if not re.fullmatch(ID_RE, pid.text):
        orphans.append(Problem(where, pid.line, pid.col, f"'id' {ID_HINT}"))
        return
    group = _group(groups, pid.text, line)
    for key in PATIENT_COLUMNS:
        if key not in cells:
            continue
        if key in group.root.keys:
            first = group.root.keys[key][1]
            if first.text != cells[key].text:
                node = cells[key]
                group.problems.append(
                    Problem(
                        where,
                        node.line,
                        node.col,
                        f"'{key}' differs from line {first.line} of the same id",
                    )
                )
        else:
            _key(group.root, key, cells[key])
    routines = group.root.keys["routines"][1]
    if "routine" not in cells:
        if any(k in cells for k in ENTRY_COLUMNS):
            group.problems.append(Problem(where, line, 1, "a dosage or note without a 'routine'"))
        return
    entry = Node("map", cells["routine"].line, cells["routine"].col)
    _key(entry, "id", cells["routine"])
    for key in ENTRY_COLUMNS[1:]:
        if key in cells:
            _key(entry, key, cells[key])
    routines.items.append(entry)


# -- JSON Lines ---------------------------------------------------------------------------
def _shift(node: Node, lines: int) -> Node:
    node.line += lines
    for item in node.items:
        _shift(item, lines)
    for key_node, value in node.keys.values():
        _shift(key_node, lines)
        _shift(value, lines)
    return node


def _align(node: Node, value: Any) -> Node | None:
    """Every text node takes its JSON string exactly (YAML only gave the places); the first
    node whose value is true, false or null, which YAML would read as text, is returned."""
    if value is None or isinstance(value, bool):
        return node
    if isinstance(value, str) and node.kind == "str":
        node.text = value
    bad: Node | None = None
    if isinstance(value, dict) and node.kind == "map":
        for key, (_, sub) in node.keys.items():
            found = _align(sub, value.get(key))
            bad = bad or found
    if isinstance(value, list) and node.kind == "seq":
        for sub, item in zip(node.items, value, strict=False):
            found = _align(sub, item)
            bad = bad or found
    return bad


_YAML_BREAKS = {0x85: 0xE000, 0x2028: 0xE000, 0x2029: 0xE000}
"""Line ends to YAML, not to JSON: replaced by one other character for the parse that
finds the places, so every line and column stays right."""


def _read_jsonl(where: str, text: str) -> Export:
    groups: dict[str, Group] = {}
    orphans: list[Problem] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(_lines(text), start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            orphans.append(Problem(where, number, exc.colno, f"not JSON: {exc.msg}"))
            continue
        if not isinstance(value, dict):
            orphans.append(Problem(where, number, 1, "expected one JSON object per line"))
            continue
        try:
            root = _shift(parse_yaml(raw.translate(_YAML_BREAKS).encode(), where).root, number - 1)
        except HandoutsError as exc:
            orphans += [Problem(p.path, number, p.col, p.message) for p in exc.problems]
            continue
        bad = _align(root, value)
        pid = root.keys.pop("id", None)
        if pid is None:
            orphans.append(
                Problem(where, number, 1, "missing 'id': every line names its patient's id")
            )
            continue
        node = pid[1]
        if node.kind != "str" or not re.fullmatch(ID_RE, node.text):
            orphans.append(Problem(where, node.line, node.col, f"'id' {ID_HINT}"))
            continue
        if node.text in seen:
            first = seen[node.text]
            message = f"id '{node.text}' is also on line {first}; each patient once"
            orphans.append(Problem(where, node.line, node.col, message))
            groups[node.text].problems.append(
                Problem(where, first, 1, f"id '{node.text}' is also on line {number}")
            )
            continue
        seen[node.text] = number
        group = groups[node.text] = Group(node.text, number, root)
        if bad is not None:
            group.problems.append(
                Problem(
                    where, bad.line, bad.col, "must be text or a number, not true, false or null"
                )
            )
    return Export(list(groups.values()), orphans)


# -- planning ----------------------------------------------------------------------------
def plan(
    project: Project, path: Path, request: ProgramRequest | None = None
) -> tuple[list[Planned], list[Problem]]:
    """Every patient of the export as a target or as its problems, in the file's order;
    and the rows that belong to no patient."""
    where, export = read_export(path)
    known = project.routine_files()
    load: Callable[[Path], Routine] = lru_cache(maxsize=None)(project.load_routine)
    base = request or ProgramRequest("")
    out = []
    for group in export.groups:
        c = Checker(where)
        program: Program = program_from(c, group.root, group.id, known)
        problems = group.problems + c.problems
        if problems:
            out.append(Planned(group.id, group.line, None, sorted(set(problems), key=_order)))
            continue
        request_ = ProgramRequest(group.id, base.layout, base.language, base.cards)
        try:
            target = plan_program(project, program, request_, folder=group.id, load=load)
        except HandoutsError as exc:
            out.append(Planned(group.id, group.line, None, list(exc.problems)))
            continue
        out.append(Planned(group.id, group.line, target))
    return out, export.orphans


def _order(p: Problem) -> tuple[int, int, str]:
    return (p.line, p.col, p.message)


@dataclass
class BatchResult:
    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # in the file's order
    done: int = 0  # programmes written
    failed: int = 0  # patients (and rows of no patient) not written


def run(
    project: Project,
    path: Path,
    request: ProgramRequest | None = None,
    executor: Executor | None = None,
) -> BatchResult:
    """Plan every patient, make each target (in `executor`'s workers when given) and write
    what was made, in the file's order; a patient that fails stops no other."""
    from .build import make
    from .output import write_atomic

    planned, orphans = plan(project, path, request)
    targets = [p.target for p in planned if p.target is not None]
    made: Iterator[Made] = (
        executor.map(make, targets, chunksize=16)
        if executor is not None
        else (make(t) for t in targets)
    )
    result = BatchResult()
    problems = list(orphans)
    result.failed += len(orphans)
    for item in planned:
        if item.target is None:
            problems += item.problems
            result.failed += 1
            continue
        done = next(made)
        result.warnings += done.warnings
        if done.problems:
            problems += done.problems
            result.failed += 1
            continue
        for out, data in done.pdfs.items():
            result.written.append(write_atomic(out, data))
        result.done += 1
    result.problems = sorted(dict.fromkeys(problems), key=_order)
    return result


assert set(PATIENT_COLUMNS) | {"routines"} == set(PROGRAM_KEYS)
