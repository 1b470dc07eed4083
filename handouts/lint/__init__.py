"""`handouts lint`: is a routine plain enough for a patient, is a large-print layout large?

Per routine and per section: Flesch-Kincaid grade and Flesch reading ease (readability.py),
warned above grade 8 (NIH) and noted above grade 6 (AMA); checks in the spirit of PEMAT-P
read from the structured text (routine.py, with its word lists in words.yaml and
jargon.yaml); large-print layouts against the ACB's figures (layouts.py). Nothing is
written; findings are `path:line:col: level: message` lines, or JSON.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..check import Text
from ..errors import HandoutsError, RenderError
from ..layout import Layout, available_layouts, load_layout
from ..library import yaml_files_under
from ..model import Clinic, Routine
from ..output import shown
from ..project import Project
from ..yamlsrc import read_yaml
from .findings import LEVELS, Finding
from .layouts import lint_layout
from .routine import RoutineLint

__all__ = ["Finding", "Report", "lint", "LEVELS"]

LAYOUT_KEYS = frozenset(
    ("kind", "description", "extends", "page", "fonts", "text", "colors", "handout", "card",
     "booklet", "labels")
)  # fmt: skip
"""Top-level keys of a layout file: a file with only these is linted as a layout."""


@dataclass
class Report:
    routines: int = 0
    layouts: int = 0
    findings: list[Finding] = field(default_factory=list)

    def count(self, level: str) -> int:
        return sum(1 for f in self.findings if f.level == level)

    def summary(self) -> str:
        counts = ", ".join(f"{self.count(level)} {level}(s)" for level in LEVELS[:3])
        return f"lint: {self.routines} routine(s), {self.layouts} layout(s): {counts}"

    def as_json(self) -> str:
        data = {
            "routines": self.routines,
            "layouts": self.layouts,
            "counts": {level: self.count(level) for level in LEVELS},
            "findings": [f.as_dict() for f in self.findings],
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _is_layout_file(path: Path) -> bool:
    try:
        root = read_yaml(path, shown(path)).root
    except HandoutsError:
        return False  # linted as a routine: its reading errors are reported there
    return root.kind == "map" and bool(root.keys) and set(root.keys) <= LAYOUT_KEYS


def lint(project: Project, paths: Sequence[Path] = ()) -> Report:
    """Lint routine and layout files (or folders of them); with no paths, the project's
    routines and every layout it can use (its own and the built-ins)."""
    routine_files: list[Path] = []
    layouts: list[Layout] = []
    problems: list[Finding] = []

    def layout_of(ref: str) -> None:
        try:
            layouts.append(load_layout(ref, project.layout_search))
        except HandoutsError as exc:
            problems.extend(_errors(exc))

    if not paths:
        project.require_data()
        routine_files = sorted(project.routine_files().values())
        for name in available_layouts(project.layout_search):
            layout_of(name)
    for given in paths:
        for p in yaml_files_under(given) if given.is_dir() else [given]:
            if _is_layout_file(p):
                layout_of(str(p))
            else:
                routine_files.append(p)
    report = Report(findings=problems)
    for path in routine_files:
        report.routines += 1
        try:
            routine = project.load_routine(path)
        except HandoutsError as exc:
            report.findings += _errors(exc)
            continue
        report.findings += lint_routine(routine, card_limit(project, routine))
    for layout in layouts:
        report.layouts += 1
        report.findings += lint_layout(layout)
    order = {path: i for i, path in enumerate(dict.fromkeys(f.path for f in report.findings))}
    report.findings.sort(
        key=lambda f: (order[f.path], f.line, f.col, LEVELS.index(f.level), f.message)
    )
    return report


def lint_routine(routine: Routine, quick_reference_limit: int | None = None) -> list[Finding]:
    found: list[Finding] = []
    RoutineLint(routine, found.append).run(quick_reference_limit)
    return found


def _errors(exc: HandoutsError) -> list[Finding]:
    return [Finding(p.path, p.line, p.col, "error", "read", p.message) for p in exc.problems]


PROBE = "Hold still."
"""A one-line quick-reference step, to count how many the card holds."""
MOST_PROBED = 30


def card_limit(project: Project, routine: Routine) -> int | None:
    """How many one-line quick-reference steps the project's pocket card holds at its full
    text size, with this routine's title and front line: the card renderer's own fitting
    (handouts/render/card.py, plan_front) decides, so the number is never written twice.
    None when the card cannot be planned at all (its own command reports why)."""
    from ..jobs import card_job
    from ..render.card import CardRun, plan_front

    try:
        layout = project.card_layout(project.settings.card)
        try:
            clinic = project.clinic(routine.language)
        except HandoutsError:
            clinic = Clinic()
        run = CardRun.of(card_job([routine], layout, clinic, from_steps=True))
    except HandoutsError:
        return None
    full = layout.card.body_size
    step = Text(PROBE, routine.path, 1, 1)
    for n in range(1, MOST_PROBED + 1):
        probe = _with_quick_reference(routine, (step,) * n)
        try:
            if plan_front(run, probe).size < full:
                return n - 1
        except RenderError:
            return n - 1
    return MOST_PROBED


def _with_quick_reference(routine: Routine, items: tuple[Text, ...]) -> Routine:
    import dataclasses

    return dataclasses.replace(routine, quick_reference=items)
