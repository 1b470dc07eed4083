"""`handouts validate`: check data files without printing anything, every problem at once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .booklet import check_routine_ids, load_booklet
from .errors import HandoutsError, Problem
from .library import link_warnings, load_routine, yaml_files_under
from .model import Routine
from .program import check_ids, load_program
from .project import Project, safety_warnings
from .render.fonts import coverage, font_files, glyph_problems
from .yamlsrc import printable


@dataclass
class Report:
    """What `validate` found: files checked, problems (errors) and warnings."""

    checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def validate(project: Project, paths: Sequence[Path] = ()) -> Report:
    """Check routine files (or folders of them), glyphs included, without rendering.

    With no paths: every routine, booklet and programme in the data folder, and the clinic.
    """
    if not paths:
        project.require_data()
    files: list[Path] = []
    for p in paths or [project.data_dir / "routines"]:
        if p.is_dir():
            files += yaml_files_under(p)
        else:
            files.append(p)
    report = Report()
    loaded: list[Routine] = []
    # What the fonts draw, without importing ReportLab for the shipped fonts (as jobs.py's
    # layout_font_files resolves them: relative names beside the layout file first).
    layout = project.layout(project.settings.handout_layout)
    base = Path(layout.source).parent if layout.source else None
    fonts = coverage(font_files(layout.fonts, base))
    for f in files:
        report.checked += 1
        try:
            routine = load_routine(f)
        except HandoutsError as exc:
            report.problems += exc.problems
            continue
        loaded.append(routine)
        report.problems += glyph_problems(routine.texts(), fonts)
        report.warnings += alt_warnings(routine)
    library_files = project.routine_files()
    known = set(library_files) | {r.id for r in loaded}
    report.warnings += link_warnings(loaded, known)
    if not paths:  # the whole data folder: booklets, programmes and the clinic profile too

        def check_booklet(path: Path) -> None:
            check_routine_ids(load_booklet(path, library_files), library_files)

        def check_program(path: Path) -> None:
            check_ids(load_program(path, library_files), library_files)

        def check_clinic(_: Path) -> None:
            report.warnings += safety_warnings(project)

        checks: list[tuple[Callable[[Path], object], Path]] = [
            (check_clinic, project.data_dir / "clinic.yaml"),
            *[(check_booklet, p) for p in project.booklet_files().values()],
            *[(check_program, p) for p in project.program_files().values()],
        ]
        for check, path in checks:
            report.checked += 1
            try:
                check(path)
            except HandoutsError as exc:
                report.problems += exc.problems
    return report


def alt_warnings(routine: Routine) -> list[Problem]:
    """A routine or step picture with no `alt` text: the accessible edition (a screen
    reader) could not say what it shows."""
    pictures = [("image", routine.image)] + [
        (f"steps[{i + 1}].image", step.image) for i, step in enumerate(routine.steps)
    ]
    return [
        Problem(
            routine.path,
            image.line,
            image.col,
            f"warning: {what} '{printable(image.path.as_posix())}' has no 'alt' text; add "
            "'alt:' saying in words what it shows, for a patient who cannot see it",
        )
        for what, image in pictures
        if image is not None and image.alt is None
    ]
