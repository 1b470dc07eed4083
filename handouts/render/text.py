"""User text -> ReportLab paragraph markup. Everything is escaped first; `*emphasis*` and
`**strong**` are the only markup an author can write."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.S)
_EMPH = re.compile(r"(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])", re.S)


def markup(text: str, *, emphasis: str = "italic") -> str:
    """Escape `text` for a Paragraph and turn the author's two markup forms into tags."""
    safe = escape(text)
    safe = _STRONG.sub(r"<b>\1</b>", safe)
    tag = "i" if emphasis == "italic" else "b"
    safe = _EMPH.sub(rf"<{tag}>\1</{tag}>", safe)
    return safe.replace("\n", "<br/>")


def plain(text: str) -> str:
    """The words as they print, markup asterisks removed (for metadata and checks)."""
    return _EMPH.sub(r"\1", _STRONG.sub(r"\1", text))
