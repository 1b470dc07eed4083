"""Personal programmes and the patient's language."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from handouts.layout import BUILTIN_LAYOUTS, LABEL_KEYS

from .conftest import FIXTURES, run, write


def text_of(path: Path) -> list[str]:
    return [p.extract_text() for p in PdfReader(path).pages]


def test_programme_shows_patient_dosage_notes_and_tracking_page(project: Path) -> None:
    result = run("program", "ann-lee")
    assert result.exit_code == 0, result.output
    pages = text_of(project / "out/ann-lee.pdf")
    everything = "\n".join(pages)
    assert "Ann Lee" in pages[0] and "R. Okafor, PT" in pages[0] and "2026-11-24" in pages[0]
    assert "Do these every morning, before breakfast." in everything
    assert "Use the soft grey roller we gave you." in everything
    # The programme's dosage replaces the routine's own.
    assert "8 each side" in everything and "Every morning" in everything
    tracking = " ".join(pages[-1].split())  # a long title may wrap in its cell
    assert "Your progress" in tracking
    for day in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Pain (0-10)"):
        assert day in tracking
    assert tracking.count("Sacral Traction") == 4 and tracking.count("Bird Dog") == 4
    assert result.stderr == ""


def test_more_than_four_routines_warns(project: Path) -> None:
    ids = [
        "sacral-traction",
        "wger-bird-dog",
        "wger-chin-tuck",
        "wger-child-s-pose",
        "wger-butterfly-stretch",
    ]
    write(
        project / "data/programs/long.yaml",
        "patient: Bo\nroutines:\n" + "".join(f"  - {i}\n" for i in ids),
    )
    result = run("program", "long")
    assert result.exit_code == 0
    assert result.stderr.startswith("data/programs/long.yaml:3:3: warning: 5 routines;")
    assert "Eckard" in result.stderr


def test_bad_programme_lists_every_problem(project: Path) -> None:
    write(project / "bad.yaml", (FIXTURES / "programs/bad.yaml").read_text())
    result = run("program", "bad.yaml")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "bad.yaml:5:5: unknown key 'set' in routines[2]; did you mean 'sets'?",
    ]
    write(project / "bad.yaml", "patient: Sam\nroutines:\n  - sacral-tracton\n")
    result = run("program", "bad.yaml")
    assert result.stderr == (
        "bad.yaml:3:5: no routine with id 'sacral-tracton' in the "
        "library; closest: sacral-traction\n"
    )
    assert not (project / "out/bad.pdf").exists()


def test_programme_cards(project: Path) -> None:
    result = run("program", "ann-lee", "--cards")
    assert result.exit_code == 0, result.output
    front = PdfReader(project / "out/ann-lee-cards.pdf").pages[0].extract_text()
    assert "Sacral Traction" in front and "Bird Dog" in front


@pytest.mark.parametrize("lang", ["es", "fr", "de"])
def test_every_language_pack_has_every_label(lang: str) -> None:
    pack = yaml.safe_load((BUILTIN_LAYOUTS / "labels" / f"{lang}.yaml").read_text())
    assert set(pack) == set(LABEL_KEYS)
    assert "{page}" in pack["page_of"] and "{pages}" in pack["page_of"]
    assert "{week}" in pack["week"]


@pytest.mark.parametrize(("lang", "heading", "page"), [
    ("es", "Antes de empezar", "Página 1 de 2"),
    ("fr", "Avant de commencer", "Page 1 sur 2"),
    ("de", "Bevor Sie beginnen", "Seite 1 von 2"),
])  # fmt: skip
def test_language_option_prints_labels_and_sets_lang(
    project: Path, lang: str, heading: str, page: str
) -> None:
    assert run("handout", "sacral-traction", "--language", lang, "-o", "l.pdf").exit_code == 0
    reader = PdfReader(project / "l.pdf")
    first = reader.pages[0].extract_text()
    assert heading in first and page in first
    assert reader.trailer["/Root"]["/Lang"] == lang


def test_routine_language_picks_its_labels(project: Path) -> None:
    write(
        project / "data/routines/es.yaml",
        "title: Estiramiento\nlanguage: es\nsteps:\n  - Siéntese.\ncautions:\n  - Pare si duele.\n",
    )
    assert run("handout", "es").exit_code == 0
    reader = PdfReader(project / "out/es.pdf")
    assert "Antes de empezar" in reader.pages[0].extract_text()
    assert reader.trailer["/Root"]["/Lang"] == "es"


def test_label_pack_with_an_unknown_key(project: Path) -> None:
    write(project / "layouts/labels/es.yaml", "cautions: Antes\nbenefit: Beneficios\n")
    result = run("handout", "sacral-traction", "--language", "es")
    assert result.exit_code == 1
    assert result.stderr == (
        "layouts/labels/es.yaml:2:1: unknown key 'benefit' in the labels; "
        "did you mean 'benefits'?\n"
    )
