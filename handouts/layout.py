"""Layouts: every setting declared once here, with its type, default and a one-line doc.

A layout file only overrides. Layouts are found by name along a search path, a list of
folders: a project's `layouts/` first, then the built-ins shipped in the package
(BUILTIN_LAYOUTS, handouts/layouts/). A project file with a built-in's name replaces it
everywhere, and its own `extends: NAME` reaches the next NAME down the path. `extends: NAME`
inherits from another layout by name, or by path relative to the file; mappings merge deeply,
lists replace; a cycle, or a chain deeper than MAX_EXTENDS, is an error that prints the chain.
Label packs live in `labels/` of the same folders.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import field
from pathlib import Path
from typing import Any, cast

import yaml

from .check import Checker, Text
from .errors import DataError, Problem
from .output import shown
from .records import record
from .yamlsrc import Node, did_you_mean, read_yaml

MM = 72 / 25.4
INCH = 72.0
PAGE_SIZES: dict[str, tuple[float, float]] = {
    # Exact sizes in PostScript points (72/in): docs/print-and-patients.md, "Units and paper sizes".
    "letter": (612.0, 792.0),
    "legal": (612.0, 1008.0),
    "half-letter": (396.0, 612.0),
    "a4": (595.2756, 841.8898),
    "a5": (419.5276, 595.2756),
    "a6": (297.6378, 419.5276),
}
UNITS = {"pt": 1.0, "in": INCH, "mm": MM, "cm": 10 * MM}
BUILTIN_LAYOUTS = Path(__file__).resolve().parent / "layouts"
"""The layouts and label packs (`labels/`) shipped inside the package."""
DEFAULT_SEARCH: tuple[Path, ...] = (BUILTIN_LAYOUTS,)


def _length_of(text: str) -> float:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(pt|in|mm|cm)", text)
    assert m, text
    return float(m.group(1)) * UNITS[m.group(2)]


def _s(
    default: Any,
    doc: str,
    kind: str = "text",
    *,
    min: float | str | None = None,  # the range, as a declaration reads
    max: float | str | None = None,
    unit: str = "",
    **extra: Any,
) -> Any:
    """Declare one setting: its default, a one-line doc, how to read it and, for a number,
    length or page size, its range (lengths as text: min="0.25in"). NaN and infinity are
    outside every range."""
    meta: dict[str, Any] = {"doc": doc, "kind": kind, **extra}
    if kind in ("number", "int", "length", "pagesize"):
        if min is None or max is None:
            raise TypeError(f"a {kind} setting needs min and max: {doc}")
        if kind in ("length", "pagesize"):
            assert isinstance(min, str) and isinstance(max, str)
            meta.update(min=_length_of(min), max=_length_of(max), range=(min, max))
        else:
            assert not isinstance(min, str) and not isinstance(max, str)
            suffix = f" {unit}" if unit else ""
            meta.update(min=float(min), max=float(max), range=(f"{min:g}", f"{max:g}{suffix}"))
    if isinstance(default, list | dict):
        return field(default_factory=lambda: type(default)(default), metadata=meta)
    return field(default=default, metadata=meta)


def _section(cls: type, doc: str) -> Any:
    return field(default_factory=cls, metadata={"doc": doc, "kind": "section"})


@record
class PageSettings:
    size: tuple[float, float] = _s(
        PAGE_SIZES["letter"],
        "paper size: a name or '8.5in x 11in'",
        "pagesize",
        min="3in",
        max="20in",
    )
    # At least 0.25in: text stays clear of the edge an office printer cannot reach.
    margin_top: float = _s(
        0.9 * INCH, "top margin (the clinic's logo sits inside it)", "length", min="0.25in",
        max="4in",
    )  # fmt: skip
    margin_bottom: float = _s(
        0.75 * INCH, "bottom margin (the footer sits inside it)", "length", min="0.25in",
        max="4in",
    )  # fmt: skip
    margin_left: float = _s(0.75 * INCH, "left margin", "length", min="0.25in", max="4in")
    margin_right: float = _s(0.75 * INCH, "right margin", "length", min="0.25in", max="4in")


@record
class FontSettings:
    # A font file is shipped (handouts/fonts/), or a path relative to the layout file that
    # names it, or a path as given: read_layout keeps the one that exists, so a project
    # layout's own font still works when a built-in layout extends it.
    regular: str = _s("DejaVuSans.ttf", "TTF for body text (shipped, or a path)", file=True)
    bold: str = _s("DejaVuSans-Bold.ttf", "TTF for headings and **strong** text", file=True)
    italic: str = _s("DejaVuSans-Oblique.ttf", "TTF for *emphasis*", file=True)
    bold_italic: str = _s("DejaVuSans-BoldOblique.ttf", "TTF for strong emphasis", file=True)
    fallback: list[str] = _s(
        [],
        "TTF/TTC files, in order, for characters the faces above lack (e.g. a CJK font)",
        "paths",
        file=True,
    )


@record
class TextSettings:
    body_size: float = _s(12.0, "body text size", "number", min=6, max=72, unit="pt")
    min_size: float = _s(
        11.0, "no text on the page is set smaller than this", "number", min=6, max=72, unit="pt"
    )
    leading: float = _s(1.35, "line spacing as a multiple of the size", "number", min=1, max=3)
    title_size: float = _s(26.0, "routine title size", "number", min=6, max=96, unit="pt")
    heading_size: float = _s(15.0, "section heading size", "number", min=6, max=72, unit="pt")
    small_size: float = _s(11.0, "footer and caption size", "number", min=6, max=72, unit="pt")
    paragraph_space: float = _s(
        0.35, "space after a paragraph, as a multiple of the body size", "number", min=0, max=5
    )
    heading_space: float = _s(
        0.9, "space above a heading, as a multiple of its size", "number", min=0, max=5
    )
    align: str = _s("left", "body alignment", "choice", choices=("left", "justify"))
    emphasis: str = _s("italic", "how *emphasis* prints", "choice", choices=("italic", "bold"))


@record
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


@record
class HandoutSettings:
    sections: list[str] = _s(
        list(HANDOUT_SECTIONS),
        "which sections print, in this order",
        "list",
        choices=HANDOUT_SECTIONS,
    )
    step_image_width: float = _s(
        2.2 * INCH, "width of a step's picture beside its text", "length", min="0.5in", max="6in"
    )
    step_number_width: float = _s(
        0.45 * INCH, "column for step numbers", "length", min="0.2in", max="2in"
    )
    picture_height: float = _s(
        2.5 * INCH, "largest height of the routine's own picture", "length", min="0.5in",
        max="10in",
    )  # fmt: skip
    # Below about 0.5in a phone camera struggles with a QR code printed on an office printer.
    qr_size: float = _s(1.1 * INCH, "side of the video QR code", "length", min="0.5in", max="4in")
    tracking_weeks: int = _s(4, "weeks on a programme's tracking page", "int", min=1, max=52)
    fit_pages: int = _s(
        0,
        "shrink text (not below text.min_size) to fit each routine on this "
        "many pages; 0 = never shrink",
        "int",
        min=0,
        max=20,
    )


@record
class BookletSettings:
    right_hand_starts: bool = _s(False, "start every routine on a right-hand (odd) page", "bool")
    running_header: bool = _s(True, "the routine's title at the top of its pages", "bool")
    cover_title_size: float = _s(
        30.0, "title size on the cover", "number", min=11, max=96, unit="pt"
    )
    # About the paper's thickness: 1 mm per sheet would be card stock a saddle stitch refuses.
    creep: float = _s(
        0.0,
        "saddle-stitch creep per nested sheet (about 0.005in for 20 lb paper)",
        "length",
        min="0in",
        max="0.04in",
    )
    saddle_warning_pages: int = _s(
        64,
        "warn past this many pages: saddle stitch tops out around 48-64 pages",
        "int",
        min=4,
        max=1000,
    )


@record
class CardSettings:
    width: float = _s(3.5 * INCH, "card width at the trim", "length", min="1in", max="8in")
    height: float = _s(2.0 * INCH, "card height at the trim", "length", min="1in", max="8in")
    bleed: float = _s(
        0.125 * INCH,
        "background beyond the trim on each side (US 1/8 in, EU 3 mm)",
        "length",
        min="0in",
        max="0.25in",
    )
    safe: float = _s(
        0.125 * INCH,
        "text stays this far inside the trim (cutting tolerance)",
        "length",
        min="0in",
        max="0.5in",
    )
    sheet: str = _s(
        "letter",
        "office sheet the cards are laid out on, or none for a print shop",
        "choice",
        choices=("letter", "a4", "none"),
    )
    sheet_margin: float = _s(
        0.25 * INCH, "edge of the office sheet a printer cannot print", "length", min="0in",
        max="1in",
    )  # fmt: skip
    gutter: float = _s(
        0.0, "space between cards on the office sheet", "length", min="0in", max="1in"
    )
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
    body_size: float = _s(
        9.5, "text size before shrinking to fit", "number", min=7, max=24, unit="pt"
    )
    min_size: float = _s(
        7.0, "smallest size text may shrink to (never below 7 pt)", "number", min=7, max=24,
        unit="pt",
    )  # fmt: skip
    title_size: float = _s(12.0, "title size before shrinking", "number", min=7, max=36, unit="pt")
    phone_size: float = _s(
        12.0, "clinic phone number on the back", "number", min=7, max=36, unit="pt"
    )
    back_safety: bool = _s(
        False,
        "print the clinic's full 'stop and call us' text on the back; otherwise its "
        "'safety_short' form where the profile gives one (every card back carries one)",
        "bool",
    )
    note_lines: int = _s(
        3, "ruled lines for the clinician's note on the back", "int", min=0, max=10
    )
    qr_size: float = _s(
        0.7 * INCH, "side of the video QR code on the back", "length", min="0.4in", max="2in"
    )
    background: str = _s("#ffffff", "card background, printed into the bleed", "color")
    band: str = _s("#1f5f8b", "title band on the front, printed into the bleed", "color")
    band_text: str = _s("#ffffff", "title colour on the band", "color")


@record
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
    search: tuple[Path, ...] = field(default=DEFAULT_SEARCH, metadata={"kind": "internal"})
    """The folders it was looked up in: its label packs are found along the same path."""


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
    "week_from": "Week {week} \u00b7 from {date}",
    "day_month": "{day} {month}",
    "months": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
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


Where = tuple[str, int, int]
"""A setting's file, line and column, for problems found once the layout is whole."""


def _read_section(
    c: Checker, node: Node, cls: type, prefix: str, where: dict[str, Where], folder: Path
) -> dict[str, Any]:
    """Typed overrides from one layout file's node, for dataclass `cls`; `where` gets the
    position of every setting read, by its dotted name. `folder` holds the layout file:
    file names it gives are found there first."""
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
            sub = cast(type, f.default_factory)
            out[name] = _read_section(c, value, sub, what + ".", where, folder)
            continue
        parsed = _read_value(c, value, what, meta)
        if parsed is not None and meta.get("file"):
            parsed = _beside(folder, parsed)
        if parsed is not None:
            out[name] = parsed
            where[what] = (c.path, value.line, value.col)
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
        return {k: v for k, v in labels.items() if v is not None}
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
        elif not _in_range(length, meta):
            c.error(node, f"{what} must be between {_range(meta)}, not {text.strip()}")
            return None
        return length
    if kind == "pagesize":
        size = parse_pagesize(text)
        if size is None:
            c.error(node, f"'{what}' must be {', '.join(PAGE_SIZES)} or like '8.5in x 11in'")
        elif not all(_in_range(side, meta) for side in size):
            c.error(node, f"{what} must be between {_range(meta)} on each side, not '{text}'")
            return None
        return size
    if kind == "color":
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", text):
            c.error(node, f"'{what}' must be a colour like #1f5f8b, not '{text}'")
            return None
        return text.lower()
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            c.error(node, f"'{what}' must be a number, not '{text}'")
            return None
        if not _in_range(number, meta):  # NaN and infinity fail every comparison here
            c.error(node, f"{what} must be between {_range(meta)}, not {text.strip()}")
            return None
        return number
    if kind == "int":
        whole = re.fullmatch(r"\s*[-+]?\d{1,9}\s*", text)
        if whole is None or not _in_range(int(text), meta):
            c.error(
                node, f"{what} must be a whole number between {_range(meta)}, not {text.strip()}"
            )
            return None
        return int(text)
    if kind == "bool":
        if text not in ("true", "false"):
            c.error(node, f"'{what}' must be true or false, not '{text}'")
            return None
        return text == "true"
    raise AssertionError(kind)


def _beside(folder: Path, names: Any) -> Any:
    """A file name (or list of them) as a path beside the layout file, where one is there."""
    if isinstance(names, list):
        return [_beside(folder, n) for n in names]
    here = folder / str(names)
    return str(here) if here.is_file() and not Path(str(names)).is_absolute() else str(names)


def _in_range(value: float, meta: Any) -> bool:
    return bool(meta["min"] <= value <= meta["max"])


def _range(meta: Any) -> str:
    lo, hi = meta["range"]
    return f"{lo} and {hi}"


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


MAX_EXTENDS = 20
"""Layouts one `extends` chain may hold: a deeper chain is a mistake, not a design."""


@record
class LayoutInfo:
    """Where a layout found by name comes from."""

    name: str
    path: Path
    builtin: bool
    overrides: Path | None = None  # the next layout of the same name down the search path

    @property
    def origin(self) -> str:
        """`built-in`, `project: layouts/x.yaml` or `project: ... (overrides built-in)`."""
        if self.builtin:
            return "built-in"
        origin = f"project: {shown(self.path)}"
        if self.overrides is not None:
            below = "built-in" if _is_builtin(self.overrides.parent) else shown(self.overrides)
            origin += f" (overrides {below})"
        return origin


def _is_builtin(folder: Path) -> bool:
    return folder.resolve() == BUILTIN_LAYOUTS.resolve()


def _folders(search: Sequence[Path]) -> list[Path]:
    """The search path's existing folders, each once, in order."""
    seen: list[Path] = []
    for d in search:
        if d.is_dir() and d.resolve() not in [s.resolve() for s in seen]:
            seen.append(d)
    return seen


def _is_path(name_or_path: str) -> bool:
    return "/" in name_or_path or name_or_path.endswith((".yaml", ".yml"))


def _named(name: str, search: Sequence[Path]) -> list[Path]:
    """Every file for layout `name` along the search path, the winning one first."""
    return [d / f"{name}.yaml" for d in _folders(search) if (d / f"{name}.yaml").is_file()]


def find_layout(
    name_or_path: str,
    search: Sequence[Path] = DEFAULT_SEARCH,
    relative_to: Path | None = None,
) -> Path | None:
    """A layout by name (the first `<folder>/NAME.yaml` along `search`) or by path.

    A path (it holds a `/` or ends in .yaml/.yml) is taken as given, relative to the working
    folder, or to `relative_to` (the folder of the file whose `extends` names it). A name is
    looked up in `search` only, never in the working folder.
    """
    if _is_path(name_or_path):
        path = relative_to / name_or_path if relative_to is not None else Path(name_or_path)
        return path if path.is_file() else None
    found = _named(name_or_path, search)
    return found[0] if found else None


def _extended(name_or_path: str, child: Path, search: Sequence[Path]) -> Path | None:
    """What `extends: NAME` in `child` reaches: a layout that extends its own name gets the
    next one of that name down the search path (as a theme override does), not itself."""
    if _is_path(name_or_path):
        return find_layout(name_or_path, search, relative_to=child.parent)
    found = _named(name_or_path, search)
    real = child.resolve()
    for i, candidate in enumerate(found):
        if candidate.resolve() == real:
            found = found[i + 1 :]
            break
    return found[0] if found else None


def available_layouts(search: Sequence[Path] = DEFAULT_SEARCH) -> dict[str, LayoutInfo]:
    """Every layout found by name along `search`, by name, with where it comes from."""
    found: dict[str, LayoutInfo] = {}
    for d in _folders(search):
        builtin = _is_builtin(d)
        for p in sorted(d.glob("*.yaml")):
            if p.stem not in found:
                found[p.stem] = LayoutInfo(p.stem, p, builtin)
            elif found[p.stem].overrides is None:
                found[p.stem] = dataclasses.replace(found[p.stem], overrides=p)
    return dict(sorted(found.items()))


def describe_layouts(search: Sequence[Path] = DEFAULT_SEARCH) -> list[tuple[str, str, str, str]]:
    """(name, kind, description, origin) of every layout, for `handouts layouts`.

    Every layout is resolved; the problems of all of them are raised at once.
    """
    rows: list[tuple[str, str, str, str]] = []
    problems: list[Problem] = []
    for name, info in available_layouts(search).items():
        try:
            layout = load_layout(name, search)
        except DataError as exc:
            problems += exc.problems
            continue
        rows.append((name, layout.kind, layout.description, info.origin))
    if problems:
        raise DataError(problems)
    return rows


def load_layout(name_or_path: str, search: Sequence[Path] = DEFAULT_SEARCH) -> Layout:
    """Resolve a layout by name or path, following `extends`, into typed settings.

    The layout keeps `search`, so its label packs are looked up along the same path.
    """
    search = tuple(search)
    path = find_layout(name_or_path, search)
    if path is None:
        names = list(available_layouts(search))
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
    where: dict[str, Where] = {}
    values = _resolve(path, [], search, where)
    layout: Layout = _build(Layout, values)
    layout = dataclasses.replace(layout, name=path.stem, source=str(path), search=search)
    check_layout(layout, where, (shown(path), 1, 1))
    return layout


def _resolve(
    path: Path, chain: list[Path], search: tuple[Path, ...], where: dict[str, Where]
) -> dict[str, Any]:
    real = path.resolve()
    if real in chain:
        cycle = " -> ".join(p.stem for p in [*chain, real])
        raise DataError([Problem(shown(path), 1, 1, f"layout 'extends' cycle: {cycle}")])
    chain.append(real)
    src = read_yaml(path, shown(path))
    c = Checker(src.path)
    own_where: dict[str, Where] = {}
    own = _read_section(c, src.root, Layout, "", own_where, path.parent)
    base: dict[str, Any] = {}
    if src.root.kind == "map" and "extends" in src.root.keys:
        ext_node = src.root.keys["extends"][1]
        parent_name = c.text(ext_node, "extends")
        parent = _extended(parent_name, path, search) if parent_name is not None else None
        if parent_name is None:
            pass  # reported by c.text
        elif parent is None and real in [p.resolve() for p in _named(parent_name, search)]:
            c.error(
                ext_node,
                f"'extends' names this layout itself, and no other '{parent_name}' is "
                "further down the search path",
            )
        elif parent is None:
            names = list(available_layouts(search))
            c.error(
                ext_node,
                f"'extends' names no layout '{parent_name}'{did_you_mean(parent_name, names)}",
            )
        elif len(chain) >= MAX_EXTENDS:
            deep = " -> ".join(p.stem for p in chain)
            c.error(
                ext_node,
                f"layout 'extends' chain is more than {MAX_EXTENDS} layouts deep: "
                f"{deep} -> {parent.stem} ...",
            )
        else:  # every problem at once: this file's and the layouts it extends
            try:
                base = _resolve(parent, chain, search, where)
            except DataError as exc:
                c.problems += exc.problems
    c.done()
    chain.pop()
    where.update(own_where)  # the child's settings win, so do their positions
    return _merge(base, own)


# -- whole-layout checks ---------------------------------------------------------------
MIN_TEXT_WIDTH = 2 * INCH
MIN_TEXT_HEIGHT = 2 * INCH
MIN_STEP_TEXT = 1 * INCH
MIN_CARD_ROOM = 0.5 * INCH


def _settings(cls: type = Layout, prefix: str = "") -> list[tuple[str, Any]]:
    """(dotted name, metadata) of every setting, depth first."""
    out: list[tuple[str, Any]] = []
    for f in dataclasses.fields(cls):
        kind = f.metadata.get("kind")
        if kind == "section":
            out += _settings(cast(type, f.default_factory), prefix + f.name + ".")
        elif kind != "internal":
            out.append((prefix + f.name, f.metadata))
    return out


def _value(layout: Layout, key: str) -> Any:
    obj: Any = layout
    for part in key.split("."):
        obj = getattr(obj, part)
    return obj


def _in_unit(points: float, like: str, digits: int = 2) -> str:
    """`points` in the unit of the declared limit `like` ('0.25in' -> inches)."""
    unit = re.sub(r"[\d.]", "", like) or "pt"
    return f"{round(points / UNITS[unit], digits):g}{unit}"


def check_layout(
    layout: Layout,
    where: dict[str, Where] | None = None,
    default: Where | None = None,
) -> None:
    """Every number in its range and the settings fit together (margins leave room for
    text, a card's safe area for its text); DataError listing every problem otherwise.

    `load_layout` runs it on every layout it returns. Call it again after changing a
    layout in code (a command-line `--bleed`): `default` is then where problems are
    reported, e.g. ("<--bleed>", 1, 1); `where` maps settings to their file positions.
    """
    at = where or {}
    fallback = default or (shown(Path(layout.source)) if layout.source else "layout", 1, 1)
    problems: list[Problem] = []

    def report(keys: tuple[str, ...], message: str) -> None:
        # At the setting the layout's own file set, else the last one any file set.
        own = [at[k] for k in keys if k in at and at[k][0] == fallback[0]]
        other = [at[k] for k in keys if k in at]
        problems.append(Problem(*(own or other or [fallback])[0], message))

    for key, meta in _settings():
        kind = meta["kind"]
        if kind not in ("number", "int", "length", "pagesize"):
            continue
        value = _value(layout, key)
        sides = value if kind == "pagesize" else (value,)
        if all(_in_range(v, meta) for v in sides):
            continue
        if kind in ("length", "pagesize"):
            shown_value = " x ".join(_in_unit(v, meta["range"][0], 4) for v in sides)
        else:
            shown_value = f"{value:g}"
        whole = "a whole number " if kind == "int" else ""
        each = " on each side" if kind == "pagesize" else ""
        report((key,), f"{key} must be {whole}between {_range(meta)}{each}, not {shown_value}")
    if problems:  # the checks below assume every number is in range
        raise DataError(problems)

    t, h, c = layout.text, layout.handout, layout.card
    if layout.kind != "card":
        p = layout.page
        width, height = p.size
        text_w = width - p.margin_left - p.margin_right
        text_h = height - p.margin_top - p.margin_bottom
        if text_w < MIN_TEXT_WIDTH:
            report(
                ("page.margin_right", "page.margin_left", "page.size"),
                f"page.margin_left and page.margin_right leave {_in_unit(text_w, 'in')} of "
                f"the page's {_in_unit(width, 'in')} width for text; at least "
                f"{_in_unit(MIN_TEXT_WIDTH, 'in')} is needed",
            )
        if text_h < MIN_TEXT_HEIGHT:
            report(
                ("page.margin_bottom", "page.margin_top", "page.size"),
                f"page.margin_top and page.margin_bottom leave {_in_unit(text_h, 'in')} of "
                f"the page's {_in_unit(height, 'in')} height for text; at least "
                f"{_in_unit(MIN_TEXT_HEIGHT, 'in')} is needed",
            )
        if text_w >= MIN_TEXT_WIDTH and text_h >= MIN_TEXT_HEIGHT:
            step_text = text_w - h.step_number_width - h.step_image_width
            if step_text < MIN_STEP_TEXT:
                report(
                    ("handout.step_image_width", "handout.step_number_width", "page.size"),
                    f"handout.step_number_width and handout.step_image_width leave "
                    f"{_in_unit(step_text, 'in')} of the {_in_unit(text_w, 'in')} text width "
                    f"for a step's text; at least {_in_unit(MIN_STEP_TEXT, 'in')} is needed",
                )
            if h.qr_size > text_w:
                report(
                    ("handout.qr_size",),
                    f"handout.qr_size {_in_unit(h.qr_size, 'in')} is wider than the "
                    f"{_in_unit(text_w, 'in')} the margins leave for text",
                )
            if h.picture_height > text_h:
                report(
                    ("handout.picture_height",),
                    f"handout.picture_height {_in_unit(h.picture_height, 'in')} is taller than "
                    f"the {_in_unit(text_h, 'in')} the margins leave for text",
                )
        if t.min_size > t.body_size:
            report(
                ("text.min_size", "text.body_size"),
                f"text.min_size {t.min_size:g} pt is larger than text.body_size {t.body_size:g} pt",
            )
    else:
        room = min(c.width, c.height) - 2 * c.safe
        if room < MIN_CARD_ROOM:
            side = "width" if c.width < c.height else "height"
            report(
                ("card.safe", f"card.{side}"),
                f"card.safe leaves {_in_unit(room, 'in')} of the card's "
                f"{_in_unit(min(c.width, c.height), 'in')} {side} for text; at least "
                f"{_in_unit(MIN_CARD_ROOM, 'in')} is needed",
            )
        elif c.qr_size > room:
            report(
                ("card.qr_size",),
                f"card.qr_size {_in_unit(c.qr_size, 'in')} does not fit the "
                f"{_in_unit(room, 'in')} inside the card's safe area",
            )
        if c.min_size > c.body_size:
            report(
                ("card.min_size", "card.body_size"),
                f"card.min_size {c.min_size:g} pt is larger than card.body_size {c.body_size:g} pt",
            )
    if problems:
        raise DataError(problems)


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
        elif kind == "paths":  # as the user would type them from here
            out[f.name] = [shown(Path(v)) if Path(v).is_absolute() else v for v in value]
        elif kind == "list":
            out[f.name] = list(value)
        elif kind == "labels":
            out[f.name] = {k: str(v) for k, v in sorted(value.items())}
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


def describe_ranges() -> dict[str, str]:
    """Dotted setting -> its declared range ("6 to 72 pt"), for every number and length."""
    out: dict[str, str] = {}
    for key, meta in _settings():
        if "range" in meta:
            lo, hi = meta["range"]
            each = ", each side" if meta["kind"] == "pagesize" else ""
            out[key] = f"{lo} to {hi}{each}"
    return out


# -- labels ------------------------------------------------------------------------------
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
"""What --language and a routine's `language:` accept: a BCP 47-looking tag (es, pt-BR,
zh-Hans). Its primary subtag names the label pack; the whole tag goes into the PDF's /Lang."""
ENGLISH = "<English labels>"
"""Where the English defaults (LABEL_KEYS) say they come from in glyph problems."""


def label_packs(search: Sequence[Path] = DEFAULT_SEARCH) -> dict[str, list[Path]]:
    """Language (primary subtag) -> its packs, `<folder>/labels/<lang>.yaml` along `search`,
    the winning (project) one first."""
    packs: dict[str, list[Path]] = {}
    for d in _folders(search):
        for p in sorted((d / "labels").glob("*.yaml")):
            packs.setdefault(p.stem.lower(), []).append(p)
    return packs


def languages(search: Sequence[Path] = DEFAULT_SEARCH) -> list[str]:
    """Every language with labels: English (built in) and every pack along `search`."""
    return sorted({"en", *label_packs(search)})


def _printable(value: str, limit: int = 40) -> str:
    """User text fit for a one-line message: control characters escaped, long text cut."""
    shown_value = value if len(value) <= limit else value[:limit] + "..."
    return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in shown_value)


def _where(where: Text | None) -> tuple[str, int, int]:
    if where is None or not where.path:
        return "<--language>", 1, 1
    return where.path, where.line, where.col


def _primary(tag: str, where: Text | None) -> str:
    """The primary subtag of a well-formed tag; anything else is a problem at `where`."""
    if not LANGUAGE_TAG.fullmatch(tag):
        raise DataError(
            [
                Problem(
                    *_where(where),
                    f"'{_printable(tag)}' is not a language tag like es, pt-BR or zh-Hans",
                )
            ]
        )
    return tag.split("-")[0].lower()


def check_language(
    tag: str, where: Text | None = None, search: Sequence[Path] = DEFAULT_SEARCH
) -> str:
    """The primary subtag of `tag` when labels exist for it, else a problem at `where`
    (a routine's `language:` text), or at `<--language>:1:1` when None."""
    have = languages(search)
    if LANGUAGE_TAG.fullmatch(tag) or tag.isalpha():
        primary = tag.split("-")[0].lower()
        if primary in have:
            return primary
        raise DataError(
            [
                Problem(
                    *_where(where),
                    f"no labels for language '{_printable(tag)}' (have: {', '.join(have)})",
                )
            ]
        )
    return _primary(tag, where)


def _read_pack(pack: Path) -> dict[str, Text]:
    src = read_yaml(pack, shown(pack))
    c = Checker(src.path)
    keys = c.mapping(src.root, list(LABEL_KEYS), what="the labels")
    labels: dict[str, Text] = {}
    for key, node in keys.items():
        value = c.text(node, key)
        if value is not None:
            labels[key] = value
    c.done()
    return labels


def _labels(language: str, layout: Layout) -> dict[str, Text]:
    where = language if isinstance(language, Text) else None
    primary = _primary(language, where)
    labels = {k: Text(v, ENGLISH, 1, 1) for k, v in LABEL_KEYS.items()}
    for pack in reversed(label_packs(layout.search).get(primary, [])):
        labels.update(_read_pack(pack))  # a project's pack over the built-in one, key by key
    for key, value in layout.labels.items():
        labels[key] = value if isinstance(value, Text) else Text(value, layout.source, 1, 1)
    return labels


def load_labels(language: str, layout: Layout) -> dict[str, str]:
    """Printed words: English defaults, then the language's packs, then the layout's own.

    `language` must look like a tag (es, pt-BR); its primary subtag picks the packs along the
    layout's search path: the built-in pack, then a project's pack of the same language over
    it, key by key. A tag with no pack prints English labels: `check_language` refuses it.
    """
    return {k: str(v) for k, v in _labels(language, layout).items()}


def labels_language(language: str, layout: Layout) -> str:
    """The language the printed labels of `language` are really in: `language` when a pack
    for it is found along the layout's search path (or it is English), else English, the
    defaults `load_labels` falls back to. The accessible edition tags its page with it, so
    English headings around an Arabic routine are not read (or laid out) as Arabic."""
    where = language if isinstance(language, Text) else None
    primary = _primary(language, where)
    return language if primary == "en" or label_packs(layout.search).get(primary) else "en"


def label_texts(language: str, layout: Layout) -> list[Text]:
    """Every printed label as Text that knows its real file, line and column (a pack's, or
    the layout's own `labels:` section), for glyph checks."""
    return list(_labels(language, layout).values())
