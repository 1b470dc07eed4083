"""The house rules the README's map promises, checked on the source."""

from __future__ import annotations

import re

from .conftest import ROOT

PACKAGE = ROOT / "handouts"


def importers(library: str) -> set[str]:
    pattern = re.compile(rf"^\s*(from|import) {library}\b", re.M)
    return {
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if pattern.search(p.read_text(encoding="utf-8"))
    }


def test_only_sheets_writes_with_pypdf() -> None:
    assert importers("pypdf") == {"sheets.py"}


def test_only_render_imports_reportlab() -> None:
    assert {p.split("/")[0] for p in importers("reportlab")} == {"render"}


def test_placement_math_is_pure() -> None:
    text = (PACKAGE / "impose.py").read_text(encoding="utf-8")
    assert not re.search(r"^\s*(from|import) (pypdf|reportlab|PIL)\b", text, re.M)
    assert "open(" not in text
