"""Fuzzing the three products: every input renders or is refused in one clear line each.

CI runs the "ci" Hypothesis profile; HYPOTHESIS_PROFILE=large runs thousands of examples.
Rendered inputs must round-trip: every piece of text is found, in order, in the PDF.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from handouts.content import plain
from handouts.errors import HandoutsError
from handouts.layout import load_layout
from handouts.library import load_routine
from handouts.model import Personal
from handouts.products import booklet, program
from handouts.products.card import render_card_pdf
from handouts.products.handout import render_handout_pdf
from handouts.project import open_project

from .strategies import clean_routine, routine, text

LINE = re.compile(r"^[^:\n]+:\d+:\d+: [^\n]+$")


def dump(data: object) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def squash(s: str) -> str:
    """What a reader sees: NFC, no invisible format characters, no whitespace."""
    s = unicodedata.normalize("NFC", s)
    return "".join(ch for ch in s if not ch.isspace() and unicodedata.category(ch) != "Cf")


def in_order(pieces: list[str], haystack: str) -> list[str]:
    pos, missing = 0, []
    for piece in pieces:
        found = haystack.find(piece, pos)
        if found < 0:
            missing.append(piece)
        else:
            pos = found + len(piece)
    return missing


def refused_cleanly(exc: HandoutsError, path: str) -> None:
    lines = str(exc).splitlines()
    assert lines, "an error with no message"
    for line in lines:
        assert LINE.match(line), line
        assert (
            line.startswith(path + ":") or line.startswith("data/") or line.startswith("layouts/")
        ), line


@pytest.fixture
def lab(project: Path) -> Path:
    """The shipped data without the clinic profile: no running header or footer text to
    interrupt a paragraph that crosses a page."""
    (project / "data/clinic.yaml").unlink()
    return project


def body_text(pdf: bytes) -> str:
    import io

    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    return squash("".join(re.sub(r"Page \d+ of \d+\s*$", "", p) for p in pages))


@given(data=routine())
def test_handouts_render_or_refuse(lab: Path, data: dict[str, object]) -> None:
    path = lab / "data/routines/fuzz.yaml"
    path.write_text(dump(data), encoding="utf-8")
    try:
        r = load_routine(Path("data/routines/fuzz.yaml"))
        pdf = render_handout_pdf(
            [r], load_layout("letter"), open_project().clinic(), Personal(), {}
        )
    except HandoutsError as exc:
        refused_cleanly(exc, "data/routines/fuzz.yaml")
        return
    extracted = body_text(pdf)
    pieces = [squash(plain(t)) for t in r.texts()]
    assert in_order([p for p in pieces if p], extracted) == []
    assert "\u25a0" not in extracted or any("\u25a0" in t for t in r.texts())
    assert "\ufffd" not in extracted or any("\ufffd" in t for t in r.texts())


@given(data=clean_routine())
def test_printable_routines_always_render_and_round_trip(
    lab: Path, data: dict[str, object]
) -> None:
    (lab / "data/routines/clean.yaml").write_text(dump(data), encoding="utf-8")
    r = load_routine(Path("data/routines/clean.yaml"))
    pdf = render_handout_pdf([r], load_layout("letter"), open_project().clinic(), Personal(), {})
    extracted = body_text(pdf)
    pieces = [squash(plain(t)) for t in r.texts()]
    assert in_order([p for p in pieces if p], extracted) == []
    assert "\u25a0" not in extracted and "\ufffd" not in extracted


@given(data=routine(), size=st.sampled_from(["wallet", "index", "a7"]))
def test_cards_render_or_refuse(lab: Path, data: dict[str, object], size: str) -> None:
    path = lab / "data/routines/fuzz.yaml"
    path.write_text(dump(data), encoding="utf-8")
    try:
        r = load_routine(Path("data/routines/fuzz.yaml"))
        render_card_pdf([r], load_layout(f"card-{size}"), open_project().clinic())
    except HandoutsError as exc:
        refused_cleanly(exc, "data/routines/fuzz.yaml")


@given(
    title=text,
    ids=st.lists(
        st.sampled_from(
            ["sacral-traction", "wger-bird-dog", "wger-chin-tuck", "nope", "sacral-tracton", ""]
        ),
        max_size=5,
    ),
    intro=text,
    sections=st.booleans(),
)
def test_booklets_render_or_refuse(
    lab: Path, title: str, ids: list[str], intro: str, sections: bool
) -> None:
    manifest: dict[str, object] = {"title": title, "intro": intro}
    if sections:
        manifest["sections"] = [{"title": intro, "routines": ids}]
    else:
        manifest["routines"] = ids
    path = lab / "data/booklets/fuzz.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(dump(manifest), encoding="utf-8")
    try:
        request = booklet.BookletRequest(manifest="fuzz", page_size="a5", impose="saddle")
        booklet.plan(open_project(), request).make()
    except HandoutsError as exc:
        refused_cleanly(exc, "data/booklets/fuzz.yaml")


@given(
    patient=text,
    note=text,
    reps=text,
    ids=st.lists(st.sampled_from(["sacral-traction", "wger-bird-dog", "x"]), max_size=6),
)
def test_programmes_render_or_refuse(
    lab: Path, patient: str, note: str, reps: str, ids: list[str]
) -> None:
    prog = {
        "patient": patient,
        "notes": note,
        "routines": [{"id": i, "reps": reps, "note": note} for i in ids],
    }
    path = lab / "data/programs/fuzz.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(dump(prog), encoding="utf-8")
    try:
        program.plan(open_project(), program.ProgramRequest("data/programs/fuzz.yaml")).make()
    except HandoutsError as exc:
        refused_cleanly(exc, "data/programs/fuzz.yaml")


@given(raw=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_arbitrary_bytes_are_refused_or_read(lab: Path, raw: bytes) -> None:
    path = lab / "data/routines/raw.yaml"
    path.write_bytes(raw)
    try:
        load_routine(Path("data/routines/raw.yaml"))
    except HandoutsError as exc:
        refused_cleanly(exc, "data/routines/raw.yaml")
