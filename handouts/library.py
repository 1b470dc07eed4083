"""Finding and loading data files: routines by path or id, the clinic profile, images.

This is the only module of the model side that touches the file system.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from . import images
from .check import Text
from .errors import DataError, HandoutsError, Problem
from .images import PreparedImage, has_surrogates, safe_text
from .model import Clinic, Image, ImageCheck, Routine, clinic_from_source, routine_from_source
from .output import shown
from .yamlsrc import did_you_mean, printable, read_yaml

T = TypeVar("T")

DATA_DIR = Path("data")
YAML_SUFFIXES = (".yaml", ".yml")
"""A data file ends in one of these, wherever files are listed or named."""


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


def _folder(file: Path) -> Path:
    """The folder a data file sits in, as listed: a symlinked file is not followed, so its
    pictures and its data folder are where the link is, as the renderer sees them."""
    return Path(os.path.abspath(file)).parent


def data_root(file: Path) -> Path:
    """The data folder a file's pictures must stay inside.

    For `data/routines/x.yaml` it is `data/`; for a file elsewhere, the file's own folder.
    """
    parent = _folder(file)
    if parent.name in ("routines", "booklets", "programs"):
        return parent.parent.resolve()
    return parent.resolve()


def _picture(image: Image, file: Path, what: str, read: Callable[[Path], T]) -> T:
    """`read` of the image's resolved file, once it is known to be inside the data folder
    and present; every problem (`read`'s ImageRefused too) at the image's position."""

    def problem(message: str) -> DataError:
        where = safe_text(shown(file))
        return DataError([Problem(where, image.line, image.col, safe_text(message))])

    written = str(image.path)
    if has_surrogates(written):
        raise problem(
            f"{what} path '{written}' is not valid text; rename the picture with plain characters"
        )
    folder = _folder(file)
    root = data_root(file)
    try:
        target = (folder / image.path).resolve()
        inside = target.is_relative_to(root) or target.is_relative_to(folder.resolve())
        found = inside and target.is_file()
    except (OSError, RuntimeError, ValueError) as exc:
        raise problem(f"{what} '{written}' cannot be read: {exc}") from None
    if not inside:
        raise problem(f"{what} '{written}' is outside the data folder {shown(root)}")
    if not found:
        raise problem(f"{what} file not found: {shown(target)}")
    try:
        return read(target)
    except images.ImageRefused as exc:
        raise problem(f"{what} {shown(target)} {exc.reason}") from None


def prepare_image(image: Image, file: Path, what: str) -> PreparedImage:
    """The image checked and prepared to print: inside the data folder, present, a PNG or
    JPEG under the size limits, decoded (see handouts.images). Problems carry the image's
    position."""
    return _picture(image, file, what, images.prepare)


def check_image(image: Image, file: Path, what: str) -> None:
    """The image checked as `prepare_image` checks it, but without decoding a pixel
    (`images.check`: no Pillow), as loading and `validate` need."""
    _picture(image, file, what, images.check)


def image_check(file: Path) -> ImageCheck:
    """check_image for one data file, as problems to collect rather than raise."""

    def check(image: Image, what: str) -> list[Problem]:
        try:
            check_image(image, file, what)
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


def load_routine(path: Path, check_images: bool = True) -> Routine:
    """One routine file: every problem in it (pictures too) in one DataError.

    `check_images=False` is for a routine wanted only for its title (Previous / Next): its
    pictures are not opened, so a neighbour's bad picture cannot stop another handout.
    """
    if not is_yaml_name(path) and path.is_file():
        raise not_yaml(path)
    check = image_check(path) if check_images else None
    return routine_from_source(read_yaml(path, shown(path)), path.stem, check)


def routine_title(path: Path) -> str:
    """Only the routine's title: the YAML is read and checked, no picture is opened."""
    return str(load_routine(path, check_images=False).title)


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
            import difflib  # only when an id is wrong: a good build never needs it

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
