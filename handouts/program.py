"""Personal programmes (`data/programs/<name>.yaml`): one patient's routines and dosage.

patient: Ann Lee
clinician: R. Okafor, PT
date: 2026-11-24
notes: Every morning, before breakfast.
routines:
  - sacral-traction
  - id: wger-bird-dog
    sets: "2"
    reps: 8 each side
    note: Keep your hips level.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from .check import SHORT, Checker, Text
from .library import check_known_ids, is_yaml_name, not_yaml, unknown_ids, yaml_files
from .model import DOSAGE_KEYS, Personal, Routine
from .output import shown
from .schema import PROGRAM
from .yamlsrc import Node, read_yaml

PROGRAM_FIELDS: dict[str, int] = PROGRAM.limits()
"""Every key a programme may have, with the most characters one text in it may hold
(declared in schema.py)."""
PROGRAM_KEYS = PROGRAM.keys
ENTRY = PROGRAM.item("routines")
ENTRY_FIELDS: dict[str, int] = {f.name: f.text_limit(SHORT) for f in ENTRY.fields}
ADHERENCE_LIMIT = 4
"""This many routines or more get a warning: 86% compliance with 2 or fewer exercises, 54%
with 4 or more, and reviews recommend fewer than 4 (Eckard; docs/print-and-patients.md)."""


@dataclass(frozen=True)
class Entry:
    id: Text
    dosage: dict[str, Text] = field(default_factory=dict)
    note: Text | None = None


@dataclass(frozen=True)
class Program:
    name: str
    path: str
    personal: Personal
    entries: tuple[Entry, ...]
    line: int = 1
    col: int = 1

    def texts(self) -> list[Text]:
        out = self.personal.texts()
        for e in self.entries:
            out += list(e.dosage.values()) + ([e.note] if e.note else [])
        return out


def _entry(c: Checker, node: Node, i: int) -> Entry | None:
    what = f"routines[{i + 1}]"
    if node.kind == "str":
        rid = c.text(node, what, limit=ENTRY_FIELDS["id"], prose=False)  # ids hold no ' #'
        return Entry(rid) if rid else None
    keys = c.mapping(node, ENTRY.keys, ENTRY.required_keys, what=what)
    if "id" not in keys:
        return None
    rid = c.text(keys["id"], f"{what}.id", limit=ENTRY_FIELDS["id"], prose=False)
    dosage = {
        k: v
        for k in DOSAGE_KEYS
        if k in keys
        if (v := c.text(keys[k], f"{what}.{k}", limit=ENTRY_FIELDS[k])) is not None
    }
    note = (
        c.text(keys["note"], f"{what}.note", limit=ENTRY_FIELDS["note"]) if "note" in keys else None
    )
    return Entry(rid, dosage, note) if rid else None


def load_program(path: Path, known: dict[str, Path] | None = None) -> Program:
    """A programme, checked; with `known` (the library's routine files) its routine ids
    too, so that every problem in it comes out in one DataError."""
    if not is_yaml_name(path) and path.is_file():
        raise not_yaml(path)
    src = read_yaml(path, shown(path))
    c = Checker(src.path)
    program = program_from(c, src.root, path.stem, known)
    c.done()
    return program


def program_from(
    c: Checker, root: Node, name: str, known: dict[str, Path] | None = None
) -> Program:
    """A programme from its composed nodes (a YAML file, or one patient of a batch export),
    every problem added to `c`; the result is sound only when `c` has none."""
    keys = c.mapping(root, PROGRAM_KEYS, PROGRAM.required_keys, what=PROGRAM.what)
    values = {
        k: c.text(keys[k], k, limit=PROGRAM_FIELDS[k])
        for k in ("patient", "clinician", "notes")
        if k in keys
    }
    date = c.date(keys["date"], "date") if "date" in keys else None
    entries = (
        c.seq(keys["routines"], "routines", lambda n, i: _entry(c, n, i), limit=100)
        if "routines" in keys
        else []
    )
    if "routines" in keys and keys["routines"].kind == "seq" and not keys["routines"].items:
        c.error(keys["routines"], "'routines' is empty")
    if known is not None:
        c.problems += unknown_ids(c.path, [e.id for e in entries], known)
    personal = Personal(values.get("patient"), values.get("clinician"), date, values.get("notes"))
    where = keys.get("routines", root)
    return Program(name, c.path, personal, tuple(entries), where.line, where.col)


def check_ids(program: Program, known: dict[str, Path]) -> None:
    check_known_ids(program.path, [e.id for e in program.entries], known)


def warnings(program: Program) -> list[str]:
    n = len(program.entries)
    if n < ADHERENCE_LIMIT:
        return []
    return [
        f"{program.path}:{program.line}:{program.col}: warning: {n} routines; fewer than "
        f"{ADHERENCE_LIMIT} are recommended (86% compliance with 2 or fewer exercises, 54% "
        "with 4 or more: Eckard). Consider a shorter programme."
    ]


def personalise(routine: Routine, entry: Entry) -> Routine:
    """The routine with the programme's dosage in place of its own, where given."""
    if not entry.dosage:
        return routine
    return dataclasses.replace(routine, dosage={**routine.dosage, **entry.dosage})


def program_files(data_dir: Path) -> dict[str, Path]:
    return yaml_files(data_dir / "programs")
