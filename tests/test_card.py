"""Pocket cards: geometry, fitting, overflow, and the print-shop file."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from handouts.errors import DataError
from handouts.layout import load_layout
from handouts.library import load_routine
from handouts.products import card
from handouts.project import open_project

from .conftest import FIXTURES, SEED, glyphs, missing_in_order, pdf_text, run, words, write

CARD_LAYOUTS = ["card-wallet", "card-eu", "card-index", "card-a7"]


def assert_inside_safe_area(pdf: Path, layout_name: str) -> int:
    """Every glyph box (baseline, ascent and descent) lies in the card's safe area."""
    c = load_layout(layout_name).card
    left, bottom = c.bleed + c.safe, c.bleed + c.safe
    right, top = c.bleed + c.width - c.safe, c.bleed + c.height - c.safe
    count = 0
    for page in glyphs(pdf):
        for g in page:
            assert g.size >= 7 - 0.01, g
            assert left - 0.5 <= g.x0 and g.x1 <= right + 0.5, g
            assert bottom - 0.5 <= g.y0 and g.y1 <= top + 0.5, g
            count += 1
    return count


@pytest.mark.parametrize("size", CARD_LAYOUTS)
def test_print_shop_file_one_page_per_side_with_boxes(project: Path, size: str) -> None:
    result = run("card", "sacral-traction", "--size", size, "--sheet", "none", "-o", "c.pdf")
    assert result.exit_code == 0, result.output
    layout = load_layout(size)
    c = layout.card
    reader = PdfReader(project / "c.pdf")
    assert len(reader.pages) == 2  # front, back
    for page in reader.pages:
        media, trim, bleed = page.mediabox, page.trimbox, page.bleedbox
        assert abs(float(media.width) - (c.width + 2 * c.bleed)) < 0.5
        assert abs(float(media.height) - (c.height + 2 * c.bleed)) < 0.5
        assert abs(float(trim.left) - c.bleed) < 0.5 and abs(float(trim.bottom) - c.bleed) < 0.5
        assert abs(float(trim.width) - c.width) < 0.5
        assert abs(float(trim.height) - c.height) < 0.5
        assert abs(float(bleed.width) - float(media.width)) < 0.5
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/PrintScaling"] == "/None"
    assert assert_inside_safe_area(project / "c.pdf", size) > 5


def test_quick_reference_words_in_order_and_first_caution(project: Path) -> None:
    run("card", "sacral-traction", "--sheet", "none", "-o", "c.pdf")
    reader = PdfReader(project / "c.pdf")
    front, back = reader.pages[0].extract_text(), reader.pages[1].extract_text()
    routine = load_routine(SEED)
    expected = [
        w for t in [routine.title, *routine.quick_reference, routine.cautions[0]] for w in words(t)
    ]
    assert missing_in_order(expected, words(front)) == []
    assert "Riverside Physiotherapy" in back and "(555) 010-4477" in back


def test_near_limit_text_shrinks_but_stays_inside(project: Path) -> None:
    steps = "\n".join(
        f"  - Step {i} keeps going with several more words here to fill" for i in range(1, 7)
    )
    write(
        project / "data/routines/long.yaml",
        f"title: Nearly too long\nsteps:\n  - x\nquick_reference:\n{steps}\n"
        "video: https://example.org/v/1\ndosage:\n  sets: '2'\n  reps: '10'\n",
    )
    result = run("card", "long", "--sheet", "none", "-o", "c.pdf")
    assert result.exit_code == 0, result.output
    sizes = [g.size for page in glyphs(project / "c.pdf") for g in page]
    assert min(sizes) < 9.5  # it had to shrink
    assert assert_inside_safe_area(project / "c.pdf", "card-wallet") > 10
    text = pdf_text(project / "c.pdf")
    assert "Step 6 keeps going" in text.replace("\n", " ")
    assert "Sets: 2" in text and "Repetitions: 10" in text


def test_overflow_fails_with_the_exact_message_and_writes_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = FIXTURES / "cards" / "overflow.yaml"
    write(project / "overflow.yaml", src.read_text())
    result = run("card", "overflow.yaml", "-o", "c.pdf")
    assert result.exit_code == 1
    assert result.stderr == (
        "overflow.yaml:5:5: quick_reference does not fit on a card-wallet card even at 7 pt "
        "(needs 133 pt of height, 126 pt available); shorten it to about 116 words or choose a "
        "larger --size\n"
    )
    assert not (project / "c.pdf").exists()
    assert (
        run("card", "overflow.yaml", "--size", "index", "--sheet", "none", "-o", "c.pdf").exit_code
        == 0
    )


def test_missing_quick_reference_says_so(project: Path) -> None:
    write(project / "data/routines/plain.yaml", "title: Plain\nsteps:\n  - Stand.\n  - Sit.\n")
    result = run("card", "plain", "--sheet", "none", "-o", "c.pdf")
    assert result.exit_code == 0, result.output
    note = "data/routines/plain.yaml: no quick_reference; the card prints the steps"
    assert result.stderr.splitlines() == [note]
    assert "Stand." in pdf_text(project / "c.pdf")
    built = run("build")  # build treats it the same way
    assert built.exit_code == 0 and note in built.stderr.splitlines()
    assert "out/plain.card.pdf" in built.stdout.split()


def test_video_prints_a_qr_code_on_the_back(project: Path) -> None:
    write(
        project / "data/routines/vid.yaml",
        "title: Vid\nsteps:\n  - x\nquick_reference:\n  - Do it\n"
        "video: https://example.org/watch?v=42\n",
    )
    assert run("card", "vid", "--sheet", "none", "-o", "c.pdf").exit_code == 0
    content = PdfReader(project / "c.pdf").pages[1].get_contents()
    assert content is not None
    # QR modules are drawn as many filled squares: far more 're' operators than lines.
    assert content.get_data().count(b" re") > 100


def test_cards_are_reproducible(project: Path) -> None:
    run("card", "sacral-traction", "--sheet", "none", "-o", "a.pdf")
    run("card", "sacral-traction", "--sheet", "none", "-o", "b.pdf")
    assert (project / "a.pdf").read_bytes() == (project / "b.pdf").read_bytes()


def test_a_handout_layout_is_not_a_card_size(project: Path) -> None:
    write(project / "layouts/mine.yaml", "extends: letter\n")
    result = run("card", "sacral-traction", "--size", "layouts/mine.yaml")
    assert result.exit_code == 1
    assert result.stderr == "layouts/mine.yaml:1:1: layout 'mine' is a handout layout, not a card\n"


def test_card_pdf_refuses_through_the_api_without_writing(project: Path) -> None:
    with pytest.raises(DataError) as info:
        card.plan(open_project(), card.CardRequest(("data/routines/missing.yaml",)))
    assert str(info.value) == "data/routines/missing.yaml:1:1: no such file"
    assert not (project / "out").exists() or list((project / "out").iterdir()) == []


def test_background_reaches_into_the_bleed(project: Path) -> None:
    run("card", "sacral-traction", "--sheet", "none", "-o", "c.pdf")
    page = PdfReader(project / "c.pdf").pages[0]
    content = page.get_contents()
    assert content is not None
    w, h = float(page.mediabox.width), float(page.mediabox.height)
    ops = content.get_data().decode("latin-1")
    # The first filled rectangle is the background, from corner to corner of the bleed box.
    assert f"0 0 {w:g} {h:g} re f" in ops.replace(".0 ", " ")


def test_several_routines_share_one_sheet(project: Path) -> None:
    write(
        project / "data/routines/other.yaml",
        "title: Other One\nsteps:\n  - x\nquick_reference:\n  - Breathe\n",
    )
    assert run("card", "sacral-traction", "other", "-o", "two.pdf").exit_code == 0
    reader = PdfReader(project / "two.pdf")
    assert len(reader.pages) == 2
    front = reader.pages[0].extract_text()
    assert "Sacral Traction" in front and "Other One" in front
