"""Large-print layouts against the ACB's large-print guidance.

ACB: 18 pt minimum (20 preferred), sans-serif, 1.5 line spacing, left-aligned, no italics,
no all-caps body (docs/print-and-patients.md, "Type sizes and large print"). Every value is
read from the resolved layout (handouts/layout.py), so a setting inherited through `extends`
counts; the finding points at the line that sets it, or at the file's `extends:` when the
value comes from the layout it extends.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import HandoutsError
from ..layout import Layout
from ..output import shown
from ..yamlsrc import Node, read_yaml
from .findings import Finding

LARGE_PRINT_SIZE = 18.0
"""ACB (and APH): 18 pt and up is large print."""
LARGE_PRINT_LEADING = 1.5
"""ACB: 1.5 line spacing."""


def is_large_print(layout: Layout) -> bool:
    """A layout that says it is large print (by name or description), or whose body text
    is set at large-print size: either way the ACB figures apply to all of it."""
    said = f"{layout.name} {layout.description}".lower().replace("-", " ")
    return layout.kind != "card" and (
        "large print" in said or layout.text.body_size >= LARGE_PRINT_SIZE
    )


def _where(layout: Layout, section: str, key: str) -> tuple[str, int, int, str]:
    """Where the layout file sets `section.key` (or its extends:, or line 1)."""
    try:
        root = read_yaml(Path(layout.source)).root if layout.source else None
    except HandoutsError:
        root = None
    shown = read_yaml_shown(layout)
    if root is None or root.kind != "map":
        return shown, 1, 1, " (the default)"
    node: Node | None = root
    for name in (section, key) if key else (section,):
        if node is None or node.kind != "map" or name not in node.keys:
            node = None
            break
        node = node.keys[name][1]
    if node is not None:
        return shown, node.line, node.col, ""
    if "extends" in root.keys:
        ext = root.keys["extends"][1]
        return shown, ext.line, ext.col, f" (from the layout it extends, '{ext.text}')"
    return shown, 1, 1, " (the default)"


def read_yaml_shown(layout: Layout) -> str:
    return shown(Path(layout.source)) if layout.source else layout.name


def lint_layout(layout: Layout) -> list[Finding]:
    if not is_large_print(layout):
        return []
    out: list[Finding] = []
    t = layout.text

    def warn(section: str, key: str, message: str) -> None:
        path, line, col, whence = _where(layout, section, key)
        out.append(Finding(path, line, col, "warning", "large-print",
                           f"large print: {section}.{key} {message}{whence}"))  # fmt: skip

    for key in ("body_size", "min_size", "small_size"):
        size = getattr(t, key)
        if size < LARGE_PRINT_SIZE:
            warn("text", key, f"is {size:g} pt; ACB large print is {LARGE_PRINT_SIZE:g} pt "
                 "minimum everywhere")  # fmt: skip
    for key in ("title_size", "heading_size"):
        size = getattr(t, key)
        if size <= t.body_size:
            warn("text", key, f"is {size:g} pt, not larger than the {t.body_size:g} pt body; "
                 "headings must stand out by size")  # fmt: skip
    if t.leading < LARGE_PRINT_LEADING:
        warn("text", "leading", f"is {t.leading:g}; ACB asks for {LARGE_PRINT_LEADING:g} "
             "line spacing")  # fmt: skip
    if t.emphasis == "italic":
        warn("text", "emphasis", "is italic; ACB large print has no italics: use bold")
    if t.align != "left":
        warn("text", "align", f"is {t.align}; ACB large print is left-aligned")
    for key, value in sorted(layout.labels.items()):
        letters = [w for w in str(value).split() if sum(ch.isalpha() for ch in w) > 1]
        if letters and all(w.upper() == w for w in letters):
            warn("labels", key, f"'{value}' is in capitals; ACB large print has no all caps")
    return out
