"""Pieces every product shares: styles from a layout, paragraphs, the numbered-page canvas,
and turning a story into PDF bytes reproducibly."""

from __future__ import annotations

import gc
import hashlib
import io
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate
from reportlab.platypus.doctemplate import BaseDocTemplate, LayoutError

from ..errors import Problem, RenderError
from ..images import image_bytes, prepare
from ..layout import Layout
from ..output import shown
from ..records import record
from .fonts import FontSet
from .text import Ink


@record
class Picture:
    """A picture by resolved absolute path and the sha256 of the bytes that print (as
    handouts.images prepares them: upright, 8-bit, no metadata).

    The PDF never sees the path: ReportLab names an image drawn from a file name after that
    name, so the same picture spelled `data/x.png` or `./data/../data/x.png` would give
    different bytes. Drawn from its content instead, the output depends on the picture only,
    not on how its path was written nor on the working folder.
    """

    path: str
    sha256: str

    def data(self) -> bytes:
        """The bytes to print; refused if the file changed since the job was made."""
        data = image_bytes(Path(self.path))
        if hashlib.sha256(data).hexdigest() != self.sha256:
            raise RenderError(
                [Problem(self.path, 1, 1, "picture changed after it was checked; run again")]
            )
        return data

    def reader(self) -> ImageReader:
        return ImageReader(io.BytesIO(self.data()))

    def size(self) -> tuple[float, float]:
        """Width and height in pixels as a viewer shows the picture."""
        prepared = prepare(Path(self.path))
        return float(prepared.width), float(prepared.height)


def picture_key(file: str, where: str) -> str:
    """How a job names one of a data file's pictures: `file` and `image` or `steps[2]`."""
    return f"{file}#{where}"


def layout_place(layout: Layout) -> str:
    """The layout file as messages show it: the place of labels and of the characters
    handouts prints itself."""
    return shown(Path(layout.source)) if layout.source else "layout"


def color(hex_value: str) -> colors.Color:
    return colors.HexColor(hex_value)


@record
class Styles:
    body: ParagraphStyle
    bullet: ParagraphStyle
    heading: ParagraphStyle
    title: ParagraphStyle
    kicker: ParagraphStyle
    small: ParagraphStyle
    number: ParagraphStyle
    caution_heading: ParagraphStyle
    caution: ParagraphStyle
    emphasis: str
    ink: Ink

    @property
    def fonts(self) -> FontSet:
        return self.ink.fonts

    def para(self, text: str, style: ParagraphStyle, **kw: Any) -> Paragraph:
        """A paragraph of user text: escaped, `*x*` and `**x**` honoured, every character
        in a font that draws it."""
        return self.ink.para(text, style, self.emphasis, **kw)

    def label(self, text: str, style: ParagraphStyle, **kw: Any) -> Paragraph:
        """A paragraph of layout text (labels): escaped, no author markup."""
        return self.ink.label_para(text, style, **kw)


def shaping_attrs(fonts: FontSet) -> dict[str, int]:
    """Paragraph style attributes for the job's fonts: HarfBuzz sets the words where they
    draw a script that must be shaped, and such words are never broken letter by letter
    (ReportLab would lose their shaping; see fonts.SHAPED_WORD_EM). Defaults otherwise."""
    return {"shaping": int(fonts.shaping), "splitLongWords": int(not fonts.shaping)}


def make_styles(layout: Layout, fonts: FontSet, scale: float = 1.0) -> Styles:
    t = layout.text
    c = layout.colors
    floor = t.min_size
    body_size = max(t.body_size * scale, floor)
    small_size = max(t.small_size * scale, floor)
    lead = t.leading
    align = TA_JUSTIFY if t.align == "justify" else TA_LEFT
    shaping = shaping_attrs(fonts)
    body = ParagraphStyle(
        "body", **shaping, fontName=fonts.regular, fontSize=body_size,
        leading=body_size * lead, textColor=color(c.text), alignment=align,
        spaceAfter=body_size * t.paragraph_space,
        allowWidows=0,  # a paragraph's last line never starts a page alone
    )  # fmt: skip
    bullet = ParagraphStyle(
        "bullet", parent=body, leftIndent=body_size * 1.3, bulletIndent=body_size * 0.2,
        bulletFontName=fonts.bold, bulletColor=color(c.accent), bulletFontSize=body_size,
    )  # fmt: skip
    heading = ParagraphStyle(
        "heading", **shaping, fontName=fonts.bold, fontSize=t.heading_size * scale,
        leading=t.heading_size * scale * 1.25, textColor=color(c.accent),
        spaceBefore=t.heading_size * scale * t.heading_space,
        spaceAfter=t.heading_size * scale * 0.35,
        keepWithNext=1,
    )  # fmt: skip
    title = ParagraphStyle(
        "title", **shaping, fontName=fonts.bold, fontSize=t.title_size * scale,
        leading=t.title_size * scale * 1.15, textColor=color(c.accent),
        spaceAfter=t.title_size * scale * 0.3, keepWithNext=1,
    )  # fmt: skip
    kicker = ParagraphStyle(
        "kicker", **shaping, fontName=fonts.bold, fontSize=small_size,
        leading=small_size * 1.3, textColor=color(c.accent),
        spaceAfter=2, keepWithNext=1,
    )  # fmt: skip
    small = ParagraphStyle(
        "small", parent=body, fontSize=small_size, leading=small_size * lead,
        textColor=color(c.muted),
    )  # fmt: skip
    number = ParagraphStyle(
        "number", **shaping, fontName=fonts.bold, fontSize=body_size * 1.35,
        leading=body_size * 1.35 * 1.1, textColor=color(c.accent),
    )  # fmt: skip
    caution_heading = ParagraphStyle(
        "caution_heading", parent=heading, textColor=color(c.caution_border), spaceBefore=0,
    )  # fmt: skip
    caution = ParagraphStyle("caution", parent=bullet, textColor=color(c.caution_text))
    return Styles(
        body, bullet, heading, title, kicker, small, number, caution_heading, caution,
        t.emphasis, Ink(fonts, layout_place(layout)),
    )  # fmt: skip


PageDrawer = Callable[[Canvas, int, int], None]
"""Draws running parts of page `n` of `total` (footer, header)."""


def numbered_canvas(
    draw: PageDrawer, first_page: Callable[[int], int] | None = None
) -> type[Canvas]:
    """A canvas class that knows the page count when it draws each page's running parts.
    `first_page`, told that count, gives the first page's number (default 1): a booklet's
    part learns it once the parts before it are set; the layout never depends on it."""

    class _Numbered(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            first = 1 if first_page is None else first_page(total)
            for number, state in enumerate(self._pages, start=first):
                self.__dict__.update(state)
                draw(self, number, total)
                Canvas.showPage(self)
            self._pages.clear()
            Canvas.save(self)

    return _Numbered


@record
class Meta:
    title: str
    author: str
    subject: str
    lang: str


class _KeepIfItFits(KeepTogether):  # type: ignore[misc]
    """ReportLab's keep-with-next group, except that a group taller than a whole page lets
    go of its members instead of trying again on every page.

    ReportLab regroups a keep-with-next paragraph that is followed by a container (a table,
    another KeepTogether) into a group of one; when that paragraph is taller than the frame
    (a title of a few hundred words) the group is split, regrouped and split again without
    end. Letting go makes the paragraph split like any other."""

    def split(self, aw: float, ah: float) -> list[Flowable]:
        parts: list[Flowable] = super().split(aw, ah)
        frame = getattr(self, "_frame", None)
        if frame is not None:
            room = frame._height - frame._topPadding - frame._bottomPadding  # a whole frame
            if self._H > room or (self._H > ah and getattr(frame, "_atTop", False)):
                for f in self._content:
                    f.__dict__["keepWithNext"] = 0
        return parts


class Document(SimpleDocTemplate):  # type: ignore[misc]
    """SimpleDocTemplate whose keep-with-next groups let go when they cannot fit a page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("keepTogetherClass", _KeepIfItFits)  # an init argument in ReportLab
        super().__init__(*args, **kwargs)


GC_THRESHOLD = (50_000, 50, 100)
"""The collector's thresholds while a document is set: a book makes millions of small objects
that live until their page is drawn, and the default (700, 10, 10) scans them again and
again. Restored when the last build in the process ends."""

_builds = 0
_saved: tuple[tuple[int, int, int], object] | None = None
_lock = threading.Lock()


@contextmanager
def build_settings() -> Iterator[None]:
    """While any document is being set in this process: ReportLab writes streams Flate-only
    (no ASCII85 layer: 15% smaller, and sheets.py copies them faster), and the collector
    runs rarely, with the objects that existed before the build frozen out of its scans.

    Both settings are process-wide, so they are taken by the first build that starts and
    given back by the last one that ends: every build (also in threads) sees the same
    settings, and so makes the same bytes."""
    global _builds, _saved
    with _lock:
        if _builds == 0:
            _saved = (gc.get_threshold(), rl_config.useA85)
            gc.freeze()
            gc.set_threshold(*GC_THRESHOLD)
            rl_config.useA85 = 0
        _builds += 1
    try:
        yield
    finally:
        with _lock:
            _builds -= 1
            if _builds == 0 and _saved is not None:
                threshold, a85 = _saved
                rl_config.useA85 = a85
                gc.set_threshold(*threshold)
                gc.unfreeze()


def build_pdf(
    make_doc: Callable[[io.BytesIO], BaseDocTemplate],
    story: list[Flowable],
    canvasmaker: type[Canvas],
    where: Problem,
) -> bytes:
    """Run ReportLab into memory. Nothing touches the disk here.

    `story` is consumed: ReportLab takes each flowable off the list as it sets it, so a
    page's flowables are freed once the page is done (the caller keeps no other list)."""
    buffer = io.BytesIO()
    doc = make_doc(buffer)
    try:
        with build_settings():
            doc.build(story, canvasmaker=canvasmaker)
    except LayoutError:
        raise RenderError([Problem(where.path, where.line, where.col, where.message)]) from None
    return buffer.getvalue()
