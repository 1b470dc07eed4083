"""The routine type and how a composed YAML file becomes one. No file I/O, no ReportLab."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import field
from pathlib import PurePath

from .check import LANG_RE, LONG, Checker, Text
from .errors import Problem
from .records import record
from .schema import (
    CLINIC,
    DOSAGE,
    IMAGE_KEYS,
    ROUTINE,
    SCALAR_KINDS,
    VIDEO_LIMIT,
    read_texts,
    read_value,
)
from .schema import DOSAGE_KEYS as DOSAGE_KEYS  # in the order a handout and a card print them
from .yamlsrc import Node, Source

ImageCheck = Callable[["Image", str], list[Problem]]
"""Checks a picture's file (library.check_image); its problems join the file's others."""


@record
class Image:
    path: PurePath  # as written, relative to the data file
    caption: Text | None
    line: int
    col: int
    alt: Text | None = None  # the picture in words, for the accessible edition; never printed


@record
class Step:
    text: Text
    image: Image | None = None


@record
class Reviewed:
    by: Text | None
    on: Text | None


@record
class Routine:
    id: str
    path: str  # the file, as shown in messages
    title: Text
    steps: tuple[Step, ...]
    category: Text | None = None
    summary: Text | None = None
    equipment: tuple[Text, ...] = ()
    benefits: tuple[Text, ...] = ()
    cautions: tuple[Text, ...] = ()
    test: tuple[Text, ...] = ()
    aftercare: tuple[Text, ...] = ()
    notes: tuple[Text, ...] = ()
    quick_reference: tuple[Text, ...] = ()
    dosage: dict[str, Text] = field(default_factory=dict)
    image: Image | None = None
    video: Text | None = None
    previous: Text | None = None
    next: Text | None = None
    language: str = "en"
    language_given: bool = False  # False: the file has no `language:`; a project may set it
    source: Text | None = None
    author: Text | None = None
    license: Text | None = None
    reviewed: Reviewed | None = None

    def texts(self) -> list[Text]:
        """Every piece of printable text, in the order the default layout prints it."""
        out: list[Text] = [t for t in (self.category, self.title) if t is not None]
        out += self.equipment
        out += [t for t in (self.summary,) if t is not None]
        if self.image is not None and self.image.caption is not None:
            out.append(self.image.caption)
        for group in (self.benefits, self.cautions, self.test):
            out += group
        for step in self.steps:
            out.append(step.text)
            if step.image is not None and step.image.caption is not None:
                out.append(step.image.caption)
        for group in (self.aftercare, self.notes, self.quick_reference):
            out += group
        out += [self.dosage[k] for k in DOSAGE_KEYS if k in self.dosage]
        if self.video is not None:
            out.append(self.video)
        out += [t for t in (self.source, self.author, self.license) if t]
        if self.reviewed is not None:
            out += [t for t in (self.reviewed.by, self.reviewed.on) if t]
        return out


ROUTINE_FIELDS: dict[str, int] = ROUTINE.limits()
"""Every key a routine may have, with the most characters one text in it may hold
(declared in schema.py, as every field of every document is)."""
ROUTINE_KEYS = ROUTINE.keys
LIST_FIELDS = tuple(f.name for f in ROUTINE.fields if f.kind == "texts")
TEXT_FIELDS = tuple(f.name for f in ROUTINE.fields if f.kind == "text" and not f.required)


def image_from_node(
    c: Checker, node: Node, what: str, check: ImageCheck | None = None, *, limit: int = LONG
) -> Image | None:
    """`image: path` or `image: {path, caption, alt}`; `check` looks at the file."""
    if node.kind == "str":
        path = c.text(node, what)
        image = Image(PurePath(path), None, node.line, node.col) if path else None
    else:
        keys = c.mapping(node, IMAGE_KEYS, ("path",), what=what)
        if "path" not in keys:
            return None
        path = c.text(keys["path"], f"{what}.path")
        caption, alt = (
            c.text(keys[k], f"{what}.{k}", limit=limit) if k in keys else None
            for k in ("caption", "alt")
        )
        if path is None:
            return None
        where = keys["path"]
        image = Image(PurePath(path), caption, where.line, where.col, alt)
    if image is not None and check is not None:
        c.problems += check(image, what)
    return image


def dosage_from_node(c: Checker, node: Node, what: str = "dosage") -> dict[str, Text]:
    keys = c.mapping(node, DOSAGE_KEYS, what=what)
    out: dict[str, Text] = {}
    for key in DOSAGE_KEYS:
        if key in keys:
            value = c.text(keys[key], f"{what}.{key}", limit=DOSAGE.text_limit())
            if value is not None:
                out[key] = value
    return out


STEP = ROUTINE.item("steps")


def _step(c: Checker, node: Node, i: int, check: ImageCheck | None = None) -> Step | None:
    what = f"steps[{i + 1}]"
    limit = ROUTINE_FIELDS["steps"]
    if node.kind == "str":
        text = c.text(node, what, limit=limit)
        return Step(text) if text is not None else None
    if node.kind == "map" and len(node.keys) == 1 and not set(STEP.keys) & set(node.keys):
        c.error(
            node,
            f"{what} reads as 'key: value' because of the ': ' in it; put the whole step in quotes",
        )
        return None
    keys = c.mapping(node, STEP.keys, STEP.required_keys, what=what)
    text = c.text(keys["text"], f"{what}.text", limit=limit) if "text" in keys else None
    image = (
        image_from_node(c, keys["image"], f"{what}.image", check, limit=limit)
        if "image" in keys
        else None
    )
    return Step(text, image) if text is not None else None


def routine_from_source(
    src: Source, default_id: str, check_image: ImageCheck | None = None
) -> Routine:
    """Validate a composed routine file. Raises DataError with every problem in it.

    `default_id` is the file name without its extension: that is the routine's id, the one
    booklets and programmes name. An `id:` that says otherwise is an error, not a rename.
    """
    c = Checker(src.path)
    keys = c.mapping(src.root, ROUTINE_KEYS, ROUTINE.required_keys, what=ROUTINE.what)
    values: dict[str, object] = {}
    for f in ROUTINE.fields:  # the plain values, each read as its declaration says
        if f.name in keys and f.kind in SCALAR_KINDS:
            values[f.name] = read_value(c, keys[f.name], f, f.name, f.text_limit())
        elif f.name in keys and f.kind == "texts":
            values[f.name] = tuple(read_texts(c, keys[f.name], f, f.name, f.text_limit()))
    title = values.pop("title", None)
    steps = (
        c.seq(keys["steps"], "steps", lambda n, i: _step(c, n, i, check_image))
        if "steps" in keys
        else []
    )
    if "steps" in keys and keys["steps"].kind == "seq" and not keys["steps"].items:
        c.error(keys["steps"], "'steps' is empty; a routine needs at least one step")
    given = values.pop("id", None)
    if given is not None and str(given) != default_id:
        c.error(
            keys["id"],
            f"'id' says '{given}' but the file name makes the id '{default_id}' (the "
            "library goes by file name); rename the file or change 'id' to match",
        )
    if "language" in values:
        lang = values["language"]
        values["language"] = str(lang) if lang else "en"
        values["language_given"] = lang is not None
    video = values.get("video")
    if isinstance(video, str) and len(video) > VIDEO_LIMIT:
        c.error(
            keys["video"],
            f"'video' is {len(video):,} characters; its QR code would be too dense to scan "
            f"once printed (limit {VIDEO_LIMIT}): use a shorter link",
        )
        values["video"] = None
    if "dosage" in keys:
        values["dosage"] = dosage_from_node(c, keys["dosage"])
    if "image" in keys:
        values["image"] = image_from_node(
            c, keys["image"], "image", check_image, limit=ROUTINE_FIELDS["image"]
        )
    if "reviewed" in keys:
        declared = ROUTINE.field("reviewed")
        rk = c.mapping(keys["reviewed"], declared.keys, what="reviewed")
        by, on = (
            read_value(c, rk[s.name], s, f"reviewed.{s.name}", s.text_limit(declared.limit or LONG))
            if s.name in rk
            else None
            for s in declared.fields
        )
        values["reviewed"] = Reviewed(by, on)
    c.done()
    assert isinstance(title, Text)
    return Routine(
        id=default_id,
        path=src.path,
        title=title,
        steps=tuple(steps),
        **values,  # type: ignore[arg-type]
    )


@record
class Clinic:
    """Who hands the paper out: printed on every product."""

    name: Text | None = None
    phone: Text | None = None
    address: Text | None = None
    website: Text | None = None
    disclaimer: Text | None = None
    safety: Text | None = None  # "Stop and call us if..."
    safety_short: Text | None = None  # the same for a small card's back
    logo: Image | None = None
    path: str = ""
    # `safety:` and `disclaimer:` may be given per language ({en: ..., es: ...}); then the
    # fields above hold the English (or first) one until `in_language` picks.
    translations: dict[str, dict[str, Text]] = field(default_factory=dict)

    def texts(self) -> list[Text]:
        fields = (
            self.name, self.phone, self.address, self.website, self.disclaimer, self.safety,
            self.safety_short,
        )  # fmt: skip
        return [t for t in fields if t is not None]

    def card_safety(self, full: bool) -> Text | None:
        """The safety text a card back prints: the short form on small cards, where given."""
        return self.safety if full or self.safety_short is None else self.safety_short

    def in_language(self, language: str) -> tuple[Clinic, list[str]]:
        """The profile with the safety text and disclaimer of `language`, and a warning for
        each that the profile gives in other languages but not in this one."""
        primary = language.split("-")[0].lower()
        chosen: dict[str, Text] = {}
        warnings = []
        for name, by_language in sorted(self.translations.items()):
            if primary in by_language:
                chosen[name] = by_language[primary]
                continue
            fallback = "en" if "en" in by_language else next(iter(by_language))
            chosen[name] = by_language[fallback]
            given = by_language[fallback]
            warnings.append(
                f"{given.path}:{given.line}:{given.col}: warning: no '{name}' text in "
                f"'{primary}' (given: {', '.join(by_language)}); printing the '{fallback}' one"
            )
        return dataclasses.replace(self, **chosen), warnings  # type: ignore[arg-type]


CLINIC_FIELDS: dict[str, int] = CLINIC.limits()
CLINIC_KEYS = CLINIC.keys


def clinic_from_source(src: Source, check_image: ImageCheck | None = None) -> Clinic:
    c = Checker(src.path)
    keys = c.mapping(src.root, CLINIC_KEYS, what=CLINIC.what)
    values: dict[str, object] = {}
    translations: dict[str, dict[str, Text]] = {}
    for f in CLINIC.fields:
        name = f.name
        if name not in keys or f.kind == "map":
            continue
        node = keys[name]
        if f.kind == "translated" and node.kind == "map":
            by_language = {}
            for tag, value in c.mapping(node, [k for k in node.keys], what=name).items():
                key_node = node.keys[tag][0]
                if not re.fullmatch(LANG_RE, tag):
                    c.error(key_node, f"'{tag}' in '{name}' is not a language tag like en or es")
                    continue
                text = c.text(value, f"{name}.{tag}", limit=CLINIC_FIELDS[name])
                if text is not None:
                    by_language[tag.split("-")[0].lower()] = text
            if by_language:
                translations[name] = by_language
                values[name] = by_language.get("en") or next(iter(by_language.values()))
            continue
        values[name] = c.text(node, name, limit=CLINIC_FIELDS[name])
    if "logo" in keys:
        values["logo"] = image_from_node(
            c, keys["logo"], "logo", check_image, limit=CLINIC_FIELDS["logo"]
        )
    c.done()
    return Clinic(path=src.path, translations=translations, **values)  # type: ignore[arg-type]


@record
class Personal:
    """What makes a handout one patient's: from the command line or a program file."""

    patient: Text | None = None
    clinician: Text | None = None
    date: Text | None = None
    note: Text | None = None

    def texts(self) -> list[Text]:
        return [t for t in (self.patient, self.clinician, self.date, self.note) if t]
