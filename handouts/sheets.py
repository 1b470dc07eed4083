"""Drawing a placement plan (handouts.impose) onto sheets: the only module writing with pypdf.

Each source page becomes one Form XObject, made once and reused, and each sheet side is a
short content stream of `q <matrix> cm <clip> re W n /Xn Do Q` operators. Source content is
never re-parsed (pypdf's merge_transformed_page does, and for a 1,000-page book that took
longer than building the book).
"""

from __future__ import annotations

import hashlib
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    RectangleObject,
)

from .impose import Flip, Placement, SheetSide

MM = 72 / 25.4
MARK_OFFSET = 3 * MM
"""Crop marks start this far from the trim (PRINT-AND-PATIENTS.md: about 3 mm)."""
MARK_LENGTH = 6 * MM
"""and are about 6 mm long."""
MARK_ROOM = MARK_OFFSET + 3 * MM
"""Margin a grid keeps free around its cards so that marks stay printable."""
MARK_WIDTH = 0.25


@dataclass(frozen=True)
class Marks:
    crop: bool = True
    fold: bool = False  # a dashed mark at the spine, above and below the pages (booklets)
    bleed: float = 0.0  # how far each placed page shows beyond its trim


def _n(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _trim(page: PageObject) -> tuple[float, float, float, float]:
    box = page.trimbox if "/TrimBox" in page else page.mediabox
    return (float(box.left), float(box.bottom), float(box.right), float(box.top))


def _form(writer: PdfWriter, page: PageObject) -> IndirectObject:
    """The page as a Form XObject in `writer`: its content, resources and media box."""
    contents = page.get_contents()
    form = DecodedStreamObject()
    form.set_data(contents.get_data() if contents is not None else b"")
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    media = page.mediabox
    form[NameObject("/BBox")] = ArrayObject(
        FloatObject(v) for v in (media.left, media.bottom, media.right, media.top)
    )
    resources = page.get("/Resources")
    if resources is not None:
        form[NameObject("/Resources")] = resources.get_object().clone(writer)
    return writer._add_object(form.flate_encode())


def _matrix(p: Placement, trim: tuple[float, float, float, float]) -> list[float]:
    """Maps source coordinates so that the trim box's centre lands on the placement's centre,
    turned `p.rotation` degrees counter-clockwise."""
    tx, ty = (trim[0] + trim[2]) / 2, (trim[1] + trim[3]) / 2
    cx, cy = p.x + p.width / 2, p.y + p.height / 2
    a = math.radians(p.rotation)
    cos, sin = round(math.cos(a), 9), round(math.sin(a), 9)
    return [cos, sin, -sin, cos, cx - (cos * tx - sin * ty), cy - (sin * tx + cos * ty)]


def _crop_marks(
    boxes: Sequence[tuple[float, float, float, float]], width: float, height: float, bleed: float
) -> list[str]:
    """Marks in line with every cut, outside the block of items (never over an item)."""
    if not boxes:
        return []
    left = min(b[0] for b in boxes)
    bottom = min(b[1] for b in boxes)
    right = max(b[2] for b in boxes)
    top = max(b[3] for b in boxes)
    offset = max(MARK_OFFSET, bleed + 1)
    ops: list[str] = []

    def seg(x0: float, y0: float, x1: float, y1: float) -> None:
        x0, x1 = max(0.0, min(x0, width)), max(0.0, min(x1, width))
        y0, y1 = max(0.0, min(y0, height)), max(0.0, min(y1, height))
        if abs(x1 - x0) + abs(y1 - y0) > 1:
            ops.append(f"{_n(x0)} {_n(y0)} m {_n(x1)} {_n(y1)} l S")

    for x in sorted({round(v, 3) for b in boxes for v in (b[0], b[2])}):
        seg(x, top + offset, x, top + offset + MARK_LENGTH)
        seg(x, bottom - offset, x, bottom - offset - MARK_LENGTH)
    for y in sorted({round(v, 3) for b in boxes for v in (b[1], b[3])}):
        seg(left - offset, y, left - offset - MARK_LENGTH, y)
        seg(right + offset, y, right + offset + MARK_LENGTH, y)
    return ops


def _fold_marks(
    boxes: Sequence[tuple[float, float, float, float]], width: float, height: float
) -> list[str]:
    if not boxes:
        return []
    spine = width / 2
    top = max(b[3] for b in boxes)
    bottom = min(b[1] for b in boxes)
    ops = ["[2 2] 0 d"]
    if height - top > MARK_OFFSET:
        ops.append(
            f"{_n(spine)} {_n(top + MARK_OFFSET)} m "
            f"{_n(spine)} {_n(min(height, top + MARK_OFFSET + MARK_LENGTH))} l S"
        )
    if bottom > MARK_OFFSET:
        ops.append(
            f"{_n(spine)} {_n(bottom - MARK_OFFSET)} m "
            f"{_n(spine)} {_n(max(0.0, bottom - MARK_OFFSET - MARK_LENGTH))} l S"
        )
    ops.append("[] 0 d")
    return ops


def impose(
    source: bytes,
    plan: Sequence[SheetSide],
    sheet_size: tuple[float, float],
    marks: Marks = Marks(),
    duplex: Flip | None = None,
) -> bytes:
    """Sheets for `plan`, each page of `source` placed by its trim box. Deterministic bytes."""
    reader = PdfReader(io.BytesIO(source))
    writer = PdfWriter()
    width, height = sheet_size
    forms: dict[int, IndirectObject] = {}
    trims = [_trim(p) for p in reader.pages]
    for side in plan:
        sheet = writer.add_blank_page(width, height)
        xobjects = DictionaryObject()
        ops: list[str] = []
        boxes: list[tuple[float, float, float, float]] = []
        for p in side.placements:
            if p.page is None:
                continue
            if p.page not in forms:
                forms[p.page] = _form(writer, reader.pages[p.page])
            name = f"/P{p.page}"
            xobjects[NameObject(name)] = forms[p.page]
            trim = trims[p.page]
            m = _matrix(p, trim)
            b = marks.bleed
            clip = (trim[0] - b, trim[1] - b, trim[2] - trim[0] + 2 * b, trim[3] - trim[1] + 2 * b)
            ops.append(
                "q " + " ".join(_n(v) for v in m) + " cm "
                + " ".join(_n(v) for v in clip) + f" re W n {name} Do Q"
            )  # fmt: skip
            boxes.append((p.x, p.y, p.x + p.width, p.y + p.height))
        if marks.crop or marks.fold:
            ops.append(f"q 0 G {_n(MARK_WIDTH)} w")
            if marks.crop:
                ops += _crop_marks(boxes, width, height, marks.bleed)
            if marks.fold:
                ops += _fold_marks(boxes, width, height)
            ops.append("Q")
        content = DecodedStreamObject()
        content.set_data(("\n".join(ops) + "\n").encode("ascii"))
        sheet[NameObject("/Contents")] = writer._add_object(content.flate_encode())
        sheet[NameObject("/Resources")] = DictionaryObject(
            {
                NameObject("/XObject"): xobjects,
                NameObject("/ProcSet"): ArrayObject(
                    [NameObject("/PDF"), NameObject("/Text"), NameObject("/ImageC")]
                ),
            }
        )
        sheet.mediabox = RectangleObject((0, 0, width, height))
    prefs = DictionaryObject({NameObject("/PrintScaling"): NameObject("/None")})
    if duplex in ("long", "short"):
        edge = "/DuplexFlipLongEdge" if duplex == "long" else "/DuplexFlipShortEdge"
        prefs[NameObject("/Duplex")] = NameObject(edge)
    writer._root_object[NameObject("/ViewerPreferences")] = prefs
    if reader.metadata:
        writer.add_metadata(
            {
                k: str(v)
                for k, v in reader.metadata.items()
                if k in ("/Title", "/Author", "/Subject", "/Creator")
            }
        )
    lang = reader.root_object.get("/Lang")
    if lang is not None:
        writer._root_object[NameObject("/Lang")] = lang
    digest = hashlib.md5(source + repr(plan).encode() + repr(sheet_size).encode()).digest()
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
