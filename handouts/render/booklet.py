"""Booklets: cover, contents, every routine, back cover; joined into one reading-order PDF.

Cost: the body (every routine) is set in one ReportLab pass that records where each
routine starts; the front matter is set afterwards knowing those pages, and the parts are
joined by handouts.sheets. Nothing is rendered twice (ReportLab's multiBuild would render the whole
book again for each pass of the contents page).
"""

from __future__ import annotations

import io
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import DocIf

from ..booklet import Booklet
from ..booklet import Section as BookletSectionT
from ..content import Navigation
from ..errors import Problem
from ..model import Routine
from ..sheets import Bookmark, LinkSpot, join_parts
from .common import Document, Meta, Picture, Styles, build_pdf, color, make_styles, numbered_canvas
from .fonts import FontSet, load_fonts
from .handout import PRINTER_EDGE, HandoutJob, Section, frame_width, scaled_image, story_for


@dataclass
class Spot:
    """A rectangle on a page that links to a routine's first page."""

    page: int  # 1-based within its part
    rect: tuple[float, float, float, float]
    target: int  # the occurrence linked to: its position in the booklet's routines


@dataclass
class Record:
    """What setting the body found out: where routines start, and where links go."""

    # occurrence (position in the booklet's routines) -> 1-based body page: a routine listed
    # twice (warm-up and cool-down) starts on two pages
    starts: dict[int, int] = field(default_factory=dict)
    spots: list[Spot] = field(default_factory=list)
    titles: dict[int, str] = field(default_factory=dict)  # body page -> running header


class Mark(Flowable):  # type: ignore[misc]
    """Zero-size: notes the page a routine starts on and the running header from there."""

    def __init__(self, record: Record, routine: Routine, position: int) -> None:
        super().__init__()
        self.record, self.routine, self.position = record, routine, position
        self.width = self.height = 0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return (0, 0)

    def draw(self) -> None:
        page = self.canv.getPageNumber()
        self.record.starts.setdefault(self.position, page)
        self.canv._running_title = self.routine.title


class LinkPara(Paragraph):  # type: ignore[misc]
    """A paragraph that records its rectangle, to become a link to `target` once joined."""

    def __init__(self, text: str, style: object, record: Record, target: int) -> None:
        super().__init__(text, style)
        self.record, self.target = record, target

    def draw(self) -> None:
        super().draw()
        x, y = self.canv.absolutePosition(0, 0)
        self.record.spots.append(
            Spot(self.canv.getPageNumber(), (x, y, x + self.width, y + self.height), self.target)
        )


@dataclass(frozen=True)
class BookletJob:
    """Everything a booklet prints, as plain data that pickles (see HandoutJob)."""

    booklet: Booklet
    routines: tuple[Routine, ...]
    handout: HandoutJob  # layout, fonts, labels, clinic, titles: shared with the handout
    cover_image: Picture | None = None


Progress = Callable[[int], None]
"""Told the number of each body page as it is drawn."""


def neighbour_position(
    positions: dict[str, tuple[int, ...]], here: int, rid: str, key: str
) -> int | None:
    """Which occurrence of `rid` the Previous / Next link of occurrence `here` goes to: the
    nearest one in the link's direction, else the nearest the other way. `positions`:
    occurrences by id (see occurrences), made once per booklet rather than once per link."""
    return _nearest(positions.get(rid, ()), here, key)


def occurrences(ids: Sequence[str]) -> dict[str, tuple[int, ...]]:
    """Each routine id -> its positions in the booklet, in order."""
    out: dict[str, list[int]] = {}
    for i, rid in enumerate(ids):
        out.setdefault(rid, []).append(i)
    return {rid: tuple(found) for rid, found in out.items()}


def _nearest(found: Sequence[int], here: int, key: str) -> int | None:
    where = [i for i in found if i != here]
    if not where:
        return None
    ahead = [i for i in where if i > here]
    behind = [i for i in where if i < here]
    if key == "next":
        return ahead[0] if ahead else behind[-1]
    return behind[-1] if behind else ahead[0]


def _booklet_section(
    record: Record, positions: dict[str, tuple[int, ...]], here: int
) -> type[Section]:
    class BookletSection(Section):
        def navigation(self, part: Navigation) -> list[Flowable]:
            out: list[Flowable] = []
            for key, rid, text in self.neighbours(part):
                target = neighbour_position(positions, here, rid, key)
                if target is not None:
                    arrow = self.ink.label(" \u2192")
                    out.append(LinkPara(text + arrow, self.s.small, record, target))
                else:
                    out.append(Paragraph(text, self.s.small))
            return [Spacer(1, self.s.body.spaceAfter), *out] if out else []

    return BookletSection


def _doc(job: BookletJob, meta: Meta, fonts: FontSet) -> Callable[[io.BytesIO], Document]:
    p = job.handout.layout.page

    def make(buffer: io.BytesIO) -> Document:
        return Document(
            buffer, pagesize=p.size, leftMargin=p.margin_left, rightMargin=p.margin_right,
            topMargin=p.margin_top, bottomMargin=p.margin_bottom, invariant=1,
            title=meta.title, author=meta.author, subject=meta.subject, lang=meta.lang,
            creator="handouts", producer="handouts (ReportLab)",
            initialFontName=fonts.regular,
        )  # fmt: skip

    return make


PART_ROUTINES = 125
"""Routines per body part. The body is set in parts of at most this many routines (a
booklet of fewer is one part), each its own ReportLab document, joined afterwards. The parts
depend on the booklet only, never on how many processes set them, so the bytes are the same
with one worker or many. Each part embeds its own font subsets (about 40 KB): 125 keeps a
500-routine book within 5% of one part's size, in four parts that two or four cores share
evenly."""


def part_ranges(count: int, size: int = PART_ROUTINES) -> list[range]:
    """The body's parts: `count` routines in runs of about `size` (equal within one)."""
    n = max(1, -(-count // max(1, size)))
    return [range(count * k // n, count * (k + 1) // n) for k in range(n)]


@dataclass
class Part:
    """One set body part: its PDF and what setting it found out, pages within the part."""

    pdf: bytes
    pages: int
    record: Record


FirstPage = Callable[[int], int]
"""Told a part's page count once it is set, answers the body page number of its first page
(in a worker process it waits until the parts before it are set)."""


def render_part(
    job: BookletJob, styles: Styles, routines: range, last: bool, first_page: FirstPage
) -> Part:
    """The routines at these positions, each from a new page. With right-hand starts, a
    part that is not the last ends on an even page, so the next one opens on a right-hand
    page wherever it falls."""
    h = job.handout
    record = Record()
    positions = occurrences([r.id for r in job.routines])
    story: list[Flowable] = []
    right_hand = h.layout.booklet.right_hand_starts
    for i in routines:
        routine = job.routines[i]
        if i != routines.start:
            story.append(PageBreak())
            if right_hand:
                story.append(DocIf("doc.page % 2 == 0", [PageBreak()]))
        story.append(Mark(record, routine, i))
        story += story_for(h, routine, styles, _booklet_section(record, positions, i), i)
    if right_hand and not last:
        story.append(_EvenPages())
    layout, fonts, ink = h.layout, styles.fonts, styles.ink
    p = layout.page
    size = max(layout.text.small_size, layout.text.min_size)
    width = frame_width(layout)
    first_pages: set[int] = set()

    def draw(canvas: Canvas, page: int) -> None:
        if not first_pages:
            first_pages.update(record.starts.values())
        local = page - first + 1
        canvas.saveState()
        canvas.setFillColor(color(layout.colors.muted))
        outer_right = page % 2 == 1  # body page 1 is a right-hand page
        x, align = (p.size[0] - p.margin_right, "right") if outer_right else (p.margin_left, "left")
        y = max(PRINTER_EDGE + size * 0.3, p.margin_bottom * 0.4)
        ink.draw(canvas, x, y, str(page), fonts.regular, size, align)  # type: ignore[arg-type]
        title = getattr(canvas, "_running_title", "")
        if layout.booklet.running_header and title and local not in first_pages:
            # One line, cut short if it must: the routine's first page prints it in full.
            top = p.size[1] - PRINTER_EDGE - size
            head = ink.shortened(title, fonts.regular, size, width)
            ink.draw(canvas, x, top, head, fonts.regular, size, align)  # type: ignore[arg-type]
        canvas.restoreState()

    first = 1
    pages = [0]

    def numbered(count: int) -> int:
        nonlocal first
        pages[0] = count
        first = first_page(count)
        return first

    meta = Meta(str(job.booklet.title), "", "", h.meta.lang)
    where = Problem(
        job.booklet.path,
        1,
        1,
        "a part of a routine is taller than a booklet page and cannot be split",
    )
    data = build_pdf(
        _doc(job, meta, fonts), story, numbered_canvas(lambda c, n, _: draw(c, n), numbered), where
    )
    return Part(data, pages[0], record)


def render_body(
    job: BookletJob,
    styles: Styles,
    progress: Progress | None = None,
    workers: int | None = None,
    part_routines: int | None = None,
) -> tuple[list[Part], Record]:
    """Every routine, each from a new page, in parts (see PART_ROUTINES); page numbers from
    1. The record's pages (starts, spots) are body pages, counted across the parts."""
    size = PART_ROUTINES if part_routines is None else part_routines
    ranges = part_ranges(len(job.routines), size)
    parts = _parallel(job, ranges, workers) if _use_processes(ranges, workers) else None
    if parts is None:
        parts, done = [], 0
        for k, routines in enumerate(ranges):
            offset = done

            def first_page(count: int, offset: int = offset) -> int:
                return offset + 1

            parts.append(render_part(job, styles, routines, k == len(ranges) - 1, first_page))
            done += parts[-1].pages
    record = Record()
    done = 0
    for part in parts:
        record.starts.update({i: done + page for i, page in part.record.starts.items()})
        record.spots += [
            Spot(done + spot.page, spot.rect, spot.target) for spot in part.record.spots
        ]
        if progress is not None:
            for page in range(done + 1, done + part.pages + 1):
                progress(page)
        done += part.pages
    return parts, record


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _use_processes(ranges: list[range], workers: int | None) -> bool:
    """Parts go to worker processes when there are several parts and cores and this is not
    itself a worker (a build's pool already keeps the cores busy)."""
    n = _cores() if workers is None else workers
    return n > 1 and len(ranges) > 1 and multiprocessing.parent_process() is None


def _start_method() -> str:
    """Fork (the workers start at once, with ReportLab loaded and the fonts registered)
    unless another thread runs: a forked child of a threaded process can deadlock on a lock
    some thread held. Then a fork server (or spawn), which pickles the job over."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _worker(conn: Connection, job: BookletJob, count: int) -> None:
    """A worker process: sets the parts it is sent until it is sent None."""
    styles = make_styles(job.handout.layout, load_fonts(job.handout.fonts))
    while True:
        task = conn.recv()
        if task is None:
            return
        k, start, stop = task

        def first_page(pages: int, k: int = k) -> int:
            conn.send(("pages", k, pages))
            answer: int = conn.recv()
            return answer

        try:
            part = render_part(job, styles, range(start, stop), k == count - 1, first_page)
        except BaseException as error:  # noqa: BLE001 (handed to the parent as it is)
            conn.send(("error", k, error))
            return
        conn.send(("done", k, part))


def _parallel(
    job: BookletJob, ranges: list[range], workers: int | None, method: str | None = None
) -> list[Part]:
    """The parts set by worker processes, handed out in order. A part's page numbers wait
    only for the page counts of the parts before it, which were handed out earlier, so no
    worker waits for one that has not started. `method`: how workers start (see
    _start_method)."""
    context: Any = multiprocessing.get_context(method or _start_method())  # stubs: no Process
    n = min(_cores() if workers is None else workers, len(ranges))
    conns: list[Connection] = []
    processes = []
    for _ in range(n):
        ours, theirs = context.Pipe()
        process = context.Process(target=_worker, args=(theirs, job, len(ranges)), daemon=True)
        process.start()
        theirs.close()
        conns.append(ours)
        processes.append(process)
    counts: dict[int, int] = {}
    firsts = {0: 1}
    waiting: dict[int, Connection] = {}
    parts: dict[int, Part] = {}
    handed = 0
    try:
        for conn in conns:
            conn.send((handed, ranges[handed].start, ranges[handed].stop))
            handed += 1
        busy = list(conns)
        while len(parts) < len(ranges):
            for ready in wait(busy):
                assert isinstance(ready, Connection)
                try:
                    kind, k, value = ready.recv()
                except EOFError:
                    raise RuntimeError("a booklet worker process ended unexpectedly") from None
                if kind == "error":
                    raise value
                if kind == "pages":
                    counts[k] = value
                    waiting[k] = ready
                    while len(firsts) - 1 in counts:
                        last = len(firsts) - 1
                        firsts[last + 1] = firsts[last] + counts[last]
                    for j in [j for j in waiting if j in firsts]:
                        waiting.pop(j).send(firsts[j])
                else:
                    parts[k] = value
                    if handed < len(ranges):
                        ready.send((handed, ranges[handed].start, ranges[handed].stop))
                        handed += 1
                    else:
                        ready.send(None)
                        busy.remove(ready)
    finally:
        for process in processes:
            if process.is_alive() and len(parts) < len(ranges):
                process.terminate()
            process.join()
        for conn in conns:
            conn.close()
    return [parts[k] for k in range(len(ranges))]


def render_front(job: BookletJob, styles: Styles, starts: dict[int, int], record: Record) -> bytes:
    """Cover, then the introduction and contents with each routine's page number."""
    h, b = job.handout, job.booklet
    layout = h.layout
    width = frame_width(layout)
    cover_title = styles.para(b.title, styles.title)
    cover_title.style = styles.title.clone(
        "cover",
        fontSize=layout.booklet.cover_title_size,
        leading=layout.booklet.cover_title_size * 1.15,
    )
    story: list[Flowable] = [Spacer(1, layout.page.size[1] * 0.12), cover_title]
    if b.subtitle:
        story.append(styles.para(b.subtitle, styles.heading))
    if job.cover_image is not None:
        story += [Spacer(1, 12), scaled_image(job.cover_image, width, layout.page.size[1] * 0.35)]
    clinic = [t for t in (h.clinic.name, h.clinic.phone, h.clinic.address, h.clinic.website) if t]
    if clinic:
        story += [Spacer(1, 24)] + [styles.para(t, styles.body) for t in clinic]
    if h.logo is not None:
        story += [Spacer(1, 12), scaled_image(h.logo, width / 3, 72)]
    story.append(PageBreak())
    if b.intro:
        story.append(styles.para(b.intro, styles.body))
    story.append(styles.label(h.labels["contents"], styles.heading))
    rows: list[list[object]] = []
    commands: list[tuple[object, ...]] = [
        ("FONT", (0, 0), (-1, -1), styles.fonts.regular, styles.body.fontSize),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]
    number = styles.body.clone("number", alignment=2)
    for section, positions in _sections(job):
        if section.title is not None:
            rows.append([styles.para(section.title, styles.kicker), ""])
        for i in positions:
            routine = job.routines[i]
            rows.append([
                LinkPara(styles.ink.markup(routine.title, styles.emphasis), styles.body,
                         record, i),
                Paragraph(styles.ink.label(str(starts[i])), number),
            ])  # fmt: skip
    if rows:
        table = Table(rows, colWidths=[width * 0.85, width * 0.15], hAlign="LEFT")
        table.setStyle(TableStyle(commands))
        story.append(table)
    if layout.booklet.right_hand_starts:
        story.append(_EvenPages())
    meta = Meta(str(b.title), "", "", h.meta.lang)

    def draw(canvas: Canvas, page: int, total: int) -> None:
        return None

    where = Problem(b.path, 1, 1, "the booklet's cover or contents do not fit a page")
    return build_pdf(_doc(job, meta, styles.fonts), story, numbered_canvas(draw), where)


def _sections(job: BookletJob) -> list[tuple[BookletSectionT, list[int]]]:
    """Each section of the manifest with the positions of its routines in `job.routines`
    (which lists every occurrence, in the manifest's order)."""
    out: list[tuple[BookletSectionT, list[int]]] = []
    at = 0
    for section in job.booklet.sections:
        n = len(section.routine_ids)
        out.append((section, list(range(at, at + n))))
        at += n
    return out


class _EvenPages(DocIf):  # type: ignore[misc]
    """End the front matter on an even page so the body opens on a right-hand page."""

    def __init__(self) -> None:
        super().__init__("doc.page % 2 == 1", [PageBreak(), Spacer(1, 1)])


def render_back(job: BookletJob, styles: Styles) -> bytes | None:
    h, b = job.handout, job.booklet
    parts: list[Flowable] = []
    if b.back_cover:
        parts.append(styles.para(b.back_cover, styles.body))
    for text in (h.clinic.safety, h.clinic.disclaimer):
        if text:
            parts.append(styles.para(text, styles.body))
    contact = " \u00b7 ".join(
        str(t) for t in (h.clinic.name, h.clinic.phone, h.clinic.website) if t
    )
    if contact:
        parts.append(Paragraph(f"<b>{styles.ink.label(contact)}</b>", styles.body))
    if not parts:
        return None
    story = [Spacer(1, h.layout.page.size[1] * 0.45), KeepTogether(parts)]
    meta = Meta(str(b.title), "", "", h.meta.lang)
    where = Problem(b.path, 1, 1, "the back cover text does not fit on one page")
    return build_pdf(
        _doc(job, meta, styles.fonts), story, numbered_canvas(lambda c, p, t: None), where
    )


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    front_pages: int
    starts: dict[str, int]  # routine id -> 0-based page index of its first occurrence
    pages: int
    occurrences: tuple[int, ...] = ()  # each occurrence's 0-based page index, in order
    # `pdf` as the pypdf writer that wrote it (imposition copies its pages; in process only)
    document: Any = field(default=None, compare=False, repr=False)


def render_booklet(
    job: BookletJob, progress: Progress | None = None, workers: int | None = None
) -> Rendered:
    """The reading-order booklet; `progress` (not part of the job) hears of each body page.

    `workers`: processes that set the body's parts (default: the cores; 1: this process
    only). The bytes are the same whatever the number."""
    styles = make_styles(job.handout.layout, load_fonts(job.handout.fonts))
    body, record = render_body(job, styles, progress, workers)
    front_record = Record()
    front = render_front(job, styles, record.starts, front_record)
    back = render_back(job, styles)
    return join(job, front, body, back, record, front_record)


def join(
    job: BookletJob,
    front: bytes,
    body: list[Part],
    back: bytes | None,
    record: Record,
    front_record: Record,
) -> Rendered:
    """One PDF: outline, page labels (i, ii ... then 1, 2 ...), links, metadata. The parts
    are put together by handouts.sheets (the one module that writes with pypdf)."""
    parts = [front, *(part.pdf for part in body)] + ([back] if back is not None else [])
    part_first: list[int] = []  # 0-based body page where each body part starts
    done = 0
    for part in body:
        part_first.append(done)
        done += part.pages

    def where(body_page: int) -> tuple[int, int]:
        """A 0-based body page as (part of the joined file, page within that part)."""
        k = max(j for j, first in enumerate(part_first) if first <= body_page)
        return 1 + k, body_page - part_first[k]

    body_at = {i: page - 1 for i, page in record.starts.items()}  # 0-based, in the body
    bookmarks: list[Bookmark] = []
    for section, positions in _sections(job):
        parent = None
        if section.title is not None and positions:
            bookmarks.append(Bookmark(str(section.title), *where(body_at[positions[0]])))
            parent = len(bookmarks) - 1
        for i in positions:
            bookmarks.append(Bookmark(str(job.routines[i].title), *where(body_at[i]), parent))
    links = [
        LinkSpot(part, spot.page - 1, spot.rect, *where(body_at[spot.target]))
        for part, spot in [(0, s) for s in front_record.spots]
    ] + [
        LinkSpot(*where(spot.page - 1), spot.rect, *where(body_at[spot.target]))
        for spot in record.spots
    ]
    meta = job.handout.meta
    info = {
        "/Title": str(job.booklet.title),
        "/Author": meta.author,
        "/Subject": meta.subject,
        "/Creator": "handouts",
    }
    joined = join_parts(
        parts, ("roman",) + ("decimal",) * (len(parts) - 1), bookmarks, links, info, meta.lang
    )
    n_front = joined.part_pages[0]
    at = {i: n_front + page for i, page in body_at.items()}
    starts: dict[str, int] = {}
    for i, routine in enumerate(job.routines):
        starts.setdefault(routine.id, at[i])
    occurrences = tuple(at[i] for i in range(len(job.routines)))
    return Rendered(
        joined.pdf, n_front, starts, sum(joined.part_pages), occurrences, joined.document
    )
