"""Pieces every product shares: styles from a layout, paragraphs, the numbered-page canvas,
and turning a story into PDF bytes reproducibly."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus.doctemplate import BaseDocTemplate, LayoutError

from ..errors import Problem, RenderError
from ..layout import Layout
from .fonts import FONTS_BY_NAME, FontSet
from .text import markup


def color(hex_value: str) -> colors.Color:
    return colors.HexColor(hex_value)


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    bullet: ParagraphStyle
    heading: ParagraphStyle
    title: ParagraphStyle
    kicker: ParagraphStyle
    small: ParagraphStyle
    number: ParagraphStyle
    caution_heading: ParagraphStyle
    caution: ParagraphStyle
    emphasis: str


def make_styles(layout: Layout, fonts: FontSet, scale: float = 1.0) -> Styles:
    t = layout.text
    c = layout.colors
    floor = t.min_size
    body_size = max(t.body_size * scale, floor)
    small_size = max(t.small_size * scale, floor)
    lead = t.leading
    align = TA_JUSTIFY if t.align == "justify" else TA_LEFT
    body = ParagraphStyle(
        "body", fontName=fonts.regular, fontSize=body_size, leading=body_size * lead,
        textColor=color(c.text), alignment=align, spaceAfter=body_size * t.paragraph_space,
    )  # fmt: skip
    bullet = ParagraphStyle(
        "bullet", parent=body, leftIndent=body_size * 1.3, bulletIndent=body_size * 0.2,
        bulletFontName=fonts.bold, bulletColor=color(c.accent), bulletFontSize=body_size,
    )  # fmt: skip
    heading = ParagraphStyle(
        "heading", fontName=fonts.bold, fontSize=t.heading_size * scale,
        leading=t.heading_size * scale * 1.25, textColor=color(c.accent),
        spaceBefore=t.heading_size * scale * t.heading_space,
        spaceAfter=t.heading_size * scale * 0.35,
        keepWithNext=1,
    )  # fmt: skip
    title = ParagraphStyle(
        "title", fontName=fonts.bold, fontSize=t.title_size * scale,
        leading=t.title_size * scale * 1.15, textColor=color(c.accent),
        spaceAfter=t.title_size * scale * 0.3, keepWithNext=1,
    )  # fmt: skip
    kicker = ParagraphStyle(
        "kicker", fontName=fonts.bold, fontSize=small_size, leading=small_size * 1.3,
        textColor=color(c.accent),
        spaceAfter=2, keepWithNext=1,
    )  # fmt: skip
    small = ParagraphStyle(
        "small", parent=body, fontSize=small_size, leading=small_size * lead,
        textColor=color(c.muted),
    )  # fmt: skip
    number = ParagraphStyle(
        "number", fontName=fonts.bold, fontSize=body_size * 1.35,
        leading=body_size * 1.35 * 1.1, textColor=color(c.accent),
    )  # fmt: skip
    caution_heading = ParagraphStyle(
        "caution_heading", parent=heading, textColor=color(c.caution_border), spaceBefore=0,
    )  # fmt: skip
    caution = ParagraphStyle("caution", parent=bullet, textColor=color(c.caution_text))
    return Styles(
        body, bullet, heading, title, kicker, small, number, caution_heading, caution, t.emphasis
    )


def para(text: str, style: ParagraphStyle, emphasis: str = "italic", **kw: Any) -> Paragraph:
    """A paragraph of user text: always escaped, `*x*` and `**x**` honoured, and characters
    the main font lacks set in the layout's fallback font."""
    fonts = FONTS_BY_NAME.get(style.fontName)
    fallback = fonts.fallback_for if fonts is not None and fonts.fallbacks else None
    return Paragraph(markup(text, emphasis=emphasis, fallback=fallback), style, **kw)


def label_para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of layout text (labels): escaped, no author markup."""
    return Paragraph(escape(text), style)


PageDrawer = Callable[[Canvas, int, int], None]
"""Draws running parts of page `n` of `total` (footer, header)."""


def numbered_canvas(draw: PageDrawer) -> type[Canvas]:
    """A canvas class that knows the page count when it draws each page's running parts."""

    class _Numbered(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                draw(self, number, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return _Numbered


@dataclass(frozen=True)
class Meta:
    title: str
    author: str
    subject: str
    lang: str


def build_pdf(
    make_doc: Callable[[io.BytesIO], BaseDocTemplate],
    story: Sequence[Flowable],
    canvasmaker: type[Canvas],
    where: Problem,
) -> bytes:
    """Run ReportLab into memory. Nothing touches the disk here."""
    buffer = io.BytesIO()
    doc = make_doc(buffer)
    try:
        doc.build(list(story), canvasmaker=canvasmaker)
    except LayoutError:
        raise RenderError([Problem(where.path, where.line, where.col, where.message)]) from None
    return buffer.getvalue()
