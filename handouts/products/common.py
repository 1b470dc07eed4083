"""What every product does before it renders: labels, fonts, the glyph check, metadata."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..check import Text
from ..errors import HandoutsError, Problem
from ..layout import Layout, check_language, label_texts, load_labels
from ..model import Clinic, Routine
from ..output import check_target
from ..render.common import Meta
from ..render.fonts import FontSet, check_glyphs, font_set
from ..render.text import plain


def layout_fonts(layout: Layout) -> FontSet:
    return font_set(layout.fonts, Path(layout.source).parent if layout.source else None)


def prepared(layout: Layout, lang: str, texts: list[Text]) -> tuple[dict[str, str], FontSet]:
    """The labels and fonts a product prints with, once every character is known to print."""
    labels = load_labels(lang, layout)
    fonts = layout_fonts(layout)
    check_glyphs(texts + label_texts(lang, layout), fonts)
    return labels, fonts


def clinic_logo(clinic: Clinic) -> Path | None:
    """The clinic's logo file (checked when the profile was loaded), if it has one."""
    return Path(clinic.path).parent / clinic.logo.path if clinic.logo else None


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
