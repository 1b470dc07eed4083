"""Shared helpers: run the CLI in-process, read PDFs back, compare words in order."""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader

from handouts.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEED = ROOT / "data" / "routines" / "sacral-traction.yaml"


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    """A copy of this repository's project (settings, data, layouts) in a temporary folder,
    which is the working folder.

    On the way out, every PDF the test wrote there must be structurally sound.
    """
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "layouts", tmp_path / "layouts")
    shutil.copy(ROOT / "handouts.yaml", tmp_path / "handouts.yaml")
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(old)
    for pdf in sorted(tmp_path.rglob("*.pdf")):
        assert_sound_pdf(pdf)
    leftovers = [p.name for p in tmp_path.rglob("*.tmp")]
    assert leftovers == [], f"temporary files left behind: {leftovers}"


def assert_sound_pdf(path: Path) -> None:
    """qpdf --check finds no error or warning; pypdf reads it strictly without a warning."""
    import logging
    import subprocess
    import warnings

    if shutil.which("qpdf"):
        check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        report = check.stdout + check.stderr
        assert check.returncode == 0 and "WARNING" not in report, f"{path}: {report}"
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("pypdf")
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            reader = PdfReader(path, strict=True)
            for page in reader.pages:
                page.extract_text()
    finally:
        logger.removeHandler(handler)
    assert [r.getMessage() for r in records if r.levelno >= logging.WARNING] == [], path


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def pdf_text(path: Path | bytes) -> str:
    reader = PdfReader(path if isinstance(path, Path) else __import__("io").BytesIO(path))
    return "\n".join(page.extract_text() for page in reader.pages)


WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def missing_in_order(expected: list[str], found: list[str]) -> list[str]:
    """Words of `expected` that cannot be matched, in order, within `found`."""
    missing = []
    pos = 0
    for word in expected:
        try:
            pos = found.index(word, pos) + 1
        except ValueError:
            missing.append(word)
    return missing


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@dataclass(frozen=True)
class Glyph:
    """One printed character with its box in page coordinates (points)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    font: str


def glyphs(path: Path) -> list[list[Glyph]]:
    """Every character of every page, with its box, via pdfminer's layout analysis."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTComponent

    def walk(item: LTComponent, found: list[Glyph]) -> None:
        if isinstance(item, LTChar):
            if item.get_text().strip():
                found.append(
                    Glyph(
                        item.get_text(),
                        item.x0,
                        item.y0,
                        item.x1,
                        item.y1,
                        item.size,
                        item.fontname,
                    )
                )
            return
        for child in getattr(item, "_objs", []):
            walk(child, found)

    pages: list[list[Glyph]] = []
    for layout in extract_pages(str(path)):
        found: list[Glyph] = []
        walk(layout, found)
        pages.append(found)
    return pages


def text_lines(data: bytes) -> list[list[tuple[float, float, str]]]:
    """(x0, y0, text) of every text line, per page: pdfminer follows form XObjects."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTComponent, LTTextLine

    def walk(item: LTComponent, found: list[tuple[float, float, str]]) -> None:
        if isinstance(item, LTTextLine):
            found.append((item.x0, item.y0, item.get_text().strip()))
            return
        for child in getattr(item, "_objs", []):
            walk(child, found)

    pages = []
    for layout in extract_pages(
        io.BytesIO(data), laparams=LAParams(line_margin=0.1, all_texts=True)
    ):
        found: list[tuple[float, float, str]] = []
        walk(layout, found)
        pages.append([f for f in found if f[2]])
    return pages
