"""The cheap speed levers of issue 12 keep their behaviour: what is imported, what is checked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def _all_yaml_files() -> list[Path]:
    return sorted(
        p
        for folder in ("data", "handouts", "tests", "layouts", "docs")
        for p in (ROOT / folder).rglob("*.yaml")
    )


def test_libyaml_is_used_and_composes_the_same_nodes(monkeypatch: pytest.MonkeyPatch) -> None:
    from handouts import yamlsrc
    from handouts.errors import DataError

    if yamlsrc._CStrictLoader is None:
        pytest.skip("PyYAML without libyaml")
    files = _all_yaml_files()
    assert len(files) > 20
    fast: list[object] = []
    used = 0
    for f in files:
        data = f.read_bytes()
        used += yamlsrc._compose_fast(data.decode("utf-8-sig", "replace")) is not yamlsrc._NO_ROOT
        try:
            fast.append(yamlsrc.parse_yaml(data, "f").root)
        except DataError as exc:
            fast.append([str(p) for p in exc.problems])
    assert used > len(files) // 2  # the shipped files compose through libyaml
    monkeypatch.setattr(yamlsrc, "_CStrictLoader", None)
    pure: list[object] = []
    for f in files:
        try:
            pure.append(yamlsrc.parse_yaml(f.read_bytes(), "f").root)
        except DataError as exc:
            pure.append([str(p) for p in exc.problems])
    assert fast == pure


@pytest.mark.parametrize(
    "text",
    [
        "a: x # eaten\nb: 'q'\nc:\nd: é x\n",
        "steps:\n  - one\n  - two\n   - merged\n",
        "a: |\n  block é\n  two\nb: >\n  folded\n",
        'a: "x # kept"\nb: [1, 2]\nc: {d: e}\n',
        "a: 1\na: 2\n",
        "a: &x 1\nb: *x\n",
        "a: !!int 1\n",
        "a: b: c\n",
        "- a\nb: c\n",
        "a: 1\n---\nb: 2\n",
        "a: \x85x\n",
        "a: '\u2028'\n",
        "  - deep\n" * 3,
        "a:\n" + "".join(" " * (2 * i) + f"k{i}:\n" for i in range(1, 60)),
    ],
)
def test_libyaml_path_gives_the_pure_loaders_nodes_and_errors(
    monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    from handouts import yamlsrc
    from handouts.errors import DataError

    def parse() -> object:
        try:
            return yamlsrc.parse_yaml(text.encode(), "f.yaml").root
        except DataError as exc:
            return [str(p) for p in exc.problems]

    fast = parse()
    monkeypatch.setattr(yamlsrc, "_CStrictLoader", None)
    assert fast == parse()


_YAMLISH = st.text(alphabet=" :-#\n'\"|>ab é[]{},&*!?%@`\\\t\u0085\u00a0\ufeff\r0", max_size=40)


@settings(max_examples=1000, deadline=None)
@given(_YAMLISH)
def test_libyaml_path_matches_the_pure_loader_on_any_text(text: str) -> None:
    from handouts import yamlsrc
    from handouts.errors import DataError

    def parse() -> object:
        try:
            return yamlsrc.parse_yaml(text.encode(), "f.yaml").root
        except DataError as exc:
            return [str(p) for p in exc.problems]

    fast = parse()
    saved = yamlsrc._CStrictLoader
    yamlsrc._CStrictLoader = None
    try:
        assert fast == parse()
    finally:
        yamlsrc._CStrictLoader = saved


_LINE = st.tuples(
    st.sampled_from(["", "  ", "    ", " ", "   "]),
    st.sampled_from(["", "- ", "key: ", "- key: ", "k2:", "? ", "-"]),
    st.sampled_from(
        [
            "",
            "word",
            "two words",
            "'q'",
            '"d"',
            "|",
            ">-",
            "a # c",
            "[a, b]",
            "{a: b}",
            "é",
            "a:b",
            "x: y",
            "&a x",
            "*a",
            "!t x",
            "- x",
            "#c",
            "'",
            '"\\t"',
            "a  b",
            "b\u0085c",
            "%YAML",
            "---",
            "...",
        ]
    ),
).map("".join)
_YAML_LINES = st.lists(_LINE, max_size=8).map("\n".join)


@settings(max_examples=1000, deadline=None)
@given(_YAML_LINES)
def test_libyaml_path_matches_the_pure_loader_on_yaml_like_lines(text: str) -> None:
    test_libyaml_path_matches_the_pure_loader_on_any_text.hypothesis.inner_test(text)  # type: ignore[attr-defined]


def test_validate_imports_no_reportlab_pypdf_or_pillow() -> None:
    # The shipped clinic has a logo: validate checks it (tests/test_picture_check.py) without
    # decoding it, so without Pillow.
    assert "logo:" in (ROOT / "data" / "clinic.yaml").read_text(encoding="utf-8")
    assert _imported_after("validate") == []


def test_shipped_coverage_is_what_reportlab_reads_from_each_shipped_font() -> None:
    from handouts.render.fonts import FONT_DIR, _codes, _digest, _register, _shipped_ranges

    shipped = {digest: _codes(ranges) for digest, ranges in _shipped_ranges().items()}
    fonts = sorted(FONT_DIR.glob("*.ttf"))
    assert len(fonts) == 4 and len(shipped) == 4
    for p in fonts:
        assert shipped[_digest(str(p.resolve()))] == _register(str(p.resolve()), f"T-{p.stem}")


def test_validate_still_finds_what_the_fonts_cannot_draw(tmp_path: Path) -> None:
    routine = (ROOT / "data" / "routines" / "sacral-traction.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(routine.replace("title: Sacral Traction", "title: Sacral \u4e2d"), "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "handouts", "validate", str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "bad.yaml:3:15: the font cannot draw U+4E2D CJK UNIFIED IDEOGRAPH-4E2D" in done.stderr
