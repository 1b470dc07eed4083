"""Projects: found from any subfolder, made by `init`, refused clearly outside one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner, Result

from handouts.cli import main
from handouts.project import PROJECT_FILE, Settings, open_project, project_file_text, read_settings

from .conftest import write


@contextmanager
def cwd(path: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def run_in(folder: Path, *args: str) -> Result:
    with cwd(folder):
        return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_commands_find_the_project_from_a_subfolder(project: Path) -> None:
    sub = project / "data" / "routines"
    result = run_in(sub, "handout", "sacral-traction")
    assert result.exit_code == 0, result.output
    assert (project / "out/sacral-traction.pdf").is_file()
    # printed relative to where the user is
    assert result.stdout.strip() == os.path.join("..", "..", "out", "sacral-traction.pdf") or (
        result.stdout.strip() == str(project / "out/sacral-traction.pdf")
    )
    listing = run_in(sub, "list")
    assert listing.exit_code == 0 and "sacral-traction\tSacral Traction" in listing.stdout


def test_project_options_are_accepted_after_the_command(project: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    result = run_in(project, "handout", "sacral-traction", "--out", str(other))
    assert result.exit_code == 0, result.output
    assert (other / "sacral-traction.pdf").is_file()
    before = run_in(project, "--out", str(other / "b"), "handout", "sacral-traction")
    assert before.exit_code == 0 and (other / "b/sacral-traction.pdf").is_file()
    # the later one wins
    both = run_in(project, "--out", "x", "handout", "sacral-traction", "--out", str(other / "c"))
    assert both.exit_code == 0 and (other / "c/sacral-traction.pdf").is_file()


def test_outside_a_project_every_command_says_so(tmp_path: Path) -> None:
    for args in (["build"], ["list"], ["validate"], ["handout", "x"], ["booklet", "x"]):
        result = run_in(tmp_path, *args)
        assert result.exit_code == 1, args
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, lines
        assert "not inside a handouts project" in lines[0] and "handouts init" in lines[0]
        assert lines[0].startswith(".:1:1: ") or lines[0].startswith(f"{tmp_path}:1:1: ")


def test_a_missing_or_empty_data_folder_is_an_error(project: Path) -> None:
    typo = run_in(project, "--data", "typo", "build")
    assert typo.exit_code == 1
    assert typo.stderr.strip().splitlines() == ["typo:1:1: data folder not found"]
    (project / "empty").mkdir()
    empty = run_in(project, "--data", "empty", "build")
    assert empty.exit_code == 1 and "holds no routines" in empty.stderr
    for command in ("list", "validate"):
        assert run_in(project, "--data", "typo", command).exit_code == 1


def test_init_makes_a_project_that_builds(tmp_path: Path) -> None:
    clinic = tmp_path / "clinic"
    made = run_in(tmp_path, "init", "clinic")
    assert made.exit_code == 0, made.output
    assert (clinic / PROJECT_FILE).is_file()
    for rel in ("data/clinic.yaml", "data/routines/sacral-traction.yaml",
                "data/booklets/home-programme.yaml", "data/programs/example-patient.yaml",
                "layouts/our-clinic.yaml"):  # fmt: skip
        assert (clinic / rel).is_file(), rel
    built = run_in(clinic, "build")
    assert built.exit_code == 0, built.output
    written = built.stdout.split()
    assert "out/sacral-traction.pdf" in written
    assert "out/sacral-traction.card.pdf" in written
    assert "out/home-programme.booklet.pdf" in written
    assert "out/home-programme.booklet-print.pdf" in written
    assert "out/patients/example-patient/example-patient.program.pdf" in written
    assert built.stderr.strip().splitlines()[-1] == f"made {len(written)} file(s) in out"
    # the example layout extends a built-in and prints
    assert run_in(clinic, "handout", "sacral-traction", "--layout", "our-clinic").exit_code == 0


def test_init_never_overwrites(tmp_path: Path) -> None:
    write(tmp_path / "data/clinic.yaml", "name: Ours\n")
    write(tmp_path / PROJECT_FILE, "paper: a4\n")
    result = run_in(tmp_path, "init")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data/clinic.yaml").read_text() == "name: Ours\n"
    assert (tmp_path / PROJECT_FILE).read_text() == "paper: a4\n"
    assert "kept    data/clinic.yaml (already there)" in result.stdout
    again = run_in(tmp_path, "init")
    assert "created" not in again.stdout


def test_project_file_documents_every_setting_and_reads_back(tmp_path: Path) -> None:
    text = project_file_text()
    for name in Settings.__dataclass_fields__:
        assert f"{name}:" in text, name
    path = write(tmp_path / PROJECT_FILE, text)
    assert read_settings(path) == Settings()


def test_project_file_errors_have_positions(tmp_path: Path) -> None:
    write(tmp_path / PROJECT_FILE, "data: data\npaper: legal\nlayuot: letter\n")
    result = run_in(tmp_path, "build")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "handouts.yaml:2:8: 'paper' must be one of letter, a4, not 'legal'",
        "handouts.yaml:3:1: unknown key 'layuot' in the project file; did you mean 'layout'?",
    ]


def test_a4_paper_picks_a4_defaults(project: Path) -> None:
    (project / PROJECT_FILE).write_text("paper: a4\n")
    proj = open_project(cwd=project)
    assert (proj.settings.handout_layout, proj.settings.card, proj.settings.booklet_page) == (
        "a4",
        "eu",
        "a5",
    )
    from pypdf import PdfReader

    assert run_in(project, "handout", "sacral-traction").exit_code == 0
    box = PdfReader(project / "out/sacral-traction.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_the_project_language_prints_labels_for_routines_without_one(project: Path) -> None:
    from pypdf import PdfReader

    (project / PROJECT_FILE).write_text("language: es\n")
    write(project / "data/routines/en.yaml", "title: Stretch\nlanguage: en\nsteps:\n  - Stand.\n")
    write(project / "data/routines/any.yaml", "title: Estirar\nsteps:\n  - De pie.\n")
    assert run_in(project, "handout", "any", "-o", "es.pdf").exit_code == 0
    assert "Página 1 de 1" in PdfReader(project / "es.pdf").pages[0].extract_text()
    assert run_in(project, "handout", "en", "-o", "en.pdf").exit_code == 0
    assert "Page 1 of 1" in PdfReader(project / "en.pdf").pages[0].extract_text()
    (project / PROJECT_FILE).write_text("language: it\n")
    bad = run_in(project, "handout", "any")
    assert bad.exit_code == 1
    assert bad.stderr.splitlines() == [
        "handouts.yaml:1:11: no labels for language 'it' (have: de, en, es, fr)"
    ]
