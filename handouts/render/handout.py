"""The full-page clinic handout: one or more routines in one PDF."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ..check import Text
from ..errors import Problem
from ..images import image_bytes, prepare
from ..layout import Layout
from ..model import DOSAGE_KEYS, Clinic, Personal, Routine
from .common import Meta, Styles, build_pdf, color, label_para, make_styles, numbered_canvas, para
from .fonts import FontSet

PRINTER_EDGE = 0.3 * 72
"""Office printers leave about 1/4 in unprinted at each edge; nothing goes nearer."""


@dataclass(frozen=True)
class HandoutJob:
    routines: Sequence[Routine]
    layout: Layout
    fonts: FontSet
    labels: dict[str, str]
    clinic: Clinic
    personal: Personal
    titles: dict[str, str]  # routine id -> title, for Previous / Next
    meta: Meta
    logo: Path | None = None  # the clinic's logo file, checked by the library
    routine_notes: dict[str, Text] = field(default_factory=dict)  # id -> clinician's note
    extra: Callable[[Styles], list[Flowable]] | None = None  # pages after the routines


def frame_width(layout: Layout) -> float:
    p = layout.page
    return p.size[0] - p.margin_left - p.margin_right


def picture_reader(path: Path) -> ImageReader:
    """The picture as prepared by handouts.images: turned upright, 8-bit, no metadata."""
    return ImageReader(io.BytesIO(image_bytes(path)))


def scaled_image(path: Path, max_width: float, max_height: float) -> Image:
    """The picture at its own proportions (as a viewer shows it), as large as fits the box."""
    picture = prepare(path)
    scale = min(max_width / picture.width, max_height / picture.height)
    data = io.BytesIO(image_bytes(path))
    return Image(data, width=picture.width * scale, height=picture.height * scale)


class Section:
    """Builds the flowables for one named section of a routine."""

    def __init__(self, job: HandoutJob, styles: Styles) -> None:
        self.job = job
        self.s = styles
        self.width = frame_width(job.layout)

    def p(self, text: str, style: object | None = None, **kw: object) -> Paragraph:
        return para(text, style or self.s.body, self.s.emphasis, **kw)

    def table(
        self, rows: list[list[object]], widths: list[float], commands: list[tuple[object, ...]]
    ) -> Table:
        """A layout table whose cells never fall back to ReportLab's unembedded Helvetica."""
        table = Table(rows, colWidths=widths, hAlign="LEFT")
        font = ("FONT", (0, 0), (-1, -1), self.job.fonts.regular, self.s.body.fontSize)
        table.setStyle(TableStyle([font, *commands]))
        return table

    def heading(self, key: str) -> Paragraph:
        return label_para(self.job.labels[key], self.s.heading)

    def bullets(self, items: Sequence[str], style: object | None = None) -> list[Flowable]:
        st = style or self.s.bullet
        return [self.p(t, st, bulletText="\u2022") for t in items]

    def titled(self, key: str, body: list[Flowable]) -> list[Flowable]:
        if not body:
            return []
        # A heading never ends a page: it travels with its first paragraph.
        return [KeepTogether([self.heading(key), body[0]]), *body[1:]]

    # -- sections, in the layout's order --------------------------------------------------
    def equipment(self, r: Routine) -> list[Flowable]:
        if not r.equipment:
            return []
        label = escape(self.job.labels["equipment"])
        # Each item is marked up on its own: "**" in one item never pairs with the next.
        items = ", ".join(self.p(item).text for item in r.equipment)
        return [Paragraph(f"<b>{label}:</b> {items}", self.s.body)]

    def summary(self, r: Routine) -> list[Flowable]:
        return [self.p(r.summary)] if r.summary else []

    def picture(self, r: Routine) -> list[Flowable]:
        if r.image is None:
            return []
        path = Path(r.path).parent / r.image.path
        out: list[Flowable] = [
            scaled_image(path, self.width, self.job.layout.handout.picture_height)
        ]
        if r.image.caption:
            out.append(self.p(r.image.caption, self.s.small))
        return [KeepTogether(out)]

    def benefits(self, r: Routine) -> list[Flowable]:
        return self.titled("benefits", self.bullets(r.benefits))

    def cautions(self, r: Routine) -> list[Flowable]:
        if not r.cautions:
            return []
        s = self.s
        head = label_para("\u26a0 " + self.job.labels["cautions"], s.caution_heading)
        rows = [[head]] + [[self.p(t, s.caution, bulletText="\u2022")] for t in r.cautions]
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
        # One piece where it fits a page: a caution split from its heading is easy to miss.
        return [
            Spacer(1, s.body.fontSize * 0.8),
            KeepTogether([table]),
            Spacer(1, s.body.fontSize * 0.4),
        ]

    def test(self, r: Routine) -> list[Flowable]:
        return self.titled("test", [self.p(t) for t in r.test])

    def steps(self, r: Routine) -> list[Flowable]:
        layout = self.job.layout
        num_w = layout.handout.step_number_width
        img_w = layout.handout.step_image_width
        out: list[Flowable] = []
        for n, step in enumerate(r.steps, start=1):
            number = Paragraph(f"{n}", self.s.number)
            cells: list[object] = [number, self.p(step.text)]
            widths = [num_w, self.width - num_w]
            if step.image is not None:
                path = Path(r.path).parent / step.image.path
                pic: list[Flowable] = [scaled_image(path, img_w, img_w * 1.2)]
                if step.image.caption:
                    pic.append(self.p(step.image.caption, self.s.small))
                cells.append(pic)
                widths = [num_w, self.width - num_w - img_w - 8, img_w + 8]
            table = self.table(
                [cells],
                widths,
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), self.s.body.spaceAfter * 1.6),
                ],
            )
            out.append(table)  # one row: a step is never split from its number
        return self.titled("steps", out)

    def aftercare(self, r: Routine) -> list[Flowable]:
        return self.titled("aftercare", self.bullets(r.aftercare))

    def notes(self, r: Routine) -> list[Flowable]:
        return self.titled("notes", [self.p(t) for t in r.notes])

    def quick_reference(self, r: Routine) -> list[Flowable]:
        items = [
            self.p(t, self.s.bullet, bulletText=f"{i}.")
            for i, t in enumerate(r.quick_reference, start=1)
        ]
        return self.titled("quick_reference", items)

    def dosage(self, r: Routine) -> list[Flowable]:
        if not r.dosage:
            return []
        labels = self.job.labels
        rows = [
            [label_para(labels[k], self.s.body), self.p(r.dosage[k])]
            for k in DOSAGE_KEYS
            if k in r.dosage
        ]
        table = self.table(
            rows,
            [self.width * 0.3, self.width * 0.7],
            [
                ("LINEBELOW", (0, 0), (-1, -2), 0.5, color(self.job.layout.colors.rule)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ],
        )
        return self.titled("dosage", [table])

    def video(self, r: Routine) -> list[Flowable]:
        if r.video is None:
            return []
        size = self.job.layout.handout.qr_size
        code = qr_drawing(str(r.video), size)
        words = [
            label_para(self.job.labels["video_hint"], self.s.body),
            Paragraph(escape(str(r.video)), self.s.small),
        ]
        table = self.table(
            [[code, words]],
            [size + 12, self.width - size - 12],
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ],
        )
        return self.titled("video", [table])

    def safety(self, r: Routine) -> list[Flowable]:
        """The clinic's 'stop and call us' box, and its disclaimer in small print."""
        clinic = self.job.clinic
        small = [self.p(clinic.disclaimer, self.s.small)] if clinic.disclaimer else []
        if clinic.safety is None:
            return small
        box = self.table(
            [[self.p(clinic.safety, self.s.body)]],
            [self.width],
            [
                ("BOX", (0, 0), (-1, -1), 1.5, color(self.job.layout.colors.caution_border)),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ],
        )
        return [Spacer(1, self.s.body.spaceAfter * 2), KeepTogether([box, *small])]

    def attribution(self, r: Routine) -> list[Flowable]:
        labels = self.job.labels
        bits = [
            f"{escape(labels[key])}: {self.p(value).text}"
            for key, value in (("source", r.source), ("author", r.author), ("license", r.license))
            if value
        ]
        if r.reviewed is not None and (r.reviewed.by or r.reviewed.on):
            who = " ".join(self.p(v).text for v in (r.reviewed.by,) if v)
            when = (
                f" {escape(labels['reviewed_on'])} {escape(r.reviewed.on)}" if r.reviewed.on else ""
            )
            bits.append(f"{escape(labels['reviewed'])} {who}{when}")
        if not bits:
            return []
        return [Spacer(1, 4), Paragraph(" \u00b7 ".join(bits), self.s.small)]

    def neighbours(self, r: Routine) -> list[tuple[str, str, str]]:
        """(label key, routine id, markup of 'Previous: Name') for each neighbour named."""
        out = []
        for key in ("previous", "next"):
            ref = getattr(r, key)
            if ref is not None:
                name = self.job.titles.get(str(ref)) or str(ref).replace("-", " ").title()
                text = (
                    f"{label_para(self.job.labels[key], self.s.small).text}: "
                    f"<b>{self.p(name).text}</b>"
                )
                out.append((key, str(ref), text))
        return out

    def navigation(self, r: Routine) -> list[Flowable]:
        parts = [text for _, _, text in self.neighbours(r)]
        if not parts:
            return []
        return [
            Spacer(1, self.s.body.spaceAfter),
            Paragraph("    \u00b7    ".join(parts), self.s.small),
        ]


def qr_drawing(url: str, size: float) -> Drawing:
    """A QR code for `url`, `size` points square (ReportLab's own encoder)."""
    widget = QrCodeWidget(url, barLevel="M")
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    return drawing


def _personal(job: HandoutJob, sec: Section, routine: Routine) -> list[Flowable]:
    pers, labels = job.personal, job.labels
    bits = []
    for key, value in (
        ("patient", pers.patient),
        ("clinician", pers.clinician),
        ("date", pers.date),
    ):
        if value:
            bits.append(f"{label_para(labels[key], sec.s.body).text}: <b>{sec.p(value).text}</b>")
    out: list[Flowable] = []
    if bits:
        out.append(Paragraph(" \u00a0\u00a0\u00b7\u00a0\u00a0 ".join(bits), sec.s.body))
    notes = [
        sec.p(n)
        for n in (
            pers.note if routine is job.routines[0] else None,
            job.routine_notes.get(routine.id),
        )
        if n
    ]
    if notes:
        out += sec.titled("note", notes)
    return out


def story_for(
    job: HandoutJob, routine: Routine, styles: Styles, section: type[Section] | None = None
) -> list[Flowable]:
    """One routine's flowables; `section` lets a product change how sections are built."""
    sec = (section or Section)(job, styles)
    story: list[Flowable] = []
    if routine.category:
        story.append(para(routine.category, styles.kicker, styles.emphasis))
    story.append(para(routine.title, styles.title, styles.emphasis))
    story += _personal(job, sec, routine)
    for name in job.layout.handout.sections:
        build: Callable[[Routine], list[Flowable]] = getattr(sec, name)
        story += build(routine)
    return story


def footer_drawer(job: HandoutJob) -> Callable[[Canvas, int, int], None]:
    """Footer on every page (clinic, patient and date, page x of y) and, when the clinic has a
    logo, the logo at the top right of every page."""
    layout, fonts, labels = job.layout, job.fonts, job.labels
    p = layout.page
    size = max(layout.text.small_size, layout.text.min_size)
    left_text = " \u00b7 ".join(str(t) for t in (job.clinic.name, job.clinic.phone) if t)
    middle = " \u00b7 ".join(str(t) for t in (job.personal.patient, job.personal.date) if t)
    width = p.size[0] - p.margin_left - p.margin_right
    logo = picture_reader(job.logo) if job.logo is not None else None

    def draw(canvas: Canvas, page: int, total: int) -> None:
        page_of = labels["page_of"].replace("{page}", str(page)).replace("{pages}", str(total))
        gap = size * 2
        # Rows from the bottom up: a long clinic name or a patient's name never overlaps.
        rows: list[list[tuple[str, str]]] = [[("left", left_text), ("right", page_of)]]
        if middle:
            side_room = (width - stringWidth(middle, fonts.regular, size)) / 2 - gap
            widest_side = max(stringWidth(t, fonts.regular, size) for t in (left_text, page_of))
            if widest_side <= side_room:
                rows[0].append(("centre", middle))
            else:
                rows.append([("left", middle)])
        if stringWidth(left_text + page_of, fonts.regular, size) + gap > width:
            rows = [[("right", page_of)], [("left", left_text)], *rows[1:]]
        y = max(PRINTER_EDGE + size * 0.3, p.margin_bottom * 0.3)
        canvas.saveState()
        canvas.setFillColor(color(layout.colors.muted))
        canvas.setFont(fonts.regular, size)
        for row in rows:
            for where, text in row:
                if not text:
                    continue
                if where == "left":
                    canvas.drawString(p.margin_left, y, text)
                elif where == "right":
                    canvas.drawRightString(p.size[0] - p.margin_right, y, text)
                else:
                    canvas.drawCentredString(p.margin_left + width / 2, y, text)
            y += size * 1.3
        canvas.setStrokeColor(color(layout.colors.rule))
        canvas.setLineWidth(0.75)
        canvas.line(p.margin_left, y, p.size[0] - p.margin_right, y)
        # The header lives in the top margin, clear of the edge office printers cannot reach.
        band = p.margin_top - PRINTER_EDGE - size * 0.5
        if logo is not None and band >= size * 1.2:
            iw, ih = logo.getSize()
            scale = min(band / ih, (width / 3) / iw)
            logo_x = p.size[0] - p.margin_right - iw * scale
            logo_y = p.size[1] - PRINTER_EDGE - ih * scale
            canvas.drawImage(logo, logo_x, logo_y, iw * scale, ih * scale, mask="auto")
            lines = [t for t in (job.clinic.name, job.clinic.website) if t]
            lines = lines[: max(1, int(band // (size * 1.25)))]
            top = p.size[1] - PRINTER_EDGE - size
            for i, line in enumerate(lines):
                canvas.setFont(fonts.bold if i == 0 else fonts.regular, size)
                canvas.drawRightString(logo_x - size * 0.6, top - i * size * 1.25, str(line))
        canvas.restoreState()

    return draw


def render_handout(job: HandoutJob) -> bytes:
    """The handout as PDF bytes: each routine starts on a new page.

    With `handout.fit_pages` set, text shrinks in 0.5 pt steps (never below the layout's
    floor) until each routine fits that many pages, where the text allows.
    """
    target = job.layout.handout.fit_pages
    t = job.layout.text
    scale, data, pages = 1.0, b"", 0
    while True:
        data, pages = _render_at(job, scale)
        smaller = (t.body_size * scale - 0.5) / t.body_size
        if not target or pages <= target * len(job.routines) or t.body_size * smaller < t.min_size:
            return data
        scale = smaller


def _render_at(job: HandoutJob, scale: float) -> tuple[bytes, int]:
    styles = make_styles(job.layout, job.fonts, scale)
    story: list[Flowable] = []
    for i, routine in enumerate(job.routines):
        if i:
            story.append(PageBreak())
        story += story_for(job, routine, styles)
    if job.extra is not None:
        story += [PageBreak(), *job.extra(styles)]
    p = job.layout.page

    def make_doc(buffer: io.BytesIO) -> SimpleDocTemplate:
        return SimpleDocTemplate(
            buffer, pagesize=p.size, leftMargin=p.margin_left, rightMargin=p.margin_right,
            topMargin=p.margin_top, bottomMargin=p.margin_bottom, invariant=1,
            title=job.meta.title, author=job.meta.author, subject=job.meta.subject,
            lang=job.meta.lang, creator="handouts", producer="handouts (ReportLab)",
            displayDocTitle=1, initialFontName=job.fonts.regular,
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
    drawer = footer_drawer(job)
    pages = [0]

    def counting(canvas: Canvas, page: int, total: int) -> None:
        pages[0] = total
        drawer(canvas, page, total)

    return build_pdf(make_doc, story, numbered_canvas(counting), where), pages[0]
