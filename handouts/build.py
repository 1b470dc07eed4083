"""`handouts build`: plan every product of a project, make each, write what was made.

Every target is planned by its product module exactly as the single command with default
options plans it, so `build` and `handouts handout ID` write the same file with the same
bytes. A product that fails is reported and the others are still made; the caller exits 1
at the end if anything failed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from .errors import HandoutsError, Problem
from .output import shown, write_atomic
from .products import booklet, card, handout, program
from .project import Project
from .targets import Target, duplicates


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # warnings, and what was made how
    problems: list[Problem] = field(default_factory=list)  # each failed product's reasons
    failed: list[str] = field(default_factory=list)  # which products failed


@dataclass(frozen=True)
class Planned:
    """A target, or the problems that kept it from being planned."""

    what: str
    target: Target | None = None
    problems: tuple[Problem, ...] = ()


def _attempt(what: str, make: Callable[[], Target]) -> Planned:
    try:
        return Planned(what, make())
    except HandoutsError as exc:
        return Planned(what, None, tuple(exc.problems))


def plan(project: Project) -> list[Planned]:
    """Every product of the project with default options, in a fixed order."""
    todo: list[tuple[str, Callable[[], Target]]] = []
    for rid, path in project.routine_files().items():
        refs = (str(path),)
        todo.append(
            (f"handout {rid}", partial(handout.plan, project, handout.HandoutRequest(refs)))
        )
        todo.append((f"pocket card {rid}", partial(card.plan, project, card.CardRequest(refs))))
    for name in project.program_files():
        request = program.ProgramRequest(name)
        todo.append((f"programme {name}", partial(program.plan, project, request)))
    for name in project.booklet_files():
        book = booklet.BookletRequest(manifest=name)
        todo.append((f"booklet {name}", partial(booklet.plan, project, book)))
    return [_attempt(what, make) for what, make in todo]


def run(project: Project, progress: Callable[[str], None] | None = None) -> BuildResult:
    project.require_data()
    planned = plan(project)
    clash = duplicates(p.target for p in planned if p.target is not None)
    if clash:  # a planning bug, never the user's data: refuse before writing anything
        path, who = next(iter(clash.items()))
        raise HandoutsError(
            [Problem(shown(path), 1, 1, f"two products would write this file: {', '.join(who)}")]
        )
    result = BuildResult()
    for item in planned:
        if progress is not None:
            progress(item.what)
        problems = list(item.problems)
        if item.target is not None:
            try:
                if isinstance(item.target, booklet.BookletTarget):  # its page count warns
                    book = item.target.make()
                    made, warnings = book.pdfs, book.warnings
                else:
                    made, warnings = item.target.render(), []
                for path, data in made.items():
                    result.written.append(write_atomic(path, data))
                result.notes += item.target.notes() + warnings
            except HandoutsError as exc:
                problems += exc.problems
        if problems:
            result.failed.append(item.what)
            # one broken file fails several products: say each problem once
            result.problems += [p for p in dict.fromkeys(problems) if p not in result.problems]
    return result


def each_output(project: Project) -> Iterator[tuple[str, Path]]:
    """(product, path) of every file `build` would write: for tests and `build --dry-run`."""
    for item in plan(project):
        if item.target is not None:
            for path in item.target.outputs:
                yield item.what, path
