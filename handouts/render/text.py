"""User text -> ReportLab paragraph markup. Everything is escaped first; `*emphasis*` and
`**strong**` are the only markup an author can write."""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.sax.saxutils import escape

_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.S)
_EMPH = re.compile(r"(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])", re.S)


def markup(
    text: str, *, emphasis: str = "italic", fallback: Callable[[str], str | None] | None = None
) -> str:
    """Escape `text` for a Paragraph and turn the author's two markup forms into tags.

    Runs of characters the main font lacks are set in `fallback(ch)`'s font, inside the
    emphasis tags so that tags always nest.
    """
    tag = "i" if emphasis == "italic" else "b"

    def leaf(part: str) -> str:
        return _with_fallback(part, fallback) if fallback else escape(part)

    def emph(part: str) -> str:
        return _spans(_EMPH, part, leaf, tag)

    return _spans(_STRONG, text, emph, "b").replace("\n", "<br/>")


def _spans(pattern: re.Pattern[str], text: str, inner: Callable[[str], str], tag: str) -> str:
    out, pos = [], 0
    for m in pattern.finditer(text):
        out += [inner(text[pos : m.start()]), f"<{tag}>{inner(m.group(1))}</{tag}>"]
        pos = m.end()
    out.append(inner(text[pos:]))
    return "".join(out)


def _with_fallback(text: str, fallback: Callable[[str], str | None]) -> str:
    out: list[str] = []
    run: list[str] = []
    current: str | None = None

    def flush() -> None:
        chunk = escape("".join(run))
        out.append(f'<font face="{current}">{chunk}</font>' if current and chunk else chunk)
        run.clear()

    for ch in text:
        font = fallback(ch) if not ch.isspace() and ch != "*" else current
        if font != current:
            flush()
            current = font
        run.append(ch)
    flush()
    return "".join(out)


def plain(text: str) -> str:
    """The words as they print, markup asterisks removed (for metadata and checks)."""
    return _EMPH.sub(r"\1", _STRONG.sub(r"\1", text))
