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
from .model import Clinic, Image, ImageCheck, Routine, clinic_from_source, routine_from_source
from .yamlsrc import did_you_mean, printable, read_yaml

DATA_DIR = Path("data")
YAML_SUFFIXES = (".yaml", ".yml")
"""A data file ends in one of these, wherever files are listed or named."""


def shown(path: Path) -> str:
    """A path as messages show it: relative to the working folder when inside it.

    Bytes that are not UTF-8 (a surrogate escape in the name) print as \\xNN.
    """
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return printable(str(path))
    return printable(str(Path(path).absolute()) if rel.startswith("..") else rel)


def is_yaml_name(path: Path) -> bool:
    return path.suffix.lower() in YAML_SUFFIXES


def yaml_files(folder: Path) -> dict[str, Path]:
    """The data files in one folder by name (file name without extension), sorted.

    `x.yaml` and `x.yml` are both read; when both exist, `x.yaml` is the one used and
    `duplicate_names` reports the other.
    """
    if not folder.is_dir():
        return {}
    out: dict[str, Path] = {}
    for p in sorted(folder.iterdir()):
        if is_yaml_name(p) and p.stem not in out:
            out[p.stem] = p
    return out


def yaml_files_under(folder: Path) -> list[Path]:
    """Every data file in a folder and its subfolders, sorted (for `validate FOLDER`)."""
    return sorted(p for p in folder.rglob("*") if is_yaml_name(p) and not p.is_dir())


def duplicate_names(folder: Path) -> list[Problem]:
    """`x.yml` next to `x.yaml`: the second of two files with the same name is an error."""
    files = yaml_files(folder)
    if not folder.is_dir():
        return []
    return [
        Problem(
            shown(p),
            1,
            1,
            f"'{p.stem}' is also {shown(files[p.stem])}, which is the one used; remove or "
            "rename one of them",
        )
        for p in sorted(folder.iterdir())
        if is_yaml_name(p) and files.get(p.stem) != p
    ]


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


def image_check(file: Path) -> ImageCheck:
    """resolve_image for one data file, as problems to collect rather than raise."""

    def check(image: Image, what: str) -> list[Problem]:
        try:
            resolve_image(image, file, what)
        except HandoutsError as exc:
            return list(exc.problems)
        return []

    return check


def not_yaml(path: Path) -> DataError:
    return DataError(
        [
            Problem(
                shown(path),
                1,
                1,
                "not a YAML data file: routines, booklets and programmes are text files "
                "ending in .yaml or .yml",
            )
        ]
    )


def load_routine(path: Path) -> Routine:
    """One routine file: every problem in it (pictures too) in one DataError."""
    if not is_yaml_name(path) and path.is_file():
        raise not_yaml(path)
    return routine_from_source(read_yaml(path, shown(path)), path.stem, image_check(path))


def routine_files(data_dir: Path = DATA_DIR) -> dict[str, Path]:
    return yaml_files(data_dir / "routines")


def find_routine(ref: str, data_dir: Path = DATA_DIR) -> Path:
    """A routine argument: a path to a file, or an id found in data/routines/.

    An id has no '.' in it, so anything with an extension is a path.
    """
    as_path = Path(ref)
    if as_path.suffix or os.sep in ref:
        if not as_path.exists():
            raise DataError([Problem(printable(ref), 1, 1, "no such file")])
        if not is_yaml_name(as_path):
            raise not_yaml(as_path)
        return as_path
    files = routine_files(data_dir)
    if ref in files:
        return files[ref]
    raise DataError(
        [
            Problem(
                shown(data_dir / "routines"),
                1,
                1,
                f"no routine with id '{printable(ref)}'{did_you_mean(ref, list(files))}",
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
    lib = Library(problems=duplicate_names(data_dir / "routines"))
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
        if not default.exists():
            return Clinic()
        path = default
    return clinic_from_source(read_yaml(path, shown(path)), image_check(path))


def unknown_ids(path: str, ids: Iterable[Text], known: Iterable[str]) -> list[Problem]:
    """A problem for every id that names no routine in the library, with the closest ids."""
    names = list(known)
    problems = []
    for rid in ids:
        if str(rid) not in names:
            close = difflib.get_close_matches(str(rid), names, n=3, cutoff=0.5)
            hint = f"; closest: {', '.join(close)}" if close else ""
            problems.append(
                Problem(path, rid.line, rid.col, f"no routine with id '{rid}' in the library{hint}")
            )
    return problems


def check_known_ids(path: str, ids: Iterable[Text], known: Iterable[str]) -> None:
    """Every id must name a routine in the library; each miss lists the closest ids."""
    problems = unknown_ids(path, ids, known)
    if problems:
        raise DataError(problems)
