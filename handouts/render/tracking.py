"""A programme's tracking page: a weekly tick grid per routine with a 0-10 pain column."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from ..check import Text
from ..layout import Layout
from .common import Styles, color
from .fonts import FontSet

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Tracking:
    """What a programme's tracking page prints: one row per routine, for some weeks."""

    titles: tuple[Text, ...]
    weeks: int


def tracking_page(
    tracking: Tracking,
    layout: Layout,
    fonts: FontSet,
    labels: dict[str, str],
    styles: Styles,
) -> list[Flowable]:
    ink = styles.ink
    width = layout.page.size[0] - layout.page.margin_left - layout.page.margin_right
    body = styles.body
    widest = max(ink.width(labels[d], fonts.bold, body.fontSize) for d in DAYS)
    box = max(widest + 13, body.fontSize * 2.2, 24.0)  # room for the day, and to tick with a pen
    pain_w = max(ink.width(labels["pain"], fonts.bold, body.fontSize) + 16, 60.0)
    name_w = width - 7 * box - pain_w
    head = body.clone("tracking_head", fontName=fonts.bold, alignment=1)
    story: list[Flowable] = [
        styles.label(labels["tracking_title"], styles.title),
        styles.label(labels["tracking_hint"], body),
    ]
    for week in range(1, tracking.weeks + 1):
        rows: list[list[object]] = [[
            Paragraph(ink.label(labels["week"].replace("{week}", str(week))), head),
            *[Paragraph(ink.label(labels[d]), head) for d in DAYS],
            Paragraph(ink.label(labels["pain"]), head),
        ]]  # fmt: skip
        rows += [[styles.para(title, body), *[""] * 8] for title in tracking.titles]
        table = Table(
            rows,
            colWidths=[name_w, *[box] * 7, pain_w],
            rowHeights=[None, *[max(box, body.leading * 2.2)] * len(tracking.titles)],
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
