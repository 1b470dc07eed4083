"""A programme's tracking page: a weekly tick grid per routine with a 0-10 pain column.

The grid fits any page a layout allows: a routine's name wraps inside its cell (the row
grows to hold it); where the name column would be too narrow beside seven day boxes and the
pain column (A5, large print), each routine's name takes a row of its own above its boxes.
"""

from __future__ import annotations

import datetime

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from ..check import Text
from ..layout import Layout
from ..records import record
from .common import Styles, color
from .fonts import FontSet

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@record
class Tracking:
    """What a programme's tracking page prints: one row per routine, for some weeks."""

    titles: tuple[Text, ...]
    weeks: int
    start: str | None = None  # YYYY-MM-DD: week 1 starts that day (the programme's date)


def week_label(labels: dict[str, str], week: int, start: str | None) -> str:
    """'Week 2', or 'Week 2 · from 1 Dec' when the programme has a date (in the labels'
    language: the month names and the order of day and month come from the labels)."""
    try:
        first = datetime.date.fromisoformat(start) if start else None
    except ValueError:
        first = None
    if first is None:
        return labels["week"].replace("{week}", str(week))
    day = first + datetime.timedelta(weeks=week - 1)
    months = labels["months"].split()
    month = months[day.month - 1] if len(months) == 12 else str(day.month)
    date = labels["day_month"].replace("{day}", str(day.day)).replace("{month}", month)
    return labels["week_from"].replace("{week}", str(week)).replace("{date}", date)


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
    size = body.fontSize
    pad = min(6.0, size * 0.4)
    widest = max(ink.width(labels[d], fonts.bold, size) for d in DAYS)
    # Room for the day's name, and to tick with a pen.
    box = max(widest + 2 * pad + 1, size * 2.2, 24.0)
    week_w = max(
        ink.width(week_label(labels, w, tracking.start), fonts.bold, size)
        for w in range(1, tracking.weeks + 1)
    )
    # The narrowest name column worth having: it holds the week's label on one line.
    least = max(width * 0.25, size * 7, week_w + 2 * pad + 4)
    pain_w = max(ink.width(labels["pain"], fonts.bold, size) + 2 * pad + 4, 60.0)
    if width - 7 * box - pain_w < least:  # let "Pain (0-10)" wrap between its words
        words = labels["pain"].split() or [labels["pain"]]
        pain_w = max(max(ink.width(w, fonts.bold, size) for w in words) + 2 * pad + 4, box)
    name_w = width - 7 * box - pain_w
    stacked = name_w < least
    head_pad = pad
    if stacked:
        # Each name on a row of its own: the boxes share the whole width, the pain column
        # keeping room for its longest word; day names lose padding before they wrap.
        words = labels["pain"].split() or [labels["pain"]]
        pain_least = max(ink.width(w, fonts.bold, size) for w in words) + 2 * pad + 4
        box = min(box, width / 8.5, (width - pain_least) / 7)
        pain_w = width - 7 * box
        head_pad = max(1.0, min(pad, (box - widest) / 2 - 0.5))
    head = body.clone("tracking_head", fontName=fonts.bold, alignment=1)
    # Day names a little smaller (never below the layout's floor) rather than cut in two.
    day_size = max(layout.text.min_size, min(size, size * (box - 2 * head_pad - 3) / widest))
    day_style = head.clone("tracking_day", fontSize=day_size, leading=day_size * 1.2)
    story: list[Flowable] = [
        styles.label(labels["tracking_title"], styles.title),
        styles.label(labels["tracking_hint"], body),
    ]
    tick_h = max(box, body.leading * 2.2) if not stacked else max(box, body.leading * 1.8)
    grid = color(layout.colors.muted)
    for week in range(1, tracking.weeks + 1):
        title = Paragraph(ink.label(week_label(labels, week, tracking.start)), head)
        days = [Paragraph(ink.label(labels[d]), day_style) for d in DAYS]
        pain = Paragraph(ink.label(labels["pain"]), head)
        commands: list[tuple[object, ...]] = [
            ("FONT", (0, 0), (-1, -1), fonts.regular, size),
            ("GRID", (0, 0), (-1, -1), 0.75, grid),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), pad),
            ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ]
        if stacked:
            widths = [*[box] * 7, pain_w]
            rows: list[list[object]] = [[title, *[""] * 7], [*days, pain]]
            heights: list[float | None] = [None, None]
            commands += [
                ("SPAN", (0, 0), (-1, 0)),
                ("LEFTPADDING", (0, 1), (-1, 1), head_pad),
                ("RIGHTPADDING", (0, 1), (-1, 1), head_pad),
                ("BACKGROUND", (0, 0), (-1, 1), color(layout.colors.caution_background)),
            ]
            for name in tracking.titles:
                r = len(rows)
                rows += [[styles.para(name, body), *[""] * 7], [""] * 8]
                heights += [None, tick_h]
                commands += [("SPAN", (0, r), (-1, r)), ("LINEABOVE", (0, r), (-1, r), 1.5, grid)]
        else:
            widths = [name_w, *[box] * 7, pain_w]
            rows = [[title, *days, pain]]
            heights = [None]
            for name in tracking.titles:
                cell = styles.para(name, body)
                _, h = cell.wrap(name_w - 2 * pad, 1e6)  # the name wraps; the row grows
                rows.append([cell, *[""] * 8])
                heights.append(max(tick_h, h + 2 * pad + 2))
            commands.append(
                ("BACKGROUND", (0, 0), (-1, 0), color(layout.colors.caution_background))
            )
        table = Table(rows, colWidths=widths, rowHeights=heights, hAlign="LEFT")
        table.setStyle(TableStyle(commands))
        story += [Spacer(1, size), KeepTogether([table])]
    return story
