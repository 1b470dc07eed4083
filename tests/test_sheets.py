"""Plans drawn onto sheets, read back: sizes, slots' text, duplex, marks, clipping, soundness."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject
from reportlab.pdfgen.canvas import Canvas

from handouts.impose import (
    Grid,
    Matrix,
    Placement,
    SheetSide,
    back_slot,
    booklet_plan,
    card_plan,
    fit_grid,
    then,
)
from handouts.layout import MM, PAGE_SIZES
from handouts.sheets import MARK_LENGTH, MARK_OFFSET, MARK_ROOM, Marks, impose

from .conftest import assert_sound_pdf, run

LETTER, A4 = PAGE_SIZES["letter"], PAGE_SIZES["a4"]
WALLET = (252.0, 144.0)
RED, BLUE, WHITE = (1.0, 0.0, 0.0), (0.0, 0.0, 1.0), (255, 255, 255)


def numbered_pdf(
    n: int, size: tuple[float, float], bleed: float = 0.0, fill: bool = False
) -> bytes:
    """n pages saying P<number> at the trim centre; the trim box is inset by `bleed`.

    With `fill`, each page first paints its whole media box (trim + bleed): odd pages red,
    even pages blue.
    """
    w, h = size
    buffer = io.BytesIO()
    c = Canvas(
        buffer,
        pagesize=(w + 2 * bleed, h + 2 * bleed),
        invariant=1,
        trimBox=(bleed, bleed, bleed + w, bleed + h),
        bleedBox=(0, 0, w + 2 * bleed, h + 2 * bleed),
    )
    for i in range(1, n + 1):
        if fill:
            c.setFillColorRGB(*(RED if i % 2 else BLUE))
            c.rect(0, 0, w + 2 * bleed, h + 2 * bleed, stroke=0, fill=1)
            c.setFillColorRGB(0, 0, 0)
        c.setFont("Helvetica", 10)
        c.drawString(bleed + w / 2, bleed + h / 2, f"P{i}")
        c.showPage()
    c.save()
    return buffer.getvalue()


Text = tuple[str, float, float, float, float]
"""A text run as placed on the sheet: text, start x, start y, direction dx, dy."""


class _Runs:
    """Text runs of one sheet in sheet coordinates, collected by pypdf's visitors.

    pypdf reports text inside a Form XObject in the form's own space, so the sheet's
    matrix in force at the `Do` that draws the form is composed on here.
    """

    def __init__(self) -> None:
        self.outer: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        self.found: list[Text] = []

    def before(self, op: bytes, args: Any, cm: Sequence[float], tm: Sequence[float]) -> None:
        if op == b"Do":
            self.outer = _matrix(cm)

    def visit(self, text: str, cm: Sequence[float], tm: Sequence[float], *_: Any) -> None:
        if text.strip():
            m = then(then(_matrix(tm), _matrix(cm)), self.outer)
            self.found.append((text.strip(), m[4], m[5], round(m[0], 6), round(m[1], 6)))


def _matrix(values: Sequence[float]) -> Matrix:
    a, b, c, d, e, f = (float(v) for v in values)
    return (a, b, c, d, e, f)


def placed_text(data: bytes) -> list[list[Text]]:
    """Every text run of every sheet: text, where it starts on the sheet, which way it runs."""
    sheets = []
    for page in PdfReader(io.BytesIO(data)).pages:
        runs = _Runs()
        page.extract_text(visitor_operand_before=runs.before, visitor_text=runs.visit)
        sheets.append(runs.found)
    return sheets


def sound(data: bytes, tmp_path: Path) -> PdfReader:
    """qpdf --check without a warning (where qpdf is installed), pypdf strict, no warning."""
    path = tmp_path / "sheets.pdf"
    path.write_bytes(data)
    assert_sound_pdf(path)
    return PdfReader(path, strict=True)


def wallet_grid() -> Grid:
    return fit_grid(*LETTER, *WALLET, margin=18 + MARK_ROOM, gutter=0)


def slot_of(grid: Grid, x: float, y: float) -> int:
    inside = [s.index for s in grid.slots if s.x < x < s.x + s.width and s.y < y < s.y + s.height]
    assert len(inside) == 1, (x, y)
    return inside[0]


def get(obj: DictionaryObject, *keys: str) -> DictionaryObject:
    """obj[k1][k2]..., each resolved: a dictionary (or stream) to read."""
    for key in keys:
        obj = cast(DictionaryObject, obj[key].get_object())
    return obj


def sheet_ops(data: bytes, index: int) -> str:
    content = PdfReader(io.BytesIO(data)).pages[index].get_contents()
    assert content is not None
    return content.get_data().decode("ascii")


def pixels(data: bytes, page: int, dpi: int = 72) -> tuple[int, int, bytes]:
    """The sheet rendered by pdftoppm as RGB: width, height, rows from the top."""
    ppm = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-f", str(page + 1), "-l", str(page + 1), "-"],
        input=data,
        capture_output=True,
        check=True,
    ).stdout
    match = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", ppm)
    assert match
    return int(match[1]), int(match[2]), ppm[match.end() :]


def colour_at(
    image: tuple[int, int, bytes], x: float, y: float, sheet_height: float
) -> tuple[int, ...]:
    """The colour at sheet point (x, y) (points, from the bottom-left) at 72 dpi."""
    width, _, rgb = image
    row, col = int(sheet_height - y), int(x)
    i = 3 * (row * width + col)
    return tuple(rgb[i : i + 3])


needs_pdftoppm = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="no pdftoppm")


# -- booklets -------------------------------------------------------------------------------
def halves(data: bytes, spine: float) -> list[tuple[list[str], list[str]]]:
    return [
        ([t for t, x, *_ in found if x < spine], [t for t, x, *_ in found if x >= spine])
        for found in placed_text(data)
    ]


def test_booklet_sheets_carry_the_right_pages_left_and_right(tmp_path: Path) -> None:
    page = PAGE_SIZES["half-letter"]
    source = numbered_pdf(10, page)
    plan = booklet_plan(10, *page, 792, 612)
    data = impose(source, plan, (792, 612), Marks(crop=False, fold=True), duplex="short")
    reader = sound(data, tmp_path)
    assert len(reader.pages) == 6  # 12 padded pages / 4 per sheet, front and back
    for sheet in reader.pages:
        assert abs(float(sheet.mediabox.width) - 792) < 0.5
        assert abs(float(sheet.mediabox.height) - 612) < 0.5
    assert halves(data, 396) == [
        (["P10"], ["P1"]), (["P2"], []), ([], ["P3"]), (["P4"], ["P9"]),
        (["P8"], ["P5"]), (["P6"], ["P7"]),
    ]  # fmt: skip
    prefs = get(reader.trailer, "/Root", "/ViewerPreferences")
    assert (
        str(prefs["/PrintScaling"]) == "/None" and str(prefs["/Duplex"]) == "/DuplexFlipShortEdge"
    )


def test_a5_booklet_on_a4_with_creep(tmp_path: Path) -> None:
    sheet = A4[::-1]
    source = numbered_pdf(12, PAGE_SIZES["a5"])
    plan = booklet_plan(12, *PAGE_SIZES["a5"], *sheet, creep_per_sheet=0.36)
    data = impose(source, plan, sheet, Marks(crop=True, fold=True), duplex="short")
    reader = sound(data, tmp_path)
    assert len(reader.pages) == 6
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(sheet[0], abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(sheet[1], abs=0.5)
    assert halves(data, sheet[0] / 2) == [
        (["P12"], ["P1"]), (["P2"], ["P11"]), (["P10"], ["P3"]), (["P4"], ["P9"]),
        (["P8"], ["P5"]), (["P6"], ["P7"]),
    ]  # fmt: skip
    # creep: page 5's text (sheet 3, right page) starts 2 x 0.36 pt nearer the spine than
    # page 1's (sheet 1, right page)
    x1 = next(x for t, x, *_ in placed_text(data)[0] if t == "P1")
    x5 = next(x for t, x, *_ in placed_text(data)[4] if t == "P5")
    assert x1 - x5 == pytest.approx(0.72, abs=0.01)


@needs_pdftoppm
def test_creep_never_carries_a_page_across_the_spine() -> None:
    """Left and right pages are painted edge to edge (odd red, even blue); with creep each
    stays on its side of the fold although its trim box reaches past it."""
    w, h = 300.0, 400.0
    sheet = (792.0, 612.0)
    creep = 6.0
    plan = booklet_plan(12, w, h, *sheet, creep_per_sheet=creep)
    data = impose(numbered_pdf(12, (w, h), fill=True), plan, sheet, Marks(crop=False))
    image = pixels(data, 4)  # sheet 3 front: (8, 5), shifted 12 pt toward the spine
    spine = sheet[0] / 2
    assert colour_at(image, spine - 6, 300, sheet[1]) == (0, 0, 255)  # page 8 up to the spine
    assert colour_at(image, spine + 6, 300, sheet[1]) == (255, 0, 0)  # page 5 from it
    assert colour_at(image, spine - w + 2 * creep + 3, 300, sheet[1]) == (0, 0, 255)
    assert colour_at(image, spine - w + 2 * creep - 3, 300, sheet[1]) == WHITE  # moved in


def test_fold_and_crop_marks_of_a_spread(tmp_path: Path) -> None:
    """On a sheet with room around the pages: a dashed fold mark at the spine above and
    below, and crop marks only at the spread's outer edges (the spine is folded, not cut)."""
    plan = booklet_plan(8, 300, 400, 792, 612, creep_per_sheet=2)
    data = impose(numbered_pdf(8, (300, 400)), plan, (792, 612), Marks(crop=True, fold=True))
    sound(data, tmp_path)
    ops = sheet_ops(data, 2)  # sheet 2: pages moved 2 pt toward the spine
    assert "[2 2] 0 d\n396 " in ops
    fold = re.findall(r"\[2 2\] 0 d(.*?)\[\] 0 d", ops, re.S)[0]
    assert fold.count(" l S") == 2
    crop = ops.split("w\n", 1)[1].split("[2 2]")[0]
    xs = {
        float(x0)
        for x0, _, x1, _ in re.findall(r"([\d.]+) ([\d.]+) m ([\d.]+) ([\d.]+) l S", crop)
        if x0 == x1
    }
    assert xs == {98.0, 694.0}  # 396 - 300 + 2 and 396 + 300 - 2: not the spine


def test_fold_marks_where_the_pages_fill_the_sheet(tmp_path: Path) -> None:
    """Half-letter pages fill a Letter sheet: the fold mark is drawn inside, at the spine,
    from where an office printer starts printing (1/4 in) inwards, top and bottom."""
    page = PAGE_SIZES["half-letter"]
    plan = booklet_plan(8, *page, 792, 612)
    data = impose(numbered_pdf(8, page), plan, (792, 612), Marks(crop=True, fold=True))
    sound(data, tmp_path)
    for side in range(4):
        ops = sheet_ops(data, side)
        fold = re.findall(r"\[2 2\] 0 d(.*?)\[\] 0 d", ops, re.S)[0]
        lines = re.findall(r"([\d.]+) ([\d.]+) m ([\d.]+) ([\d.]+) l S", fold)
        ys = sorted((float(y0), float(y1)) for x0, y0, x1, y1 in lines if x0 == x1 == "396")
        assert len(ys) == 2, ops
        (b0, b1), (t0, t1) = ys
        assert (b0, t0) == (18, 612 - 18)  # starts at the printable edge
        assert b1 == pytest.approx(18 + 17.01, abs=0.01) and t1 == pytest.approx(
            594 - 17.01, abs=0.01
        )


# -- cards ----------------------------------------------------------------------------------
def test_card_sheet_front_slots_and_mirrored_backs(tmp_path: Path) -> None:
    grid = wallet_grid()
    source = numbered_pdf(6, WALLET, bleed=9)  # 3 cards: fronts P1 P3 P5, backs P2 P4 P6
    data = impose(source, card_plan(3, grid, "long"), LETTER, Marks(crop=True), duplex="long")
    reader = sound(data, tmp_path)
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(612, abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(792, abs=0.5)
    front, back = placed_text(data)
    assert {t: slot_of(grid, x, y) for t, x, y, *_ in front} == {"P1": 0, "P3": 1, "P5": 2}
    assert {t: slot_of(grid, x, y) for t, x, y, *_ in back} == {"P2": 1, "P4": 0, "P6": 3}
    assert {(dx, dy) for *_, dx, dy in front + back} == {(1, 0)}  # all upright
    for _t, x, y, *_ in front:  # the text starts at the trim centre of its slot
        slot = grid.slots[slot_of(grid, x, y)]
        assert (x, y) == pytest.approx(slot.centre, abs=0.01)
    prefs = get(reader.trailer, "/Root", "/ViewerPreferences")
    assert str(prefs["/PrintScaling"]) == "/None" and str(prefs["/Duplex"]) == "/DuplexFlipLongEdge"


def test_short_edge_backs_are_turned_upside_down(tmp_path: Path) -> None:
    grid = wallet_grid()
    data = impose(numbered_pdf(4, WALLET), card_plan(2, grid, "short"), LETTER, duplex="short")
    sound(data, tmp_path)
    front, back = placed_text(data)
    assert {(t, slot_of(grid, x, y), dx, dy) for t, x, y, dx, dy in front} == {
        ("P1", 0, 1, 0), ("P3", 1, 1, 0),
    }  # fmt: skip
    assert {(t, slot_of(grid, x, y), dx, dy) for t, x, y, dx, dy in back} == {
        ("P2", 8, -1, 0), ("P4", 9, -1, 0),
    }  # fmt: skip
    for _t, x, y, *_ in back:  # a 180-degree turn about the slot centre: text ends there
        slot = grid.slots[slot_of(grid, x, y)]
        assert (x, y) == pytest.approx(slot.centre, abs=0.01)


@pytest.mark.parametrize(("flip", "back_dir"), [("long", (0, -1)), ("short", (0, 1))])
def test_cards_lying_sideways_get_backs_that_read_upright(
    flip: str, back_dir: tuple[int, int], tmp_path: Path
) -> None:
    """A7 on A4 lie turned 90 degrees; the back of each sits behind its front and runs the
    way that reads upright once the cut card is turned over like a book page."""
    grid = fit_grid(*A4, 74 * MM, 105 * MM, margin=0, gutter=0)
    plan = card_plan(8, grid, flip)  # type: ignore[arg-type]
    data = impose(numbered_pdf(16, (74 * MM, 105 * MM)), plan, A4, Marks(crop=False))
    sound(data, tmp_path)
    front, back = placed_text(data)
    assert {(dx, dy) for *_, dx, dy in front} == {(0, 1)}
    assert {(dx, dy) for *_, dx, dy in back} == {back_dir}
    fronts = {int(t[1:]): slot_of(grid, x, y) for t, x, y, *_ in front}
    backs = {int(t[1:]): slot_of(grid, x, y) for t, x, y, *_ in back}
    assert sorted(fronts) == list(range(1, 17, 2))
    for page, slot in fronts.items():
        assert backs[page + 1] == back_slot(grid, slot, flip)  # type: ignore[arg-type]


def mark_segments(ops: str) -> list[tuple[float, float, float, float]]:
    return [
        (float(a), float(b), float(c), float(d))
        for a, b, c, d in re.findall(r"(-?[\d.]+) (-?[\d.]+) m (-?[\d.]+) (-?[\d.]+) l S", ops)
    ]


@pytest.mark.parametrize("bleed", [0.0, 9.0])
def test_crop_marks_stay_off_the_cards_and_their_bleed(bleed: float) -> None:
    grid = fit_grid(*LETTER, *WALLET, margin=18 + MARK_ROOM, gutter=2 * bleed)
    n = grid.capacity
    source = numbered_pdf(2 * n, WALLET, bleed=bleed)
    data = impose(source, card_plan(n, grid, "long"), LETTER, Marks(crop=True, bleed=bleed))
    ops = sheet_ops(data, 0)
    assert "0 G 0.25 w" in ops
    segments = mark_segments(ops)
    xs = {s.x for s in grid.slots} | {s.x + s.width for s in grid.slots}
    ys = {s.y for s in grid.slots} | {s.y + s.height for s in grid.slots}
    assert len(segments) == 2 * len(xs) + 2 * len(ys)  # every cut, top and bottom / both sides
    left, right = min(xs), max(xs)
    bottom, top = min(ys), max(ys)
    for x0, y0, x1, y1 in segments:
        assert x0 == x1 or y0 == y1
        assert abs(x1 - x0) + abs(y1 - y0) == pytest.approx(MARK_LENGTH, abs=0.01)
        if x0 == x1:  # in line with a vertical cut, above or below the block
            assert any(abs(x0 - x) < 0.01 for x in xs)
            near = min(abs(y0 - top), abs(y0 - bottom), abs(y1 - top), abs(y1 - bottom))
        else:
            assert any(abs(y0 - y) < 0.01 for y in ys)
            near = min(abs(x0 - left), abs(x0 - right), abs(x1 - left), abs(x1 - right))
        assert near == pytest.approx(max(MARK_OFFSET, bleed + 1), abs=0.01)
        for slot in grid.slots:  # never within a card's trim grown by the bleed
            for t in (0.0, 0.5, 1.0):
                x, y = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
                assert not (
                    slot.x - bleed < x < slot.x + slot.width + bleed
                    and slot.y - bleed < y < slot.y + slot.height + bleed
                )


@needs_pdftoppm
@pytest.mark.parametrize("bleed", [0.0, 4.5])
def test_each_card_shows_its_bleed_and_nothing_beyond(bleed: float) -> None:
    """The source cards carry 9 pt of bleed; the sheet shows only `bleed` of it."""
    grid = fit_grid(*LETTER, *WALLET, margin=18 + MARK_ROOM, gutter=0, allow_rotate=False)
    source = numbered_pdf(2, WALLET, bleed=9, fill=True)
    plan = card_plan(1, grid, "long")
    data = impose(source, plan, LETTER, Marks(crop=False, bleed=bleed))
    image = pixels(data, 0)
    slot = grid.slots[0]
    mid_y = slot.y + slot.height / 2
    assert colour_at(image, slot.x + 2, mid_y, 792) == (255, 0, 0)
    assert colour_at(image, slot.x - 2, mid_y, 792) == ((255, 0, 0) if bleed else WHITE)
    assert colour_at(image, slot.x - 7, mid_y, 792) == WHITE  # 9 pt of bleed in the source
    assert colour_at(image, slot.x + slot.width + 7, mid_y, 792) == WHITE  # neighbour slot


# -- the PDF itself -------------------------------------------------------------------------
def test_imposition_is_byte_identical() -> None:
    page = PAGE_SIZES["a5"]
    source = numbered_pdf(8, page)
    sheet = A4[::-1]
    plan = booklet_plan(8, *page, *sheet, creep_per_sheet=0.36)
    a = impose(source, plan, sheet, Marks(fold=True), duplex="short")
    b = impose(source, plan, sheet, Marks(fold=True), duplex="short")
    assert a == b
    assert b"/CreationDate" not in a and b"/ModDate" not in a
    ids = cast(ArrayObject, PdfReader(io.BytesIO(a)).trailer["/ID"])
    changed = impose(numbered_pdf(9, page), plan, sheet)
    other = cast(ArrayObject, PdfReader(io.BytesIO(changed)).trailer["/ID"])
    assert ids[0] == ids[1] and ids[0] != other[0]


def test_one_form_per_source_page_reused_across_slots_and_sheets() -> None:
    grid = wallet_grid()
    plan = card_plan(13, grid, "long", sources=[0] * 12 + [1])
    source = numbered_pdf(4, WALLET)
    data = impose(source, plan, LETTER)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 4
    front0 = get(reader.pages[0], "/Resources", "/XObject")
    front1 = get(reader.pages[2], "/Resources", "/XObject")
    assert list(front0) == ["/P0"] and sorted(front1) == ["/P0", "/P2"]
    assert front0.raw_get("/P0").idnum == front1.raw_get("/P0").idnum
    form = get(front0, "/P0")
    assert (str(form["/Type"]), str(form["/Subtype"])) == ("/XObject", "/Form")
    # The page's content stream is copied as it is, still encoded: same filters, same
    # bytes (decoding and compressing it again was most of the imposition's time).
    page = get(PdfReader(io.BytesIO(source)).pages[0], "/Contents")
    assert form["/Filter"] == page["/Filter"]
    assert form._data == page._data
    assert sheet_ops(data, 0).count("/P0 Do") == 10
    assert [t for t, *_ in placed_text(data)[0]] == ["P1"] * 10
    assert str(get(reader.pages[0], "/Contents")["/Filter"]) == "/FlateDecode"


def test_sheet_operators_clip_each_page_to_its_trim_and_bleed() -> None:
    grid = wallet_grid()
    data = impose(
        numbered_pdf(2, WALLET, bleed=9), card_plan(1, grid, "long"), LETTER, Marks(bleed=4)
    )
    slot = grid.slots[0]
    # trim box of the source: (9, 9, 261, 153); shown 4 pt beyond it, centred on the slot
    dx, dy = slot.x - 9, slot.y - 9
    assert f"q 1 0 0 1 {dx:g} {dy:g} cm 5 5 260 152 re W n /P0 Do Q" in sheet_ops(data, 0)


def test_pages_with_an_array_of_content_streams(tmp_path: Path) -> None:
    """/Contents may be an array; every stream of it is drawn, in order."""
    writer = PdfWriter(clone_from=io.BytesIO(numbered_pdf(2, WALLET)))
    for page in writer.pages:
        extra = DecodedStreamObject()
        extra.set_data(b"BT /F1 8 Tf 20 20 Td (extra) Tj ET")
        page[NameObject("/Contents")] = ArrayObject(
            [page.raw_get("/Contents"), writer._add_object(extra)]
        )
    buffer = io.BytesIO()
    writer.write(buffer)
    grid = wallet_grid()
    data = impose(buffer.getvalue(), card_plan(1, grid, "long"), LETTER)
    sound(data, tmp_path)
    front, back = placed_text(data)
    assert [t for t, *_ in front] == ["P1", "extra"] and [t for t, *_ in back] == ["P2", "extra"]
    assert slot_of(grid, *front[1][1:3]) == 0


def test_a_rotated_source_page_is_placed_as_it_is_shown(tmp_path: Path) -> None:
    """A portrait page with /Rotate 90 shows landscape: it fills a landscape slot, its text
    running down the page as a viewer shows it."""
    source = numbered_pdf(1, WALLET[::-1])
    writer = PdfWriter(clone_from=io.BytesIO(source))
    writer.pages[0].rotate(90)
    buffer = io.BytesIO()
    writer.write(buffer)
    grid = wallet_grid()
    plan = [SheetSide(0, "front", (Placement(0, "front", 0, 0, *_slot_box(grid), 0),))]
    data = impose(buffer.getvalue(), plan, LETTER)
    sound(data, tmp_path)
    [(text, x, y, dx, dy)] = placed_text(data)[0]
    assert (text, slot_of(grid, x, y), dx, dy) == ("P1", 0, 0, -1)
    assert (x, y) == pytest.approx(grid.slots[0].centre, abs=0.01)


def _slot_box(grid: Grid) -> tuple[float, float, float, float]:
    s = grid.slots[0]
    return (s.x, s.y, s.width, s.height)


def test_viewer_preferences_and_errors() -> None:
    grid = wallet_grid()
    source = numbered_pdf(2, WALLET)
    for duplex, expected in [("long", "/DuplexFlipLongEdge"), ("short", "/DuplexFlipShortEdge"),
                             ("none", None), (None, None)]:  # fmt: skip
        data = impose(source, card_plan(1, grid, "long"), LETTER, duplex=duplex)  # type: ignore[arg-type]
        prefs = get(PdfReader(io.BytesIO(data)).trailer, "/Root", "/ViewerPreferences")
        assert str(prefs["/PrintScaling"]) == "/None" and prefs.get("/Duplex") == expected
    with pytest.raises(ValueError, match="page 3 of a 2-page PDF"):
        impose(source, card_plan(2, grid, "long"), LETTER)
    with pytest.raises(ValueError):
        impose(source, card_plan(1, grid, "long"), LETTER, Marks(bleed=-1))


def test_a_thousand_pages_make_one_form_each() -> None:
    """Not timed: the output holds one form per page and stays about the source's size."""
    page = PAGE_SIZES["a5"]
    source = numbered_pdf(1000, page)
    data = impose(source, booklet_plan(1000, *page, *A4[::-1]), A4[::-1])
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 500
    forms = {
        xobjects.raw_get(name).idnum
        for sheet in reader.pages
        for xobjects in [get(sheet, "/Resources", "/XObject")]
        for name in xobjects
    }
    assert len(forms) == 1000
    assert len(data) < 1.5 * len(source)
    assert halves(data, A4[1] / 2)[499] == (["P500"], ["P501"])


# -- through the command line ---------------------------------------------------------------
@pytest.mark.parametrize("size", ["wallet", "eu", "index", "a7"])
def test_office_card_sheets_from_the_cli(project: Path, size: str, tmp_path: Path) -> None:
    result = run("card", "sacral-traction", "--size", size, "-o", "s.pdf")
    assert result.exit_code == 0, result.output
    reader = PdfReader(project / "s.pdf", strict=True)
    expected = {"wallet": 8, "eu": 9, "index": 3, "a7": 8}[size]
    sheet = PAGE_SIZES["a4" if size in ("eu", "a7") else "letter"]
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert abs(float(page.mediabox.width) - sheet[0]) < 0.5
        assert abs(float(page.mediabox.height) - sheet[1]) < 0.5
    assert reader.pages[0].extract_text().count("Sacral Traction") == expected
    assert reader.pages[1].extract_text().count("Questions? Call") == expected
    assert_sound_pdf(project / "s.pdf")


def test_build_writes_the_card_sheet(project: Path) -> None:
    result = run("build")
    assert result.exit_code == 0, result.output
    assert "out/sacral-traction.card.pdf" in result.stdout.splitlines()
    reader = PdfReader(project / "out/sacral-traction.card.pdf")
    assert reader.pages[0].extract_text().count("Sacral Traction") == 8


@pytest.mark.parametrize("size", ["wallet", "eu", "index", "a7"])
def test_office_sheet_text_stays_5mm_inside_the_paper_edge(project: Path, size: str) -> None:
    """Office printers do not print the outer ~5 mm: no glyph of a card sheet goes there."""
    from .conftest import glyphs

    assert run("card", "sacral-traction", "--size", size, "-o", "s.pdf").exit_code == 0
    reader = PdfReader(project / "s.pdf")
    for page, chars in zip(reader.pages, glyphs(project / "s.pdf"), strict=True):
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        closest = min(min(g.x0, g.y0, w - g.x1, h - g.y1) for g in chars)
        assert closest >= 5 * MM, (size, closest / MM)
