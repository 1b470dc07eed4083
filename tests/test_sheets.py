"""Plans drawn onto sheets, read back: sizes, slots' text, duplex, marks, soundness."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from handouts.impose import booklet_plan, card_plan, fit_grid
from handouts.layout import PAGE_SIZES
from handouts.sheets import MARK_ROOM, Marks, impose

from .conftest import run, text_lines


def numbered_pdf(n: int, size: tuple[float, float], bleed: float = 0.0) -> bytes:
    """n pages, each saying P<number> at its centre, trim box inset by `bleed`."""
    w, h = size
    buffer = io.BytesIO()
    c = Canvas(
        buffer,
        pagesize=(w + 2 * bleed, h + 2 * bleed),
        invariant=1,
        trimBox=(bleed, bleed, bleed + w, bleed + h),
    )
    for i in range(1, n + 1):
        c.setFont("Helvetica", 10)
        c.drawCentredString(bleed + w / 2, bleed + h / 2, f"P{i}")
        c.showPage()
    c.save()
    return buffer.getvalue()


def qpdf_clean(data: bytes, tmp_path: Path) -> None:
    if shutil.which("qpdf") is None:
        return
    path = tmp_path / "check.pdf"
    path.write_bytes(data)
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0 and "WARNING" not in check.stdout + check.stderr, check.stdout


def test_booklet_sheets_carry_the_right_pages_left_and_right(tmp_path: Path) -> None:
    page = PAGE_SIZES["half-letter"]
    source = numbered_pdf(10, page)
    plan = booklet_plan(10, *page, 792, 612)
    data = impose(source, plan, (792, 612), Marks(crop=False, fold=True))
    reader = PdfReader(io.BytesIO(data), strict=True)
    assert len(reader.pages) == 6  # 12 padded pages / 4 per sheet, front and back
    halves = []
    for sheet, found in zip(reader.pages, text_lines(data), strict=True):
        assert abs(float(sheet.mediabox.width) - 792) < 0.5
        assert abs(float(sheet.mediabox.height) - 612) < 0.5
        left = [t for x, _, t in found if x < 396]
        right = [t for x, _, t in found if x >= 396]
        halves.append((left, right))
    assert halves == [
        (["P10"], ["P1"]), (["P2"], []), ([], ["P3"]), (["P4"], ["P9"]),
        (["P8"], ["P5"]), (["P6"], ["P7"]),
    ]  # fmt: skip
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/PrintScaling"] == "/None"
    qpdf_clean(data, tmp_path)


def test_card_sheet_front_slots_and_mirrored_backs(tmp_path: Path) -> None:
    card = (252.0, 144.0)
    grid = fit_grid(*PAGE_SIZES["letter"], *card, margin=18 + MARK_ROOM, gutter=0)
    source = numbered_pdf(6, card, bleed=9)  # 3 cards: fronts P1 P3 P5, backs P2 P4 P6
    data = impose(
        source, card_plan(3, grid, "long"), PAGE_SIZES["letter"], Marks(crop=True), duplex="long"
    )
    reader = PdfReader(io.BytesIO(data), strict=True)
    assert len(reader.pages) == 2
    lines = text_lines(data)
    front = sorted((round(-y), round(x), t) for x, y, t in lines[0])
    back = sorted((round(-y), round(x), t) for x, y, t in lines[1])
    assert [t for *_, t in front] == ["P1", "P3", "P5"]  # slots 0, 1, 2 in reading order
    assert [t for *_, t in back] == ["P4", "P2", "P6"]  # columns mirrored for a long-edge flip
    prefs = reader.trailer["/Root"]["/ViewerPreferences"]
    assert prefs["/PrintScaling"] == "/None" and prefs["/Duplex"] == "/DuplexFlipLongEdge"
    qpdf_clean(data, tmp_path)


def test_short_edge_backs_are_turned_upside_down() -> None:
    card = (252.0, 144.0)
    grid = fit_grid(*PAGE_SIZES["letter"], *card, margin=18 + MARK_ROOM, gutter=0)
    data = impose(numbered_pdf(2, card), card_plan(1, grid, "short"), PAGE_SIZES["letter"])
    content = PdfReader(io.BytesIO(data)).pages[1].get_contents()
    assert content is not None
    assert b"q -1 0 0 -1 " in content.get_data()  # a 180-degree turn
    front = PdfReader(io.BytesIO(data)).pages[0].get_contents()
    assert front is not None and b"q 1 0 0 1 " in front.get_data()


def test_crop_marks_stay_off_the_cards() -> None:
    card = (252.0, 144.0)
    grid = fit_grid(*PAGE_SIZES["letter"], *card, margin=18 + MARK_ROOM, gutter=0)
    data = impose(numbered_pdf(20, card), card_plan(10, grid, "long"), PAGE_SIZES["letter"])
    content = PdfReader(io.BytesIO(data)).pages[0].get_contents()
    assert content is not None
    ops = content.get_data().decode()
    lines = [
        list(map(float, line.split()[:2] + line.split()[3:5]))
        for line in ops.splitlines()
        if line.endswith(" l S")
    ]
    assert len(lines) >= 2 * 3 + 2 * 6  # 3 vertical cut lines, 6 horizontal, both ends
    for x0, y0, x1, y1 in lines:
        for slot in grid.slots:
            inside = (
                slot.x < (x0 + x1) / 2 < slot.x + slot.width
                and slot.y < (y0 + y1) / 2 < slot.y + slot.height
            )
            assert not inside


def test_imposition_is_byte_identical() -> None:
    page = PAGE_SIZES["a5"]
    source = numbered_pdf(8, page)
    plan = booklet_plan(8, *page, *reversed(PAGE_SIZES["a4"]), creep_per_sheet=0.36)
    a = impose(source, plan, tuple(reversed(PAGE_SIZES["a4"])))  # type: ignore[arg-type]
    b = impose(source, plan, tuple(reversed(PAGE_SIZES["a4"])))  # type: ignore[arg-type]
    assert a == b


def test_one_form_per_source_page_reused_across_slots() -> None:
    card = (252.0, 144.0)
    grid = fit_grid(*PAGE_SIZES["letter"], *card, margin=18 + MARK_ROOM, gutter=0)
    plan = card_plan(10, grid, "long", sources=[0] * 10)
    reader = PdfReader(io.BytesIO(impose(numbered_pdf(2, card), plan, PAGE_SIZES["letter"])))
    xobjects = reader.pages[0]["/Resources"]["/XObject"]
    assert list(xobjects) == ["/P0"]
    assert [
        t for *_, t in text_lines(impose(numbered_pdf(2, card), plan, PAGE_SIZES["letter"]))[0]
    ] == ["P1"] * 10


@pytest.mark.parametrize("size", ["wallet", "eu", "index", "a7"])
def test_office_card_sheets_from_the_cli(project: Path, size: str, tmp_path: Path) -> None:
    result = run("card", "sacral-traction", "--size", size, "--fill", "-o", "s.pdf")
    assert result.exit_code == 0, result.output
    reader = PdfReader(project / "s.pdf", strict=True)
    expected = {"wallet": 10, "eu": 10, "index": 4, "a7": 8}[size]
    sheet = PAGE_SIZES["a4" if size in ("eu", "a7") else "letter"]
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert abs(float(page.mediabox.width) - sheet[0]) < 0.5
        assert abs(float(page.mediabox.height) - sheet[1]) < 0.5
    assert reader.pages[0].extract_text().count("Sacral Traction") == expected
    assert reader.pages[1].extract_text().count("Questions? Call") == expected
    qpdf_clean((project / "s.pdf").read_bytes(), tmp_path)


def test_build_writes_the_card_sheet(project: Path) -> None:
    result = run("build")
    assert result.exit_code == 0, result.output
    assert "out/sacral-traction-card.pdf" in result.stdout.splitlines()
    reader = PdfReader(project / "out/sacral-traction-card.pdf")
    assert reader.pages[0].extract_text().count("Sacral Traction") == 10
