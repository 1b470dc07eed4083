"""User text -> ReportLab paragraph markup. Everything is escaped first; `*emphasis*` and
`**strong**` are the only markup an author can write."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import field
from typing import Any, Literal

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from ..check import Text
from ..content import EMPH, STRONG, spans
from ..errors import Problem, RenderError
from ..records import record
from .fonts import FontSet, glyph_problems, needs_shaping


def escape(text: str) -> str:
    """&, < and > as entities (xml.sax.saxutils.escape's result; importing that module
    imports urllib.request and the email package, ~10 ms of a handout's start)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


FontsFor = Callable[[str], list[str | None]]
"""The font of each character of a string (None: the layout's faces): FontSet.fonts_for."""


def markup(text: str, *, emphasis: str = "italic", fallback: FontsFor | None = None) -> str:
    """Escape `text` for a Paragraph and turn the author's two markup forms into tags.

    Runs of characters the main font lacks are set in the font `fallback` gives them, inside
    the emphasis tags so that tags always nest.
    """
    tag = "i" if emphasis == "italic" else "b"

    def leaf(part: str) -> str:
        return _with_fallback(part, fallback) if fallback else escape(part)

    def emph(part: str) -> str:
        return spans(EMPH, part, leaf, tag)

    return spans(STRONG, text, emph, "b").replace("\n", "<br/>")


def _with_fallback(text: str, fallback: FontsFor) -> str:
    out: list[str] = []
    run: list[str] = []
    current: str | None = None

    def flush() -> None:
        chunk = escape("".join(run))
        out.append(f'<font face="{current}">{chunk}</font>' if current and chunk else chunk)
        run.clear()

    for ch, chosen in zip(text, fallback(text), strict=True):
        font = chosen if not ch.isspace() and ch != "*" else current
        if font != current:
            flush()
            current = font
        run.append(ch)
    flush()
    return "".join(out)


Align = Literal["left", "right", "centre"]


class Para(Paragraph):  # type: ignore[misc]
    """A Paragraph that remembers its last wrap. ReportLab and the page-break rules (Glued,
    keep-with-next groups, tables) ask one paragraph for its size at the same width many
    times; the lines depend on the width only, so the same width gives the same answer
    without breaking the lines again. Only while the broken lines are still there: a
    split that gives up drops them (ReportLab's `blPara`), and the next wrap breaks anew."""

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        last = self.__dict__.get("_last_wrap")
        if last is not None and last[0] == aw and "blPara" in self.__dict__:
            size: tuple[float, float] = last[1]
            return size
        size = super().wrap(aw, ah)
        self.__dict__["_last_wrap"] = (aw, size)
        return size


@record
class Ink:
    """The one path by which text reaches the page, in paragraphs and drawn on the canvas.

    Every string is checked against the job's fonts (a character no font draws is refused
    with its place: the data file's line and column, or the layout for text handouts prints
    itself), split into runs by font (the layout's faces, else the first fallback that draws
    the character), and has its line breaks honoured in paragraphs or drawn as a space where
    a single line is needed.
    """

    fonts: FontSet
    where: str = ""  # the layout file: the place of labels and of handouts' own characters
    # characters already known to print: a booklet checks ~40,000 texts of a few hundred
    # distinct characters, so most texts need one subset test
    _good: set[str] = field(default_factory=set, compare=False, repr=False)

    def check(self, text: str) -> None:
        # Shaping is judged per word, not per character: a shaping job checks every text.
        if self._good.issuperset(text) and not self.fonts.shaping:
            return
        placed = text if isinstance(text, Text) and text.path else Text(text, self.where, 1, 1)
        problems = glyph_problems([placed], self.fonts)
        if problems:
            raise RenderError(problems)
        problem = self.fonts.shaping_problem(text)
        if problem is not None:
            line, col = placed.position_of(problem[0])
            raise RenderError([Problem(placed.path, line, col, problem[1])])
        self._good.update(text)

    def markup(self, text: str, emphasis: str = "italic") -> str:
        """Paragraph markup of author text: `*x*` and `**x**`, line breaks kept."""
        self.check(text)
        fallback = self.fonts.fonts_for if self.fonts.fallbacks else None
        return markup(text, emphasis=emphasis, fallback=fallback)

    def label(self, text: str) -> str:
        """Paragraph markup of layout text (labels, numbers): no author markup, one line."""
        self.check(text)  # before the line breaks go: a data file's text keeps its place
        one_line = single_line(text)
        if not self.fonts.fallbacks:
            return escape(one_line)
        return _with_fallback(one_line, self.fonts.fonts_for)

    def bullet(self, text: str) -> str:
        """A bullet or item number: ReportLab sets it in one face, with no fallback, so every
        character must be in the layout's faces themselves."""
        for ch in text:
            if ord(ch) not in self.fonts.main:
                name = unicodedata.name(ch, "unnamed character")
                raise RenderError([Problem(
                    self.where, 1, 1,
                    f"the layout's fonts cannot draw U+{ord(ch):04X} {name}, which handouts "
                    "prints as a bullet or number; use fonts that have it",
                )])  # fmt: skip
        return text

    def para(self, text: str, style: Any, emphasis: str = "italic", **kw: Any) -> Paragraph:
        return Para(self.markup(text, emphasis), style, **kw)

    def label_para(self, text: str, style: Any, **kw: Any) -> Paragraph:
        return Para(self.label(text), style, **kw)

    # -- single lines drawn on the canvas --------------------------------------------------
    def runs(self, text: str, face: str) -> list[tuple[str, str]]:
        """(font name, characters) runs of one line of `text` set in `face`."""
        self.check(text)
        line = single_line(text)
        out: list[tuple[str, str]] = []
        for ch, chosen in zip(line, self.fonts.fonts_for(line), strict=True):
            font = face if ch.isspace() else (chosen or face)
            if out and out[-1][0] == font:
                out[-1] = (font, out[-1][1] + ch)
            else:
                out.append((font, ch))
        return out

    def width(self, text: str, face: str, size: float) -> float:
        runs = self.runs(text, face)
        return float(sum(self._chunk_width(chunk, font, size) for font, chunk in runs))

    def _shaped(self, chunk: str, font: str, size: float) -> str:
        """`chunk` as HarfBuzz shapes it in `font` (a ReportLab ShapedStr: glyphs and their
        positions), where it holds a script that must be shaped; else `chunk` itself."""
        if not self.fonts.shaping or not any(needs_shaping(ch) for ch in chunk):
            return chunk
        from reportlab.pdfbase.ttfonts import shapeStr

        shaped: str = shapeStr(chunk, font, size)
        return shaped

    def _chunk_width(self, chunk: str, font: str, size: float) -> float:
        shaped = self._shaped(chunk, font, size)
        data = getattr(shaped, "__shapeData__", None)
        if data is None:
            return float(stringWidth(chunk, font, size))
        return float(sum(d.x_advance for d in data)) * size / 1000

    def draw(
        self,
        canvas: Canvas,
        x: float,
        y: float,
        text: str,
        face: str,
        size: float,
        align: Align = "left",
    ) -> None:
        """One line at (x, y): x is its left end, right end or centre as `align` says."""
        runs = self.runs(text, face)
        total = sum(self._chunk_width(chunk, font, size) for font, chunk in runs)
        x -= {"left": 0.0, "right": total, "centre": total / 2}[align]
        for font, chunk in runs:
            canvas.setFont(font, size)
            # A shaped chunk is drawn as its glyphs (ReportLab's canvas does not shape it
            # itself unless its bidi package is installed).
            canvas.drawString(x, y, self._shaped(chunk, font, size))
            x += self._chunk_width(chunk, font, size)

    def _advances(self, text: str, face: str, size: float) -> list[float]:
        """The width of each character: widths add up (ReportLab sets no kerning). A shaped
        chunk's glyphs count for the character that starts their cluster, so a line is never
        cut inside one."""
        out: list[float] = []
        for font, chunk in self.runs(text, face):
            data = getattr(self._shaped(chunk, font, size), "__shapeData__", None)
            if data is None:
                out += [stringWidth(ch, font, size) for ch in chunk]
                continue
            widths = [0.0] * len(chunk)
            for d in data:
                widths[min(d.cluster, len(chunk) - 1)] += d.x_advance * size / 1000
            out += widths
        return out

    def wrap(self, text: str, face: str, size: float, width: float) -> list[str]:
        """`text` as lines no wider than `width`: breaks at spaces, and inside a word only
        where the word alone is too wide. Linear in the length of the text."""
        line = " ".join(single_line(text).split())
        if not line:
            return []
        advances = self._advances(line, face, size)
        space = stringWidth(" ", face, size)
        lines: list[str] = []
        current, used, pos = "", 0.0, 0
        for word in line.split(" "):
            widths = advances[pos : pos + len(word)]
            pos += len(word) + 1
            word_w = sum(widths)
            if current and used + space + word_w <= width:
                current, used = f"{current} {word}", used + space + word_w
                continue
            if word_w <= width or not current or used + space >= width:
                if current:
                    lines.append(current)
                current, used = "", 0.0
            else:  # a word too long for any line starts where this one has room
                current, used = current + " ", used + space
            for ch, w in zip(word, widths, strict=True):
                if current.strip() and used + w > width:
                    lines.append(current.rstrip())
                    current, used = "", 0.0
                current, used = current + ch, used + w
        if current:
            lines.append(current)
        return lines

    def shortened(self, text: str, face: str, size: float, width: float) -> str:
        """One line no wider than `width`, ending in an ellipsis if it had to be cut (for
        running heads: the full text prints where it belongs)."""
        line = " ".join(single_line(text).split())
        advances = self._advances(line, face, size)
        if sum(advances) <= width:
            return line
        room = width - self.width("\u2026", face, size)
        used, keep = 0.0, 0
        for w in advances:
            if used + w > room:
                break
            used, keep = used + w, keep + 1
        return line[:keep].rstrip() + "\u2026" if keep else ""


def single_line(text: str) -> str:
    """Line breaks drawn as spaces, where only one line can be set."""
    return text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
