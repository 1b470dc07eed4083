"""The full-page clinic handout, read back from the PDF."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from handouts.content import plain
from handouts.layout import PAGE_SIZES
from handouts.library import load_routine

from .conftest import SEED, glyphs, missing_in_order, pdf_text, run, words, write


def _text_sizes(path: Path) -> list[tuple[float, str]]:
    sizes: list[tuple[float, str]] = []
    for page in PdfReader(path).pages:

        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
            if text.strip():
                sizes.append((abs(size * tm[3] * cm[3]), text))

        page.extract_text(visitor_text=visit)
    return sizes


def test_every_word_of_the_seed_is_printed_in_order(project: Path) -> None:
    result = run("handout", "sacral-traction")
    assert result.exit_code == 0, result.output
    out = project / "out" / "sacral-traction.pdf"
    assert result.stdout.strip() == "out/sacral-traction.pdf"
    routine = load_routine(SEED)
    expected = [w for t in routine.texts() for w in words(plain(t))]
    assert len(expected) > 400
    assert missing_in_order(expected, words(pdf_text(out))) == [], "pypdf"
    if shutil.which("pdftotext"):  # a second, independent extractor (poppler)
        other = subprocess.run(
            ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert missing_in_order(expected, words(other)) == [], "pdftotext"


HOSTILE = [
    "<b>bold?</b>",
    "&amp; stays &amp;",
    '<img src="/etc/passwd"/>',
    "<font size=200>huge</font>",
    '<a href="javascript:x">click</a>',
    "a < b > c & d",
]


def test_hostile_text_prints_literally(project: Path) -> None:
    clinic = project / "data/clinic.yaml"
    clinic.write_text(clinic.read_text().replace("logo: logo.png\n", ""))
    steps = "\n".join(f"  - '{h}'" for h in HOSTILE)
    write(
        project / "data/routines/hostile.yaml",
        f"title: '<i>Title</i> & co'\nsteps:\n{steps}\nnotes:\n  - '<br/><para>'\n",
    )
    result = run("handout", "hostile")
    assert result.exit_code == 0, result.output
    out = project / "out" / "hostile.pdf"
    text = pdf_text(out)
    for h in [*HOSTILE, "<i>Title</i> & co", "<br/><para>"]:
        assert h in text.replace("\n", " ")
    reader = PdfReader(out)
    for page in reader.pages:
        assert "/Annots" not in page
        xobjects = page["/Resources"].get("/XObject", {})
        assert len(xobjects) == 0
    sizes = {round(s) for s, _ in _text_sizes(out)}
    assert max(sizes) < 40  # "<font size=200>" did not take effect


def test_star_markup_is_the_only_markup(project: Path) -> None:
    write(
        project / "data/routines/stars.yaml",
        "title: Stars\nsteps:\n  - 'Keep **both** feet *flat*; 5 * 3 = 15'\n",
    )
    assert run("handout", "stars").exit_code == 0
    reader = PdfReader(project / "out/stars.pdf")
    fonts_used: dict[str, str] = {}

    def visit(
        text: str, cm: object, tm: object, font: dict[str, object] | None, size: float
    ) -> None:
        if font is not None and text.strip():
            fonts_used[text.strip()] = str(font["/BaseFont"])

    reader.pages[0].extract_text(visitor_text=visit)
    text = pdf_text(project / "out/stars.pdf")
    assert "Keep both feet flat; 5 * 3 = 15" in text.replace("\n", " ")
    assert any("Bold" in f for t, f in fonts_used.items() if "both" in t)
    assert any("Oblique" in f for t, f in fonts_used.items() if "flat" in t)


@pytest.mark.parametrize("layout", ["letter", "a4"])
def test_page_size_of_each_layout(project: Path, layout: str) -> None:
    assert (
        run("handout", "sacral-traction", "--layout", layout, "-o", f"{layout}.pdf").exit_code == 0
    )
    for page in PdfReader(project / f"{layout}.pdf").pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(w - PAGE_SIZES[layout][0]) < 0.5 and abs(h - PAGE_SIZES[layout][1]) < 0.5


def test_body_text_is_never_below_11pt(project: Path) -> None:
    run("handout", "sacral-traction", "--patient", "Ann", "--date", "2026-11-24")
    sizes = _text_sizes(project / "out/patients/ann/sacral-traction.pdf")
    assert sizes and min(s for s, _ in sizes) >= 11 - 0.01


def test_fonts_are_embedded(project: Path) -> None:
    run("handout", "sacral-traction")
    out = project / "out/sacral-traction.pdf"
    for page in PdfReader(out).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            desc = (descendants[0].get_object() if descendants else font)["/FontDescriptor"]
            assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), font
    if shutil.which("pdffonts"):
        listing = subprocess.run(
            ["pdffonts", str(out)], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
        assert listing and all(" yes " in line for line in listing)


def test_two_builds_are_byte_identical(project: Path) -> None:
    run("handout", "sacral-traction", "-o", "one.pdf", "--patient", "Ann")
    run("handout", "sacral-traction", "-o", "two.pdf", "--patient", "Ann")
    assert (project / "one.pdf").read_bytes() == (project / "two.pdf").read_bytes()


def test_metadata(project: Path) -> None:
    run("handout", "sacral-traction")
    reader = PdfReader(project / "out/sacral-traction.pdf")
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Sacral Traction"
    assert meta.author == "Riverside Physiotherapy"
    assert meta.subject == "Joint relief"
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_greek_cyrillic_and_diacritics_print(project: Path) -> None:
    write(
        project / "data/routines/scripts.yaml",
        "title: Ćwiczenie łydek\nlanguage: pl\nsteps:\n  - Zażółć gęślą jaźń\n"
        "  - Άσκηση για την πλάτη\n  - Упражнение для спины\n",
    )
    assert run("handout", "scripts").exit_code == 0
    text = pdf_text(project / "out/scripts.pdf")
    for phrase in (
        "Ćwiczenie łydek",
        "Zażółć gęślą jaźń",
        "Άσκηση για την πλάτη",
        "Упражнение для спины",
    ):
        assert phrase in text
    assert "\u25a0" not in text and "\ufffd" not in text


def test_right_to_left_is_refused_not_reversed(project: Path) -> None:
    write(project / "data/routines/rtl.yaml", "title: Stretch\nsteps:\n  - 'اجلس مستقيماً'\n")
    result = run("handout", "rtl")
    assert result.exit_code == 1
    assert result.stderr.startswith("data/routines/rtl.yaml:3:6: right-to-left text (U+0627")
    assert not (project / "out/rtl.pdf").exists()


def test_footer_has_page_x_of_y_clinic_patient_date(project: Path) -> None:
    run(
        "handout",
        "sacral-traction",
        "--patient",
        "Ann Lee",
        "--date",
        "2026-11-24",
        "--clinician",
        "Dr Ray",
        "--note",
        "Twice a day",
    )
    reader = PdfReader(project / "out/patients/ann-lee/sacral-traction.pdf")
    n = len(reader.pages)
    assert n >= 2
    for i, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Page {i} of {n}" in text
        assert "Riverside Physiotherapy" in text and "Ann Lee" in text and "2026-11-24" in text
    first = reader.pages[0].extract_text()
    assert "Dr Ray" in first and "Twice a day" in first


def test_several_routines_in_one_file_each_on_a_new_page(project: Path) -> None:
    write(project / "data/routines/short.yaml", "title: Short One\nsteps:\n  - Stand up.\n")
    assert run("handout", "short", "sacral-traction", "-o", "both.pdf").exit_code == 0
    reader = PdfReader(project / "both.pdf")
    assert "Short One" in reader.pages[0].extract_text()
    assert "Sacral Traction" in reader.pages[1].extract_text()
    assert "Short One" not in reader.pages[1].extract_text()


def test_failed_write_keeps_the_previous_file(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("handout", "sacral-traction")
    out = project / "out/sacral-traction.pdf"
    before = out.read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("handouts.output.os.replace", broken_replace)
    result = run("handout", "sacral-traction")
    assert result.exit_code == 1
    assert result.stderr == "out/sacral-traction.pdf:1:1: cannot write: No space left on device\n"
    assert out.read_bytes() == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["sacral-traction.pdf"]


def test_render_error_leaves_no_file(project: Path) -> None:
    write(project / "data/routines/cjk.yaml", "title: 伸展\nsteps:\n  - one\n")
    result = run("handout", "cjk")
    assert result.exit_code == 1 and "the font cannot draw U+4F38" in result.stderr
    assert not (project / "out/cjk.pdf").exists()


def test_step_image_is_placed(project: Path) -> None:
    from PIL import Image
    from reportlab.graphics import renderPM  # noqa: F401  (Pillow comes with ReportLab)

    Image.new("RGB", (40, 30), (200, 30, 30)).save(project / "data/routines/pic.png")
    write(
        project / "data/routines/pictured.yaml",
        "title: Pictured\nsteps:\n  - text: Look\n    image:\n      path: pic.png\n"
        "      caption: The start position\n",
    )
    result = run("handout", "pictured")
    assert result.exit_code == 0, result.output
    reader = PdfReader(project / "out/pictured.pdf")
    assert len(reader.pages[0]["/Resources"]["/XObject"]) == 2  # the step's and the clinic logo
    assert "The start position" in reader.pages[0].extract_text()


def test_pdf_is_structurally_sound(project: Path) -> None:
    run("handout", "sacral-traction")
    out = project / "out/sacral-traction.pdf"
    PdfReader(io.BytesIO(out.read_bytes()), strict=True).pages[0].extract_text()
    if shutil.which("qpdf"):
        check = subprocess.run(["qpdf", "--check", str(out)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        assert "WARNING" not in check.stdout + check.stderr


# -- text never leaves the page ------------------------------------------------------------
WORD = "A" + "b" * 79  # 80 letters, no break opportunity
URL = "https://example.com/" + "x" * 90


def _everywhere(project: Path) -> None:
    """A routine with an unbreakable word in every field; the clinic's web address (printed
    beside the logo) a long unbreakable URL."""
    write(
        project / "data/routines/lw.yaml",
        f"title: Title {WORD}\ncategory: Cat {WORD}\nsummary: Sum {WORD}\n"
        f"equipment: [Eq {WORD}]\nsteps:\n  - Step {WORD}\ncautions: [Caut {WORD}]\n"
        f'dosage: {{sets: "S{WORD}"}}\nvideo: {URL}\nsource: Src {WORD}\n'
        f"notes: [Note {WORD}]\nquick_reference: [QR {WORD}]\n",
    )
    clinic = project / "data/clinic.yaml"
    clinic.write_text(clinic.read_text().replace("https://riverside-physio.example", URL))


def _outside(pdf: Path, box: tuple[float, float, float, float]) -> list[tuple[int, str, float]]:
    x0, y0, x1, y1 = box
    return [
        (n, g.text, round(min(g.x0, g.x1), 1))
        for n, page in enumerate(glyphs(pdf), start=1)
        for g in page
        if g.x0 < x0 - 0.01 or g.x1 > x1 + 0.01 or g.y0 < y0 - 0.01 or g.y1 > y1 + 0.01
    ]


def test_long_unbreakable_words_stay_inside_the_safe_area(project: Path) -> None:
    _everywhere(project)
    commands = [
        ("handout", "lw", "--patient", f"Pat {WORD}", "-o", "h.pdf"),
        ("handout", "lw", "--patient", f"Pat{WORD}", "--layout", "a4", "-o", "a4.pdf"),
        ("booklet", "--title", f"Book {WORD}", "lw", "sacral-traction", "-o", "b.pdf"),
    ]  # fmt: skip
    for args in commands:
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
    edge = 0.25 * 72
    for name in ("h.pdf", "a4.pdf", "b.pdf"):
        for n, page in enumerate(PdfReader(project / name).pages):
            w, h = float(page.mediabox.width), float(page.mediabox.height)
            found = _outside(project / name, (edge, edge, w - edge, h - edge))
            assert [g for g in found if g[0] == n + 1] == [], name
    text = " ".join(pdf_text(project / "h.pdf").split())
    assert "Pat Abbb" in text and "https://example.com/xxx" in text


def test_long_unbreakable_words_stay_inside_the_card_safe_area(project: Path) -> None:
    from handouts.project import open_project
    from handouts.render.card import safe_box

    _everywhere(project)
    for size in ("wallet", "index"):
        result = run("card", "lw", "--size", size, "--sheet", "none", "-o", f"{size}.pdf")
        assert result.exit_code == 0, result.output
        box = safe_box(open_project().card_layout(size))
        safe = (box.x, box.y, box.x + box.width, box.top)
        assert _outside(project / f"{size}.pdf", safe) == [], size


def test_a_footer_too_long_for_the_bottom_margin_is_refused_with_its_place(
    project: Path,
) -> None:
    result = run("handout", "sacral-traction", "--patient", " ".join([WORD] * 12))
    assert result.exit_code == 1
    assert result.stderr.startswith("<--patient>:1:1: the page footer")
    assert "more than the bottom margin holds" in result.stderr
    assert result.stderr.count("\n") == 1
    assert not (project / "out/sacral-traction.pdf").exists()


def test_a_title_taller_than_a_page_is_set_in_work_linear_in_its_length(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 96 pt (the largest title size a layout may ask for) a 200-character title is taller
    than a Letter page; ReportLab regrouped that keep-with-next title without end. Counted in
    flowables handled, not timed."""
    from reportlab.platypus.doctemplate import BaseDocTemplate

    handled = [0]
    original = BaseDocTemplate.handle_flowable

    def counting(self: BaseDocTemplate, flowables: list[object]) -> None:
        handled[0] += 1
        assert handled[0] < 5000, "layout does not finish"
        original(self, flowables)

    monkeypatch.setattr(BaseDocTemplate, "handle_flowable", counting)
    write(project / "layouts/huge.yaml", "extends: letter\ntext:\n  title_size: 96\n")
    counts, pages = {}, {}
    for n in (33, 66):
        title = " ".join(["ab"] * n)  # 66 words: 197 characters, within the routine limit
        write(project / "data/routines/long.yaml", f"title: {title}\nsteps:\n  - Breathe\n")
        handled[0] = 0
        result = run("handout", "long", "--layout", "huge", "-o", f"long{n}.pdf")
        assert result.exit_code == 0, result.output
        counts[n] = handled[0]
        pages[n] = len(PdfReader(project / f"long{n}.pdf").pages)
        assert words(pdf_text(project / f"long{n}.pdf")).count("ab") == n
    assert pages[66] >= 2  # the title really is taller than a page
    assert counts[66] <= 2 * counts[33] + 10, counts
