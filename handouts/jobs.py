"""Render jobs from the model: labels, fonts, pictures and the glyph check, once.

A job is plain data (frozen dataclasses that pickle): fonts and pictures by resolved absolute
path, pictures with the sha256 of their bytes, no callables. A worker process can render it
with render_handout / render_cards / render_booklet and get the same bytes.

Every character a job prints is checked here, before anything is rendered: a character no
font of the layout draws is a RenderError naming its file, line and column.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .check import Text
from .content import plain
from .layout import Layout, label_texts, load_labels
from .library import prepare_image
from .model import Clinic, Image, Personal, Routine
from .render.common import Meta, Picture, picture_key
from .render.fonts import FontFiles, check_glyphs, layout_font_files, load_fonts
from .render.handout import HandoutJob
from .render.tracking import Tracking

if TYPE_CHECKING:  # imported where a job is made: a handout needs none of them (nor pypdf)
    from .booklet import Booklet
    from .render.booklet import BookletJob
    from .render.card import CardJob


def prepared(layout: Layout, lang: str, texts: list[Text]) -> tuple[dict[str, str], FontFiles]:
    """The labels and fonts a product prints with, once every character is known to print."""
    labels = load_labels(lang, layout)
    files = layout_font_files(layout)
    check_glyphs(texts + label_texts(lang, layout), load_fonts(files))
    return labels, files


def picture(file: str, image: Image, what: str = "image") -> Picture:
    """A data file's picture by resolved absolute path and the hash of the bytes that
    print, checked as the library checks it (inside the data folder, printable)."""
    prepared = prepare_image(image, Path(file), what)
    return Picture(str(prepared.path), prepared.sha256)


def routine_pictures(routines: Sequence[Routine]) -> dict[str, Picture]:
    """Every picture of these routines, keyed as the renderer asks for them."""
    out: dict[str, Picture] = {}
    for r in routines:
        if r.image is not None:
            out[picture_key(r.path, "image")] = picture(r.path, r.image)
        for n, step in enumerate(r.steps, start=1):
            if step.image is not None:
                where = f"steps[{n}]"
                out[picture_key(r.path, where)] = picture(r.path, step.image, f"{where}.image")
    return out


def clinic_logo(clinic: Clinic) -> Picture | None:
    """The clinic's logo (checked when the profile was loaded), if it has one."""
    return picture(clinic.path, clinic.logo, "logo") if clinic.logo else None


def handout_job(
    routines: Sequence[Routine],
    layout: Layout,
    clinic: Clinic,
    personal: Personal,
    titles: dict[str, str],
    language: str | None = None,
    notes: Sequence[Text | None] = (),
    tracking: bool = False,
    extra_texts: Sequence[Text] = (),
) -> HandoutJob:
    """A handout of one or more routines. For a programme: a note for each routine (in the
    routines' order), a tracking page at the end, and its own texts (`extra_texts`)
    checked too."""
    lang = language or routines[0].language
    texts = [t for r in routines for t in r.texts()] + personal.texts() + clinic.texts()
    labels, fonts = prepared(layout, lang, texts + list(extra_texts))
    meta = Meta(
        title=" \u00b7 ".join(plain(r.title) for r in routines),
        author=str(clinic.name or routines[0].author or ""),
        subject=str(routines[0].category or ""),
        lang=lang,
    )
    weeks = layout.handout.tracking_weeks
    return HandoutJob(
        tuple(routines),
        layout,
        fonts,
        labels,
        clinic,
        personal,
        dict(titles),
        meta,
        logo=clinic_logo(clinic),
        routine_notes=tuple(notes),
        pictures=routine_pictures(routines),
        tracking=Tracking(
            tuple(r.title for r in routines), weeks, str(personal.date) if personal.date else None
        )
        if tracking
        else None,
    )


def card_job(
    routines: Sequence[Routine],
    layout: Layout,
    clinic: Clinic,
    *,
    from_steps: bool = False,
    language: str | None = None,
) -> CardJob:
    """The print-shop card file: one card side per page at trim + bleed."""
    from .render.card import CardJob

    lang = language or routines[0].language
    texts = [t for r in routines for t in r.texts()] + clinic.texts()
    labels, fonts = prepared(layout, lang, texts)
    meta = Meta(
        title=" \u00b7 ".join(plain(r.title) for r in routines) + " (pocket card)",
        author=str(clinic.name or routines[0].author or ""),
        subject=str(routines[0].category or ""),
        lang=lang,
    )
    return CardJob(
        tuple(routines), layout, fonts, labels, clinic, meta, from_steps, clinic_logo(clinic)
    )


def booklet_job(
    booklet: Booklet,
    routines: Sequence[Routine],
    layout: Layout,
    clinic: Clinic,
    titles: dict[str, str],
    language: str | None = None,
) -> BookletJob:
    """A booklet; `clinic` is the profile, the manifest's own `clinic:` values win."""
    from .render.booklet import BookletJob

    overrides: dict[str, Any] = dict(booklet.clinic)
    clinic = dataclasses.replace(clinic, **overrides)
    lang = language or (routines[0].language if routines else "en")
    texts = [t for r in routines for t in r.texts()] + booklet.texts() + clinic.texts()
    labels, fonts = prepared(layout, lang, texts)
    meta = Meta(plain(booklet.title), str(clinic.name or ""), str(booklet.subtitle or ""), lang)
    handout = HandoutJob(
        tuple(routines),
        layout,
        fonts,
        labels,
        clinic,
        Personal(),
        dict(titles),
        meta,
        logo=clinic_logo(clinic),
        pictures=routine_pictures(routines),
    )
    cover = (
        picture(booklet.path, booklet.cover_image, "cover_image")
        if booklet.cover_image is not None
        else None
    )
    return BookletJob(booklet, tuple(routines), handout, cover)
