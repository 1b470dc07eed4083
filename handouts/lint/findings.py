"""One finding of `handouts lint`, printed as `path:line:col: level: message`."""

from __future__ import annotations

from dataclasses import asdict, dataclass

LEVELS = ("error", "warning", "note", "info")
"""error: the file cannot be read; warning: fails --strict; note: worth a look; info: a
score, for the record."""


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    col: int
    level: str
    check: str  # a short name: readability, jargon, long-sentence, large-print ...
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.level}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)
