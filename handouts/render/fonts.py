"""Font registration and glyph coverage. Nothing is registered at import time.

Every PDF uses the TrueType fonts named by the layout (DejaVu Sans ships in the package), so
every font is embedded; a character that any of the faces cannot draw is a RenderError that
names the file, line, column and U+ code point, never a silent box.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..check import Text
from ..errors import Problem, RenderError
from ..layout import FontSettings

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
RTL_CLASSES = {"R", "AL", "RLE", "RLO", "RLI"}
# Characters that are not drawn, so need no glyph: line breaks inside text.
INVISIBLE = {"\n"}


@dataclass(frozen=True)
class FontSet:
    regular: str
    bold: str
    italic: str
    bold_italic: str
    covered: frozenset[int]  # drawn by the four faces, or else by a fallback
    fallbacks: tuple[tuple[str, frozenset[int]], ...] = ()
    main: frozenset[int] = frozenset()  # drawn by all four faces

    def fallback_for(self, ch: str) -> str | None:
        """The registered fallback font that draws `ch`, if the faces cannot."""
        code = ord(ch)
        if code in self.main:
            return None
        return next((name for name, cov in self.fallbacks if code in cov), None)


def _font_path(name: str, base: Path | None) -> Path:
    for candidate in ([base / name] if base else []) + [FONT_DIR / name, Path(name)]:
        if candidate.is_file():
            return candidate.resolve()
    raise RenderError([Problem(name, 1, 1, f"font file not found: {name}")])


@cache
def _register(path: Path) -> tuple[str, frozenset[int]]:
    name = "H-" + path.stem
    try:
        # A .ttc collection: its first face.
        font = (
            TTFont(name, str(path), subfontIndex=0)
            if path.suffix.lower() == ".ttc"
            else TTFont(name, str(path))
        )
    except Exception as exc:  # ReportLab raises TTFError and plain errors for bad files
        raise RenderError([Problem(str(path), 1, 1, f"cannot use font: {exc}")]) from None
    pdfmetrics.registerFont(font)
    return name, frozenset(font.face.charToGlyph)


def font_set(settings: FontSettings, base: Path | None = None) -> FontSet:
    """Register the layout's four faces (once per process) and return their names."""
    faces = [
        _register(_font_path(f, base))
        for f in (settings.regular, settings.bold, settings.italic, settings.bold_italic)
    ]
    regular, bold, italic, bold_italic = (name for name, _ in faces)
    for b, i, face in ((0, 0, regular), (1, 0, bold), (0, 1, italic), (1, 1, bold_italic)):
        addMapping(regular, b, i, face)
    main = frozenset.intersection(*(cov for _, cov in faces))
    fallbacks = tuple(_register(_font_path(f, base)) for f in settings.fallback)
    for name, _ in fallbacks:  # no bold or italic of their own: the same face serves
        for b, i in ((0, 0), (1, 0), (0, 1), (1, 1)):
            addMapping(name, b, i, name)
    covered = main.union(*(cov for _, cov in fallbacks))
    fonts = FontSet(regular, bold, italic, bold_italic, covered, fallbacks, main)
    for face in (regular, bold, italic, bold_italic):
        FONTS_BY_NAME[face] = fonts
    return fonts


FONTS_BY_NAME: dict[str, FontSet] = {}
"""The font set a registered face belongs to, so a paragraph in that face finds its
fallbacks. Filled by font_set(); ReportLab's own font registry is process-wide too."""


def glyph_problems(texts: Iterable[Text], fonts: FontSet) -> list[Problem]:
    """One problem per text that holds a character the fonts cannot draw or order."""
    problems = []
    for text in texts:
        for i, ch in enumerate(text):
            if ch in INVISIBLE:
                continue
            code = ord(ch)
            line, col = text.position_of(i)
            label = unicodedata.name(ch, "unnamed character")
            if code > 0xFFFF:
                # ReportLab writes such characters into the PDF's text layer as invalid
                # hex, so search, copy and screen readers would get them wrong.
                problems.append(
                    Problem(
                        text.path,
                        line,
                        col,
                        f"U+{code:04X} {label} is beyond U+FFFF (emoji and rare scripts), which "
                        "the PDF's text layer cannot carry; remove it",
                    )
                )
                break
            if unicodedata.bidirectional(ch) in RTL_CLASSES:
                problems.append(
                    Problem(
                        text.path,
                        line,
                        col,
                        f"right-to-left text (U+{code:04X} {label}) is not supported yet; "
                        "it would print in the wrong order",
                    )
                )
                break
            if code not in fonts.covered:
                problems.append(
                    Problem(
                        text.path,
                        line,
                        col,
                        f"the font cannot draw U+{code:04X} {label}; "
                        "add a font that covers it to the layout or remove the character",
                    )
                )
                break
    return problems


def check_glyphs(texts: Iterable[Text], fonts: FontSet) -> None:
    problems = glyph_problems(texts, fonts)
    if problems:
        raise RenderError(problems)
