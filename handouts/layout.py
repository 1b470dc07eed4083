"""Layouts: every setting declared once here, with its type, default and a one-line doc.

A layout file (`layouts/<name>.yaml`) only overrides. `extends: NAME` inherits from another
layout, found in the layouts folder or as a path relative to the file; mappings merge deeply,
lists replace; a cycle is an error that prints the chain.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml

from .check import Checker
from .errors import DataError, Problem
from .library import shown
from .yamlsrc import Node, did_you_mean, read_yaml

MM = 72 / 25.4
INCH = 72.0
PAGE_SIZES: dict[str, tuple[float, float]] = {
    # Exact sizes in PostScript points (72/in); see PRINT-AND-PATIENTS.md "Paper and card sizes".
    "letter": (612.0, 792.0),
    "legal": (612.0, 1008.0),
    "half-letter": (396.0, 612.0),
    "a4": (595.2756, 841.8898),
    "a5": (419.5276, 595.2756),
    "a6": (297.6378, 419.5276),
}
UNITS = {"pt": 1.0, "in": INCH, "mm": MM, "cm": 10 * MM}
PACKAGE_LAYOUTS = Path(__file__).resolve().parent.parent / "layouts"


def _s(default: Any, doc: str, kind: str = "text", **extra: Any) -> Any:
    """Declare one setting: its default, a one-line doc, and how to read it."""
    meta = {"doc": doc, "kind": kind, **extra}
    if isinstance(default, list | dict):
        return field(default_factory=lambda: type(default)(default), metadata=meta)
    return field(default=default, metadata=meta)


def _section(cls: type, doc: str) -> Any:
    return field(default_factory=cls, metadata={"doc": doc, "kind": "section"})


@dataclass(frozen=True)
class PageSettings:
    size: tuple[float, float] = _s(
        PAGE_SIZES["letter"], "paper size: a name or '8.5in x 11in'", "pagesize"
    )
    margin_top: float = _s(0.9 * INCH, "top margin (the clinic's logo sits inside it)", "length")
    margin_bottom: float = _s(0.75 * INCH, "bottom margin (the footer sits inside it)", "length")
    margin_left: float = _s(0.75 * INCH, "left margin", "length")
    margin_right: float = _s(0.75 * INCH, "right margin", "length")


@dataclass(frozen=True)
class FontSettings:
    regular: str = _s("DejaVuSans.ttf", "TTF for body text (shipped, or a path)")
    bold: str = _s("DejaVuSans-Bold.ttf", "TTF for headings and **strong** text")
    italic: str = _s("DejaVuSans-Oblique.ttf", "TTF for *emphasis*")
    bold_italic: str = _s("DejaVuSans-BoldOblique.ttf", "TTF for strong emphasis")
    fallback: list[str] = _s(
        [],
        "TTF/TTC files, in order, for characters the faces above lack (e.g. a CJK font)",
        "paths",
    )


@dataclass(frozen=True)
class TextSettings:
    body_size: float = _s(12.0, "body text size in points", "number", minimum=5)
    min_size: float = _s(11.0, "no text on the page is set smaller than this", "number", minimum=5)
    leading: float = _s(1.35, "line spacing as a multiple of the size", "number", minimum=1)
    title_size: float = _s(26.0, "routine title size", "number", minimum=5)
    heading_size: float = _s(15.0, "section heading size", "number", minimum=5)
    small_size: float = _s(11.0, "footer and caption size", "number", minimum=5)
    paragraph_space: float = _s(
        0.35, "space after a paragraph, as a multiple of the body size", "number", minimum=0
    )
    heading_space: float = _s(
        0.9, "space above a heading, as a multiple of its size", "number", minimum=0
    )
    align: str = _s("left", "body alignment", "choice", choices=("left", "justify"))
    emphasis: str = _s("italic", "how *emphasis* prints", "choice", choices=("italic", "bold"))


@dataclass(frozen=True)
class ColorSettings:
    text: str = _s("#1a1a1a", "body text", "color")
    accent: str = _s("#1f5f8b", "title, headings and step numbers", "color")
    muted: str = _s("#555555", "category line, footer, captions", "color")
    rule: str = _s("#c9d6df", "thin lines between parts", "color")
    caution_border: str = _s("#b3261e", "border of the cautions box", "color")
    caution_background: str = _s("#fdecea", "background of the cautions box", "color")
    caution_text: str = _s("#1a1a1a", "text inside the cautions box", "color")


HANDOUT_SECTIONS = (
    "equipment", "summary", "picture", "benefits", "cautions", "test", "steps", "aftercare",
    "notes", "quick_reference", "dosage", "video", "safety", "attribution", "navigation",
)  # fmt: skip


@dataclass(frozen=True)
class HandoutSettings:
    sections: list[str] = _s(
        list(HANDOUT_SECTIONS),
        "which sections print, in this order",
        "list",
        choices=HANDOUT_SECTIONS,
    )
    step_image_width: float = _s(2.2 * INCH, "width of a step's picture beside its text", "length")
    step_number_width: float = _s(0.45 * INCH, "column for step numbers", "length")
    picture_height: float = _s(2.5 * INCH, "largest height of the routine's own picture", "length")
    qr_size: float = _s(1.1 * INCH, "side of the video QR code", "length")
    tracking_weeks: int = _s(4, "weeks on a programme's tracking page", "int", minimum=1)
    fit_pages: int = _s(
        0,
        "shrink text (not below text.min_size) to fit each routine on this "
        "many pages; 0 = never shrink",
        "int",
        minimum=0,
    )


@dataclass(frozen=True)
class BookletSettings:
    right_hand_starts: bool = _s(False, "start every routine on a right-hand (odd) page", "bool")
    running_header: bool = _s(True, "the routine's title at the top of its pages", "bool")
    cover_title_size: float = _s(30.0, "title size on the cover", "number", minimum=11)
    creep: float = _s(
        0.0, "saddle-stitch creep per nested sheet (about 0.005in for 20 lb paper)", "length"
    )
    saddle_warning_pages: int = _s(
        64, "warn past this many pages: saddle stitch tops out around 48-64 pages", "int", minimum=4
    )


@dataclass(frozen=True)
class CardSettings:
    width: float = _s(3.5 * INCH, "card width at the trim", "length")
    height: float = _s(2.0 * INCH, "card height at the trim", "length")
    bleed: float = _s(
        0.125 * INCH, "background beyond the trim on each side (US 1/8 in, EU 3 mm)", "length"
    )
    safe: float = _s(
        0.125 * INCH, "text stays this far inside the trim (cutting tolerance)", "length"
    )
    sheet: str = _s(
        "letter",
        "office sheet the cards are laid out on, or none for a print shop",
        "choice",
        choices=("letter", "a4", "none"),
    )
    sheet_margin: float = _s(
        0.25 * INCH, "edge of the office sheet a printer cannot print", "length"
    )
    gutter: float = _s(0.0, "space between cards on the office sheet", "length")
    duplex: str = _s(
        "long",
        "how the office printer turns the sheet for the backs",
        "choice",
        choices=("long", "short", "none"),
    )
    crop_marks: bool = _s(True, "cutting marks outside the cards on office sheets", "bool")
    front_field: str = _s(
        "cautions",
        "what the front shows under the steps (its first item)",
        "choice",
        choices=("cautions", "summary", "benefits", "none"),
    )
    body_size: float = _s(9.5, "text size before shrinking to fit", "number", minimum=7)
    min_size: float = _s(
        7.0, "smallest size text may shrink to (never below 7 pt)", "number", minimum=7
    )
    title_size: float = _s(12.0, "title size before shrinking", "number", minimum=7)
    phone_size: float = _s(12.0, "clinic phone number on the back", "number", minimum=7)
    back_safety: bool = _s(False, "print the clinic's 'stop and call us' text on the back", "bool")
    note_lines: int = _s(3, "ruled lines for the clinician's note on the back", "int", minimum=0)
    qr_size: float = _s(0.7 * INCH, "side of the video QR code on the back", "length")
    background: str = _s("#ffffff", "card background, printed into the bleed", "color")
    band: str = _s("#1f5f8b", "title band on the front, printed into the bleed", "color")
    band_text: str = _s("#ffffff", "title colour on the band", "color")


@dataclass(frozen=True)
class Layout:
    kind: str = _s(
        "handout", "what this layout prints", "choice", choices=("handout", "card", "booklet")
    )
    description: str = _s("", "one line shown by `handouts layouts`")
    page: PageSettings = _section(PageSettings, "paper and margins")
    fonts: FontSettings = _section(FontSettings, "font files")
    text: TextSettings = _section(TextSettings, "type sizes and spacing")
    colors: ColorSettings = _section(ColorSettings, "colours as #rrggbb")
    handout: HandoutSettings = _section(HandoutSettings, "full-page handout")
    card: CardSettings = _section(CardSettings, "pocket cards")
    booklet: BookletSettings = _section(BookletSettings, "booklets")
    labels: dict[str, str] = _s({}, "printed words, overriding the language's labels", "labels")
    name: str = field(default="", metadata={"kind": "internal"})
    source: str = field(default="", metadata={"kind": "internal"})


LABEL_KEYS = {
    "equipment": "You will need",
    "benefits": "Benefits",
    "cautions": "Before you start",
    "test": "Check yourself",
    "steps": "Steps",
    "aftercare": "Afterwards",
    "notes": "Notes",
    "quick_reference": "Quick reference",
    "dosage": "How much",
    "sets": "Sets",
    "reps": "Repetitions",
    "hold": "Hold",
    "frequency": "How often",
    "side": "Side",
    "previous": "Previous",
    "next": "Next",
    "page_of": "Page {page} of {pages}",
    "patient": "For",
    "clinician": "Clinician",
    "date": "Date",
    "note": "Note from your clinician",
    "video": "Watch the video",
    "video_hint": "Scan the code with your phone's camera, or type the address.",
    "source": "Source",
    "author": "Author",
    "license": "Licence",
    "reviewed": "Reviewed by",
    "reviewed_on": "on",
    "contents": "Contents",
    "tracking_title": "Your progress",
    "tracking_hint": "Tick a box each day you do the exercise. At the end of the week, write "
    "how much pain you felt while doing it: 0 is no pain, 10 is the worst pain you can imagine.",
    "week": "Week {week}",
    "pain": "Pain (0-10)",
    "mon": "Mon",
    "tue": "Tue",
    "wed": "Wed",
    "thu": "Thu",
    "fri": "Fri",
    "sat": "Sat",
    "sun": "Sun",
    "card_call": "Questions? Call",
}
"""Every printed word, with the English default. Language packs (layouts/labels/) override."""


# -- reading -------------------------------------------------------------------------------
def parse_length(value: str) -> float | None:
    m = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*(pt|in|mm|cm)\s*", value)
    return float(m.group(1)) * UNITS[m.group(2)] if m else None


def parse_pagesize(value: str) -> tuple[float, float] | None:
    if value.lower() in PAGE_SIZES:
        return PAGE_SIZES[value.lower()]
    parts = re.split(r"\s*[x×]\s*", value.strip())
    if len(parts) == 2:
        w, h = parse_length(parts[0]), parse_length(parts[1])
        if w and h and w > 0 and h > 0:
            return (w, h)
    return None


def _read_section(c: Checker, node: Node, cls: type, prefix: str) -> dict[str, Any]:
    """Typed overrides from one layout file's node, for dataclass `cls`."""
    fields = {f.name: f for f in dataclasses.fields(cls) if f.metadata.get("kind") != "internal"}
    allowed = list(fields) + (["extends"] if not prefix else [])
    keys = c.mapping(node, allowed, what=prefix.rstrip(".") or "the layout")
    out: dict[str, Any] = {}
    for name, value in keys.items():
        if name == "extends":
            continue
        f = fields[name]
        meta = f.metadata
        what = prefix + name
        kind = meta["kind"]
        if kind == "section":
            out[name] = _read_section(c, value, cast(type, f.default_factory), what + ".")
            continue
        parsed = _read_value(c, value, what, meta)
        if parsed is not None:
            out[name] = parsed
    return out


def _read_value(c: Checker, node: Node, what: str, meta: Any) -> Any:
    kind = meta["kind"]
    if kind == "list":
        items = c.seq(node, what, lambda n, i: c.choice(n, f"{what}[{i + 1}]", meta["choices"]))
        return items if node.kind == "seq" else None
    if kind == "paths":
        items = c.seq(node, what, lambda n, i: c.text(n, f"{what}[{i + 1}]"))
        return [str(i) for i in items] if node.kind == "seq" else None
    if kind == "labels":
        keys = c.mapping(node, list(LABEL_KEYS), what=what)
        labels = {k: c.text(v, f"{what}.{k}") for k, v in keys.items()}
        return {k: str(v) for k, v in labels.items() if v is not None}
    if kind == "choice":
        return c.choice(node, what, meta["choices"])
    text = c.text(node, what, allow_empty=kind == "text", prose=kind == "text")
    if text is None:
        return None
    if kind == "text":
        return str(text)
    if kind == "length":
        length = parse_length(text)
        if length is None:
            c.error(node, f"'{what}' must be a length like 12mm, 0.5in or 18pt, not '{text}'")
        return length
    if kind == "pagesize":
        size = parse_pagesize(text)
        if size is None:
            c.error(node, f"'{what}' must be {', '.join(PAGE_SIZES)} or like '8.5in x 11in'")
        return size
    if kind == "color":
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", text):
            c.error(node, f"'{what}' must be a colour like #1f5f8b, not '{text}'")
            return None
        return text.lower()
    if kind in ("number", "int"):
        try:
            number = float(text) if kind == "number" else int(text)
        except ValueError:
            c.error(node, f"'{what}' must be a number, not '{text}'")
            return None
        if number < meta.get("minimum", float("-inf")):
            c.error(node, f"'{what}' must be at least {meta['minimum']:g}, not {number:g}")
            return None
        return number
    if kind == "bool":
        if text not in ("true", "false"):
            c.error(node, f"'{what}' must be true or false, not '{text}'")
            return None
        return text == "true"
    raise AssertionError(kind)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Deep merge: mappings merge, everything else (lists included) replaces."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _build(cls: type, values: dict[str, Any]) -> Any:
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in values:
            continue
        if f.metadata.get("kind") == "section":
            kwargs[f.name] = _build(f.default_factory, values[f.name])  # type: ignore[arg-type]
        else:
            kwargs[f.name] = values[f.name]
    return cls(**kwargs)


def layout_dirs(extra: Path | None = None) -> list[Path]:
    dirs = [Path("layouts"), PACKAGE_LAYOUTS]
    if extra is not None:
        dirs.insert(0, extra)
    seen: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in [s.resolve() for s in seen]:
            seen.append(d)
    return seen


def find_layout(name_or_path: str, relative_to: Path | None = None) -> Path | None:
    """A layout by path (relative to `relative_to`, or the working folder) or by name."""
    candidates = []
    if name_or_path.endswith((".yaml", ".yml")) or "/" in name_or_path:
        base = relative_to if relative_to is not None else Path.cwd()
        candidates.append(base / name_or_path)
    else:
        if relative_to is not None:
            candidates.append(relative_to / f"{name_or_path}.yaml")
        candidates += [d / f"{name_or_path}.yaml" for d in layout_dirs()]
    return next((p for p in candidates if p.is_file()), None)


def available_layouts() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for d in reversed(layout_dirs()):
        for p in sorted(d.glob("*.yaml")):
            found[p.stem] = p
    return dict(sorted(found.items()))


def load_layout(name_or_path: str) -> Layout:
    """Resolve a layout by name or path, following `extends`, into typed settings."""
    path = find_layout(name_or_path)
    if path is None:
        names = list(available_layouts())
        raise DataError(
            [
                Problem(
                    name_or_path,
                    1,
                    1,
                    f"no layout named '{name_or_path}'{did_you_mean(name_or_path, names)} "
                    f"(layouts: {', '.join(names)})",
                )
            ]
        )
    chain: list[Path] = []
    values = _resolve(path, chain)
    layout: Layout = _build(Layout, values)
    return dataclasses.replace(layout, name=path.stem, source=str(path))


def _resolve(path: Path, chain: list[Path]) -> dict[str, Any]:
    real = path.resolve()
    if real in chain:
        cycle = " -> ".join(p.stem for p in [*chain, real])
        raise DataError([Problem(shown(path), 1, 1, f"layout 'extends' cycle: {cycle}")])
    chain.append(real)
    src = read_yaml(path, shown(path))
    c = Checker(src.path)
    own = _read_section(c, src.root, Layout, "")
    base: dict[str, Any] = {}
    if src.root.kind == "map" and "extends" in src.root.keys:
        ext_node = src.root.keys["extends"][1]
        parent_name = c.text(ext_node, "extends")
        c.done()
        assert parent_name is not None
        parent = find_layout(parent_name, relative_to=path.parent)
        if parent is None:
            names = list(available_layouts())
            c.error(
                ext_node,
                f"'extends' names no layout '{parent_name}'{did_you_mean(parent_name, names)}",
            )
        else:
            base = _resolve(parent, chain)
    c.done()
    chain.pop()
    return _merge(base, own)


# -- showing -------------------------------------------------------------------------------
def _fmt_length(v: float) -> str:
    return f"{round(v, 2):g}pt"


def _plain(obj: Any) -> Any:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        kind = f.metadata.get("kind")
        value = getattr(obj, f.name)
        if kind == "internal":
            continue
        if kind == "section":
            out[f.name] = _plain(value)
        elif kind == "length":
            out[f.name] = _fmt_length(value)
        elif kind == "pagesize":
            name = next((n for n, s in PAGE_SIZES.items() if s == tuple(value)), None)
            out[f.name] = name or f"{_fmt_length(value[0])} x {_fmt_length(value[1])}"
        elif kind == "number":
            out[f.name] = int(value) if float(value).is_integer() else round(value, 3)
        elif kind == "bool":
            out[f.name] = bool(value)
        elif kind == "int":
            out[f.name] = int(value)
        elif kind in ("list", "paths"):
            out[f.name] = list(value)
        elif kind == "labels":
            out[f.name] = dict(sorted(value.items()))
        else:
            out[f.name] = str(value)
    return out


def show_layout(layout: Layout) -> str:
    """The fully resolved layout as YAML, every setting with its value."""
    return yaml.safe_dump(_plain(layout), sort_keys=False, allow_unicode=True, width=100)


def describe_settings(cls: type = Layout, prefix: str = "") -> list[tuple[str, str, str]]:
    """(key, default, doc) for every setting: the reference for layout authors."""
    rows: list[tuple[str, str, str]] = []
    defaults = _plain(cls())
    for f in dataclasses.fields(cls):
        kind = f.metadata.get("kind")
        if kind == "internal":
            continue
        if kind == "section":
            rows += describe_settings(f.default_factory, prefix + f.name + ".")  # type: ignore[arg-type]
        else:
            rows.append((prefix + f.name, str(defaults[f.name]), f.metadata["doc"]))
    return rows


# -- labels ------------------------------------------------------------------------------
def load_labels(language: str, layout: Layout) -> dict[str, str]:
    """Printed words: English defaults, then the language pack, then the layout's own."""
    labels = dict(LABEL_KEYS)
    primary = language.split("-")[0].lower()
    for d in layout_dirs():
        pack = d / "labels" / f"{primary}.yaml"
        if pack.is_file():
            src = read_yaml(pack)
            c = Checker(src.path)
            keys = c.mapping(src.root, list(LABEL_KEYS), what="the labels")
            for key, node in keys.items():
                value = c.text(node, key)
                if value is not None:
                    labels[key] = str(value)
            c.done()
            break
    labels.update(layout.labels)
    return labels
