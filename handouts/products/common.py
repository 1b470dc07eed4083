"""What every product shares: checked output paths and languages, and what making one gives."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import HandoutsError, Problem
from ..layout import Layout, check_language
from ..output import HTML_SUFFIXES, SUFFIXES, check_target


def checked_outputs(paths: Sequence[Path], html: Sequence[Path] = ()) -> tuple[Path, ...]:
    """Every output path refused or accepted before anything renders: `paths` are PDFs,
    `html` accessible editions."""
    problems: list[Problem] = []
    for path, suffixes in [(p, HTML_SUFFIXES) for p in html] + [(p, SUFFIXES) for p in paths]:
        try:
            check_target(path, suffixes)
        except HandoutsError as exc:
            problems += exc.problems
    if problems:
        raise HandoutsError(problems)
    return tuple(paths)


def checked_language(language: str | None, layout: Layout) -> None:
    """A --language must name a label pack on the layout's search path."""
    if language:
        check_language(language, None, layout.search)


@dataclass
class Result:
    """What making a target gave: each output's bytes, and warnings to print."""

    pdfs: dict[Path, bytes] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    pages: int = 0
