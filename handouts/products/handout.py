"""The full-page handout: one or more routines in one PDF, personalised or not."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import field
from pathlib import Path
from typing import Any

from ..errors import HandoutsError, Problem
from ..layout import Layout
from ..model import Personal, Routine
from ..project import Project
from ..records import record
from ..targets import Variant, file_name, joined, patient_folder
from .common import Result, checked_language, checked_outputs


@record
class HandoutRequest:
    """`handouts handout`: what was asked. None keeps the project's default."""

    refs: tuple[str, ...]
    layout: str | None = None
    language: str | None = None
    personal: Personal = field(default_factory=Personal)
    output: Path | None = None


def render_handout_pdf(*args: Any, **kwargs: Any) -> bytes:
    """`jobs.handout_job`'s arguments -> the PDF: every character checked, then rendered.
    Pure: returns bytes, writes nothing."""
    from ..jobs import handout_job
    from ..render.handout import render_handout

    return render_handout(handout_job(*args, **kwargs))


def is_personal(personal: Personal) -> bool:
    return bool(personal.texts())


def handout_name(
    project: Project, routines: Sequence[Routine], layout: Layout, language: str
) -> str:
    """`<ids>[.<layout>][.<language>].pdf`: the default layout and the routine's own
    language leave no mark."""
    return file_name(
        joined([r.id for r in routines]),
        None,
        [
            Variant.of("", layout.name, project.settings.handout_layout),
            Variant.of("", language, routines[0].language),
        ],
    )


@record
class HandoutTarget:
    project: Project
    routines: tuple[Routine, ...]
    layout: Layout
    language: str
    personal: Personal
    path: Path

    @property
    def outputs(self) -> tuple[Path, ...]:
        return (self.path,)

    def describe(self) -> str:
        return f"handout {joined([r.id for r in self.routines])}"

    def notes(self) -> list[str]:
        return self.project.language_notes(self.routines, self.language)

    def inputs(self) -> tuple[Path, ...]:
        """Every file its bytes depend on, for the build cache."""
        from ..cache import product_inputs  # a build's; a lone handout has no cache

        return product_inputs(self.project, self.routines, [self.layout], self.language)

    def make(self, progress: Callable[[int], None] | None = None) -> Result:
        from ..jobs import handout_job
        from ..render.handout import render_handout_result

        project = self.project
        job = handout_job(
            self.routines,
            self.layout,
            project.clinic(self.language),
            self.personal,
            project.titles(self.routines),
            self.language,
        )
        made = render_handout_result(job)
        return Result({self.path: made.pdf}, list(made.warnings), made.pages)


@record
class Placed:
    """What a handout request resolves to: its routines, layout and language, and the file
    the printed handout goes to (the accessible edition sits beside it)."""

    routines: tuple[Routine, ...]
    layout: Layout
    language: str
    path: Path


def placed(project: Project, request: HandoutRequest) -> Placed:
    routines = tuple(project.routines(request.refs))
    layout = project.layout_of_kind(request.layout or project.settings.handout_layout, "handout")
    checked_language(request.language, layout)
    language = request.language or routines[0].language
    personal = request.personal
    name = handout_name(project, routines, layout, language)
    if request.output is not None:
        path = request.output
    elif is_personal(personal):
        if personal.patient is None:
            raise HandoutsError(
                [
                    Problem(
                        "<--patient>",
                        1,
                        1,
                        "a note, clinician or date is for one patient: give --patient NAME "
                        "too (or -o FILE)",
                    )
                ]
            )
        folder = patient_folder(str(personal.patient), "")
        path = project.out_dir / "patients" / folder / name
    else:
        path = project.out_dir / name
    return Placed(routines, layout, language, path)


def plan(project: Project, request: HandoutRequest) -> HandoutTarget:
    where = placed(project, request)
    checked_outputs([where.path])
    return HandoutTarget(
        project, where.routines, where.layout, where.language, request.personal, where.path
    )
