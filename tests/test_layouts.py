"""Layouts as data: declared settings, extends, reference output, large print, compact."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from handouts.errors import DataError
from handouts.layout import (
    BUILTIN_LAYOUTS,
    available_layouts,
    describe_layouts,
    describe_settings,
    load_labels,
    load_layout,
)

from .conftest import FIXTURES, ROOT, glyphs, run, write

REFERENCE = FIXTURES / "layouts"


@pytest.mark.parametrize("name", ["letter", "large-print", "card-wallet"])
def test_resolved_layout_matches_its_reference_file(name: str) -> None:
    result = run("layouts", "show", name)
    assert result.exit_code == 0, result.output
    assert result.stdout == (REFERENCE / f"{name}.resolved.yaml").read_text()


def test_layouts_lists_every_shipped_layout_once(project: Path) -> None:
    result = run("layouts")
    names = [line.split("\t")[0] for line in result.stdout.splitlines()]
    shipped = [p.stem for p in BUILTIN_LAYOUTS.glob("*.yaml")]
    ours = [p.stem for p in (ROOT / "layouts").glob("*.yaml")]
    assert ours == ["our-clinic"]
    assert names == sorted(shipped + ours)
    assert {"letter", "a4", "large-print", "compact", "card-wallet"} <= set(names)


def test_every_setting_has_a_doc_and_a_default() -> None:
    rows = describe_settings()
    assert len(rows) > 40
    assert all(doc and default != "" or key == "description" for key, default, doc in rows)


def test_extends_merges_deeply_and_lists_replace(project: Path) -> None:
    write(
        project / "layouts/mine.yaml",
        "extends: a4\ncolors:\n  accent: '#aa0000'\nhandout:\n  sections: [steps]\n"
        "labels:\n  steps: What to do\n",
    )
    shown = run("layouts", "show", "mine").stdout
    assert "size: a4" in shown  # from a4
    assert "margin_left: 56.69pt" in shown  # 20mm from a4
    assert "accent: '#aa0000'" in shown and "caution_border: '#b3261e'" in shown
    assert "sections:\n  - steps\n" in shown
    assert "steps: What to do" in shown


def test_extends_by_relative_path(project: Path, tmp_path: Path) -> None:
    write(project / "elsewhere/base.yaml", "text:\n  body_size: 13\n")
    write(project / "elsewhere/child.yaml", "extends: base.yaml\ntext:\n  leading: 1.6\n")
    shown = run("layouts", "show", "elsewhere/child.yaml").stdout
    assert "body_size: 13" in shown and "leading: 1.6" in shown


def test_extends_cycle_prints_the_chain(project: Path) -> None:
    write(project / "layouts/ping.yaml", "extends: pong\n")
    write(project / "layouts/pong.yaml", "extends: ping\n")
    result = run("layouts", "show", "ping")
    assert result.exit_code == 1
    assert result.stderr == "layouts/ping.yaml:1:1: layout 'extends' cycle: ping -> pong -> ping\n"


def test_unknown_layout_key_and_bad_length(project: Path) -> None:
    write(
        project / "layouts/typo.yaml",
        "extends: letter\ntext:\n  body_sise: 14\npage:\n  margin_top: 2 inches\n",
    )
    result = run("layouts", "show", "typo")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "layouts/typo.yaml:3:3: unknown key 'body_sise' in text; did you mean 'body_size'?",
        "layouts/typo.yaml:5:15: 'page.margin_top' must be a length like 12mm, 0.5in or 18pt, "
        "not '2 inches'",
    ]


def test_lengths_in_every_unit(project: Path) -> None:
    write(
        project / "layouts/units.yaml",
        "page:\n  margin_top: 0.5in\n  margin_left: 12.7mm\n  margin_right: 36pt\n"
        "  margin_bottom: 1.27cm\n",
    )
    shown = run("layouts", "show", "units").stdout
    for key in ("margin_top", "margin_left", "margin_right", "margin_bottom"):
        assert f"{key}: 36pt" in shown


def test_large_print_body_is_18pt_and_not_italic(project: Path) -> None:
    write(project / "data/routines/em.yaml", "title: Em\nsteps:\n  - 'Keep *slow* and steady'\n")
    assert run("handout", "em", "--layout", "large-print", "-o", "lp.pdf").exit_code == 0
    chars = [g for page in glyphs(project / "lp.pdf") for g in page]
    assert min(g.size for g in chars) >= 18 - 0.01
    assert not any("Oblique" in g.font or "Italic" in g.font for g in chars)
    body = [g for g in chars if g.font.endswith("+DejaVuSans")]  # regular face: body text
    assert len(body) > 20 and all(abs(g.size - 18) < 0.01 for g in body)


def test_compact_fits_the_seed_on_one_page_never_below_9pt(project: Path) -> None:
    assert run("handout", "sacral-traction", "--layout", "compact", "-o", "c.pdf").exit_code == 0
    assert len(PdfReader(project / "c.pdf").pages) == 1
    assert min(g.size for page in glyphs(project / "c.pdf") for g in page) >= 9 - 0.01


def test_labels_and_section_order_come_from_the_layout(project: Path) -> None:
    write(
        project / "layouts/relabel.yaml",
        "extends: letter\nhandout:\n  sections: [steps, benefits]\nlabels:\n"
        "  steps: What to do\n  benefits: Why it helps\n  page_of: 'Sheet {page}/{pages}'\n",
    )
    assert run("handout", "sacral-traction", "--layout", "relabel", "-o", "r.pdf").exit_code == 0
    text = "\n".join(p.extract_text() for p in PdfReader(project / "r.pdf").pages)
    assert text.index("What to do") < text.index("Why it helps")
    assert "Before you start" not in text and "Sheet 1/" in text


def test_clinic_logo_outside_the_data_folder_is_refused(project: Path) -> None:
    write(project / "elsewhere/clinic.yaml", "name: Far Away\nlogo: ../../etc/logo.png\n")
    result = run("--clinic", "elsewhere/clinic.yaml", "handout", "sacral-traction")
    assert result.exit_code == 1
    assert result.stderr == (
        "elsewhere/clinic.yaml:2:7: logo '../../etc/logo.png' is outside the data folder "
        "elsewhere\n"
    )


def test_missing_and_unreadable_logo(project: Path) -> None:
    clinic = project / "data/clinic.yaml"
    clinic.write_text(clinic.read_text().replace("logo: logo.png", "logo: nope.png"))
    result = run("handout", "sacral-traction")
    assert result.exit_code == 1
    assert result.stderr.startswith("data/clinic.yaml:")
    assert result.stderr.rstrip().endswith("logo file not found: data/nope.png")
    (project / "data/nope.png").write_bytes((project / "data/logo.png").read_bytes()[:200])
    result = run("handout", "sacral-traction")
    assert result.exit_code == 1
    assert "logo data/nope.png cannot be read" in result.stderr


def test_logo_is_scaled_not_distorted(project: Path) -> None:
    from PIL import Image

    Image.new("RGB", (400, 100), (10, 80, 120)).save(project / "data/logo.png")
    assert run("handout", "sacral-traction", "-o", "w.pdf").exit_code == 0
    page = PdfReader(project / "w.pdf").pages[0]
    content = page.get_contents()
    assert content is not None
    ops = content.get_data().decode("latin-1")
    # ReportLab places images with "w 0 0 h x y cm": its aspect must stay 4:1.
    import re

    sizes = [
        (float(a), float(d))
        for a, d in re.findall(r"q\s+([\d.]+) 0 0 ([\d.]+) [\d.]+ [\d.]+ cm\s+/FormXob", ops)
    ]
    assert sizes and all(abs(w / h - 4.0) < 0.01 for w, h in sizes)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler's pdftoppm not installed")
def test_video_qr_code_decodes_to_the_url(project: Path) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    url = "https://example.org/videos/sacral-traction?t=42"
    write(
        project / "data/routines/vid.yaml",
        f"title: Vid\nsteps:\n  - x\nquick_reference:\n  - Do it\nvideo: {url}\n",
    )
    assert run("handout", "vid", "-o", "h.pdf").exit_code == 0
    assert run("card", "vid", "--sheet", "none", "-o", "c.pdf").exit_code == 0
    for pdf, page in (("h.pdf", 1), ("c.pdf", 2)):
        png = subprocess.run(
            ["pdftoppm", "-png", "-r", "200", "-f", str(page), "-l", str(page), str(project / pdf)],
            capture_output=True,
            check=True,
        ).stdout
        found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
        assert [b.text for b in found] == [url], pdf
        assert (
            url in PdfReader(project / pdf).pages[page - 1].extract_text().replace("\n", "")
            or pdf == "c.pdf"
        )


def test_layout_reference_doc_is_up_to_date() -> None:
    from scripts.layout_reference import OUT, reference

    assert OUT.read_text(encoding="utf-8") == reference(), "run scripts/layout_reference.py"


# -- built-in layouts, the search path and overrides (issue 10) ----------------------------
def test_builtin_layouts_and_label_packs_are_package_data() -> None:
    """Every file in handouts/layouts/ matches a package-data pattern, so a wheel ships it."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["handouts"]
    package = ROOT / "handouts"
    shipped = {p for pattern in patterns for p in package.glob(pattern)}
    files = {p for p in BUILTIN_LAYOUTS.rglob("*") if p.is_file()}
    assert BUILTIN_LAYOUTS == package / "layouts"
    assert {"letter.yaml", "card-wallet.yaml", "es.yaml", "de.yaml"} <= {p.name for p in files}
    assert files <= shipped, sorted(str(p) for p in files - shipped)


def test_project_letter_overrides_the_builtin_and_extends_it(tmp_path: Path) -> None:
    project = tmp_path / "layouts"
    write(project / "letter.yaml", "extends: letter\ncolors:\n  accent: '#aa0000'\n")
    search = [project, BUILTIN_LAYOUTS]
    letter = load_layout("letter", search)
    assert letter.source == str(project / "letter.yaml")
    assert letter.colors.accent == "#aa0000"  # its own
    assert letter.description == "Full-page handout on US Letter, 12 pt body"  # the built-in's
    # The override wins everywhere: built-ins extending letter get the project's letter.
    large = load_layout("large-print", search)
    assert large.colors.accent == "#aa0000" and large.text.body_size == 18
    assert load_layout("letter").colors.accent == "#1f5f8b"  # built-ins alone: untouched


def test_a_builtin_extending_its_own_name_is_no_layout(tmp_path: Path) -> None:
    """Only the next layout down the path is reached: the bottom one has none below it."""
    write(tmp_path / "only/self.yaml", "extends: self\n")
    with pytest.raises(DataError) as info:
        load_layout("self", [tmp_path / "only"])
    assert str(info.value) == (
        f"{tmp_path}/only/self.yaml:1:10: 'extends' names this layout itself, and no other "
        "'self' is further down the search path"
    )


def test_project_override_through_the_cli(project: Path) -> None:
    write(project / "layouts/letter.yaml", "extends: letter\ncolors:\n  accent: '#aa0000'\n")
    shown = run("layouts", "show", "large-print")
    assert shown.exit_code == 0, shown.output
    assert "accent: '#aa0000'" in shown.stdout and "body_size: 18" in shown.stdout
    listing = run("layouts").stdout.splitlines()
    assert (
        "letter\thandout\tFull-page handout on US Letter, 12 pt body"
        "\tproject: layouts/letter.yaml (overrides built-in)"
    ) in listing


def test_available_layouts_say_where_each_comes_from(project: Path) -> None:
    write(project / "layouts/letter.yaml", "extends: letter\n")
    write(project / "layouts/mine.yaml", "description: Mine\nextends: a4\n")
    search = [Path("layouts"), BUILTIN_LAYOUTS]
    infos = available_layouts(search)
    assert infos["letter"].path == Path("layouts/letter.yaml") and not infos["letter"].builtin
    assert infos["letter"].overrides == BUILTIN_LAYOUTS / "letter.yaml"
    assert infos["a4"].builtin and infos["a4"].overrides is None
    assert {n: i.origin for n, i in infos.items() if n in ("a4", "letter", "mine")} == {
        "a4": "built-in",
        "letter": "project: layouts/letter.yaml (overrides built-in)",
        "mine": "project: layouts/mine.yaml",
    }
    rows = {row[0]: row for row in describe_layouts(search)}
    assert rows["mine"] == ("mine", "handout", "Mine", "project: layouts/mine.yaml")
    assert rows["card-wallet"] == (
        "card-wallet",
        "card",
        "Wallet card 3.5 x 2 in, 8 per Letter sheet",
        "built-in",
    )
    assert rows["letter"][3] == "project: layouts/letter.yaml (overrides built-in)"
    assert list(rows) == sorted(rows) and len(rows) == len(infos)


def test_describe_layouts_reports_every_broken_layout(project: Path) -> None:
    write(project / "layouts/a.yaml", "text:\n  body_sise: 14\n")
    write(project / "layouts/b.yaml", "extends: nowhere\n")
    with pytest.raises(DataError) as info:
        describe_layouts([Path("layouts"), BUILTIN_LAYOUTS])
    assert str(info.value).splitlines() == [
        "layouts/a.yaml:2:3: unknown key 'body_sise' in text; did you mean 'body_size'?",
        "layouts/b.yaml:1:10: 'extends' names no layout 'nowhere'",
    ]


def test_no_lookup_uses_the_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The working folder has a layouts/ of its own: nothing may find it implicitly.
    write(tmp_path / "cwd/layouts/letter.yaml", "colors:\n  accent: '#000001'\n")
    write(tmp_path / "cwd/layouts/labels/es.yaml", "cautions: WRONG\n")
    write(tmp_path / "cwd/layouts/stray.yaml", "description: Stray\n")
    write(tmp_path / "proj/layouts/mine.yaml", "extends: letter\ntext:\n  body_size: 13\n")
    write(tmp_path / "proj/layouts/labels/es.yaml", "steps: Qué hacer\n")
    monkeypatch.chdir(tmp_path / "cwd")
    assert load_layout("letter").colors.accent == "#1f5f8b"
    assert "stray" not in available_layouts()
    search = [tmp_path / "proj/layouts", BUILTIN_LAYOUTS]
    mine = load_layout("mine", search)
    assert mine.text.body_size == 13 and mine.colors.accent == "#1f5f8b"
    labels = load_labels("es", mine)
    assert labels["steps"] == "Qué hacer" and labels["cautions"] == "Antes de empezar"
    with pytest.raises(DataError) as info:
        load_layout("stray", search)
    assert str(info.value).startswith("stray:1:1: no layout named 'stray' (layouts: a4, ")


def test_project_label_pack_overrides_the_builtin_pack_key_by_key(project: Path) -> None:
    write(project / "layouts/labels/es.yaml", "cautions: Cuidado\n")
    result = run("handout", "sacral-traction", "--language", "es", "-o", "es.pdf")
    assert result.exit_code == 0, result.output
    first = PdfReader(project / "es.pdf").pages[0].extract_text()
    assert "Cuidado" in first and "Antes de empezar" not in first
    assert "Pasos" in first  # the built-in Spanish pack still gives the rest


def test_an_extends_chain_deeper_than_20_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "deep"
    for i in range(1200):
        write(folder / f"l{i}.yaml", f"extends: l{i + 1}\n" if i < 1199 else "kind: handout\n")
    with pytest.raises(DataError) as info:
        load_layout("l0", [folder])
    chain = " -> ".join(f"l{i}" for i in range(20))
    assert str(info.value) == (
        f"{folder}/l19.yaml:1:10: layout 'extends' chain is more than 20 layouts deep: "
        f"{chain} -> l20 ..."
    )
    assert load_layout("l1180", [folder]).name == "l1180"  # 20 layouts: fine


# -- every number has a real range (issue 11) -----------------------------------------------
@pytest.mark.parametrize(("base", "setting", "message"), [
    ("letter", "text:\n  body_size: nan",
     "3:14: text.body_size must be between 6 and 72 pt, not nan"),
    ("letter", "text:\n  body_size: inf",
     "3:14: text.body_size must be between 6 and 72 pt, not inf"),
    ("letter", "text:\n  leading: -Infinity",
     "3:12: text.leading must be between 1 and 3, not -Infinity"),
    ("letter", "text:\n  title_size: 1e400",
     "3:15: text.title_size must be between 6 and 96 pt, not 1e400"),
    ("letter", "page:\n  margin_left: -1in",
     "3:16: page.margin_left must be between 0.25in and 4in, not -1in"),
    ("letter", "page:\n  margin_top: 0.1in",
     "3:15: page.margin_top must be between 0.25in and 4in, not 0.1in"),
    ("letter", "page:\n  size: 1in x 11in",
     "3:9: page.size must be between 3in and 20in on each side, not '1in x 11in'"),
    ("letter", "handout:\n  qr_size: 0in",
     "3:12: handout.qr_size must be between 0.5in and 4in, not 0in"),
    ("letter", "handout:\n  tracking_weeks: 2.5",
     "3:19: handout.tracking_weeks must be a whole number between 1 and 52, not 2.5"),
    ("letter", "handout:\n  fit_pages: 99999999999999",
     "3:14: handout.fit_pages must be a whole number between 0 and 20, not 99999999999999"),
    ("booklet-letter", "booklet:\n  creep: -0.01in",
     "3:10: booklet.creep must be between 0in and 0.04in, not -0.01in"),
    ("card-wallet", "card:\n  bleed: -3mm",
     "3:10: card.bleed must be between 0in and 0.25in, not -3mm"),
    ("card-wallet", "card:\n  body_size: 1e7",
     "3:14: card.body_size must be between 7 and 24 pt, not 1e7"),
    ("card-wallet", "card:\n  note_lines: nan",
     "3:15: card.note_lines must be a whole number between 0 and 10, not nan"),
])  # fmt: skip
def test_numbers_outside_their_range_are_refused_where_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, base: str, setting: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "layouts/t.yaml", f"extends: {base}\n{setting}\n")
    with pytest.raises(DataError) as info:
        load_layout("t", [Path("layouts"), BUILTIN_LAYOUTS])
    assert str(info.value) == f"layouts/t.yaml:{message}"


@pytest.mark.parametrize(("setting", "message"), [
    ("page:\n  size: half-letter\n  margin_left: 2in\n  margin_right: 2in",
     "5:17: page.margin_left and page.margin_right leave 1.5in of the page's 5.5in width for "
     "text; at least 2in is needed"),
    ("page:\n  margin_top: 4in\n  margin_bottom: 4in\n  size: a5",
     "4:18: page.margin_top and page.margin_bottom leave 0.27in of the page's 8.27in height for "
     "text; at least 2in is needed"),
    ("handout:\n  step_image_width: 6in",
     "3:21: handout.step_number_width and handout.step_image_width leave 0.55in of the 7in text "
     "width for a step's text; at least 1in is needed"),
    ("handout:\n  picture_height: 10in",
     "3:19: handout.picture_height 10in is taller than the 9.35in the margins leave for text"),
    ("text:\n  min_size: 14", "3:13: text.min_size 14 pt is larger than text.body_size 12 pt"),
])  # fmt: skip
def test_settings_that_do_not_fit_together_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "layouts/t.yaml", f"extends: letter\n{setting}\n")
    with pytest.raises(DataError) as info:
        load_layout("t", [Path("layouts"), BUILTIN_LAYOUTS])
    assert str(info.value) == f"layouts/t.yaml:{message}"


def test_settings_at_the_edge_of_fitting_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path / "layouts/t.yaml",
        "extends: letter\npage:\n  margin_top: 4in\n  margin_bottom: 4in\n"
        "handout:\n  step_image_width: 5.5in\n  picture_height: 3in\n",
    )
    layout = load_layout("t", [Path("layouts"), BUILTIN_LAYOUTS])  # 3in tall, 1.05in beside
    assert (layout.page.margin_top, layout.handout.step_image_width) == (288, 396)


def test_card_settings_that_do_not_fit_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    search = [Path("layouts"), BUILTIN_LAYOUTS]
    cases = {
        "card:\n  height: 1in\n  safe: 0.3in\n": "layouts/t.yaml:4:9: card.safe leaves 0.4in of "
        "the card's 1in height for text; at least 0.5in is needed",
        "card:\n  qr_size: 2in\n": "layouts/t.yaml:3:12: card.qr_size 2in does not fit the "
        "1.75in inside the card's safe area",
        "card:\n  min_size: 12\n": "layouts/t.yaml:3:13: card.min_size 12 pt is larger than "
        "card.body_size 10 pt",
    }
    for setting, message in cases.items():
        write(tmp_path / "layouts/t.yaml", f"extends: card-wallet\n{setting}")
        with pytest.raises(DataError) as info:
            load_layout("t", search)
        assert str(info.value) == message


def test_a_misfit_is_reported_in_the_file_that_caused_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "layouts/wide.yaml", "extends: letter\npage:\n  margin_left: 1.75in\n")
    write(tmp_path / "layouts/small.yaml", "extends: wide\npage:\n  size: 4in x 6in\n")
    search = [Path("layouts"), BUILTIN_LAYOUTS]
    assert load_layout("wide", search).page.margin_left == 126
    with pytest.raises(DataError) as info:
        load_layout("small", search)
    assert str(info.value) == (
        "layouts/small.yaml:3:9: page.margin_left and page.margin_right leave 1.5in of the "
        "page's 4in width for text; at least 2in is needed"
    )


def test_every_number_declares_its_range() -> None:
    from handouts.layout import _s, describe_ranges

    ranges = describe_ranges()
    assert ranges["text.body_size"] == "6 to 72 pt"
    assert ranges["page.margin_left"] == "0.25in to 4in"
    assert ranges["page.size"] == "3in to 20in, each side"
    numeric = [
        key
        for key, default, _ in describe_settings()
        if default.replace(".", "").replace("pt", "").isdigit() and key != "card.sheet"
    ]
    assert len(numeric) > 30 and set(numeric) <= set(ranges)
    with pytest.raises(TypeError, match="needs min and max"):
        _s(1.0, "unbounded", "number", min=0)
    doc = (ROOT / "docs/layouts.md").read_text(encoding="utf-8")
    assert "| `text.body_size` | `12` | 6 to 72 pt | body text size |" in doc


def test_command_line_lengths_are_held_to_the_same_ranges(project: Path) -> None:
    result = run("card", "sacral-traction", "--bleed", "10in", "-o", "c.pdf")
    assert (result.exit_code, result.stderr) == (
        1,
        "<--bleed>:1:1: card.bleed must be between 0in and 0.25in, not 10in\n",
    )
    result = run("booklet", "lower-back", "--page-size", "half-letter", "--creep", "1in")
    assert (result.exit_code, result.stderr) == (
        1,
        "<--creep>:1:1: booklet.creep must be between 0in and 0.04in, not 1in\n",
    )
    assert not (project / "c.pdf").exists() and not list((project / "out").glob("*.pdf"))


CJK = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")  # Debian: fonts-wqy-microhei


@pytest.mark.skipif(not CJK.is_file(), reason="fonts-wqy-microhei is not installed")
def test_a_font_is_found_beside_the_layout_that_names_it(project: Path) -> None:
    """The project's letter names a font beside itself; the built-in large print extends
    that letter from another folder and must still find it."""
    (project / "layouts/fonts").mkdir(parents=True)
    (project / "layouts/fonts/cjk.ttc").symlink_to(CJK)
    write(project / "layouts/letter.yaml", "extends: letter\nfonts:\n  fallback: [fonts/cjk.ttc]\n")
    write(project / "data/routines/zh.yaml", "title: 站立伸展\nsteps:\n  - 慢慢呼吸\n")
    shown = run("layouts", "show", "large-print").stdout
    assert "fallback:\n  - layouts/fonts/cjk.ttc\n" in shown
    result = run("handout", "zh", "--layout", "large-print", "-o", "zh.pdf")
    assert result.exit_code == 0, result.output
    assert "慢慢呼吸" in PdfReader(project / "zh.pdf").pages[0].extract_text()


def test_a_bad_extends_is_reported_with_the_layouts_other_problems(project: Path) -> None:
    write(project / "layouts/bad.yaml", 'extends: lettr\ncolors:\n  accent: "#zzz"\n')
    write(project / "layouts/child.yaml", "extends: parent\ntext:\n  body_size: 0\n")
    write(project / "layouts/parent.yaml", "extends: letter\ncolors:\n  muted: red\n")
    bad = run("layouts", "show", "bad")
    assert bad.exit_code == 1
    assert bad.stderr.splitlines() == [
        "layouts/bad.yaml:1:10: 'extends' names no layout 'lettr'; did you mean 'letter'?",
        "layouts/bad.yaml:3:11: 'colors.accent' must be a colour like #1f5f8b, not '#zzz'",
    ]
    child = run("layouts", "show", "child")
    assert child.stderr.splitlines() == [
        "layouts/child.yaml:3:14: text.body_size must be between 6 and 72 pt, not 0",
        "layouts/parent.yaml:3:10: 'colors.muted' must be a colour like #1f5f8b, not 'red'",
    ]
