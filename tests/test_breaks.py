"""Page breaks, measured on the PDFs: no page holds only a heading, only Previous / Next,
only the safety text or a lone line; the safety text shares a page with the routine's last
content. On the shipped data and on generated routines of many lengths, in every handout
layout and in booklets (issue 11)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pypdf import PdfReader

from handouts.layout import LABEL_KEYS, load_layout
from handouts.render.handout import HandoutJob, render_handout, render_handout_result

from .conftest import ROOT, run, text_lines, write

SAFETY = (
    "Stop and call us on (555) 010-4477 if you feel sharp pain, numbness or tingling, or "
    "if the pain is worse the next day."
)
DISCLAIMER = "This sheet supports the advice of your clinician; it does not replace it."
HEADINGS = {
    LABEL_KEYS[k]
    for k in (
        "benefits",
        "test",
        "steps",
        "aftercare",
        "notes",
        "quick_reference",
        "dosage",
        "video",
        "note",
    )  # fmt: skip
} | {"\u26a0 " + LABEL_KEYS["cautions"], "Warm-up", "Cool-down"}
LIST_LINE = re.compile(r"^(\u2022|\d+\.?)\s")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass
class Page:
    number: int
    lines: list[str]  # inside the text frame, top to bottom
    kinds: list[str] = field(default_factory=list)

    def only(self, *kinds: str) -> bool:
        return bool(self.kinds) and all(k in kinds for k in self.kinds)


def kind(line: str, titles: set[str]) -> str:
    if line.startswith(("Previous:", "Next:")):
        return "nav"
    if squash(line) and squash(line) in squash(SAFETY + DISCLAIMER):
        return "safety"
    if line in HEADINGS:
        return "heading"
    if line in titles:
        return "title"
    return "content"


def pages_of(pdf: Path, layout: str, titles: set[str]) -> list[Page]:
    """Each page's lines inside the layout's text frame (headers and footers left out)."""
    p = load_layout(layout).page
    out = []
    for n, found in enumerate(text_lines(pdf.read_bytes()), start=1):
        inside = [
            t
            for _, y, t in sorted(found, key=lambda f: (-round(f[1], 1), f[0]))
            if p.margin_bottom - 2 <= y <= p.size[1] - p.margin_top
        ]
        page = Page(n, inside)
        page.kinds = [kind(t, titles) for t in inside]
        out.append(page)
    return out


def problems(pages: list[Page]) -> list[str]:
    """Every page-break rule a PDF breaks, one line each."""
    found = []
    for page in pages:
        where = f"page {page.number}: {page.lines[:4]}"
        if not page.kinds:
            continue
        if page.only("heading"):
            found.append(f"only a heading: {where}")
        if page.only("nav"):
            found.append(f"only Previous / Next: {where}")
        if page.only("safety", "nav") and "safety" in page.kinds:
            found.append(f"only the safety text: {where}")
        content = [t for t, k in zip(page.lines, page.kinds, strict=True) if k == "content"]
        others = [k for k in page.kinds if k not in ("content", "safety", "nav")]
        if len(content) == 1 and LIST_LINE.match(content[0]) and not others:
            found.append(f"a lone list line: {where}")
        if "safety" in page.kinds:
            first = page.kinds.index("safety")
            if "content" not in page.kinds[:first] and "title" not in page.kinds[:first]:
                found.append(f"the safety text without the routine's last lines: {where}")
    return found


def routine_yaml(title: str, steps: int, cautions: int, note: int) -> str:
    words = "Keep your back straight and breathe out slowly as you move, then rest. "
    lines = [f"title: {title}", "summary: A gentle routine to loosen the lower back."]
    if steps:
        lines.append("steps:")
        lines += [f"  - Step {i}, {words * (1 + i % 3)}" for i in range(1, steps + 1)]
    if cautions:
        lines.append("cautions:")
        lines += [f"  - Caution {i}, {words * (1 + i % 2)}" for i in range(1, cautions + 1)]
    lines += ["aftercare:", "  - Stand up slowly.", "  - Shake out your legs."]
    if note:
        lines += ["notes:", f"  - '{(words * (note // len(words) + 1))[:note]}'"]
    lines += ["previous: lady-stretch", "next: serratus-anterior"]
    return "\n".join(lines) + "\n"


SIZES = [
    (steps, cautions, note)
    for steps in (1, 2, 3, 5, 8, 12)
    for cautions in (0, 1, 3, 6)
    for note in (0, 600, 2400)
]


def generated(project: Path) -> dict[str, str]:
    """id -> title of one generated routine per size."""
    out = {}
    for s, c, n in SIZES:
        rid = f"gen-{s}-{c}-{n}"
        title = f"Generated {s} steps {c} cautions {n} note"
        write(project / "data" / "routines" / f"{rid}.yaml", routine_yaml(title, s, c, n))
        out[rid] = title
    return out


def shipped() -> list[str]:
    return sorted(p.stem for p in (ROOT / "data" / "routines").glob("*.yaml"))


HANDOUT_LAYOUTS = ["letter", "a4", "large-print", "compact"]


@pytest.mark.parametrize("layout", HANDOUT_LAYOUTS)
def test_generated_routines_break_pages_by_the_rules(project: Path, layout: str) -> None:
    ids = generated(project)
    out = project / f"gen-{layout}.pdf"
    result = run("handout", *ids, "--layout", layout, "-o", str(out))
    assert result.exit_code == 0, result.output
    pages = pages_of(out, layout, set(ids.values()))
    assert len(pages) >= len(ids)
    assert problems(pages) == []


@pytest.mark.parametrize("layout", HANDOUT_LAYOUTS)
def test_shipped_routines_break_pages_by_the_rules(project: Path, layout: str) -> None:
    out = project / f"shipped-{layout}.pdf"
    ids = shipped()
    result = run("handout", *ids, "--layout", layout, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert problems(pages_of(out, layout, set())) == []


@pytest.mark.parametrize(
    "layout, args",
    [
        ("letter", ["--patient", "Ann Lee", "--note", "Twice a day"]),
        ("compact", ["--patient", "Ann Lee", "--note", "Twice a day"]),
        ("letter", ["--patient", "Ann Lee", "--note", "Breathe out as you move. " * 124]),
        ("large-print", []),
        ("a4", ["--patient", "Ann Lee", "--note", "Breathe out as you move. " * 60]),
    ],
)
def test_the_reported_handouts_keep_the_safety_box_with_the_routine(
    project: Path, layout: str, args: list[str]
) -> None:
    out = project / "one.pdf"
    result = run("handout", "sacral-traction", "--layout", layout, *args, "-o", str(out))
    assert result.exit_code == 0, result.output
    pages = pages_of(out, layout, {"Sacral Traction"})
    assert problems(pages) == []
    # Page 1 holds more than the title: a long note splits rather than jump to page 2.
    assert sum(k == "content" for k in pages[0].kinds) >= 5


def test_large_print_splits_the_cautions_box_between_items(project: Path) -> None:
    out = project / "lp.pdf"
    assert (
        run("handout", "sacral-traction", "--layout", "large-print", "-o", str(out)).exit_code == 0
    )
    pages = pages_of(out, "large-print", {"Sacral Traction"})
    first = pages[0].lines
    # The box starts on page 1 with its heading and its whole first item ...
    head = first.index("\u26a0 " + LABEL_KEYS["cautions"])
    assert any("If this hurts" in t for t in first[head + 1 : head + 3])
    # ... and page 1 is full: its frame's last line is near the bottom, not a third up.
    lines = text_lines(out.read_bytes())[0]
    lay = load_layout("large-print")
    lowest = min(y for _, y, t in lines if y >= lay.page.margin_bottom - 2)
    assert lowest < lay.page.margin_bottom + lay.page.size[1] * 0.15


BOOKLET_LAYOUTS = ["booklet-letter", "booklet-a5", "booklet-half-letter"]


@pytest.mark.parametrize("layout", BOOKLET_LAYOUTS)
def test_booklets_break_pages_by_the_rules(project: Path, layout: str) -> None:
    ids = generated(project)
    chosen = list(ids)[::3]
    items = "\n".join(f"  - {rid}" for rid in [*chosen, *shipped()])
    write(project / "data" / "booklets" / "gen.yaml", f"title: Generated\nroutines:\n{items}\n")
    out = project / "gen-book.pdf"
    result = run("booklet", "gen", "--layout", layout, "-o", str(out))
    assert result.exit_code == 0, result.output
    titles = {ids[r] for r in chosen}
    pages = pages_of(out, layout, titles)
    start = next(p.number for p in pages if "title" in p.kinds)
    body = pages[start - 1 : -1]  # the back cover holds the safety text on its own
    assert len(body) >= len(chosen) + 8
    assert problems(body) == []


def _job(project: Path, ids: list[str], layout: str, note: str | None = None) -> HandoutJob:
    from handouts.check import Text
    from handouts.jobs import handout_job
    from handouts.model import Personal
    from handouts.project import open_project

    pr = open_project(project)
    routines = pr.routines(ids)
    personal = Personal(Text("Ann Lee"), None, None, Text(note) if note else None)
    return handout_job(
        routines, pr.layout_of_kind(layout, "handout"), pr.clinic("en"), personal,
        pr.titles(routines),
    )  # fmt: skip


def test_compact_names_the_routine_that_misses_one_page(project: Path) -> None:
    job = _job(project, ["sacral-traction", "wger-bird-dog"], "compact", "Twice a day")
    result = render_handout_result(job)
    assert result.routine_pages == (2, 1)
    assert result.pages == len(PdfReader(io.BytesIO(result.pdf)).pages) == 3
    assert result.warnings == (
        "data/routines/sacral-traction.yaml:1:1: warning: 'sacral-traction' takes 2 pages in "
        "layout 'compact', more than the 1 it asks for (handout.fit_pages), even at 9 pt; "
        "shorten the routine or use another layout",
    )
    assert result.pdf == render_handout(job)  # the bytes are the handout's, unchanged


def test_a_layout_without_fit_pages_never_warns(project: Path) -> None:
    result = render_handout_result(_job(project, ["sacral-traction"], "letter", "Twice a day"))
    assert result.routine_pages == (3,) and result.warnings == ()


def test_compact_says_on_the_command_line_when_it_misses_one_page(project: Path) -> None:
    from .conftest import run

    result = run("handout", "sacral-traction", "--layout", "compact", "--patient", "A", "--note",
                 "Twice a day. " * 40)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "data/routines/sacral-traction.yaml:1:1: warning: 'sacral-traction' takes 2 pages in "
        "layout 'compact', more than the 1 it asks for (handout.fit_pages), even at 9 pt; "
        "shorten the routine or use another layout"
    ]
    assert run("handout", "sacral-traction", "--layout", "compact").stderr == ""
