"""Every document format declared once: routines, booklets, programmes, the clinic profile.

Each field is declared here with its type (`kind`), whether it is required, a one-line doc
and an example, as layout settings are declared in layout.py. From this one declaration:

- the readers (model.py, booklet.py, program.py) take the keys each mapping allows and
  requires, the kind of each value and its length limit (their messages are check.py's);
- `handouts schema` prints JSON Schema (draft 2020-12) for editors, layouts included;
- `handouts schema --markdown` prints the field tables of docs/format.md;
- `handouts new` writes its routine template.

Kinds of value:

- `text`: one text. Every YAML scalar is text to the readers (`10`, `no` and `1:30` stay
  what is written), so the JSON Schema admits numbers and true/false there too. A bare
  `null` or `~` is the only difference: the readers print it as a word, the schema refuses
  it, since an editor cannot tell it from an empty value, which the readers refuse.
- `texts`: a text, or a list of texts.
- `id`, `language`, `url`, `date`: a text of that form (PATTERNS), with the field's `hint`
  as the message when it is not.
- `ref`: the id of another file (a routine a booklet or programme names); whether it names
  one is checked against the library, not here.
- `map`: a mapping of `fields`; with `short`, a plain text stands for `{short: text}`.
- `list`: a list of `item`.
- `translated`: a text, or one text per language (`{en: ..., es: ...}`).

No file I/O and no ReportLab here; the layout schema reads layout.py's declaration.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any, cast

from .check import DATE_RE, ID_RE, LANG_RE, LONG, SHORT, URL_RE, Checker, Text
from .records import record
from .yamlsrc import Node

PATTERNS = {"id": ID_RE, "language": LANG_RE, "url": URL_RE, "date": DATE_RE}
SCALAR_KINDS = ("text", "id", "language", "url", "date", "ref")
DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_DIR = ".handouts/schema"
"""Where `init` and `new` write the JSON Schema files in a project, for editors."""

VIDEO_LIMIT = 300
"""Characters of a video address: its QR code on a card (about 0.8 in) stays scannable."""


@record
class Field:
    """One key of a document: what it holds, and what it is for."""

    name: str
    kind: str
    doc: str
    example: Any = None
    required: bool = False
    limit: int | None = None
    """Most characters of one text in it (None: the enclosing field's, else LONG)."""
    fields: tuple[Field, ...] = ()
    """A `map`'s keys."""
    item: Field | None = None
    """A `list`'s items."""
    short: str | None = None
    """A `map` that may be written as plain text: the key that text stands for."""
    max_items: int = 500
    min_items: int = 0
    hint: str = ""
    """For `id`, `language` and `url`: the message when the text is not of that form."""

    def __post_init__(self) -> None:
        assert self.kind in (*SCALAR_KINDS, "texts", "map", "list", "translated"), self.kind
        assert (self.kind == "map") == bool(self.fields), self.name
        assert (self.kind == "list") == (self.item is not None), self.name

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def required_keys(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    def sub(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def text_limit(self, inherited: int = LONG) -> int:
        return self.limit if self.limit is not None else inherited


@record
class Format:
    """One kind of document file."""

    kind: str  # routine, booklet, program, clinic
    title: str
    files: str  # where such files live
    doc: str
    root: Field  # a `map`: the file's top-level keys
    one_of: tuple[str, ...] = ()
    """Exactly one of these keys is given (a booklet's `routines` or `sections`)."""
    what: str = ""  # how messages name the file: "the routine"

    @property
    def fields(self) -> tuple[Field, ...]:
        return self.root.fields

    @property
    def keys(self) -> tuple[str, ...]:
        return self.root.keys

    @property
    def required_keys(self) -> tuple[str, ...]:
        return self.root.required_keys

    def field(self, name: str) -> Field:
        return self.root.sub(name)

    def item(self, name: str) -> Field:
        """What each item of the list field `name` holds."""
        item = self.field(name).item
        assert item is not None, name
        return item

    def limits(self) -> dict[str, int]:
        """Every top-level key, with the most characters one text in it may hold."""
        return {f.name: f.text_limit() for f in self.fields}


# -- pictures ------------------------------------------------------------------------------
def image_field(
    name: str,
    doc: str,
    example: Any = None,
    limit: int = LONG,
    caption: str = "printed under the picture",
) -> Field:
    """A picture: `path` alone, or `{path, caption, alt}`."""
    return Field(
        name,
        "map",
        doc,
        example,
        limit=limit,
        short="path",
        fields=(
            Field(
                "path",
                "text",
                "the picture file (PNG or JPEG), relative to this file, inside the data folder",
                "images/roller.png",
                required=True,
                limit=LONG,
            ),
            Field("caption", "text", caption, "The roller under your hips"),
            Field(
                "alt",
                "text",
                "what the picture shows, in words, for a patient who cannot see it (read "
                "aloud by screen readers in the accessible edition; never printed)",
                "A person lying on their back, a foam roller under their hips",
            ),
        ),
    )


IMAGE_KEYS = ("path", "caption", "alt")

DOSAGE = Field(
    "dosage",
    "map",
    "how much and how often: free text, printed as written",
    {"sets": "2", "reps": "10", "hold": "30 seconds"},
    limit=SHORT,
    fields=(
        Field("sets", "text", "how many sets", "2"),
        Field("reps", "text", "repetitions in a set", "10"),
        Field("hold", "text", "how long to hold", "30 seconds"),
        Field("frequency", "text", "how often", "Twice a day"),
        Field("side", "text", "which side", "Both sides"),
    ),
)
DOSAGE_KEYS = DOSAGE.keys
"""Dosage fields, in the order a handout and a card print them."""

_LIST_ITEMS = "; a single text is a list of one"

ROUTINE = Format(
    "routine",
    "Routine",
    "data/routines/ID.yaml",
    "One exercise routine; its file name without .yaml is its id.",
    what="the routine",
    root=Field(
        "routine",
        "map",
        "a routine",
        fields=(
            Field(
                "id",
                "id",
                "optional; if given, the file name without .yaml / .yml (the file name is "
                "the id booklets and programmes use)",
                "sacral-traction",
                limit=SHORT,
                hint="must be lower-case letters, digits and '-'",
            ),
            Field("title", "text", "the routine's name", "Sacral Traction", True, SHORT),
            Field(
                "category",
                "text",
                "a short group name printed above the title",
                "Joint relief",
                limit=SHORT,
            ),
            Field(
                "summary",
                "text",
                "one or two sentences: what and why",
                "Traction for your lower back, with a foam roller.",
            ),
            Field(
                "equipment",
                "texts",
                "things the patient needs" + _LIST_ITEMS,
                ["Foam roller"],
                limit=SHORT,
            ),
            Field(
                "benefits",
                "texts",
                "what it helps with" + _LIST_ITEMS,
                ["Can release SI joint pain"],
            ),
            Field(
                "cautions",
                "texts",
                "who should not do it and when to stop, printed in a box a patient cannot "
                "miss; the first one goes on the pocket card" + _LIST_ITEMS,
                ["If this hurts, stop."],
            ),
            Field(
                "test",
                "texts",
                "how to check whether you need it, and how to retest" + _LIST_ITEMS,
                ["Stand up and feel for pulling in your lower back."],
            ),
            Field(
                "steps",
                "list",
                "the steps, numbered for you; each is a text, or a `text` with an `image`",
                ["Lie on your back, knees up.", "Lift your hips."],
                required=True,
                min_items=1,
                item=Field(
                    "step",
                    "map",
                    "one step",
                    short="text",
                    fields=(
                        Field("text", "text", "what to do", "Lift your hips.", required=True),
                        image_field("image", "a picture beside the step"),
                    ),
                ),
            ),
            Field(
                "aftercare",
                "texts",
                "what to do afterwards" + _LIST_ITEMS,
                ["Afterward, slowly stand up."],
            ),
            Field(
                "notes",
                "texts",
                "anything else worth knowing" + _LIST_ITEMS,
                ["Side note: breathe out as you lower."],
            ),
            Field(
                "quick_reference",
                "texts",
                "short numbered steps for the pocket card (needed for cards)" + _LIST_ITEMS,
                ["Roller under your hips.", "Hold 1-2 minutes."],
            ),
            DOSAGE,
            image_field(
                "image",
                "a picture for the whole routine, printed under the summary",
                {"path": "images/roller.png", "alt": "A foam roller under the hips"},
            ),
            Field(
                "video",
                "url",
                f"an http:// or https:// address (at most {VIDEO_LIMIT} characters), printed "
                "as a QR code with the address under it",
                "https://example.org/videos/sacral-traction",
                hint="must be an http:// or https:// address",
            ),
            Field(
                "previous",
                "id",
                'the id of the routine before this one ("Previous" line)',
                "lady-stretch",
                limit=SHORT,
                hint="must be a routine id (its file name without .yaml)",
            ),
            Field(
                "next",
                "id",
                'the id of the routine after this one ("Next" line)',
                "serratus-anterior",
                limit=SHORT,
                hint="must be a routine id (its file name without .yaml)",
            ),
            Field(
                "language",
                "language",
                "BCP 47 tag of the text, picks the printed labels (default: en)",
                "en",
                limit=SHORT,
                hint="must be a BCP 47 tag like en",
            ),
            Field(
                "source",
                "text",
                "where the text comes from (printed small at the end)",
                "https://wger.de/en/exercise/1/",
            ),
            Field("author", "text", "who wrote it", "A. Clinician", limit=SHORT),
            Field("license", "text", "the licence of the text", "CC-BY-SA 4.0", limit=SHORT),
            Field(
                "reviewed",
                "map",
                "who checked it clinically, and when",
                {"by": "A. Clinician, PT", "on": "2026-11-01"},
                limit=SHORT,
                fields=(
                    Field("by", "text", "the reviewer", "A. Clinician, PT"),
                    Field("on", "date", "the day, YYYY-MM-DD", "2026-11-01"),
                ),
            ),
        ),
    ),
)

CLINIC_TEXT = (
    Field(
        "name",
        "text",
        "printed at the top of every handout and on card backs",
        "Riverside Physio",
        limit=SHORT,
    ),
    Field("phone", "text", "the number a patient calls", "(555) 010-4477", limit=SHORT),
    Field("address", "text", "printed under the name", "1 Example Street", limit=SHORT),
    Field("website", "text", "printed on handouts and covers", "https://example.org", limit=SHORT),
)
TRANSLATED = ("safety", "safety_short", "disclaimer")
"""Clinic texts that may be given once per language."""

CLINIC = Format(
    "clinic",
    "Clinic profile",
    "data/clinic.yaml",
    "Who hands the paper out: printed on every handout, card and booklet.",
    what="the clinic profile",
    root=Field(
        "clinic",
        "map",
        "the clinic profile",
        fields=(
            *CLINIC_TEXT,
            Field(
                "disclaimer",
                "translated",
                "a short disclaimer at the foot of each handout; text, or one per language",
                "This sheet supports your clinician's advice.",
            ),
            Field(
                "safety",
                "translated",
                '"Stop and call us if...": printed on every handout and card back; text, or '
                "one per language ({en: ..., es: ...})",
                {"en": "Stop and call us if it hurts.", "es": "Pare y llámenos si le duele."},
            ),
            Field(
                "safety_short",
                "translated",
                "the same, short enough for a wallet card's back",
                "Sharp pain? Stop and call us.",
                limit=SHORT,
            ),
            image_field(
                "logo",
                "the clinic's logo, in the header and on card backs",
                "logo.png",
                limit=SHORT,
                caption="not printed with a logo",
            ),
        ),
    ),
)
CLINIC_KEYS = CLINIC.keys

_ROUTINE_IDS = Field(
    "routines",
    "list",
    "routine ids (their file names without .yaml), in order",
    ["sacral-traction", "wger-bird-dog"],
    limit=SHORT,
    max_items=1000,
    item=Field("routine", "ref", "a routine id", "sacral-traction"),
)

BOOKLET = Format(
    "booklet",
    "Booklet",
    "data/booklets/NAME.yaml",
    "Routines bound together with a cover and a contents page; give `routines` or "
    "`sections`, not both.",
    what="the booklet",
    one_of=("routines", "sections"),
    root=Field(
        "booklet",
        "map",
        "a booklet",
        fields=(
            Field("title", "text", "on the cover", "Your lower-back programme", True, SHORT),
            Field(
                "subtitle",
                "text",
                "under the title",
                "Mobility routines to do at home",
                limit=SHORT,
            ),
            Field(
                "intro",
                "text",
                "a welcome on the page after the cover",
                "Do these in the order shown.",
            ),
            _ROUTINE_IDS,
            Field(
                "sections",
                "list",
                "routines grouped under headings",
                [{"title": "Loosen up", "routines": ["sacral-traction"]}],
                limit=SHORT,
                item=Field(
                    "section",
                    "map",
                    "one section",
                    fields=(
                        Field("title", "text", "the heading", "Loosen up", required=True),
                        dataclasses.replace(_ROUTINE_IDS, required=True),
                    ),
                ),
            ),
            Field(
                "layout",
                "text",
                "a booklet layout by name or file (default: the project's)",
                "booklet-a5",
                limit=SHORT,
            ),
            image_field(
                "cover_image",
                "a picture on the cover",
                {"path": "cover.png", "alt": "Two people stretching"},
            ),
            Field(
                "back_cover",
                "text",
                "text on the back cover",
                "Keep this booklet with your exercise things.",
            ),
            Field(
                "clinic",
                "map",
                "clinic profile texts (not the logo) that are different in this booklet",
                {"phone": "(555) 010-9999"},
                limit=LONG,
                fields=(
                    *CLINIC_TEXT,
                    Field("disclaimer", "text", "a disclaimer for this booklet", "Not advice."),
                    Field("safety", "text", "a safety text for this booklet", "Stop if it hurts."),
                    Field(
                        "safety_short", "text", "its short form", "Stop if it hurts.", limit=SHORT
                    ),
                ),
            ),
        ),
    ),
)

PROGRAM = Format(
    "program",
    "Programme",
    "data/programs/NAME.yaml",
    "One patient's routines and dosage; written only under that patient's folder in out/.",
    what="the programme",
    root=Field(
        "program",
        "map",
        "a programme",
        fields=(
            Field("patient", "text", "the patient's name, on every page", "Ann Lee", True, SHORT),
            Field("clinician", "text", "your name", "R. Okafor, PT", limit=SHORT),
            Field("date", "date", "the date printed, YYYY-MM-DD", "2026-11-24", limit=SHORT),
            Field(
                "notes",
                "text",
                "a note printed under the title",
                "Every morning, before breakfast.",
            ),
            Field(
                "routines",
                "list",
                "the routines: an id, or an `id` with this patient's dosage and a note",
                ["sacral-traction", {"id": "wger-bird-dog", "sets": "2"}],
                required=True,
                limit=SHORT,
                min_items=1,
                max_items=100,
                item=Field(
                    "entry",
                    "map",
                    "one routine of the programme",
                    short="id",
                    fields=(
                        Field(
                            "id",
                            "ref",
                            "the routine's id",
                            "wger-bird-dog",
                            required=True,
                            limit=SHORT,
                        ),
                        *(dataclasses.replace(f, limit=DOSAGE.limit) for f in DOSAGE.fields),
                        Field(
                            "note",
                            "text",
                            "printed under the routine",
                            "Keep hips level.",
                            limit=LONG,
                        ),
                    ),
                ),
            ),
        ),
    ),
)

FORMATS: dict[str, Format] = {f.kind: f for f in (ROUTINE, BOOKLET, PROGRAM, CLINIC)}
KINDS = (*FORMATS, "layout")


# -- reading, for the loaders ---------------------------------------------------------------
def read_value(c: Checker, node: Node, f: Field, what: str, limit: int) -> Text | None:
    """A scalar field's value, checked as its kind says; None (with a problem) if not."""
    if f.kind == "text":
        return c.text(node, what, limit=limit)
    if f.kind == "ref":  # an id holds no ' #', so a comment after one drops nothing
        return c.text(node, what, limit=limit, prose=False)
    if f.kind == "date":
        return c.date(node, what)
    assert f.kind in PATTERNS, f.kind
    return c.pattern(node, what, PATTERNS[f.kind], f.hint)


def read_texts(c: Checker, node: Node, f: Field, what: str, limit: int) -> list[Text]:
    assert f.kind == "texts"
    return c.text_list(node, what, limit=limit)


# -- JSON Schema ---------------------------------------------------------------------------
def _ecma(regex: str) -> str:
    """A whole-text Python pattern as an editor runs it: ECMAScript with the `u` flag, where
    an escaped `"` is an error."""
    return "^(?:" + regex.replace('\\"', '"') + ")$"


def _any_case(word: str) -> str:
    """A pattern matching `word` in any case (no inline flags in ECMAScript)."""
    assert re.fullmatch(r"[A-Za-z0-9-]+", word), word  # nothing to escape
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)


def _text_schema(limit: int) -> dict[str, Any]:
    # The readers take every scalar as text: `reps: 10` and `sets: no` are fine there.
    return {
        "anyOf": [
            {"type": "string", "minLength": 1, "maxLength": limit, "pattern": r"\S"},
            {"type": ["number", "boolean"]},
        ]
    }


def field_schema(f: Field, inherited: int = LONG) -> dict[str, Any]:
    """JSON Schema for one field's value."""
    limit = f.text_limit(inherited)
    out: dict[str, Any] = {"description": f.doc}
    if f.kind == "text":
        out |= _text_schema(limit)
    elif f.kind == "ref":
        out |= {"type": ["string", "number"], "minLength": 1, "maxLength": limit}
    elif f.kind in PATTERNS:
        out |= {"type": "string", "pattern": _ecma(PATTERNS[f.kind])}
        if f.kind == "url":
            out["maxLength"] = VIDEO_LIMIT
    elif f.kind == "texts":
        out["anyOf"] = [
            _text_schema(limit),
            {"type": "array", "maxItems": 500, "items": _text_schema(limit)},
        ]
    elif f.kind == "translated":
        out["anyOf"] = [
            _text_schema(limit),
            {
                "type": "object",
                "minProperties": 1,
                "patternProperties": {_ecma(LANG_RE): _text_schema(limit)},
                "additionalProperties": False,
            },
        ]
    elif f.kind == "list":
        assert f.item is not None
        out |= {"type": "array", "items": field_schema(f.item, limit), "maxItems": f.max_items}
        if f.min_items:
            out["minItems"] = f.min_items
    else:  # map
        mapping: dict[str, Any] = {
            "type": "object",
            "properties": {s.name: field_schema(s, limit) for s in f.fields},
            "additionalProperties": False,
        }
        if f.required_keys:
            mapping["required"] = list(f.required_keys)
        if f.short is not None:
            out["anyOf"] = [field_schema(f.sub(f.short), limit), mapping]
        else:
            out |= mapping
    if f.example is not None:
        out["examples"] = [f.example]
    return out


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one kind of file: a document or a layout."""
    if kind == "layout":
        return layout_schema()
    fmt = FORMATS[kind]
    out: dict[str, Any] = {
        "$schema": DRAFT,
        "title": f"handouts {fmt.title.lower()} ({fmt.files})",
        "description": fmt.doc,
    }
    body = field_schema(fmt.root)
    del body["description"]
    out |= body
    if fmt.one_of:
        out["oneOf"] = [{"required": [key]} for key in fmt.one_of]
    return out


def layout_schema() -> dict[str, Any]:
    """JSON Schema of a layout file, from layout.py's settings declaration."""
    from .layout import PAGE_SIZES, Layout

    def section(cls: type, top: bool) -> dict[str, Any]:
        props: dict[str, Any] = {}
        if top:
            props["extends"] = {
                "type": "string",
                "minLength": 1,
                "description": "the layout this one starts from, by name or path",
            }
        for f in dataclasses.fields(cls):
            meta = f.metadata
            kind = meta.get("kind")
            if kind == "internal":
                continue
            if kind == "section":
                sub = section(cast(type, f.default_factory), False)
                props[f.name] = {"description": meta["doc"], **sub}
                continue
            props[f.name] = {"description": _setting_doc(meta), **_setting_schema(meta, PAGE_SIZES)}
        return {"type": "object", "properties": props, "additionalProperties": False}

    return {
        "$schema": DRAFT,
        "title": "handouts layout (layouts/NAME.yaml)",
        "description": "A page design; it lists only what differs from the layout it extends.",
        **section(Layout, True),
    }


def _setting_doc(meta: Any) -> str:
    doc = str(meta["doc"])
    if "range" in meta:
        lo, hi = meta["range"]
        doc += f" ({lo} to {hi})"
    return doc


_LENGTH = r"^\s*\d+(\.\d+)?\s*(pt|in|mm|cm)\s*$"


def _setting_schema(meta: Any, page_sizes: dict[str, Any]) -> dict[str, Any]:
    from .layout import LABEL_KEYS

    kind = meta["kind"]
    if kind == "text":
        return {"type": "string"}
    if kind == "choice":
        return {"enum": list(meta["choices"])}
    if kind == "list":
        return {"type": "array", "items": {"enum": list(meta["choices"])}}
    if kind == "paths":
        return {"type": "array", "items": {"type": "string", "minLength": 1}}
    if kind == "labels":
        return {
            "type": "object",
            "properties": {k: {"type": "string", "examples": [v]} for k, v in LABEL_KEYS.items()},
            "additionalProperties": False,
        }
    if kind == "length":
        return {"type": "string", "pattern": _LENGTH, "examples": ["0.5in", "12mm", "18pt"]}
    if kind == "pagesize":
        names = "|".join(_any_case(name) for name in page_sizes)  # read in any case
        side = r"\d+(\.\d+)?\s*(pt|in|mm|cm)"
        return {
            "type": "string",
            "pattern": rf"^\s*(?:{names}|{side}\s*[x×]\s*{side})\s*$",
            "examples": [*page_sizes, "8.5in x 11in"],
        }
    if kind == "color":
        return {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"}
    if kind == "number":
        return {"type": "number", "minimum": meta["min"], "maximum": meta["max"]}
    if kind == "int":
        return {"type": "integer", "minimum": int(meta["min"]), "maximum": int(meta["max"])}
    if kind == "bool":
        return {"type": "boolean"}
    raise AssertionError(kind)


def schema_text(kind: str) -> str:
    """`handouts schema --kind KIND`: the same bytes every time."""
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"


# -- the format reference --------------------------------------------------------------------
_KIND_WORDS = {
    "text": "text",
    "ref": "routine id",
    "id": "id (a-z, 0-9, -)",
    "language": "language tag",
    "url": "http(s) address",
    "date": "date YYYY-MM-DD",
    "texts": "text or list",
    "translated": "text, or one per language",
}


def _type_words(f: Field, limit: int) -> str:
    if f.kind == "list":
        assert f.item is not None
        if f.item.kind == "map":
            either = "a text or " if f.item.short is not None else ""
            return f"list; each {either}a mapping"
        return f"list of {_type_words(f.item, f.item.text_limit(limit))}"
    if f.kind == "map":
        return "picture" if f.keys == IMAGE_KEYS else "mapping"
    words = _KIND_WORDS[f.kind]
    if f.kind in ("text", "texts", "translated"):
        words += f", ≤ {limit:,} characters"
    return words


def _example(value: Any) -> str:
    if value is None:
        return ""
    text = json.dumps(value, ensure_ascii=False)
    return "`" + text.replace("|", "\\|") + "`"


def _rows(f: Field, prefix: str, inherited: int) -> list[str]:
    limit = f.text_limit(inherited)
    name = prefix + f.name
    required = "yes" if f.required else ""
    doc = f.doc.replace("|", "\\|")
    rows = [f"| `{name}` | {_type_words(f, limit)} | {required} | {doc} | {_example(f.example)} |"]
    if f.kind == "map":
        for sub in f.fields:
            rows += _rows(sub, name + ".", limit)
    elif f.kind == "list" and f.item is not None and f.item.kind == "map":
        for sub in f.item.fields:
            rows += _rows(sub, name + "[].", limit)
    return rows


def markdown_table(kind: str) -> str:
    """The field table of one document kind, for the docs."""
    fmt = FORMATS[kind]
    lines = [
        "| field | type | required | what it is | example |",
        "| --- | --- | --- | --- | --- |",
    ]
    for f in fmt.fields:
        lines += _rows(f, "", LONG)
    return "\n".join(lines) + "\n"


def markdown_reference() -> str:
    """docs/format.md: every document format, from this declaration."""
    out = [
        "# File formats",
        "",
        "<!-- Written by `handouts schema --markdown > docs/format.md`, from handouts/schema.py;",
        "     tests/test_schema.py fails when this file and the declaration differ. -->",
        "",
        "Every field of every data file, declared once in `handouts/schema.py`: the checks "
        "`handouts validate` runs,",
        "the JSON Schema editors use (`handouts schema`) and these tables come from that one "
        "declaration.",
        "[routine-format.md](routine-format.md) explains writing a routine; "
        "[layouts.md](layouts.md) lists the layout settings.",
        "",
        "Every value is text: `10`, `no` and `1:30` stay what is written. A `text or list` "
        "field takes one text or a list of them. A `picture` is a file path, or a mapping of "
        "`path`, `caption` and `alt`. Nested fields are shown as `parent.key`; `[]` marks "
        "each item of a list.",
        "",
    ]
    for fmt in FORMATS.values():
        out += [f"## {fmt.title}: `{fmt.files}`", "", fmt.doc, "", markdown_table(fmt.kind)]
    return "\n".join(out)


# -- the routine template ------------------------------------------------------------------
def schema_line(relative: str) -> str:
    """The first line that makes VS Code's YAML extension use a schema file."""
    return f"# yaml-language-server: $schema={relative}"


_PLAIN = re.compile(r"[A-Za-z0-9(][^\n#'\"{}\[\],&*!|>%@`]*")


def _yaml_scalar(value: str) -> str:
    """`value` as YAML: plain where that reads back the same, else double-quoted."""
    if _PLAIN.fullmatch(value) and ": " not in value and not value.endswith((" ", ":")):
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML string


def _comment(text: str, width: int = 92) -> list[str]:
    import textwrap  # for the files `handouts init` and `schema` write, not a handout

    return ["# " + line for line in textwrap.wrap(text, width - 2)]


def routine_template(title: str, schema_relative: str) -> str:
    """`handouts new`: a routine that validates and renders, every other field commented."""
    shown = {"title", "summary", "cautions", "steps", "quick_reference", "dosage"}
    lines = [
        schema_line(schema_relative),
        "# A new routine. `title` and `steps` are required; uncomment what you need and",
        "# delete the rest. Every field: docs/format.md, or hover a key in VS Code (YAML",
        "# extension). Check it with `handouts validate`, print it with `handouts handout ID`.",
    ]
    bodies = {
        "title": [f"title: {_yaml_scalar(title)}"],
        "summary": ["summary: One or two sentences about what this routine does and why."],
        "cautions": ["cautions:", "  - Stop if you feel sharp pain, numbness or tingling."],
        "steps": [
            "steps:",
            "  - Describe the first movement in one or two short sentences.",
            "  - Describe the next movement.",
            "  # a step with a picture beside it (the path is relative to this file):",
            "  # - text: Describe the movement the picture shows.",
            "  #   image:",
            "  #     path: images/step-3.png",
            "  #     caption: What the picture shows, in a few words",
            "  #     alt: The picture described for someone who cannot see it",
        ],
        "quick_reference": [
            "quick_reference:",
            "  - First movement, in a few words.",
            "  - Next movement.",
        ],
        "dosage": [
            "dosage:",
            '  sets: "2"',
            '  reps: "10"',
            "  # hold: 30 seconds",
            "  # frequency: Twice a day",
            "  # side: Both sides",
        ],
    }
    for f in ROUTINE.fields:
        if f.name == "id":
            continue  # the file name is the id
        lines.append("")
        lines += _comment(f"{f.name}{' (required)' if f.required else ''}: {f.doc}")
        if f.name in shown:
            lines += bodies[f.name]
        else:
            lines += ["# " + line for line in _yaml_lines(f.name, f.example)]
    return "\n".join(lines) + "\n"


def _yaml_lines(name: str, value: Any) -> list[str]:
    if isinstance(value, list):
        return [f"{name}:", *(f"  - {_yaml_scalar(v)}" for v in value)]
    if isinstance(value, dict):
        return [f"{name}:", *(f"  {k}: {_yaml_scalar(v)}" for k, v in value.items())]
    return [f"{name}: {_yaml_scalar(str(value))}"]


def schema_files() -> dict[str, bytes]:
    """The files `init` and `new` keep in a project (SCHEMA_DIR/KIND.json), by relative path."""
    return {f"{SCHEMA_DIR}/{kind}.json": schema_text(kind).encode() for kind in KINDS}


def title_from_id(rid: str) -> str:
    """`back-stretch` -> `Back stretch`: a title to start from."""
    words = rid.replace("-", " ").strip()
    return words[:1].upper() + words[1:]
