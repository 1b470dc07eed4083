"""Reading grade and reading ease of a text, by textstat, in the text's own language.

Flesch-Kincaid grade = 0.39 x words per sentence + 11.8 x syllables per word - 15.59 and
Flesch reading ease = 206.835 - 1.015 x words per sentence - 84.6 x syllables per word
(English). textstat counts syllables with the CMU pronouncing dictionary for English and
with pyphen's hyphenation dictionaries for the other languages.

textstat has a reading-ease formula of its own for a few languages (German: Amstad, Spanish:
Fernandez Huerta, French, Italian: Flesch-Vacca, Dutch: Flesch-Douma, Russian, Hungarian)
and its grade formula is the English one; for any other language it silently uses English.
So here: English gets both; a language with its own reading-ease formula gets that one and no
grade (the grade targets are English grade levels); any other language gets no score, and
the caller says so once, rather than printing an English score for a text that is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from textstat.backend.utils.constants import LANG_CONFIGS
from textstat.textstat import textstatistics

FORMULA_NAMES = {
    "en": "Flesch (English)",
    "de": "Amstad",
    "es": "Fernandez Huerta",
    "fr": "Kandel and Moles",
    "it": "Flesch-Vacca",
    "nl": "Flesch-Douma",
    "ru": "Oborneva",
    "hu": "Flesch (Hungarian)",
}
"""What each of textstat's reading-ease settings is called, for the note line."""


@dataclass(frozen=True)
class Score:
    words: int
    grade: float | None  # Flesch-Kincaid grade; None where the language has no grade formula
    ease: float  # Flesch reading ease (0-100, higher is easier), in the language's formula


def primary(language: str) -> str:
    return language.replace("_", "-").split("-")[0].lower()


def has_ease(language: str) -> bool:
    """textstat has a reading-ease formula of this language's own (or it is English)."""
    config = LANG_CONFIGS.get(primary(language), {})
    return primary(language) == "en" or "fre_base" in config


def has_grade(language: str) -> bool:
    """Flesch-Kincaid grade is an English formula; no other language is given one."""
    return primary(language) == "en"


@cache
def _stats(language: str) -> Any:
    stats = textstatistics()
    stats.set_lang(primary(language))
    return stats


def score(text: str, language: str = "en") -> Score | None:
    """The text's scores, or None when textstat has no formula for its language."""
    if not has_ease(language):
        return None
    stats = _stats(language)
    words = int(stats.lexicon_count(text))
    if words == 0:
        return None
    grade = round(float(stats.flesch_kincaid_grade(text)), 1) if has_grade(language) else None
    return Score(words, grade, round(float(stats.flesch_reading_ease(text)), 1))
