"""The library behind the CLI: load -> resolve layout -> render -> write. One call per command."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from . import jobs
from .booklet import (
    Booklet,
    booklet_files,
    booklet_from_ids,
    check_routine_ids,
    follow_chain,
    load_booklet,
)
from .errors import DataError, HandoutsError, Problem, RenderError
from .impose import Flip, Grid, booklet_plan, card_plan, fit_grid, pad_pages
from .layout import BUILTIN_LAYOUTS, PAGE_SIZES, Layout
from .layout import load_layout as _load_layout
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
from .program import (
    Program,
    check_ids,
    load_program,
    personalise,
    program_files,
    warnings,
)
from .render.booklet import render_booklet
from .render.card import render_cards
from .render.fonts import FontSet, glyph_problems, load_fonts
from .render.handout import render_handout
from .sheets import MARK_ROOM, Marks, impose
from .yamlsrc import did_you_mean

OUT_DIR = Path("out")
LAYOUT_SEARCH = (Path("layouts"), BUILTIN_LAYOUTS)
"""Until the project module: the working folder's layouts/ first, then the built-ins."""


def load_layout(name_or_path: str) -> Layout:
    return _load_layout(name_or_path, LAYOUT_SEARCH)


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


def layout_fonts(layout: Layout) -> FontSet:
    return load_fonts(jobs.layout_font_files(layout))


def render_handout_pdf(
    routines: Sequence[Routine],
    layout: Layout,
    clinic: Clinic,
    personal: Personal,
    titles: dict[str, str],
    language: str | None = None,
    program: Program | None = None,
) -> bytes:
    """Check every character can print, then render. Pure: returns bytes, writes nothing.

    With a programme: its notes per routine, and a tracking page at the end.
    """
    job = jobs.handout_job(routines, layout, clinic, personal, titles, language, program)
    return render_handout(job)


def program_pdfs(
    path: Path,
    ctx: Context,
    layout_name: str = "letter",
    language: str | None = None,
    cards: bool = False,
) -> tuple[dict[str, bytes], list[str], Program]:
    """A personalised handout (and card sheet): in memory, with any warnings."""
    program = load_program(path)
    files = routine_files(ctx.data_dir)
    check_ids(program, files)
    routines = [personalise(load_routine(files[str(e.id)]), e) for e in program.entries]
    layout = load_layout(layout_name)
    clinic = ctx.clinic()
    out = {
        "handout": render_handout_pdf(
            routines,
            layout,
            clinic,
            program.personal,
            titles_in(ctx.data_dir, routines),
            language,
            program,
        )
    }
    if cards:
        card_lay = card_layout("wallet")
        shop = render_card_pdf(routines, card_lay, clinic, from_steps=True, language=language)
        out["cards"] = card_sheets(shop, len(routines), card_lay)
    return out, warnings(program), program


def program(
    ref: str,
    ctx: Context,
    layout_name: str = "letter",
    language: str | None = None,
    output: Path | None = None,
    cards: bool = False,
) -> tuple[list[Path], list[str]]:
    """`handouts program`: write the patient's handout (and cards); returns paths, warnings."""
    path = named_file(ref, program_files(ctx.data_dir), "programme")
    pdfs, notes, prog = program_pdfs(path, ctx, layout_name, language, cards)
    target = output or ctx.out_dir / f"{prog.name}.pdf"
    written = [write_atomic(target, pdfs["handout"])]
    if "cards" in pdfs:
        written.append(write_atomic(target.with_name(f"{target.stem}-cards.pdf"), pdfs["cards"]))
    return written, notes


def handout(
    refs: Sequence[str],
    ctx: Context,
    layout_name: str = "letter",
    output: Path | None = None,
    personal: Personal | None = None,
    language: str | None = None,
) -> Path:
    """`handouts handout`: one PDF for one or more routines."""
    routines = load_routines(refs, ctx)
    layout = load_layout(layout_name)
    data = render_handout_pdf(
        routines,
        layout,
        ctx.clinic(),
        personal or Personal(),
        titles_in(ctx.data_dir, routines),
        language,
    )
    target = output or ctx.out_dir / f"{routines[0].id}.pdf"
    return write_atomic(target, data)


def layout_of_kind(name: str, kind: str) -> Layout:
    """A layout that must print `kind` (a card layout for cards, and so on)."""
    layout = load_layout(name)
    if layout.kind != kind:
        message = f"layout '{layout.name}' is a {layout.kind} layout, not a {kind}"
        raise DataError([Problem(layout.source, 1, 1, message)])
    return layout


def card_layout(size: str) -> Layout:
    """`--size wallet` or `--size card-wallet` or a layout file; it must be a card layout."""
    name = size if size.startswith("card-") or size.endswith((".yaml", ".yml")) else f"card-{size}"
    return layout_of_kind(name, "card")


def render_card_pdf(
    routines: Sequence[Routine],
    layout: Layout,
    clinic: Clinic,
    *,
    from_steps: bool = False,
    language: str | None = None,
) -> bytes:
    """The print-shop file: one card side per page at trim + bleed, fronts and backs."""
    job = jobs.card_job(routines, layout, clinic, from_steps=from_steps, language=language)
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
    language: str | None = None


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
    shop = render_card_pdf(
        routines, layout, clinic, from_steps=options.from_steps, language=options.language
    )
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


@dataclass(frozen=True)
class BookletOptions:
    page_size: str | None = None  # letter, a4, half-letter, a5: picks layouts/booklet-<size>
    impose: str | None = None  # "saddle" also writes the folded, stapled print version
    creep: float | None = None
    right_hand: bool = False
    layout: str | None = None
    language: str | None = None


@dataclass
class BookletResult:
    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pages: int = 0


SADDLE_SHEETS = {"half-letter": "letter", "a5": "a4"}


def page_name(layout: Layout) -> str:
    """The paper name of the layout's page size, or '' for a custom size."""
    return next((n for n, s in PAGE_SIZES.items() if s == tuple(layout.page.size)), "")


def booklet_layout(booklet: Booklet, options: BookletOptions) -> Layout:
    if options.page_size:
        name = f"booklet-{options.page_size}"
    else:
        name = options.layout or booklet.layout or "booklet-letter"
    layout = layout_of_kind(name, "booklet")
    settings = layout.booklet
    if options.creep is not None:
        settings = dataclasses.replace(settings, creep=options.creep)
    if options.right_hand:
        settings = dataclasses.replace(settings, right_hand_starts=True)
    return dataclasses.replace(layout, booklet=settings)


def booklet_pdfs(
    booklet: Booklet,
    ctx: Context,
    options: BookletOptions,
    progress: Callable[[int], None] | None = None,
) -> tuple[dict[str, bytes], BookletResult]:
    """The reading-order PDF and, with --impose saddle, the print version: in memory."""
    files = routine_files(ctx.data_dir)
    check_routine_ids(booklet, files)
    routines = [load_routine(files[str(rid)]) for rid in booklet.routine_ids()]
    layout = booklet_layout(booklet, options)
    titles = titles_in(ctx.data_dir, routines)
    job = jobs.booklet_job(booklet, routines, layout, ctx.clinic(), titles, options.language)
    rendered = render_booklet(job, progress)
    result = BookletResult(pages=rendered.pages)
    out = {"reading": rendered.pdf}
    if options.impose == "saddle":
        size = page_name(layout)
        if size not in SADDLE_SHEETS:
            raise DataError(
                [
                    Problem(
                        booklet.path,
                        1,
                        1,
                        "saddle stitch needs half-letter or a5 pages "
                        "(--page-size half-letter or a5)",
                    )
                ]
            )
        sheet_w, sheet_h = PAGE_SIZES[SADDLE_SHEETS[size]]
        sheet = (sheet_h, sheet_w)  # landscape
        padded = pad_pages(rendered.pages)
        if padded > layout.booklet.saddle_warning_pages:
            result.warnings.append(
                f"{booklet.path}: warning: {padded} pages is past what saddle stitch holds well "
                f"(about {layout.booklet.saddle_warning_pages}); split the booklet or use "
                "another binding"
            )
        plan = booklet_plan(
            rendered.pages, *layout.page.size, *sheet, creep_per_sheet=layout.booklet.creep
        )
        out["print"] = impose(
            rendered.pdf, plan, sheet, Marks(crop=True, fold=True), duplex="short"
        )
    return out, result


def booklet(
    booklet: Booklet,
    ctx: Context,
    options: BookletOptions,
    output: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> BookletResult:
    """`handouts booklet`: write the reading-order booklet (and its print version)."""
    pdfs, result = booklet_pdfs(booklet, ctx, options, progress)
    target = output or ctx.out_dir / f"{booklet.name}.pdf"
    paths = {"reading": target, "print": target.with_name(f"{target.stem}-print.pdf")}
    for kind, data in pdfs.items():
        result.written.append(write_atomic(paths[kind], data))
    return result


def named_file(ref: str, named: dict[str, Path], what: str) -> Path:
    """A file given by path, or by its name in the data folder."""
    path = Path(ref)
    if path.is_file():
        return path
    if ref not in named:
        raise DataError(
            [Problem(ref, 1, 1, f"no such {what} file{did_you_mean(ref, list(named))}")]
        )
    return named[ref]


def find_booklet(ref: str, ctx: Context) -> Booklet:
    return load_booklet(named_file(ref, booklet_files(ctx.data_dir), "booklet"))


def booklet_of(title: str, refs: list[str], ctx: Context) -> Booklet:
    """A booklet from the command line: a title and routines (ids or files)."""
    routines = load_routines(refs, ctx)
    return booklet_from_ids(title, [r.id for r in routines])


def booklet_following(start: str, ctx: Context, title: str | None) -> Booklet:
    lib = load_library(ctx.data_dir)
    if lib.problems:
        raise DataError(lib.problems)
    if start not in lib.routines:
        find_routine(start, ctx.data_dir)  # raises with a suggestion
    ids = follow_chain(lib.routines[start], lib.routines)
    first = lib.routines[ids[0]]
    return booklet_from_ids(title or str(first.title), ids)


@dataclass
class Report:
    """What `validate` found: files checked, problems (errors) and warnings."""

    checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def validate(paths: Sequence[Path], ctx: Context, layout_name: str = "letter") -> Report:
    """Check routine files (or folders of them), glyphs included, without rendering.

    With no paths: every routine, booklet and programme in the data folder, and the clinic.
    """
    files: list[Path] = []
    for p in paths or [ctx.data_dir / "routines"]:
        if p.is_dir():
            files += sorted(p.rglob("*.yaml"))
        else:
            files.append(p)
    report = Report()
    loaded: list[Routine] = []
    layout = load_layout(layout_name)
    fonts = layout_fonts(layout)
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
    if not paths:  # the whole data folder: booklets, programmes and the clinic profile too
        library_files = routine_files(ctx.data_dir)

        def check_booklet(path: Path) -> None:
            check_routine_ids(load_booklet(path), library_files)

        def check_program(path: Path) -> None:
            check_ids(load_program(path), library_files)

        checks: list[tuple[Callable[[Path], object], Path]] = [
            (lambda _: ctx.clinic(), ctx.data_dir / "clinic.yaml"),
            *[(check_booklet, p) for p in booklet_files(ctx.data_dir).values()],
            *[(check_program, p) for p in program_files(ctx.data_dir).values()],
        ]
        for check, path in checks:
            report.checked += 1
            try:
                check(path)
            except HandoutsError as exc:
                report.problems += exc.problems
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
            from_steps = not routine.quick_reference
            try:
                shop = render_card_pdf([routine], cards, clinic, from_steps=from_steps)
            except RenderError as exc:
                if not from_steps:
                    raise
                result.notes.append(
                    f"{routine.path}: no pocket card: no quick_reference, and "
                    f"the steps do not fit a card ({exc.problems[0].message})"
                )
                continue
            if from_steps:
                result.notes.append(
                    f"{routine.path}: no quick_reference; the card prints the steps"
                )
            files[ctx.out_dir / f"{routine.id}-card.pdf"] = card_sheets(shop, 1, cards, fill=True)
        except HandoutsError as exc:
            problems += exc.problems
    for name, path in program_files(ctx.data_dir).items():
        try:
            pdfs, notes, _ = program_pdfs(path, ctx, layout_name)
        except HandoutsError as exc:
            problems += exc.problems
            continue
        result.notes += notes
        files[ctx.out_dir / f"{name}.pdf"] = pdfs["handout"]
    for name, path in booklet_files(ctx.data_dir).items():
        try:
            book = load_booklet(path)
            # A manifest without a layout gets half-letter pages, which fold from Letter.
            options = BookletOptions(page_size="half-letter" if book.layout is None else None)
            if page_name(booklet_layout(book, options)) in SADDLE_SHEETS:
                options = dataclasses.replace(options, impose="saddle")
            pdfs, made = booklet_pdfs(book, ctx, options)
        except HandoutsError as exc:
            problems += exc.problems
            continue
        result.notes += made.warnings
        files[ctx.out_dir / f"{name}.pdf"] = pdfs["reading"]
        if "print" in pdfs:
            files[ctx.out_dir / f"{name}-print.pdf"] = pdfs["print"]
    if problems:
        raise DataError(problems)
    for path, data in files.items():
        result.written.append(write_atomic(path, data))
    return result
