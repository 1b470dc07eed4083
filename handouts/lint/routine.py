"""Plain-language checks of one routine, read from its structured text (PEMAT-P in spirit).

Every finding points at the field (and, where it can, the word) in the YAML file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..check import Text
from ..model import Routine
from ..validate import alt_warnings
from ..yamlsrc import read_yaml
from .findings import Finding
from .readability import FORMULA_NAMES, has_ease, has_grade, primary, score

HERE = Path(__file__).resolve().parent

WARN_GRADE = 8.0
"""NIH: patient material at grade 8 or lower (docs/print-and-patients.md)."""
NOTE_GRADE = 6.0
"""AMA: grade 6 or lower."""
SENTENCE_WORDS = 20
"""Words in one sentence before it counts as long (a project choice; see docs/lint.md)."""
STEP_WORDS = 30
"""Words in one step (or quick-reference line) before it counts as long (the same)."""

SECTIONS = ("summary", "benefits", "cautions", "test", "steps", "aftercare", "notes",
            "quick_reference")  # fmt: skip
"""The prose a patient reads, in the order a handout prints it: each is scored."""

_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+[\"'\u201d\u2019)]*|$)")
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")


@dataclass(frozen=True)
class Words:
    """One language's word lists (words.yaml) and jargon (jargon.yaml)."""

    verbs: frozenset[str]
    skip: frozenset[str]
    lead_ins: frozenset[str]
    be: frozenset[str]
    participles: frozenset[str]
    not_passive: frozenset[str]
    jargon: tuple[tuple[tuple[str, ...], str], ...]  # (terms, plain words)


def _data(name: str) -> dict[str, object]:
    plain = read_yaml(HERE / name).root.plain()
    assert isinstance(plain, dict)
    return plain


@cache
def words_for(language: str) -> Words | None:
    """The lists of a language, or None when words.yaml has none for it."""
    lists = _data("words.yaml").get(primary(language))
    if not isinstance(lists, dict):
        return None
    jargon = _data("jargon.yaml").get(primary(language)) or []
    assert isinstance(jargon, list)

    def words(key: str) -> frozenset[str]:
        return frozenset(str(w).lower() for w in lists.get(key, []))

    return Words(
        words("verbs"), words("skip"), words("lead_ins"), words("be"), words("participles"),
        words("not_passive"),
        tuple((tuple(str(t) for t in e["terms"]), str(e["plain"])) for e in jargon),
    )  # fmt: skip


def section_texts(routine: Routine, name: str) -> list[Text]:
    if name == "summary":
        return [routine.summary] if routine.summary else []
    if name == "steps":
        return [s.text for s in routine.steps]
    items: Sequence[Text] = getattr(routine, name)
    return list(items)


def as_prose(texts: Iterable[str]) -> str:
    """Items joined into one text, each a sentence of its own (a list item rarely ends in a
    full stop, and without one the next item would run on into it)."""
    out = []
    for t in texts:
        t = " ".join(t.split())
        if t and t[-1] not in ".!?":
            t += "."
        out.append(t)
    return " ".join(out)


def sentences(text: Text) -> list[tuple[int, str]]:
    """(start index, sentence) for each sentence of one text."""
    out = []
    for m in _SENTENCE.finditer(text):
        body = m.group()
        stripped = body.lstrip()
        if _WORD.search(stripped):
            out.append((m.start() + len(body) - len(stripped), stripped.rstrip()))
    return out


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def _at(text: Text, index: int = 0) -> tuple[str, int, int]:
    line, col = text.position_of(index)
    return text.path, line, col


class RoutineLint:
    def __init__(self, routine: Routine, add: Callable[[Finding], None]) -> None:
        self.r = routine
        self.add = add
        self.language = routine.language
        self.lists = words_for(self.language)

    def find(self, text: Text, index: int, level: str, check: str, message: str) -> None:
        path, line, col = _at(text, index)
        self.add(Finding(path or self.r.path, line, col, level, check, message))

    def top(self, level: str, check: str, message: str) -> None:
        title = self.r.title
        self.add(Finding(self.r.path, title.line or 1, title.col or 1, level, check, message))

    def run(self, quick_reference_limit: int | None) -> None:
        self.readability()
        if self.lists is None:
            self.top(
                "note", "word-lists",
                f"no word lists for language '{primary(self.language)}' (handouts/lint/"
                "words.yaml): the action-word, passive-voice and jargon checks were skipped",
            )  # fmt: skip
        self.structure(quick_reference_limit)
        self.pictures()
        for name in SECTIONS:
            for text in section_texts(self.r, name):
                self.sentence_checks(name, text)
        for i, text in enumerate(section_texts(self.r, "steps"), start=1):
            self.step_checks(f"steps[{i}]", text)
        for i, text in enumerate(self.r.quick_reference, start=1):
            self.step_checks(f"quick_reference[{i}]", text)
        self.jargon()

    # -- reading level -----------------------------------------------------------------
    def readability(self) -> None:
        lang = primary(self.language)
        if not has_ease(lang):
            self.top(
                "note", "readability",
                f"no readability formula for language '{lang}' in textstat: not scored",
            )  # fmt: skip
            return
        if not has_grade(lang):
            self.top(
                "note", "readability",
                f"language '{lang}': reading ease by the {FORMULA_NAMES.get(lang, lang)} "
                "formula; no grade (Flesch-Kincaid is an English formula), so the grade "
                "targets are not checked",
            )  # fmt: skip
        parts = [(n, section_texts(self.r, n)) for n in SECTIONS]
        whole = as_prose(t for _, texts in parts for t in texts)
        self.graded("routine", whole, None)
        for name, texts in parts:
            if texts:
                self.graded(name, as_prose(texts), texts[0])

    def graded(self, what: str, prose: str, where: Text | None) -> None:
        s = score(prose, self.language)
        if s is None:
            return
        grade = f"grade {s.grade:.1f}, " if s.grade is not None else ""
        line = f"{what}: {grade}reading ease {s.ease:.1f} ({s.words} words)"

        def report(level: str, message: str) -> None:
            if where is None:
                self.top(level, "readability", message)
            else:
                self.find(where, 0, level, "readability", message)

        report("info", line)
        if s.grade is None:
            return
        if s.grade > WARN_GRADE:
            report("warning", f"{what} reads at grade {s.grade:.1f}, above grade "
                   f"{WARN_GRADE:g} (NIH); use shorter words and sentences")  # fmt: skip
        elif s.grade > NOTE_GRADE:
            report("note", f"{what} reads at grade {s.grade:.1f}, above grade "
                   f"{NOTE_GRADE:g} (AMA)")  # fmt: skip

    # -- what every routine has ---------------------------------------------------------
    def structure(self, limit: int | None) -> None:
        if not self.r.cautions:
            self.top("warning", "cautions", "no 'cautions:': say when to stop or not to start")
        if not self.r.quick_reference:
            self.top(
                "warning", "quick-reference",
                "no 'quick_reference:': the pocket card prints the full steps instead; add a "
                "few short lines",
            )  # fmt: skip
        elif limit is not None and len(self.r.quick_reference) > limit:
            first = self.r.quick_reference[0]
            self.find(
                first, 0, "warning", "quick-reference",
                f"quick reference has {len(self.r.quick_reference)} steps; the pocket card "
                f"holds {limit} at its full text size",
            )  # fmt: skip

    def pictures(self) -> None:
        """A picture with no `alt` text, as `validate` warns: a screen reader reading the
        accessible edition could not say what it shows."""
        for problem in alt_warnings(self.r):
            message = problem.message.removeprefix("warning: ")
            self.add(Finding(problem.path, problem.line, problem.col, "warning", "alt-text",
                             message))  # fmt: skip

    # -- sentences ------------------------------------------------------------------------
    def sentence_checks(self, section: str, text: Text) -> None:
        for start, sentence in sentences(text):
            ws = words(sentence)
            if len(ws) > SENTENCE_WORDS:
                self.find(
                    text, start, "warning", "long-sentence",
                    f"{section}: a sentence of {len(ws)} words (more than {SENTENCE_WORDS}); "
                    "split it",
                )  # fmt: skip
            long_words = [w for w in ws if len(w) > 1]
            if len(long_words) >= 2 and all(w.upper() == w for w in long_words):
                self.find(text, start, "warning", "all-caps",
                          f"{section}: a sentence in capitals is harder to read; "
                          "write it in ordinary case")  # fmt: skip
            if self.lists is not None:
                self.passive(section, text, start, sentence)

    def passive(self, section: str, text: Text, start: int, sentence: str) -> None:
        assert self.lists is not None
        found = [(m.start(), m.group().lower()) for m in _WORD.finditer(sentence)]
        for i, (_, w) in enumerate(found[:-1]):
            if w not in self.lists.be:
                continue
            j = i + 1
            if found[j][1].endswith("ly") and j + 1 < len(found):
                j += 1
            nxt = found[j][1]
            if nxt in self.lists.not_passive:
                continue
            if (nxt.endswith("ed") and len(nxt) > 4) or nxt in self.lists.participles:
                self.find(
                    text, start + found[i][0], "note", "passive",
                    f"{section}: '{w} {nxt}' may be passive voice; say who does it "
                    "('place the roller', not 'the roller is placed')",
                )  # fmt: skip
                return

    # -- steps ----------------------------------------------------------------------------
    def step_checks(self, what: str, text: Text) -> None:
        ws = words(text)
        if len(ws) > STEP_WORDS:
            self.find(text, 0, "warning", "long-step",
                      f"{what} has {len(ws)} words (more than {STEP_WORDS}); split it into "
                      "two steps")  # fmt: skip
        if self.lists is not None and ws and not self.starts_with_verb(text):
            self.find(
                text, 0, "note", "verb-first",
                f"{what} does not start with an action word ('Lift ...', 'Hold ...'); "
                f"it starts with '{ws[0]}'",
            )  # fmt: skip

    def starts_with_verb(self, text: str) -> bool:
        assert self.lists is not None
        lists = self.lists

        def first_verb(part: str) -> bool | None:
            for w in words(part):
                w = w.lower()
                if w in lists.skip or (w.endswith("ly") and w not in lists.verbs):
                    continue
                return w in lists.verbs
            return None

        head = first_verb(text)
        if head:
            return True
        first = next((w.lower() for w in words(text)), "")
        if first in lists.lead_ins and "," in text:
            return bool(first_verb(text.split(",", 1)[1]))
        return False

    # -- jargon ---------------------------------------------------------------------------
    def jargon(self) -> None:
        if self.lists is None:
            return
        texts = [t for n in SECTIONS for t in section_texts(self.r, n)]
        for terms, plain in self.lists.jargon:
            pattern = re.compile(
                r"(?<![\w-])(" + "|".join(re.escape(t).replace(r"\ ", r"[\s-]+")
                                          for t in terms) + r")(?![\w-])",
                re.IGNORECASE,
            )  # fmt: skip
            first: tuple[Text, re.Match[str]] | None = None
            defined = False
            for text in texts:
                for m in pattern.finditer(text):
                    first = first or (text, m)
                    if _defined(text, m, plain):
                        defined = True
            if first is not None and not defined:
                text, m = first
                self.find(
                    text, m.start(), "warning", "jargon",
                    f"'{m.group()}' may be unknown to a patient; say '{plain}', or explain "
                    f"it once, e.g. '{plain} ({m.group()})'",
                )  # fmt: skip


def _defined(text: str, m: re.Match[str], plain: str) -> bool:
    """The term is explained in this text: its plain words appear in it, or it stands in
    brackets right after other words ('... spine (sacrum)') or has brackets right after it."""
    if plain.lower() in text.lower():
        return True
    before, after = text[: m.start()].rstrip(), text[m.end() :].lstrip()
    return before.endswith("(") and after.startswith(")") or after.startswith("(")
