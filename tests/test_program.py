"""Personal programmes and the patient's language."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from handouts.layout import BUILTIN_LAYOUTS, LABEL_KEYS

from .conftest import FIXTURES, run, write


def text_of(path: Path) -> list[str]:
    return [p.extract_text() for p in PdfReader(path).pages]


def test_programme_shows_patient_dosage_notes_and_tracking_page(project: Path) -> None:
    result = run("program", "ann-lee")
    assert result.exit_code == 0, result.output
    pages = text_of(project / "out/patients/ann-lee/ann-lee.program.pdf")
    everything = "\n".join(pages)
    assert "Ann Lee" in pages[0] and "R. Okafor, PT" in pages[0] and "2026-11-24" in pages[0]
    assert "Do these every morning, before breakfast." in everything
    assert "Use the soft grey roller we gave you." in everything
    # The programme's dosage replaces the routine's own.
    assert "8 each side" in everything and "Every morning" in everything
    tracking = " ".join(pages[-1].split())  # a long title may wrap in its cell
    assert "Your progress" in tracking
    for day in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Pain (0-10)"):
        assert day in tracking
    assert tracking.count("Sacral Traction") == 4 and tracking.count("Bird Dog") == 4
    assert result.stderr == ""


@pytest.mark.parametrize(("count", "warned"), [(3, False), (4, True), (5, True)])
def test_four_or_more_routines_warn(project: Path, count: int, warned: bool) -> None:
    ids = [
        "sacral-traction",
        "wger-bird-dog",
        "wger-chin-tuck",
        "wger-child-s-pose",
        "wger-butterfly-stretch",
    ][:count]
    write(
        project / "data/programs/long.yaml",
        "patient: Bo\nroutines:\n" + "".join(f"  - {i}\n" for i in ids),
    )
    result = run("program", "long")
    assert result.exit_code == 0
    if not warned:
        assert result.stderr == ""
        return
    assert result.stderr.splitlines() == [
        f"data/programs/long.yaml:3:3: warning: {count} routines; fewer than 4 are recommended "
        "(86% compliance with 2 or fewer exercises, 54% with 4 or more: Eckard). Consider a "
        "shorter programme."
    ]


def test_bad_programme_lists_every_problem(project: Path) -> None:
    write(project / "bad.yaml", (FIXTURES / "programs/bad.yaml").read_text())
    result = run("program", "bad.yaml")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [  # every problem at once
        "bad.yaml:3:5: no routine with id 'sacral-tracton' in the library; closest: "
        "sacral-traction",
        "bad.yaml:5:5: unknown key 'set' in routines[2]; did you mean 'sets'?",
    ]
    write(project / "bad.yaml", "patient: Sam\nroutines:\n  - sacral-tracton\n")
    result = run("program", "bad.yaml")
    assert result.stderr == (
        "bad.yaml:3:5: no routine with id 'sacral-tracton' in the "
        "library; closest: sacral-traction\n"
    )
    assert not (project / "out").exists()


def test_programme_cards(project: Path) -> None:
    result = run("program", "ann-lee", "--cards")
    assert result.exit_code == 0, result.output
    front = (
        PdfReader(project / "out/patients/ann-lee/ann-lee.program-cards.pdf")
        .pages[0]
        .extract_text()
    )
    assert "Sacral Traction" in front and "Bird Dog" in front


@pytest.mark.parametrize("lang", ["es", "fr", "de"])
def test_every_language_pack_has_every_label(lang: str) -> None:
    pack = yaml.safe_load((BUILTIN_LAYOUTS / "labels" / f"{lang}.yaml").read_text())
    assert set(pack) == set(LABEL_KEYS)
    assert "{page}" in pack["page_of"] and "{pages}" in pack["page_of"]
    assert "{week}" in pack["week"]


@pytest.mark.parametrize(("lang", "heading", "page"), [
    ("es", "Antes de empezar", "Página 1 de 2"),
    ("fr", "Avant de commencer", "Page 1 sur 2"),
    ("de", "Bevor Sie beginnen", "Seite 1 von 2"),
])  # fmt: skip
def test_language_option_prints_labels_and_sets_lang(
    project: Path, lang: str, heading: str, page: str
) -> None:
    assert run("handout", "sacral-traction", "--language", lang, "-o", "l.pdf").exit_code == 0
    reader = PdfReader(project / "l.pdf")
    first = reader.pages[0].extract_text()
    assert heading in first and page in first
    assert reader.trailer["/Root"]["/Lang"] == lang


def test_routine_language_picks_its_labels(project: Path) -> None:
    write(
        project / "data/routines/es.yaml",
        "title: Estiramiento\nlanguage: es\nsteps:\n  - Siéntese.\ncautions:\n  - Pare si duele.\n",
    )
    assert run("handout", "es").exit_code == 0
    reader = PdfReader(project / "out/es.pdf")
    assert "Antes de empezar" in reader.pages[0].extract_text()
    assert reader.trailer["/Root"]["/Lang"] == "es"


def test_label_pack_with_an_unknown_key(project: Path) -> None:
    write(project / "layouts/labels/es.yaml", "cautions: Antes\nbenefit: Beneficios\n")
    result = run("handout", "sacral-traction", "--language", "es")
    assert result.exit_code == 1
    assert result.stderr == (
        "layouts/labels/es.yaml:2:1: unknown key 'benefit' in the labels; "
        "did you mean 'benefits'?\n"
    )


# -- languages are tags, looked up by name only (issue 11) -----------------------------------
@pytest.mark.parametrize(("option", "message"), [
    ("../../x", "'../../x' is not a language tag like es, pt-BR or zh-Hans"),
    ("layouts/labels/es.yaml", "'layouts/labels/es.yaml' is not a language tag like es, pt-BR "
     "or zh-Hans"),
    ("es\n", "'es\\u000a' is not a language tag like es, pt-BR or zh-Hans"),
    ("it", "no labels for language 'it' (have: de, en, es, fr)"),
    ("spanish", "no labels for language 'spanish' (have: de, en, es, fr)"),
    ("pt-BR", "no labels for language 'pt-BR' (have: de, en, es, fr)"),
])  # fmt: skip
def test_language_option_must_name_a_pack(project: Path, option: str, message: str) -> None:
    write(project / "evil.yaml", "cautions: Pwned\n")
    for args in (
        ["handout", "sacral-traction", "-o", "x.pdf"],
        ["card", "sacral-traction", "-o", "x.pdf"],
        ["booklet", "lower-back", "-o", "x.pdf"],
        ["program", "ann-lee", "-o", "x.pdf"],
    ):
        result = run(*args, "--language", option)
        assert (result.exit_code, result.stderr) == (1, f"<--language>:1:1: {message}\n"), args
    assert not (project / "x.pdf").exists()


def test_a_region_or_script_subtag_picks_the_primary_pack(project: Path) -> None:
    assert run("handout", "sacral-traction", "--language", "es-MX", "-o", "l.pdf").exit_code == 0
    reader = PdfReader(project / "l.pdf")
    assert "Antes de empezar" in reader.pages[0].extract_text()
    assert reader.trailer["/Root"]["/Lang"] == "es-MX"


def test_a_project_pack_adds_a_language(project: Path) -> None:
    write(project / "layouts/labels/it.yaml", "cautions: Prima di iniziare\n")
    result = run("handout", "sacral-traction", "--language", "it", "-o", "it.pdf")
    assert result.exit_code == 0, result.output
    assert "Prima di iniziare" in PdfReader(project / "it.pdf").pages[0].extract_text()
    result = run("handout", "sacral-traction", "--language", "nl", "-o", "nl.pdf")
    assert (
        result.stderr
        == "<--language>:1:1: no labels for language 'nl' (have: de, en, es, fr, it)\n"
    )


def test_check_language_reports_at_the_routines_language(tmp_path: Path) -> None:
    from handouts.check import Text
    from handouts.errors import DataError
    from handouts.layout import BUILTIN_LAYOUTS, check_language

    where = Text("it", "data/routines/x.yaml", 4, 11)
    with pytest.raises(DataError) as info:
        check_language(where, where, [BUILTIN_LAYOUTS])
    assert str(info.value) == (
        "data/routines/x.yaml:4:11: no labels for language 'it' (have: de, en, es, fr)"
    )
    assert check_language("de-AT", None) == "de" and check_language("EN") == "en"
    write(tmp_path / "layouts/labels/it.yaml", "steps: Passi\n")
    assert check_language(where, where, [tmp_path / "layouts", BUILTIN_LAYOUTS]) == "it"


def test_load_labels_refuses_what_is_not_a_tag() -> None:
    from handouts.check import Text
    from handouts.errors import DataError
    from handouts.layout import load_labels, load_layout

    letter = load_layout("letter")
    with pytest.raises(DataError) as info:
        load_labels("../labels/es", letter)
    assert str(info.value) == (
        "<--language>:1:1: '../labels/es' is not a language tag like es, pt-BR or zh-Hans"
    )
    with pytest.raises(DataError) as info:
        load_labels(Text("e$", "data/routines/x.yaml", 3, 11), letter)
    assert str(info.value).startswith("data/routines/x.yaml:3:11: 'e$' is not a language tag")
    assert load_labels("xx", letter)["steps"] == "Steps"  # a tag with no pack: English
    assert load_labels("fr-CA", letter)["steps"] == "Étapes"


def test_label_texts_carry_their_own_file_line_and_column(project: Path) -> None:
    from handouts.layout import ENGLISH, label_texts, load_layout
    from handouts.render.fonts import font_set, glyph_problems

    write(project / "layouts/labels/es.yaml", "# Spanish, our words\nsteps: Pasos 慢\n")
    write(project / "layouts/mine.yaml", "extends: letter\nlabels:\n  notes: Notas ב\n")
    layout = load_layout("mine", [Path("layouts"), BUILTIN_LAYOUTS])
    texts = {str(t): (t.path, t.line, t.col) for t in label_texts("es", layout)}
    assert texts["Pasos 慢"] == ("layouts/labels/es.yaml", 2, 8)
    assert texts["Notas ב"] == ("layouts/mine.yaml", 3, 10)
    assert texts["Antes de empezar"] == (str(BUILTIN_LAYOUTS / "labels/es.yaml"), 4, 11)
    english = [t for t in label_texts("en", layout) if t.path == ENGLISH]
    assert len(english) == len(LABEL_KEYS) - 1  # all but the layout's own 'notes'
    problems = [str(p) for p in glyph_problems(label_texts("es", layout), font_set(layout.fonts))]
    assert problems == [
        "layouts/labels/es.yaml:2:14: the font cannot draw U+6162 CJK UNIFIED IDEOGRAPH-6162; "
        "add a font that covers it to the layout or remove the character",
        "layouts/mine.yaml:3:16: right-to-left text (U+05D1 HEBREW LETTER BET) is not supported "
        "yet; it would print in the wrong order",
    ]


def test_a_bad_character_in_a_pack_is_reported_in_the_pack(project: Path) -> None:
    write(project / "layouts/labels/es.yaml", 'steps: "Pasos\\u0007"\ncautions: Ojo\n')
    result = run("handout", "sacral-traction", "--language", "es")
    assert (result.exit_code, result.stderr) == (
        1,
        "layouts/labels/es.yaml:1:14: control character U+0007 in 'steps' cannot be printed\n",
    )


def test_every_note_prints_once_under_its_own_entry(project: Path) -> None:
    """The same routine twice (warm-up and cool-down): each entry keeps its own note."""
    write(
        project / "data/programs/twice.yaml",
        "patient: Bo\nroutines:\n"
        "  - id: sacral-traction\n    note: Warm-up, before the walk.\n"
        "  - id: wger-bird-dog\n"
        "  - id: sacral-traction\n    note: Cool-down, after the walk.\n",
    )
    result = run("program", "twice")
    assert result.exit_code == 0, result.output
    pages = text_of(project / "out/patients/bo/twice.program.pdf")
    text = " ".join(" ".join(pages).split())
    assert text.count("Warm-up, before the walk.") == 1
    assert text.count("Cool-down, after the walk.") == 1
    assert text.index("Warm-up") < text.index("Bird Dog") < text.index("Cool-down")


# -- the tracking page (issue 11) ---------------------------------------------------------


def test_tracking_weeks_carry_dates_from_the_programme_date(project: Path) -> None:
    assert run("program", "ann-lee", "-o", "p.pdf").exit_code == 0
    text = " ".join(" ".join(text_of(project / "p.pdf")[-1:]).split())
    for label in ("Week 1 · from 24 Nov", "Week 2 · from 1 Dec", "Week 4 · from 15 Dec"):
        assert label in text
    assert run("program", "ann-lee", "--language", "de", "-o", "de.pdf").exit_code == 0
    german = " ".join(" ".join(text_of(project / "de.pdf")).split())
    assert "Woche 1 · ab 24. Nov." in german and "Woche 3 · ab 8. Dez." in german


def test_tracking_weeks_without_a_date_are_numbered_only(project: Path) -> None:
    write(project / "data/programs/bo.yaml", "patient: Bo\nroutines:\n  - sacral-traction\n")
    assert run("program", "bo", "-o", "bo.pdf").exit_code == 0
    last = " ".join(text_of(project / "bo.pdf")[-1].split())
    assert "Week 1 Mon" in last and "from" not in last


def test_long_routine_names_wrap_inside_their_cells(project: Path) -> None:
    from handouts.layout import load_layout

    from .conftest import glyphs

    long = "Seated thoracic rotation with a broomstick across the shoulders, slowly both ways"
    write(project / "data/routines/long-name.yaml", f"title: {long}\nsteps:\n  - Turn.\n")
    write(project / "data/programs/bo.yaml", "patient: Bo\nroutines:\n  - long-name\n")
    assert run("program", "bo", "-o", "bo.pdf").exit_code == 0
    last = glyphs(project / "bo.pdf")[-1]
    mon = min((g for g in last if g.text == "M" and "Bold" in g.font), key=lambda g: -g.y0)
    # Every letter below the header row and left of the Mon column is the name's: it wraps
    # onto several lines and none of it reaches the day boxes.
    bottom = load_layout("letter").page.margin_bottom  # the footer sits below
    below = [g for g in last if bottom < g.y0 and g.y1 < mon.y0 - 2]
    name = [g for g in below if g.x0 < mon.x0]
    assert len(name) >= len(long.replace(" ", "")) * 0.9 // 4  # the name, in week 1 at least
    assert len({round(g.y0) for g in name}) >= 2  # wrapped onto two lines or more
    assert all(g.x1 <= mon.x0 - 2 for g in name)


@pytest.mark.parametrize(
    "layout_text",
    [
        "extends: letter\npage:\n  size: a5\n",
        "extends: large-print\n",
        "extends: letter\npage:\n  size: a6\n  margin_left: 0.3in\n  margin_right: 0.3in\n"
        "  margin_bottom: 1in\nhandout:\n  step_image_width: 0.5in\n  step_number_width: 0.3in\n",
        "extends: large-print\npage:\n  size: a4\n",
    ],
)
def test_tracking_fits_narrow_pages(project: Path, layout_text: str) -> None:
    from handouts.layout import load_layout

    from .conftest import glyphs

    write(project / "layouts/narrow.yaml", layout_text)
    result = run("program", "ann-lee", "--layout", "narrow", "-o", "n.pdf")
    assert result.exit_code == 0, result.output
    layout = load_layout(str(project / "layouts/narrow.yaml"))
    p = layout.page
    pages = glyphs(project / "n.pdf")
    texts = text_of(project / "n.pdf")
    tracking = [i for i, t in enumerate(texts) if "Tick a box" in t or "Week" in t]
    assert tracking
    for i in tracking:
        assert all(g.x1 <= p.size[0] - p.margin_right + 1 for g in pages[i]), i
    grid = " ".join(" ".join(texts[i] for i in tracking).split())
    assert grid.count("Sacral Traction") == 4 and grid.count("Sun") == 4
