"""Render jobs are plain data: they pickle, render the same bytes in a fresh process, and do
not depend on the working folder, on how a path was spelled, nor on other jobs' fonts."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from handouts import jobs
from handouts.booklet import load_booklet
from handouts.errors import DataError, Problem, RenderError
from handouts.images import ImageRefused
from handouts.layout import Layout
from handouts.library import load_clinic, load_routine
from handouts.model import Personal
from handouts.program import load_program, personalise
from handouts.project import open_project
from handouts.render.booklet import render_booklet
from handouts.render.card import render_cards
from handouts.render.handout import render_handout

from .conftest import glyphs, write

CJK = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")  # Debian: fonts-wqy-microhei


def load_layout(name: str) -> Layout:
    """A layout as the project in the working folder finds it (its layouts/ first)."""
    return open_project().layout(name)


def card_layout(size: str) -> Layout:
    return open_project().card_layout(size)


MATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuMathTeXGyre.ttf")  # Debian: fonts-dejavu


def test_errors_survive_pickling_with_their_class_and_problems() -> None:
    problems = [Problem("b.yaml", 3, 4, "second"), Problem("a.yaml", 1, 2, "first")]
    for cls in (RenderError, DataError):
        back = pickle.loads(pickle.dumps(cls(problems)))
        assert type(back) is cls
        assert back.problems == sorted(problems, key=lambda p: p.path)
        assert str(back) == "a.yaml:1:2: first\nb.yaml:3:4: second"
    # A subclass with its own __init__ and attributes (the pictures' refusal).
    refused = pickle.loads(pickle.dumps(ImageRefused(Path("x.png"), "is not a picture")))
    assert type(refused) is ImageRefused and refused.reason == "is not a picture"
    assert refused.path == Path("x.png") and str(refused) == "x.png:1:1: picture is not a picture"


def _picture_routine(project: Path) -> Path:
    """A routine with a picture and a step picture (the clinic's logo, copied)."""
    shutil.copy(project / "data/logo.png", project / "data/routines/pic.png")
    return write(
        project / "data/routines/pictured.yaml",
        "title: Pictured\nimage: {path: pic.png, caption: The start}\n"
        "steps:\n  - text: Lie down\n    image: pic.png\n  - Breathe\n"
        "video: https://example.com/v\nquick_reference:\n  - Lie down\n",
    )


def _render_booklet_pdf(job: object) -> bytes:
    return render_booklet(job).pdf  # type: ignore[arg-type]


def test_jobs_pickle_and_render_the_same_bytes_in_a_fresh_process(project: Path) -> None:
    path = _picture_routine(project)
    routine = load_routine(path)
    clinic = load_clinic(None)
    layout = load_layout("letter")
    program = load_program(project / "data/programs/ann-lee.yaml")
    prog_routines = [
        personalise(load_routine(project / f"data/routines/{e.id}.yaml"), e)
        for e in program.entries
    ]
    book = load_booklet(project / "data/booklets/lower-back.yaml")
    book_routines = [load_routine(project / f"data/routines/{i}.yaml") for i in book.routine_ids()]
    handout = jobs.handout_job([routine], layout, clinic, Personal(), {})
    tracked = jobs.handout_job(
        prog_routines,
        layout,
        clinic,
        program.personal,
        {},
        notes=tuple(e.note for e in program.entries),
        tracking=True,
        extra_texts=program.texts(),
    )
    assert tracked.tracking is not None and len(tracked.tracking.titles) == 2
    card = jobs.card_job([routine], card_layout("wallet"), clinic)
    booklet = jobs.booklet_job(book, book_routines, load_layout("booklet-half-letter"), clinic, {})
    tasks = [
        (render_handout, handout),
        (render_handout, tracked),
        (render_cards, card),
        (_render_booklet_pdf, booklet),
    ]
    here = [render(pickle.loads(pickle.dumps(job))) for render, job in tasks]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        there = [f.result() for f in [pool.submit(render, job) for render, job in tasks]]
    assert [len(b) for b in there] == [len(b) for b in here]
    assert there == here


def test_a_render_error_in_a_worker_reaches_the_parent_intact(project: Path) -> None:
    routine = load_routine(
        write(project / "data/routines/long.yaml", "title: Long\nsteps:\n" + "  - word\n" * 90)
    )
    job = jobs.card_job([routine], card_layout("wallet"), load_clinic(None), from_steps=True)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        with pytest.raises(RenderError) as caught:
            pool.submit(render_cards, job).result()
    assert caught.value.problems[0].path == "data/routines/long.yaml"
    assert "does not fit on a card-wallet card" in caught.value.problems[0].message


def test_pictures_do_not_depend_on_the_path_spelling_nor_the_working_folder(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    _picture_routine(project)
    layout = load_layout("letter")
    spellings = [
        Path("data/routines/pictured.yaml"),
        Path("./data/../data/routines/pictured.yaml"),
        (project / "data/routines/pictured.yaml").resolve(),
    ]
    clinics = [load_clinic(Path(p)) for p in ("data/clinic.yaml", "./data/../data/clinic.yaml")]
    built = [
        jobs.handout_job([load_routine(p)], layout, clinic, Personal(), {})
        for p in spellings
        for clinic in clinics
    ]
    cards = [
        jobs.card_job([load_routine(p)], card_layout("wallet"), clinics[i % 2])
        for i, p in enumerate(spellings)
    ]
    first = render_handout(built[0])
    first_card = render_cards(cards[0])
    # The same data in another folder: other absolute paths, the same pictures.
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    shutil.copytree(project / "data", elsewhere / "data")
    moved = load_routine(elsewhere / "data/routines/pictured.yaml")
    moved_clinic = load_clinic(elsewhere / "data/clinic.yaml")
    built.append(jobs.handout_job([moved], layout, moved_clinic, Personal(), {}))
    cards.append(jobs.card_job([moved], card_layout("wallet"), moved_clinic))
    os.chdir(elsewhere.parent)  # the project fixture changes back on the way out
    assert all(render_handout(job) == first for job in built)
    assert all(render_cards(job) == first_card for job in cards)
    for data in (first, first_card):
        for name in (b"pic.png", b"logo.png", str(project).encode(), b"routines"):
            assert name not in data


@pytest.mark.skipif(not (CJK.is_file() and MATH.is_file()), reason="fonts not installed")
def test_two_layouts_with_the_same_faces_keep_their_own_fallbacks(project: Path) -> None:
    write(project / "layouts/zh.yaml", f"extends: letter\nfonts:\n  fallback: [{CJK}]\n")
    write(project / "layouts/math.yaml", f"extends: letter\nfonts:\n  fallback: [{MATH}]\n")
    zh = load_routine(write(project / "data/routines/zh.yaml", "title: 伸展\nsteps:\n  - 呼吸\n"))
    g = load_routine(write(project / "data/routines/g.yaml", "title: Gee\nsteps:\n  - g \u210a\n"))
    clinic = load_clinic(None)
    zh_job = jobs.handout_job([zh], load_layout("zh"), clinic, Personal(), {})
    g_job = jobs.handout_job([g], load_layout("math"), clinic, Personal(), {})
    # Both jobs exist before either renders: the later one must not replace the earlier
    # one's fallbacks.
    (project / "zh.pdf").write_bytes(render_handout(zh_job))
    (project / "g.pdf").write_bytes(render_handout(g_job))
    zh_fonts = {c.font for c in glyphs(project / "zh.pdf")[0] if c.text in "伸展呼吸"}
    g_fonts = {c.font for c in glyphs(project / "g.pdf")[0] if c.text == "\u210a"}
    assert len(zh_fonts) == 1 and "WenQuanYi" in zh_fonts.pop()
    assert len(g_fonts) == 1 and "DejaVuMathTeXGyre" in g_fonts.pop()


def test_progress_is_an_argument_of_the_renderer_not_part_of_the_job(project: Path) -> None:
    book = load_booklet(project / "data/booklets/lower-back.yaml")
    routines = [load_routine(project / f"data/routines/{i}.yaml") for i in book.routine_ids()]
    job = jobs.booklet_job(book, routines, load_layout("booklet-letter"), load_clinic(None), {})
    seen: list[int] = []
    rendered = render_booklet(job, progress=seen.append)
    body_pages = rendered.pages - rendered.front_pages - 1  # the back cover is one page
    assert seen == list(range(1, body_pages + 1))
    assert render_booklet(job).pdf == rendered.pdf
