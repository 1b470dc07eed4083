"""Font registration and glyph coverage. Nothing is registered at import time, and ReportLab
is imported only when a font is registered: `handouts validate` checks glyphs against the
shipped fonts' coverage (fonts/coverage.json, made by ReportLab) without importing it.

Every PDF uses the TrueType fonts named by the layout (DejaVu Sans ships in the package), so
every font is embedded; a character that any of the faces cannot draw is a RenderError that
names the file, line, column and U+ code point, never a silent box.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache
from itertools import chain
from pathlib import Path
from typing import Any

from ..check import Text
from ..errors import Problem, RenderError
from ..layout import FontSettings, Layout
from ..records import record

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
RTL_CLASSES = {"R", "AL", "RLE", "RLO", "RLI"}
# Scripts whose letters change shape, join, reorder or stack around their neighbours, so that
# they print correctly only when HarfBuzz shapes them (ReportLab with uharfbuzz): Indic
# (Devanagari to Sinhala), Myanmar and Khmer, and the Devanagari and Vedic extensions.
SHAPED_RANGES = (
    (0x0900, 0x0DFF),
    (0x1000, 0x109F),
    (0x1780, 0x17FF),
    (0x1CD0, 0x1CFF),
    (0xA8E0, 0xA8FF),
)
# Characters that are not drawn, so need no glyph: line breaks inside text.
INVISIBLE = {"\n"}


@record
class FontFiles:
    """The font files a job prints with: resolved, absolute paths. Plain data that pickles;
    a worker process registers them itself (load_fonts)."""

    regular: str
    bold: str
    italic: str
    bold_italic: str
    fallback: tuple[str, ...] = ()


@record
class FontSet:
    """Registered ReportLab font names for one job's files, and what they can draw."""

    regular: str
    bold: str
    italic: str
    bold_italic: str
    covered: frozenset[int]  # drawn by the four faces, or else by a fallback
    fallbacks: tuple[tuple[str, frozenset[int]], ...] = ()
    main: frozenset[int] = frozenset()  # drawn by all four faces
    # The fonts draw a script that must be shaped: paragraphs and lines are set through
    # HarfBuzz. Off for every other job, whose bytes stay exactly as they were.
    shaping: bool = False

    def fallback_for(self, ch: str) -> str | None:
        """The registered fallback font that draws `ch`, if the faces cannot."""
        code = ord(ch)
        if code in self.main:
            return None
        return next((name for name, cov in self.fallbacks if code in cov), None)

    def fonts_for(self, text: str) -> list[str | None]:
        """The font of each character of `text` (None: the layout's faces).

        A character takes the first font that draws it. When shaping, a word (a run without
        white space) that holds a shaped script is set in that script's font wherever the
        font draws its characters, so that its punctuation and digits are shaped with it:
        HarfBuzz shapes a word in one font (ReportLab gives it the word's first)."""
        chosen = [self.fallback_for(ch) for ch in text]
        if not self.shaping:
            return chosen
        for word in re.finditer(r"\S+", text):
            shaped, font = self._word_font(word.group())
            if not shaped:
                continue
            cover = self.main if font is None else dict(self.fallbacks)[font]
            for i in range(word.start(), word.end()):
                if ord(text[i]) in cover:
                    chosen[i] = font
        return chosen

    def _word_font(self, word: str) -> tuple[bool, str | None]:
        """Whether `word` holds a shaped script, and the font of its first such character."""
        for ch in word:
            if needs_shaping(ch) and ord(ch) in self.covered:
                return True, self.fallback_for(ch)
        return False, None

    def shaping_problem(self, text: str) -> tuple[int, str] | None:
        """Where `text` cannot be shaped as it would print, and why, or None.

        A word that must be shaped is refused if it mixes fonts (HarfBuzz would shape it in
        the wrong one) or is wider than SHAPED_WORD_EM."""
        if not self.shaping:
            return None
        chosen = self.fonts_for(text)
        for word in re.finditer(r"\S+", text):
            shaped, font = self._word_font(word.group())
            if not shaped:
                continue
            for i in range(word.start(), word.end()):
                if chosen[i] != font and text[i] not in INVISIBLE and text[i] != "*":
                    ch = text[i]
                    name = unicodedata.name(ch, "unnamed character")
                    return i, (
                        f"U+{ord(ch):04X} {name} is in a word that must be shaped in another "
                        "font, which cannot draw it; put a space between the two scripts"
                    )
            wide = _em_width(word.group().strip("*"), font or self.regular)
            if wide > SHAPED_WORD_EM:
                return word.start(), (
                    f"a word {wide:.0f} em wide in a script that is shaped (the limit is "
                    f"{SHAPED_WORD_EM} em) may not fit a line, and cannot be broken inside "
                    "itself without printing it wrong; put a space in it"
                )
        return None


# Paragraphs of shaped scripts never break inside a word (ReportLab would break it letter by
# letter, losing its shaping, and print the pieces as empty boxes once the paragraph is
# measured again): a word wider than its line runs into the margin instead. 16 em is the
# longest word refused not to: a common 19-letter Tamil word is 12.7 em; the widest title line
# of the shipped layouts, the A7 card's, is about 13 em.
SHAPED_WORD_EM = 16


def _em_width(word: str, font: str) -> float:
    """The shaped width of `word` in `font`, in em."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfbase.ttfonts import shapeStr

    shaped = shapeStr(word, font, 1000)
    data = getattr(shaped, "__shapeData__", None)
    if data is None:
        return float(stringWidth(word, font, 1))
    return float(sum(d.x_advance for d in data)) / 1000


_SHAPED_CODES = frozenset(c for first, last in SHAPED_RANGES for c in range(first, last + 1))


def needs_shaping(ch: str) -> bool:
    code = ord(ch)
    return any(first <= code <= last for first, last in SHAPED_RANGES)


@cache
def _harfbuzz_defaults() -> None:
    """Shape with HarfBuzz's own default features, as browsers do. ReportLab's default
    features (one dict, shared by every call) add discretionary ligatures, which DejaVu
    Sans has for "st" and "ct": "Questions" would print with a curled s-t."""
    from reportlab.pdfbase import ttfonts

    defaults = getattr(ttfonts.shapeFragWord, "__defaults__", None)
    if defaults and isinstance(defaults[0], dict):
        defaults[0]["dlig"] = False


@cache
def can_shape() -> bool:
    """uharfbuzz imports: ReportLab shapes with it, and without it prints such scripts as
    unjoined letters in the wrong order."""
    try:
        import uharfbuzz  # noqa: F401
    except ImportError:
        return False
    return True


def _font_path(name: str, base: Path | None) -> Path:
    for candidate in ([base / name] if base else []) + [FONT_DIR / name, Path(name)]:
        if candidate.is_file():
            return candidate.resolve()
    raise RenderError([Problem(name, 1, 1, f"font file not found: {name}")])


def font_files(settings: FontSettings, base: Path | None = None) -> FontFiles:
    """The layout's fonts as absolute file paths (relative names: beside the layout file,
    then the shipped fonts, then the working folder)."""
    faces = [
        str(_font_path(f, base))
        for f in (settings.regular, settings.bold, settings.italic, settings.bold_italic)
    ]
    fallback = tuple(str(_font_path(f, base)) for f in settings.fallback)
    return FontFiles(faces[0], faces[1], faces[2], faces[3], fallback)


def layout_font_files(layout: Layout) -> FontFiles:
    """The layout's font files, resolved (relative names: beside the layout file first).
    Needs no ReportLab: the build cache names them while planning."""
    return font_files(layout.fonts, Path(layout.source).parent if layout.source else None)


@cache
def _digest(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError as exc:
        raise RenderError([Problem(path, 1, 1, f"cannot read font: {exc.strerror}")]) from None


@cache
def _register(path: str, name: str) -> frozenset[int]:
    """Register the file under `name` (once per process); the code points it draws."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    try:
        # A .ttc collection: its first face.
        font = (
            TTFont(name, path, subfontIndex=0)
            if path.lower().endswith(".ttc")
            else TTFont(name, path)
        )
    except Exception as exc:  # ReportLab raises TTFError and plain errors for bad files
        raise RenderError([Problem(path, 1, 1, f"cannot use font: {exc}")]) from None
    pdfmetrics.registerFont(font)
    covered = frozenset(font.face.charToGlyph)
    with _WHEN_USED_LOCK:
        _REGISTERED.append(font)
        if _SHAPING_STARTED:
            _fix_private_codes(font)
    return covered


# Every font _register made, and whether a job that shapes has started in this process: only
# then is each font given its private codes (see _fix_private_codes), so a Latin job never
# builds HarfBuzz faces (~10 ms for each DejaVu face).
_REGISTERED: list[Any] = []
_SHAPING_STARTED = False


def _start_shaping() -> None:
    """Fix every registered font's private codes, once per process, before anything is
    shaped (fonts registered later are fixed as they register)."""
    global _SHAPING_STARTED
    with _WHEN_USED_LOCK:
        if _SHAPING_STARTED:
            return
        for font in _REGISTERED:
            _fix_private_codes(font)
        _SHAPING_STARTED = True


# Registered name -> font file, for faces whose coverage is known from fonts/coverage.json:
# ReportLab reads such a file (50 ms for a DejaVu face) only when a document first asks for
# the name, so a handout without emphasis never reads the italic faces. The PDF is the same:
# a face is embedded only where it is drawn.
_WHEN_USED: dict[str, str] = {}
_WHEN_USED_LOCK = threading.RLock()
# Face name -> the bold/italic mappings (addMapping's arguments, in order) of the families it
# belongs to. ReportLab maps a TrueType font's four styles to itself when it is registered,
# so a face registered late has its families' mappings put back after it.
_MAPPINGS: dict[str, list[tuple[str, int, int, str]]] = {}


def _register_when_used(path: str, name: str) -> Ranges:
    """The code points the file draws, as ranges; registered now unless its coverage is
    shipped (a file not in fonts/coverage.json is read now, so a broken font is reported
    before printing)."""
    known = _shipped_ranges().get(_digest(path))
    if known is None:
        return _ranges_of(_register(path, name))
    with _WHEN_USED_LOCK:
        _install_lookup()
        _WHEN_USED.setdefault(name, path)
    return known


@cache
def _install_lookup() -> None:
    """Let ReportLab's font lookup register a face of _WHEN_USED the first time it is asked
    for (pdfmetrics.getFont calls findFontAndRegister for a name it does not know)."""
    from reportlab.pdfbase import pdfmetrics

    standard = pdfmetrics.findFontAndRegister

    def find(font_name: str) -> Any:
        path = _WHEN_USED.get(str(font_name))
        if path is None:
            return standard(font_name)
        from reportlab.lib.fonts import addMapping

        with _WHEN_USED_LOCK:
            _register(path, str(font_name))
            for mapping in _MAPPINGS.get(str(font_name), ()):
                addMapping(*mapping)
        return pdfmetrics._fonts[str(font_name)]

    pdfmetrics.findFontAndRegister = find


def _fix_private_codes(font: Any) -> None:
    """Give every glyph that no character maps to (conjuncts, half forms) its private-use
    code now, in glyph order, before anything is shaped with the font.

    ReportLab hands such glyphs the next free private-use code the first time a shaped word
    uses them, and that code is written into the PDF's text layer: a PDF would then depend on
    what the same process rendered before it (a build's worker, a test run), not only on its
    own input. Its table is keyed by HarfBuzz's glyph names, as ReportLab looks them up."""
    face = font.face
    unmapped = [gid for gid in range(face.numGlyphs) if gid not in face.glyphToChar]
    if len(unmapped) > PRIVATE_GLYPHS:
        return  # a CJK font (WQY has 15,000): left to ReportLab, which seldom needs one
    font.hbFace  # noqa: B018 - ReportLab creates its HarfBuzz face and private table here
    hb_font = font.hbFont()
    for gid in unmapped:
        font.hbAddPrivate(hb_font.glyph_to_string(gid), gid, hb_font.get_glyph_h_advance(gid))


# ReportLab's private-use codes run from U+E000 to U+F800; a font with more unmapped glyphs
# than this keeps room for the font's own private characters.
PRIVATE_GLYPHS = 4000


def _remember_mappings(mappings: list[tuple[str, int, int, str]]) -> None:
    """Apply a family's mappings now and again whenever one of its faces registers late."""
    from reportlab.lib.fonts import addMapping

    with _WHEN_USED_LOCK:
        for mapping in mappings:
            addMapping(*mapping)
        for face in {m[3] for m in mappings} | {m[0] for m in mappings}:
            known = _MAPPINGS.setdefault(face, [])
            known += [m for m in mappings if m not in known]


def load_fonts(files: FontFiles) -> FontSet:
    """Register a job's fonts in this process and return their names.

    Names come from the files' contents, never from a process-wide table: the four faces are
    registered under names derived from all four files (ReportLab's bold/italic mapping is
    keyed by the regular face's name, so two families sharing a regular face cannot replace
    each other's bold), each fallback under a name derived from its own file.
    """
    faces = (files.regular, files.bold, files.italic, files.bold_italic)
    family = hashlib.sha256("".join(_digest(f) for f in faces).encode()).hexdigest()
    # The file's own digest too: two faces whose files share a name (a/Face.ttf, b/Face.ttf)
    # must not register under one name; one file serving two faces registers once.
    names = [f"H-{Path(f).stem}-{_digest(f)[:8]}-{family[:8]}" for f in faces]
    covers = [_register_when_used(f, n) for f, n in zip(faces, names, strict=True)]
    regular, bold, italic, bold_italic = names
    family_map = [
        (regular, b, i, face)
        for b, i, face in ((0, 0, regular), (1, 0, bold), (0, 1, italic), (1, 1, bold_italic))
    ]
    _remember_mappings(family_map)
    main = _common_codes(tuple(covers))
    fallbacks = []
    for f in files.fallback:
        name = f"H-{Path(f).stem}-{_digest(f)[:12]}"
        fallbacks.append((name, _common_codes((_register_when_used(f, name),))))
        # no bold or italic: the face serves
        _remember_mappings([(name, b, i, name) for b, i in ((0, 0), (1, 0), (0, 1), (1, 1))])
    covered = main.union(*(cov for _, cov in fallbacks))
    shaping = not covered.isdisjoint(_SHAPED_CODES) and can_shape()
    if shaping:
        _start_shaping()
        _harfbuzz_defaults()
    return FontSet(regular, bold, italic, bold_italic, covered, tuple(fallbacks), main, shaping)


def font_set(settings: FontSettings, base: Path | None = None) -> FontSet:
    """The layout's fonts, registered in this process."""
    return load_fonts(font_files(settings, base))


def _verdict(ch: str, covered: frozenset[int]) -> str | None:
    """Why `ch` cannot be printed (the message after its position), or None if it can."""
    if ch in INVISIBLE:
        return None
    code = ord(ch)
    label = unicodedata.name(ch, "unnamed character")
    if code > 0xFFFF:
        # ReportLab writes such characters into the PDF's text layer as invalid hex, so
        # search, copy and screen readers would get them wrong.
        return (
            f"U+{code:04X} {label} is beyond U+FFFF (emoji and rare scripts), which "
            "the PDF's text layer cannot carry; remove it"
        )
    if unicodedata.bidirectional(ch) in RTL_CLASSES:
        return (
            f"right-to-left text (U+{code:04X} {label}) is not supported yet; "
            "it would print in the wrong order"
        )
    if code not in covered:
        return (
            f"the font cannot draw U+{code:04X} {label}; "
            "add a font that covers it to the layout or remove the character"
        )
    if needs_shaping(ch) and not can_shape():
        return (
            f"U+{code:04X} {label} prints correctly only when shaped, which needs the "
            "uharfbuzz package: pip install uharfbuzz"
        )
    return None


COVERAGE_FILE = FONT_DIR / "coverage.json"
"""sha256 of each shipped font file -> the code points ReportLab maps, as [first, last]
ranges. Regenerate with `python -m handouts.render.fonts` after changing a shipped font."""


Ranges = tuple[tuple[int, int], ...]
"""Code points as sorted, disjoint [first, last] ranges (coverage.json's form):
a face's ~5,000 code points are ~250 ranges, and the faces' common ones are found on the
ranges, so a job builds one set of code points instead of one per face and their
intersection (~2.5 ms for the four DejaVu faces)."""


@cache
def _shipped_ranges() -> dict[str, Ranges]:
    try:
        table = json.loads(COVERAGE_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {digest: tuple((first, last) for first, last in rs) for digest, rs in table.items()}


def _codes(ranges: Ranges) -> frozenset[int]:
    return frozenset(chain.from_iterable(range(first, last + 1) for first, last in ranges))


def _intersection(covers: Sequence[Ranges]) -> Ranges:
    """The code points in every one of `covers`, as ranges."""
    out = covers[0]
    for other in covers[1:]:
        both: list[tuple[int, int]] = []
        i = j = 0
        while i < len(out) and j < len(other):
            first = max(out[i][0], other[j][0])
            last = min(out[i][1], other[j][1])
            if first <= last:
                both.append((first, last))
            if out[i][1] < other[j][1]:
                i += 1
            else:
                j += 1
        out = tuple(both)
    return out


@cache
def _common_codes(covers: tuple[Ranges, ...]) -> frozenset[int]:
    """The code points in all of `covers`: worked out once per process for a family (a
    handout's job and its render each load the fonts)."""
    return _codes(_intersection(covers))


def coverage(files: FontFiles) -> frozenset[int]:
    """What the fonts can draw (FontSet.covered), without ReportLab when every file is a
    shipped one: a font not in fonts/coverage.json is registered, so a broken font is still
    reported as it is when printing."""
    known = _shipped_ranges()
    faces = (files.regular, files.bold, files.italic, files.bold_italic)
    if all(_digest(f) in known for f in (*faces, *files.fallback)):
        main = _common_codes(tuple(known[_digest(f)] for f in faces))
        return main.union(*(_common_codes((known[_digest(f)],)) for f in files.fallback))
    return load_fonts(files).covered


def _ranges(codes: Iterable[int]) -> list[list[int]]:
    out: list[list[int]] = []
    for c in sorted(codes):
        if out and out[-1][1] == c - 1:
            out[-1][1] = c
        else:
            out.append([c, c])
    return out


def _ranges_of(codes: Iterable[int]) -> Ranges:
    return tuple((first, last) for first, last in _ranges(codes))


def write_coverage() -> None:
    """Write fonts/coverage.json from ReportLab's reading of every shipped .ttf."""
    table = {
        _digest(str(p)): _ranges(_register(str(p.resolve()), f"H-coverage-{p.stem}"))
        for p in sorted(FONT_DIR.glob("*.ttf"))
    }
    COVERAGE_FILE.write_text(json.dumps(table, sort_keys=True) + "\n", encoding="utf-8")


def glyph_problems(texts: Iterable[Text], fonts: FontSet | frozenset[int]) -> list[Problem]:
    """One problem per text, at its first character the fonts cannot draw or order.

    Each distinct character is judged once per call (a 500-routine booklet has ~1.5 million
    characters but a few hundred distinct ones); a text whose characters are all known to
    print costs one set difference.
    """
    covered = fonts if isinstance(fonts, frozenset) else fonts.covered
    problems = []
    good: set[str] = set()
    bad: dict[str, str] = {}
    for text in texts:
        unseen = set(text) - good
        if not unseen:
            continue
        for ch in unseen - bad.keys():
            verdict = _verdict(ch, covered)
            if verdict is None:
                good.add(ch)
            else:
                bad[ch] = verdict
        if unseen.isdisjoint(bad):
            continue
        i = next(i for i, ch in enumerate(text) if ch in bad)
        line, col = text.position_of(i)
        problems.append(Problem(text.path, line, col, bad[text[i]]))
    return problems


def check_glyphs(texts: Iterable[Text], fonts: FontSet) -> None:
    problems = glyph_problems(texts, fonts)
    if problems:
        raise RenderError(problems)


if __name__ == "__main__":
    write_coverage()
