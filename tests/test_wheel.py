"""As a clinic installs it: the wheel in a fresh virtual environment, used on a folder far
from this repository. Nothing of the checkout is copied in."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = dist.glob("handouts-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The `handouts` command of a fresh virtual environment with the wheel installed."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True)
    pip = env_dir / "bin" / "pip"
    subprocess.run([str(pip), "install", "-q", str(wheel)], check=True, capture_output=True)
    yield env_dir / "bin" / "handouts"


def test_the_wheel_ships_the_built_in_layouts_labels_fonts_and_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("letter.yaml", "large-print.yaml", "card-wallet.yaml", "booklet-a5.yaml"):
        assert f"handouts/layouts/{name}" in names, name
    for lang in ("es", "fr", "de"):
        assert f"handouts/layouts/labels/{lang}.yaml" in names
    assert "handouts/fonts/DejaVuSans.ttf" in names
    assert "handouts/templates/data/routines/sacral-traction.yaml" in names
    assert "handouts/templates/layouts/our-clinic.yaml" in names
    assert not any(n.startswith(("data/", "layouts/", "tests/")) for n in names)


def sh(handouts: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        [str(handouts), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_installed_tool_on_a_new_project_outside_the_repository(
    installed: Path, tmp_path: Path
) -> None:
    assert not tmp_path.is_relative_to(ROOT)
    made = sh(installed, tmp_path, "init", "clinic")
    assert made.returncode == 0, made.stderr
    clinic = tmp_path / "clinic"
    layouts = sh(installed, clinic, "layouts")
    assert layouts.returncode == 0, layouts.stderr
    names = {line.split("\t")[0] for line in layouts.stdout.splitlines()}
    assert {"letter", "a4", "large-print", "card-wallet", "booklet-a5", "our-clinic"} <= names
    built = sh(installed, clinic, "build")
    assert built.returncode == 0, built.stderr
    assert "out/sacral-traction.pdf" in built.stdout.split()
    sub = clinic / "data" / "routines"
    for args in (
        ["handout", "sacral-traction", "--layout", "large-print"],
        ["card", "sacral-traction", "--size", "index"],
        ["booklet", "home-programme"],
        ["program", "example-patient", "--cards"],
        ["handout", "sacral-traction", "--language", "es"],
    ):
        for where in (clinic, sub):
            result = sh(installed, where, *args)
            assert result.returncode == 0, (args, where, result.stderr)
            for line in result.stdout.split():
                assert (where / line).resolve().is_file(), line
    assert (clinic / "out/sacral-traction.large-print.pdf").is_file()
    assert (clinic / "out/patients/example-patient/example-patient.program-cards.pdf").is_file()


def test_installed_tool_outside_any_project(installed: Path, tmp_path: Path) -> None:
    result = sh(installed, tmp_path, "build")
    assert result.returncode == 1
    assert "not inside a handouts project" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    layouts = sh(installed, tmp_path, "layouts")
    assert layouts.returncode == 0 and "letter\thandout" in layouts.stdout
