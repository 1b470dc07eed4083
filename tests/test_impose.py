"""Placement math as tables: grids, duplex backs, saddle-stitch order, creep. No PDFs."""

from __future__ import annotations

import itertools

import pytest

from handouts.impose import (
    Flip,
    Grid,
    Placement,
    apply,
    back_rotation,
    back_slot,
    booklet_plan,
    card_plan,
    fit_grid,
    pad_pages,
    padded_order,
    physical_position,
    saddle_order,
    then,
    translate,
    turn,
    turned_over,
)
from handouts.layout import INCH, MM, PAGE_SIZES
from handouts.sheets import MARK_ROOM

LETTER, A4 = PAGE_SIZES["letter"], PAGE_SIZES["a4"]
FLIPS: tuple[Flip, Flip] = ("long", "short")

# The counts of docs/print-and-patients.md, with the margins the brief gives:
# name: (sheet, card w, h, margin, allow_rotate) -> (cols, rows, rotation)
SHEETS: dict[str, tuple[tuple[float, float], float, float, float, bool, tuple[int, int, int]]] = {
    "wallet on Letter": (LETTER, 3.5 * INCH, 2 * INCH, 0.25 * INCH, False, (2, 5, 0)),
    # Turned, 4 x 2 in across and 3 x 3.5 in down fill the 8 x 10.5 in exactly: 12, not 10.
    "wallet on Letter, turned": (LETTER, 3.5 * INCH, 2 * INCH, 0.25 * INCH, True, (4, 3, 90)),
    "index 3x5 on Letter": (LETTER, 3 * INCH, 5 * INCH, 0.25 * INCH, True, (2, 2, 0)),
    "index 5x3 on Letter": (LETTER, 5 * INCH, 3 * INCH, 0.25 * INCH, True, (2, 2, 90)),
    "A7 on A4": (A4, 74 * MM, 105 * MM, 0.0, True, (2, 4, 90)),
    "EU on A4": (A4, 85 * MM, 55 * MM, 0.0, True, (2, 5, 0)),
    # as handouts' own layouts ask: printer margin plus room for the crop marks
    "wallet, layout": (LETTER, 3.5 * INCH, 2 * INCH, 0.25 * INCH + MARK_ROOM, True, (2, 5, 0)),
    "EU, layout": (A4, 85 * MM, 55 * MM, MARK_ROOM, True, (2, 5, 0)),
    "wallet, landscape Letter": (LETTER[::-1], 252, 144, 18, False, (3, 4, 0)),
}


def grid_for(name: str) -> Grid:
    sheet, w, h, margin, rotate, _ = SHEETS[name]
    return fit_grid(*sheet, w, h, margin=margin, gutter=0, allow_rotate=rotate)


@pytest.mark.parametrize("name", sorted(SHEETS))
def test_cards_per_sheet(name: str) -> None:
    sheet, w, h, margin, _, (cols, rows, rotation) = SHEETS[name]
    grid = grid_for(name)
    assert (grid.cols, grid.rows, grid.capacity) == (cols, rows, cols * rows)
    assert {s.rotation for s in grid.slots} == {rotation}
    placed = (h, w) if rotation == 90 else (w, h)
    for slot in grid.slots:  # every slot inside the printable area, at the card's size
        assert (slot.width, slot.height) == pytest.approx(placed)
        assert slot.x >= margin - 1e-6 and slot.x + slot.width <= sheet[0] - margin + 1e-6
        assert slot.y >= margin - 1e-6 and slot.y + slot.height <= sheet[1] - margin + 1e-6
    for a, b in itertools.combinations(grid.slots, 2):  # no two overlap
        assert (
            a.x + a.width <= b.x + 1e-6
            or b.x + b.width <= a.x + 1e-6
            or a.y + a.height <= b.y + 1e-6
            or b.y + b.height <= a.y + 1e-6
        )
    left = min(s.x for s in grid.slots)
    right = max(s.x + s.width for s in grid.slots)
    bottom = min(s.y for s in grid.slots)
    top = max(s.y + s.height for s in grid.slots)
    assert left == pytest.approx(sheet[0] - right) and bottom == pytest.approx(sheet[1] - top)


def test_counts_from_the_print_table() -> None:
    """docs/print-and-patients.md: wallet 10 on Letter, index 4, A7 8 on A4, EU 10 (9 w/ bleed)."""
    assert fit_grid(*LETTER, 252, 144, margin=18, gutter=0, allow_rotate=False).capacity == 10
    assert fit_grid(*LETTER, 216, 360, margin=18, gutter=0).capacity == 4
    assert fit_grid(*A4, 74 * MM, 105 * MM, margin=0, gutter=0).capacity == 8
    assert fit_grid(*A4, 85 * MM, 55 * MM, margin=0, gutter=0).capacity == 10
    assert fit_grid(*A4, 85 * MM, 55 * MM, margin=0, gutter=6 * MM).capacity == 9
    assert fit_grid(*A4, 74 * MM, 105 * MM, margin=6 * MM, gutter=0).capacity == 4
    assert fit_grid(*LETTER, 4 * INCH, 6 * INCH, margin=18, gutter=0).capacity == 2


def test_wallet_grid_positions_table() -> None:
    grid = fit_grid(*LETTER, 252, 144, margin=18 + MARK_ROOM, gutter=0)
    assert (grid.cols, grid.rows) == (2, 5)
    assert [(s.index, s.col, s.row) for s in grid.slots[:3]] == [(0, 0, 0), (1, 1, 0), (2, 0, 1)]
    assert [(s.x, s.y) for s in grid.slots[:4]] == [(54, 612), (306, 612), (54, 468), (306, 468)]
    assert (grid.slots[-1].x, grid.slots[-1].y) == (306, 36)  # row 4 is the bottom row
    assert all(s.rotation == 0 for s in grid.slots)


def test_gutter_spaces_the_cards() -> None:
    grid = fit_grid(*LETTER, 252, 144, margin=18, gutter=0.25 * INCH, allow_rotate=False)
    assert grid.capacity == 8  # "8 with 1/8 in bleed and gutter"
    assert grid.slots[1].x - (grid.slots[0].x + 252) == pytest.approx(18)
    assert grid.slots[0].y - (grid.slots[2].y + 144) == pytest.approx(18)


def test_rotation_only_when_it_fits_more() -> None:
    square = fit_grid(*LETTER, 200, 200, margin=18, gutter=0)
    assert square.capacity == 6 and square.slots[0].rotation == 0
    same = fit_grid(*LETTER, 3 * INCH, 5 * INCH, margin=18, gutter=0)  # 4 either way
    assert same.slots[0].rotation == 0


@pytest.mark.parametrize(
    "args",
    [(100, 100, 200, 50, 0, 0), (612, 792, 252, 144, 400, 0), (612, 792, 0, 144, 0, 0)],
)
def test_nothing_fits_is_an_error(args: tuple[float, ...]) -> None:
    sw, sh, w, h, margin, gutter = args
    with pytest.raises(ValueError):
        fit_grid(sw, sh, w, h, margin=margin, gutter=gutter)


def test_back_slot_tables_portrait_sheet() -> None:
    grid = grid_for("wallet on Letter")  # 2 cols x 5 rows
    assert [back_slot(grid, i, "long") for i in range(10)] == [1, 0, 3, 2, 5, 4, 7, 6, 9, 8]
    assert [back_slot(grid, i, "short") for i in range(10)] == [8, 9, 6, 7, 4, 5, 2, 3, 0, 1]
    assert [back_slot(grid, i, "none") for i in range(10)] == list(range(10))
    assert (back_rotation(grid, "long"), back_rotation(grid, "short")) == (0, 180)
    with pytest.raises(IndexError):
        back_slot(grid, 10, "long")


def test_back_slot_on_a_landscape_sheet_swaps_axes() -> None:
    grid = grid_for("wallet, landscape Letter")  # 3 cols x 4 rows
    assert back_slot(grid, 0, "long") == 9  # turned top over bottom
    assert back_slot(grid, 0, "short") == 2  # turned left over right
    assert (back_rotation(grid, "long"), back_rotation(grid, "short")) == (180, 0)


def test_back_rotation_of_cards_lying_sideways() -> None:
    """A card turned 90 on the sheet has its own vertical axis along the sheet's width."""
    portrait = grid_for("A7 on A4")
    assert [back_rotation(portrait, f, r) for f in FLIPS for r in (0, 90, 180, 270)] == [
        0, 270, 180, 90,  # long: left over right
        180, 90, 0, 270,  # short: top over bottom
    ]  # fmt: skip
    assert [back_rotation(portrait, "none", r) for r in (0, 90)] == [0, 90]
    with pytest.raises(ValueError):
        back_rotation(portrait, "long", 45)


def test_turned_over_mirrors_across_the_flip_axis() -> None:
    assert turned_over(612, 792, "long", 100, 200) == (512, 200)
    assert turned_over(612, 792, "short", 100, 200) == (100, 592)
    assert turned_over(792, 612, "long", 100, 200) == (100, 412)
    assert turned_over(792, 612, "short", 100, 200) == (692, 200)
    assert turned_over(792, 612, "none", 100, 200) == (100, 200)


DUPLEX = ["wallet on Letter", "wallet on Letter, turned", "index 3x5 on Letter",
          "index 5x3 on Letter", "A7 on A4", "EU on A4", "wallet, landscape Letter"]  # fmt: skip


@pytest.mark.parametrize("name", DUPLEX)
@pytest.mark.parametrize("flip", FLIPS)
def test_duplex_back_of_every_card_lands_behind_its_front(name: str, flip: Flip) -> None:
    grid = grid_for(name)
    for k in range(1, grid.capacity + 1):
        plan = card_plan(k, grid, flip)
        assert [(s.sheet, s.side) for s in plan] == [(0, "front"), (0, "back")]
        front, back = plan
        fronts = {p.page // 2: p.slot for p in front.placements if p.page is not None}
        backs = {p.page // 2: p.slot for p in back.placements if p.page is not None}
        assert [p.page for p in front.placements] == [2 * i for i in range(k)]
        assert sorted(p.page or 0 for p in back.placements) == [2 * i + 1 for i in range(k)]
        assert sorted(fronts) == sorted(backs) == list(range(k))
        for card in range(k):
            fx, fy = physical_position(grid, fronts[card], "front", flip)
            bx, by = physical_position(grid, backs[card], "back", flip)
            assert abs(fx - bx) < 0.5 and abs(fy - by) < 0.5, (name, flip, k, card)


@pytest.mark.parametrize("name", DUPLEX)
@pytest.mark.parametrize("flip", FLIPS)
def test_backs_read_upright_when_the_card_is_turned_like_a_page(name: str, flip: Flip) -> None:
    """Every corner of every back, once the sheet is turned over, lies on the right corner
    of its front: the point (x, y) of the front has (-x, y) of the back behind it."""
    grid = grid_for(name)
    front, back = card_plan(grid.capacity, grid, flip)
    backs = {p.page: p for p in back.placements}
    w, h = grid.slots[0].width / 2, grid.slots[0].height / 2
    r = max(w, h)
    for f in front.placements:
        b = backs[(f.page or 0) + 1]
        for x, y in [(-r, -r), (r, -r), (r, r), (-r, r), (r / 3, r / 2)]:
            fx, fy = apply(f.matrix, x, y)
            bx, by = turned_over(grid.sheet_width, grid.sheet_height, flip, *apply(b.matrix, -x, y))
            assert (bx, by) == pytest.approx((fx, fy), abs=0.01), (name, flip, f.page, (x, y))


def test_rotated_backs_in_the_plan() -> None:
    grid = grid_for("A7 on A4")  # 2 x 4, cards turned 90
    assert {p.rotation for p in card_plan(8, grid, "long")[1].placements} == {270}
    assert {p.rotation for p in card_plan(8, grid, "short")[1].placements} == {90}
    wallet = grid_for("wallet on Letter")
    assert {p.rotation for p in card_plan(3, wallet, "short")[1].placements} == {180}


def test_cards_fill_a_sheet_before_the_next() -> None:
    grid = grid_for("wallet on Letter")
    plan = card_plan(13, grid, "long")
    assert [(s.sheet, s.side, len(s.placements)) for s in plan] == [
        (0, "front", 10), (0, "back", 10), (1, "front", 3), (1, "back", 3),
    ]  # fmt: skip
    assert [(p.page, p.slot) for p in plan[2].placements] == [(20, 0), (22, 1), (24, 2)]
    assert [(p.page, p.slot) for p in plan[3].placements] == [(23, 0), (21, 1), (25, 3)]


def test_cards_without_backs_and_with_a_separate_back_sheet() -> None:
    grid = grid_for("wallet on Letter")
    plan = card_plan(12, grid, "long", has_backs=False)
    assert [(s.sheet, s.side) for s in plan] == [(0, "front"), (1, "front")]
    assert [p.page for p in plan[1].placements] == [10, 11]
    front, back = card_plan(3, grid, "none")
    assert [(p.page, p.slot, p.rotation) for p in back.placements] == [
        (1, 0, 0),
        (3, 1, 0),
        (5, 2, 0),
    ]
    assert [(p.x, p.y) for p in back.placements] == [(p.x, p.y) for p in front.placements]


def test_copies_repeat_a_design() -> None:
    grid = grid_for("wallet on Letter")
    plan = card_plan(4, grid, "long", sources=[0, 0, 1, 1])
    assert [p.page for p in plan[0].placements] == [0, 0, 2, 2]
    assert [p.page for p in plan[1].placements] == [1, 1, 3, 3]
    assert card_plan(0, grid, "long") == []
    with pytest.raises(ValueError):
        card_plan(3, grid, "long", sources=[0, 1])


def test_saddle_order_tables() -> None:
    assert saddle_order(4) == [((4, 1), (2, 3))]
    assert saddle_order(8) == [((8, 1), (2, 7)), ((6, 3), (4, 5))]
    assert saddle_order(12) == [
        ((12, 1), (2, 11)), ((10, 3), (4, 9)), ((8, 5), (6, 7)),
    ]  # fmt: skip


def test_padding_goes_before_the_back_cover() -> None:
    assert [pad_pages(n) for n in (1, 4, 5, 10, 12, 13)] == [4, 4, 8, 12, 12, 16]
    assert pad_pages(7, multiple=8) == 8
    assert padded_order(10) == [1, 2, 3, 4, 5, 6, 7, 8, 9, None, None, 10]
    assert saddle_order(10) == [((10, 1), (2, None)), ((None, 3), (4, 9)), ((8, 5), (6, 7))]
    assert saddle_order(1) == [((None, 1), (None, None))]
    assert saddle_order(2) == [((2, 1), (None, None))]
    with pytest.raises(ValueError):
        saddle_order(0)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 8, 10, 12, 13, 30, 64])
def test_saddle_order_is_a_folded_stack(n: int) -> None:
    """Each source page once; padded page p and 2N+1-p face each other across the spine,
    and odd page p has page p+1 on its back."""
    order = padded_order(n)
    sheets = saddle_order(n)
    assert len(sheets) == pad_pages(n) // 4
    seen = [p for sheet in sheets for side in sheet for p in side if p is not None]
    assert sorted(seen) == list(range(1, n + 1))
    position: dict[int, tuple[int, str, str, int | None]] = {}
    for k, ((fl, fr), (bl, br)) in enumerate(sheets):
        for side, half, page in [("f", "l", fl), ("f", "r", fr), ("b", "l", bl), ("b", "r", br)]:
            position[len(position)] = (k, side, half, page)
    where = {
        order.index(page) if page is not None else None: (k, side, half)
        for k, side, half, page in position.values()
    }
    total = len(order)
    for i in range(0, total, 2):  # 0-based padded page i is a recto, i + 1 its verso
        if order[i] is None or order[i + 1] is None:
            continue
        k1, s1, h1 = where[i]
        k2, s2, h2 = where[i + 1]
        assert k1 == k2 and {s1, s2} == {"f", "b"} and h1 != h2


def test_booklet_plan_sheets_and_spine() -> None:
    w, h = PAGE_SIZES["half-letter"]
    plan = booklet_plan(10, w, h, 792, 612)
    assert len(plan) == 2 * pad_pages(10) // 4
    assert [(s.sheet, s.side) for s in plan] == [
        (0, "front"), (0, "back"), (1, "front"), (1, "back"), (2, "front"), (2, "back"),
    ]  # fmt: skip
    assert [tuple(p.page for p in s.placements) for s in plan] == [
        (9, 0), (1, None), (None, 2), (3, 8), (7, 4), (5, 6),
    ]  # fmt: skip
    left, right = plan[0].placements
    assert (left.x, right.x, left.y, right.y) == (0, 396, 0, 0)
    assert (left.slot, right.slot, left.rotation, right.rotation) == (0, 1, 0, 0)
    assert (left.clip, right.clip) == ((0, 0, 396, 612), (396, 0, 792, 612))


def test_booklet_pages_are_centred_on_a_larger_sheet() -> None:
    plan = booklet_plan(4, 300, 400, 792, 612)
    left, right = plan[0].placements
    assert (left.x, right.x, left.y) == (96, 396, 106)


@pytest.mark.parametrize("n", [4, 10, 12, 30])
def test_booklet_recto_and_verso_back_to_back(n: int) -> None:
    """Printed duplex, flip "short" on the landscape sheet: page 2 lies behind page 1."""
    sheet = PAGE_SIZES["a4"][::-1]
    plan = booklet_plan(n, *PAGE_SIZES["a5"], *sheet, creep_per_sheet=0.5)
    centres: dict[int, tuple[str, tuple[float, float]]] = {}
    for side in plan:
        for p in side.placements:
            cx, cy = p.x + p.width / 2, p.y + p.height / 2
            if side.side == "back":
                cx, cy = turned_over(*sheet, "short", cx, cy)
            if p.page is not None:
                centres[p.page] = (side.side, (cx, cy))
    for page in range(0, n - 1, 2):  # 0-based: page 0 recto, page 1 its verso, ...
        if page + 1 == n - 1 and n % 4:
            continue  # the back cover moved past the blanks
        assert centres[page][0] != centres[page + 1][0]
        assert centres[page][1] == pytest.approx(centres[page + 1][1], abs=0.5)


def test_creep_shifts_inner_sheets_toward_the_spine() -> None:
    w, h = PAGE_SIZES["a5"]
    creep = 0.005 * INCH
    sheet = PAGE_SIZES["a4"][::-1]
    plan = booklet_plan(12, w, h, *sheet, creep_per_sheet=creep)
    spine = sheet[0] / 2
    for side in plan:
        left, right = side.placements
        k = side.sheet
        assert left.x == pytest.approx(spine - w + k * creep)  # left page moves right
        assert right.x == pytest.approx(spine - k * creep)  # right page moves left
        assert left.creep == right.creep == pytest.approx(k * creep)
        assert left.clip == (0, 0, spine, sheet[1]) and right.clip == (spine, 0, *sheet)
    assert plan[0].placements[0].x == pytest.approx(spine - w)  # outermost sheet stays put
    inner = plan[-1].placements[1].x - plan[0].placements[1].x
    assert inner == pytest.approx(-2 * creep)  # innermost of 3 sheets: 2 x creep inward
    with pytest.raises(ValueError):
        booklet_plan(12, w, h, *sheet, creep_per_sheet=w / 2)
    with pytest.raises(ValueError):
        booklet_plan(4, w, h, *PAGE_SIZES["a4"])  # portrait sheet: two pages do not fit


def test_matrices() -> None:
    assert apply(turn(90), 1, 0) == (0, 1)
    assert apply(turn(270), 1, 0) == (0, -1)
    assert apply(then(turn(90), translate(10, 20)), 1, 0) == (10, 21)
    assert apply(then(translate(10, 20), turn(90)), 1, 0) == (-20, 11)
    with pytest.raises(ValueError):
        turn(30)
    p = Placement(0, "front", 0, 0, 100, 200, 144, 252, 90)
    assert apply(p.matrix, 0, 0) == (172, 326)  # item centre to placed centre
    assert apply(p.matrix, 126, 72) == (100, 452)  # upright top-right -> placed top-left
    with pytest.raises(ValueError):
        Placement(0, "front", 0, 0, 0, 0, 1, 1, 45)
