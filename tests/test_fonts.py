"""Fallback fonts: a layout names extra fonts for scripts the shipped font lacks."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from .conftest import run, write

CJK = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")  # Debian: fonts-wqy-microhei


@pytest.mark.skipif(not CJK.is_file(), reason="fonts-wqy-microhei is not installed")
def test_chinese_prints_with_a_fallback_font_and_is_embedded(project: Path) -> None:
    write(project / "layouts/zh.yaml", f"extends: letter\nfonts:\n  fallback:\n    - {CJK}\n")
    write(
        project / "data/routines/zh.yaml",
        "title: 站立伸展 Standing stretch\nsteps:\n  - 双脚分开站立 **慢慢**呼吸 and *relax*\n"
        "quick_reference:\n  - 慢慢呼吸\n",
    )
    assert run("handout", "zh", "--layout", "zh", "-o", "zh.pdf").exit_code == 0
    text = PdfReader(project / "zh.pdf").pages[0].extract_text()
    assert "站立伸展 Standing stretch" in text and "双脚分开站立 慢慢呼吸 and relax" in text
    if shutil.which("pdffonts"):
        fonts = subprocess.run(
            ["pdffonts", str(project / "zh.pdf")], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
        assert any("WenQuanYi" in line for line in fonts)
        assert all(" yes " in line for line in fonts)


def test_without_the_fallback_chinese_is_refused_with_its_code_point(project: Path) -> None:
    write(project / "data/routines/zh.yaml", "title: Stretch\nsteps:\n  - Breathe 慢\n")
    result = run("handout", "zh")
    assert result.exit_code == 1
    assert result.stderr == (
        "data/routines/zh.yaml:3:13: the font cannot draw U+6162 CJK UNIFIED IDEOGRAPH-6162; "
        "add a font that covers it to the layout or remove the character\n"
    )


def test_a_missing_fallback_font_file_is_named(project: Path) -> None:
    write(project / "layouts/bad.yaml", "extends: letter\nfonts:\n  fallback: [nowhere.ttf]\n")
    result = run("handout", "sacral-traction", "--layout", "bad")
    assert result.exit_code == 1
    assert result.stderr == "nowhere.ttf:1:1: font file not found: nowhere.ttf\n"


def test_characters_beyond_the_basic_plane_are_refused(project: Path) -> None:
    """They print, but ReportLab writes them into the text layer as invalid hex."""
    write(project / "data/routines/emo.yaml", 'title: Smile\nsteps:\n  - "Smile 😀 now"\n')
    result = run("handout", "emo")
    assert result.exit_code == 1
    assert result.stderr == (
        "data/routines/emo.yaml:3:12: U+1F600 GRINNING FACE is beyond U+FFFF (emoji and rare "
        "scripts), which the PDF's text layer cannot carry; remove it\n"
    )
