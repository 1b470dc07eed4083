"""Placement math: which trimmed item goes where on which sheet side. No PDF, no drawing.

All lengths are PDF points (72/in), origin at the bottom-left of the sheet, as the sheet
lies in the printer with its front side up. A plan is a list of SheetSides; each Placement
says which source page lands where, turned by how much. handouts.sheets draws a plan.

The same three ideas serve cards and booklets: a grid of slots, a page order, a flip.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Flip = Literal["long", "short", "none"]
Side = Literal["front", "back"]
EPS = 1e-6


@dataclass(frozen=True)
class Slot:
    """Where one trimmed item sits on a sheet side.

    `x`, `y` is the bottom-left corner of the item's trim box as placed; `width`, `height`
    its size as placed (swapped when `rotation` is 90); row 0 is the top row.
    """

    index: int
    col: int
    row: int
    x: float
    y: float
    width: float
    height: float
    rotation: int = 0

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x + self.width / 2, self.y + self.height / 2)


@dataclass(frozen=True)
class Grid:
    sheet_width: float
    sheet_height: float
    cols: int
    rows: int
    slots: tuple[Slot, ...]

    @property
    def capacity(self) -> int:
        return len(self.slots)

    @property
    def portrait(self) -> bool:
        return self.sheet_height >= self.sheet_width


def _fits(space: float, item: float, gutter: float) -> int:
    return max(0, math.floor((space + gutter) / (item + gutter) + EPS))


def fit_grid(
    sheet_width: float,
    sheet_height: float,
    item_width: float,
    item_height: float,
    *,
    margin: float,
    gutter: float,
    allow_rotate: bool = True,
) -> Grid:
    """As many items as fit inside the sheet less `margin`, `gutter` apart, centred.

    Turning the item 90 degrees is used only when it fits more.
    """
    room_w, room_h = sheet_width - 2 * margin, sheet_height - 2 * margin
    options = [(item_width, item_height, 0)]
    if allow_rotate and abs(item_width - item_height) > EPS:
        options.append((item_height, item_width, 90))
    best: tuple[int, int, float, float, int] | None = None
    for w, h, rot in options:
        cols, rows = _fits(room_w, w, gutter), _fits(room_h, h, gutter)
        if cols * rows and (best is None or cols * rows > best[0] * best[1]):
            best = (cols, rows, w, h, rot)
    if best is None:
        raise ValueError(
            f"a {item_width:.1f} x {item_height:.1f} pt item does not fit on a "
            f"{sheet_width:.1f} x {sheet_height:.1f} pt sheet with {margin:.1f} pt margins"
        )
    cols, rows, w, h, rot = best
    block_w = cols * w + (cols - 1) * gutter
    block_h = rows * h + (rows - 1) * gutter
    x0 = (sheet_width - block_w) / 2
    top = (sheet_height + block_h) / 2
    slots = tuple(
        Slot(
            index=row * cols + col,
            col=col,
            row=row,
            x=x0 + col * (w + gutter),
            y=top - (row + 1) * h - row * gutter,
            width=w,
            height=h,
            rotation=rot,
        )  # fmt: skip
        for row in range(rows)
        for col in range(cols)
    )
    return Grid(sheet_width, sheet_height, cols, rows, slots)


def _mirrors_columns(grid: Grid, flip: Flip) -> bool:
    """Does turning the sheet over swap left and right (else top and bottom)?

    The sheet turns around its long edge for "long": on a portrait sheet that edge is
    vertical, so left and right swap; "short" turns around the other axis.
    """
    return (flip == "long") == grid.portrait


def back_slot(grid: Grid, front_index: int, flip: Flip) -> int:
    """The slot on the back side that lies physically behind front slot `front_index`."""
    if flip == "none":
        return front_index
    slot = grid.slots[front_index]
    if _mirrors_columns(grid, flip):
        col, row = grid.cols - 1 - slot.col, slot.row
    else:
        col, row = slot.col, grid.rows - 1 - slot.row
    return row * grid.cols + col


def back_rotation(grid: Grid, flip: Flip) -> int:
    """Extra turn for back items so they read upright once the sheet is turned over.

    Turning a sheet top-over-bottom ("tumble") turns its back upside down: 180 degrees.
    """
    if flip == "none" or _mirrors_columns(grid, flip):
        return 0
    return 180


def physical_position(grid: Grid, slot_index: int, side: Side, flip: Flip) -> tuple[float, float]:
    """Centre of a slot in front-side coordinates, for the side it is printed on.

    A back slot's centre is where it ends up once the sheet is turned over.
    """
    cx, cy = grid.slots[slot_index].centre
    if side == "front" or flip == "none":
        return (cx, cy)
    if _mirrors_columns(grid, flip):
        return (grid.sheet_width - cx, cy)
    return (cx, grid.sheet_height - cy)


@dataclass(frozen=True)
class Placement:
    sheet: int
    side: Side
    slot: int
    page: int | None  # 0-based page of the source PDF; None leaves the slot empty
    x: float  # bottom-left of the source page's trim box as placed on the sheet
    y: float
    width: float  # size as placed
    height: float
    rotation: int  # degrees counter-clockwise about the item's centre
    creep: float = 0.0  # shift toward the spine already included in x (booklets)


@dataclass(frozen=True)
class SheetSide:
    sheet: int
    side: Side
    placements: tuple[Placement, ...]


def card_plan(
    n_cards: int,
    grid: Grid,
    flip: Flip,
    *,
    has_backs: bool = True,
    sources: Sequence[int] | None = None,
) -> list[SheetSide]:
    """Cards on sheets: card i's front is source page 2i and its back 2i+1 (i when no backs).

    `sources` repeats designs: card i shows design `sources[i]` (copies of one card).

    Cards fill a sheet's slots in order before the next sheet. Each front side is followed
    by its back side, whose items sit behind their fronts for the printer's flip edge. With
    flip "none" the back side repeats the front's slot positions, for printing backs as a
    separate pass (or single-sided, to fold or glue).
    """
    per_sheet = grid.capacity
    sides: list[SheetSide] = []
    turn = back_rotation(grid, flip)
    for sheet in range(math.ceil(n_cards / per_sheet)):
        cards = range(sheet * per_sheet, min(n_cards, (sheet + 1) * per_sheet))
        fronts, backs = [], []
        for card in cards:
            slot = grid.slots[card - sheet * per_sheet]
            design = sources[card] if sources is not None else card
            page = 2 * design if has_backs else design
            fronts.append(_place(sheet, "front", slot, page, slot.rotation))
            if has_backs:
                behind = grid.slots[back_slot(grid, slot.index, flip)]
                backs.append(_place(sheet, "back", behind, page + 1, (slot.rotation + turn) % 360))
        sides.append(SheetSide(sheet, "front", tuple(fronts)))
        if has_backs:
            sides.append(SheetSide(sheet, "back", tuple(sorted(backs, key=lambda p: p.slot))))
    return sides


def _place(sheet: int, side: Side, slot: Slot, page: int | None, rotation: int) -> Placement:
    return Placement(
        sheet, side, slot.index, page, slot.x, slot.y, slot.width, slot.height, rotation
    )


# -- booklets ------------------------------------------------------------------------------
def pad_pages(n_pages: int, multiple: int = 4) -> int:
    """Pages after padding to a whole number of sheets (4 pages per folded sheet)."""
    return max(multiple, math.ceil(n_pages / multiple) * multiple)


def padded_order(n_pages: int) -> list[int | None]:
    """Source pages (1-based) in reading order after padding; blanks go before the back cover."""
    total = pad_pages(n_pages)
    if n_pages <= 1:
        return [1] + [None] * (total - 1) if n_pages == 1 else [None] * total
    return [*range(1, n_pages), *([None] * (total - n_pages)), n_pages]


def saddle_order(
    n_pages: int,
) -> list[tuple[tuple[int | None, int | None], tuple[int | None, int | None]]]:
    """Per sheet, outermost first: ((front left, front right), (back left, back right)).

    12 pages: sheet 1 front = (12, 1), back = (2, 11); sheet 2 front = (10, 3), back = (4, 9).
    """
    pages = padded_order(n_pages)
    total = len(pages)
    return [
        ((pages[total - 1 - 2 * i], pages[2 * i]), (pages[2 * i + 1], pages[total - 2 - 2 * i]))
        for i in range(total // 4)
    ]


def booklet_plan(
    n_pages: int,
    page_width: float,
    page_height: float,
    sheet_width: float,
    sheet_height: float,
    *,
    creep_per_sheet: float = 0.0,
) -> list[SheetSide]:
    """Two reading-order pages per landscape sheet side, spine at the sheet's centre.

    Creep: nested sheets stick out further at the fore-edge the deeper they sit, so after
    trimming their pages would creep outward. Sheet k (0 = outermost) has its pages shifted
    toward the spine by k * creep_per_sheet, as print shops do.
    """
    if page_width * 2 > sheet_width + EPS or page_height > sheet_height + EPS:
        raise ValueError("two booklet pages do not fit side by side on the sheet")
    spine = sheet_width / 2
    y = (sheet_height - page_height) / 2
    sides: list[SheetSide] = []
    for k, (front, back) in enumerate(saddle_order(n_pages)):
        shift = k * creep_per_sheet
        pairs: tuple[tuple[Side, tuple[int | None, int | None]], ...] = (
            ("front", front),
            ("back", back),
        )
        for side, (left, right) in pairs:
            placements = (
                Placement(k, side, 0, _index(left), spine - page_width + shift, y,
                          page_width, page_height, 0, shift),
                Placement(k, side, 1, _index(right), spine - shift, y,
                          page_width, page_height, 0, shift),
            )  # fmt: skip
            sides.append(SheetSide(k, side, placements))
    return sides


def _index(page: int | None) -> int | None:
    return None if page is None else page - 1
