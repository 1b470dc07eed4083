"""Pocket quick-reference cards: the print-shop file (one card side per page at trim +
bleed) and the office sheets (n-up, crop marks, duplex backs).

The office sheets are drawn in the same ReportLab pass as the cards: each card side once
into a form, placed on the sheets by the plan of handouts.impose (its matrices, clips and
mark lines), so no PDF is written and read back.

Text is set at the layout's size and shrunk step by step to its floor (never below 7 pt);
if it still does not fit, rendering fails naming the routine file, field and line. Nothing is
ever clipped or spilled onto a second card.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import FILL_NON_ZERO, Canvas
from reportlab.platypus import Flowable, Paragraph

from ..check import Text
from ..errors import Problem, RenderError
from ..impose import (
    MARK_WIDTH,
    Flip,
    SheetSide,
    crop_mark_lines,
    page_matrix,
)
from ..impose import (
    Box as SheetBox,
)
from ..layout import INCH, Layout
from ..model import DOSAGE_KEYS, Clinic, Routine
from .common import Meta, Picture, build_settings, color, layout_place, shaping_attrs
from .fonts import FontFiles, FontSet, load_fonts
from .handout import QrCode
from .text import Ink

SIZE_STEP = 0.5
"""Points by which text shrinks per attempt."""
NOTE_LINE_GAP = 0.24 * INCH
"""Room for one handwritten line on the back."""


@dataclass(frozen=True)
class CardJob:
    """Everything a card file prints, as plain data that pickles (see HandoutJob)."""

    routines: tuple[Routine, ...]
    layout: Layout
    fonts: FontFiles
    labels: dict[str, str]
    clinic: Clinic
    meta: Meta
    from_steps: bool = False
    logo: Picture | None = None  # the clinic's logo, on the back when there is no QR code


@dataclass(frozen=True)
class CardRun:
    """A CardJob being rendered: its fonts registered in this process."""

    job: CardJob
    fonts: FontSet
    ink: Ink

    @classmethod
    def of(cls, job: CardJob) -> CardRun:
        fonts = load_fonts(job.fonts)
        return cls(job, fonts, Ink(fonts, layout_place(job.layout)))

    @property
    def layout(self) -> Layout:
        return self.job.layout

    @property
    def labels(self) -> dict[str, str]:
        return self.job.labels

    @property
    def clinic(self) -> Clinic:
        return self.job.clinic

    @property
    def from_steps(self) -> bool:
        return self.job.from_steps

    @property
    def logo(self) -> Picture | None:
        return self.job.logo


@dataclass(frozen=True)
class Box:
    """The card's safe area in page coordinates (the page is trim + bleed)."""

    x: float
    y: float
    width: float
    height: float

    @property
    def top(self) -> float:
        return self.y + self.height


def safe_box(layout: Layout) -> Box:
    c = layout.card
    inset = c.bleed + c.safe
    return Box(inset, inset, c.width - 2 * c.safe, c.height - 2 * c.safe)


def page_size(layout: Layout) -> tuple[float, float]:
    c = layout.card
    return (c.width + 2 * c.bleed, c.height + 2 * c.bleed)


def trim_box(layout: Layout) -> tuple[float, float, float, float]:
    """The card's trim on its page (left, bottom, right, top): inside the bleed."""
    c = layout.card
    return (c.bleed, c.bleed, c.bleed + c.width, c.bleed + c.height)


def sizes(layout: Layout) -> list[float]:
    """Text sizes to try, largest first, down to the floor."""
    c = layout.card
    out, size = [], c.body_size
    while size >= c.min_size - 1e-9:
        out.append(round(size, 2))
        size -= SIZE_STEP
    return out


def _style(
    job: CardRun,
    name: str,
    size: float,
    *,
    bold: bool = False,
    colour: str | None = None,
    lead: float = 1.2,
    **kw: object,
) -> ParagraphStyle:
    return ParagraphStyle(
        name, fontName=job.fonts.bold if bold else job.fonts.regular, fontSize=size,
        leading=size * lead, textColor=color(colour or job.layout.colors.text),
        bulletFontName=job.fonts.bold, bulletFontSize=size, **shaping_attrs(job.fonts), **kw,
    )  # fmt: skip


def _height(flowables: Sequence[Flowable], width: float) -> float:
    total = 0.0
    for f in flowables:
        _, h = f.wrap(width, 10_000)
        total += h + f.getSpaceAfter()
    return total


def _stack(
    canvas: Canvas, flowables: Sequence[Flowable], x: float, top: float, width: float
) -> float:
    """Draw flowables downwards from `top`; returns the y under the last one."""
    y = top
    for f in flowables:
        _, h = f.wrap(width, 10_000)
        y -= h
        f.drawOn(canvas, x, y)
        y -= f.getSpaceAfter()
    return y


# -- front ---------------------------------------------------------------------------------
def front_items(job: CardRun, routine: Routine) -> tuple[str, Sequence[Text]]:
    if routine.quick_reference:
        return "quick_reference", routine.quick_reference
    if job.from_steps:
        return "steps", [s.text for s in routine.steps]
    raise RenderError([Problem(
        routine.path, 1, 1,
        "no 'quick_reference' to print on the card; add short numbered steps under "
        "'quick_reference:' (or use --from-steps to print the steps)",
    )])  # fmt: skip


def front_extra(job: CardRun, routine: Routine) -> Text | None:
    field = job.layout.card.front_field
    if field == "none":
        return None
    if field == "summary":
        return routine.summary
    items: Sequence[Text] = getattr(routine, field)
    return items[0] if items else None


@dataclass(frozen=True)
class FrontPlan:
    size: float
    title: Paragraph
    body: list[Flowable]
    band_height: float


def plan_front(job: CardRun, routine: Routine) -> FrontPlan:
    layout, box = job.layout, safe_box(job.layout)
    field, items = front_items(job, routine)
    extra = front_extra(job, routine)
    card = layout.card

    def build(size: float, with_extra: bool) -> FrontPlan:
        scale = size / card.body_size
        title_size = max(card.title_size * scale, card.min_size)
        title = job.ink.para(
            routine.title,
            _style(job, "title", title_size, bold=True, colour=card.band_text, lead=1.15),
        )
        _, th = title.wrap(box.width, 10_000)
        band = th + size * 0.9
        step_style = _style(
            job,
            "step",
            size,
            leftIndent=size * 1.5,
            spaceAfter=size * 0.25,
            bulletColor=color(layout.colors.accent),
        )
        body: list[Flowable] = [
            job.ink.para(t, step_style, bulletText=job.ink.bullet(f"{i}."))
            for i, t in enumerate(items, start=1)
        ]
        if with_extra and extra is not None:
            warn = _style(
                job,
                "extra",
                size,
                bold=True,
                colour=layout.colors.caution_border,
                spaceBefore=size * 0.3,
            )
            prefix = "\u26a0 " if card.front_field == "cautions" else ""
            body.append(Paragraph(job.ink.label(prefix) + job.ink.markup(extra), warn))
        return FrontPlan(size, title, body, band)

    def fits(plan: FrontPlan) -> bool:
        return plan.band_height + _height(plan.body, box.width) <= box.height

    for size in sizes(layout):
        plan = build(size, True)
        if fits(plan):
            return plan
    smallest = build(sizes(layout)[-1], True)
    needed = smallest.band_height + _height(smallest.body, box.width)
    item_height = _height(smallest.body[: len(items)], box.width)
    blame: Sequence[Text] = items
    blamed = field
    if extra is not None and fits(build(sizes(layout)[-1], False)):
        blame, blamed = [extra], f"{card.front_field} (first item, printed on the front)"
        item_height = (
            needed - _height(smallest.body[: len(items)], box.width) - smallest.band_height
        )
    raise _overflow(job, routine, blamed, blame, needed, box.height, item_height)


def _overflow(
    job: CardRun,
    routine: Routine,
    field: str,
    texts: Sequence[Text],
    needed: float,
    available: float,
    own_height: float,
) -> RenderError:
    """The one-line failure, with about how many words of the field would fit."""
    words = sum(len(t.split()) for t in texts)
    room = available - (needed - own_height)
    fit_words = max(0, int(words * room / own_height * 0.95)) if own_height > 0 else 0
    first = texts[0]
    line, col = (first.line, first.col) if first.path else (1, 1)
    c = job.layout.card
    return RenderError([Problem(
        routine.path, line, col,
        f"{field} does not fit on a {job.layout.name} card even at {c.min_size:g} pt "
        f"(needs {needed:.0f} pt of height, {available:.0f} pt available); shorten it to "
        f"about {fit_words} words or choose a larger --size",
    )])  # fmt: skip


def draw_front(canvas: Canvas, job: CardRun, plan: FrontPlan) -> None:
    layout, box = job.layout, safe_box(job.layout)
    w, h = page_size(layout)
    canvas.setFillColor(color(layout.card.background))
    canvas.rect(0, 0, w, h, stroke=0, fill=1)
    band_bottom = box.top - plan.band_height
    canvas.setFillColor(color(layout.card.band))
    canvas.rect(0, band_bottom, w, h - band_bottom, stroke=0, fill=1)
    _stack(canvas, [plan.title], box.x, box.top, box.width)
    _stack(canvas, plan.body, box.x, band_bottom - plan.size * 0.6, box.width)


# -- back ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class BackPlan:
    size: float
    body: list[Flowable]
    text_width: float
    note_lines: int
    qr: str | None


def plan_back(job: CardRun, routine: Routine) -> BackPlan:
    layout, box, labels = job.layout, safe_box(job.layout), job.labels
    card, clinic = layout.card, job.clinic
    # The top-right corner holds the video's QR code, or else the clinic's logo.
    qr_side = card.qr_size if routine.video or job.logo else 0.0
    text_width = box.width - (qr_side + 6 if qr_side else 0)

    safety_text = clinic.card_safety(card.back_safety)

    def build(size: float) -> list[Flowable]:
        scale = size / card.body_size
        out: list[Flowable] = []
        if clinic.name:
            out.append(
                job.ink.para(
                    clinic.name, _style(job, "clinic", size, bold=True, colour=layout.colors.accent)
                )
            )
        if clinic.phone:
            phone = max(card.phone_size * scale, card.min_size)
            out.append(job.ink.label_para(labels["card_call"], _style(job, "call", size)))
            # The number never breaks across lines: its spaces are non-breaking.
            number = job.ink.para(
                clinic.phone.replace(" ", "\u00a0"), _style(job, "phone", phone, bold=True)
            )
            out.append(number)
        parts = [
            f"{job.ink.label(labels[k])}: {job.ink.markup(routine.dosage[k])}"
            for k in DOSAGE_KEYS
            if k in routine.dosage
        ]
        if parts:
            out.append(
                Paragraph(
                    job.ink.label(" \u00b7 ").join(parts),
                    _style(job, "dosage", size, spaceBefore=size * 0.4),
                )
            )
        if routine.video:  # the address under the code, for a reader without a camera
            out.append(
                job.ink.label_para(
                    routine.video,
                    _style(job, "video", size, colour=layout.colors.muted, spaceBefore=size * 0.3),
                )
            )
        if safety_text is not None:
            safety = _style(
                job, "safety", size, spaceBefore=size * 0.4, colour=layout.colors.caution_border
            )
            out.append(job.ink.para(safety_text, safety))
        return out

    for size in sizes(layout):
        body = build(size)
        used = _height(body, text_width)
        if used <= box.height and (not qr_side or qr_side <= box.height):
            room = box.height - max(used, qr_side) - size
            lines = max(0, min(card.note_lines, int(room // NOTE_LINE_GAP)))
            return BackPlan(size, body, text_width, lines, str(routine.video or "") or None)
    smallest = build(sizes(layout)[-1])
    texts = [t for t in (clinic.name, clinic.phone, safety_text) if t is not None] or list(
        routine.dosage.values()
    )
    needed = _height(smallest, text_width)
    what = "the card back (clinic name, phone, dosage and safety text; a shorter "
    what += "'safety_short:' in the clinic profile helps)"
    raise _overflow(job, routine, what, texts, needed, box.height, needed)


def draw_back(canvas: Canvas, job: CardRun, plan: BackPlan) -> None:
    layout, box = job.layout, safe_box(job.layout)
    w, h = page_size(layout)
    canvas.setFillColor(color(layout.card.background))
    canvas.rect(0, 0, w, h, stroke=0, fill=1)
    _stack(canvas, plan.body, box.x, box.top, plan.text_width)
    side = layout.card.qr_size
    if plan.qr:
        QrCode(plan.qr, side).draw_at(canvas, box.x + box.width - side, box.top - side)
    elif job.logo is not None:
        iw, ih = job.logo.size()
        scale = min(side / iw, side / ih)
        canvas.drawImage(
            job.logo.reader(),
            box.x + box.width - iw * scale,
            box.top - ih * scale,
            iw * scale,
            ih * scale,
            mask="auto",
        )
    if plan.note_lines:
        canvas.setStrokeColor(color(layout.colors.muted))
        canvas.setLineWidth(0.5)
        for i in range(plan.note_lines):
            y = box.y + i * NOTE_LINE_GAP
            canvas.line(box.x, y, box.x + box.width, y)


# -- the print-shop file -------------------------------------------------------------------
def plan_cards(job: CardRun) -> list[tuple[FrontPlan, BackPlan]]:
    """Fit every card first: an overflow anywhere fails before anything is drawn."""
    plans, problems = [], []
    for routine in job.job.routines:
        try:
            plans.append((plan_front(job, routine), plan_back(job, routine)))
        except RenderError as exc:
            problems += exc.problems
    if problems:
        raise RenderError(problems)
    return plans


def _canvas(buffer: io.BytesIO, job: CardRun, meta: Meta, **kw: object) -> Canvas:
    """A canvas with the card file's metadata, language and print scaling off."""
    canvas = Canvas(buffer, invariant=1, initialFontName=job.fonts.regular, lang=meta.lang, **kw)
    canvas.setTitle(meta.title)
    canvas.setAuthor(meta.author)
    canvas.setSubject(meta.subject)
    canvas.setCreator("handouts")
    canvas.setViewerPreference("PrintScaling", "None")
    return canvas


def _sides(
    canvas: Canvas, job: CardRun, plans: Sequence[tuple[FrontPlan, BackPlan]]
) -> list[Callable[[], None]]:
    """Drawing each card side in turn: front of card 1, its back, front of card 2, ..."""
    draws: list[Callable[[], None]] = []
    for front, back in plans:
        draws.append(lambda f=front: draw_front(canvas, job, f))  # type: ignore[misc]
        draws.append(lambda b=back: draw_back(canvas, job, b))  # type: ignore[misc]
    return draws


def render_cards(card_job: CardJob) -> bytes:
    """Fronts and backs alternating, one side per page at trim + bleed, boxes set."""
    job = CardRun.of(card_job)
    plans = plan_cards(job)
    w, h = page_size(job.layout)
    trim = trim_box(job.layout)
    buffer = io.BytesIO()
    with build_settings():  # Flate-only streams, as every product's
        canvas = _canvas(
            buffer, job, card_job.meta, pagesize=(w, h), trimBox=trim, bleedBox=(0, 0, w, h)
        )
        for draw in _sides(canvas, job, plans):
            draw()
            canvas.showPage()
        canvas.save()
    return buffer.getvalue()


def _r(value: float) -> float:
    """A sheet coordinate as handouts.sheets writes it (4 decimals), so that both routes
    put each clip edge on the same device pixel."""
    return round(value, 4)


def _clip(canvas: Canvas, box: SheetBox) -> None:
    left, bottom, right, top = box
    path = canvas.beginPath()
    path.rect(_r(left), _r(bottom), _r(right - left), _r(top - bottom))
    canvas.clipPath(path, stroke=0, fill=0, fillMode=FILL_NON_ZERO)


def render_card_sheets(
    card_job: CardJob,
    plan: Sequence[SheetSide],
    sheet_size: tuple[float, float],
    *,
    bleed: float,
    crop: bool,
    duplex: Flip,
) -> bytes:
    """Office sheets for `plan`, one page per SheetSide, `sheet_size` each.

    The plan's source page 2i is the front of card i, 2i + 1 its back, as in the
    print-shop file (render_cards). Each side is drawn once into a form spanning its trim
    and full bleed; each placement shows it by its trim, `bleed` beyond it and nothing
    further (impose.page_matrix, the placement's clip). Crop marks follow
    impose.crop_mark_lines. `duplex` "long" or "short" asks the printer for that flip.
    """
    if bleed < 0:
        raise ValueError("bleed cannot be negative")
    job = CardRun.of(card_job)
    plans = plan_cards(job)
    w, h = page_size(job.layout)
    trim = trim_box(job.layout)
    width, height = sheet_size
    buffer = io.BytesIO()
    with build_settings():
        canvas = _canvas(buffer, job, card_job.meta, pagesize=sheet_size)
        if duplex in ("long", "short"):
            edge = "DuplexFlipLongEdge" if duplex == "long" else "DuplexFlipShortEdge"
            canvas.setViewerPreference("Duplex", edge)
        draws = _sides(canvas, job, plans)
        used = sorted({p.page for side in plan for p in side.placements if p.page is not None})
        for page in used:
            if not 0 <= page < len(draws):
                raise ValueError(f"the plan places page {page + 1} of a {len(draws)}-page PDF")
            canvas.beginForm(f"card{page}", 0, 0, w, h)
            draws[page]()
            canvas.endForm()
        shown = (trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed)
        for side in plan:
            for p in side.placements:
                if p.page is None:
                    continue
                canvas.saveState()
                if p.clip is not None:
                    _clip(canvas, p.clip)
                canvas.transform(*(_r(v) for v in page_matrix(p, trim)))
                _clip(canvas, shown)
                canvas.doForm(f"card{p.page}")
                canvas.restoreState()
            if crop and side.placements:
                boxes = [p.box for p in side.placements]
                canvas.saveState()
                canvas.setStrokeGray(0)
                canvas.setLineWidth(MARK_WIDTH)
                lines = crop_mark_lines(boxes, width, height, bleed, spread=False)
                canvas.lines([tuple(_r(v) for v in line) for line in lines])
                canvas.restoreState()
            canvas.showPage()
        canvas.save()
    return buffer.getvalue()
