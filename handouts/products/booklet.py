"""Booklets: a manifest's routines (or routines from the command line) in one bound book,
and, when its pages fold from one sheet, the print version to fold and staple."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..booklet import Booklet, booklet_from_ids, check_routine_ids, follow_chain
from ..cache import product_inputs
from ..errors import DataError, Problem
from ..impose import booklet_plan, pad_pages
from ..layout import PAGE_SIZES, Layout, check_layout
from ..model import Routine
from ..project import Project
from ..targets import Variant, file_name, joined
from .common import Result, checked_language, checked_outputs

SADDLE_SHEETS = {"half-letter": "letter", "a5": "a4"}
"""Page sizes that fold from one sheet, and the sheet."""


@dataclass(frozen=True)
class BookletRequest:
    """`handouts booklet`: a manifest, or a title and routines, or a chain to follow."""

    manifest: str | None = None
    title: str | None = None
    refs: tuple[str, ...] = ()
    follow: str | None = None
    page_size: str | None = None  # letter, a4, half-letter, a5: picks booklet-<size>
    layout: str | None = None
    impose: str | None = None  # saddle | none; None: saddle when the pages fold
    creep: float | None = None
    right_hand: bool = False
    language: str | None = None
    output: Path | None = None


def page_name(layout: Layout) -> str:
    """The paper name of the layout's page size, or '' for a custom size."""
    return next((n for n, s in PAGE_SIZES.items() if s == tuple(layout.page.size)), "")


@dataclass(frozen=True)
class BookletTarget:
    project: Project
    booklet: Booklet
    routines: tuple[Routine, ...]
    layout: Layout
    language: str
    saddle: bool
    reading: Path
    printing: Path

    @property
    def outputs(self) -> tuple[Path, ...]:
        return (self.reading, self.printing) if self.saddle else (self.reading,)

    def describe(self) -> str:
        return f"booklet {self.booklet.name}"

    def notes(self) -> list[str]:
        return self.project.language_notes(self.routines, self.language)

    def inputs(self) -> tuple[Path, ...]:
        """Every file its bytes depend on, for the build cache."""
        return product_inputs(
            self.project, self.routines, [self.layout], self.language, [self.booklet.path]
        )

    def make(self, progress: Callable[[int], None] | None = None) -> Result:
        """The reading-order PDF and, when saddle-stitched, the print version: in memory."""
        from ..jobs import booklet_job
        from ..render.booklet import render_booklet
        from ..render.common import build_settings
        from ..sheets import Marks, impose

        project, booklet, layout = self.project, self.booklet, self.layout
        routines = self.routines
        job = booklet_job(
            booklet,
            routines,
            layout,
            project.clinic(self.language),
            project.titles(routines),
            self.language,
        )
        # The build's settings (the collector rarely scanning, see build_settings) over the
        # whole book: joining the parts and imposing them make hundreds of thousands of
        # pypdf objects too (imposition 0.22 s -> 0.16 s at 500 routines); same bytes.
        with build_settings():
            rendered = render_booklet(job, progress)
            result = Result(pages=rendered.pages)
            result.pdfs[self.reading] = rendered.pdf
            if self.saddle:
                sheet_w, sheet_h = PAGE_SIZES[SADDLE_SHEETS[page_name(layout)]]
                sheet = (sheet_h, sheet_w)  # landscape
                padded = pad_pages(rendered.pages)
                if padded > layout.booklet.saddle_warning_pages:
                    result.warnings.append(
                        f"{booklet.path}: warning: {padded} pages is past what saddle stitch holds "
                        f"well (about {layout.booklet.saddle_warning_pages}); split the booklet or "
                        "use another binding"
                    )
                plan = booklet_plan(
                    rendered.pages, *layout.page.size, *sheet, creep_per_sheet=layout.booklet.creep
                )
                result.pdfs[self.printing] = impose(
                    rendered.pdf,
                    plan,
                    sheet,
                    Marks(crop=True, fold=True),
                    duplex="short",
                    document=rendered.document,
                )
            return result


def _booklet_layout(project: Project, booklet: Booklet, request: BookletRequest) -> Layout:
    if request.page_size:
        name = f"booklet-{request.page_size}"
    else:
        name = request.layout or booklet.layout or f"booklet-{project.settings.booklet_page}"
    layout = project.layout_of_kind(name, "booklet")
    settings = layout.booklet
    if request.creep is not None:
        settings = dataclasses.replace(settings, creep=request.creep)
        check_layout(dataclasses.replace(layout, booklet=settings), default=("<--creep>", 1, 1))
    if request.right_hand:
        settings = dataclasses.replace(settings, right_hand_starts=True)
    return dataclasses.replace(layout, booklet=settings)


def _book(project: Project, request: BookletRequest) -> tuple[Booklet, list[Routine], str]:
    """The booklet, its routines in order, and the name its files carry."""
    if request.follow is not None:
        lib = project.library()
        if request.follow not in lib.routines:
            project.routine_path(request.follow)  # raises with a suggestion
            raise DataError(lib.problems)
        ids = follow_chain(lib.routines[request.follow], lib.routines)
        routines = [lib.routines[i] for i in ids]
        book = booklet_from_ids(request.title or str(routines[0].title), ids)
        return book, routines, joined(ids)
    if request.title is not None:
        routines = project.routines(request.refs)
        book = booklet_from_ids(request.title, [r.id for r in routines])
        return book, routines, joined([r.id for r in routines])
    assert request.manifest is not None
    book = project.booklet(request.manifest)
    files = project.routine_files()
    check_routine_ids(book, files)
    routines = [project.load_routine(files[str(rid)]) for rid in book.routine_ids()]
    return book, routines, book.name


def plan(project: Project, request: BookletRequest) -> BookletTarget:
    book, routines, stem = _book(project, request)
    layout = _booklet_layout(project, book, request)
    default = _booklet_layout(project, book, BookletRequest(manifest=request.manifest))
    checked_language(request.language, layout)
    language = request.language or (routines[0].language if routines else "en")
    folds = page_name(layout) in SADDLE_SHEETS
    if request.impose == "saddle" and not folds:
        raise DataError(
            [
                Problem(
                    book.path,
                    1,
                    1,
                    "saddle stitch needs half-letter or a5 pages (--page-size half-letter or a5)",
                )
            ]
        )
    saddle = request.impose == "saddle" or (request.impose is None and folds)
    variants = [
        Variant.of("", request.title, None),
        Variant.of("", layout.name.removeprefix("booklet-"), default.name.removeprefix("booklet-")),
        Variant.of("", language, routines[0].language if routines else "en"),
        Variant.of("creep", layout.booklet.creep, default.booklet.creep),
        Variant.of(
            "right-hand", layout.booklet.right_hand_starts, default.booklet.right_hand_starts
        ),
    ]
    if request.output is not None:
        reading = request.output
        printing = reading.with_name(f"{reading.stem}-print.pdf")
    else:
        reading = project.out_dir / file_name(stem, "booklet", variants)
        printing = project.out_dir / file_name(stem, "booklet-print", variants)
    target = BookletTarget(
        project, book, tuple(routines), layout, language, saddle, reading, printing
    )
    checked_outputs(target.outputs)
    return target
