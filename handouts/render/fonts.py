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
    covered: frozenset[int]


def _font_path(name: str, base: Path | None) -> Path:
    for candidate in ([base / name] if base else []) + [FONT_DIR / name, Path(name)]:
        if candidate.is_file():
            return candidate.resolve()
    raise RenderError([Problem(name, 1, 1, f"font file not found: {name}")])


@cache
def _register(path: Path) -> tuple[str, frozenset[int]]:
    name = "H-" + path.stem
    try:
        font = TTFont(name, str(path))
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
    covered = frozenset.intersection(*(cov for _, cov in faces))
    return FontSet(regular, bold, italic, bold_italic, covered)


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
