"""A clinic's project: its folder, its settings, its data and where its PDFs go.

A project is a folder holding `handouts.yaml` (made by `handouts init`). Commands find it by
walking up from the working folder, as git and mkdocs do, so they work from any subfolder.
Everything a command looks up — routines, booklets, programmes, the clinic profile, layouts
and label packs — is looked up here, relative to the project, never to the working folder.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .check import Checker, Text
from .errors import DataError, HandoutsError, Problem
from .layout import BUILTIN_LAYOUTS, Layout, check_language, load_layout
from .library import (
    Library,
    find_routine,
    load_clinic,
    load_library,
    load_routine,
    routine_files,
    routine_title,
)
from .model import Clinic, Routine
from .output import shown
from .records import record
from .yamlsrc import did_you_mean, read_yaml

if TYPE_CHECKING:  # a handout needs neither: each is imported by the command that reads one
    from .booklet import Booklet
    from .program import Program

PROJECT_FILE = "handouts.yaml"
PAPERS = ("letter", "a4")


def _setting(default: Any, doc: str, choices: tuple[str, ...] = ()) -> Any:
    return field(default=default, metadata={"doc": doc, "choices": choices})


@record
class Settings:
    """The project file's settings: each declared once, with its default and what it does."""

    data: str = _setting("data", "Folder with routines/, booklets/, programs/ and clinic.yaml.")
    out: str = _setting("out", "Folder the PDFs are written to (made when needed).")
    paper: str = _setting(
        "letter",
        "Paper the clinic prints on: letter (US) or a4. Picks the default handout layout "
        "(letter or a4), card size (wallet or eu) and booklet page (half-letter or a5).",
        PAPERS,
    )
    layout: str | None = _setting(None, "Handout layout by name or file (default: the paper's).")
    card_size: str | None = _setting(
        None, "Pocket-card layout: wallet, eu, index, a7 or a card-*.yaml (default: the paper's)."
    )
    booklet_page_size: str | None = _setting(
        None,
        "Booklet page for manifests without a layout: half-letter, a5, letter or a4 "
        "(default: the paper's half, which folds from one sheet).",
        ("half-letter", "a5", "letter", "a4"),
    )
    language: str | None = _setting(
        None, "Language of printed labels when neither the routine nor --language says."
    )

    @property
    def handout_layout(self) -> str:
        return self.layout or self.paper

    @property
    def card(self) -> str:
        return self.card_size or ("wallet" if self.paper == "letter" else "eu")

    @property
    def booklet_page(self) -> str:
        return self.booklet_page_size or ("half-letter" if self.paper == "letter" else "a5")


def settings_docs() -> list[tuple[str, str, str]]:
    """(key, default, doc) for every project setting: for `init`'s comments and the docs."""
    return [
        (f.name, "" if f.default is None else str(f.default), f.metadata["doc"])
        for f in dataclasses.fields(Settings)
    ]


def read_settings(path: Path) -> Settings:
    src = read_yaml(path, shown(path))
    c = Checker(src.path)
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    values: dict[str, str] = {}
    if src.root.kind == "str" and not src.root.text.strip():
        return Settings()  # an empty project file: every default
    for key, node in c.mapping(src.root, fields, what="the project file").items():
        choices = fields[key].metadata["choices"]
        value = c.choice(node, key, choices) if choices else c.text(node, key)
        if value is not None:
            values[key] = value  # a Text: it keeps its position for later checks
    c.done()
    return Settings(**values)


@record
class Project:
    """Where things are, all absolute: shared by every command."""

    root: Path
    settings: Settings = Settings()
    data_dir: Path = Path("data")
    out_dir: Path = Path("out")
    clinic_file: Path | None = None
    file: Path | None = None

    # -- layouts -----------------------------------------------------------------------
    @property
    def layout_search(self) -> tuple[Path, ...]:
        """The project's own layouts/ first, then the built-ins."""
        return (self.root / "layouts", BUILTIN_LAYOUTS)

    def layout(self, name: str) -> Layout:
        return load_layout(name, self.layout_search)

    def layout_of_kind(self, name: str, kind: str) -> Layout:
        """A layout that must print `kind` (a card layout for cards, and so on)."""
        layout = self.layout(name)
        if layout.kind != kind:
            message = f"layout '{layout.name}' is a {layout.kind} layout, not a {kind}"
            raise DataError([Problem(shown(Path(layout.source)), 1, 1, message)])
        return layout

    def card_layout(self, size: str) -> Layout:
        """`wallet`, `card-wallet` or a layout file; it must be a card layout."""
        is_file = size.endswith((".yaml", ".yml")) or "/" in size
        name = size if size.startswith("card-") or is_file else f"card-{size}"
        return self.layout_of_kind(name, "card")

    # -- data ----------------------------------------------------------------------------
    @functools.cached_property
    def _clinic(self) -> Clinic:
        """The profile, read once per command (every product prints it)."""
        return load_clinic(self.clinic_file, self.data_dir)

    def clinic(self, language: str | None = None) -> Clinic:
        """The clinic profile; with `language`, its safety text and disclaimer in it."""
        return self._clinic if language is None else self._clinic.in_language(language)[0]

    def language_notes(self, routines: Sequence[Routine], language: str) -> list[str]:
        """Warnings for printing in `language`: labels in another language than a routine's
        text, and clinic texts that have no version in it."""
        primary = language.split("-")[0].lower()
        notes = [
            f"{r.path}: warning: the printed labels are in '{primary}' but the routine is "
            f"written in '{r.language}'"
            for r in routines
            if r.language.split("-")[0].lower() != primary
        ]
        return notes + self._clinic.in_language(language)[1]

    @functools.cached_property
    def _routine_files(self) -> dict[str, Path]:
        """The routines folder, listed once per command: a build asks for it for every
        product it plans and every cache key (in a 300-routine library, 900 listings)."""
        return routine_files(self.data_dir)

    def routine_files(self) -> dict[str, Path]:
        return dict(self._routine_files)

    @functools.cached_property
    def _routines_read(self) -> dict[Path, Routine]:
        return {}

    def routine_path(self, ref: str) -> Path:
        return find_routine(ref, self.data_dir)

    def load_routine(self, path: Path) -> Routine:
        """A routine file; without its own `language:`, it takes the project's. Each file is
        read once per command: a build plans its handout, card and accessible edition, and
        the booklets and programmes that hold it, from the same file."""
        if path not in self._routines_read:
            self._routines_read[path] = load_routine(path)
        routine = self._routines_read[path]
        if routine.language_given or self.settings.language is None:
            return routine
        return dataclasses.replace(routine, language=self.settings.language)

    def routines(self, refs: Sequence[str]) -> list[Routine]:
        """Routines by path or id; every problem in every file reported at once."""
        routines: list[Routine] = []
        problems: list[Problem] = []
        for ref in refs:
            try:
                routines.append(self.load_routine(self.routine_path(ref)))
            except HandoutsError as exc:
                problems += exc.problems
        if problems:
            raise DataError(problems)
        return routines

    def library(self) -> Library:
        lib = load_library(self.data_dir)
        if self.settings.language is not None:
            lib.routines = {
                rid: r
                if r.language_given
                else dataclasses.replace(r, language=self.settings.language)
                for rid, r in lib.routines.items()
            }
        return lib

    def booklet_files(self) -> dict[str, Path]:
        from .booklet import booklet_files

        return booklet_files(self.data_dir)

    def program_files(self) -> dict[str, Path]:
        from .program import program_files

        return program_files(self.data_dir)

    def booklet(self, ref: str) -> Booklet:
        from .booklet import load_booklet

        path = named_file(ref, self.booklet_files(), "booklet")
        return load_booklet(path, self.routine_files())

    def program(self, ref: str) -> Program:
        from .program import load_program

        path = named_file(ref, self.program_files(), "programme")
        return load_program(path, self.routine_files())

    def titles(self, extra: Sequence[Routine]) -> dict[str, str]:
        """Titles for Previous / Next: the routines at hand, and their neighbours."""
        titles = {r.id: str(r.title) for r in extra}
        files = self.routine_files()
        wanted = {str(ref) for r in extra for ref in (r.previous, r.next) if ref is not None}
        for rid in sorted(wanted - set(titles)):
            if rid in files:
                try:
                    titles[rid] = routine_title(files[rid])
                except HandoutsError:
                    continue  # `validate` reports it; a neighbour's typo must not stop this one
        return titles

    def require_data(self) -> None:
        """The data folder exists and holds at least one routine, booklet or programme."""
        if not self.data_dir.is_dir():
            raise DataError(
                [Problem(shown(self.data_dir), 1, 1, "data folder not found" + self._hint())]
            )
        if not (self.routine_files() or self.booklet_files() or self.program_files()):
            raise DataError(
                [
                    Problem(
                        shown(self.data_dir),
                        1,
                        1,
                        "the data folder holds no routines (data/routines/*.yaml), booklets "
                        "or programmes" + self._hint(),
                    )
                ]
            )

    def _hint(self) -> str:
        return "" if self.file else "; give --data or run `handouts init`"


SAFETY_HINT = (
    "so nothing printed tells the patient when to stop and call you; add a 'safety:' line "
    "(`handouts init` writes an example)"
)


def safety_warnings(project: Project) -> list[Problem]:
    """A project that prints no "Stop and call us" text is warned on every printing command."""
    if not project.data_dir.is_dir():
        return []  # the command says the folder is missing
    clinic = project.clinic()
    if clinic.safety is not None:
        return []
    if not clinic.path:
        where = project.clinic_file or project.data_dir / "clinic.yaml"
        return [Problem(shown(where), 1, 1, f"warning: no clinic profile, {SAFETY_HINT}")]
    return [
        Problem(clinic.path, 1, 1, f"warning: the clinic profile has no safety text, {SAFETY_HINT}")
    ]


def named_file(ref: str, named: dict[str, Path], what: str) -> Path:
    """A file given by path, or by its name in the data folder."""
    path = Path(ref)
    if ref.endswith((".yaml", ".yml")) or os.sep in ref or "/" in ref:
        if path.is_file():
            return path
        raise DataError([Problem(ref, 1, 1, f"no such {what} file")])
    if ref not in named:
        raise DataError(
            [Problem(ref, 1, 1, f"no {what} named '{ref}'{did_you_mean(ref, list(named))}")]
        )
    return named[ref]


class NotAProject(DataError):
    """The working folder is not inside a project, and no --data was given."""


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` holding the project file."""
    here = start.absolute()
    for folder in (here, *here.parents):
        if (folder / PROJECT_FILE).is_file():
            return folder
    return None


def open_project(
    project: Path | None = None,
    data: Path | None = None,
    out: Path | None = None,
    clinic: Path | None = None,
    cwd: Path | None = None,
    required: bool = True,
) -> Project:
    """The project for a command: --project, else found by walking up from the working folder.

    `--data`/`--out` given on the command line are relative to the working folder and win
    over the project file. Outside any project, `--data` alone names the data folder; with
    `required=False` (checking files named on the command line) the working folder serves.
    """
    cwd = (cwd or Path.cwd()).absolute()
    if project is not None:
        given = project.absolute()
        root = given.parent if given.name == PROJECT_FILE else given
        if not (root / PROJECT_FILE).is_file():
            raise DataError(
                [
                    Problem(
                        shown(root),
                        1,
                        1,
                        f"no {PROJECT_FILE} here; run `handouts init {shown(root)}` to make "
                        "a project",
                    )
                ]
            )
    else:
        found = find_root(cwd)
        if found is None and data is None and required:
            raise NotAProject(
                [
                    Problem(
                        shown(cwd),
                        1,
                        1,
                        f"not inside a handouts project (no {PROJECT_FILE} here or in any "
                        "folder above); run `handouts init` to make one, or give --data",
                    )
                ]
            )
        root = found or cwd
    file = root / PROJECT_FILE
    settings = read_settings(file) if file.is_file() else Settings()
    if settings.language is not None:
        where = settings.language if isinstance(settings.language, Text) else None
        check_language(settings.language, where, (root / "layouts", BUILTIN_LAYOUTS))
    return Project(
        root=root,
        settings=settings,
        data_dir=(cwd / data) if data is not None else root / settings.data,
        out_dir=(cwd / out) if out is not None else root / settings.out,
        clinic_file=(cwd / clinic) if clinic is not None else None,
        file=file if file.is_file() else None,
    )


TEMPLATES = Path(__file__).resolve().parent / "templates"
"""The example project `handouts init` copies: clinic profile, one routine, one booklet, one
programme and a commented layout that extends a built-in."""


def project_file_text() -> str:
    """The project file `init` writes: every setting with what it does, from Settings."""
    lines = [
        "# A handouts project. Commands run anywhere inside this folder find this file.",
        "# Each setting below can be left out: its default is shown.",
        "",
    ]
    for key, default, doc in settings_docs():
        words = doc.split()
        line = "#"
        for word in words:  # wrap the doc at 92 columns
            if len(line) + 1 + len(word) > 92:
                lines.append(line)
                line = "#"
            line += " " + word
        lines.append(line)
        lines.append(f"{key}: {default}" if default else f"# {key}:")
        lines.append("")
    return "\n".join(lines)


@dataclass
class InitResult:
    root: Path
    created: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # already there: never overwritten
    updated: list[Path] = field(default_factory=list)  # generated schema files, refreshed


def init_project(folder: Path) -> InitResult:
    """Make `folder` a working clinic project. An existing file is never replaced."""
    from .output import write_new

    root = folder.absolute()
    result = InitResult(root)
    files: list[tuple[Path, bytes]] = [(root / PROJECT_FILE, project_file_text().encode())]
    for src in sorted(p for p in TEMPLATES.rglob("*") if p.is_file()):
        files.append((root / src.relative_to(TEMPLATES), src.read_bytes()))
    for path, data in files:
        if write_new(path, data):
            result.created.append(path)
        else:
            result.kept.append(path)
    from .scaffold import write_schema_files  # JSON Schema for editors: .handouts/schema/

    schemas = write_schema_files(root)
    result.created += schemas.created
    result.updated += schemas.updated
    result.kept += schemas.kept
    return result
