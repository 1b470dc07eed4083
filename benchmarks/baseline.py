"""The bare ReportLab platypus baseline: the same routine words, DejaVu Sans embedded.

    python benchmarks/baseline.py OUT.pdf ROUTINE.yaml [ROUTINE.yaml ...]

No checks, no layout settings, no header or footer logic beyond a title line: what a
hand-written script that prints the same text would cost. Each routine starts a new page.
"""

from __future__ import annotations

import sys
from pathlib import Path
from xml.sax.saxutils import escape

import yaml
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer

FONTS = Path(__file__).resolve().parent.parent / "handouts" / "fonts"
SECTIONS = ("benefits", "cautions", "steps", "aftercare", "quick_reference")


def main(argv: list[str]) -> None:
    out, files = argv[0], argv[1:]
    pdfmetrics.registerFont(TTFont("DejaVu", str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(FONTS / "DejaVuSans-Bold.ttf")))
    body = ParagraphStyle("body", fontName="DejaVu", fontSize=10.5, leading=14)
    head = ParagraphStyle("head", fontName="DejaVu-Bold", fontSize=13, leading=17, spaceBefore=6)
    title = ParagraphStyle("title", fontName="DejaVu-Bold", fontSize=20, leading=24)
    clinic = yaml.safe_load(Path(files[0]).parent.parent.joinpath("clinic.yaml").read_text())
    logo = Path(files[0]).parent.parent / clinic["logo"]
    story: list[object] = []
    for i, f in enumerate(files):
        r = yaml.safe_load(Path(f).read_text(encoding="utf-8"))
        if i:
            story.append(PageBreak())
        story.append(Image(str(logo), width=0.6 * inch, height=0.6 * inch))
        story.append(Paragraph(escape(clinic["name"]), head))
        story.append(Paragraph(escape(r["title"]), title))
        story.append(Paragraph(escape(r["summary"]), body))
        for key in SECTIONS:
            story.append(Paragraph(key.replace("_", " ").title(), head))
            for n, item in enumerate(r.get(key, []), start=1):
                story.append(Paragraph(f"{n}. {escape(item)}", body))
        story.append(Spacer(1, 6))
        story.append(Paragraph(escape(clinic["safety"]), body))
    SimpleDocTemplate(out, pagesize=letter).build(story)


if __name__ == "__main__":
    main(sys.argv[1:])
