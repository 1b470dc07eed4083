"""Issue 12, one handout within 1.2x of a bare platypus script: the levers of branch fast1.

A record (`handouts.records.record`) behaves as the frozen dataclass it replaces; the shipped
fonts' coverage is read without building a set per face; the control-character check finds
the same first character; a handout imports nothing that only other commands use. Every
output byte stays the same (the byte-identity tests of test_perf/test_perf2 and the PDFs
compared here).
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from handouts.records import record

from .conftest import run, write


def _pair(body: str) -> tuple[type, type]:
    """The same class body made by @record and by @dataclass(frozen=True)."""
    made = []
    for deco in (record, dataclass(frozen=True)):
        env: dict[str, Any] = {"field": field, "__name__": "tests.test_fast1"}
        exec("from __future__ import annotations\n" + body, env)
        made.append(deco(env["C"]))
    return made[0], made[1]


BODIES = [
    "class C:\n    a: int\n    b: str = 'x'\n",
    "class C:\n    pass\n",
    "class C:\n    a: tuple[int, ...]\n",
    "class C:\n    '''Doc.'''\n    a: list[int] = field(default_factory=list)\n"
    "    b: int = field(default=3, compare=False, repr=False)\n"
    "    c: dict[str, int] = field(default_factory=dict, hash=False)\n",
    "class C:\n    a: int\n    b: int = field(default=0, init=False)\n"
    "    def total(self) -> int:\n        return self.a + self.b\n",
    "class C:\n    a: int\n    b: int = 1\n    def __post_init__(self) -> None:\n"
    "        if self.a < 0:\n            raise ValueError('negative')\n",
]


@pytest.mark.parametrize("body", BODIES)
def test_a_record_behaves_as_its_frozen_dataclass(body: str) -> None:
    R, D = _pair(body)
    names = [f.name for f in dataclasses.fields(D)]
    assert [f.name for f in dataclasses.fields(R)] == names
    assert R.__match_args__ == D.__match_args__
    assert dataclasses.is_dataclass(R) and R.__dataclass_params__.frozen
    args = [(1,)] if "a: tuple" not in body else [((1, 2),)]
    if not names:
        args = [()]
    for a in args:
        r, d = R(*a), D(*a)
        assert repr(r).replace("R", "D") == repr(d).replace("R", "D")
        assert r == R(*a) and not r != R(*a) and r != d  # another class is never equal
        assert (r == object()) is False
        assert dataclasses.asdict(r) == dataclasses.asdict(d)
        assert dataclasses.astuple(r) == dataclasses.astuple(d)
        try:
            assert hash(r) == hash(d)
        except TypeError:
            with pytest.raises(TypeError):
                hash(d)
        for name in [*names, "other"]:
            with pytest.raises(dataclasses.FrozenInstanceError) as mine:
                setattr(r, name, 5)
            with pytest.raises(dataclasses.FrozenInstanceError) as theirs:
                setattr(d, name, 5)
            assert str(mine.value) == str(theirs.value)
            with pytest.raises(dataclasses.FrozenInstanceError) as mine:
                delattr(r, name)
            with pytest.raises(dataclasses.FrozenInstanceError) as theirs:
                delattr(d, name)
            assert str(mine.value) == str(theirs.value)
        if names and dataclasses.fields(R)[0].init:
            changed = dataclasses.replace(r, **{names[0]: a[0]})
            assert changed == r and changed is not r and type(changed) is R
        assert copy.deepcopy(r) == r and copy.copy(r) == r


@record
class Pickled:
    a: int
    b: list[int] = field(default_factory=list)


def test_a_record_pickles_for_worker_processes() -> None:
    """A booklet's and a build's jobs go to worker processes pickled."""
    one = Pickled(1, [2])
    back = pickle.loads(pickle.dumps(one))
    assert back == one and back.b == [2] and type(back) is Pickled
    with pytest.raises(dataclasses.FrozenInstanceError):
        back.a = 2  # type: ignore[misc]


def test_a_record_compares_hashes_and_shows_fields_as_declared() -> None:
    R, D = _pair(BODIES[3])
    assert R() == R(b=7)  # b: compare=False
    assert "b=" not in repr(R()) and repr(R([1])) == "C(a=[1], c={})"
    assert R().a is not R().a  # a fresh list from the default factory each time
    with pytest.raises(TypeError, match="unhashable"):
        hash(R())
    S, _ = _pair(BODIES[0])
    assert {S(1), S(1, "x"), S(2)} == {S(1), S(2)}
    assert hash(S(1, "y")) == hash((1, "y"))
    assert S(2, "a") != S(2, "b") and S(1) == S(a=1, b="x")
    with pytest.raises(TypeError):
        S()
    with pytest.raises(TypeError):
        S(1, "x", 3)
    Init, _ = _pair(BODIES[4])
    assert Init(2).b == 0 and Init(2).total() == 2 and repr(Init(2)) == "C(a=2, b=0)"
    P, _ = _pair(BODIES[5])
    with pytest.raises(ValueError, match="negative"):
        P(-1)


def test_a_record_refuses_what_a_dataclass_refuses_when_defined() -> None:
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):
        _pair("class C:\n    a: int = 1\n    b: int\n")


def test_a_class_record_does_not_cover_is_its_frozen_dataclass() -> None:
    """Own __eq__ or __repr__, a dataclass base: the dataclass module makes those."""
    R, D = _pair(
        "class C:\n    a: int\n    def __eq__(self, other: object) -> bool:\n        return True\n"
    )
    assert R(1) == R(2) and hash(R(1)) == hash(D(1))

    K, _ = _pair("class C:\n    a: int = field(kw_only=True)\n    b: int = 0\n")
    assert K(2, a=1) == K(a=1, b=2) and repr(K(a=1)) == "C(a=1, b=0)"
    with pytest.raises(TypeError):
        K(1, 2)

    @record
    class Base:
        a: int

    @record
    class Child(Base):
        b: int = 2

    assert Child(1) == Child(1, 2) and repr(Child(1)).endswith("Child(a=1, b=2)")


def test_the_faces_common_code_points_are_found_on_their_ranges() -> None:
    """load_fonts intersects the faces' ranges (coverage.json's form) instead of sets."""
    import random

    from handouts.layout import FontSettings
    from handouts.render.fonts import (
        _codes,
        _intersection,
        _ranges_of,
        _shipped_ranges,
        font_files,
        font_set,
    )

    rng = random.Random(12)
    for _ in range(200):
        sets = [frozenset(rng.sample(range(300), rng.randrange(0, 250))) for _ in range(4)]
        ranges = [_ranges_of(s) for s in sets]
        assert all(_codes(r) == s for r, s in zip(ranges, sets, strict=True))
        assert _codes(_intersection(ranges)) == frozenset.intersection(*sets)
    files = font_files(FontSettings())
    shipped = {digest: _codes(ranges) for digest, ranges in _shipped_ranges().items()}
    from handouts.render.fonts import _digest

    faces = [
        shipped[_digest(f)] for f in (files.regular, files.bold, files.italic, files.bold_italic)
    ]
    fonts = font_set(FontSettings())
    assert fonts.main == fonts.covered == frozenset.intersection(*faces)
    assert 0x00E9 in fonts.main and 0x4E2D not in fonts.covered  # é drawn, 中 not


PROBE = """
import sys
from handouts.cli import main
try:
    main(sys.argv[1:], prog_name="handouts")
except SystemExit as exc:
    assert not exc.code, exc.code
unused = ("handouts.booklet", "handouts.program", "handouts.cache")
print(sorted(m for m in sys.modules if m in unused))
"""


def test_a_handout_imports_no_booklet_or_programme_reader_nor_the_build_cache(
    project: Path,
) -> None:
    """Each is imported by the commands that use it (their records too)."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE, "handout", "sacral-traction"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1] == "[]"
    assert (project / "out" / "sacral-traction.pdf").is_file()
    booklet = run("booklet", "lower-back")
    assert booklet.exit_code == 0, booklet.output
    program = run("program", "ann-lee")
    assert program.exit_code == 0, program.output


@pytest.mark.parametrize(
    ("title", "where"),
    [
        (
            '"Bend\\x85 slowly"',
            "1:13: control character U+0085",
        ),  # C1: the 5th character after the quote
        ('"Tab\\there"', "1:12: control character U+0009"),
        ('"ok\\x7f and \\x01"', "1:11: control character U+007F"),  # the first one is named
        ('"\\x1b[0m"', "1:9: control character U+001B"),
    ],
)
def test_the_first_control_character_is_named_where_it_is(
    project: Path, title: str, where: str
) -> None:
    write(project / "data" / "routines" / "ctl.yaml", f"title: {title}\nsummary: Fine.\n")
    result = run("validate", "data/routines/ctl.yaml")
    assert result.exit_code == 1
    assert f"data/routines/ctl.yaml:{where} in 'title' cannot be printed" in result.output


def test_line_breaks_and_printable_text_pass_the_control_check(project: Path) -> None:
    write(
        project / "data" / "routines" / "ok.yaml",
        "title: Caf\u00e9 \u00a0\u00ff stretch\nsummary: |\n  Two lines\n  of text.\n",
    )
    result = run("validate", "data/routines/ok.yaml")
    assert "control character" not in result.output, result.output


def test_the_logo_is_decoded_once_for_all_the_pages_it_heads(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ReportLab decodes a picture each time it is handed a new reader of it."""
    from pypdf import PdfReader
    from reportlab.lib.utils import ImageReader

    from handouts.render import common

    made: list[object] = []

    class Counted(ImageReader):  # type: ignore[misc]
        def __init__(self, fileName: Any, ident: Any = None) -> None:
            made.append(self)
            super().__init__(fileName, ident)

    monkeypatch.setattr(common, "ImageReader", Counted)
    result = run("handout", "wger-bird-dog", "wger-chin-tuck", "sacral-traction", "-o", "all.pdf")
    assert result.exit_code == 0, result.output
    pages = PdfReader(project / "all.pdf").pages
    assert len(pages) >= 3
    logos = [page["/Resources"]["/XObject"] for page in pages]
    assert all(len(x) >= 1 for x in logos)  # the logo heads every page
    assert len(made) == 1
