"""The accessible edition: a handout's content model (handouts/content.py) as one
self-contained HTML file.

CSS inline, pictures embedded as data: URIs, no script, nothing fetched from any other
address. Semantics a screen reader relies on: `lang` on the document and on every passage in
another language (`dir="rtl"` for right-to-left scripts), one `h1`, headings in order, steps
as an ordered list, cautions and the clinic's safety text as marked notes, dosage as a table
with header cells, the video as its link (no QR code), and none of the page furniture
(page numbers, running footers, crop marks). Text sizes are in rem/em, the page reflows down
to 320 CSS px, links show a visible focus ring, and a print stylesheet prints it cleanly.

Stdlib only: the output is the same bytes for the same input.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape

from . import content as c
from .layout import ColorSettings, Layout

WHITE = "#ffffff"
AA_TEXT = 4.5
"""WCAG 2.1 AA (1.4.3): the least contrast of body-size text with its background."""


@dataclass(frozen=True)
class Embedded:
    """A picture ready to embed: its bytes (PNG or JPEG, as handouts.images prepares them)
    and its size in pixels."""

    data: bytes
    width: int
    height: int

    @property
    def mime(self) -> str:
        return "image/png" if self.data.startswith(b"\x89PNG") else "image/jpeg"

    def uri(self) -> str:
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


# -- colour contrast (WCAG 2.1 relative luminance) -----------------------------------------
def _channel(v: int) -> float:
    s = v / 255
    return s / 12.92 if s <= 0.03928 else float(((s + 0.055) / 1.055) ** 2.4)


def luminance(hex_color: str) -> float:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def darkened(fg: str, bg: str, ratio: float = AA_TEXT) -> str:
    """`fg` darkened in small steps until it reaches `ratio` against `bg` (black at worst)."""
    h = fg.lstrip("#")
    rgb = [int(h[i : i + 2], 16) for i in (0, 2, 4)]
    for step in range(101):
        k = 1 - step / 100
        cand = "#" + "".join(f"{round(v * k):02x}" for v in rgb)
        if contrast(cand, bg) >= ratio:
            return cand
    return "#000000"


TEXT_PAIRS = (
    # (colour setting, background setting or None for white, what it is)
    ("text", None, "body text"),
    ("accent", None, "title, headings and step numbers"),
    ("muted", None, "category line, captions and small print"),
    ("caution_border", None, "the cautions heading"),
    ("caution_text", "caution_background", "text inside the cautions box"),
    ("caution_border", "caution_background", "the cautions heading inside its box"),
)


@dataclass(frozen=True)
class Palette:
    """The colours the HTML uses: the layout's, each darkened where it fails AA."""

    text: str
    accent: str
    muted: str
    rule: str
    caution_border: str
    caution_background: str
    caution_text: str
    caution_heading: str


def palette(layout: Layout) -> tuple[Palette, list[str]]:
    """The HTML's colours and a warning for each of the layout's text colours whose
    contrast is below 4.5:1 (with the ratio, and the colour the HTML uses instead)."""
    colors: ColorSettings = layout.colors
    where = layout.source or f"<layout {layout.name}>"
    used: dict[tuple[str, str | None], str] = {}
    warnings: list[str] = []
    for name, bg_name, what in TEXT_PAIRS:
        fg = getattr(colors, name)
        bg = getattr(colors, bg_name) if bg_name else WHITE
        ratio = contrast(fg, bg)
        fixed = fg
        if ratio < AA_TEXT:
            fixed = darkened(fg, bg)
            on = f"colors.{bg_name} {bg}" if bg_name else f"white {WHITE}"
            warnings.append(
                f"{where}:1:1: warning: layout '{layout.name}': colors.{name} {fg} on {on} "
                f"({what}) has a contrast of {ratio:.2f}:1, below the 4.5:1 WCAG 2.1 AA asks "
                f"for; the HTML edition uses {fixed} instead (change the layout's colour to "
                "print it readable too)"
            )
        used[(name, bg_name)] = fixed
    heading = used[("caution_border", "caution_background")]
    return (
        Palette(
            text=used[("text", None)],
            accent=used[("accent", None)],
            muted=used[("muted", None)],
            rule=colors.rule,
            caution_border=colors.caution_border,
            caution_background=colors.caution_background,
            caution_text=used[("caution_text", "caution_background")],
            caution_heading=heading
            if contrast(heading, WHITE) >= AA_TEXT
            else used[("caution_border", None)],
        ),
        warnings,
    )


# -- inline text ---------------------------------------------------------------------------
def inline(text: str, emphasis: str = "italic") -> str:
    """Author text as HTML: escaped, `*x*` and `**x**` as <em> and <strong>, line breaks
    kept."""

    def leaf(part: str) -> str:
        return escape(part, quote=False)

    def emph(part: str) -> str:
        return c.spans(c.EMPH, part, leaf, "em")

    return c.spans(c.STRONG, text, emph, "strong").replace("\n", "<br>")


def plain_label(text: str) -> str:
    """A label: escaped, on one line."""
    return escape(" ".join(text.split()), quote=False)


def attr(value: str) -> str:
    return escape(value, quote=True)


def lang_attr(lang: str, context: str) -> str:
    """` lang=".." dir=".."` where `lang` differs from the surrounding language."""
    if c.primary(lang) == c.primary(context) and lang.lower() == context.lower():
        return ""
    out = f' lang="{attr(lang)}"'
    if c.is_rtl(lang) != c.is_rtl(context):
        out += f' dir="{"rtl" if c.is_rtl(lang) else "ltr"}"'
    return out


# -- the page ------------------------------------------------------------------------------
def stylesheet(layout: Layout, pal: Palette) -> str:
    t = layout.text
    # The layout's body size against the 12 pt a browser's 16 px default stands for: large
    # print stays large, and nothing goes below the reader's own default size.
    scale = max(100, round(t.body_size / 12 * 100))
    # the layout's `text.emphasis`: *x* in italic, or in bold
    emph = (
        "font-style: italic;" if t.emphasis == "italic" else "font-style: normal; font-weight: 700;"
    )
    return f"""
:root {{ font-size: {scale}%; }}
*, *::before, *::after {{ box-sizing: border-box; }}
html {{ -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }}
body {{ margin: 0; padding: 1rem; color: {pal.text}; background: {WHITE};
  font-family: "DejaVu Sans", "Noto Sans", Verdana, Arial, sans-serif;
  line-height: {max(t.leading, 1.5):.2f}; overflow-wrap: break-word; }}
header.clinic, main, footer.clinic {{ max-width: 42rem; margin: 0 auto; }}
header.clinic {{ display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1rem;
  border-bottom: 0.0625rem solid {pal.rule}; padding-bottom: 0.5rem; margin-bottom: 1rem; }}
header.clinic img {{ max-height: 3rem; width: auto; max-width: 40%; }}
header.clinic p {{ margin: 0; font-weight: 700; }}
p, li, td, th {{ font-size: 1rem; }}
h1, h2, h3, h4 {{ color: {pal.accent}; line-height: 1.25; margin: 1.5em 0 0.5em; }}
h1 {{ font-size: 1.9rem; margin-top: 0.25em; }}
h2 {{ font-size: 1.35rem; }}
h3 {{ font-size: 1.15rem; }}
article > h2:first-of-type, article > h1 {{ margin-top: 0.25em; }}
.kicker {{ color: {pal.accent}; font-weight: 700; margin: 0; font-size: 0.95rem; }}
.small, figcaption {{ color: {pal.muted}; font-size: 0.9rem; }}
em {{ {emph} }}
strong {{ font-weight: 700; }}
a {{ color: {pal.accent}; text-decoration: underline; overflow-wrap: anywhere; }}
a:focus, a:focus-visible {{ outline: 0.1875rem solid {pal.accent}; outline-offset: 0.125rem;
  background: {WHITE}; }}
ul, ol {{ padding-left: 1.6em; }}
li {{ margin: 0.3em 0; }}
li::marker {{ color: {pal.accent}; font-weight: 700; }}
ol.steps > li {{ margin: 0 0 1em; padding-left: 0.3em; }}
ol.steps > li::marker {{ font-size: 1.2em; }}
img {{ max-width: 100%; height: auto; }}
figure {{ margin: 0.75em 0; }}
figure.step {{ max-width: 18rem; }}
.personal {{ border-left: 0.25rem solid {pal.rule}; padding-left: 0.75rem; }}
.caution {{ border: 0.16rem solid {pal.caution_border}; background: {pal.caution_background};
  color: {pal.caution_text}; padding: 0.25rem 0.75rem 0.5rem; margin: 1.25em 0; }}
.caution ul {{ padding-left: 1.2em; }}
.caution h2, .caution h3 {{ color: {pal.caution_heading}; margin-top: 0.5em; }}
.safety {{ border: 0.1rem solid {pal.caution_border}; padding: 0.5rem 1rem;
  margin: 1.5em 0 0.5em; }}
.safety p {{ margin: 0.25em 0; }}
table.dosage {{ border-collapse: collapse; width: 100%; }}
table.dosage th, table.dosage td {{ text-align: start; vertical-align: top; padding: 0.35em 0.5em
  0.35em 0; border-bottom: 0.0625rem solid {pal.rule}; }}
table.dosage th {{ width: 35%; font-weight: 700; }}
footer.clinic {{ border-top: 0.0625rem solid {pal.rule}; margin-top: 2rem; padding-top: 0.5rem; }}
footer.clinic p {{ margin: 0.2em 0; }}
article + article {{ border-top: 0.2rem solid {pal.rule}; margin-top: 2.5rem; padding-top: 1rem; }}
@media (max-width: 30em) {{
  body {{ padding: 0.6rem; }}
  ul, ol {{ padding-left: 1.3em; }}
}}
@media (min-width: 48em) {{
  ol.steps .with-picture {{ display: flex; gap: 1rem; align-items: flex-start; }}
  ol.steps .with-picture > .step-text {{ flex: 1 1 auto; margin-top: 0; }}
  ol.steps .with-picture > figure {{ flex: 0 0 16rem; margin: 0; }}
}}
@media print {{
  :root {{ font-size: {max(t.body_size, 10):g}pt; }}
  body {{ padding: 0; color: #000000; }}
  header.clinic, main, footer.clinic {{ max-width: none; }}
  a {{ color: #000000; }}
  h1, h2, h3 {{ break-after: avoid; page-break-after: avoid; }}
  figure, li, tr, .caution, .safety {{ break-inside: avoid; page-break-inside: avoid; }}
  article + article {{ break-before: page; page-break-before: always; border-top: none; }}
  @page {{ margin: 1.8cm 1.6cm; }}
}}
""".strip()


class _Writer:
    def __init__(
        self,
        doc: c.HandoutContent,
        layout: Layout,
        pictures: Mapping[str, Embedded],
    ) -> None:
        self.doc = doc
        self.layout = layout
        self.pictures = pictures
        self.emphasis = layout.text.emphasis
        self.out: list[str] = []
        self.anchors: dict[str, str] = {}
        for i, r in enumerate(doc.routines):
            self.anchors.setdefault(r.id, f"r{i + 1}")

    def w(self, line: str) -> None:
        self.out.append(line)

    def text(self, value: str) -> str:
        return inline(value, self.emphasis)

    def span(self, value: str, la: str) -> str:
        """Author text inside a line of labels: in a span of its own language if it differs."""
        return f"<span{la}>{self.text(value)}</span>" if la else self.text(value)

    # -- pictures ----------------------------------------------------------------------
    def figure(self, pic: c.Picture, lang: str, context: str, cls: str) -> None:
        found = self.pictures.get(pic.key)
        if found is None:
            return
        alt = pic.alt
        extra = "" if alt else ' role="presentation"'
        self.w(f'<figure class="{cls}"{lang_attr(lang, context)}>')
        self.w(
            f'<img src="{found.uri()}" width="{found.width}" height="{found.height}" '
            f'alt="{attr(alt)}"{extra}>'
        )
        if pic.caption:
            self.w(f"<figcaption>{self.text(pic.caption)}</figcaption>")
        self.w("</figure>")

    # -- one routine -------------------------------------------------------------------
    def routine(self, i: int, r: c.RoutineContent, level: int) -> None:
        doc_lang = self.doc.lang
        rl = lang_attr(r.lang, doc_lang)
        anchor = f"r{i + 1}"
        h = f"h{level}"
        sub = f"h{level + 1}"
        self.w(f'<article id="{anchor}" aria-labelledby="{anchor}-title">')
        if r.category:
            self.w(f'<p class="kicker"{rl}>{self.text(r.category)}</p>')
        self.w(f'<{h} id="{anchor}-title"{rl}>{self.text(r.title)}</{h}>')
        pers = r.personal
        if pers.fields:
            bits = " · ".join(
                f"{plain_label(label)}: <strong>{self.text(value)}</strong>"
                for label, value in pers.fields
            )
            self.w(f'<p class="personal">{bits}</p>')
        if pers.notes:
            names = (
                f"{anchor}-note {anchor}-title" if len(self.doc.routines) > 1 else f"{anchor}-note"
            )
            self.w(f'<section class="note" aria-labelledby="{names}">')
            self.w(f'<{sub} id="{anchor}-note">{plain_label(pers.note_heading)}</{sub}>')
            for n in pers.notes:
                self.w(f"<p>{self.text(n)}</p>")
            self.w("</section>")
        for name, part in r.sections:
            if part is not None:
                self.part(anchor, name, part, r.lang, sub)
        self.w("</article>")

    def part(self, anchor: str, name: str, part: c.Part, lang: str, h: str) -> None:
        doc_lang = self.doc.lang
        la = lang_attr(lang, doc_lang)
        sid = f"{anchor}-{name.replace('_', '-')}"

        def open_section(heading: str, cls: str = "", role: str = "") -> None:
            klass = f' class="{cls}"' if cls else ""
            tag = "aside" if role else "section"
            r = f' role="{role}"' if role else ""
            # In a programme every routine has its "Steps": the routine's title makes each
            # region's name unique.
            names = f"{sid} {anchor}-title" if len(self.doc.routines) > 1 else sid
            self.w(f'<{tag}{klass}{r} aria-labelledby="{names}">')
            self.w(f'<{h} id="{sid}">{plain_label(heading)}</{h}>')

        def close(tag: str = "section") -> None:
            self.w(f"</{tag}>")

        if isinstance(part, c.Inline):
            items = ", ".join(self.text(t) for t in part.items)
            items = f"<span{la}>{items}</span>" if la else items
            self.w(f"<p><strong>{plain_label(part.label)}:</strong> {items}</p>")
        elif isinstance(part, c.Paragraphs):
            if part.heading is None:
                for t in part.items:
                    self.w(f'<p class="summary"{la}>{self.text(t)}</p>')
                return
            open_section(part.heading)
            for t in part.items:
                self.w(f"<p{la}>{self.text(t)}</p>")
            close()
        elif isinstance(part, c.Figure):
            self.figure(part.picture, lang, doc_lang, "picture")
        elif isinstance(part, c.Bullets):
            open_section(part.heading)
            tag = "ol" if part.numbered else "ul"
            self.w(f"<{tag}{la}>")
            for t in part.items:
                self.w(f"<li>{self.text(t)}</li>")
            self.w(f"</{tag}>")
            close()
        elif isinstance(part, c.Cautions):
            self.w(f'<aside class="caution" role="note" aria-labelledby="{sid}">')
            self.w(
                f'<{h} id="{sid}"><span aria-hidden="true">\u26a0 </span>'
                f"{plain_label(part.heading)}</{h}>"
            )
            self.w(f"<ul{la}>")
            for t in part.items:
                self.w(f"<li>{self.text(t)}</li>")
            self.w("</ul>")
            close("aside")
        elif isinstance(part, c.Steps):
            open_section(part.heading)
            self.w(f'<ol class="steps"{la}>')
            for step in part.steps:
                self.w(f'<li value="{step.number}">')
                if step.picture is None:
                    self.w(f'<p class="step-text">{self.text(step.text)}</p>')
                else:  # a list item stays a list item (its number shows); its body is a row
                    self.w('<div class="with-picture">')
                    self.w(f'<p class="step-text">{self.text(step.text)}</p>')
                    self.figure(step.picture, lang, lang, "step")
                    self.w("</div>")
                self.w("</li>")
            self.w("</ol>")
            close()
        elif isinstance(part, c.Dosage):
            open_section(part.heading)
            self.w(f'<table class="dosage" aria-labelledby="{sid}">')
            self.w("<tbody>")
            for label, value in part.rows:
                self.w(
                    f'<tr><th scope="row">{plain_label(label)}</th>'
                    f"<td{la}>{self.text(value)}</td></tr>"
                )
            self.w("</tbody>")
            self.w("</table>")
            close()
        elif isinstance(part, c.Video):
            open_section(part.heading)
            url = str(part.url)
            self.w(f'<p><a href="{attr(url)}">{escape(url, quote=False)}</a></p>')
            close()
        elif isinstance(part, c.Safety):
            if part.text is not None:
                tl = lang_attr(part.text_lang, doc_lang)
                self.w('<aside class="safety" role="note">')
                self.w(f"<p{tl}><strong>{self.text(part.text)}</strong></p>")
                self.w("</aside>")
            if part.disclaimer is not None:
                dl = lang_attr(part.disclaimer_lang, doc_lang)
                self.w(f'<p class="small"{dl}>{self.text(part.disclaimer)}</p>')
        elif isinstance(part, c.Attribution):
            bits = [f"{plain_label(label)}: {self.span(value, la)}" for label, value in part.items]
            rev = part.reviewed
            if rev is not None:
                who = f" {self.span(rev.by, la)}" if rev.by else ""
                when = f" {plain_label(rev.on_label)} {escape(str(rev.on))}" if rev.on else ""
                bits.append(f"{plain_label(rev.label)}{who}{when}")
            self.w(f'<p class="small attribution">{" · ".join(bits)}</p>')
        elif isinstance(part, c.Navigation):
            bits = []
            for link in part.links:
                title = f"<strong>{self.text(link.title)}</strong>"
                target = self.anchors.get(link.ref)
                if target is not None and target != anchor:
                    title = f'<a href="#{target}">{title}</a>'
                bits.append(f"{plain_label(link.label)}: {title}")
            self.w(f'<p class="small navigation">{" · ".join(bits)}</p>')

    # -- the document ------------------------------------------------------------------
    def document(self, logo: Embedded | None, css: str) -> str:
        doc = self.doc
        clinic = doc.clinic
        direction = "rtl" if c.is_rtl(doc.lang) else "ltr"
        name = str(clinic.name) if clinic.name else ""
        title = doc.title + (f" \u2013 {name}" if name else "")
        self.w("<!DOCTYPE html>")
        self.w("<!-- made by handouts: the accessible edition -->")
        self.w(f'<html lang="{attr(doc.lang)}" dir="{direction}">')
        self.w("<head>")
        self.w('<meta charset="utf-8">')
        self.w('<meta name="viewport" content="width=device-width, initial-scale=1">')
        self.w('<meta name="generator" content="handouts">')
        # Nothing is fetched from anywhere: no script, no remote stylesheet, font or picture.
        self.w(
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "img-src data:; style-src 'unsafe-inline'\">"
        )
        self.w(f"<title>{escape(title, quote=False)}</title>")
        self.w(f"<style>\n{css}\n</style>")
        self.w("</head>")
        self.w("<body>")
        if name or logo is not None:
            self.w('<header class="clinic">')
            if logo is not None:
                # The clinic's name is written beside it: the logo itself says nothing more.
                alt = "" if name else "Clinic logo"
                self.w(
                    f'<img src="{logo.uri()}" width="{logo.width}" height="{logo.height}" '
                    f'alt="{attr(alt)}">'
                )
            if name:
                self.w(f"<p>{self.text(name)}</p>")
            self.w("</header>")
        self.w("<main>")
        many = len(doc.routines) > 1
        if many:
            self.w(f"<h1>{escape(doc.title, quote=False)}</h1>")
        for i, r in enumerate(doc.routines):
            self.routine(i, r, 2 if many else 1)
        self.w("</main>")
        contact = [t for t in (clinic.name, clinic.phone, clinic.address) if t]
        if contact or clinic.website:
            self.w('<footer class="clinic">')
            if contact:
                self.w(f"<p>{' · '.join(self.text(t) for t in contact)}</p>")
            if clinic.website:
                site = str(clinic.website)
                self.w(f'<p><a href="{attr(site)}">{escape(site, quote=False)}</a></p>')
            self.w("</footer>")
        self.w("</body>")
        self.w("</html>")
        return "\n".join(self.out) + "\n"


def render_html(
    doc: c.HandoutContent,
    layout: Layout,
    pictures: Mapping[str, Embedded],
    logo: Embedded | None = None,
) -> tuple[bytes, list[str]]:
    """The HTML file's bytes (UTF-8) and the layout's contrast warnings."""
    pal, warnings = palette(layout)
    writer = _Writer(doc, layout, pictures)
    return writer.document(logo, stylesheet(layout, pal)).encode("utf-8"), warnings
