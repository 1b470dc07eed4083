"""The cheap speed levers of issue 12 keep their behaviour: what is imported, what is checked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from handouts.check import Text
from handouts.layout import FontSettings
from handouts.render import fonts as fonts_module
from handouts.render.fonts import font_set, glyph_problems

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("reportlab", "pypdf", "PIL")


def _imported_after(*args: str) -> list[str]:
    """Heavy packages in sys.modules after `handouts ARGS` ran on the shipped project."""
    code = (
        "import json, sys\n"
        "from handouts.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [("list",), ("--help",), ("--version",)])
def test_quick_commands_import_no_reportlab_pypdf_or_pillow(args: tuple[str, ...]) -> None:
    assert _imported_after(*args) == []


def test_glyph_check_judges_each_distinct_character_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fonts = font_set(FontSettings())
    calls: list[str] = []
    judge = fonts_module._verdict

    def counting(ch: str, covered: frozenset[int]) -> str | None:
        calls.append(ch)
        return judge(ch, covered)

    monkeypatch.setattr(fonts_module, "_verdict", counting)
    texts = [Text("abc ab", "r.yaml", n, 3) for n in range(1, 200)]
    texts.append(Text("ab \u05d0 \u0915\u05d0", "r.yaml", 300, 5))  # Hebrew, Devanagari
    problems = glyph_problems(texts, fonts)
    assert sorted(calls) == sorted(set("abc ") | {"\u05d0", "\u0915"})
    # Still one problem per text, at its first character that cannot print.
    assert [str(p) for p in problems] == [
        "r.yaml:300:8: right-to-left text (U+05D0 HEBREW LETTER ALEF) is not supported yet; "
        "it would print in the wrong order"
    ]


def test_glyph_check_reports_each_text_at_its_own_first_bad_character() -> None:
    fonts = font_set(FontSettings())
    texts = [Text("ok \U0001f600", "a.yaml", 1, 1), Text("\U0001f600 first", "b.yaml", 2, 4)]
    texts.append(Text("fine", "c.yaml", 3, 1))
    problems = [(p.path, p.line, p.col) for p in glyph_problems(texts, fonts)]
    assert problems == [("a.yaml", 1, 4), ("b.yaml", 2, 4)]
