"""Booklet manifests (`data/booklets/<name>.yaml`): which routines, in which sections.

A booklet may also come from the command line (a title and routine ids) or from following
routines' previous/next chain. No ReportLab here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePath

from .check import LONG, Checker, Text
from .library import (
    check_known_ids,
    image_check,
    is_yaml_name,
    not_yaml,
    unknown_ids,
    yaml_files,
)
from .model import Image, ImageCheck, Routine, image_from_node
from .output import shown
from .schema import BOOKLET
from .yamlsrc import Node, read_yaml

BOOKLET_FIELDS: dict[str, int] = BOOKLET.limits()
"""Every key a manifest may have, with the most characters one text in it may hold
(declared in schema.py)."""
BOOKLET_KEYS = BOOKLET.keys
SECTION = BOOKLET.item("sections")
CLINIC_OVERRIDE = BOOKLET.field("clinic")


@dataclass(frozen=True)
class Section:
    title: Text | None  # None: routines listed without a section heading
    routine_ids: tuple[Text, ...]


@dataclass(frozen=True)
class Booklet:
    name: str
    path: str
    title: Text
    sections: tuple[Section, ...]
    subtitle: Text | None = None
    intro: Text | None = None
    layout: str | None = None
    cover_image: Image | None = None
    back_cover: Text | None = None
    clinic: dict[str, Text] = field(default_factory=dict)

    def routine_ids(self) -> list[Text]:
        return [rid for s in self.sections for rid in s.routine_ids]

    def texts(self) -> list[Text]:
        out = [self.title]
        out += [t for t in (self.subtitle, self.intro, self.back_cover) if t is not None]
        out += [s.title for s in self.sections if s.title is not None]
        if self.cover_image is not None and self.cover_image.caption is not None:
            out.append(self.cover_image.caption)
        return out + list(self.clinic.values())


def _ids(c: Checker, node: Node, what: str) -> list[Text]:
    limit = BOOKLET_FIELDS["routines"]
    # an id cannot hold ' #', so a comment after one drops nothing
    return c.seq(
        node, what, lambda n, i: c.text(n, f"{what}[{i + 1}]", limit=limit, prose=False), limit=1000
    )


def booklet_from_node(
    c: Checker,
    root: Node,
    name: str,
    path: str,
    known: dict[str, Path] | None = None,
    check_image: ImageCheck | None = None,
) -> Booklet | None:
    """The manifest's booklet, or None with every problem in `c`: with `known` (the
    library's routine files), ids that name no routine are among them."""
    keys = c.mapping(root, BOOKLET_KEYS, BOOKLET.required_keys, what=BOOKLET.what)
    title = (
        c.text(keys["title"], "title", limit=BOOKLET_FIELDS["title"]) if "title" in keys else None
    )
    sections: list[Section] = []
    if "routines" in keys and "sections" in keys:
        c.error(keys["sections"], "give either 'routines' or 'sections', not both")
    elif "routines" in keys:
        sections.append(Section(None, tuple(_ids(c, keys["routines"], "routines"))))
    elif "sections" in keys:

        def section(node: Node, i: int) -> Section | None:
            what = f"sections[{i + 1}]"
            sk = c.mapping(node, SECTION.keys, SECTION.required_keys, what=what)
            if "title" not in sk or "routines" not in sk:
                return None
            stitle = c.text(sk["title"], f"{what}.title", limit=BOOKLET_FIELDS["sections"])
            return Section(stitle, tuple(_ids(c, sk["routines"], f"{what}.routines")))

        sections = c.seq(keys["sections"], "sections", section)
    else:
        c.error(root, "missing 'routines' (a list of routine ids) or 'sections'")
    if sections and not any(s.routine_ids for s in sections) and not c.problems:
        where = keys.get("routines") or keys.get("sections") or root
        c.error(where, "the booklet lists no routines")
    if known is not None:
        c.problems += unknown_ids(path, [i for s in sections for i in s.routine_ids], known)
    values: dict[str, object] = {}
    for key in (f.name for f in BOOKLET.fields if f.kind == "text" and not f.required):
        if key in keys:
            value = c.text(keys[key], key, limit=BOOKLET_FIELDS[key])
            values[key] = str(value) if key == "layout" and value else value
    if "cover_image" in keys:
        values["cover_image"] = image_from_node(
            c, keys["cover_image"], "cover_image", check_image, limit=BOOKLET_FIELDS["cover_image"]
        )
    if "clinic" in keys:
        ck = c.mapping(keys["clinic"], CLINIC_OVERRIDE.keys, what="clinic")
        clinic = {
            k: c.text(v, f"clinic.{k}", limit=CLINIC_OVERRIDE.sub(k).text_limit(LONG))
            for k, v in ck.items()
        }
        values["clinic"] = {k: v for k, v in clinic.items() if v is not None}
    if title is None or c.problems:
        return None
    return Booklet(name, path, title, tuple(sections), **values)  # type: ignore[arg-type]


def load_booklet(path: Path, known: dict[str, Path] | None = None) -> Booklet:
    """A manifest, checked: its cover picture, and with `known` its routine ids, too; every
    problem in one DataError."""
    if not is_yaml_name(path) and path.is_file():
        raise not_yaml(path)
    src = read_yaml(path, shown(path))
    c = Checker(src.path)
    booklet = booklet_from_node(c, src.root, path.stem, src.path, known, image_check(path))
    c.done()
    assert booklet is not None
    return booklet


def check_routine_ids(booklet: Booklet, known: dict[str, Path]) -> None:
    check_known_ids(booklet.path, booklet.routine_ids(), known)


def booklet_from_ids(title: str, ids: list[str]) -> Booklet:
    """`handouts booklet --title T ROUTINE...`"""
    where = "<command line>"
    texts = tuple(Text(i, where, 1, 1) for i in ids)
    return Booklet(
        PurePath(ids[0]).stem + "-booklet" if ids else "booklet",
        where,
        Text(title, where, 1, 1),
        (Section(None, texts),),
    )


def follow_chain(start: Routine, routines: dict[str, Routine]) -> list[str]:
    """Ids from the first routine of `start`'s previous/next chain to its last, no repeats."""
    first = start
    seen = {start.id}
    while first.previous is not None and str(first.previous) in routines:
        prev = routines[str(first.previous)]
        if prev.id in seen:
            break
        seen.add(prev.id)
        first = prev
    chain = [first.id]
    current = first
    while current.next is not None and str(current.next) in routines:
        nxt = routines[str(current.next)]
        if nxt.id in chain:
            break
        chain.append(nxt.id)
        current = nxt
    return chain


def booklet_files(data_dir: Path) -> dict[str, Path]:
    return yaml_files(data_dir / "booklets")
