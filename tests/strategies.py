"""Hypothesis strategies for whole routines, booklets and programmes, biased toward the text
that breaks renderers: markup characters, entities, quotes, control and format characters,
combining marks, very long words, empty strings and long lists."""

from __future__ import annotations

import os
import unicodedata
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from handouts.check import LONG, SHORT
from handouts.layout import FontSettings
from handouts.model import ROUTINE_FIELDS
from handouts.render.fonts import font_set

settings.register_profile(
    "ci", max_examples=60, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)  # fmt: skip
settings.register_profile(
    "large", max_examples=1500, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)  # fmt: skip
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

MARKUP = [
    "<", ">", "&", "&amp;", "&#60;", "&#x3C;", "&lt;b&gt;", "<b>", "</para>", "<br/>",
    '<font size=200>', '<a href="javascript:x">', '"', "'", "*", "**", "***", "*x*", "**y**",
    "\\", "%", "{page}", "{0}", "ł", "Ω", "Ж", "ß", "ﬁ", "’", "—", "…", "e\u0301", "\u00ad",
    "\u200b", "\u2060", ": x", "#", "!!", "&x", "~", "null", "no", "1:30", "0x1F", "NaN",
]  # fmt: skip
RARE = ["\x00", "\x07", "\x1b", "\r", "\t", "\u2028", "\ufeff", "\u25a0", "\ufffd", "🙂",
        "中", "ש", "ا", "\u0301"]  # fmt: skip
BENIGN = ["Lift", "your", "knees", "slowly", "and", "breathe", "out", "hold", "for", "ten",
          "seconds", "then", "relax", "Ναι", "Да", "ściana", "Ü"]  # fmt: skip
_COVERED = font_set(FontSettings()).covered
PRINTABLE = st.sampled_from(sorted(
    chr(c) for c in _COVERED
    if 0x20 <= c < 0x530 and unicodedata.category(chr(c)) not in ("Cc", "Cf", "Zl", "Zp")
))  # fmt: skip
"""Characters the shipped font draws: Latin, Greek, Cyrillic and their marks."""

word = st.one_of(
    st.sampled_from(BENIGN),
    st.sampled_from(BENIGN),
    st.sampled_from(BENIGN),
    st.sampled_from(MARKUP),
    st.sampled_from(MARKUP),
    st.text(PRINTABLE, min_size=1, max_size=10).map(lambda w: w if w.strip() else f"x{w}"),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=60, max_size=300),  # long words
)
nasty_word = st.one_of(word, st.sampled_from(RARE), st.text(max_size=6))
text = st.lists(word, min_size=1, max_size=14).map(" ".join)
any_text = st.one_of(*[text] * 10, st.lists(nasty_word, max_size=10).map(" ".join))
short_list = st.lists(any_text, min_size=0, max_size=8)


LIST_FIELDS = ("equipment", "benefits", "cautions", "test", "aftercare", "notes",
               "quick_reference")  # fmt: skip
VIDEOS = ["https://example.org/v?id=1&t=2", "http://x.y/<b>", "javascript:alert(1)", "", "ftp://a"]


def _fields(
    draw: st.DrawFn, field: st.SearchStrategy[str], short: st.SearchStrategy[str] | None = None
) -> dict[str, Any]:
    """Title, steps, text fields, lists and dosage, each drawn from `field` (`short` for the
    title-like fields, when given)."""
    short = short if short is not None else field
    data: dict[str, Any] = {
        "title": draw(short),
        "steps": draw(st.lists(field, min_size=1, max_size=20)),
    }
    for key in ("category", "summary"):
        if draw(st.booleans()):
            data[key] = draw(short if key == "category" else field)
    for key in LIST_FIELDS:
        if draw(st.booleans()):
            item = short if ROUTINE_FIELDS[key] == SHORT else field
            data[key] = draw(st.lists(item, min_size=0, max_size=8))
    if draw(st.booleans()):
        keys = draw(
            st.lists(st.sampled_from(["sets", "reps", "hold", "frequency", "side"]), unique=True)
        )
        data["dosage"] = {k: draw(short) for k in keys}
    return data


@st.composite
def routine(draw: st.DrawFn) -> dict[str, Any]:
    """Anything an author might write, hostile text and broken structure included."""
    data = _fields(draw, any_text)
    if draw(st.booleans()):
        data["video"] = draw(st.sampled_from(VIDEOS))
    if draw(st.sampled_from(range(12))) == 7:
        data[draw(st.sampled_from(["colour", "step", "Title", "id"]))] = draw(text)
    if draw(st.sampled_from(range(12))) == 7:
        data["steps"] = [{"text": draw(text)}, draw(short_list), 3, None]
    return data


@st.composite
def clean_routine(draw: st.DrawFn) -> dict[str, Any]:
    """A routine every field of which can be printed: it must render, and round-trip."""
    return _fields(
        draw, text.map(lambda t: t[:LONG].rstrip()), text.map(lambda t: t[:SHORT].rstrip())
    )
