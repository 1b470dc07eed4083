"""Converting a wger exercise (CC-licensed, github.com/wger-project/wger) into routine YAML.

wger descriptions are small HTML (p, ul, ol, li, em, strong, a, br). Numbered lists become
steps; a bulleted list becomes steps when there is no numbered one, else notes; paragraphs
before the lists are the summary; labels such as "Steps:" or "Tips:" route what follows.
The author's words are kept; only the markup changes (em -> *x*, strong -> **x**).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from typing import Any

import yaml

BODYWEIGHT = "none (bodyweight exercise)"


@dataclass
class Block:
    kind: str  # "p", "ol" or "ul" (a list item of that list)
    text: str


@dataclass
class _Parser(HTMLParser):
    blocks: list[Block] = field(default_factory=list)
    lists: list[str] = field(default_factory=list)
    buffer: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.buffer)).strip()
        text = re.sub(r"(\*\*?)\s*\1", "", text)  # markup left empty by the conversion
        self.buffer.clear()
        if text:
            kind = self.lists[-1] if self.lists else "p"
            self.blocks.append(Block(kind, text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("p", "li", "ol", "ul", "h1", "h2", "h3", "h4", "div"):
            self.flush()
        if tag in ("ol", "ul"):
            self.lists.append(tag)
        elif tag in ("em", "i"):
            self.buffer.append("*")
        elif tag in ("strong", "b"):
            self.buffer.append("**")
        elif tag == "br":
            self.buffer.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("em", "i"):
            self.buffer.append("*")
        elif tag in ("strong", "b"):
            self.buffer.append("**")
        elif tag in ("p", "li", "h1", "h2", "h3", "h4", "div"):
            self.flush()
        elif tag in ("ol", "ul"):
            self.flush()
            if self.lists:
                self.lists.pop()

    def handle_data(self, data: str) -> None:
        self.buffer.append(data)


def blocks(html: str) -> list[Block]:
    parser = _Parser()
    parser.feed(unescape(html) if "&" in html and "<" not in html else html)
    parser.close()
    parser.flush()
    return parser.blocks


LABELS = {
    "steps": "steps", "instructions": "steps", "execution": "steps",
    "starting position": "steps", "start position": "steps", "setup": "steps",
    "tips": "notes", "tip": "notes", "notes": "notes", "note": "notes", "comments": "notes",
}  # fmt: skip


def _label(text: str) -> str | None:
    plain = text.strip("*: ").strip().lower()
    return LABELS.get(plain) if text.rstrip().endswith(":") and len(text) < 40 else None


def slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60] or "exercise"


def routine_fields(entry: dict[str, Any]) -> dict[str, Any]:
    """The routine, as a mapping ready to dump, from one corpus entry."""
    parts = blocks(entry.get("description_html") or "")
    has_ol = any(b.kind == "ol" for b in parts)
    summary: list[str] = []
    steps: list[str] = []
    notes: list[str] = []
    target: str | None = None
    seen_list = False
    for block in parts:
        label = _label(block.text)
        if label is not None:
            target = label
            continue
        if block.kind == "ol" or (block.kind == "ul" and not has_ol and target != "notes"):
            (notes if target == "notes" else steps).append(block.text)
            seen_list = True
        elif block.kind == "ul":
            notes.append(block.text)
        elif target is not None:
            (steps if target == "steps" else notes).append(block.text)
        elif seen_list:
            notes.append(block.text)
        else:
            summary.append(block.text)
    if not steps and summary:  # prose only: each paragraph is a step
        steps, summary = summary, []
    notes += [c.strip() for c in entry.get("comments") or [] if c and c.strip()]
    out: dict[str, Any] = {"title": entry["name"].strip() or "Untitled exercise"}
    if entry.get("category"):
        out["category"] = entry["category"]
    if summary:
        out["summary"] = " ".join(summary)
    equipment = [e for e in entry.get("equipment") or [] if e and e != BODYWEIGHT]
    if equipment:
        out["equipment"] = equipment
    out["steps"] = steps or [entry["name"].strip() or "See the description."]
    if notes:
        out["notes"] = notes
    out["language"] = entry.get("lang") or "en"
    out["source"] = f"wger.de exercise {entry['uuid']}"
    out["author"] = (entry.get("author") or "").strip() or "wger.de contributors"
    out["license"] = re.sub(r"^(CC-BY-SA) (\d)$", r"\1 \2.0", entry.get("license") or "") or (
        "CC-BY-SA 4.0"
    )
    return out


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _text(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    # PyYAML may wrap a plain line just before " - ", and the reader refuses a continuation
    # line starting with "- " (it looks like two merged list items): quote such text.
    return dumper.represent_scalar(STR, data, style='"' if " - " in data else None)


STR = "tag:yaml.org,2002:str"
_NoAliases.add_representer(str, _text)


def to_yaml(entry: dict[str, Any]) -> str:
    header = (
        f"# Imported from the wger exercise database ({entry['license']}); "
        f"author: {entry.get('author') or 'wger.de contributors'}.\n"
    )
    body = yaml.dump(
        routine_fields(entry), Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=90
    )
    return header + body
