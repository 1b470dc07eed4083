"""The "Stop and call us" line: a project without one is told so on every printing command."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import run, write

NO_PROFILE = (
    "data/clinic.yaml:1:1: warning: no clinic profile, so nothing printed tells the patient "
    "when to stop and call you; add a 'safety:' line (`handouts init` writes an example)"
)
NO_SAFETY = (
    "data/clinic.yaml:1:1: warning: the clinic profile has no safety text, so nothing printed "
    "tells the patient when to stop and call you; add a 'safety:' line (`handouts init` "
    "writes an example)"
)


@pytest.fixture(params=["no profile", "no safety"])
def unsafe(request: pytest.FixtureRequest, project: Path) -> str:
    clinic = project / "data/clinic.yaml"
    if request.param == "no profile":
        clinic.unlink()
        return NO_PROFILE
    write(clinic, "name: Riverside Physiotherapy\nphone: (555) 010-4477\n")
    return NO_SAFETY


@pytest.mark.parametrize(
    "args",
    [
        ["handout", "sacral-traction"],
        ["card", "sacral-traction"],
        ["booklet", "lower-back"],
        ["program", "ann-lee"],
        ["build"],
    ],
)
def test_every_printing_command_warns(unsafe: str, args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines().count(unsafe) == 1


def test_validate_warns_and_strict_fails(unsafe: str) -> None:
    plain = run("validate")
    assert plain.exit_code == 0 and unsafe in plain.stderr.splitlines()
    strict = run("validate", "--strict")
    assert strict.exit_code == 1
    assert strict.stderr.splitlines()[-1].endswith("and --strict makes them fail")


def test_a_project_with_a_safety_text_is_not_warned(project: Path) -> None:
    result = run("handout", "sacral-traction")
    assert result.exit_code == 0 and "warning" not in result.stderr
    checked = run("validate")
    assert checked.exit_code == 0 and "safety" not in checked.stderr


def test_safety_text_per_language(project: Path) -> None:
    from .conftest import pdf_text

    clinic = project / "data/clinic.yaml"
    text = clinic.read_text().split("safety:")[0]
    write(
        clinic,
        text + "safety:\n  en: Stop and call us if it hurts.\n  es: Pare y llámenos si le duele.\n",
    )
    es = run("handout", "sacral-traction", "--language", "es")
    assert es.exit_code == 0, es.output
    assert "Pare y llámenos si le duele." in " ".join(
        pdf_text(project / "out/sacral-traction.es.pdf").split()
    )
    assert es.stderr.splitlines() == [
        "data/routines/sacral-traction.yaml: warning: the printed labels are in 'es' but the "
        "routine is written in 'en'"
    ]
    en = run("handout", "sacral-traction")
    assert en.exit_code == 0 and en.stderr == ""
    assert "Stop and call us if it hurts." in " ".join(
        pdf_text(project / "out/sacral-traction.pdf").split()
    )
    fr = run("handout", "sacral-traction", "--language", "fr")
    assert fr.exit_code == 0
    assert (
        "data/clinic.yaml:7:7: warning: no 'safety' text in 'fr' (given: en, es); printing the "
        "'en' one"
    ) in fr.stderr.splitlines()


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ("wallet", "Sharp pain, numbness or tingling? Stop and call us."),
        ("eu", "Sharp pain, numbness or tingling? Stop and call us."),
        ("index", "Stop and call us on (555) 010-4477 if you feel sharp pain"),
        ("a7", "Stop and call us on (555) 010-4477 if you feel sharp pain"),
    ],
)
def test_every_card_back_carries_the_safety_text(project: Path, size: str, expected: str) -> None:
    from pypdf import PdfReader

    assert (
        run("card", "sacral-traction", "--size", size, "--sheet", "none", "-o", "c.pdf").exit_code
        == 0
    )
    back = " ".join(PdfReader(project / "c.pdf").pages[1].extract_text().split())
    assert expected in back


def test_without_a_short_form_small_cards_print_the_full_safety_text(project: Path) -> None:
    from pypdf import PdfReader

    clinic = project / "data/clinic.yaml"
    clinic.write_text(
        "".join(x for x in clinic.read_text().splitlines(True) if "safety_short" not in x)
    )
    assert run("card", "sacral-traction", "--sheet", "none", "-o", "c.pdf").exit_code == 0
    back = " ".join(PdfReader(project / "c.pdf").pages[1].extract_text().split())
    assert "Stop and call us on (555) 010-4477" in back
