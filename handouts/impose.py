"""Placement math: which trimmed item goes where on which sheet side. No PDF, no drawing.

Conventions (every function below follows them):

- Lengths are PDF points (72/in). The origin is the bottom-left corner of the sheet side
  being printed, seen from that side: a back side has its own coordinates, as the printer
  sees it. `turned_over` maps a back-side point to where it lies under the front side.
- A grid's slots are numbered row-major from the top-left; row 0 is the top row.
- Rotations are 0, 90, 180 or 270 degrees counter-clockwise about the item's centre.
  A placed box (`Slot`, `Placement`: x, y, width, height) is the item's trim box as it lies
  on the sheet, already turned: a 90-degree item has width and height swapped.
- A card's back reads upright when the cut card is turned over like a book page (about
  its own vertical axis). On a sheet turned over about the other axis, or on a sheet whose
  cards lie sideways, that makes some backs 180 degrees different from their fronts;
  `back_rotation` works it out.
- Booklet creep (shingling): sheet k of a saddle-stitched booklet (0 = outermost) has its
  pages moved toward the spine by k * creep_per_sheet. Nested sheets stick out further at
  the fore-edge after folding, so trimming takes more off them; moving their content
  inward keeps the outer margins equal through the booklet. Each page is clipped at the
  spine so that the shift never carries content across the fold.

A plan is a list of SheetSides, each a list of Placements; handouts.sheets draws a plan.
The same three ideas serve cards and booklets: a grid of slots, a page order, a flip.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Flip = Literal["long", "short", "none"]
Side = Literal["front", "back"]
Matrix = tuple[float, float, float, float, float, float]
"""A PDF matrix [a b c d e f]: x' = a x + c y + e, y' = b x + d y + f."""
Box = tuple[float, float, float, float]
"""A rectangle as (left, bottom, right, top)."""

EPS = 1e-6
MM = 72 / 25.4
ROTATIONS = (0, 90, 180, 270)
_COS_SIN = {0: (1.0, 0.0), 90: (0.0, 1.0), 180: (-1.0, 0.0), 270: (0.0, -1.0)}


# -- matrices -------------------------------------------------------------------------------
def turn(rotation: int) -> Matrix:
    """A counter-clockwise turn about the origin by a multiple of 90 degrees (exact)."""
    if rotation % 360 not in _COS_SIN:
        raise ValueError(f"rotation must be a multiple of 90 degrees, not {rotation}")
    cos, sin = _COS_SIN[rotation % 360]
    return (cos, sin, -sin, cos, 0.0, 0.0)


def translate(dx: float, dy: float) -> Matrix:
    return (1.0, 0.0, 0.0, 1.0, dx, dy)


def then(first: Matrix, second: Matrix) -> Matrix:
    """The matrix doing `first`, then `second` (PDF order: first x second)."""
    a1, b1, c1, d1, e1, f1 = first
    a2, b2, c2, d2, e2, f2 = second
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


# -- grids ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Slot:
    """Where one trimmed item sits on a sheet side.

    `x`, `y` is the bottom-left corner of the item's trim box as placed; `width`, `height`
    its size as placed (the trim size, swapped when `rotation` is 90 or 270).
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
        """Taller than wide (a square sheet counts as portrait)."""
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
    """As many items as fit inside the sheet less `margin` on each side, `gutter` apart.

    The block of items is centred on the sheet. The item is turned 90 degrees only when
    that fits strictly more (slots then carry rotation=90). ValueError if none fits.
    """
    if min(sheet_width, sheet_height, item_width, item_height) <= 0:
        raise ValueError("sheet and item sizes must be positive")
    if margin < 0 or gutter < 0:
        raise ValueError("margin and gutter cannot be negative")
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


# -- duplex ---------------------------------------------------------------------------------
def mirrors_left_right(sheet_width: float, sheet_height: float, flip: Flip) -> bool:
    """Does turning the sheet over swap its left and right (else its top and bottom)?

    "long" turns the sheet about its long edge: vertical on a portrait sheet, so left and
    right swap; "short" ("tumble") turns it about the other axis.
    """
    return (flip == "long") == (sheet_height >= sheet_width)


def turned_over(
    sheet_width: float, sheet_height: float, flip: Flip, x: float, y: float
) -> tuple[float, float]:
    """Where a point printed on the back side lies, in front-side coordinates.

    With flip "none" the back is a separate sheet laid the same way: no change.
    """
    if flip == "none":
        return (x, y)
    if mirrors_left_right(sheet_width, sheet_height, flip):
        return (sheet_width - x, y)
    return (x, sheet_height - y)


def back_slot(grid: Grid, front_index: int, flip: Flip) -> int:
    """The slot on the back side that lies physically behind front slot `front_index`."""
    if not 0 <= front_index < grid.capacity:
        raise IndexError(f"slot {front_index} is not on a {grid.capacity}-slot grid")
    if flip == "none":
        return front_index
    slot = grid.slots[front_index]
    if mirrors_left_right(grid.sheet_width, grid.sheet_height, flip):
        col, row = grid.cols - 1 - slot.col, slot.row
    else:
        col, row = slot.col, grid.rows - 1 - slot.row
    return row * grid.cols + col


def back_rotation(grid: Grid, flip: Flip, front_rotation: int = 0) -> int:
    """How far to turn a back item whose front is turned `front_rotation`.

    The back must read upright once the cut card is turned over like a book page. Upright
    cards on a sheet turned left over right need no turn; turned top over bottom
    ("tumble" on a portrait sheet) they need 180 degrees. Cards lying sideways on the sheet
    (rotation 90) swap the two cases: the back turn is -r when the sheet's left and right
    swap and 180 - r when its top and bottom do.
    """
    turn(front_rotation)  # validates
    if flip == "none":
        return front_rotation % 360
    if mirrors_left_right(grid.sheet_width, grid.sheet_height, flip):
        return -front_rotation % 360
    return (180 - front_rotation) % 360


def physical_position(grid: Grid, slot_index: int, side: Side, flip: Flip) -> tuple[float, float]:
    """Centre of a slot in front-side coordinates, for the side it is printed on.

    A back slot's centre is where it ends up once the sheet is turned over.
    """
    cx, cy = grid.slots[slot_index].centre
    if side == "front":
        return (cx, cy)
    return turned_over(grid.sheet_width, grid.sheet_height, flip, cx, cy)


# -- plans ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Placement:
    """One source page on one sheet side.

    `x`, `y`, `width`, `height`: where the source page's trim box lands, as turned.
    `clip`: a sheet rectangle (left, bottom, right, top) the page may not paint outside
    of, besides its trim box grown by the bleed (booklets: the page's half of the sheet).
    """

    sheet: int  # 0-based sheet number
    side: Side
    slot: int
    page: int | None  # 0-based page of the source PDF; None leaves the slot empty
    x: float  # bottom-left of the source page's trim box as placed on the sheet
    y: float
    width: float  # size as placed
    height: float
    rotation: int  # degrees counter-clockwise about the item's centre
    creep: float = 0.0  # shift toward the spine already included in x (booklets)
    clip: Box | None = None

    def __post_init__(self) -> None:
        if self.rotation not in ROTATIONS:
            raise ValueError(f"rotation must be one of {ROTATIONS}, not {self.rotation}")

    @property
    def box(self) -> Box:
        return (self.x, self.y, self.x + self.width, self.y + self.height)

    @property
    def matrix(self) -> Matrix:
        """Maps the item's own upright coordinates, origin at its trim centre, to the sheet."""
        return then(
            turn(self.rotation), translate(self.x + self.width / 2, self.y + self.height / 2)
        )


@dataclass(frozen=True)
class SheetSide:
    sheet: int
    side: Side
    placements: tuple[Placement, ...]


def _place(sheet: int, side: Side, slot: Slot, page: int | None, rotation: int) -> Placement:
    return Placement(
        sheet, side, slot.index, page, slot.x, slot.y, slot.width, slot.height, rotation
    )


def card_plan(
    n_cards: int,
    grid: Grid,
    flip: Flip,
    *,
    has_backs: bool = True,
    sources: Sequence[int] | None = None,
) -> list[SheetSide]:
    """Cards on sheets: card i's front is source page 2i and its back 2i+1 (i without backs).

    `sources` repeats designs: card i shows design `sources[i]` (copies of one card), so
    its pages are 2 * sources[i] (and + 1).

    Cards fill a sheet's slots in order before the next sheet. Each front side is followed
    by its back side (when `has_backs`), whose items lie behind their fronts for the
    printer's flip and read upright when a cut card is turned like a book page. Back
    placements are listed in slot order.

    With flip "none" the back side repeats the front's slot positions and rotations,
    unmirrored: it is meant as a separate single-sided sheet (cut both sheets and glue
    the pairs, or fold), not as the other side of the same sheet.
    """
    if n_cards < 0:
        raise ValueError("the number of cards cannot be negative")
    if sources is not None and len(sources) != n_cards:
        raise ValueError(f"{len(sources)} sources given for {n_cards} cards")
    per_sheet = grid.capacity
    sides: list[SheetSide] = []
    for sheet in range(math.ceil(n_cards / per_sheet)):
        cards = range(sheet * per_sheet, min(n_cards, (sheet + 1) * per_sheet))
        fronts: list[Placement] = []
        backs: list[Placement] = []
        for card in cards:
            slot = grid.slots[card - sheet * per_sheet]
            design = sources[card] if sources is not None else card
            page = 2 * design if has_backs else design
            fronts.append(_place(sheet, "front", slot, page, slot.rotation))
            if has_backs:
                behind = grid.slots[back_slot(grid, slot.index, flip)]
                turned = back_rotation(grid, flip, slot.rotation)
                backs.append(_place(sheet, "back", behind, page + 1, turned))
        sides.append(SheetSide(sheet, "front", tuple(fronts)))
        if has_backs:
            sides.append(SheetSide(sheet, "back", tuple(sorted(backs, key=lambda p: p.slot))))
    return sides


# -- booklets -------------------------------------------------------------------------------
def pad_pages(n_pages: int, multiple: int = 4) -> int:
    """Pages after padding to a whole number of sheets (4 pages per folded sheet)."""
    if multiple < 1:
        raise ValueError("multiple must be at least 1")
    return max(multiple, math.ceil(n_pages / multiple) * multiple)


def padded_order(n_pages: int) -> list[int | None]:
    """Source pages (1-based) in reading order after padding, None for a blank page.

    Blanks go before the back cover: the last source page stays the last page.
    """
    if n_pages < 1:
        raise ValueError("a booklet needs at least one page")
    total = pad_pages(n_pages)
    if n_pages == 1:
        return [1] + [None] * (total - 1)
    return [*range(1, n_pages), *([None] * (total - n_pages)), n_pages]


def saddle_order(
    n_pages: int,
) -> list[tuple[tuple[int | None, int | None], tuple[int | None, int | None]]]:
    """Per sheet, outermost first: ((front left, front right), (back left, back right)).

    1-based source pages, None for blanks. 12 pages: sheet 1 front = (12, 1), back =
    (2, 11); sheet 2 front = (10, 3), back = (4, 9); sheet 3 front = (8, 5), back = (6, 7).
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
    """Two reading-order pages per sheet side, spine at the sheet's centre, per saddle_order.

    The pages are centred vertically and meet at the spine; slot 0 is the left page, slot 1
    the right. Sides alternate front, back, sheet by sheet. Printed duplex with flip
    "short" on a landscape sheet (it turns left over right), page 2 lies behind page 1.

    Creep: sheet k (0 = outermost) has both pages moved toward the spine by
    k * creep_per_sheet (Placement.creep), and each page is clipped to its half of the
    sheet so that nothing crosses the fold.
    """
    if min(page_width, page_height, sheet_width, sheet_height) <= 0:
        raise ValueError("page and sheet sizes must be positive")
    if page_width * 2 > sheet_width + EPS or page_height > sheet_height + EPS:
        raise ValueError("two booklet pages do not fit side by side on the sheet")
    if creep_per_sheet < 0:
        raise ValueError("creep cannot be negative")
    order = saddle_order(n_pages)
    if (len(order) - 1) * creep_per_sheet >= page_width / 2:
        raise ValueError("creep would move the innermost pages half a page or more")
    spine = sheet_width / 2
    y = (sheet_height - page_height) / 2
    halves: tuple[Box, Box] = (
        (0.0, 0.0, spine, sheet_height),
        (spine, 0.0, sheet_width, sheet_height),
    )
    sides: list[SheetSide] = []
    for k, (front, back) in enumerate(order):
        shift = k * creep_per_sheet
        pairs: tuple[tuple[Side, tuple[int | None, int | None]], ...] = (
            ("front", front),
            ("back", back),
        )
        for side, (left, right) in pairs:
            placements = (
                Placement(k, side, 0, _index(left), spine - page_width + shift, y,
                          page_width, page_height, 0, shift, halves[0]),
                Placement(k, side, 1, _index(right), spine - shift, y,
                          page_width, page_height, 0, shift, halves[1]),
            )  # fmt: skip
            sides.append(SheetSide(k, side, placements))
    return sides


def _index(page: int | None) -> int | None:
    return None if page is None else page - 1


def page_matrix(p: Placement, trim: Box, rotate: int = 0) -> Matrix:
    """Source page coordinates -> sheet: the page's trim centre to the placement's, turned.

    `rotate` is the page's /Rotate (clockwise, for display); it is undone first, so the
    placement turns the page as a viewer shows it.
    """
    left, bottom, right, top = trim
    centre = translate(-(left + right) / 2, -(bottom + top) / 2)
    return then(then(centre, turn(-rotate)), p.matrix)


# -- marks ----------------------------------------------------------------------------------
MARK_OFFSET = 3 * MM
"""Crop marks start this far from the trim (docs/print-and-patients.md: about 3 mm) ..."""
MARK_LENGTH = 6 * MM
"""... and are about 6 mm long."""
MARK_ROOM = MARK_OFFSET + 3 * MM
"""Margin a grid keeps free around its cards so that marks stay printable (at least the
first 3 mm of each mark falls inside the printer's margin)."""
MARK_WIDTH = 0.25
"""Line width of crop and fold marks."""
PRINTABLE_EDGE = 0.25 * 72
"""Office printers leave about the outer 1/4 in (5 mm) of a sheet blank."""

Line = tuple[float, float, float, float]
"""A line segment (x0, y0, x1, y1) on a sheet side."""


def outer(boxes: Sequence[Box]) -> Box:
    """The smallest box holding every one of `boxes`."""
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def crop_mark_lines(
    boxes: Sequence[Box], width: float, height: float, bleed: float, spread: bool
) -> list[Line]:
    """Crop marks in line with every cut, outside the block of items (never over an item).

    `boxes` are the placed items of one `width` x `height` sheet side; the marks start
    `bleed` + 1 pt (at least MARK_OFFSET) outside the block and stay on the sheet. With
    `spread` the side is one folded spread: only the block's outer edges are cuts.
    """
    if not boxes:
        return []
    cuts = [outer(boxes)] if spread else list(boxes)
    left, bottom, right, top = outer(boxes)
    offset = max(MARK_OFFSET, bleed + 1)
    lines: list[Line] = []

    def seg(x0: float, y0: float, x1: float, y1: float) -> None:
        x0, x1 = max(0.0, min(x0, width)), max(0.0, min(x1, width))
        y0, y1 = max(0.0, min(y0, height)), max(0.0, min(y1, height))
        if abs(x1 - x0) + abs(y1 - y0) > 1:
            lines.append((x0, y0, x1, y1))

    for x in sorted({round(v, 3) for b in cuts for v in (b[0], b[2])}):
        seg(x, top + offset, x, top + offset + MARK_LENGTH)
        seg(x, bottom - offset, x, bottom - offset - MARK_LENGTH)
    for y in sorted({round(v, 3) for b in cuts for v in (b[1], b[3])}):
        seg(left - offset, y, left - offset - MARK_LENGTH, y)
        seg(right + offset, y, right + offset + MARK_LENGTH, y)
    return lines


def fold_mark_lines(boxes: Sequence[Box], width: float, height: float) -> list[Line]:
    """The spine (the sheet's centre) above and below the pages, to be drawn dashed.

    Where the pages fill the sheet (half-letter on Letter, A5 on A4) there is no room
    outside them, so the line lies over the pages' inner margins instead, starting where
    an office printer starts printing: the spine's gutter holds no text.
    """
    if not boxes:
        return []
    spine = width / 2
    _, bottom, _, top = outer(boxes)
    if height - top > MARK_OFFSET + 3 * MM:
        start, end = top + MARK_OFFSET, min(height, top + MARK_OFFSET + MARK_LENGTH)
    else:
        start, end = height - PRINTABLE_EDGE, height - PRINTABLE_EDGE - MARK_LENGTH
    lines: list[Line] = [(spine, start, spine, end)]
    if bottom > MARK_OFFSET + 3 * MM:
        start, end = bottom - MARK_OFFSET, max(0.0, bottom - MARK_OFFSET - MARK_LENGTH)
    else:
        start, end = PRINTABLE_EDGE, PRINTABLE_EDGE + MARK_LENGTH
    lines.append((spine, start, spine, end))
    return lines
