"""One patient's programme: their routines with their dosage and notes, a tracking page,
and on request their pocket cards. Always written under the patient's own folder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..cache import product_inputs
from ..layout import Layout
from ..model import Routine
from ..program import Program, check_ids, personalise, warnings
from ..project import Project
from ..targets import Variant, file_name, patient_folder
from .card import render_card_sheets
from .common import Result, checked_language, checked_outputs


@dataclass(frozen=True)
class ProgramRequest:
    ref: str
    layout: str | None = None
    language: str | None = None
    cards: bool = False
    output: Path | None = None


@dataclass(frozen=True)
class ProgramTarget:
    project: Project
    program: Program
    routines: tuple[Routine, ...]
    layout: Layout
    language: str | None
    handout: Path
    cards: Path | None

    @property
    def outputs(self) -> tuple[Path, ...]:
        return (self.handout,) if self.cards is None else (self.handout, self.cards)

    def describe(self) -> str:
        return f"programme {self.program.name}"

    def notes(self) -> list[str]:
        language = self.language or self.routines[0].language
        return warnings(self.program) + self.project.language_notes(self.routines, language)

    def inputs(self) -> tuple[Path, ...]:
        """Every file its bytes depend on, for the build cache."""
        project = self.project
        layouts = [self.layout]
        if self.cards is not None:
            layouts.append(project.card_layout(project.settings.card))
        return product_inputs(project, self.routines, layouts, self.language, [self.program.path])

    def make(self, progress: Callable[[int], None] | None = None) -> Result:
        from ..jobs import handout_job
        from ..render.handout import render_handout_result

        project, program, routines = self.project, self.program, self.routines
        clinic = project.clinic(self.language or routines[0].language)
        notes = tuple(e.note for e in program.entries)  # one per entry, in order
        job = handout_job(
            routines,
            self.layout,
            clinic,
            program.personal,
            project.titles(routines),
            self.language,
            notes=notes,
            tracking=True,
            extra_texts=program.texts(),
        )
        made = render_handout_result(job)
        result = Result({self.handout: made.pdf}, list(made.warnings), made.pages)
        if self.cards is not None:
            card_layout = project.card_layout(project.settings.card)
            result.pdfs[self.cards] = render_card_sheets(
                routines, card_layout, clinic, self.language, copies=1
            )
        return result


def plan(project: Project, request: ProgramRequest) -> ProgramTarget:
    return plan_program(project, project.program(request.ref), request)


def plan_program(
    project: Project,
    program: Program,
    request: ProgramRequest,
    folder: str | None = None,
    load: Callable[[Path], Routine] | None = None,
) -> ProgramTarget:
    """The target of a checked programme. `folder` names its folder under out/patients/
    (default: from the patient's name); `load` reads a routine file (a batch passes a
    cached one)."""
    files = project.routine_files()
    check_ids(program, files)
    read = load or project.load_routine
    routines = tuple(personalise(read(files[str(e.id)]), e) for e in program.entries)
    layout = project.layout_of_kind(request.layout or project.settings.handout_layout, "handout")
    checked_language(request.language, layout)
    variants = [
        Variant.of("", layout.name, project.settings.handout_layout),
        Variant.of("", request.language, routines[0].language),
    ]
    if request.output is not None:
        handout = request.output
        cards = handout.with_name(f"{handout.stem}-cards.pdf")
    else:
        patient = program.personal.patient
        folder = folder or patient_folder(str(patient) if patient else None, program.name)
        home = project.out_dir / "patients" / folder
        handout = home / file_name(program.name, "program", variants)
        cards = home / file_name(program.name, "program-cards", variants)
    target = ProgramTarget(
        project,
        program,
        routines,
        layout,
        request.language,
        handout,
        cards if request.cards else None,
    )
    checked_outputs(target.outputs)
    return target
