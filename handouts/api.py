"""The library behind the CLI: load -> resolve layout -> render -> write. One call per command."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from .check import Text
from .errors import DataError, HandoutsError, Problem
from .impose import Flip, Grid, card_plan, fit_grid
from .layout import PAGE_SIZES, Layout, load_labels, load_layout
from .library import (
    DATA_DIR,
    Library,
    find_routine,
    link_warnings,
    load_clinic,
    load_library,
    load_routine,
    routine_files,
)
from .model import Clinic, Personal, Routine
from .output import write_atomic
from .render.card import CardJob, render_cards
from .render.common import Meta
from .render.fonts import check_glyphs, font_set, glyph_problems
from .render.handout import HandoutJob, render_handout
from .render.text import plain
from .sheets import MARK_ROOM, Marks, impose

OUT_DIR = Path("out")


@dataclass(frozen=True)
class Context:
    """Where things are: shared by every command."""

    data_dir: Path = DATA_DIR
    out_dir: Path = OUT_DIR
    clinic_file: Path | None = None

    def clinic(self) -> Clinic:
        return load_clinic(self.clinic_file, self.data_dir)


def load_routines(refs: Sequence[str], ctx: Context) -> list[Routine]:
    """Routines by path or id; every problem in every file reported at once."""
    routines: list[Routine] = []
    problems: list[Problem] = []
    for ref in refs:
        try:
            routines.append(load_routine(find_routine(ref, ctx.data_dir)))
        except HandoutsError as exc:
            problems += exc.problems
    if problems:
        raise DataError(problems)
    return routines


def label_texts(labels: dict[str, str], layout: Layout) -> list[Text]:
    return [Text(v, layout.source or "layout", 1, 1) for v in labels.values()]


def titles_in(data_dir: Path, extra: Iterable[Routine]) -> dict[str, str]:
    """Titles for Previous / Next: the routines at hand, and the library where it loads."""
    titles = {r.id: str(r.title) for r in extra}
    for rid, path in routine_files(data_dir).items():
        if rid not in titles:
            try:
                titles[rid] = str(load_routine(path).title)
            except HandoutsError:
                continue  # `validate` reports it; a neighbour's typo must not stop this one
    return titles


def clinic_logo(clinic: Clinic) -> Path | None:
    """The clinic's logo file (checked when the profile was loaded), if it has one."""
    return Path(clinic.path).parent / clinic.logo.path if clinic.logo else None


def render_handout_pdf(
    routines: Sequence[Routine],
    layout: Layout,
    clinic: Clinic,
    personal: Personal,
    titles: dict[str, str],
    language: str | None = None,
) -> bytes:
    """Check every character can print, then render. Pure: returns bytes, writes nothing."""
    lang = language or routines[0].language
    labels = load_labels(lang, layout)
    fonts = font_set(layout.fonts, Path(layout.source).parent if layout.source else None)
    texts = [t for r in routines for t in r.texts()] + personal.texts() + clinic.texts()
    check_glyphs(texts + label_texts(labels, layout), fonts)
    meta = Meta(
        title=" \u00b7 ".join(plain(r.title) for r in routines),
        author=str(clinic.name or routines[0].author or ""),
        subject=str(routines[0].category or ""),
        lang=lang,
    )
    job = HandoutJob(
        routines, layout, fonts, labels, clinic, personal, titles, meta, logo=clinic_logo(clinic)
    )
    return render_handout(job)


def handout(
    refs: Sequence[str],
    ctx: Context,
    layout_name: str = "letter",
    output: Path | None = None,
    personal: Personal | None = None,
) -> Path:
    """`handouts handout`: one PDF for one or more routines."""
    routines = load_routines(refs, ctx)
    layout = load_layout(layout_name)
    data = render_handout_pdf(
        routines, layout, ctx.clinic(), personal or Personal(), titles_in(ctx.data_dir, routines)
    )
    target = output or ctx.out_dir / f"{routines[0].id}.pdf"
    return write_atomic(target, data)


def card_layout(size: str) -> Layout:
    """`--size wallet` or `--size card-wallet` or a layout file; it must be a card layout."""
    name = size if size.startswith("card-") or size.endswith((".yaml", ".yml")) else f"card-{size}"
    layout = load_layout(name)
    if layout.kind != "card":
        raise DataError(
            [
                Problem(
                    layout.source,
                    1,
                    1,
                    f"layout '{layout.name}' is a {layout.kind} layout, not a card",
                )
            ]
        )
    return layout


def render_card_pdf(
    routines: Sequence[Routine],
    layout: Layout,
    clinic: Clinic,
    *,
    from_steps: bool = False,
    language: str | None = None,
) -> bytes:
    """The print-shop file: one card side per page at trim + bleed, fronts and backs."""
    lang = language or routines[0].language
    labels = load_labels(lang, layout)
    fonts = font_set(layout.fonts, Path(layout.source).parent if layout.source else None)
    texts = [t for r in routines for t in r.texts()] + clinic.texts()
    check_glyphs(texts + label_texts(labels, layout), fonts)
    meta = Meta(
        title=" \u00b7 ".join(plain(r.title) for r in routines) + " (pocket card)",
        author=str(clinic.name or routines[0].author or ""),
        subject=str(routines[0].category or ""),
        lang=lang,
    )
    job = CardJob(routines, layout, fonts, labels, clinic, meta, from_steps, clinic_logo(clinic))
    return render_cards(job)


@dataclass(frozen=True)
class CardOptions:
    """Command-line overrides of the card layout; None keeps the layout's value."""

    size: str = "wallet"
    sheet: str | None = None
    duplex: str | None = None
    bleed: float | None = None
    crop_marks: bool | None = None
    from_steps: bool = False
    copies: int = 1
    fill: bool = False  # fill the office sheet with copies


def card_layout_with(options: CardOptions) -> Layout:
    layout = card_layout(options.size)
    overrides: dict[str, Any] = {
        k: v
        for k, v in (("sheet", options.sheet), ("duplex", options.duplex),
                     ("bleed", options.bleed), ("crop_marks", options.crop_marks))
        if v is not None
    }  # fmt: skip
    return dataclasses.replace(layout, card=dataclasses.replace(layout.card, **overrides))


def card_grid(layout: Layout) -> Grid:
    """Slots for the layout's cards on its office sheet, keeping room for crop marks."""
    c = layout.card
    width, height = PAGE_SIZES[c.sheet]
    margin = c.sheet_margin + (MARK_ROOM if c.crop_marks else 0.0)
    try:
        return fit_grid(width, height, c.width, c.height, margin=margin, gutter=c.gutter)
    except ValueError as exc:
        raise DataError(
            [Problem(layout.source, 1, 1, f"card does not fit the sheet: {exc}")]
        ) from None


def card_sheets(
    shop: bytes, n_designs: int, layout: Layout, copies: int = 1, fill: bool = False
) -> bytes:
    """Office sheets: cards n-up with crop marks; backs behind their fronts for duplex.

    Each design is repeated `copies` times, or as often as fills the sheet with `fill`.
    """
    c = layout.card
    grid = card_grid(layout)
    if fill:
        copies = max(copies, grid.capacity // n_designs)
    sources = [d for d in range(n_designs) for _ in range(copies)]
    plan = card_plan(len(sources), grid, cast(Flip, c.duplex), sources=sources)
    marks = Marks(crop=c.crop_marks, bleed=min(c.bleed, c.gutter / 2))
    return impose(
        shop, plan, (grid.sheet_width, grid.sheet_height), marks, duplex=cast(Flip, c.duplex)
    )


def card_pdf(
    routines: Sequence[Routine], layout: Layout, clinic: Clinic, options: CardOptions
) -> bytes:
    """The card file as asked: the print-shop file, or office sheets made from it."""
    shop = render_card_pdf(routines, layout, clinic, from_steps=options.from_steps)
    if layout.card.sheet == "none":
        return shop
    return card_sheets(shop, len(routines), layout, options.copies, options.fill)


def card(
    refs: Sequence[str], ctx: Context, options: CardOptions, output: Path | None = None
) -> Path:
    """`handouts card`: pocket cards for one or more routines in one PDF."""
    routines = load_routines(refs, ctx)
    layout = card_layout_with(options)
    data = card_pdf(routines, layout, ctx.clinic(), options)
    suffix = "card-shop" if layout.card.sheet == "none" else "card"
    return write_atomic(output or ctx.out_dir / f"{routines[0].id}-{suffix}.pdf", data)


@dataclass
class Report:
    """What `validate` found: files checked, problems (errors) and warnings."""

    checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def validate(paths: Sequence[Path], ctx: Context, layout_name: str = "letter") -> Report:
    """Check routine files (or folders of them), glyphs included, without rendering."""
    files: list[Path] = []
    for p in paths or [ctx.data_dir / "routines"]:
        if p.is_dir():
            files += sorted(p.rglob("*.yaml"))
        else:
            files.append(p)
    report = Report()
    loaded: list[Routine] = []
    layout = load_layout(layout_name)
    fonts = font_set(layout.fonts, Path(layout.source).parent if layout.source else None)
    for f in files:
        report.checked += 1
        try:
            routine = load_routine(f)
        except HandoutsError as exc:
            report.problems += exc.problems
            continue
        loaded.append(routine)
        report.problems += glyph_problems(routine.texts(), fonts)
    known = set(routine_files(ctx.data_dir)) | {r.id for r in loaded}
    report.warnings = link_warnings(loaded, known)
    return report


def library(ctx: Context) -> Library:
    return load_library(ctx.data_dir)


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was skipped, and why


def build(ctx: Context, layout_name: str = "letter", card_size: str = "wallet") -> BuildResult:
    """`handouts build`: every product for everything in the data folder, into out/.

    Everything is rendered in memory first: a problem anywhere stops the build before any
    file is replaced.
    """
    lib = load_library(ctx.data_dir)
    if lib.problems:
        raise DataError(lib.problems)
    clinic = ctx.clinic()
    layout = load_layout(layout_name)
    cards = card_layout(card_size)
    titles = {r.id: str(r.title) for r in lib.routines.values()}
    result = BuildResult()
    files: dict[Path, bytes] = {}
    problems: list[Problem] = []
    for routine in lib.routines.values():
        try:
            files[ctx.out_dir / f"{routine.id}.pdf"] = render_handout_pdf(
                [routine], layout, clinic, Personal(), titles
            )
            if not routine.quick_reference:
                result.notes.append(f"{routine.path}: no quick_reference, so no pocket card")
                continue
            shop = render_card_pdf([routine], cards, clinic)
            files[ctx.out_dir / f"{routine.id}-card.pdf"] = card_sheets(shop, 1, cards, fill=True)
        except HandoutsError as exc:
            problems += exc.problems
    if problems:
        raise DataError(problems)
    for path, data in files.items():
        result.written.append(write_atomic(path, data))
    return result
