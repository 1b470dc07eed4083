"""Exercises of the wger database (CC-licensed, github.com/wger-project/wger) as routines.

An entry has `uuid`, `lang`, `name`, `description_html` (small HTML: p, ul, ol, li, em,
strong, a, br), `category`, `equipment`, `comments`, `license` and `author`. The HTML goes
through html.parser (entities decoded, no tag text kept): list items become steps
(a bulleted list after a numbered one becomes notes), paragraphs before the lists the
summary, comments the notes; headings such as "Steps:" or "Tips:" route what follows and
are not kept (the handout prints its own heading), while "Starting position:" is kept in
front of the step it introduces. A description that is prose only becomes one step per
paragraph. The author's words are kept; only the markup changes (em -> *x*,
strong -> **x**). Every routine names its source, author and licence, which the handout
prints.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from ..errors import DataError, Problem
from ..output import shown
from ..yamlsrc import printable
from . import check_routine_text, dump, ensure_schema_files, slug, write_new_file

__all__ = ["blocks", "routine_fields", "skip_reason", "slug", "to_yaml", "import_entries"]

BODYWEIGHT = "none (bodyweight exercise)"
MAX_EXPORT_BYTES = 200 * 1024 * 1024
"""A wger export is read whole; 2,035 exercises are 1.3 MB."""


@dataclass
class Block:
    kind: str  # "p", "ol" or "ul" (a list item of that list)
    text: str


@dataclass
class _Parser(HTMLParser):
    blocks: list[Block] = field(default_factory=list)
    lists: list[str] = field(default_factory=list)
    buffer: list[str] = field(default_factory=list)
    hidden: int = 0  # inside <script> or <style>: their text is not the author's
    marks: list[int] = field(default_factory=list)  # where each open *, ** went in buffer

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def flush(self) -> None:
        for start in reversed(self.marks):  # emphasis not closed in its block: no markup
            del self.buffer[start]
        text = re.sub(r"\s+", " ", "".join(self.buffer)).strip()
        self.buffer.clear()
        self.marks.clear()
        if text:
            kind = self.lists[-1] if self.lists else "p"
            self.blocks.append(Block(kind, text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        elif tag in ("p", "li", "ol", "ul", "h1", "h2", "h3", "h4", "h5", "h6", "div"):
            self.flush()
        if tag in ("ol", "ul"):
            self.lists.append(tag)
        elif tag in ("em", "i", "strong", "b"):
            self.marks.append(len(self.buffer))
            self.buffer.append("*" if tag in ("em", "i") else "**")
        elif tag == "br":
            self.buffer.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden = max(0, self.hidden - 1)
        elif tag in ("em", "i", "strong", "b"):
            self._close("*" if tag in ("em", "i") else "**")
        elif tag in ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "div"):
            self.flush()
        elif tag in ("ol", "ul"):
            self.flush()
            if self.lists:
                self.lists.pop()

    def _close(self, mark: str) -> None:
        """Close emphasis; one around nothing but spaces is dropped, spaces kept."""
        if not self.marks or self.buffer[self.marks[-1]] != mark:
            return  # a stray end tag, or one closing another kind: no markup
        start = self.marks.pop()
        if "".join(self.buffer[start + 1 :]).strip():
            self.buffer.append(mark)
        else:
            del self.buffer[start]

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.buffer.append(data)


def blocks(html: str) -> list[Block]:
    """The paragraphs and list items of a description, as text with *x* / **x** markup."""
    parser = _Parser()
    # HTML that was escaped once more ("&lt;p&gt;...") has no tags of its own: decode first.
    parser.feed(unescape(html) if "&" in html and "<" not in html else html)
    parser.close()
    parser.flush()
    return parser.blocks


# Headings of the corpus's descriptions in its languages, lower case, without the colon.
# "steps" and "notes" headings route what follows and are dropped (the handout prints its
# own heading); a "start" label is kept in front of the step it introduces.
HEADINGS: dict[str, str] = {
    **dict.fromkeys(
        ["steps", "instructions", "execution", "how to", "how to do it", "directions",
         "schritte", "die schritte", "ausführung", "anleitung",
         "instrucciones", "pasos", "ejecución", "cómo realizarlo",
         "βήματα", "οδηγίες", "εκτέλεση", "步骤", "脚步", "动作", "خطوات", "الخطوات",
         "langkah", "langkah-langkah", "passos", "instruções", "execução", "passi",
         "esecuzione", "istruzioni", "stappen", "uitvoering", "étapes", "exécution",
         "kroky", "provedení", "adımlar", "шаги", "выполнение", "kroki", "wykonanie"],
        "steps",
    ),
    **dict.fromkeys(
        ["tips", "tip", "notes", "note", "comments", "tipps", "hinweise", "anmerkungen",
         "notizen", "consejos", "notas", "συμβουλές", "σημειώσεις", "提示", "注意",
         "注意事项", "نصائح", "ملاحظات", "ملحوظات", "ملاحظة", "تلاحظ", "catatan", "dicas",
         "suggerimenti", "consigli", "opmerkingen", "conseils", "remarques", "poznámky",
         "tipy", "notlar", "ipuçları", "советы", "примечания", "wskazówki", "uwagi"],
        "notes",
    ),
    **dict.fromkeys(
        ["starting position", "start position", "setup", "set up", "ausgangsposition",
         "startposition", "posición inicial", "θέση εκκίνησης", "起始姿势", "起始位置",
         "وضع البداية", "posisi awal", "posição inicial", "posicão inicial",
         "posizione di partenza", "beginpositie", "startpositie", "position de départ",
         "výchozí pozice", "výchozí poloha", "başlangıç durumu", "başlangıç pozisyonu",
         "исходное положение", "pozycja wyjściowa"],
        "start",
    ),
}  # fmt: skip
_COLON = re.compile(r"\s*[:：]\s*")


def heading(text: str) -> str | None:
    """What a block that is only a heading ("Steps:", "**Tips:**", "步骤：") announces."""
    plain = text.strip("* ").strip()
    if len(plain) > 40 or not re.search(r"[:：]$", plain):
        return None
    return HEADINGS.get(_COLON.sub("", plain).strip("* ").lower())


def trailing_heading(text: str) -> tuple[str, str | None]:
    """A block that ends with a heading ("... touching the floor. **Steps:**"): the text
    before it, and what the heading announces ("steps" or "notes")."""
    parts = re.split(r"(?<=[.!?。])\s*", text)
    label = heading(parts[-1].strip()) if len(parts) > 1 else None
    if label not in ("steps", "notes"):
        return text, None
    return text[: len(text) - len(parts[-1])].rstrip(), label


def _inline(text: str) -> str | None:
    """What a block that starts with a heading and goes on ("Tips: keep ...") is."""
    head = _COLON.split(text.lstrip("* "), maxsplit=1)
    if len(head) != 2 or not head[1].strip() or len(head[0]) > 40:
        return None
    return HEADINGS.get(head[0].strip("* ").lower())


def routine_fields(entry: dict[str, Any]) -> dict[str, Any]:
    """The routine, as a mapping ready to dump, from one corpus entry."""
    parts = blocks(entry.get("description_html") or "")
    has_ol = any(b.kind == "ol" for b in parts)
    summary: list[str] = []
    steps: list[str] = []
    notes: list[str] = []
    target: str | None = None
    prefix = ""  # a "Starting position:" label, for the next block
    seen_list = False
    for block in parts:
        label = heading(block.text)
        if label == "start":
            prefix += block.text.strip("* ") + " "
            target = "steps"
            continue
        if label is not None:
            target = label
            continue
        body, then = trailing_heading(block.text)
        text, prefix = prefix + body, ""
        inline = _inline(block.text)
        if inline == "start":
            target = "steps"
        if inline == "notes" and block.kind == "p":
            notes.append(text)
        elif block.kind == "ol" or (block.kind == "ul" and not has_ol and target != "notes"):
            (notes if target == "notes" else steps).append(text)
            seen_list = True
        elif block.kind == "ul":
            notes.append(text)
        elif target is not None:
            (steps if target == "steps" else notes).append(text)
        elif seen_list:
            notes.append(text)
        else:
            summary.append(text)
        target = then or target
    if prefix:  # a label with nothing after it: keep its words
        (steps if steps else summary).append(prefix.strip())
    if not steps and summary:  # prose only: each paragraph is a step
        steps, summary = summary, []
    notes += [
        re.sub(r"\s+", " ", c).strip() for c in entry.get("comments") or [] if c and c.strip()
    ]
    out: dict[str, Any] = {"title": (entry.get("name") or "").strip() or "Untitled exercise"}
    if entry.get("category"):
        out["category"] = entry["category"]
    if summary:
        out["summary"] = " ".join(summary)
    equipment = [e for e in entry.get("equipment") or [] if e and e != BODYWEIGHT]
    if equipment:
        out["equipment"] = equipment
    out["steps"] = steps or [out["title"]]
    if notes:
        out["notes"] = notes
    out["language"] = entry.get("lang") or "en"
    out["source"] = f"wger.de exercise {entry.get('uuid', '')}".strip()
    out["author"] = author(entry)
    out["license"] = licence(entry)
    return out


def author(entry: dict[str, Any]) -> str:
    return (entry.get("author") or "").strip() or "wger.de contributors"


def licence(entry: dict[str, Any]) -> str:
    given = (entry.get("license") or "").strip()
    if given == "CC0":
        return "CC0 1.0"
    return re.sub(r"^(CC-BY(?:-SA)?) (\d)$", r"\1 \2.0", given) or "CC-BY-SA 4.0"


def _letters(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def skip_reason(entry: dict[str, Any]) -> str | None:
    """Why an entry gives no routine worth printing, or None."""
    if not (entry.get("name") or "").strip():
        return "it has no name"
    parts = blocks(entry.get("description_html") or "")
    text = _letters(" ".join(b.text for b in parts))
    if not text:
        comments = [c for c in entry.get("comments") or [] if c and c.strip()]
        more = f" (and {len(comments)} comment(s) alone are no steps)" if comments else ""
        return "its description has no text" + more
    name = _letters(entry["name"])
    if name and text == name * (len(text) // len(name)):
        return "its description only repeats its name"
    return None


def to_yaml(entry: dict[str, Any]) -> str:
    fields = routine_fields(entry)
    header = (
        f"# Imported from the wger exercise database ({fields['license']}); "
        f"author: {fields['author']}.\n"
    )
    return header + dump(fields)


def routine_id(entry: dict[str, Any]) -> str:
    """`wger-` and the name's slug; a name with no Latin letters takes the uuid instead."""
    name = slug(entry.get("name") or "")
    if name == "exercise" and _letters(entry.get("name") or "") != "exercise":
        name = str(entry.get("uuid") or "")[:8].lower() or name
    return f"wger-{name}"


# -- a whole export -------------------------------------------------------------------


def load_entries(path: Path) -> list[dict[str, Any]]:
    """The entries of a wger JSON export (a list of objects); one problem line otherwise."""
    from . import read_text_file

    where = shown(path)
    text = read_text_file(path, limit=MAX_EXPORT_BYTES)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError([Problem(where, exc.lineno, exc.colno, f"not JSON: {exc.msg}")]) from None
    if not isinstance(data, list) or not all(isinstance(e, dict) for e in data):
        raise DataError([Problem(where, 1, 1, "not a wger export: expected a list of exercises")])
    return data


@dataclass
class Skipped:
    number: int  # 1-based position in the export
    entry: dict[str, Any]
    reason: str

    def line(self, where: str) -> str:
        uuid = str(self.entry.get("uuid") or "")[:8]
        name = printable(str(self.entry.get("name") or "").strip())[:60]
        lang = printable(str(self.entry.get("lang") or "?"))
        return f"{where}: entry {self.number} ({lang}, {uuid} '{name}'): skipped: {self.reason}"


@dataclass
class WgerImport:
    written: list[Path] = field(default_factory=list)
    schemas: list[Path] = field(default_factory=list)  # schema files written beside them
    skipped: list[Skipped] = field(default_factory=list)
    imported: Counter[str] = field(default_factory=Counter)  # per language
    not_imported: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        """One line: how many were imported and skipped, in all and per language."""
        langs = sorted(
            set(self.imported) | set(self.not_imported),
            key=lambda lang: (-self.imported[lang] - self.not_imported[lang], lang),
        )
        each = "; ".join(
            f"{lang} {self.imported[lang]} imported, {self.not_imported[lang]} skipped"
            for lang in langs
        )
        total = f"{sum(self.imported.values())} imported, {sum(self.not_imported.values())} skipped"
        return f"{total} ({each})" if each else total


def _wanted(values: Iterable[str]) -> set[str]:
    return {v.strip().lower() for given in values for v in given.split(",") if v.strip()}


def select(
    entries: Sequence[dict[str, Any]],
    where: str,
    langs: Iterable[str] = (),
    categories: Iterable[str] = (),
    uuids: Iterable[str] = (),
) -> list[tuple[int, dict[str, Any]]]:
    """The entries asked for, with their place in the export; a filter that matches
    nothing is one problem line naming what there is."""
    picks = [(n, e) for n, e in enumerate(entries, start=1)]
    for name, key, wanted in (
        ("language", "lang", _wanted(langs)),
        ("category", "category", _wanted(categories)),
    ):
        if not wanted:
            continue
        present = {str(e.get(key) or "").lower() for _, e in picks}
        unknown = sorted(wanted - present)
        if unknown:
            there = ", ".join(sorted(p for p in present if p)) or "none"
            raise DataError(
                [Problem(where, 1, 1, f"no {name} {', '.join(unknown)} in this export "
                         f"(it has: {there})")]
            )  # fmt: skip
        picks = [(n, e) for n, e in picks if str(e.get(key) or "").lower() in wanted]
    prefixes = _wanted(uuids)
    if prefixes:
        picks = [
            (n, e) for n, e in picks if any(str(e.get("uuid", "")).startswith(p) for p in prefixes)
        ]
        if not picks:
            raise DataError([Problem(where, 1, 1, "no exercise with that uuid in this export")])
    return picks


def import_entries(
    picks: Sequence[tuple[int, dict[str, Any]]], out_dir: Path, where: str
) -> WgerImport:
    """Write one routine file per usable entry into `out_dir`, never over a file.

    An entry already imported there (a file naming its uuid) is skipped; another routine
    with the same name gets the uuid's first characters after its name.
    """
    result = WgerImport()
    for number, entry in picks:
        lang = str(entry.get("lang") or "?")
        reason = skip_reason(entry) if entry.get("uuid") else "it has no uuid"
        path: Path | None = None
        if reason is None:
            rid = routine_id(entry)
            for candidate in (rid, f"{rid}-{str(entry['uuid'])[:8].lower()}"):
                path = out_dir / f"{candidate}.yaml"
                text = to_yaml(entry)
                problems = check_routine_text(text, where, candidate)
                if problems:
                    reason = problems[0].message.removeprefix("the imported routine ")
                    break
                if write_new_file(path, text):
                    break
                if str(entry["uuid"]) in path.read_text(encoding="utf-8", errors="replace"):
                    reason = f"already imported as {shown(path)}"
                    break
            else:
                reason = f"{shown(path)} is there already"  # type: ignore[arg-type]
        if reason is None and path is not None:
            result.written.append(path)
            result.imported[lang] += 1
        else:
            result.skipped.append(Skipped(number, entry, str(reason)))
            result.not_imported[lang] += 1
    result.schemas = ensure_schema_files(result.written)
    return result


def run(
    export: Path,
    out_dir: Path,
    langs: Iterable[str] = (),
    categories: Iterable[str] = (),
    uuids: Iterable[str] = (),
) -> WgerImport:
    """`handouts import wger`: the export read whole (a bad file writes nothing), then
    one routine per usable entry asked for."""
    where = shown(export)
    picks = select(load_entries(export), where, langs, categories, uuids)
    return import_entries(picks, out_dir, where)
