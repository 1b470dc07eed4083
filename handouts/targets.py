"""Output names: the one place that decides where each product is written.

Every product a command or `build` makes is a target: its inputs, its options and its
output paths. The name carries everything that makes one target's bytes differ from
another's, so the same command with the same options always writes the same file and two
different products or variants never write the same file:

    out/<ids>.pdf                          handout (ids joined by '+')
    out/<ids>.<variant>...pdf              handout in another layout or language
    out/<ids>.card[.<variant>...].pdf      pocket cards on an office sheet
    out/<ids>.card-shop[...].pdf           pocket cards for a print shop (trim + bleed)
    out/<name>.booklet[...].pdf            booklet in reading order
    out/<name>.booklet-print[...].pdf      the same, imposed to fold and staple
    out/patients/<patient>/<ids>[...].pdf  a handout with a patient's name or a note
    out/patients/<name>/<name>.program.pdf          a programme
    out/patients/<name>/<name>.program-cards.pdf    its pocket cards
    out/<ids>[...].html, out/patients/<name>/<name>.program.html
                                           the accessible edition (HTML) beside each
    out/<ids>[...].tagged.pdf              a tagged PDF made from that HTML (optional)

Routine ids are lower-case letters, digits and '-', so a '.' in a name always starts a
product word or a variant and never belongs to an id.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .records import record

if TYPE_CHECKING:
    from .products.common import Result

PRODUCT_WORDS = frozenset(
    {"card", "card-shop", "booklet", "booklet-print", "program", "program-cards", "tagged"}
)
MAX_STEM = 120


class Target(Protocol):
    """One product to make: where it goes, and how to make its bytes."""

    @property
    def outputs(self) -> tuple[Path, ...]: ...

    def describe(self) -> str: ...

    def notes(self) -> list[str]: ...

    def inputs(self) -> tuple[Path, ...]: ...

    def make(self, progress: Callable[[int], None] | None = None) -> Result: ...


@record
class Variant:
    """One option that differs from the default, as it shows in a file name."""

    word: str

    @staticmethod
    def of(key: str, value: object, default: object) -> Variant | None:
        if value == default or value is None:
            return None
        if isinstance(value, bool):
            return Variant(key if value else f"no-{key}")
        if isinstance(value, float):
            return Variant(f"{key}-{value:g}pt")
        if isinstance(value, int):
            return Variant(f"{key}-{value}")
        word = slug(str(value)) or "x" + _digest(str(value))
        if key:
            return Variant(f"{key}-{word}")
        # a layout called like a product word must not read as that product
        return Variant(f"v-{word}" if word in PRODUCT_WORDS else word)


def slug(text: str) -> str:
    """Lower-case ASCII letters, digits and '-': safe in a file name on every system."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def joined(ids: Sequence[str]) -> str:
    """Several routine ids as one name: 'a+b+c', or shortened with a digest when long."""
    name = "+".join(ids)
    if len(name) <= MAX_STEM:
        return name
    return f"{ids[0]}+{len(ids) - 1}-more-{_digest(name)}"


def patient_folder(patient: str | None, fallback: str) -> str:
    """The per-patient folder name: the name as a slug, or a digest when it has no ASCII."""
    if patient is None:
        return fallback
    return slug(patient) or "patient-" + _digest(patient)


def file_name(
    stem: str, product: str | None, variants: Iterable[Variant | None], ext: str = "pdf"
) -> str:
    parts = [stem]
    if product:
        parts.append(product)
    parts += [v.word for v in variants if v is not None]
    return ".".join(parts) + "." + ext


def html_name(pdf_name: str) -> str:
    """The accessible edition beside a print file: `<same name>.html` (out/ID.html,
    out/patients/P/NAME.program.html): the same variants, another extension."""
    return pdf_name.removesuffix(".pdf") + ".html"


def tagged_name(pdf_name: str) -> str:
    """The tagged PDF made from the accessible edition: `<same name>.tagged.pdf`."""
    return pdf_name.removesuffix(".pdf") + ".tagged.pdf"


def duplicates(targets: Iterable[Target]) -> dict[Path, list[str]]:
    """Output paths that more than one target would write (always empty for a sound plan)."""
    seen: dict[Path, list[str]] = {}
    for target in targets:
        for path in target.outputs:
            seen.setdefault(path, []).append(target.describe())
    return {p: who for p, who in seen.items() if len(who) > 1}
