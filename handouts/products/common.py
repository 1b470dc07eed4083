"""What every product does before it renders: labels, fonts, the glyph check, metadata."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..errors import HandoutsError, Problem
from ..jobs import layout_font_files
from ..layout import Layout, check_language
from ..model import Clinic, Routine
from ..output import check_target
from ..render.common import Meta
from ..render.fonts import FontSet, load_fonts
from ..render.text import plain


def layout_fonts(layout: Layout) -> FontSet:
    """The layout's fonts, registered in this process (for glyph checks)."""
    return load_fonts(layout_font_files(layout))


def meta_for(routines: Sequence[Routine], clinic: Clinic, lang: str, suffix: str = "") -> Meta:
    return Meta(
        title=" \u00b7 ".join(plain(r.title) for r in routines) + suffix,
        author=str(clinic.name or routines[0].author or ""),
        subject=str(routines[0].category or ""),
        lang=lang,
    )


def checked_outputs(paths: Sequence[Path]) -> tuple[Path, ...]:
    """Every output path refused or accepted before anything renders."""
    problems: list[Problem] = []
    for path in paths:
        try:
            check_target(path)
        except HandoutsError as exc:
            problems += exc.problems
    if problems:
        raise HandoutsError(problems)
    return tuple(paths)


def checked_language(language: str | None, layout: Layout) -> None:
    """A --language must name a label pack on the layout's search path."""
    if language:
        check_language(language, None, layout.search)
