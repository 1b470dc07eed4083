"""Placement math as tables: grids, duplex backs, saddle-stitch order, creep. No PDFs."""

from __future__ import annotations

import pytest

from handouts.impose import (
    back_rotation,
    back_slot,
    booklet_plan,
    card_plan,
    fit_grid,
    pad_pages,
    padded_order,
    physical_position,
    saddle_order,
)
from handouts.layout import INCH, MM, PAGE_SIZES
from handouts.sheets import MARK_ROOM

LETTER, A4 = PAGE_SIZES["letter"], PAGE_SIZES["a4"]
CARDS = {
    # name: (sheet, card w, h, margin) -> expected count (PRINT-AND-PATIENTS.md)
    "wallet on Letter": (LETTER, 3.5 * INCH, 2 * INCH, 0.25 * INCH + MARK_ROOM, 10),
    "index on Letter": (LETTER, 5 * INCH, 3 * INCH, 0.25 * INCH + MARK_ROOM, 4),
    "EU on A4": (A4, 85 * MM, 55 * MM, 4 * MM + MARK_ROOM, 10),
    "A7 on A4, no margin": (A4, 74 * MM, 105 * MM, 0.0, 8),
}


@pytest.mark.parametrize("name", sorted(CARDS))
def test_cards_per_sheet(name: str) -> None:
    sheet, w, h, margin, expected = CARDS[name]
    grid = fit_grid(*sheet, w, h, margin=margin, gutter=0)
    assert grid.capacity == expected
    for slot in grid.slots:  # every slot inside the printable area
        assert slot.x >= margin - 1e-6 and slot.x + slot.width <= sheet[0] - margin + 1e-6
        assert slot.y >= margin - 1e-6 and slot.y + slot.height <= sheet[1] - margin + 1e-6


def test_wallet_grid_positions_table() -> None:
    grid = fit_grid(*LETTER, 252, 144, margin=18 + MARK_ROOM, gutter=0)
    assert (grid.cols, grid.rows) == (2, 5)
    assert [(s.x, s.y) for s in grid.slots[:4]] == [(54, 612), (306, 612), (54, 468), (306, 468)]
    assert all(s.rotation == 0 for s in grid.slots)


def test_rotation_only_when_it_fits_more() -> None:
    grid = fit_grid(*LETTER, 5 * INCH, 3 * INCH, margin=18 + MARK_ROOM, gutter=0)
    assert (grid.cols, grid.rows, grid.slots[0].rotation) == (2, 2, 90)


def test_gutter_for_bleed_reduces_count() -> None:
    grid = fit_grid(*LETTER, 252, 144, margin=18, gutter=0.25 * INCH, allow_rotate=False)
    assert grid.capacity == 8  # "8 with 1/8 in bleed and gutter"


def test_nothing_fits_is_an_error() -> None:
    with pytest.raises(ValueError):
        fit_grid(100, 100, 200, 50, margin=0, gutter=0)


def test_back_slot_tables_portrait_sheet() -> None:
    grid = fit_grid(*LETTER, 252, 144, margin=18 + MARK_ROOM, gutter=0)  # 2 cols x 5 rows
    assert [back_slot(grid, i, "long") for i in range(10)] == [1, 0, 3, 2, 5, 4, 7, 6, 9, 8]
    assert [back_slot(grid, i, "short") for i in range(10)] == [8, 9, 6, 7, 4, 5, 2, 3, 0, 1]
    assert [back_slot(grid, i, "none") for i in range(10)] == list(range(10))
    assert (back_rotation(grid, "long"), back_rotation(grid, "short")) == (0, 180)


def test_back_slot_on_a_landscape_sheet_swaps_axes() -> None:
    grid = fit_grid(792, 612, 252, 144, margin=18, gutter=0, allow_rotate=False)  # 3 x 4
    assert (grid.cols, grid.rows) == (3, 4)
    assert back_slot(grid, 0, "long") == 9  # turned top over bottom
    assert back_slot(grid, 0, "short") == 2  # turned left over right
    assert (back_rotation(grid, "long"), back_rotation(grid, "short")) == (180, 0)


@pytest.mark.parametrize("name", sorted(CARDS))
@pytest.mark.parametrize("flip", ["long", "short"])
def test_duplex_back_of_every_card_lands_behind_its_front(name: str, flip: str) -> None:
    sheet, w, h, margin, _ = CARDS[name]
    grid = fit_grid(*sheet, w, h, margin=margin, gutter=0)
    for k in range(1, grid.capacity + 1):
        plan = card_plan(k, grid, flip)  # type: ignore[arg-type]
        front, back = plan[0], plan[1]
        assert (front.side, back.side) == ("front", "back")
        fronts = {p.page // 2: p.slot for p in front.placements if p.page is not None}
        backs = {p.page // 2: p.slot for p in back.placements if p.page is not None}
        assert sorted(fronts) == sorted(backs) == list(range(k))
        for card in range(k):
            fx, fy = physical_position(grid, fronts[card], "front", flip)  # type: ignore[arg-type]
            bx, by = physical_position(grid, backs[card], "back", flip)  # type: ignore[arg-type]
            assert abs(fx - bx) < 0.5 and abs(fy - by) < 0.5, (name, flip, k, card)


def test_cards_fill_a_sheet_before_the_next() -> None:
    grid = fit_grid(*LETTER, 252, 144, margin=18 + MARK_ROOM, gutter=0)
    plan = card_plan(13, grid, "long")
    assert [(s.sheet, s.side, len(s.placements)) for s in plan] == [
        (0, "front", 10), (0, "back", 10), (1, "front", 3), (1, "back", 3),
    ]  # fmt: skip
    assert [p.page for p in plan[2].placements] == [20, 22, 24]
    assert sorted(p.page for p in plan[3].placements if p.page is not None) == [21, 23, 25]


def test_copies_repeat_a_design() -> None:
    grid = fit_grid(*LETTER, 252, 144, margin=18 + MARK_ROOM, gutter=0)
    plan = card_plan(4, grid, "long", sources=[0, 0, 1, 1])
    assert [p.page for p in plan[0].placements] == [0, 0, 2, 2]


def test_saddle_order_tables() -> None:
    assert saddle_order(4) == [((4, 1), (2, 3))]
    assert saddle_order(8) == [((8, 1), (2, 7)), ((6, 3), (4, 5))]
    assert saddle_order(12) == [
        ((12, 1), (2, 11)), ((10, 3), (4, 9)), ((8, 5), (6, 7)),
    ]  # fmt: skip


def test_padding_goes_before_the_back_cover() -> None:
    assert pad_pages(10) == 12 and pad_pages(12) == 12 and pad_pages(1) == 4
    assert padded_order(10) == [1, 2, 3, 4, 5, 6, 7, 8, 9, None, None, 10]
    assert saddle_order(10) == [((10, 1), (2, None)), ((None, 3), (4, 9)), ((8, 5), (6, 7))]


def test_booklet_plan_sheets_and_spine() -> None:
    w, h = PAGE_SIZES["half-letter"]
    plan = booklet_plan(10, w, h, 792, 612)
    assert len(plan) == 2 * pad_pages(10) // 4
    assert [(s.sheet, s.side) for s in plan] == [
        (0, "front"), (0, "back"), (1, "front"), (1, "back"), (2, "front"), (2, "back"),
    ]  # fmt: skip
    left, right = plan[0].placements
    assert (left.page, right.page) == (9, 0)  # 0-based: back cover left, cover right
    assert (left.x, right.x) == (0, 396) and left.y == 0


def test_creep_shifts_inner_sheets_toward_the_spine() -> None:
    w, h = PAGE_SIZES["a5"]
    creep = 0.005 * INCH
    plan = booklet_plan(12, w, h, *reversed(PAGE_SIZES["a4"]), creep_per_sheet=creep)
    spine = PAGE_SIZES["a4"][1] / 2
    for side in plan:
        left, right = side.placements
        k = side.sheet
        assert abs(left.x - (spine - w + k * creep)) < 1e-9  # left page moves right
        assert abs(right.x - (spine - k * creep)) < 1e-9  # right page moves left
        assert left.creep == right.creep == k * creep
