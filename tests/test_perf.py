"""The rendering levers of issue 12 keep the output right: steps as paragraphs stay whole,
a booklet set in parts (in worker processes or not) is the same book, byte for byte, and
page streams are written once and copied as they are."""

from __future__ import annotations

import gc
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from handouts import jobs
from handouts.booklet import booklet_from_ids
from handouts.layout import load_layout
from handouts.library import load_clinic, load_routine
from handouts.render import booklet as render_booklet_module
from handouts.render.booklet import part_ranges, render_booklet
from handouts.render.common import GC_THRESHOLD, build_settings

from .conftest import run, write

WORDS = "Keep your back straight and breathe out slowly as you move, then rest a moment. "


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_texts(data: bytes) -> list[str]:
    return [squash(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def test_a_step_is_never_split_across_pages(project: Path) -> None:
    """Twelve long steps fill three pages; each step's words are all on one page, and the
    steps still come in order."""
    steps = [f"Step{i}begins. " + WORDS * (4 + i % 4) + f"Step{i}ends." for i in range(1, 13)]
    lines = ["title: Long Steps", "summary: Many long steps.", "steps:"]
    lines += [f"  - {s}" for s in steps]
    write(project / "data/routines/long-steps.yaml", "\n".join(lines) + "\n")
    for layout in ("letter", "large-print"):
        out = project / f"{layout}.pdf"
        result = run("handout", "long-steps", "--layout", layout, "-o", str(out))
        assert result.exit_code == 0, result.output
        pages = page_texts(out.read_bytes())
        assert len(pages) >= 3, layout
        where = []
        for step in steps:
            holding = [n for n, text in enumerate(pages) if squash(step) in text]
            assert len(holding) == 1, f"{layout}: {step[:12]} is not whole on one page"
            where.append(holding[0])
        assert where == sorted(where) and where[0] < where[-1], layout


def _booklet_job(project: Path, count: int, right_hand: bool = False) -> jobs.BookletJob:
    """A booklet of `count` routines (the shipped ones, over and over)."""
    ids = sorted(p.stem for p in (project / "data/routines").glob("*.yaml"))
    chosen = [ids[i % len(ids)] for i in range(count)]
    routines = [load_routine(project / "data/routines" / f"{i}.yaml") for i in chosen]
    layout = load_layout("booklet-letter")
    if right_hand:
        import dataclasses

        layout = dataclasses.replace(
            layout, booklet=dataclasses.replace(layout.booklet, right_hand_starts=True)
        )
    book = booklet_from_ids("Parts", chosen)
    titles = {r.id: str(r.title) for r in routines}
    return jobs.booklet_job(book, routines, layout, load_clinic(None), titles)


def test_parts_cover_every_routine_once_in_order() -> None:
    assert part_ranges(0) == [range(0, 0)]
    assert part_ranges(7, 50) == [range(0, 7)]
    for count, size in ((100, 50), (101, 50), (1000, 50), (9, 2)):
        ranges = part_ranges(count, size)
        assert [i for r in ranges for i in r] == list(range(count))
        assert max(len(r) for r in ranges) - min(len(r) for r in ranges) <= 1
        assert max(len(r) for r in ranges) <= size


@pytest.mark.parametrize(("right_hand", "method"), [(False, "fork"), (True, "spawn")])
def test_a_booklet_in_parts_is_the_same_whatever_the_number_of_workers(
    project: Path, monkeypatch: pytest.MonkeyPatch, right_hand: bool, method: str
) -> None:
    """Nine routines in parts of two: one process, two workers and five workers give the
    same bytes (workers forked, or spawned as where other threads run); the parts joined
    make the book one would read (each routine from a new page, page numbers running on,
    contents and outline pointing at the routines' pages)."""
    monkeypatch.setattr(render_booklet_module, "PART_ROUTINES", 2)
    monkeypatch.setattr(render_booklet_module, "_start_method", lambda: method)
    forked: list[int] = []
    parallel = render_booklet_module._parallel

    def spy(
        job: jobs.BookletJob, ranges: list[range], workers: int | None, how: str | None = None
    ) -> object:
        forked.append(len(ranges))
        return parallel(job, ranges, workers, how)

    monkeypatch.setattr(render_booklet_module, "_parallel", spy)
    job = _booklet_job(project, 9, right_hand)
    serial = render_booklet(job, workers=1)
    assert forked == []
    seen: list[int] = []
    two = render_booklet(job, progress=seen.append, workers=2)
    assert forked == [5]  # five parts, set by worker processes
    assert two.pdf == serial.pdf
    assert render_booklet(job, workers=5).pdf == serial.pdf
    reader = PdfReader(io.BytesIO(serial.pdf))
    body = serial.pages - serial.front_pages - 1  # the back cover is one page
    assert seen == list(range(1, body + 1))
    labels = reader.page_labels
    assert labels[serial.front_pages : serial.front_pages + body] == [
        str(n) for n in range(1, body + 1)
    ]
    # every routine opens on the page the outline names, with its title; with right-hand
    # starts that page is odd, across the joins between parts too
    outline = [(o.title, reader.get_destination_page_number(o)) for o in reader.outline]
    assert [t for t, _ in outline] == [str(r.title) for r in job.routines]
    for (title, page), start in zip(outline, serial.occurrences, strict=True):
        assert page == start
        assert squash(title) in squash(reader.pages[page].extract_text())
        if right_hand:
            assert (page - serial.front_pages + 1) % 2 == 1
    # each body page prints its own number
    for n in range(body):
        text = reader.pages[serial.front_pages + n].extract_text()
        assert str(n + 1) in text.split()


def test_streams_are_flate_only_and_settings_are_given_back(project: Path) -> None:
    """Every stream a build writes is Flate only (no ASCII85 layer); the process's GC and
    ReportLab settings are as they were once the build is over."""
    from reportlab import rl_config

    before = (gc.get_threshold(), rl_config.useA85)
    with build_settings():
        assert gc.get_threshold() == GC_THRESHOLD and not rl_config.useA85
        with build_settings():
            pass
        assert gc.get_threshold() == GC_THRESHOLD  # the inner build leaves them
    assert (gc.get_threshold(), rl_config.useA85) == before
    result = run("handout", "sacral-traction", "-o", "seed.pdf")
    assert result.exit_code == 0, result.output
    data = (project / "seed.pdf").read_bytes()
    filters = set(re.findall(rb"/Filter\s*(\[[^\]]*\]|/\w+)", data))
    assert filters and all(b"ASCII85" not in f for f in filters), filters


def test_the_same_bytes_with_and_without_reportlabs_c_accelerator(project: Path) -> None:
    """rl_accel (reportlab[accel]) only speeds ReportLab up: a handout made in a process
    where it cannot be imported has the same bytes."""
    import subprocess
    import sys

    import handouts

    pytest.importorskip("_rl_accel")
    assert run("handout", "sacral-traction", "-o", "with.pdf").exit_code == 0
    code = (
        "import sys; sys.modules['_rl_accel'] = None\n"
        "from handouts.cli import main\n"
        "main(['handout', 'sacral-traction', '-o', 'without.pdf'])\n"
    )
    src = str(Path(handouts.__file__).resolve().parent.parent)
    env = {"PYTHONPATH": src, "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", code], cwd=project, env=env, capture_output=True)
    assert done.returncode == 0, done.stderr
    assert (project / "without.pdf").read_bytes() == (project / "with.pdf").read_bytes()


def test_a_part_that_cannot_be_set_in_a_worker_is_the_same_error_as_in_one_process(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A step taller than a whole page (steps never split) in the last part: the worker's
    error reaches the caller as the error one process gives, naming the booklet."""
    from handouts.errors import RenderError

    monkeypatch.setattr(render_booklet_module, "PART_ROUTINES", 2)
    lines = "".join("      Hold.\n" for _ in range(300))  # 300 lines: taller than a page
    write(project / "data/routines/huge-step.yaml", f"title: Huge\nsteps:\n  - |\n{lines}")
    job = _booklet_job(project, 5)
    routines = (*job.routines, load_routine(project / "data/routines/huge-step.yaml"))
    book = booklet_from_ids("Parts", [r.id for r in routines])
    job = jobs.booklet_job(book, routines, load_layout("booklet-letter"), load_clinic(None), {})
    messages = []
    for workers in (1, 2):
        with pytest.raises(RenderError) as caught:
            render_booklet(job, workers=workers)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert "taller than a booklet page" in messages[0]
