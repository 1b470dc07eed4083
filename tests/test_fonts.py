"""Fallback fonts: a layout names extra fonts for scripts the shipped font lacks."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from handouts.errors import RenderError

from .conftest import run, write

CJK = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")  # Debian: fonts-wqy-microhei


@pytest.mark.skipif(not CJK.is_file(), reason="fonts-wqy-microhei is not installed")
def test_chinese_prints_with_a_fallback_font_and_is_embedded(project: Path) -> None:
    write(project / "layouts/zh.yaml", f"extends: letter\nfonts:\n  fallback:\n    - {CJK}\n")
    write(
        project / "data/routines/zh.yaml",
        "title: 站立伸展 Standing stretch\nsteps:\n  - 双脚分开站立 **慢慢**呼吸 and *relax*\n"
        "quick_reference:\n  - 慢慢呼吸\n",
    )
    assert run("handout", "zh", "--layout", "zh", "-o", "zh.pdf").exit_code == 0
    text = PdfReader(project / "zh.pdf").pages[0].extract_text()
    assert "站立伸展 Standing stretch" in text and "双脚分开站立 慢慢呼吸 and relax" in text
    if shutil.which("pdffonts"):
        fonts = subprocess.run(
            ["pdffonts", str(project / "zh.pdf")], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
        assert any("WenQuanYi" in line for line in fonts)
        assert all(" yes " in line for line in fonts)


def test_without_the_fallback_chinese_is_refused_with_its_code_point(project: Path) -> None:
    write(project / "data/routines/zh.yaml", "title: Stretch\nsteps:\n  - Breathe 慢\n")
    result = run("handout", "zh")
    assert result.exit_code == 1
    assert result.stderr == (
        "data/routines/zh.yaml:3:13: the font cannot draw U+6162 CJK UNIFIED IDEOGRAPH-6162; "
        "add a font that covers it to the layout or remove the character\n"
    )


def test_a_missing_fallback_font_file_is_named(project: Path) -> None:
    write(project / "layouts/bad.yaml", "extends: letter\nfonts:\n  fallback: [nowhere.ttf]\n")
    result = run("handout", "sacral-traction", "--layout", "bad")
    assert result.exit_code == 1
    assert result.stderr == "nowhere.ttf:1:1: font file not found: nowhere.ttf\n"


def test_characters_beyond_the_basic_plane_are_refused(project: Path) -> None:
    """They print, but ReportLab writes them into the text layer as invalid hex."""
    write(project / "data/routines/emo.yaml", 'title: Smile\nsteps:\n  - "Smile 😀 now"\n')
    result = run("handout", "emo")
    assert result.exit_code == 1
    assert result.stderr == (
        "data/routines/emo.yaml:3:12: U+1F600 GRINNING FACE is beyond U+FFFF (emoji and rare "
        "scripts), which the PDF's text layer cannot carry; remove it\n"
    )


# -- every glyph on the page ---------------------------------------------------------------
SHIPPED = Path(__file__).resolve().parent.parent / "handouts" / "fonts"


def _coverage() -> dict[str, frozenset[int]]:
    """PostScript name -> code points, for every font a test PDF may use."""
    from reportlab.pdfbase.ttfonts import TTFont

    out = {}
    for path in [*SHIPPED.glob("*.ttf"), CJK]:
        if path.is_file():
            kw = {"subfontIndex": 0} if path.suffix == ".ttc" else {}
            face = TTFont("probe", str(path), **kw).face
            out[(face.name + face.subfontNameX).decode()] = frozenset(face.charToGlyph)
    return out


def drawn(pdf: Path) -> list[tuple[str, str]]:
    """(character, font name without subset tag) of every character drawn, spaces and line
    breaks included, form XObjects followed."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTComponent

    found: list[tuple[str, str]] = []

    def walk(item: LTComponent) -> None:
        if isinstance(item, LTChar):
            found.append((item.get_text(), item.fontname.split("+", 1)[-1]))
            return
        for child in getattr(item, "_objs", []):
            walk(child)

    for page in extract_pages(str(pdf), laparams=LAParams(all_texts=True)):
        walk(page)
    return found


def assert_every_glyph_drawn(pdf: Path) -> list[tuple[str, str]]:
    """No character is drawn in a font that lacks it (which prints a .notdef box)."""
    coverage = _coverage()
    chars = drawn(pdf)
    boxes = [
        (ch, font)
        for ch, font in chars
        if len(ch) != 1 or font not in coverage or ord(ch) not in coverage[font]
    ]
    assert boxes == [], f"{pdf.name}: drawn without a glyph: {boxes[:10]}"
    return chars


def assert_all_fonts_embedded(pdf: Path) -> None:
    if not shutil.which("pdffonts"):
        return
    lines = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert lines, f"{pdf.name}: no fonts at all"
    not_embedded = [line for line in lines if line.split()[-5] != "yes"]
    assert not_embedded == [], f"{pdf.name}: {not_embedded}"


@pytest.mark.skipif(not CJK.is_file(), reason="fonts-wqy-microhei is not installed")
def test_text_outside_paragraphs_uses_the_fallback_and_draws_line_breaks_as_spaces(
    project: Path,
) -> None:
    """Footer (clinic, patient), logo header, running head, labels, card backs."""
    labels = 'labels:\n  page_of: "页 {page}\\nof {pages}"\n  card_call: "Call\\n致电"\n'
    write(project / "layouts/zh.yaml", f"extends: letter\nfonts:\n  fallback: [{CJK}]\n{labels}")
    write(
        project / "layouts/zh-book.yaml", f"extends: booklet-letter\nfonts:\n  fallback: [{CJK}]\n"
    )
    write(
        project / "layouts/zh-card.yaml",
        f"extends: card-wallet\nfonts:\n  fallback: [{CJK}]\n{labels}",
    )
    clinic = project / "data/clinic.yaml"
    clinic.write_text(clinic.read_text().replace("name: Riverside Physiotherapy", "name: 河畔理疗"))
    seed = project / "data/routines/sacral-traction.yaml"
    seed.write_text(
        seed.read_text().replace("title: Sacral Traction", "title: |\n  骶骨牵引\n  Sacral")
    )
    assert "骶骨牵引" in seed.read_text()
    commands = [
        ("handout", "sacral-traction", "--layout", "zh", "--patient", "李安妮\nLee", "-o", "h.pdf"),
        ("booklet", "--title", "书", "sacral-traction", "wger-bird-dog", "--layout", "zh-book",
         "-o", "b.pdf"),
        ("card", "sacral-traction", "--size", "layouts/zh-card.yaml", "--sheet", "none",
         "-o", "c.pdf"),
    ]  # fmt: skip
    results = [run(*args) for args in commands]
    assert [r.exit_code for r in results] == [0, 0, 0], [r.output for r in results]
    for name in ("h.pdf", "b.pdf", "c.pdf"):
        chars = assert_every_glyph_drawn(project / name)
        cjk = {font for ch, font in chars if "\u4e00" <= ch <= "\u9fff"}
        assert cjk and all("WenQuanYi" in f for f in cjk), (name, cjk)
        assert_all_fonts_embedded(project / name)
    h = " ".join(pdf_lines(project / "h.pdf"))
    assert "河畔理疗" in h and "李安妮 Lee" in h and "页 1 of " in h
    running_heads = [
        line for line in pdf_lines(project / "b.pdf") if line.startswith("骶骨牵引 Sacral")
    ]
    assert running_heads, "the CJK running head is printed"
    assert "Call 致电" in " ".join(pdf_lines(project / "c.pdf"))


def pdf_lines(pdf: Path) -> list[str]:
    from .conftest import text_lines

    return [text for page in text_lines(pdf.read_bytes()) for _, _, text in page]


VIDEO = "video: https://example.com/watch?v=abc\n"


def test_no_pdf_uses_a_font_that_is_not_embedded_qr_codes_included(project: Path) -> None:
    for rid in ("sacral-traction", "wger-bird-dog"):
        path = project / f"data/routines/{rid}.yaml"
        path.write_text(path.read_text() + VIDEO)
    commands = [
        ("handout", "sacral-traction", "-o", "h.pdf"),
        ("card", "sacral-traction", "--sheet", "none", "-o", "c-shop.pdf"),
        ("card", "sacral-traction", "-o", "c-sheet.pdf"),
        ("booklet", "--title", "Book", "sacral-traction", "wger-bird-dog",
         "--page-size", "half-letter", "--impose", "saddle", "-o", "b.pdf"),
        ("program", "ann-lee", "-o", "p.pdf", "--cards"),
    ]  # fmt: skip
    for args in commands:
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
    pdfs = sorted(project.glob("*.pdf"))
    assert [p.name for p in pdfs] == [
        "b-print.pdf", "b.pdf", "c-sheet.pdf", "c-shop.pdf", "h.pdf", "p-cards.pdf", "p.pdf",
    ]  # fmt: skip
    for pdf in pdfs:
        assert_all_fonts_embedded(pdf)
        assert b"Helvetica" not in _uncompressed(pdf), pdf.name


def _uncompressed(pdf: Path) -> bytes:
    """The PDF with every stream decompressed (qpdf), to look for names inside."""
    if not shutil.which("qpdf"):
        return pdf.read_bytes()
    out = pdf.with_suffix(".qdf")
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(pdf), str(out)], check=True)
    data = out.read_bytes()
    out.unlink()
    return data


def test_a_qr_code_still_encodes_its_address(project: Path) -> None:
    """The QR code drawn without ReportLab's widget: the same modules as its encoder."""
    from reportlab.graphics.barcode import qrencoder

    from handouts.render.handout import QrCode

    url = "https://example.com/watch?v=abc"
    code = QrCode(url, 72)
    ref = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    ref.addData(url)
    ref.make()
    assert code.modules() == [[bool(m) for m in row] for row in ref.modules]
    path = project / "data/routines/wger-bird-dog.yaml"
    path.write_text(path.read_text() + VIDEO)
    assert run("handout", "wger-bird-dog", "-o", "q.pdf").exit_code == 0
    rects = _uncompressed(project / "q.pdf").count(b" re f")
    dark = sum(sum(row) for row in code.modules())
    assert rects >= len(code.modules()) and rects <= dark  # runs of dark modules, one each


def _subsets(pdf: Path) -> dict[str, set[str]]:
    """/BaseFont of every font in the file -> sha256 of each font program under that name."""
    import hashlib

    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    out: dict[str, set[str]] = {}
    seen: set[tuple[int, int]] = set()

    def walk(node: object) -> None:  # every object reachable from the catalog
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                return
            seen.add(key)
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            if node.get("/Type") == "/Font" and "/FontDescriptor" in node:
                program = node["/FontDescriptor"].get_object()["/FontFile2"].get_object()
                digest = hashlib.sha256(program.get_data()).hexdigest()
                out.setdefault(str(node["/BaseFont"]), set()).add(digest)
            for key, value in node.items():
                if key != "/Parent":
                    walk(value)
        elif isinstance(node, ArrayObject):
            for value in node:
                walk(value)

    walk(PdfReader(pdf).trailer["/Root"])
    return out


def test_a_booklet_never_gives_two_font_subsets_one_name(project: Path) -> None:
    assert run("booklet", "lower-back", "-o", "b.pdf", "--impose", "saddle",
               "--page-size", "half-letter").exit_code == 0  # fmt: skip
    for name in ("b.pdf", "b-print.pdf"):
        subsets = _subsets(project / name)
        assert {n: len(d) for n, d in subsets.items() if len(d) > 1} == {}, name
        regular = [n for n in subsets if n.endswith("+DejaVuSans")]
        assert len(regular) >= 2, subsets  # front, body and back each have their own
        assert all(n[1:7].isalpha() and n[1:7].isupper() and n[7] == "+" for n in subsets)
    first = (project / "b.pdf").read_bytes()
    assert run("booklet", "lower-back", "-o", "again.pdf", "--impose", "saddle",
               "--page-size", "half-letter").exit_code == 0  # fmt: skip
    assert (project / "again.pdf").read_bytes() == first  # the names are reproducible


def test_single_lines_wrap_break_long_words_and_shorten_within_their_width() -> None:
    from handouts.layout import FontSettings
    from handouts.render.fonts import font_set
    from handouts.render.text import Ink

    fonts = font_set(FontSettings())
    ink = Ink(fonts, "layout")
    text = "Pat " + "A" + "b" * 79 + " Lee\nSmith"
    lines = ink.wrap(text, fonts.regular, 11, 200)
    assert len(lines) >= 3 and lines[0].startswith("Pat Abb")  # the long word starts there
    assert all(ink.width(line, fonts.regular, 11) <= 200 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "").replace("\n", "")
    short = ink.shortened(text, fonts.regular, 11, 120)
    assert short.endswith("\u2026") and ink.width(short, fonts.regular, 11) <= 120
    assert short.startswith("Pat Abb")
    assert ink.runs("Ann\nLee", fonts.regular) == [(fonts.regular, "Ann Lee")]
    with pytest.raises(RenderError) as caught:
        ink.runs("Stretch 慢", fonts.regular)
    assert str(caught.value) == (
        "layout:1:9: the font cannot draw U+6162 CJK UNIFIED IDEOGRAPH-6162; "
        "add a font that covers it to the layout or remove the character"
    )


SERIF = Path("/usr/share/fonts/truetype/dejavu")


@pytest.mark.skipif(not (SERIF / "DejaVuSerif.ttf").is_file(), reason="fonts-dejavu-extra")
def test_characters_handouts_prints_itself_are_checked_too(project: Path) -> None:
    """DejaVu Serif has no U+26A0 for the cautions heading: a fallback draws it, and without
    one the handout is refused instead of printing a box."""
    faces = "".join(
        f"  {key}: {SERIF / name}\n"
        for key, name in (("regular", "DejaVuSerif.ttf"), ("bold", "DejaVuSerif-Bold.ttf"),
                          ("italic", "DejaVuSerif-Italic.ttf"),
                          ("bold_italic", "DejaVuSerif-BoldItalic.ttf"))
    )  # fmt: skip
    write(project / "layouts/serif.yaml", f"extends: letter\nfonts:\n{faces}")
    write(
        project / "layouts/serif-fb.yaml",
        f"extends: letter\nfonts:\n{faces}  fallback: [DejaVuSans.ttf]\n",
    )
    refused = run("handout", "sacral-traction", "--layout", "serif", "-o", "no.pdf")
    assert refused.exit_code == 1
    assert refused.stderr == (
        "layouts/serif.yaml:1:1: the font cannot draw U+26A0 WARNING SIGN; "
        "add a font that covers it to the layout or remove the character\n"
    )
    assert not (project / "no.pdf").exists()
    assert run("handout", "sacral-traction", "--layout", "serif-fb", "-o", "s.pdf").exit_code == 0
    chars = drawn(project / "s.pdf")
    assert ("\u26a0", "DejaVuSans-Bold") not in chars  # not faked in a face without it
    assert {f for ch, f in chars if ch == "\u26a0"} == {"DejaVuSans"}


def test_faces_whose_files_share_a_name_stay_apart(project: Path) -> None:
    for folder, name in (("a", "DejaVuSans.ttf"), ("b", "DejaVuSans-Bold.ttf")):
        (project / folder).mkdir()
        shutil.copy(SHIPPED / name, project / folder / "Face.ttf")
    write(
        project / "layouts/same-name.yaml",
        f"extends: letter\nfonts:\n  regular: {project / 'a/Face.ttf'}\n"
        f"  bold: {project / 'b/Face.ttf'}\n",
    )
    write(project / "data/routines/b.yaml", "title: Title\nsteps:\n  - plain **strong**\n")
    assert run("handout", "b", "--layout", "same-name", "-o", "b.pdf").exit_code == 0
    # Body text in one file, the title and **strong** in the other.
    assert {font for _, font in drawn(project / "b.pdf")} == {"DejaVuSans", "DejaVuSans-Bold"}
