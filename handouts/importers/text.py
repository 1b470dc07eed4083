"""A plain-text routine page (copied from a web page or a document) as a routine file.

The page: a title line; an upper-case category line; labelled blocks ("BENEFITS:" on a line
of its own, then the block) and labelled paragraphs ("Please note: ...", "Side Note: ...");
paragraphs; and the site's navigation ("Previous" / a title / "Next" / a title). Each
paragraph is placed by what it says:

- a labelled block or paragraph goes where its label says (benefits, equipment, cautions,
  test, steps, aftercare, notes, quick reference, summary, dosage, video, previous, next);
- a paragraph that starts like a self-test ("The test for ...", "To test ...") is the test;
  one that starts like aftercare ("Afterward, ...", "When you are finished, ...") is
  aftercare; a sentence that starts "Retest ..." goes to the test wherever it stands;
- a paragraph whose sentences mostly tell the reader what to do is steps: one step per
  sentence, a sentence that explains ("This should allow ...", "Your effort will ...")
  staying with the step before it, numbered items kept as numbered; a stop rule inside it
  ("(If this hurts, stop.)") becomes a caution, and stop rules are the first cautions (the
  pocket card prints the first one);
- a paragraph that describes, before the first step, is the summary;
- anything else goes into `notes`, with a comment in the file saying it was not placed.

Nothing is dropped, and the words are the page's own: only the label lines, the category's
capitals and the navigation's "Previous" / "Next" words give way to the handout's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DataError, Problem
from ..model import DOSAGE_KEYS
from . import check_routine_text, read_text_file, routine_yaml, slug

# Labels, lower case, with the field they fill. "dosage.X" fills that dosage line.
LABELS: dict[str, str] = {
    **dict.fromkeys(["benefits", "benefit", "why do it", "why it helps"], "benefits"),
    **dict.fromkeys(
        ["equipment", "you will need", "you'll need", "what you need", "what you'll need"],
        "equipment",
    ),
    **dict.fromkeys(
        ["caution", "cautions", "warning", "warnings", "please note", "important",
         "safety", "precaution", "precautions", "be careful"],
        "cautions",
    ),
    **dict.fromkeys(
        ["test", "the test", "self-test", "self test", "test yourself", "check yourself",
         "retest", "re-test"],
        "test",
    ),
    **dict.fromkeys(
        ["steps", "how to", "how to do it", "how to do this", "instructions", "directions",
         "what to do", "method"],
        "steps",
    ),
    **dict.fromkeys(["afterward", "afterwards", "aftercare", "after"], "aftercare"),
    **dict.fromkeys(["note", "notes", "side note", "tip", "tips", "good to know"], "notes"),
    **dict.fromkeys(
        ["quick reference", "quick ref", "in short", "at a glance", "in brief"],
        "quick_reference",
    ),
    **dict.fromkeys(["summary", "about", "overview", "what it is"], "summary"),
    **dict.fromkeys(["sets"], "dosage.sets"),
    **dict.fromkeys(["reps", "repetitions", "repeat"], "dosage.reps"),
    **dict.fromkeys(["hold", "hold for"], "dosage.hold"),
    **dict.fromkeys(["frequency", "how often"], "dosage.frequency"),
    **dict.fromkeys(["side", "sides"], "dosage.side"),
    **dict.fromkeys(["video", "watch"], "video"),
    **dict.fromkeys(["previous", "prev"], "previous"),
    **dict.fromkeys(["next"], "next"),
}  # fmt: skip

LIST_ITEM_FIELDS = ("benefits", "equipment")
"""Fields whose block is one paragraph (or one list) split into items."""
SPEAKING_LABELS = ("cautions", "notes", "test", "aftercare")
OPEN_BLOCKS = ("steps", "quick_reference")
"""Blocks that go on to the next label; any other is one paragraph or one list."""
"""Fields where a label that starts a paragraph ("Please note: ...") is kept in its text."""

FIELD_ORDER = (
    "title", "category", "summary", "equipment", "benefits", "cautions", "test", "steps",
    "aftercare", "notes", "quick_reference", "dosage", "video", "previous", "next",
    "language",
)  # fmt: skip

_LABEL = re.compile(r"^\s*([A-Za-z][A-Za-z '’/-]{0,38}?)\s*:\s*(.*)$")
_ITEM = re.compile(r"^\s*(?:(\d{1,2})[.)]|[-•*–·])\s+(.*)$")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_NAV_WORD = re.compile(r"^[\s<>«»←→|]*(previous|prev|next)[\s<>«»←→|]*$", re.I)

DESCRIBING = set(
    "this that these those it it's its your you you'll you're you've the there a an we "
    "we're we'll our they they're their he she his her which such one many most some "
    "each both all people most".split()
)
"""First words of a sentence that describes rather than tells the reader what to do."""
LEADING = set(
    "with once when while after before if as keeping using from in on at for during "
    "without until now then so and but".split()
)
"""First words of a leading phrase ("With the roller under you, press ...")."""

_TEST_START = re.compile(
    r"^(the\s+)?(self[- ]?)?test\b|^to\s+(self[- ]?)?test\b|^test\s+yourself\b"
    r"|^check\s+(whether|if)\s+you\s+need\b",
    re.I,
)
_RETEST = re.compile(r"^(re-?test|test\s+again)\b", re.I)
_AFTER_START = re.compile(
    r"^(afterwards?|after\s+(this|that|you\s+finish|finishing|you\s*(are|'re|’re)\s+done)"
    r"|when\s+you\s*(are|'re|’re)\s+(done|finished)|once\s+you\s*(are|'re|’re|have)\s+"
    r"(done|finished)|to\s+finish|to\s+cool\s+down)\b",
    re.I,
)
_STOP_RULE = re.compile(
    r"^\(?\s*(if|stop|do\s+not|don['’]t|never|avoid)\b.*\b(hurts?|pain|painful|dizzy|"
    r"dizziness|numb|numbness|tingl\w*|faint|sharp)\b",
    re.I | re.S,
)


@dataclass
class Para:
    line: int  # where its first line is on the page, 1-based
    lines: list[str]

    @property
    def text(self) -> str:
        return " ".join(line.strip() for line in self.lines).strip()

    def items(self) -> list[tuple[int, str, bool]]:
        """(line, text, numbered) of each list item, or one item for a plain paragraph."""
        out: list[tuple[int, str, bool]] = []
        for n, raw in enumerate(self.lines):
            match = _ITEM.match(raw)
            if match:
                out.append((self.line + n, match.group(2).strip(), match.group(1) is not None))
            elif out and out[-1][1]:
                line, text, numbered = out[-1]
                out[-1] = (line, f"{text} {raw.strip()}", numbered)
            else:
                out.append((self.line + n, raw.strip(), False))
        if not any(_ITEM.match(raw) for raw in self.lines):
            return [(self.line, self.text, False)]
        return out

    @property
    def is_list(self) -> bool:
        return bool(self.lines) and _ITEM.match(self.lines[0]) is not None


def paragraphs(text: str) -> list[Para]:
    out: list[Para] = []
    current: list[str] = []
    start = 0
    for n, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not current:
                start = n
            current.append(line.rstrip())
        elif current:
            out.append(Para(start, current))
            current = []
    if current:
        out.append(Para(start, current))
    return out


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z’']+", text.lower().replace("’", "'"))


def tells(sentence: str) -> bool:
    """The sentence tells the reader what to do ("Lift your hips.", "With the roller in
    place, press ..."), rather than describing."""
    words = _words(sentence.strip("( "))
    if not words:
        return False
    if words[0] in LEADING and "," in sentence:
        rest = sentence.split(",", 1)[1]
        rest_words = [w for w in _words(rest) if w not in ("then", "now")]
        return tells(" ".join(rest_words)) if rest_words else False
    while words and words[0].endswith("ly") and len(words) > 1:  # "Gently lower ..."
        words = words[1:]
    return words[0] not in DESCRIBING and words[0] not in LEADING


def is_stop_rule(sentence: str) -> bool:
    return bool(_STOP_RULE.search(sentence))


def _known(label: str) -> str | None:
    return LABELS.get(re.sub(r"\s+", " ", label.strip().lower().replace("’", "'")))


def _label(para: Para) -> tuple[str, str] | None:
    """(field, rest of the first line) when the paragraph starts with a label the importer
    knows and goes on after it ("Please note: this is ...")."""
    match = _LABEL.match(para.lines[0])
    name = _known(match.group(1)) if match else None
    if match is None or name is None or not (match.group(2).strip() or len(para.lines) > 1):
        return None
    return name, match.group(2).strip()


def _heading(para: Para) -> str | None:
    """A line of its own that starts a block: the field it names ("BENEFITS:", "HOW TO DO
    IT", "Quick reference:"), or "?" and the heading when the importer does not know it."""
    if len(para.lines) != 1:
        return None
    line = para.lines[0].strip()
    match = _LABEL.match(line)
    if match and not match.group(2).strip():
        return _known(match.group(1)) or "?" + match.group(1).strip()
    if _upper_line(para):
        return _known(line) or None
    return None


def _numbered(para: Para) -> bool:
    return para.is_list and any(numbered for _, _, numbered in para.items())


def _upper_line(para: Para) -> bool:
    """One short line in capitals, with no sentence in it: a heading or a category."""
    text = para.text.rstrip(":")
    letters = [ch for ch in text if ch.isalpha()]
    return (
        len(para.lines) == 1
        and len(text) <= 60
        and bool(letters)
        and all(ch.isupper() for ch in letters)
        and not text.endswith((".", "!", "?"))
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def split_items(text: str) -> list[str]:
    """A benefits or equipment paragraph as items: at semicolons, sentence ends, and at
    commas where the next part starts as one of the items does ("Can release ..., can
    help ...") or the paragraph is a list of short names ("A mat, a towel")."""
    parts: list[str] = []
    for sentence in sentences(text):
        for piece in re.split(r"\s*;\s*", sentence):
            if piece.strip():
                parts.append(piece.strip())
    out: list[str] = []
    for part in parts:
        pieces = [p.strip() for p in part.split(",") if p.strip()]
        if len(pieces) < 2:
            out.append(part.rstrip(".").strip() if part.count(".") == 1 else part)
            continue
        starts = {_words(pieces[0])[0] if _words(pieces[0]) else ""}
        starts |= {"can", "may", "might", "could", "will", "helps", "help", "improves", "eases"}
        short = all(len(p.split()) <= 4 for p in pieces)
        current = pieces[0]
        for piece in pieces[1:]:
            first = (_words(piece) or [""])[0]
            if short or first in starts:
                out.append(current)
                current = piece
                starts.add(first)
            else:
                current = f"{current}, {piece}"
        out.append(current)
    return [_capital(re.sub(r"^(and|or)\s+", "", o).rstrip(".").strip()) for o in out if o]


@dataclass
class Placed:
    """The routine's fields, where each came from, and comments for the file."""

    fields: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, list[int]] = field(default_factory=dict)
    comments: dict[tuple[str, int], str] = field(default_factory=dict)
    unplaced: list[int] = field(default_factory=list)  # page lines that went to notes

    def add(self, name: str, value: str, line: int) -> None:
        value = value.strip()
        if not value:
            return
        if name.startswith("dosage."):
            self.fields.setdefault("dosage", {})[name.split(".", 1)[1]] = value
            name = "dosage"
        elif name in ("summary", "video", "previous", "next", "title", "category"):
            old = self.fields.get(name)
            self.fields[name] = f"{old} {value}" if old and name == "summary" else value
        else:
            self.fields.setdefault(name, []).append(value)
        self.lines.setdefault(name, [])
        if line not in self.lines[name]:
            self.lines[name].append(line)


class _Reader:
    def __init__(self, where: str) -> None:
        self.where = where
        self.placed = Placed()
        self.stops: list[tuple[str, int]] = []  # stop rules: the first cautions
        self.more_numbers = False  # the paragraph before or after is numbered items too

    def steps_from(self, text: str, line: int, target: str = "steps") -> None:
        """Prose of actions: one step per sentence that tells, the others staying with the
        step before; stop rules become cautions, a retest goes to the test."""
        for sentence in sentences(text):
            plain = sentence
            if plain.startswith("(") and plain.endswith(")"):
                plain = plain[1:-1].strip()
            if target == "steps" and is_stop_rule(plain):
                self.stops.append((plain, line))
            elif _RETEST.match(plain):
                self.placed.add("test", sentence, line)
            elif self.placed.fields.get(target) and not tells(sentence):
                items = self.placed.fields[target]
                items[-1] = f"{items[-1]} {sentence}"
                if line not in self.placed.lines[target]:
                    self.placed.lines[target].append(line)
            else:
                self.placed.add(target, sentence, line)

    def numbered(self, para: Para, target: str) -> None:
        items = para.items()
        if len(items) == 1 and not self.more_numbers:
            # a lone "1." is no numbering: its sentences are the steps
            self.steps_from(items[0][1], items[0][0], target)
            return
        for line, text, _ in items:
            self.placed.add(target, text, line)

    def block(self, name: str, para: Para, text: str | None = None) -> None:
        """One paragraph of a block (or a labelled paragraph), into field `name`."""
        body = para.text if text is None else text
        if name in LIST_ITEM_FIELDS:
            if para.is_list:
                for line, item, _ in para.items():
                    self.placed.add(name, _capital(item), line)
            else:
                for item in split_items(body):
                    self.placed.add(name, item, para.line)
        elif name in ("steps", "quick_reference"):
            if para.is_list:
                self.numbered(para, name)
            else:
                self.steps_from(body, para.line, name)
        elif name == "aftercare":
            for sentence in sentences(body):
                if _RETEST.match(sentence):
                    self.placed.add("test", sentence, para.line)
                else:
                    self.placed.add("aftercare", sentence, para.line)
        elif name in ("previous", "next"):
            self.placed.add(name, slug(body), para.line)
        elif name == "video" and not re.fullmatch(r"https?://\S+", body):
            self.unplaced(f"Video: {body}", para.line, "names a video with no http(s) address")
        elif para.is_list:
            for line, item, _ in para.items():
                self.placed.add(name, item, line)
        else:
            self.placed.add(name, body, para.line)

    def unplaced(self, text: str, line: int, why: str) -> None:
        index = len(self.placed.fields.get("notes", []))
        self.placed.add("notes", text, line)
        self.placed.comments[("notes", index)] = (
            f"not placed: line {line} of the page {why}; move it where it belongs"
        )
        self.placed.unplaced.append(line)

    def read(self, text: str) -> Placed:
        paras = paragraphs(text)
        if not paras:
            raise DataError([Problem(self.where, 1, 1, "the page is empty")])
        first = paras.pop(0)
        self.placed.add("title", first.lines[0].strip(), first.line)
        if len(first.lines) > 1:
            paras.insert(0, Para(first.line + 1, first.lines[1:]))
        block: str | None = None  # the labelled block we are in ("?HEADING": unknown)
        block_paras = 0  # paragraphs of it so far
        nav: str | None = None  # "previous" / "next": the next line is its title
        seen_content = False
        for i, para in enumerate(paras):
            text = para.text
            self.more_numbers = any(
                0 <= j < len(paras) and _numbered(paras[j]) for j in (i - 1, i + 1)
            )
            if all(_NAV_WORD.match(line) for line in para.lines):
                nav = "previous" if para.lines[0].strip(" <>«»←→|").lower()[0] == "p" else "next"
                block = None
                continue
            if nav is not None and len(para.lines) == 1 and len(text) <= 80:
                self.placed.add(nav, slug(text), para.line)
                nav = None
                continue
            nav = None
            if (
                not seen_content
                and "category" not in self.placed.fields
                and _upper_line(para)
                and _heading(para) is None
            ):
                self.placed.add("category", text.capitalize(), para.line)
                continue
            if self._dosage_lines(para):
                seen_content, block = True, None
                continue
            heading = _heading(para)
            if heading is not None:  # "BENEFITS:", "HOW TO DO IT": a block starts
                block, block_paras = heading, 0
                continue
            seen_content = True
            label = _label(para)
            if label is not None:  # "Please note: ...", "Equipment: a mat"
                name, rest = label
                if name in SPEAKING_LABELS:
                    self.block(name, para)  # the label stays in the text
                    block = None
                else:
                    self.block(name, Para(para.line, ([rest] if rest else []) + para.lines[1:]))
                    block = name if name in OPEN_BLOCKS else None
                continue
            lead = (sentences(text) or [""])[0]
            if block is not None and self._continues(block, block_paras, para, lead):
                if block.startswith("?"):
                    self.unplaced(
                        f"{_capital(block[1:].lower())}: {text}",
                        para.line,
                        f"is under the heading '{block[1:]}', which the importer does not know",
                    )
                else:
                    self.block(block, para)
                block_paras += 1
                continue
            block = None
            if _TEST_START.match(lead):
                self.block("test", para)
            elif _AFTER_START.match(lead):
                self.block("aftercare", para)
            elif _numbered(para):
                self.numbered(para, "steps")
            elif self._mostly_tells(text):
                self.steps_from(text, para.line)
            elif "steps" not in self.placed.fields:
                self.block("summary", para)
            else:
                self.unplaced(text, para.line, "reads as neither a step nor a label")
        if self.stops:
            for stop, line in self.stops:
                self.placed.add("cautions", stop, line)
            cautions = self.placed.fields["cautions"]
            stops = [t for t, _ in self.stops]
            self.placed.fields["cautions"] = stops + [c for c in cautions if c not in stops]
        return self.placed

    @staticmethod
    def _continues(block: str, count: int, para: Para, lead: str) -> bool:
        """Whether `para` still belongs to the block above it: STEPS: and QUICK REFERENCE:
        go on to the next label (or a paragraph that starts aftercare or the test); any
        other block is one paragraph, or one list, bulleted items going on."""
        if block in OPEN_BLOCKS:
            return not (_AFTER_START.match(lead) or _TEST_START.match(lead))
        return count == 0 or (para.is_list and not _numbered(para))

    def _mostly_tells(self, text: str) -> bool:
        said = sentences(text)
        return bool(said) and sum(tells(s) for s in said) * 2 >= len(said)

    def _dosage_lines(self, para: Para) -> bool:
        """A paragraph of "Hold: 30 seconds" lines."""
        found: list[tuple[str, str]] = []
        for raw in para.lines:
            match = _LABEL.match(raw)
            name = LABELS.get(match.group(1).strip().lower()) if match else None
            if match is None or name is None or not name.startswith("dosage."):
                return False
            found.append((name, match.group(2).strip()))
        for n, (name, value) in enumerate(found):
            self.placed.add(name, value, para.line + n)
        return True


@dataclass(frozen=True)
class TextImport:
    rid: str
    yaml: str
    placed: Placed

    def report(self) -> list[str]:
        """One line per field: how many items, from which lines of the page."""
        out = []
        for name in FIELD_ORDER:
            if name not in self.placed.lines:
                continue
            value = self.placed.fields[name]
            count = ""
            if isinstance(value, list | dict):
                count = f"{len(value)} item{'s' if len(value) != 1 else ''} "
            out.append(f"{name}: {count}from {_lines(self.placed.lines[name])}")
            if name == "notes" and self.placed.unplaced:
                out[-1] += (
                    f", of which not placed (see the comments): {_lines(self.placed.unplaced)}"
                )
        return out


def _lines(numbers: list[int]) -> str:
    return f"line{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}"


def import_page(path: Path, where: str, rid: str | None = None) -> TextImport:
    """Read the page and make its routine file's text; DataError if it cannot be one."""
    text = read_text_file(path).replace("\t", " ")  # a tab is a space here, never indent
    placed = _Reader(where).read(text)
    if "steps" not in placed.fields:
        raise DataError(
            [
                Problem(
                    where,
                    1,
                    1,
                    "no paragraph reads as steps (sentences that tell the reader what to "
                    "do); put a 'STEPS:' line above them",
                )
            ]
        )
    if "dosage" in placed.fields:
        placed.fields["dosage"] = {
            k: placed.fields["dosage"][k] for k in DOSAGE_KEYS if k in placed.fields["dosage"]
        }
    placed.fields["language"] = "en"
    fields = {k: placed.fields[k] for k in FIELD_ORDER if k in placed.fields}
    name = rid or slug(str(fields["title"]))
    header = [f"Imported from {path.name} by `handouts import text`: check it, then print it."]
    comments = dict(placed.comments)
    if len(fields.get("cautions", [])) > 1:
        comments[("cautions", -1)] = "The first caution is the one the pocket card prints."
    yaml_text = routine_yaml(fields, header, comments)
    problems = check_routine_text(yaml_text, where, name)
    if problems:
        raise DataError(problems)
    return TextImport(name, yaml_text, placed)


def write_routine(
    page: Path, output: Path | None, routines_dir: Path | None
) -> tuple[Path, TextImport, list[Path]]:
    """Import `page` and write it to `output`, or to ROUTINES_DIR/ID.yaml; never over a
    file that is there. Nothing is written when anything is wrong. Inside a project the
    file names the project's routine schema, and the schema files it wrote come last."""
    import re as _re

    from ..check import ID_RE
    from ..output import shown
    from . import ensure_schema_files, write_new_file

    where = shown(page)
    if output is not None:
        if output.suffix not in (".yaml", ".yml"):
            raise DataError([Problem(shown(output), 1, 1, "a routine file must end in .yaml")])
        if not _re.fullmatch(ID_RE, output.stem):
            raise DataError(
                [
                    Problem(
                        shown(output),
                        1,
                        1,
                        "the file name is the routine's id: use lower-case letters, digits "
                        "and '-' (for example doorway-stretch.yaml)",
                    )
                ]
            )
    result = import_page(page, where, output.stem if output is not None else None)
    assert output is not None or routines_dir is not None
    path = output if output is not None else routines_dir / f"{result.rid}.yaml"  # type: ignore[operator]
    if not write_new_file(path, result.yaml):
        hint = "" if output is not None else " (give -o to write the routine elsewhere)"
        raise DataError([Problem(shown(path), 1, 1, f"already exists; not replaced{hint}")])
    return path, result, ensure_schema_files([path])
