"""Shared helpers: run the CLI in-process, read PDFs back, compare words in order."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
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
    """A copy of the shipped data and layouts in a temporary working folder."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "layouts", tmp_path / "layouts")
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(old)


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
