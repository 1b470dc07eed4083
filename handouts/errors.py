"""One exception tree. Every data problem knows its file, line and column.

The CLI (and only the CLI) turns these into `path:line:col: message` lines and exit status 1.
"""

from __future__ import annotations

from collections.abc import Iterable

from .records import record


@record
class Problem:
    """One problem with one place in one file. Lines and columns are 1-based."""

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class HandoutsError(Exception):
    """Base class: anything the user can fix. Carries one or more Problems."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems), key=lambda p: (p.path, p.line, p.col, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[object, ...]:
        # Exception pickles its args (one string) and calls __init__ with them; rebuild from
        # the problems instead, without the subclass's own __init__ (ImageRefused takes a
        # path and a reason), so an error raised in a worker process reaches the parent with
        # its class, its places and its other attributes.
        state = {k: v for k, v in self.__dict__.items() if k != "problems"}
        return (_rebuild, (type(self), self.problems, state))

    @classmethod
    def at(cls, path: str, line: int, col: int, message: str) -> HandoutsError:
        return cls([Problem(path, line, col, message)])


def _rebuild(cls: type[HandoutsError], problems: list[Problem], state: dict[str, object]) -> object:
    error = cls.__new__(cls)
    HandoutsError.__init__(error, problems)
    error.__dict__.update(state)
    return error


class DataError(HandoutsError):
    """The YAML (routine, booklet, program, clinic, layout) is malformed or invalid."""


class RenderError(HandoutsError):
    """The data is valid but cannot be printed as asked (missing glyph, card overflow...)."""


def fail(path: str, line: int, col: int, message: str) -> DataError:
    return DataError([Problem(path, line, col, message)])
