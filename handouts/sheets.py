"""Drawing a placement plan (handouts.impose) onto sheets: the only module writing with pypdf.

Each source page used becomes one Form XObject, made once and reused on every sheet that
shows it, and each sheet side is a short content stream written here:

    q <clip> re W n  <matrix> cm  <trim + bleed> re W n  /Pn Do  Q

Source content streams are decoded and copied once, never parsed (pypdf's
merge_transformed_page parses and rewrites every page, which for a 1,000-page book took
longer than building the book).

Output is deterministic: the same source, plan and options give the same bytes (no
dates; the file /ID is a hash of the inputs).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.annotations import Link
from pypdf.constants import PageLabelStyle
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    RectangleObject,
    StreamObject,
    TextStringObject,
)

from .impose import MARK_LENGTH as MARK_LENGTH  # the marks' sizes, for callers of sheets
from .impose import MARK_OFFSET as MARK_OFFSET
from .impose import MARK_ROOM as MARK_ROOM
from .impose import (
    MARK_WIDTH,
    Box,
    Flip,
    Line,
    Matrix,
    Placement,
    SheetSide,
    crop_mark_lines,
    fold_mark_lines,
    page_matrix,
)


@dataclass(frozen=True)
class Marks:
    """What to draw besides the pages, and how far each page shows beyond its trim.

    crop: thin lines in line with every cut, outside the block of items and its bleed,
        never over an item. With `fold` set, a side is one folded spread: only its outer
        edges are cuts (the spine is a fold, and creep moves pages, not cuts).
    fold: a short dashed line at the spine above and below the pages (booklets).
    bleed: how far each placed page shows beyond its trim box on each side; the caller
        keeps it within half the gutter so that neighbours do not overlap.
    """

    crop: bool = True
    fold: bool = False
    bleed: float = 0.0


@dataclass(frozen=True)
class _Source:
    trim: Box  # in the page's own (unrotated) coordinates
    rotate: int  # the page's /Rotate, clockwise, as PDF defines it


def _n(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _source(page: PageObject) -> _Source:
    box = page.trimbox if "/TrimBox" in page else page.mediabox
    rotate = int(page.get("/Rotate", 0)) % 360
    if rotate not in (0, 90, 180, 270):
        raise ValueError(f"page /Rotate {rotate} is not a multiple of 90")
    return _Source((float(box.left), float(box.bottom), float(box.right), float(box.top)), rotate)


def _content(page: PageObject) -> bytes:
    """The page's content, decoded; an array of streams is joined as PDF reads it."""
    contents = page.get("/Contents")
    if contents is None:
        return b""
    obj = contents.get_object()
    streams = list(obj) if isinstance(obj, ArrayObject) else [obj]
    parts = []
    for item in streams:
        stream = item.get_object()
        if not isinstance(stream, StreamObject):
            raise ValueError("a page's /Contents holds something that is not a stream")
        parts.append(stream.get_data())
    return b"\n".join(parts)


def _form(writer: PdfWriter, page: PageObject, shared: dict[str, IndirectObject]) -> IndirectObject:
    """The page as a Form XObject in `writer`: its content, resources and media box.

    A page drawn by one content stream (as ReportLab and pypdf write them) keeps that
    stream's bytes as they are, still compressed: the form is a copy of the stream with the
    form's keys added, so nothing is decoded, parsed or compressed again. Several streams
    are decoded and joined into one, as PDF reads them.

    Pages whose resources read the same (ReportLab gives every page its own copy of one
    small dictionary) share one copy in `writer`, keyed by that text in `shared`."""
    contents = page.get("/Contents")
    obj = contents.get_object() if contents is not None else None
    if isinstance(obj, StreamObject):
        form = obj.clone(writer, force_duplicate=True)
    else:
        joined = DecodedStreamObject()
        joined.set_data(_content(page))
        form = joined.flate_encode()
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    media = page.mediabox
    form[NameObject("/BBox")] = ArrayObject(
        FloatObject(v) for v in (media.left, media.bottom, media.right, media.top)
    )
    for key in ("/Resources", "/Group"):
        value = page.get(key)
        if value is None:
            continue
        text = f"{key} {value.get_object()!r}"  # indirect objects show their numbers
        if text not in shared:
            shared[text] = writer._add_object(value.get_object().clone(writer))
        form[NameObject(key)] = shared[text]
    ref = getattr(form, "indirect_reference", None)  # a clone is in the writer already
    if isinstance(ref, IndirectObject) and ref.pdf is writer:
        return ref
    return writer._add_object(form)


def _matrix(p: Placement, source: _Source) -> Matrix:
    """Source page coordinates -> sheet (impose.page_matrix, the page's /Rotate undone)."""
    return page_matrix(p, source.trim, source.rotate)


def _rect(box: Box) -> str:
    left, bottom, right, top = box
    return f"{_n(left)} {_n(bottom)} {_n(right - left)} {_n(top - bottom)} re W n"


def _draw(p: Placement, name: str, source: _Source, bleed: float) -> str:
    left, bottom, right, top = source.trim
    ops = ["q"]
    if p.clip is not None:
        ops.append(_rect(p.clip))
    ops.append(" ".join(_n(v) for v in _matrix(p, source)) + " cm")
    ops.append(_rect((left - bleed, bottom - bleed, right + bleed, top + bleed)))
    ops.append(f"{name} Do Q")
    return " ".join(ops)


def _segments(lines: Sequence[Line]) -> list[str]:
    return [f"{_n(x0)} {_n(y0)} m {_n(x1)} {_n(y1)} l S" for x0, y0, x1, y1 in lines]


def _crop_marks(
    boxes: Sequence[Box], width: float, height: float, bleed: float, spread: bool
) -> list[str]:
    """Marks in line with every cut, outside the block of items (impose.crop_mark_lines)."""
    return _segments(crop_mark_lines(boxes, width, height, bleed, spread))


def _fold_marks(boxes: Sequence[Box], width: float, height: float) -> list[str]:
    """A dashed line at the spine, above and below the pages (impose.fold_mark_lines)."""
    if not boxes:
        return []
    return ["[2 2] 0 d", *_segments(fold_mark_lines(boxes, width, height)), "[] 0 d"]


def _stream(writer: PdfWriter, data: bytes) -> IndirectObject:
    content = DecodedStreamObject()
    content.set_data(data)
    return writer._add_object(content.flate_encode())


def impose(
    source: bytes,
    plan: Sequence[SheetSide],
    sheet_size: tuple[float, float],
    marks: Marks = Marks(),
    duplex: Flip | None = None,
    document: PdfReader | PdfWriter | None = None,
) -> bytes:
    """Sheets for `plan`: one output page per SheetSide, `sheet_size` each.

    `document` is `source` already in memory (the writer join_parts wrote it with, see
    Joined.document): its pages are copied from there instead of parsing `source` again,
    with the same bytes as a result.

    Each placed page of `source` lands by its trim box (TrimBox, else MediaBox), shows
    `marks.bleed` beyond it and nothing further. `duplex` "long" or "short" asks the
    printer for that flip (/ViewerPreferences /Duplex); print scaling is always off, so
    cards print at their true size. Deterministic bytes.
    """
    if marks.bleed < 0:
        raise ValueError("bleed cannot be negative")
    reader = document if document is not None else PdfReader(io.BytesIO(source))
    n_pages = len(reader.pages)
    writer = PdfWriter()
    width, height = sheet_size
    forms: dict[int, IndirectObject] = {}
    shared: dict[str, IndirectObject] = {}
    sources: dict[int, _Source] = {}
    for side in plan:
        xobjects = DictionaryObject()
        ops: list[str] = []
        for p in side.placements:
            if p.page is None:
                continue
            if not 0 <= p.page < n_pages:
                raise ValueError(f"the plan places page {p.page + 1} of a {n_pages}-page PDF")
            if p.page not in forms:
                page = reader.pages[p.page]
                sources[p.page] = _source(page)
                forms[p.page] = _form(writer, page, shared)
            name = f"/P{p.page}"
            xobjects[NameObject(name)] = forms[p.page]
            ops.append(_draw(p, name, sources[p.page], marks.bleed))
        if (marks.crop or marks.fold) and side.placements:
            boxes = [p.box for p in side.placements]  # blank pages keep their place
            ops.append(f"q 0 G {_n(MARK_WIDTH)} w")
            if marks.crop:
                ops += _crop_marks(boxes, width, height, marks.bleed, spread=marks.fold)
            if marks.fold:
                ops += _fold_marks(boxes, width, height)
            ops.append("Q")
        sheet = writer.add_blank_page(width, height)
        sheet[NameObject("/Contents")] = _stream(writer, ("\n".join(ops) + "\n").encode("ascii"))
        sheet[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
        sheet.mediabox = RectangleObject((0, 0, width, height))
    prefs = DictionaryObject({NameObject("/PrintScaling"): NameObject("/None")})
    if duplex in ("long", "short"):
        edge = "/DuplexFlipLongEdge" if duplex == "long" else "/DuplexFlipShortEdge"
        prefs[NameObject("/Duplex")] = NameObject(edge)
    writer._root_object[NameObject("/ViewerPreferences")] = prefs
    metadata = reader.metadata
    if metadata:
        writer.add_metadata(
            {
                k: str(v)
                for k, v in metadata.items()
                if k in ("/Title", "/Author", "/Subject", "/Creator")
            }
        )
    lang = reader.root_object.get("/Lang")
    if lang is not None:
        writer._root_object[NameObject("/Lang")] = lang
    inputs = repr((plan, sheet_size, marks, duplex)).encode()
    digest = hashlib.sha256(source + inputs).digest()[:16]
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# -- joining separately rendered parts into one book ---------------------------------------
@dataclass(frozen=True)
class Bookmark:
    """An outline entry: a page of a part (0-based), under an earlier entry or at the top."""

    title: str
    part: int
    page: int
    parent: int | None = None  # index of an earlier Bookmark


@dataclass(frozen=True)
class LinkSpot:
    """A rectangle on a page of one part that links to a page of another (0-based pages)."""

    part: int
    page: int
    rect: tuple[float, float, float, float]
    target_part: int
    target_page: int


@dataclass(frozen=True)
class Joined:
    pdf: bytes
    part_pages: tuple[int, ...]
    # The writer that wrote `pdf`, its pages still in memory: impose(document=...) copies
    # them from here rather than parsing `pdf` again (in process only; never pickled).
    document: PdfWriter | None = field(default=None, compare=False, repr=False)


LABEL_STYLES = {"roman": PageLabelStyle.LOWERCASE_ROMAN, "decimal": PageLabelStyle.DECIMAL}


def unique_subset_names(writer: PdfWriter) -> None:
    """Name every font subset after its own content.

    Each separately rendered part calls its first subset of DejaVu Sans `AAAAAA+DejaVuSans`,
    so a joined book would hold several different subsets under one name (preflight flags
    it; a RIP may print the wrong glyphs). The six letters become a digest of the subset's
    font program, character map and widths: the same name is the same font, and the bytes
    stay reproducible.
    """
    seen: set[int] = set()
    for page in writer.pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources is not None else None
        if fonts is None:
            continue
        for ref in fonts.get_object().values():
            font = ref.get_object()
            if id(font) in seen or not isinstance(font, DictionaryObject):
                continue
            seen.add(id(font))
            base = str(font.get("/BaseFont", "")).lstrip("/")  # "AAAAAA+DejaVuSans"
            descriptor = font.get("/FontDescriptor")
            if len(base) < 8 or base[6] != "+" or descriptor is None:
                continue
            descriptor = descriptor.get_object()
            digest = hashlib.sha256()
            for stream in (descriptor.get("/FontFile2"), font.get("/ToUnicode")):
                if stream is not None:
                    digest.update(stream.get_object().get_data())
            digest.update(repr(list(font.get("/Widths", []))).encode())
            tag = "".join(chr(65 + b % 26) for b in digest.digest()[:6])
            name = NameObject(f"/{tag}+{base[7:]}")
            font[NameObject("/BaseFont")] = name
            descriptor[NameObject("/FontName")] = name


def join_parts(
    parts: Sequence[bytes],
    labels: Sequence[str],
    bookmarks: Sequence[Bookmark],
    links: Sequence[LinkSpot],
    info: dict[str, str],
    lang: str,
) -> Joined:
    """One PDF of `parts` in order: page labels per part (a run of the same style goes on
    counting), an outline, links between pages, metadata, unique font subset names, and a
    file /ID made from the parts so that the bytes are reproducible."""
    writer = PdfWriter()
    readers = [PdfReader(io.BytesIO(part)) for part in parts]
    first: list[int] = []
    for reader in readers:
        first.append(len(writer.pages))
        for page in reader.pages:
            writer.add_page(page)
    unique_subset_names(writer)
    counts = tuple(len(r.pages) for r in readers)
    total = len(writer.pages)
    run_start = 0
    for i in range(len(parts)):
        if i + 1 == len(parts) or labels[i + 1] != labels[run_start]:
            last = (first[i + 1] if i + 1 < len(parts) else total) - 1
            writer.set_page_label(
                first[run_start], last, style=LABEL_STYLES[labels[run_start]], start=1
            )
            run_start = i + 1
    made: list[IndirectObject] = []
    for mark in bookmarks:
        parent = made[mark.parent] if mark.parent is not None else None
        made.append(
            writer.add_outline_item(
                title=mark.title, page_number=first[mark.part] + mark.page, parent=parent
            )
        )
    for spot in links:
        writer.add_annotation(
            page_number=first[spot.part] + spot.page,
            annotation=Link(
                rect=spot.rect,
                target_page_index=first[spot.target_part] + spot.target_page,
                border=[0, 0, 0],
            ),
        )
    writer.add_metadata(info)
    writer._root_object[NameObject("/Lang")] = TextStringObject(lang)
    writer._root_object[NameObject("/PageMode")] = NameObject("/UseOutlines")
    digest = hashlib.md5(b"".join(parts)).digest()
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])
    out = io.BytesIO()
    writer.write(out)
    return Joined(out.getvalue(), counts, writer)
