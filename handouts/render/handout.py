"""The full-page clinic handout: one or more routines in one PDF."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import field
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import NullActionFlowable
from reportlab.platypus.flowables import _Container, _listWrapOn

from .. import content as c
from ..check import Text
from ..errors import Problem, RenderError
from ..layout import Layout
from ..model import Clinic, Personal, Routine
from ..records import record
from .common import (
    Document,
    Meta,
    PageDrawer,
    Picture,
    Styles,
    build_pdf,
    color,
    layout_place,
    make_styles,
    numbered_canvas,
    picture_key,
)
from .fonts import FontFiles, FontSet, load_fonts
from .text import Align, Ink, Para
from .tracking import Tracking, tracking_page

PRINTER_EDGE = 0.3 * 72
"""Office printers leave about 1/4 in unprinted at each edge; nothing goes nearer."""


@record
class HandoutJob:
    """Everything a handout prints, as plain data: it pickles, so a worker process can
    render it (fonts and pictures by absolute path, no callables)."""

    routines: tuple[Routine, ...]
    layout: Layout
    fonts: FontFiles
    labels: dict[str, str]
    clinic: Clinic
    personal: Personal
    titles: dict[str, str]  # routine id -> title, for Previous / Next
    meta: Meta
    logo: Picture | None = None  # the clinic's logo, checked by the library
    # the clinician's note for each routine, in the routines' order (a routine listed twice
    # has two entries, each with its own note)
    routine_notes: tuple[Text | None, ...] = ()
    pictures: dict[str, Picture] = field(default_factory=dict)  # picture_key -> file
    tracking: Tracking | None = None  # a programme's tracking page after the routines

    def picture(self, file: str, where: str) -> Picture:
        """The picture `where` ("image", "steps[2]") of the data file `file`."""
        key = picture_key(file, where)
        if key not in self.pictures:
            raise RenderError([Problem(file, 1, 1, f"{where}: picture not in the job")])
        return self.pictures[key]


def frame_width(layout: Layout) -> float:
    p = layout.page
    return p.size[0] - p.margin_left - p.margin_right


def scaled_image(picture: Picture, max_width: float, max_height: float) -> Image:
    """The picture at its own proportions, as large as fits the box (drawn from its bytes,
    so the PDF does not depend on the file's name)."""
    width, height = picture.size()
    scale = min(max_width / width, max_height / height)
    return Image(io.BytesIO(picture.data()), width=width * scale, height=height * scale)


class Section:
    """Builds the flowables for one named section of a routine."""

    def __init__(self, job: HandoutJob, styles: Styles) -> None:
        self.job = job
        self.s = styles
        self.ink = styles.ink
        self.width = frame_width(job.layout)

    def p(self, text: str, style: object | None = None, **kw: object) -> Paragraph:
        return self.s.para(text, style or self.s.body, **kw)

    def table(
        self, rows: list[list[object]], widths: list[float], commands: list[tuple[object, ...]]
    ) -> Table:
        """A layout table whose cells never fall back to ReportLab's unembedded Helvetica."""
        table = Table(rows, colWidths=widths, hAlign="LEFT")
        font = ("FONT", (0, 0), (-1, -1), self.s.fonts.regular, self.s.body.fontSize)
        table.setStyle(TableStyle([font, *commands]))
        return table

    def bullets(self, items: Sequence[str], style: object | None = None) -> list[Flowable]:
        st = style or self.s.bullet
        return [self.p(t, st, bulletText=self.ink.bullet("\u2022")) for t in items]

    def heading(self, text: str) -> Paragraph:
        return self.s.label(text, self.s.heading)

    def titled(self, heading: str, body: list[Flowable]) -> list[Flowable]:
        if not body:
            return []
        # A heading never ends a page: it travels with (at least two lines of) its first
        # paragraph, which splits rather than jump whole to the next page.
        return [Glued([self.heading(heading)], [body[0]]), *body[1:]]

    # -- sections, in the layout's order: each draws its part of the content model --------
    def equipment(self, part: c.Inline) -> list[Flowable]:
        label = self.ink.label(part.label)
        # Each item is marked up on its own: "**" in one item never pairs with the next.
        items = ", ".join(self.p(item).text for item in part.items)
        return [Paragraph(f"<b>{label}:</b> {items}", self.s.body)]

    def summary(self, part: c.Paragraphs) -> list[Flowable]:
        return [self.p(t) for t in part.items]

    def picture(self, part: c.Figure) -> list[Flowable]:
        pic = part.picture
        out: list[Flowable] = [
            scaled_image(
                self.job.picture(pic.file, pic.where),
                self.width,
                self.job.layout.handout.picture_height,
            )
        ]
        if pic.caption:
            out.append(self.p(pic.caption, self.s.small))
        return [KeepTogether(out)]

    def benefits(self, part: c.Bullets) -> list[Flowable]:
        return self.titled(part.heading, self.bullets(part.items))

    def cautions(self, part: c.Cautions) -> list[Flowable]:
        s = self.s
        head = s.label("\u26a0 " + part.heading, s.caution_heading)
        dot = self.ink.bullet("\u2022")
        rows = [[head]] + [[self.p(t, s.caution, bulletText=dot)] for t in part.items]
        pad = s.body.fontSize * 0.8
        table = self.table(
            rows,
            [self.width],
            [
                ("BOX", (0, 0), (-1, -1), 2.5, color(self.job.layout.colors.caution_border)),
                ("BACKGROUND", (0, 0), (-1, -1), color(self.job.layout.colors.caution_background)),
                ("LEFTPADDING", (0, 0), (-1, -1), pad),
                ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                ("TOPPADDING", (0, 0), (-1, 0), pad),
                ("TOPPADDING", (0, 1), (-1, -1), 0),
                ("BOTTOMPADDING", (0, -1), (-1, -1), pad * 0.6),
            ],
        )
        # The box may split between items, never between its heading and the first item (a
        # caution split from its heading is easy to miss); each part keeps its border, and
        # the part on the next page repeats the heading, so no caution is read unlabelled.
        table.setStyle(TableStyle([("NOSPLIT", (0, 0), (-1, min(1, len(rows) - 1)))]))
        table.repeatRows = 1
        return [Spacer(1, s.body.fontSize * 0.8), table, Spacer(1, s.body.fontSize * 0.4)]

    def test(self, part: c.Paragraphs) -> list[Flowable]:
        return self.titled(part.heading or "", [self.p(t) for t in part.items])

    def steps(self, part: c.Steps) -> list[Flowable]:
        layout = self.job.layout
        num_w = layout.handout.step_number_width
        img_w = layout.handout.step_image_width
        number_style = self.s.number
        # A step without a picture is one paragraph with its number hanging in the left
        # column (half the cost of a one-row table); with a picture, a table of number,
        # text and picture.
        text_style = ParagraphStyle(
            "step", parent=self.s.body, leftIndent=num_w, bulletIndent=0,
            bulletFontName=number_style.fontName, bulletFontSize=self.s.body.fontSize * 1.2,
            bulletColor=number_style.textColor, spaceAfter=self.s.body.spaceAfter * 1.6,
        )  # fmt: skip
        out: list[Flowable] = []
        for step in part.steps:
            if step.picture is None:
                out.append(Step(self.ink.markup(step.text, self.s.emphasis), text_style,
                                bulletText=self.ink.bullet(str(step.number))))  # fmt: skip
                continue
            number = Paragraph(self.ink.label(str(step.number)), number_style)
            picture = self.job.picture(step.picture.file, step.picture.where)
            pic: list[Flowable] = [scaled_image(picture, img_w, img_w * 1.2)]
            if step.picture.caption:
                pic.append(self.p(step.picture.caption, self.s.small))
            table = self.table(
                [[number, self.p(step.text), pic]],
                [num_w, self.width - num_w - img_w - 8, img_w + 8],
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), self.s.body.spaceAfter * 1.6),
                ],
            )
            out.append(table)  # one row: a step is never split from its number
        return self.titled(part.heading, out)

    def aftercare(self, part: c.Bullets) -> list[Flowable]:
        return self.titled(part.heading, self.bullets(part.items))

    def notes(self, part: c.Paragraphs) -> list[Flowable]:
        return self.titled(part.heading or "", [self.p(t) for t in part.items])

    def quick_reference(self, part: c.Bullets) -> list[Flowable]:
        items = [
            self.p(t, self.s.bullet, bulletText=self.ink.bullet(f"{i}."))
            for i, t in enumerate(part.items, start=1)
        ]
        # A few lines that summarise the steps: read as one, never split across pages.
        return [KeepTogether(self.titled(part.heading, items))]

    def dosage(self, part: c.Dosage) -> list[Flowable]:
        rows = [[self.s.label(label, self.s.body), self.p(value)] for label, value in part.rows]
        table = self.table(
            rows,
            [self.width * 0.3, self.width * 0.7],
            [
                ("LINEBELOW", (0, 0), (-1, -2), 0.5, color(self.job.layout.colors.rule)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ],
        )
        return self.titled(part.heading, [table])

    def video(self, part: c.Video) -> list[Flowable]:
        size = self.job.layout.handout.qr_size
        code = QrCode(str(part.url), size)
        words = [
            self.s.label(part.hint, self.s.body),
            self.s.label(part.url, self.s.small),
        ]
        table = self.table(
            [[code, words]],
            [size + 12, self.width - size - 12],
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ],
        )
        return self.titled(part.heading, [table])

    def safety(self, part: c.Safety) -> list[Flowable]:
        """The clinic's 'stop and call us' box, and its disclaimer in small print."""
        if part.text is None:
            return [self.p(part.disclaimer, self.s.small)] if part.disclaimer else []
        # under the box, a little air: the disclaimer is not part of the warning
        below = ParagraphStyle("disclaimer", parent=self.s.small, spaceBefore=self.s.small.fontSize)
        small = [self.p(part.disclaimer, below)] if part.disclaimer else []
        box = self.table(
            [[self.p(part.text, self.s.body)]],
            [self.width],
            [
                ("BOX", (0, 0), (-1, -1), 1.5, color(self.job.layout.colors.caution_border)),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ],
        )
        return [Spacer(1, self.s.body.spaceAfter * 2), Glued([box], small)]

    def attribution(self, part: c.Attribution) -> list[Flowable]:
        bits = [f"{self.ink.label(label)}: {self.p(value).text}" for label, value in part.items]
        rev = part.reviewed
        if rev is not None:
            who = " ".join(self.p(v).text for v in (rev.by,) if v)
            when = f" {self.ink.label(rev.on_label)} {self.ink.label(rev.on)}" if rev.on else ""
            bits.append(f"{self.ink.label(rev.label)} {who}{when}")
        return [Spacer(1, 4), Paragraph(self.ink.label(" \u00b7 ").join(bits), self.s.small)]

    def neighbours(self, part: c.Navigation) -> list[tuple[str, str, str]]:
        """(label key, routine id, markup of 'Previous: Name') for each neighbour named."""
        return [
            (link.key, link.ref, f"{self.ink.label(link.label)}: <b>{self.p(link.title).text}</b>")
            for link in part.links
        ]

    def navigation(self, part: c.Navigation) -> list[Flowable]:
        parts = [text for _, _, text in self.neighbours(part)]
        return [
            Spacer(1, self.s.body.spaceAfter),
            Paragraph(self.ink.label("    \u00b7    ").join(parts), self.s.small),
        ]


class Step(Para):
    """A step: a paragraph that is never split across pages or columns (a patient follows
    a step from its number to its end without turning the page). A step taller than a
    whole page cannot be set: the routine's error says to break it up."""

    def split(self, aw: float, ah: float) -> list[Flowable]:
        return []


class Glued(_Container, Flowable):  # type: ignore[misc]
    """Flowables that share a page: `lead` (a heading) goes with the start of `body`, and
    `trail` (the safety box, the disclaimer, Previous / Next) with its end.

    Where the whole does not fit, the body splits (paragraphs between lines, tables between
    rows) so that the lead keeps at least `min_lines` lines of the body below it and the
    trail at least `min_lines` above it; where no split keeps that, the whole moves to the
    next page. A group taller than a page lets go of its members rather than loop.
    """

    def __init__(
        self,
        lead: Sequence[Flowable],
        body: Sequence[Flowable],
        trail: Sequence[Flowable] = (),
        min_lines: int = 2,
    ) -> None:
        super().__init__()
        self.lead, self.body, self.trail = list(lead), list(body), list(trail)
        self.min_lines = min_lines
        self._content = [*self.lead, *self.body, *self.trail]

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        w, h = _listWrapOn(self._content, aw, self.canv)
        self.width, self.height = w, h
        return w, h

    def _h(self, items: Sequence[Flowable], aw: float) -> float:
        return float(_listWrapOn(list(items), aw, self.canv)[1]) if items else 0.0

    def _split_body(self, aw: float, room: float) -> tuple[list[Flowable], list[Flowable]] | None:
        """The body cut so that lead + first part fit `room`; None when nothing fits."""
        first: list[Flowable] = []
        for i, f in enumerate(self.body):
            if self._h([*self.lead, *first, f], aw) <= room:
                first.append(f)
                continue
            left = room - self._h([*self.lead, *first], aw) - _gap(first or self.lead, f)
            parts = _split_one(f, self.canv, aw, left) if left > 0 else []
            if len(parts) >= 2:
                return [*first, parts[0]], [*parts[1:], *self.body[i + 1 :]]
            return (first, self.body[i:]) if first else None
        return first, []

    def cut(self, aw: float, ah: float) -> list[Flowable]:
        """[the part that fits `ah`, the rest], or [] where no cut keeps the rules."""
        if not self.body:
            return []
        total = self._h(self._content, aw)
        room = min(ah, total - self._h(self.trail, aw)) if self.trail else ah
        need = min(self.min_lines, _lines(self.body, aw))
        for _ in range(400):  # a bound, not a timing: room shrinks 3 pt a turn
            if room <= 0:
                break
            cut = self._split_body(aw, room - 0.5)
            if cut is None:
                break
            first, rest = cut
            if self.lead and _lines(first, aw) < need:
                break  # less room only makes the first part shorter
            if first and rest and (not self.trail or _lines(rest, aw) >= need):
                head = Glued(self.lead, first, (), self.min_lines)
                return [head, Glued((), rest, self.trail, self.min_lines)]
            room -= 3.0
        return []

    def split(self, aw: float, ah: float) -> list[Flowable]:
        parts = self.cut(aw, ah)
        if parts:
            return parts
        if getattr(getattr(self, "_frame", None), "_atTop", False):
            # Even a fresh page cannot hold it by the rules: each part on its own (the
            # null action first, so ReportLab does not ask the first part to fit as is).
            return [NullActionFlowable(), *self._content]
        return []  # the whole moves to the next page


def _gap(before: Sequence[Flowable], f: Flowable) -> float:
    if not before:
        return 0.0
    return max(float(f.getSpaceBefore()) - float(before[-1].getSpaceAfter()), 0.0) + float(
        before[-1].getSpaceAfter()
    )


def _split_one(f: Flowable, canv: Canvas, aw: float, ah: float) -> list[Flowable]:
    """`f` cut to fit `ah`, where it can be cut: paragraphs, tables, glued groups."""
    if not isinstance(f, (Paragraph, Table, Glued)) or type(f).__name__ == "LinkPara":
        return []
    f.wrapOn(canv, aw, ah)
    if isinstance(f, Glued):
        f.canv = canv
        return f.cut(aw, ah)
    parts: list[Flowable] = f.splitOn(canv, aw, ah)
    return parts


def _lines(items: Sequence[Flowable], aw: float) -> int:
    """About how many lines of text `items` hold: a table or picture counts as plenty."""
    n = 0
    for f in items:
        if isinstance(f, Paragraph):
            f.wrap(aw, 1e9)
            n += len(f.blPara.lines) if hasattr(f, "blPara") else 1
        elif isinstance(f, Glued):
            n += _lines(f.body, aw)
        elif not isinstance(f, Spacer):
            n += 2
    return n


class QrCode(Flowable):  # type: ignore[misc]
    """A QR code for `url`, `size` points square: its dark modules as filled rectangles.

    ReportLab's QR widget draws through renderPDF, which sets its default font (Helvetica,
    never embedded) even though a QR code holds no text; this draws the same modules (error
    correction M, a four-module quiet zone) straight on the canvas, with no font at all.
    """

    QUIET = 4

    def __init__(self, url: str, size: float) -> None:
        super().__init__()
        self.url, self.size = str(url), size
        self.width = self.height = size

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return (self.size, self.size)

    def modules(self) -> list[list[bool]]:
        from reportlab.graphics.barcode import qrencoder  # a dozen barcode modules: on use

        qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        qr.addData(self.url)
        qr.make()
        return [[bool(m) for m in row] for row in qr.modules]

    def draw(self) -> None:
        self.draw_at(self.canv, 0, 0)

    def draw_at(self, canvas: Canvas, x: float, y: float) -> None:
        rows = self.modules()
        box = self.size / (len(rows) + 2 * self.QUIET)
        canvas.saveState()
        canvas.setFillColorRGB(0, 0, 0)
        for r, row in enumerate(rows):
            top = y + self.size - (r + self.QUIET + 1) * box
            c = 0
            while c < len(row):
                if not row[c]:
                    c += 1
                    continue
                start = c
                while c < len(row) and row[c]:
                    c += 1
                canvas.rect(x + (start + self.QUIET) * box, top, (c - start) * box, box,
                            stroke=0, fill=1)  # fmt: skip
        canvas.restoreState()


def _personal(part: c.PersonalPart, sec: Section) -> list[Flowable]:
    bits = [f"{sec.ink.label(label)}: <b>{sec.p(value).text}</b>" for label, value in part.fields]
    out: list[Flowable] = []
    if bits:
        sep = sec.ink.label(" \u00a0\u00a0\u00b7\u00a0\u00a0 ")
        out.append(Paragraph(sep.join(bits), sec.s.body))
    return out + sec.titled(part.note_heading, [sec.p(n) for n in part.notes])


def content_for(job: HandoutJob, routine: Routine, index: int = 0) -> c.RoutineContent:
    """What the `index`-th routine of the job says (the content model the HTML shares)."""
    return c.routine_content(
        routine,
        labels=job.labels,
        clinic=job.clinic,
        personal=job.personal,
        titles=job.titles,
        sections=job.layout.handout.sections,
        notes=c.notes_for(job.personal, job.routine_notes, index),
        lang=job.meta.lang,
    )


def story_for(
    job: HandoutJob,
    routine: Routine,
    styles: Styles,
    section: type[Section] | None = None,
    index: int = 0,
) -> list[Flowable]:
    """One routine's flowables (the `index`-th of the job's); `section` lets a product
    change how sections are built."""
    sec = (section or Section)(job, styles)
    said = content_for(job, routine, index)
    story: list[Flowable] = []
    if said.category:
        story.append(styles.para(said.category, styles.kicker))
    story.append(styles.para(said.title, styles.title))
    story += _personal(said.personal, sec)
    parts: list[tuple[str, list[Flowable]]] = []
    for name, part in said.sections:
        build: Callable[[Any], list[Flowable]] = getattr(sec, name)
        parts.append((name, build(part) if part is not None else []))
    # The safety box, disclaimer, attribution and Previous / Next close the routine: they
    # never stand on a page of their own, but take the routine's last lines with them.
    k = len(parts)
    while k and parts[k - 1][0] in END_MATTER:
        k -= 1
    content = [f for _, flowables in parts[:k] for f in flowables]
    trail = [f for _, flowables in parts[k:] for f in flowables]
    if not trail:
        return story + content
    body: list[Flowable] = []
    while content and _lines(body, sec.width) < 2:
        f = content.pop()
        if isinstance(f, KeepTogether):
            f = Glued(f._content[:-1], f._content[-1:])
        body.insert(0, f)
    if not body and story:
        body.insert(0, story.pop())  # nothing but the title: the end matter stays with it
    return [*story, *content, Glued((), body, trail)]


END_MATTER = ("safety", "attribution", "navigation")


FOOTER_FIELDS = ("the clinic's name and phone", "the patient's name and date")


def footer_drawer(job: HandoutJob, fonts: FontSet, ink: Ink) -> PageDrawer:
    """Footer on every page (clinic, patient and date, page x of y) and, when the clinic has a
    logo, the logo at the top right of every page.

    Footer texts too wide for the page wrap onto rows of their own (breaking inside a word
    only when the word alone is too wide); a footer taller than the bottom margin is refused.
    The header beside the logo is cut short with an ellipsis: the footer holds it in full.
    """
    layout, labels, clinic = job.layout, job.labels, job.clinic
    p = layout.page
    size = max(layout.text.small_size, layout.text.min_size)
    face = fonts.regular
    left_text = " \u00b7 ".join(str(t) for t in (clinic.name, clinic.phone) if t)
    middle = " \u00b7 ".join(str(t) for t in (job.personal.patient, job.personal.date) if t)
    width = frame_width(layout)
    logo = job.logo
    readers: list[ImageReader] = []  # the logo's, decoded once for all the pages

    def w(text: str) -> float:
        return ink.width(text, face, size)

    def wrapped(where: Align, text: str) -> list[list[tuple[Align, str]]]:
        lines = ink.wrap(text, face, size, width)
        return [[(where, line)] for line in reversed(lines)]  # bottom-up: first line on top

    def draw(canvas: Canvas, page: int, total: int) -> None:
        page_of = labels["page_of"].replace("{page}", str(page)).replace("{pages}", str(total))
        gap = size * 2
        # Rows from the bottom up: a long clinic name or a patient's name never overlaps.
        rows: list[list[tuple[Align, str]]] = [[("left", left_text), ("right", page_of)]]
        if middle:
            side_room = (width - w(middle)) / 2 - gap
            if max(w(left_text), w(page_of)) <= side_room:
                rows[0].append(("centre", middle))
            else:
                rows += wrapped("left", middle)
        if w(left_text) + w(page_of) + gap > width:
            rows = [*wrapped("right", page_of), *wrapped("left", left_text), *rows[1:]]
        y = max(PRINTER_EDGE + size * 0.3, p.margin_bottom * 0.3)
        # Up to three rows (as unwrapped texts take) as ever; rows that wrapping adds must
        # stay in the bottom margin.
        ceiling = max(p.margin_bottom, y + 3 * size * 1.3)
        canvas.saveState()
        canvas.setFillColor(color(layout.colors.muted))
        for row in rows:
            for where, text in row:
                if not text:
                    continue
                x = {
                    "left": p.margin_left,
                    "right": p.size[0] - p.margin_right,
                    "centre": p.margin_left + width / 2,
                }[where]
                ink.draw(canvas, x, y, text, face, size, where)
            y += size * 1.3
        if y > ceiling + 0.01:
            texts = [t for t in (clinic.name, clinic.phone, job.personal.patient) if t]
            longest = max(texts, key=len) if texts else None
            at = (
                (longest.path, longest.line, longest.col)
                if isinstance(longest, Text) and longest.path
                else (layout_place(layout), 1, 1)
            )
            raise RenderError([Problem(
                *at,
                f"the page footer ({' and '.join(FOOTER_FIELDS)}) needs {len(rows)} lines, "
                "more than the bottom margin holds; shorten it or use a layout with a larger "
                "page.margin_bottom",
            )])  # fmt: skip
        canvas.setStrokeColor(color(layout.colors.rule))
        canvas.setLineWidth(0.75)
        canvas.line(p.margin_left, y, p.size[0] - p.margin_right, y)
        # The header lives in the top margin, clear of the edge office printers cannot reach.
        band = p.margin_top - PRINTER_EDGE - size * 0.5
        if logo is not None and band >= size * 1.2:
            iw, ih = logo.size()
            scale = min(band / ih, (width / 3) / iw)
            logo_x = p.size[0] - p.margin_right - iw * scale
            logo_y = p.size[1] - PRINTER_EDGE - ih * scale
            if not readers:
                readers.append(logo.reader())
            canvas.drawImage(readers[0], logo_x, logo_y, iw * scale, ih * scale, mask="auto")
            lines = [t for t in (clinic.name, clinic.website) if t]
            lines = lines[: max(1, int(band // (size * 1.25)))]
            top = p.size[1] - PRINTER_EDGE - size
            room = logo_x - size * 0.6 - p.margin_left
            for i, line in enumerate(lines):
                line_face = fonts.bold if i == 0 else fonts.regular
                text = ink.shortened(line, line_face, size, room)
                ink.draw(canvas, logo_x - size * 0.6, top - i * size * 1.25, text, line_face,
                         size, "right")  # fmt: skip
        canvas.restoreState()

    return draw


@record
class HandoutRendered:
    """A rendered handout: the PDF, how many pages each routine took, and warnings for the
    product to print (one line each, `path:line:col: warning: ...`)."""

    pdf: bytes
    pages: int
    routine_pages: tuple[int, ...]  # per routine of the job, in order
    warnings: tuple[str, ...] = ()


def render_handout(job: HandoutJob) -> bytes:
    """The handout as PDF bytes (see render_handout_result)."""
    return render_handout_result(job).pdf


def render_handout_result(job: HandoutJob) -> HandoutRendered:
    """The handout, each routine from a new page, with its page counts.

    With `handout.fit_pages` set, text shrinks in 0.5 pt steps (never below the layout's
    floor) until each routine fits that many pages, where the text allows; a routine that
    still takes more is named in a warning.
    """
    fonts = load_fonts(job.fonts)
    target = job.layout.handout.fit_pages
    t = job.layout.text
    scale = 1.0
    while True:
        data, pages, each = _render_at(job, fonts, scale)
        smaller = (t.body_size * scale - 0.5) / t.body_size
        if not target or all(n <= target for n in each) or t.body_size * smaller < t.min_size:
            break
        scale = smaller
    warnings = tuple(
        f"{r.path}:1:1: warning: '{r.id}' takes {n} pages in layout '{job.layout.name}', "
        f"more than the {target} it asks for (handout.fit_pages), even at "
        f"{max(t.body_size * scale, t.min_size):g} pt; shorten the routine or use another "
        "layout"
        for r, n in zip(job.routines, each, strict=True)
        if target and n > target
    )
    return HandoutRendered(data, pages, each, warnings)


class _Start(Flowable):  # type: ignore[misc]
    """Zero-size: notes the page a routine (or the tracking page) starts on."""

    def __init__(self, starts: list[int]) -> None:
        super().__init__()
        self.starts = starts
        self.width = self.height = 0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return (0, 0)

    def draw(self) -> None:
        self.starts.append(self.canv.getPageNumber())


def _render_at(job: HandoutJob, fonts: FontSet, scale: float) -> tuple[bytes, int, tuple[int, ...]]:
    styles = make_styles(job.layout, fonts, scale)
    story: list[Flowable] = []
    starts: list[int] = []
    for i, routine in enumerate(job.routines):
        if i:
            story.append(PageBreak())
        story += [_Start(starts), *story_for(job, routine, styles, index=i)]
    if job.tracking is not None:
        story += [PageBreak(), _Start(starts)]
        story += tracking_page(job.tracking, job.layout, fonts, job.labels, styles)
    p = job.layout.page

    def make_doc(buffer: io.BytesIO) -> Document:
        return Document(
            buffer, pagesize=p.size, leftMargin=p.margin_left, rightMargin=p.margin_right,
            topMargin=p.margin_top, bottomMargin=p.margin_bottom, invariant=1,
            title=job.meta.title, author=job.meta.author, subject=job.meta.subject,
            lang=job.meta.lang, creator="handouts", producer="handouts (ReportLab)",
            displayDocTitle=1, initialFontName=fonts.regular,
            initialFontSize=job.layout.text.body_size,
        )  # fmt: skip

    first = job.routines[0]
    where = Problem(
        first.path,
        1,
        1,
        "a part of this routine is taller than a page and cannot be split; "
        "break long steps or lists into shorter ones",
    )
    drawer = footer_drawer(job, fonts, styles.ink)
    pages = [0]

    def counting(canvas: Canvas, page: int, total: int) -> None:
        pages[0] = total
        drawer(canvas, page, total)

    data = build_pdf(make_doc, story, numbered_canvas(counting), where)
    ends = [*starts[1:], pages[0] + 1] if job.tracking is None else starts[1:]
    each = tuple(end - start for start, end in zip(starts, ends, strict=False))
    return data, pages[0], each
