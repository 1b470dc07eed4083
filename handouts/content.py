"""What a handout says, in order: the one content model the print and the HTML editions share.

`routine_content` decides, for one routine of a handout, which sections there are (the
layout's `handout.sections`, in its order), what heading each has (the layout's label pack)
and what text it holds (the routine, the clinic profile, the patient's details, the
neighbours' titles). The PDF (render/handout.py) and the accessible HTML (html.py) each
draw this structure and neither decides content of its own, so both say the same words in
the same order.

Pure data: no ReportLab, no file I/O. Texts stay `Text` (they know their file, line and
column) and carry the author's `*emphasis*` and `**strong**` markup; labels are plain.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import TypeAlias

from .check import Text
from .model import DOSAGE_KEYS, Clinic, Image, Personal, Routine
from .records import record

STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.S)
EMPH = re.compile(r"(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])", re.S)
"""The author's two markup forms: the same rule as render/text.py's `markup`."""

RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv", "ckb"})
"""Primary language subtags written right to left."""


def primary(lang: str) -> str:
    return lang.split("-")[0].lower()


def is_rtl(lang: str) -> bool:
    return primary(lang) in RTL_LANGUAGES


@record
class Picture:
    """A picture of a data file: `file` and `where` name it as a render job does
    (render.common.picture_key); `alt` is what a screen reader says instead of it."""

    file: str
    where: str  # "image" or "steps[2]"
    caption: Text | None
    alt: str  # "" for a picture that adds nothing to the words beside it

    @property
    def key(self) -> str:
        """The job's name for it: the same as render.common.picture_key."""
        return f"{self.file}#{self.where}"


@record
class Inline:
    """`Label: a, b, c` on one line (equipment)."""

    name: str
    label: str
    items: tuple[Text, ...]


@record
class Paragraphs:
    """Paragraphs under an optional heading (summary, test, notes)."""

    name: str
    heading: str | None
    items: tuple[Text, ...]


@record
class Bullets:
    """A list under a heading: bulleted, or numbered (quick reference)."""

    name: str
    heading: str
    items: tuple[Text, ...]
    numbered: bool = False


@record
class Cautions:
    """What to know before starting: a marked note, heading and items."""

    name: str
    heading: str
    items: tuple[Text, ...]


@record
class Figure:
    """The routine's own picture."""

    name: str
    picture: Picture


@record
class StepItem:
    number: int
    text: Text
    picture: Picture | None = None


@record
class Steps:
    name: str
    heading: str
    steps: tuple[StepItem, ...]


@record
class Dosage:
    """How much: (label, value) rows in DOSAGE_KEYS order."""

    name: str
    heading: str
    rows: tuple[tuple[str, Text], ...]


@record
class Video:
    """The video link. Print shows it as a QR code with `hint`; HTML as the link itself."""

    name: str
    heading: str
    hint: str
    url: Text


@record
class Safety:
    """The clinic's 'stop and call us' text and its disclaimer, each with its language (a
    profile without the handout's language prints another one's)."""

    name: str
    text: Text | None
    text_lang: str
    disclaimer: Text | None
    disclaimer_lang: str


@record
class Reviewed:
    label: str  # "Reviewed by"
    by: Text | None
    on_label: str  # "on"
    on: Text | None


@record
class Attribution:
    name: str
    items: tuple[tuple[str, Text], ...]  # (label, value): source, author, licence
    reviewed: Reviewed | None


@record
class Link:
    key: str  # "previous" or "next"
    label: str
    ref: str  # the routine id it names
    title: str  # that routine's title (or its id made readable)


@record
class Navigation:
    name: str
    links: tuple[Link, ...]


Part: TypeAlias = (
    Inline | Paragraphs | Bullets | Cautions | Figure | Steps | Dosage | Video | Safety
    | Attribution | Navigation
)  # fmt: skip


@record
class PersonalPart:
    """Whose handout this is: (label, value) fields and the clinician's notes."""

    fields: tuple[tuple[str, Text], ...]
    note_heading: str
    notes: tuple[Text, ...]


@record
class RoutineContent:
    """One routine of a handout, as it reads from top to bottom."""

    id: str
    lang: str  # the language of the routine's own words
    category: Text | None
    title: Text
    personal: PersonalPart
    # every section the layout names, in its order; None where the routine has nothing for it
    sections: tuple[tuple[str, Part | None], ...]

    def parts(self) -> list[Part]:
        return [part for _, part in self.sections if part is not None]


def image_alt(image: Image) -> str:
    """A picture's alternative text: its `alt`, else its caption, else "" (decorative)."""
    alt = getattr(image, "alt", None)
    if alt:
        return str(alt)
    return str(image.caption) if image.caption else ""


def _picture(file: str, where: str, image: Image) -> Picture:
    return Picture(file, where, image.caption, image_alt(image))


def text_language(clinic: Clinic, name: str, fallback: str) -> str:
    """The language of the clinic text `name` as `Clinic.in_language` chose it."""
    chosen = getattr(clinic, name)
    for tag, text in clinic.translations.get(name, {}).items():
        if text is chosen:
            return tag
    return fallback


def _section(
    name: str,
    r: Routine,
    labels: Mapping[str, str],
    clinic: Clinic,
    titles: Mapping[str, str],
    lang: str,
) -> Part | None:
    if name == "equipment":
        return Inline(name, labels["equipment"], r.equipment) if r.equipment else None
    if name == "summary":
        return Paragraphs(name, None, (r.summary,)) if r.summary else None
    if name == "picture":
        return Figure(name, _picture(r.path, "image", r.image)) if r.image is not None else None
    if name in ("benefits", "aftercare", "quick_reference"):
        items: tuple[Text, ...] = getattr(r, name)
        numbered = name == "quick_reference"
        return Bullets(name, labels[name], items, numbered) if items else None
    if name == "cautions":
        return Cautions(name, labels["cautions"], r.cautions) if r.cautions else None
    if name in ("test", "notes"):
        texts: tuple[Text, ...] = getattr(r, name)
        return Paragraphs(name, labels[name], texts) if texts else None
    if name == "steps":
        steps = tuple(
            StepItem(
                n,
                step.text,
                _picture(r.path, f"steps[{n}]", step.image) if step.image is not None else None,
            )
            for n, step in enumerate(r.steps, start=1)
        )
        return Steps(name, labels["steps"], steps) if steps else None
    if name == "dosage":
        rows = tuple((labels[k], r.dosage[k]) for k in DOSAGE_KEYS if k in r.dosage)
        return Dosage(name, labels["dosage"], rows) if rows else None
    if name == "video":
        if r.video is None:
            return None
        return Video(name, labels["video"], labels["video_hint"], r.video)
    if name == "safety":
        if clinic.safety is None and clinic.disclaimer is None:
            return None
        return Safety(
            name,
            clinic.safety,
            text_language(clinic, "safety", lang),
            clinic.disclaimer,
            text_language(clinic, "disclaimer", lang),
        )
    if name == "attribution":
        bits = tuple(
            (labels[key], value)
            for key, value in (("source", r.source), ("author", r.author), ("license", r.license))
            if value
        )
        reviewed = None
        if r.reviewed is not None and (r.reviewed.by or r.reviewed.on):
            reviewed = Reviewed(labels["reviewed"], r.reviewed.by, labels["reviewed_on"],
                                r.reviewed.on)  # fmt: skip
        return Attribution(name, bits, reviewed) if bits or reviewed else None
    if name == "navigation":
        links = []
        for key in ("previous", "next"):
            ref = getattr(r, key)
            if ref is not None:
                title = titles.get(str(ref)) or str(ref).replace("-", " ").title()
                links.append(Link(key, labels[key], str(ref), title))
        return Navigation(name, tuple(links)) if links else None
    raise ValueError(f"unknown handout section {name!r}")


def routine_content(
    routine: Routine,
    *,
    labels: Mapping[str, str],
    clinic: Clinic,
    personal: Personal,
    titles: Mapping[str, str],
    sections: Sequence[str],
    notes: Sequence[Text | None] = (),
    lang: str | None = None,
) -> RoutineContent:
    """One routine as a handout says it. `notes` are the clinician's notes for this routine
    (the patient's note, then the programme entry's); `lang` is the handout's language
    (its labels'), the routine's own by default."""
    fields = tuple(
        (labels[key], value)
        for key, value in (
            ("patient", personal.patient),
            ("clinician", personal.clinician),
            ("date", personal.date),
        )
        if value
    )
    here = lang or routine.language
    return RoutineContent(
        id=routine.id,
        lang=routine.language,
        category=routine.category,
        title=routine.title,
        personal=PersonalPart(fields, labels["note"], tuple(n for n in notes if n)),
        sections=tuple(
            (name, _section(name, routine, labels, clinic, titles, here)) for name in sections
        ),
    )


def notes_for(
    personal: Personal, routine_notes: Sequence[Text | None], index: int
) -> list[Text | None]:
    """The notes the `index`-th routine of a handout prints: the patient's note on the first
    routine only, then that routine's own (a programme entry's)."""
    return [
        personal.note if index == 0 else None,
        routine_notes[index] if index < len(routine_notes) else None,
    ]


@record
class ClinicPart:
    """Who hands it out: name, contact lines, logo."""

    name: Text | None
    phone: Text | None
    address: Text | None
    website: Text | None
    has_logo: bool


@record
class HandoutContent:
    """A whole handout or programme: its language, title and routines in order."""

    lang: str
    title: str
    clinic: ClinicPart
    routines: tuple[RoutineContent, ...]


def handout_content(
    routines: Sequence[Routine],
    *,
    labels: Mapping[str, str],
    clinic: Clinic,
    personal: Personal,
    titles: Mapping[str, str],
    sections: Sequence[str],
    lang: str,
    title: str,
    routine_notes: Sequence[Text | None] = (),
) -> HandoutContent:
    """Every routine of a handout (or a programme, with a note per routine)."""
    return HandoutContent(
        lang=lang,
        title=title,
        clinic=ClinicPart(
            clinic.name, clinic.phone, clinic.address, clinic.website, clinic.logo is not None
        ),
        routines=tuple(
            routine_content(
                r,
                labels=labels,
                clinic=clinic,
                personal=personal,
                titles=titles,
                sections=sections,
                notes=notes_for(personal, routine_notes, i),
                lang=lang,
            )
            for i, r in enumerate(routines)
        ),
    )


def plain(text: str) -> str:
    """The words without the author's markup asterisks (as they print; for metadata and
    checks)."""
    return EMPH.sub(r"\1", STRONG.sub(r"\1", text))


def spans(pattern: re.Pattern[str], text: str, inner: Callable[[str], str], tag: str) -> str:
    """`text` with each match of the markup `pattern` wrapped in `<tag>`, every piece inside
    and between passed through `inner` (which escapes it): the PDF's paragraph markup and
    the HTML both write the author's `*x*` and `**x**` this way."""
    out, pos = [], 0
    for m in pattern.finditer(text):
        out += [inner(text[pos : m.start()]), f"<{tag}>{inner(m.group(1))}</{tag}>"]
        pos = m.end()
    out.append(inner(text[pos:]))
    return "".join(out)
