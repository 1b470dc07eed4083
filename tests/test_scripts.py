"""Scripts the print edition shapes: Devanagari, Bengali and Tamil print as HarfBuzz shapes
them (conjuncts, vowel signs before their consonant, split vowels), checked glyph by glyph
against HarfBuzz's own shaping of the same string in the same font."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from .conftest import run, write

NOTO = Path("/usr/share/fonts/truetype/noto")  # Debian: fonts-noto-core
SCRIPTS = {
    # Conjuncts (स्थ, क्ष), a vowel sign printed before its consonant (कि), a nasal sign.
    "Devanagari": "धीरे-धीरे साँस लें, घुटने को स्थिर रखें और किनारे तक क्षमता से खिंचाव करें।",
    # A conjunct with a reph-like ra (প্র, শ্ব), vowel signs before and around (ি, ো).
    "Bengali": "প্রতিদিন দুইবার ধীরে ধীরে শ্বাস নিন এবং হাঁটু সোজা রাখুন।",
    # Vowel signs before (ெ, ே) and on both sides (ொ) of their consonant, a virama (்).
    "Tamil": "தினமும் இரண்டு முறை மெதுவாக மூச்சு விடுங்கள், முழங்காலை நேராக வைத்துக் கொள்ளுங்கள்.",
}
DEJAVU = Path(__file__).resolve().parent.parent / "handouts/fonts/DejaVuSans.ttf"
FONTS = {script: NOTO / f"NotoSans{script}-Regular.ttf" for script in SCRIPTS}
needs_fonts = pytest.mark.skipif(
    not all(f.is_file() for f in FONTS.values()), reason="fonts-noto-core is not installed"
)


def layout(project: Path, name: str = "indic", base: str = "letter") -> str:
    fallback = ", ".join(str(f) for f in FONTS.values())
    write(project / f"layouts/{name}.yaml", f"extends: {base}\nfonts:\n  fallback: [{fallback}]\n")
    return name


# -- the reference: HarfBuzz shaping the string itself -------------------------------------
Outline = tuple[Any, ...]


class _Pen:
    """Records a glyph's drawing (HarfBuzz resolves composite glyphs)."""

    def __init__(self) -> None:
        self.ops: list[tuple[Any, ...]] = []

    def moveTo(self, p: Any) -> None:  # noqa: N802 (HarfBuzz's pen protocol)
        self.ops.append(("M", p))

    def lineTo(self, p: Any) -> None:  # noqa: N802
        self.ops.append(("L", p))

    def qCurveTo(self, *p: Any) -> None:  # noqa: N802
        self.ops.append(("Q", p))

    def curveTo(self, *p: Any) -> None:  # noqa: N802
        self.ops.append(("C", p))

    def closePath(self) -> None:  # noqa: N802
        self.ops.append(("Z",))


@cache
def _font(data: bytes) -> Any:
    import uharfbuzz as hb

    return hb.Font(hb.Face(hb.Blob(data)))


def _file_font(path: Path) -> Any:
    return _font(path.read_bytes())


def _outline(font: Any, gid: int) -> Outline:
    """A glyph as its drawing: the same in the font file and in the PDF's subset of it."""
    pen = _Pen()
    font.draw_glyph_with_pen(gid, pen)
    return tuple(pen.ops)


def harfbuzz(text: str, path: Path) -> list[tuple[int, Outline]]:
    """HarfBuzz's glyphs for `text` in the font, with their outlines; blank ones (spaces)
    left out, as nothing is drawn for them."""
    import uharfbuzz as hb

    font = _file_font(path)
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    hb.shape(font, buf)
    out = [(info.codepoint, _outline(font, info.codepoint)) for info in buf.glyph_infos]
    return [(gid, o) for gid, o in out if o]


# -- what the PDF draws ----------------------------------------------------------------------
def drawn(pdf: Path, path: Path) -> list[Outline]:
    """The glyphs every page draws in the subset of font file `path`, in the order the
    content streams draw them: character codes through the embedded subset's own cmap (a
    one-byte Mac table, which HarfBuzz reads through Mac Roman) to its glyphs' outlines.
    Blank glyphs left out."""
    reader = PdfReader(pdf)
    out: list[Outline] = []
    for page in reader.pages:
        fonts = {k: v.get_object() for k, v in page["/Resources"]["/Font"].items()}
        subsets: dict[str, Any] = {}
        for key, font in fonts.items():
            if str(font["/BaseFont"]).endswith("+" + path.stem):
                subsets[key] = _font(font["/FontDescriptor"]["/FontFile2"].get_data())
        current = None
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"Tf":
                current = subsets.get(str(operands[0]))
            elif op in (b"Tj", b"TJ") and current is not None:
                parts = operands[0] if op == b"TJ" else [operands[0]]
                for part in parts:
                    if isinstance(part, str | bytes):
                        raw = getattr(part, "original_bytes", part)
                        for code in raw if isinstance(raw, bytes) else raw.encode("latin-1"):
                            gid = current.get_nominal_glyph(ord(bytes([code]).decode("mac_roman")))
                            assert gid is not None, f"code {code} has no glyph in the subset"
                            outline = _outline(current, gid)
                            if outline:
                                out.append(outline)
    return out


def gids(outlines: list[Outline], path: Path) -> list[int | None]:
    """The original font's glyph ids of drawn outlines, for readable failures."""
    font = _file_font(path)
    index = {_outline(font, gid): gid for gid in range(font.face.glyph_count)}
    return [index.get(o) for o in outlines]


def contains(seq: list[Outline], part: list[Outline]) -> bool:
    return any(seq[i : i + len(part)] == part for i in range(len(seq) - len(part) + 1))


def assert_shaped(pdf: Path, script: str, text: str, times: int = 1) -> None:
    expected = harfbuzz(text, FONTS[script])
    got = drawn(pdf, FONTS[script])
    want = [o for _, o in expected] * times
    assert got == want, (
        f"{script}: drawn glyphs {gids(got, FONTS[script])} != HarfBuzz's "
        f"{[g for g, _ in expected] * times}"
    )


# -- the tests -------------------------------------------------------------------------------
@needs_fonts
@pytest.mark.parametrize("script", SCRIPTS)
def test_indic_steps_print_as_harfbuzz_shapes_them(project: Path, script: str) -> None:
    """A handout's step in the script, in a paragraph with Latin around it: the glyphs drawn
    in the script's font are HarfBuzz's glyphs for that text, in order, conjuncts and
    reordered vowel signs included (unshaped, they would be the letters one by one)."""
    text = SCRIPTS[script]
    write(
        project / "data/routines/s.yaml",
        f'title: Knee stretch\nsteps:\n  - "Slowly: {text} Then rest, still, 2 minutes."\n',
    )
    result = run("handout", "s", "--layout", layout(project), "-o", "s.pdf")
    assert result.exit_code == 0, result.output
    assert_shaped(project / "s.pdf", script, text)
    # The Latin words beside it are shaped as HarfBuzz does by default too: no
    # discretionary ligatures (DejaVu Sans has a curled "st").
    latin = [o for _, o in harfbuzz("Then rest, still, 2 minutes.", DEJAVU)]
    assert contains(drawn(project / "s.pdf", DEJAVU), latin)
    # Shaping changes what is drawn: the letters one by one would not match.
    font = _file_font(FONTS[script])
    letters = [_outline(font, font.get_nominal_glyph(ord(c))) for c in text if not c.isspace()]
    assert drawn(project / "s.pdf", FONTS[script]) != [o for o in letters if o]


@needs_fonts
def test_a_shaped_title_wraps_and_stays_shaped_on_a_wallet_card(project: Path) -> None:
    """The card's own paragraph styles shape too, and a line break never splits a
    cluster: the glyphs across all lines are HarfBuzz's for the whole text."""
    text = SCRIPTS["Devanagari"]
    write(
        project / "data/routines/s.yaml",
        f"title: {text}\nsteps:\n  - Breathe\nquick_reference:\n  - Breathe\n",
    )
    card = layout(project, "indic-card", "card-wallet")
    result = run("card", "s", "--size", f"layouts/{card}.yaml", "--sheet", "none", "-o", "c.pdf")
    assert result.exit_code == 0, result.output
    assert_shaped(project / "c.pdf", "Devanagari", text)


@needs_fonts
def test_lines_drawn_outside_paragraphs_are_shaped_too(project: Path) -> None:
    """The clinic's name in the page footer is drawn as one line on the canvas, not as a
    paragraph: it is shaped the same way (the header prints it too, as a paragraph)."""
    name = "स्वास्थ्य क्लिनिक"
    clinic = project / "data/clinic.yaml"
    clinic.write_text(clinic.read_text().replace("name: Riverside Physiotherapy", f"name: {name}"))
    result = run("handout", "sacral-traction", "--layout", layout(project), "-o", "h.pdf")
    assert result.exit_code == 0, result.output
    got = drawn(project / "h.pdf", FONTS["Devanagari"])
    one = [o for _, o in harfbuzz(name, FONTS["Devanagari"])]
    assert got and len(got) % len(one) == 0 and got == one * (len(got) // len(one))


@needs_fonts
def test_latin_prints_the_same_bytes_with_or_without_uharfbuzz_in_the_default_layout(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shaping is only on where the fonts draw a script that needs it: an English handout
    in the default layout is not kerned or otherwise changed by it."""
    from handouts.render import fonts

    assert run("handout", "sacral-traction", "-o", "a.pdf").exit_code == 0
    fonts.can_shape.cache_clear()
    monkeypatch.setattr(fonts, "can_shape", lambda: False)
    assert run("handout", "sacral-traction", "-o", "b.pdf").exit_code == 0
    assert (project / "a.pdf").read_bytes() == (project / "b.pdf").read_bytes()


def test_without_a_font_for_the_script_it_is_refused_with_its_code_point(project: Path) -> None:
    write(project / "data/routines/hi.yaml", "title: Stretch\nsteps:\n  - Breathe धीरे\n")
    result = run("handout", "hi")
    assert result.exit_code == 1
    assert result.stderr == (
        "data/routines/hi.yaml:3:13: the font cannot draw U+0927 DEVANAGARI LETTER DHA; "
        "add a font that covers it to the layout or remove the character\n"
    )
    assert not (project / "out/hi.pdf").exists()


@needs_fonts
def test_without_uharfbuzz_a_script_that_must_be_shaped_is_refused(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unshaped, Devanagari prints its vowel signs after their consonant and no
    conjuncts: refused with the package to install rather than printed wrong."""
    from handouts.render import fonts

    monkeypatch.setattr(fonts, "can_shape", lambda: False)
    write(project / "data/routines/hi.yaml", "title: Stretch\nsteps:\n  - Breathe धीरे\n")
    result = run("handout", "hi", "--layout", layout(project))
    assert result.exit_code == 1
    assert result.stderr == (
        "data/routines/hi.yaml:3:13: U+0927 DEVANAGARI LETTER DHA prints correctly only when "
        "shaped, which needs the uharfbuzz package: pip install uharfbuzz\n"
    )


@needs_fonts
def test_a_word_mixing_a_shaped_script_with_letters_its_font_lacks_is_refused(
    project: Path,
) -> None:
    """HarfBuzz shapes a word in one font: Latin letters glued to Devanagari would be
    drawn with the wrong glyphs, so the word is refused at the first such letter."""
    write(project / "data/routines/hi.yaml", "title: Stretch\nsteps:\n  - Do योगasana\n")
    result = run("handout", "hi", "--layout", layout(project))
    assert result.exit_code == 1
    assert result.stderr == (
        "data/routines/hi.yaml:3:11: U+0061 LATIN SMALL LETTER A is in a word that must be "
        "shaped in another font, which cannot draw it; put a space between the two scripts\n"
    )


@needs_fonts
def test_a_shaped_pdf_does_not_depend_on_what_the_process_printed_before(project: Path) -> None:
    """Conjuncts have no character of their own; the private-use codes the text layer gives
    them are fixed per font, so a build's worker that printed another routine first writes
    the same bytes as a fresh `handouts` command."""
    import subprocess
    import sys

    # Conjuncts no other test prints, so the process has not seen them yet.
    write(project / "data/routines/a.yaml", "title: Knee\nsteps:\n  - शुद्ध ब्रह्म अङ्क\n")
    write(project / "data/routines/b.yaml", "title: Knee\nsteps:\n  - ज्ञान श्रम पत्र कष्ट\n")
    name = layout(project)
    fresh = [sys.executable, "-m", "handouts", "handout", "b", "--layout", name, "-o", "1.pdf"]
    subprocess.run(fresh, check=True, capture_output=True)
    assert run("handout", "a", "--layout", name, "-o", "2.pdf").exit_code == 0
    assert run("handout", "b", "--layout", name, "-o", "3.pdf").exit_code == 0
    assert (project / "1.pdf").read_bytes() == (project / "3.pdf").read_bytes()


ARABIC = NOTO / "NotoSansArabic-Regular.ttf"


@pytest.mark.skipif(not ARABIC.is_file(), reason="fonts-noto-core is not installed")
@pytest.mark.parametrize(
    ("text", "col", "code"),
    [
        ("Stretch 10 مرات ثم استرح", 16, "U+0645 ARABIC LETTER MEEM"),  # Arabic
        ("Stretch 10 פעמים", 16, "U+05E4 HEBREW LETTER PE"),  # Hebrew
        ("Stretch 10 بار کشش", 16, "U+0628 ARABIC LETTER BEH"),  # Persian
    ],
)
def test_right_to_left_is_still_refused_even_with_a_font_that_draws_it(
    project: Path, text: str, col: int, code: str
) -> None:
    """Shaping alone would join Arabic letters but leave the words of a line, and the
    numbers and Latin among them, in the wrong order: the PDF refuses them rather than
    print them reversed (the accessible HTML edition carries them)."""
    fallback = ", ".join(str(f) for f in (*FONTS.values(), ARABIC))
    write(project / "layouts/rtl.yaml", f"extends: letter\nfonts:\n  fallback: [{fallback}]\n")
    write(project / "data/routines/r.yaml", f"title: Stretch\nsteps:\n  - {text}\n")
    result = run("handout", "r", "--layout", "rtl")
    assert result.exit_code == 1
    assert result.stderr == (
        f"data/routines/r.yaml:3:{col}: right-to-left text ({code}) is not supported yet; "
        "it would print in the wrong order\n"
    )
    assert not list(project.glob("out/*.pdf"))


@needs_fonts
def test_a_shaped_word_wider_than_its_line_is_never_broken_into_boxes(project: Path) -> None:
    """A 14 em Tamil word in the A7 card's title is wider than the line: it is kept whole
    and shaped (ReportLab would break it letter by letter and, once the card is measured
    again, print the pieces as empty boxes)."""
    text = "பயிற்சிகளைச்செய்யுங்கள் வைத்துக்கொள்ளுங்கள்"
    write(
        project / "data/routines/ta.yaml",
        f"title: {text}\nsteps:\n  - Breathe\nquick_reference:\n  - {text}\n",
    )
    card = layout(project, "ta-a7", "card-a7")
    result = run("card", "ta", "--size", f"layouts/{card}.yaml", "--sheet", "none", "-o", "c.pdf")
    assert result.exit_code == 0, result.output
    assert_shaped(project / "c.pdf", "Tamil", text, times=2)


@needs_fonts
def test_a_shaped_word_too_wide_for_any_line_is_refused(project: Path) -> None:
    word = "முழங்காலைவைத்துக்கொள்ளுங்கள்"  # 28 letters, 19 em
    write(project / "data/routines/ta.yaml", f"title: Knee\nsteps:\n  - Then {word}\n")
    result = run("handout", "ta", "--layout", layout(project))
    assert result.exit_code == 1
    assert result.stderr == (
        "data/routines/ta.yaml:3:10: a word 19 em wide in a script that is shaped (the limit "
        "is 16 em) may not fit a line, and cannot be broken inside itself without printing "
        "it wrong; put a space in it\n"
    )
