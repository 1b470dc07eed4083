"""Issue 12, the goals the rendering levers missed: one handout reads only the font faces it
draws and imports nothing it does not use; saddle imposition copies the pages the joined
booklet was written from instead of parsing it again. Same bytes either way."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from handouts import sheets
from handouts.impose import booklet_plan
from handouts.layout import PAGE_SIZES
from handouts.render.booklet import render_booklet
from handouts.sheets import Marks, impose

from .conftest import run, write
from .test_perf import _booklet_job

PLAIN = """\
title: Plain Words
summary: Stand tall and breathe out slowly.
steps:
  - Lift one knee toward your chest and hold for five seconds.
  - Lower it with control and repeat on the other side.
"""

# What the child process reports after printing one handout: the font names ReportLab
# registered and whether modules a handout does not need were imported.
PROBE = """
import sys
from handouts.cli import main
try:
    main(sys.argv[1:], prog_name="handouts")
except SystemExit as exc:
    assert not exc.code, exc.code
from reportlab.pdfbase import pdfmetrics
import json
print(json.dumps({
    "fonts": sorted("-".join(n.split("-")[1:-2])
                    for n in pdfmetrics.getRegisteredFontNames() if n.startswith("H-")),
    "modules": sorted(m for m in ("importlib.metadata", "xml.sax.saxutils", "pypdf",
                                  "textstat", "watchfiles", "jsonschema") if m in sys.modules),
}))
"""


def _probe(project: Path, *args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _fonts_drawing(pdf: Path) -> dict[str, set[str]]:
    """Each word of the PDF -> the base fonts (subset tag dropped) it is drawn in."""
    found: dict[str, set[str]] = {}

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if font is None:
            return
        base = str(font.get("/BaseFont", "")).split("+")[-1]
        for word in text.split():
            found.setdefault(word.strip(".,:;"), set()).add(base)

    for page in PdfReader(pdf).pages:
        page.extract_text(visitor_text=visit)
    return found


def test_a_handout_without_emphasis_reads_only_the_faces_it_draws(project: Path) -> None:
    """The italic faces are never read for a handout whose text has no emphasis, and a
    handout imports neither importlib.metadata, xml.sax.saxutils nor pypdf."""
    write(project / "data/routines/plain.yaml", PLAIN)
    seen = _probe(project, "handout", "plain", "-o", "plain.pdf")
    assert seen["fonts"] == ["DejaVuSans", "DejaVuSans-Bold"], seen
    assert seen["modules"] == [], seen
    assert "Plain" in _fonts_drawing(project / "plain.pdf")


def test_emphasis_still_prints_in_its_own_faces(project: Path) -> None:
    """A face read on first use keeps its family's bold and italic: **strong** prints in
    the bold face, *emphasis* in the oblique one, the rest in the regular face (in a fresh
    process, where every face is read late)."""
    text = PLAIN.replace("Stand tall", "Stand **upright** and *gently* tall")
    write(project / "data/routines/marked.yaml", text)
    seen = _probe(project, "handout", "marked", "-o", "marked.pdf")
    assert "DejaVuSans-Oblique" in seen["fonts"], seen
    drawn = _fonts_drawing(project / "marked.pdf")
    assert drawn["upright"] == {"DejaVuSans-Bold"}, drawn["upright"]
    assert drawn["gently"] == {"DejaVuSans-Oblique"}, drawn["gently"]
    assert drawn["breathe"] == {"DejaVuSans"}, drawn["breathe"]


def test_the_booklet_back_cover_contact_stays_bold(project: Path) -> None:
    """The back cover (set last, in the parent) prints the clinic's contact line in bold."""
    out = subprocess.run(
        [sys.executable, "-m", "handouts", "booklet", "lower-back", "-o", "b.pdf"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    reader = PdfReader(project / "b.pdf")
    fonts = reader.pages[-1]["/Resources"]["/Font"]
    bases = {str(f.get_object()["/BaseFont"]).split("+")[-1] for f in fonts.values()}
    assert "DejaVuSans-Bold" in bases, bases


def test_saddle_imposes_from_the_joined_pages_with_the_same_bytes(project: Path) -> None:
    """impose() given the writer join_parts used writes what parsing the joined PDF gives."""
    job = _booklet_job(project, 6)
    rendered = render_booklet(job, workers=1)
    assert rendered.document is not None
    w, h = PAGE_SIZES["letter"]  # booklet-letter pages, two side by side on each sheet
    sheet = (2 * w, h)
    plan = booklet_plan(rendered.pages, w, h, *sheet)
    marks = Marks(crop=True, fold=True)
    parsed = impose(rendered.pdf, plan, sheet, marks, duplex="short")
    copied = impose(rendered.pdf, plan, sheet, marks, duplex="short", document=rendered.document)
    assert copied == parsed
    assert len(PdfReader(io.BytesIO(copied)).pages) == len(plan)


def test_saddle_never_parses_the_joined_booklet(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`handouts booklet --impose saddle` reads only the parts (to join them), never the
    joined booklet it has just written."""
    read: list[bytes] = []
    real = sheets.PdfReader

    def reader(stream: Any, *args: Any, **kw: Any) -> Any:
        read.append(stream.getvalue())
        return real(stream, *args, **kw)

    monkeypatch.setattr(sheets, "PdfReader", reader)
    result = run("booklet", "lower-back", "--page-size", "half-letter", "--impose", "saddle")
    assert result.exit_code == 0, result.output
    booklet = (project / "out/lower-back.booklet.pdf").read_bytes()
    assert read and booklet not in read
    assert (project / "out/lower-back.booklet-print.pdf").is_file()
