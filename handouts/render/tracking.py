"""A programme's tracking page: a weekly tick grid per routine with a 0-10 pain column."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from ..layout import Layout
from ..model import Routine
from .common import Styles, color, label_para, para
from .fonts import FontSet

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def tracking_page(
    routines: Sequence[Routine],
    layout: Layout,
    fonts: FontSet,
    labels: dict[str, str],
    styles: Styles,
) -> list[Flowable]:
    width = layout.page.size[0] - layout.page.margin_left - layout.page.margin_right
    body = styles.body
    widest = max(stringWidth(labels[d], fonts.bold, body.fontSize) for d in DAYS)
    box = max(widest + 13, body.fontSize * 2.2, 24.0)  # room for the day, and to tick with a pen
    pain_w = max(stringWidth(labels["pain"], fonts.bold, body.fontSize) + 16, 60.0)
    name_w = width - 7 * box - pain_w
    head = body.clone("tracking_head", fontName=fonts.bold, alignment=1)
    story: list[Flowable] = [
        label_para(labels["tracking_title"], styles.title),
        label_para(labels["tracking_hint"], body),
    ]
    for week in range(1, layout.handout.tracking_weeks + 1):
        rows: list[list[object]] = [[
            Paragraph(escape(labels["week"].replace("{week}", str(week))), head),
            *[Paragraph(escape(labels[d]), head) for d in DAYS],
            Paragraph(escape(labels["pain"]), head),
        ]]  # fmt: skip
        rows += [[para(r.title, body, styles.emphasis), *[""] * 8] for r in routines]
        table = Table(
            rows,
            colWidths=[name_w, *[box] * 7, pain_w],
            rowHeights=[None, *[max(box, body.leading * 2.2)] * len(routines)],
            hAlign="LEFT",
        )
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), fonts.regular, body.fontSize),
            ("GRID", (0, 0), (-1, -1), 0.75, color(layout.colors.muted)),
            ("BACKGROUND", (0, 0), (-1, 0), color(layout.colors.caution_background)),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]))  # fmt: skip
        story += [Spacer(1, body.fontSize), KeepTogether([table])]
    return story
