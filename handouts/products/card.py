"""Pocket quick-reference cards: an office sheet to cut, or a print-shop file with bleed.

A routine without a `quick_reference` prints its steps on the card, here and in `build`
alike; the note says so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from ..cache import product_inputs
from ..errors import DataError, Problem
from ..impose import MARK_ROOM, Flip, Grid, SheetSide, card_plan, fit_grid
from ..layout import PAGE_SIZES, Layout, check_layout
from ..model import Clinic, Routine
from ..output import shown
from ..project import Project
from ..targets import Variant, file_name, joined
from .common import Result, checked_language, checked_outputs


@dataclass(frozen=True)
class CardRequest:
    """`handouts card`: what was asked. None keeps the layout's (or project's) default."""

    refs: tuple[str, ...]
    size: str | None = None
    sheet: str | None = None
    duplex: str | None = None
    bleed: float | None = None
    crop_marks: bool | None = None
    copies: int | None = None  # None: as many of each as fill the sheet
    language: str | None = None
    output: Path | None = None


def render_card_pdf(
    routines: Sequence[Routine], layout: Layout, clinic: Clinic, language: str | None = None
) -> bytes:
    """The print-shop file: one card side per page at trim + bleed, fronts and backs."""
    from ..jobs import card_job
    from ..render.card import render_cards

    job = card_job(routines, layout, clinic, from_steps=True, language=language)
    return render_cards(job)


def card_grid(layout: Layout) -> Grid:
    """Slots for the layout's cards on its office sheet, keeping room for crop marks."""
    c = layout.card
    width, height = PAGE_SIZES[c.sheet]
    margin = c.sheet_margin + (MARK_ROOM if c.crop_marks else 0.0)
    try:
        return fit_grid(width, height, c.width, c.height, margin=margin, gutter=c.gutter)
    except ValueError as exc:
        raise DataError(
            [Problem(shown(Path(layout.source)), 1, 1, f"card does not fit the sheet: {exc}")]
        ) from None


def sheet_plan(
    n_designs: int, layout: Layout, copies: int | None = None
) -> tuple[list[SheetSide], tuple[float, float]]:
    """The office sheets' plan and sheet size: each design `copies` times, or (None) as
    often as fills the sheet; backs behind their fronts for the layout's duplex."""
    grid = card_grid(layout)
    each = copies if copies is not None else max(1, grid.capacity // n_designs)
    sources = [d for d in range(n_designs) for _ in range(each)]
    plan = card_plan(len(sources), grid, cast(Flip, layout.card.duplex), sources=sources)
    return plan, (grid.sheet_width, grid.sheet_height)


def render_card_sheets(
    routines: Sequence[Routine],
    layout: Layout,
    clinic: Clinic,
    language: str | None = None,
    copies: int | None = None,
) -> bytes:
    """Office sheets: cards n-up with crop marks; backs behind their fronts for duplex.

    Drawn in one pass with the cards themselves (render.card.render_card_sheets), never
    by reading the print-shop file back: tests/test_card_sheets_direct.py checks, pixel
    for pixel, that they are the sheets handouts.sheets would impose from that file.
    """
    from ..jobs import card_job
    from ..render.card import render_card_sheets as render

    c = layout.card
    plan, size = sheet_plan(len(routines), layout, copies)
    job = card_job(routines, layout, clinic, from_steps=True, language=language)
    bleed = min(c.bleed, c.gutter / 2)
    return render(job, plan, size, bleed=bleed, crop=c.crop_marks, duplex=cast(Flip, c.duplex))


def with_overrides(layout: Layout, request: CardRequest) -> Layout:
    overrides: dict[str, Any] = {
        k: v
        for k, v in (("sheet", request.sheet), ("duplex", request.duplex),
                     ("bleed", request.bleed), ("crop_marks", request.crop_marks))
        if v is not None
    }  # fmt: skip
    return dataclasses.replace(layout, card=dataclasses.replace(layout.card, **overrides))


def from_steps_notes(routines: Sequence[Routine]) -> list[str]:
    return [
        f"{shown(Path(r.path))}: no quick_reference; the card prints the steps"
        for r in routines
        if not r.quick_reference
    ]


@dataclass(frozen=True)
class CardTarget:
    project: Project
    routines: tuple[Routine, ...]
    layout: Layout
    language: str
    copies: int | None
    path: Path

    @property
    def outputs(self) -> tuple[Path, ...]:
        return (self.path,)

    @property
    def shop_file(self) -> bool:
        return self.layout.card.sheet == "none"

    def describe(self) -> str:
        return f"pocket card {joined([r.id for r in self.routines])}"

    def notes(self) -> list[str]:
        language = self.project.language_notes(self.routines, self.language)
        return from_steps_notes(self.routines) + language

    def inputs(self) -> tuple[Path, ...]:
        """Every file its bytes depend on, for the build cache."""
        return product_inputs(self.project, self.routines, [self.layout], self.language)

    def make(self, progress: Callable[[int], None] | None = None) -> Result:
        clinic = self.project.clinic(self.language)
        if self.shop_file:
            return Result(
                {self.path: render_card_pdf(self.routines, self.layout, clinic, self.language)}
            )
        sheets = render_card_sheets(self.routines, self.layout, clinic, self.language, self.copies)
        return Result({self.path: sheets})


def plan(project: Project, request: CardRequest) -> CardTarget:
    routines = tuple(project.routines(request.refs))
    base = project.card_layout(request.size or project.settings.card)
    layout = with_overrides(base, request)
    if request.bleed is not None:
        check_layout(layout, default=("<--bleed>", 1, 1))
    checked_language(request.language, layout)
    language = request.language or routines[0].language
    c, d = layout.card, base.card
    shop = c.sheet == "none"
    default_size = project.card_layout(project.settings.card).name
    name = file_name(
        joined([r.id for r in routines]),
        "card-shop" if shop else "card",
        [
            Variant.of("", layout.name.removeprefix("card-"), default_size.removeprefix("card-")),
            Variant.of("", language, routines[0].language),
            None if shop else Variant.of("", c.sheet, d.sheet),
            None if shop else Variant.of("duplex", c.duplex, d.duplex),
            Variant.of("bleed", c.bleed, d.bleed),
            Variant.of("crop", c.crop_marks, d.crop_marks),
            None if shop else Variant.of("x", request.copies, None),
        ],
    )
    path = request.output or project.out_dir / name
    checked_outputs([path])
    return CardTarget(project, routines, layout, language, request.copies, path)
