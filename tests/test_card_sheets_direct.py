"""Office card sheets drawn directly (render.card.render_card_sheets), without re-reading the
print-shop file: the same sheets, pixel for pixel, as imposing that file with pypdf
(`card_sheets` below, the route every card sheet took before), and the same file
properties (metadata, duplex, fonts, reproducible bytes)."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from handouts.impose import MARK_OFFSET, crop_mark_lines, fit_grid, fold_mark_lines
from handouts.layout import Layout, load_layout
from handouts.products.card import (
    CardRequest,
    render_card_pdf,
    render_card_sheets,
    sheet_plan,
    with_overrides,
)
from handouts.project import open_project
from handouts.sheets import Marks, _crop_marks, _fold_marks, _n, impose

from .conftest import ROOT, assert_sound_pdf, run

ROUTINES = [p.stem for p in sorted((ROOT / "data" / "routines").glob("*.yaml"))]
MAX_DIFFERENT_PIXELS = 4
"""Per sheet side at 100 dpi: a few antialiased edge pixels at most (today: none)."""


def card_sheets(shop: bytes, n_designs: int, layout: Layout, copies: int | None = None) -> bytes:
    """The reference: office sheets imposed from the print-shop file `shop` by
    handouts.sheets (pypdf), on the same plan."""
    c = layout.card
    plan, size = sheet_plan(n_designs, layout, copies)
    marks = Marks(crop=c.crop_marks, bleed=min(c.bleed, c.gutter / 2))
    return impose(shop, plan, size, marks, duplex=c.duplex)  # type: ignore[arg-type]


def layout_for(size: str, **overrides: object) -> Layout:
    request = CardRequest((), **overrides)  # type: ignore[arg-type]
    return with_overrides(load_layout(f"card-{size}"), request)


def both(
    project: Path, refs: Sequence[str], layout: Layout, copies: int | None
) -> tuple[bytes, bytes]:
    """(drawn directly, imposed from the print-shop file) for the same cards."""
    proj = open_project(project)
    routines = proj.routines(list(refs))
    clinic = proj.clinic(routines[0].language)
    direct = render_card_sheets(routines, layout, clinic, None, copies)
    shop = render_card_pdf(routines, layout, clinic)
    return direct, card_sheets(shop, len(routines), layout, copies)


def pages(data: bytes, folder: Path, name: str) -> list[Image.Image]:
    pdf = folder / f"{name}.pdf"
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(pdf), str(folder / name)], check=True)
    return [Image.open(p).convert("RGB") for p in sorted(folder.glob(f"{name}-*.png"))]


def different_pixels(a: Image.Image, b: Image.Image) -> int:
    assert a.size == b.size
    histogram = ImageChops.difference(a, b).convert("L").histogram()
    return sum(histogram) - histogram[0]


VARIANTS = {
    "wallet letter, long": ("wallet", 1, {}, None),
    "wallet, short edge": ("wallet", 1, {"duplex": "short"}, None),
    "wallet, no duplex": ("wallet", 1, {"duplex": "none"}, None),
    "wallet on a4, no crop marks": ("wallet", 1, {"sheet": "a4", "crop_marks": False}, None),
    "eu, 30 designs": ("eu", 30, {}, None),
    "index, short, 3 copies": ("index", 2, {"duplex": "short"}, 3),
    "a7, no bleed, no duplex": ("a7", 1, {"bleed": 0.0, "duplex": "none"}, None),
    "a7 on letter, 30 designs, 2 copies": ("a7", 30, {"sheet": "letter"}, 2),
    "eu, wide bleed, no crop marks": ("eu", 3, {"bleed": 9.0, "crop_marks": False}, 1),
}


@pytest.mark.parametrize("variant", list(VARIANTS), ids=list(VARIANTS))
def test_direct_sheets_look_like_the_imposed_ones(
    project: Path, tmp_path: Path, variant: str
) -> None:
    size, n_designs, overrides, copies = VARIANTS[variant]
    refs = [ROUTINES[i % len(ROUTINES)] for i in range(n_designs)]
    layout = layout_for(size, **overrides)
    direct, imposed = both(project, refs, layout, copies)
    assert direct != imposed  # two routes really ran
    new, old = pages(direct, tmp_path, "direct"), pages(imposed, tmp_path, "imposed")
    assert len(new) == len(old) == len(PdfReader(io.BytesIO(imposed)).pages) >= 2
    blank = Image.new("RGB", old[0].size, "white")
    for i, (a, b) in enumerate(zip(new, old, strict=True)):
        assert different_pixels(b, blank) > 1000, i  # the sheet shows cards
        assert different_pixels(a, b) <= MAX_DIFFERENT_PIXELS, (variant, i)
    assert_sound_pdf(tmp_path / "direct.pdf")


def test_a_card_printed_wrongly_would_be_seen(project: Path, tmp_path: Path) -> None:
    """The pixel comparison notices a back turned the wrong way (short vs long edge)."""
    refs = ROUTINES[:1]
    direct, _ = both(project, refs, layout_for("wallet", duplex="short"), None)
    _, imposed = both(project, refs, layout_for("wallet", duplex="long"), None)
    new, old = pages(direct, tmp_path, "direct"), pages(imposed, tmp_path, "imposed")
    assert different_pixels(new[0], old[0]) <= MAX_DIFFERENT_PIXELS  # fronts agree
    assert different_pixels(new[1], old[1]) > 100 * MAX_DIFFERENT_PIXELS


@pytest.mark.parametrize("duplex", ["long", "short", "none"])
def test_same_file_properties_as_the_imposed_sheets(project: Path, duplex: str) -> None:
    refs = ROUTINES[:3]
    direct, imposed = both(project, refs, layout_for("wallet", duplex=duplex), 2)
    new, old = PdfReader(io.BytesIO(direct)), PdfReader(io.BytesIO(imposed))
    keys = ("/Title", "/Author", "/Subject", "/Creator")
    assert new.metadata is not None and old.metadata is not None
    assert {k: new.metadata.get(k) for k in keys} == {k: old.metadata.get(k) for k in keys}
    assert "(pocket card)" in str(new.metadata["/Title"])
    assert new.root_object["/Lang"] == old.root_object["/Lang"] == "en"
    prefs = new.root_object["/ViewerPreferences"]
    assert prefs["/PrintScaling"] == "/None"
    assert prefs.get("/Duplex") == old.root_object["/ViewerPreferences"].get("/Duplex")
    assert (
        prefs.get("/Duplex")
        == {
            "long": "/DuplexFlipLongEdge",
            "short": "/DuplexFlipShortEdge",
            "none": None,
        }[duplex]
    )
    assert [p.mediabox for p in new.pages] == [p.mediabox for p in old.pages]
    for page_new, page_old in zip(new.pages, old.pages, strict=True):
        assert page_new.extract_text().split() == page_old.extract_text().split()


def test_fonts_embedded_as_subsets(project: Path, tmp_path: Path) -> None:
    direct, _ = both(project, ROUTINES[:2], layout_for("eu"), None)
    (tmp_path / "s.pdf").write_bytes(direct)
    listing = subprocess.run(
        ["pdffonts", str(tmp_path / "s.pdf")], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert listing  # the cards' text is set in fonts
    for line in listing:
        name, *_, emb, sub, uni, _obj, _gen = line.split()
        assert (emb, sub, uni) == ("yes", "yes", "yes"), line
        assert name[6] == "+", line  # a subset tag


def test_each_card_side_is_drawn_once_and_reused(project: Path) -> None:
    """Copies of a design share one form: 2 designs x 2 sides, however many copies."""
    direct, _ = both(project, ROUTINES[:2], layout_for("wallet"), None)
    reader = PdfReader(io.BytesIO(direct))
    forms = set()
    for page in reader.pages:
        xobjects = page["/Resources"]["/XObject"]
        for name in xobjects:
            ref = xobjects.raw_get(name)
            if xobjects[name]["/Subtype"] == "/Form":
                forms.add(ref.idnum)
    assert len(forms) == 4
    assert reader.pages[0].extract_text().count("Questions? Call") == 0
    assert sum(p.extract_text().count("Questions? Call") for p in reader.pages) == 8


def test_same_bytes_every_time(project: Path) -> None:
    layout = layout_for("index", duplex="short")
    first, _ = both(project, ROUTINES[:2], layout, 3)
    again, _ = both(project, ROUTINES[:2], layout, 3)
    assert first == again


def test_the_card_command_makes_sheets_without_pypdf(project: Path) -> None:
    """Office sheets never load pypdf (it alone took ~45 ms of a 0.5 s command)."""
    code = (
        "import sys; from handouts.cli import main\n"
        "try:\n    main(sys.argv[1:], prog_name='handouts')\n"
        "except SystemExit as exc:\n    assert exc.code in (0, None), exc.code\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pypdf'))\n"
    )
    args = ["card", *ROUTINES[:3], "--sheet", "letter", "-o", "s.pdf"]
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    assert out.stdout.splitlines()[-1] == "[]"
    assert len(PdfReader(project / "s.pdf").pages) == 2


def test_print_shop_file_is_the_card_command_output(project: Path) -> None:
    assert run("card", ROUTINES[0], "--sheet", "none", "-o", "shop.pdf").exit_code == 0
    proj = open_project(project)
    routines = proj.routines(ROUTINES[:1])
    shop = render_card_pdf(routines, load_layout("card-wallet"), proj.clinic("en"), "en")
    assert (project / "shop.pdf").read_bytes() == shop


# -- one source of the marks ----------------------------------------------------------------
def test_sheets_writes_the_shared_crop_and_fold_lines() -> None:
    grid = fit_grid(612, 792, 252, 144, margin=36, gutter=18)
    boxes = [(s.x, s.y, s.x + s.width, s.y + s.height) for s in grid.slots]
    lines = crop_mark_lines(boxes, 612, 792, 9.0, spread=False)
    written = [f"{_n(a)} {_n(b)} m {_n(c)} {_n(d)} l S" for a, b, c, d in lines]
    assert _crop_marks(boxes, 612, 792, 9.0, False) == written and written
    _, y0, _, y1 = lines[0]
    # marks stay outside the block and its bleed, never over a card
    top = max(b[3] for b in boxes)
    assert min(y0, y1) == pytest.approx(top + max(MARK_OFFSET, 10.0))
    spread = [(0.0, 100.0, 396.0, 512.0), (396.0, 100.0, 792.0, 512.0)]
    fold = fold_mark_lines(spread, 792, 612)
    assert [line[0] for line in fold] == [396.0, 396.0]
    assert _fold_marks(spread, 792, 612)[0] == "[2 2] 0 d"
    assert len(_fold_marks(spread, 792, 612)) == len(fold) + 2
