"""Turning composed YAML nodes into typed values, collecting every problem on the way.

Shared by the routine, booklet, program, clinic and layout readers so that all of them word
their errors the same way.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from typing import TypeVar

from .errors import DataError, Problem
from .yamlsrc import Node, did_you_mean

T = TypeVar("T")

SHORT = 200
"""Characters in a title-like field (titles, headings, names, one equipment item).
The longest of 2,047 real titles (the seed and the wger corpus) is 44."""
LONG = 2_500
"""Characters in one paragraph (a step, the summary, a note) and in any text field not
declared shorter. The longest of 4,710 real steps in the wger corpus is 1,569, of 358
summaries 616, of 500 notes 490."""


class Text(str):
    """Text from a data file that remembers where it was written (for glyph errors)."""

    path: str
    line: int
    col: int
    style: str | None

    def __new__(cls, value: str, path: str = "", line: int = 0, col: int = 0) -> Text:
        obj = super().__new__(cls, value)
        obj.path, obj.line, obj.col, obj.style = path, line, col, None
        return obj

    def position_of(self, index: int) -> tuple[int, int]:
        """Best line and column of character `index` of this text in its file."""
        if self.style in (None, "'", '"') and "\n" not in self[:index]:
            return self.line, self.col + index + (1 if self.style else 0)
        if self.style == "|":
            return self.line + 1 + self[:index].count("\n"), 1
        return self.line, self.col


class Checker:
    """Collects problems for one file; `done()` raises them all at once."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def error(self, node: Node, message: str) -> None:
        self.problems.append(Problem(self.path, node.line, node.col, message))

    def done(self) -> None:
        if self.problems:
            raise DataError(self.problems)

    # -- shapes ---------------------------------------------------------------------------
    def mapping(
        self,
        node: Node,
        allowed: Iterable[str],
        required: Iterable[str] = (),
        what: str = "",
    ) -> dict[str, Node]:
        """The keys of a mapping node; unknown keys and missing required keys are problems."""
        if node.kind != "map":
            name = what if what.startswith("the ") else f"'{what}'"
            self.error(node, f"{name} must be a mapping of keys, not {node.describe()}")
            return {}
        names = tuple(allowed)
        out: dict[str, Node] = {}
        for key, (key_node, value) in node.keys.items():
            if key not in names:
                where = f" in {what}" if what else ""
                self.error(key_node, f"unknown key '{key}'{where}{did_you_mean(key, names)}")
            else:
                out[key] = value
        for key in required:
            if key not in out and key in names:
                where = f" to {what}" if what else ""
                self.error(node, f"missing required key '{key}'; add '{key}:'{where}")
        return out

    def text(
        self,
        node: Node,
        what: str,
        *,
        allow_empty: bool = False,
        limit: int = LONG,
        prose: bool = True,
    ) -> Text | None:
        """Text of at most `limit` characters.

        `prose` is text that could hold ` #` (anything printed, a name, a path): there a
        YAML comment after plain text is an error, since it silently drops words. A value
        with a grammar of its own (an id, a date, a number, a choice) may carry a comment.
        """
        if node.kind != "str":
            self.error(node, f"'{what}' must be text, not {node.describe()}")
            return None
        value = node.text
        if node.merged is not None:
            line, col = node.merged
            self.problems.append(
                Problem(
                    self.path,
                    line,
                    col,
                    f"this line starting with '- ' is read as more of '{what}', so two items "
                    "look merged into one; fix its indent (or quote the text)",
                )
            )
            return None
        if prose and node.comment is not None:
            line, col, dropped = node.comment
            self.problems.append(
                Problem(
                    self.path,
                    line,
                    col,
                    f"'{dropped}' would be dropped as a YAML comment; put the whole line in quotes",
                )
            )
            return None
        if not value.strip() and not allow_empty:
            self.error(node, f"'{what}' is empty")
            return None
        if len(value) > limit:
            self.error(node, f"'{what}' is {len(value):,} characters; the limit is {limit:,}")
            return None
        control = FORBIDDEN_CONTROL.search(value)
        text = Text(value, self.path, node.line, node.col)
        text.style = node.style
        if control is not None:
            line, col = text.position_of(control.start())
            self.problems.append(
                Problem(
                    self.path,
                    line,
                    col,
                    f"control character U+{ord(control.group()):04X} in '{what}' cannot be printed",
                )
            )
            return None
        return text

    def text_list(
        self, node: Node, what: str, *, single_ok: bool = True, limit: int = LONG
    ) -> list[Text]:
        """A list of text items; a single text is a list of one when `single_ok`."""
        if node.kind == "str" and single_ok:
            one = self.text(node, what, limit=limit)
            return [one] if one is not None else []
        return self.seq(
            node, what, lambda item, i: self.text(item, f"{what}[{i + 1}]", limit=limit)
        )

    def seq(
        self, node: Node, what: str, each: Callable[[Node, int], T | None], *, limit: int = 500
    ) -> list[T]:
        if node.kind != "seq":
            self.error(
                node, f"'{what}' must be a list (lines starting with '- '), not {node.describe()}"
            )
            return []
        if len(node.items) > limit:
            self.error(node, f"'{what}' has {len(node.items):,} items; the limit is {limit:,}")
            return []
        out = []
        for i, item in enumerate(node.items):
            value = each(item, i)
            if value is not None:
                out.append(value)
        return out

    def choice(self, node: Node, what: str, choices: Iterable[str]) -> str | None:
        options = tuple(choices)
        value = self.text(node, what, prose=False)
        if value is None:
            return None
        if value not in options:
            self.error(
                node,
                f"'{what}' must be one of {', '.join(options)}, not '{value}'"
                f"{did_you_mean(value, options)}",
            )
            return None
        return str(value)

    def pattern(self, node: Node, what: str, regex: str, hint: str) -> Text | None:
        value = self.text(node, what, prose=False)
        if value is None:
            return None
        if not re.fullmatch(regex, value):
            self.error(node, f"'{what}' {hint}, not '{value}'")
            return None
        return value

    def date(self, node: Node, what: str) -> Text | None:
        """A calendar date written YYYY-MM-DD: 2026-02-30 is refused."""
        value = self.text(node, what, prose=False)
        if value is None:
            return None
        if not check_date(value):
            self.error(node, f"'{what}' {date_problem(value)}")
            return None
        return value


FORBIDDEN_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
"""A control character that cannot be printed: C0 but the line break, DEL and C1."""


DATE_RE = r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
"""The shape of a date; check_date also knows the calendar."""


def check_date(text: str) -> bool:
    """True when `text` is a real calendar day written YYYY-MM-DD (not 2026-02-30)."""
    if not re.fullmatch(DATE_RE, text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def date_problem(text: str) -> str:
    """Why `text` is not a date, worded to follow the field's name."""
    if not re.fullmatch(DATE_RE, text):
        return f"must be a date like 2026-01-31, not '{text}'"
    import calendar  # only to word the problem

    year, month = int(text[:4]), int(text[5:7])
    if year == 0:
        return f"'{text}' is not a real date: there is no year 0"
    days = calendar.monthrange(year, month)[1]
    return f"'{text}' is not a real date: {calendar.month_name[month]} {year} has {days} days"


ID_RE = r"[a-z0-9][a-z0-9-]{0,79}"
LANG_RE = r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*"
URL_RE = r"https?://[^\s<>\"]+"
