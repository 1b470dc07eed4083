"""Reading routine files: strict, and precise when they are wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from handouts.errors import DataError
from handouts.library import load_routine
from handouts.yamlsrc import parse_yaml

from .conftest import FIXTURES, SEED, run

BAD = FIXTURES / "bad"

# One fixture file per failure: the exact line(s) a user sees.
EXPECTED = {
    "tab.yaml": ["3:1: tab character; indent with spaces"],
    "duplicate-key.yaml": ["4:1: duplicate key 'title' (first given on line 1)"],
    "alias.yaml": ["1:8: anchors (&name) are not allowed; write the value out"],
    "unknown-field.yaml": ["2:1: unknown key 'benefit' in the routine; did you mean 'benefits'?"],
    "wrong-type.yaml": ["4:9: 'dosage' must be a mapping of keys, not text"],
    "missing-required.yaml": ["1:1: missing required key 'steps'; add 'steps:' to the routine"],
    "yaml-syntax.yaml": ["4:1: YAML syntax: expected ',' or ']', but got '<stream end>'"],
    "bad-video.yaml": [
        "4:8: 'video' must be an http:// or https:// address, not 'javascript:alert(1)'"
    ],
    "image-outside.yaml": [
        "4:12: steps[1].image '../../../../etc/passwd' is outside the data folder "
        "tests/fixtures/bad"
    ],
    "missing-glyph.yaml": [
        "3:13: the font cannot draw U+6DF1 CJK UNIFIED IDEOGRAPH-6DF1; add a font that "
        "covers it to the layout or remove the character"
    ],
    "oversized.yaml": ["1:1: file is 298,993 bytes; the limit is 262,144"],
    "tag.yaml": ["1:8: YAML tags like !!python/object/apply:os.system are not allowed"],
    "several-problems.yaml": [
        "2:3: 'title' must be text, not a list",
        "3:8: 'steps' must be a list (lines starting with '- '), not text",
        "4:1: unknown key 'colour' in the routine",
    ],
}


def test_every_bad_fixture_has_an_expectation() -> None:
    assert sorted(p.name for p in BAD.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input_is_one_line_per_problem_and_exit_1(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES.parent.parent)
    rel = f"tests/fixtures/bad/{name}"
    result = run("validate", rel)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"{rel}:{line}" for line in EXPECTED[name]]
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name", ["tab.yaml", "unknown-field.yaml", "missing-glyph.yaml"])
def test_bad_input_writes_no_handout(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES.parent.parent)
    target = tmp_path / "bad.pdf"
    result = run("handout", f"tests/fixtures/bad/{name}", "-o", str(target))
    assert result.exit_code == 1
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_no_implicit_typing() -> None:
    src = parse_yaml(b"a: no\nb: 1:30\nc: 010\nd: 1e3\ne: null\nf: 2026-01-01\n", "x.yaml")
    assert src.root.plain() == {
        "a": "no", "b": "1:30", "c": "010", "d": "1e3", "e": "null", "f": "2026-01-01",
    }  # fmt: skip


def test_seed_routine_loads_with_every_section() -> None:
    r = load_routine(SEED)
    assert r.id == "sacral-traction"
    assert r.title == "Sacral Traction"
    assert r.category == "Joint relief"
    assert len(r.benefits) == 5 and len(r.steps) == 9 and len(r.quick_reference) == 3
    assert any("If this hurts" in c for c in r.cautions)
    assert any("Retest by bending over" in a for a in r.aftercare)
    assert r.previous == "lady-stretch" and r.next == "serratus-anterior"


def test_alias_bomb_is_refused_before_expansion() -> None:
    bomb = b"a: &a [x, x, x, x, x, x, x, x, x]\n" + b"".join(
        b"%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n" % ((c, c, c - 1) + (c - 1,) * 8)
        for c in range(ord("b"), ord("k"))
    )
    with pytest.raises(DataError) as info:
        parse_yaml(bomb, "bomb.yaml")
    assert str(info.value) == "bomb.yaml:1:4: anchors (&name) are not allowed; write the value out"


def test_huge_list_is_refused() -> None:
    data = b"title: t\nsteps:\n" + b"- a\n" * 30_000
    with pytest.raises(DataError) as info:
        parse_yaml(data, "big.yaml")
    assert "too many values in one file (limit 20,000)" in str(info.value)


def test_missing_previous_next_are_warnings_not_errors(project: Path) -> None:
    result = run("validate")
    assert result.exit_code == 0
    assert "warning: 'previous' names 'lady-stretch'" in result.stderr
    count = 1 + sum(
        len(list((project / "data" / d).glob("*.yaml")))  # 1: the clinic
        for d in ("routines", "booklets", "programs")
    )
    assert result.stdout.strip() == f"{count} file(s) OK"


def test_validate_checks_booklets_and_programmes_too(project: Path) -> None:
    (project / "data/booklets/x.yaml").write_text("title: X\nroutines: [nope]\n")
    (project / "data/programs/y.yaml").write_text("patient: Y\nroutines: [sacral-tracton]\n")
    result = run("validate")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-2:] == [
        "data/booklets/x.yaml:2:12: no routine with id 'nope' in the library",
        "data/programs/y.yaml:2:12: no routine with id 'sacral-tracton' in the library; "
        "closest: sacral-traction",
    ]


def test_list_shows_id_title_category(project: Path) -> None:
    result = run("list")
    assert result.exit_code == 0
    assert "sacral-traction\tSacral Traction\tJoint relief" in result.stdout.splitlines()


def test_unknown_routine_id_suggests(project: Path) -> None:
    result = run("handout", "sacral-tracton")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "data/routines:1:1: no routine with id 'sacral-tracton'; did you mean 'sacral-traction'?"
    )
