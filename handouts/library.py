"""Finding and loading data files: routines by path or id, the clinic profile, images.

This is the only module of the model side that touches the file system.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image as PILImage

from .check import Text
from .errors import DataError, HandoutsError, Problem
from .model import Clinic, Image, Routine, clinic_from_source, routine_from_source
from .yamlsrc import did_you_mean, read_yaml

DATA_DIR = Path("data")


def shown(path: Path) -> str:
    """A path as messages show it: relative to the working folder when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(Path(path).absolute()) if rel.startswith("..") else rel


def data_root(file: Path) -> Path:
    """The data folder a file's pictures must stay inside.

    For `data/routines/x.yaml` it is `data/`; for a file elsewhere, the file's own folder.
    """
    parent = file.resolve().parent
    if parent.name in ("routines", "booklets", "programs"):
        return parent.parent
    return parent


def resolve_image(image: Image, file: Path, what: str) -> Path:
    """The image's file, checked: inside the data folder, present, a readable PNG or JPEG."""

    def problem(message: str) -> DataError:
        return DataError([Problem(shown(file), image.line, image.col, message)])

    target = (file.resolve().parent / image.path).resolve()
    root = data_root(file)
    if not target.is_relative_to(root):
        raise problem(f"{what} '{image.path}' is outside the data folder {shown(root)}")
    if not target.is_file():
        raise problem(f"{what} file not found: {shown(target)}")
    with target.open("rb") as fh:
        head = fh.read(8)
    if not (head.startswith(b"\x89PNG\r\n\x1a\n") or head.startswith(b"\xff\xd8\xff")):
        raise problem(f"{what} {shown(target)} is not a PNG or JPEG image")
    try:
        with PILImage.open(target) as img:
            img.load()  # decodes every pixel: a truncated file fails here, not mid-PDF
    except (OSError, SyntaxError, ValueError) as exc:
        raise problem(f"{what} {shown(target)} cannot be read: {exc}") from None
    return target


def load_routine(path: Path) -> Routine:
    routine = routine_from_source(read_yaml(path, shown(path)), path.stem)
    images = [(s.image, f"steps[{i + 1}].image") for i, s in enumerate(routine.steps) if s.image]
    if routine.image is not None:
        images.append((routine.image, "image"))
    problems: list[Problem] = []
    for image, what in images:
        try:
            resolve_image(image, path, what)
        except HandoutsError as exc:
            problems += exc.problems
    if problems:
        raise DataError(problems)
    return routine


def routine_files(data_dir: Path = DATA_DIR) -> dict[str, Path]:
    folder = data_dir / "routines"
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}


def find_routine(ref: str, data_dir: Path = DATA_DIR) -> Path:
    """A routine argument: a path to a file, or an id found in data/routines/."""
    as_path = Path(ref)
    if as_path.suffix in (".yaml", ".yml") or os.sep in ref:
        if as_path.is_file():
            return as_path
        raise DataError([Problem(ref, 1, 1, "no such file")])
    files = routine_files(data_dir)
    if ref in files:
        return files[ref]
    raise DataError(
        [
            Problem(
                shown(data_dir / "routines"),
                1,
                1,
                f"no routine with id '{ref}'{did_you_mean(ref, list(files))}",
            )
        ]
    )


@dataclass
class Library:
    """Every routine in a data folder, loaded; problems collected per file."""

    routines: dict[str, Routine] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def load_library(data_dir: Path = DATA_DIR) -> Library:
    lib = Library()
    for rid, path in routine_files(data_dir).items():
        try:
            lib.routines[rid] = load_routine(path)
        except HandoutsError as exc:
            lib.problems += exc.problems
    lib.warnings = link_warnings(lib.routines.values(), set(routine_files(data_dir)))
    return lib


def link_warnings(routines: object, known: set[str]) -> list[Problem]:
    """`previous`/`next` naming a routine that is not in the library: a warning."""
    out = []
    for r in routines:  # type: ignore[attr-defined]
        for name in ("previous", "next"):
            ref = getattr(r, name)
            if ref is not None and str(ref) not in known:
                out.append(
                    Problem(
                        r.path,
                        ref.line,
                        ref.col,
                        f"warning: '{name}' names '{ref}', which is not in the "
                        f"library{did_you_mean(str(ref), sorted(known))}",
                    )
                )
    return out


def load_clinic(path: Path | None, data_dir: Path = DATA_DIR) -> Clinic:
    """The clinic profile: the given file, else data/clinic.yaml, else an empty profile."""
    if path is None:
        default = data_dir / "clinic.yaml"
        if not default.is_file():
            return Clinic()
        path = default
    clinic = clinic_from_source(read_yaml(path, shown(path)))
    if clinic.logo is not None:
        resolve_image(clinic.logo, path, "logo")
    return clinic


def check_known_ids(path: str, ids: Iterable[Text], known: Iterable[str]) -> None:
    """Every id must name a routine in the library; each miss lists the closest ids."""
    names = list(known)
    problems = []
    for rid in ids:
        if str(rid) not in names:
            close = difflib.get_close_matches(str(rid), names, n=3, cutoff=0.5)
            hint = f"; closest: {', '.join(close)}" if close else ""
            problems.append(
                Problem(path, rid.line, rid.col, f"no routine with id '{rid}' in the library{hint}")
            )
    if problems:
        raise DataError(problems)
