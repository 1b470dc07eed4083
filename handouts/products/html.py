"""The accessible edition: a handout or a programme as one self-contained HTML file (and,
with the `tagged` extra, a tagged PDF made from it).

Planned like the print handout (products/handout.py) with the same routines, layout,
language and patient details, so the HTML says what the PDF says; written beside it under
the name targets.html_name gives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..cache import product_inputs
from ..check import Text
from ..content import handout_content, plain
from ..errors import HandoutsError, Problem
from ..html import Embedded, render_html
from ..images import image_bytes
from ..layout import Layout, labels_language, load_labels
from ..library import prepare_image
from ..model import Clinic, Image, Personal, Routine
from ..program import Program
from ..project import Project
from ..targets import html_name, tagged_name
from .common import Result, checked_outputs
from .handout import HandoutRequest, placed
from .program import ProgramRequest, plan_program


@dataclass(frozen=True)
class HtmlRequest:
    """`handouts html`: the handout asked for (its routines, layout, language, patient
    and output), as the accessible edition, and whether a tagged PDF comes with it."""

    handout: HandoutRequest
    pdf: bool = False  # also a tagged PDF made from the HTML (the `tagged` extra)


def embedded(file: str, image: Image, what: str) -> Embedded:
    """A data file's picture, checked as the print edition checks it, ready to embed."""
    prepared = prepare_image(image, Path(file), what)
    return Embedded(image_bytes(prepared.path), prepared.width, prepared.height)


def html_pictures(routines: Sequence[Routine]) -> dict[str, Embedded]:
    """Every picture of these routines, keyed as content.Picture.key names them."""
    out: dict[str, Embedded] = {}
    for r in routines:
        if r.image is not None:
            out[f"{r.path}#image"] = embedded(r.path, r.image, "image")
        for n, step in enumerate(r.steps, start=1):
            if step.image is not None:
                where = f"steps[{n}]"
                out[f"{r.path}#{where}"] = embedded(r.path, step.image, f"{where}.image")
    return out


def clinic_logo(clinic: Clinic) -> Embedded | None:
    return embedded(clinic.path, clinic.logo, "logo") if clinic.logo is not None else None


def _unwritable(ch: str) -> str | None:
    """Why `ch` cannot be written in an HTML file, or None."""
    if "\ud800" <= ch <= "\udfff":
        return f"U+{ord(ch):04X} is half of a surrogate pair, not a character"
    if (ord(ch) < 0x20 and ch not in "\t\n\r") or 0x7F <= ord(ch) <= 0x9F:
        return f"U+{ord(ch):04X} is a control character"
    return None


def check_writable(texts: Sequence[Text]) -> None:
    """Every character can be written as UTF-8 HTML; else one problem per text, at the
    character, as the print edition's glyph check reports."""
    problems = []
    for text in texts:
        for i, ch in enumerate(text):
            why = _unwritable(ch)
            if why is not None:
                line, col = text.position_of(i) if isinstance(text, Text) else (1, 1)
                where = text.path if isinstance(text, Text) and text.path else "<text>"
                problems.append(
                    Problem(where, line, col, f"{why}; the accessible edition cannot hold it")
                )
                break
    if problems:
        raise HandoutsError(problems)


def render_edition(
    routines: Sequence[Routine],
    layout: Layout,
    clinic: Clinic,
    personal: Personal,
    titles: dict[str, str],
    language: str,
    notes: Sequence[Text | None] = (),
) -> tuple[bytes, list[str]]:
    """The accessible edition's bytes and its warnings. Pure: writes nothing."""
    texts = [t for r in routines for t in r.texts()] + personal.texts() + clinic.texts()
    check_writable(texts + [n for n in notes if n])
    doc = handout_content(
        routines,
        labels=load_labels(language, layout),
        clinic=clinic,
        personal=personal,
        titles=titles,
        sections=layout.handout.sections,
        lang=labels_language(language, layout),  # the routines' passages carry their own
        title=" \u00b7 ".join(plain(r.title) for r in routines),
        routine_notes=notes,
    )
    return render_html(doc, layout, html_pictures(routines), clinic_logo(clinic))


def tagged_pdf(html: bytes, base: Path) -> bytes:
    """A tagged PDF (PDF/UA-1) of the accessible edition, by WeasyPrint.

    Importing WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES, which would let
    a cut-off picture through handouts' own picture check afterwards: it is put back."""
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        try:
            import weasyprint  # type: ignore[import-not-found,unused-ignore]
        except (ImportError, OSError):
            raise HandoutsError(
                [
                    Problem(
                        "<--pdf>",
                        1,
                        1,
                        "the tagged PDF needs WeasyPrint and Pango: pip install "
                        "'handouts[tagged]' (and apt-get install libpango-1.0-0)",
                    )
                ]
            ) from None
        ImageFile.LOAD_TRUNCATED_IMAGES = before
        doc = weasyprint.HTML(string=html.decode("utf-8"), base_url=str(base))
        data: bytes = doc.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)
        return data
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before


@dataclass(frozen=True)
class HtmlTarget:
    project: Project
    routines: tuple[Routine, ...]
    layout: Layout
    language: str
    personal: Personal
    path: Path
    routine_notes: tuple[Text | None, ...] = ()  # a programme's note for each routine
    tagged: Path | None = None
    what: str = ""
    extra: tuple[str, ...] = ()  # files besides the routines it reads (a programme's)

    @property
    def outputs(self) -> tuple[Path, ...]:
        return (self.path,) if self.tagged is None else (self.path, self.tagged)

    def describe(self) -> str:
        return self.what

    def notes(self) -> list[str]:
        return self.project.language_notes(self.routines, self.language)

    def inputs(self) -> tuple[Path, ...]:
        """Every file its bytes depend on, for the build cache."""
        return product_inputs(self.project, self.routines, [self.layout], self.language,
                              self.extra)  # fmt: skip

    def make(self, progress: Callable[[int], None] | None = None) -> Result:
        project = self.project
        data, warnings = render_edition(
            self.routines,
            self.layout,
            project.clinic(self.language),
            self.personal,
            project.titles(self.routines),
            self.language,
            self.routine_notes,
        )
        result = Result({self.path: data}, warnings)
        if self.tagged is not None:
            result.pdfs[self.tagged] = tagged_pdf(data, self.path.parent)
        return result


def plan(project: Project, request: HtmlRequest) -> HtmlTarget:
    """`handouts html`: the same routines, layout, language and patient as `handouts handout`
    would print, as the accessible edition beside that PDF."""
    asked = request.handout
    where = placed(project, asked)
    routines, layout, language = where.routines, where.layout, where.language
    path = where.path if asked.output else where.path.with_name(html_name(where.path.name))
    tagged = path.with_name(tagged_name(path.name.removesuffix(".html"))) if request.pdf else None
    checked_outputs([tagged] if tagged else [], html=[path])
    ids = "+".join(r.id for r in routines)
    return HtmlTarget(project, routines, layout, language, asked.personal, path, (), tagged,
                      f"accessible edition {ids}")  # fmt: skip


def plan_program_html(
    project: Project, program: Program, request: ProgramRequest, folder: str | None = None
) -> HtmlTarget:
    """A programme's accessible edition, beside its PDF (`<name>.program.html`)."""
    printed = plan_program(project, program, ProgramRequest(program.name, request.layout,
                                                           request.language), folder)  # fmt: skip
    if request.output is not None:
        path = request.output.with_suffix(".html")
    else:
        path = printed.handout.with_name(html_name(printed.handout.name))
    checked_outputs([], html=[path])
    language = request.language or printed.routines[0].language
    return HtmlTarget(
        project,
        printed.routines,
        printed.layout,
        language,
        program.personal,
        path,
        tuple(e.note for e in program.entries),
        None,
        f"accessible edition of programme {program.name}",
        (program.path,),
    )


def plan_program_ref(project: Project, request: ProgramRequest) -> HtmlTarget:
    return plan_program_html(project, project.program(request.ref), request)
