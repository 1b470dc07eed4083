"""`handouts lint`: reading grade, plain-language checks and large print, with positions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from handouts.lint.readability import score
from handouts.output import shown as display

from .conftest import FIXTURES, ROOT, run

LINT = FIXTURES / "lint"


def lint(*names: str) -> list[str]:
    """The warning and note lines of `handouts lint` on fixtures, without the score lines."""
    result = run("lint", *(str(LINT / n) for n in names))
    return [line for line in result.stdout.splitlines() if ": info: " not in line]


def shown(name: str) -> str:
    """A fixture's path as lint prints it."""
    return display(LINT / name)


# -- grades on texts whose grade is known by hand --------------------------------------------
# Flesch-Kincaid grade = 0.39 words/sentence + 11.8 syllables/word - 15.59;
# Flesch reading ease = 206.835 - 1.015 words/sentence - 84.6 syllables/word (English);
# Amstad (German) = 180 - words/sentence - 58.5 syllables/word.


def test_grade_of_one_syllable_words() -> None:
    s = score("The cat sat on the mat.")  # 6 words, 1 sentence, 6 syllables
    assert s is not None and s.words == 6
    assert s.grade == pytest.approx(0.39 * 6 + 11.8 * 1 - 15.59, abs=0.051)  # -1.45
    assert s.ease == pytest.approx(206.835 - 1.015 * 6 - 84.6 * 1, abs=0.051)  # 116.145


def test_grade_of_two_sentences() -> None:
    # Lift your arms a-bove your head (7 syllables); Hold them there for a slow count (7).
    s = score("Lift your arms above your head. Hold them there for a slow count.")
    assert s is not None and s.words == 13
    assert s.grade == pytest.approx(0.39 * 13 / 2 + 11.8 * 14 / 13 - 15.59, abs=0.051)
    assert s.ease == pytest.approx(206.835 - 1.015 * 13 / 2 - 84.6 * 14 / 13, abs=0.051)


def test_grade_of_long_words() -> None:
    # u-ni-ver-si-ty 5, ad-min-is-tra-tion 5, con-sid-ers 3, in-ter-na-tion-al 5,
    # com-mu-ni-ca-tion 5, par-tic-u-lar-ly 5, im-por-tant 3: 31 syllables in 7 words.
    s = score(
        "University administration considers international communication particularly important."
    )
    assert s is not None
    assert s.grade == pytest.approx(0.39 * 7 + 11.8 * 31 / 7 - 15.59, abs=0.051)  # 39.4
    assert s.ease == pytest.approx(206.835 - 1.015 * 7 - 84.6 * 31 / 7, abs=0.051)


def test_german_uses_the_amstad_formula_and_no_grade() -> None:
    s = score("Der Hund ist alt und liegt im Gras vor dem Haus.", "de")  # 11 words, 1 syllable each
    assert s is not None and s.grade is None
    assert s.ease == pytest.approx(180 - 11 - 58.5, abs=0.051)  # not English's 106.07


def test_a_language_with_no_formula_is_not_scored() -> None:
    assert score("Połóż się na plecach.", "pl") is None


def test_scores_per_routine_and_per_section_at_the_field() -> None:
    out = run("lint", shown("hard.yaml")).stdout.splitlines()
    assert (
        f"{shown('hard.yaml')}:2:10: info: summary: grade 39.4, reading ease -174.9 (7 words)"
        in out
    )
    routine = [line for line in out if ": info: routine: grade" in line]
    assert len(routine) == 1 and routine[0].startswith(f"{shown('hard.yaml')}:1:8: ")
    for section in ("cautions", "steps", "quick_reference"):
        assert any(f": info: {section}: grade " in line for line in out), section


def test_grade_targets_warn_above_8_and_note_above_6(tmp_path: Path) -> None:
    assert lint("hard.yaml") == [
        f"{shown('hard.yaml')}:1:8: warning: routine reads at grade 10.4, above grade 8 (NIH); "
        "use shorter words and sentences",
        f"{shown('hard.yaml')}:2:10: warning: summary reads at grade 39.4, above grade 8 (NIH); "
        "use shorter words and sentences",
    ]
    # This gen-tle stretch re-lax-es a stiff low-er back ar-e-a: 9 words, 15 syllables,
    # 0.39 x 9 + 11.8 x 15/9 - 15.59 = 7.59: above 6, not above 8, so a note and no warning.
    text = (
        (LINT / "good.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "This stretch eases a stiff lower back.",
            "This gentle stretch relaxes a stiff lower back area.",
        )
    )
    mid = tmp_path / "mid.yaml"
    mid.write_text(text, encoding="utf-8")
    out = run("lint", str(mid)).stdout
    assert f"{display(mid)}:4:10: note: summary reads at grade 7.6, above grade 6 (AMA)" in out
    assert ": warning:" not in out


def test_other_languages_say_what_was_scored() -> None:
    assert lint("german.yaml") == [
        f"{shown('german.yaml')}:1:8: note: language 'de': reading ease by the Amstad formula; "
        "no grade (Flesch-Kincaid is an English formula), so the grade targets are not checked",
        f"{shown('german.yaml')}:1:8: note: no word lists for language 'de' (handouts/lint/"
        "words.yaml): the action-word, passive-voice and jargon checks were skipped",
    ]
    out = run("lint", shown("german.yaml")).stdout
    assert ": info: steps: reading ease " in out and "grade" not in out.split("info: steps:")[1]
    polish = lint("polish.yaml")
    assert polish[0] == (
        f"{shown('polish.yaml')}:1:8: note: no readability formula for language 'pl' in "
        "textstat: not scored"
    )
    assert ": info: " not in run("lint", shown("polish.yaml")).stdout


# -- each check fires on its bad fixture and not on the good one ----------------------------


def test_the_good_routine_has_nothing_to_say() -> None:
    result = run("lint", "--strict", shown("good.yaml"))
    assert result.exit_code == 0
    assert lint("good.yaml") == []
    assert "0 warning(s), 0 note(s)" in result.stderr


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("long-sentence.yaml", ":5:5: warning: steps: a sentence of 25 words (more than 20)"),
        ("long-step.yaml", ":5:5: warning: steps[1] has 37 words (more than 30)"),
        ("no-verb.yaml", ":5:5: note: steps[1] does not start with an action word"),
        ("passive.yaml", ":5:32: note: steps: 'is pulled' may be passive voice"),
        ("bare.yaml", ":1:8: warning: no 'cautions:'"),
        ("bare.yaml", ":1:8: warning: no 'quick_reference:'"),
        ("all-caps.yaml", ":3:5: warning: cautions: a sentence in capitals"),
        ("jargon.yaml", ":5:9: warning: 'supine' may be unknown to a patient; say 'lying on "
         "your back'"),
    ],
)  # fmt: skip
def test_each_check_fires_at_its_place(fixture: str, expected: str) -> None:
    found = lint(fixture)
    assert any(line.startswith(shown(fixture) + expected) for line in found), found
    assert not any(expected.split(": ", 1)[1][:30] in line for line in lint("good.yaml"))


def test_one_check_per_bad_fixture() -> None:
    """Each bad fixture trips only its own check: the checks do not fire on plain text."""
    for fixture, check in [
        ("long-sentence.yaml", "long-sentence"), ("long-step.yaml", "long-step"),
        ("no-verb.yaml", "verb-first"), ("passive.yaml", "passive"),
        ("all-caps.yaml", "all-caps"), ("jargon.yaml", "jargon"),
        ("crowded-card.yaml", "quick-reference"),
    ]:  # fmt: skip
        data = json.loads(run("lint", "--format", "json", shown(fixture)).stdout)
        checks = {f["check"] for f in data["findings"] if f["level"] != "info"}
        assert checks == {check}, (fixture, checks)


def test_a_picture_without_alt_text_is_a_warning_at_the_picture(tmp_path: Path) -> None:
    """As `validate` warns: a screen reader reading the accessible edition has nothing to
    say for a picture with no `alt:`, so lint --strict fails on it, at the `image:` value;
    a picture with `alt:` is not flagged."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (60, 40), (30, 90, 140)).save(buf, "PNG")
    (tmp_path / "roll.png").write_bytes(buf.getvalue())
    good = (LINT / "good.yaml").read_text(encoding="utf-8")
    steps = "  - Lie on your back on the floor.\n"
    pictured = tmp_path / "pictured.yaml"
    pictured.write_text(
        good.replace(steps, "  - text: Lie on your back on the floor.\n    image: roll.png\n"),
        encoding="utf-8",
    )
    described = tmp_path / "described.yaml"
    described.write_text(
        good.replace(steps, "  - text: Lie on your back on the floor.\n    image: {path: "
                     "roll.png, alt: A person lying on their back on a mat}\n"),
        encoding="utf-8",
    )  # fmt: skip
    result = run("lint", "--strict", display(pictured))
    assert result.exit_code == 1
    found = [line for line in result.stdout.splitlines() if ": info: " not in line]
    assert found == [
        f"{display(pictured)}:9:12: warning: steps[1].image 'roll.png' has no 'alt' text; "
        "add 'alt:' saying in words what it shows, for a patient who cannot see it"
    ]
    data = json.loads(run("lint", "--format", "json", display(pictured)).stdout)
    assert [f["check"] for f in data["findings"] if f["level"] == "warning"] == ["alt-text"]
    ok = run("lint", "--strict", display(described))
    assert ok.exit_code == 0, ok.stdout
    assert "0 warning(s), 0 note(s)" in ok.stderr


def test_lead_in_words_and_states_are_not_flagged() -> None:
    """'Slowly lift', 'Then hold', 'If it hurts, stop', 'With your back flat, bring' start
    with an action; 'you are seated' is a state, not the passive."""
    assert lint("verbs-ok.yaml") == []


def test_a_defined_term_is_not_jargon() -> None:
    found = lint("jargon.yaml")
    assert not any("lumbar" in line for line in found)  # "lumbar (lower back)" explains it
    assert len([line for line in found if "jargon" in line or "unknown" in line]) == 1


def test_quick_reference_limit_is_the_cards_own() -> None:
    """The limit comes from the card renderer: the wallet card holds 6 one-line steps under
    this title and caution at 9.5 pt; an index card (more room) holds more."""
    (found,) = lint("crowded-card.yaml")
    assert found == (
        f"{shown('crowded-card.yaml')}:6:19: warning: quick reference has 12 steps; the pocket "
        "card holds 6 at its full text size"
    )


def test_quick_reference_limit_follows_the_projects_card(project: Path) -> None:
    target = project / "crowded.yaml"
    target.write_text((LINT / "crowded-card.yaml").read_text(encoding="utf-8"))
    wallet = run("lint", str(target)).stdout
    settings = project / "handouts.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "card: index\n", encoding="utf-8")
    index = run("lint", str(target)).stdout
    assert "card holds 6 " in wallet
    assert "quick reference has 12 steps" not in index  # the index card holds all 12


def test_large_print_layout_is_held_to_acb() -> None:
    found = lint("large-print-bad.yaml")
    p = shown("large-print-bad.yaml")
    assert found == [
        f"{p}:5:14: warning: large print: text.body_size is 16 pt; ACB large print is 18 pt "
        "minimum everywhere",
        f"{p}:6:13: warning: large print: text.min_size is 12 pt; ACB large print is 18 pt "
        "minimum everywhere",
        f"{p}:7:15: warning: large print: text.small_size is 14 pt; ACB large print is 18 pt "
        "minimum everywhere",
        f"{p}:8:17: warning: large print: text.heading_size is 16 pt, not larger than the 16 pt "
        "body; headings must stand out by size",
        f"{p}:9:12: warning: large print: text.leading is 1.2; ACB asks for 1.5 line spacing",
        f"{p}:10:13: warning: large print: text.emphasis is italic; ACB large print has no "
        "italics: use bold",
        f"{p}:11:10: warning: large print: text.align is justify; ACB large print is left-aligned",
        f"{p}:13:13: warning: large print: labels.cautions 'BEFORE YOU START' is in capitals; "
        "ACB large print has no all caps",
    ]
    assert lint("large-print-good.yaml") == []  # inherits the built-in large-print's values


def test_inherited_large_print_values_point_at_extends(tmp_path: Path) -> None:
    (tmp_path / "big.yaml").write_text("description: Large print, A4\nextends: a4\n")
    found = run("lint", str(tmp_path / "big.yaml")).stdout.splitlines()
    assert (
        f"{display(tmp_path / 'big.yaml')}:2:10: warning: large print: text.body_size is 12 pt; "
        "ACB large print is 18 pt minimum everywhere (from the layout it extends, 'a4')" in found
    )


# -- the command ------------------------------------------------------------------------------


def test_strict_makes_warnings_fail_and_notes_pass() -> None:
    assert run("lint", shown("bare.yaml")).exit_code == 0
    strict = run("lint", "--strict", shown("bare.yaml"))
    assert strict.exit_code == 1 and "2 warning(s)" in strict.stderr
    assert run("lint", "--strict", shown("no-verb.yaml")).exit_code == 0  # a note only


def test_json_for_tools() -> None:
    result = run("lint", "--format", "json", shown("bare.yaml"), shown("large-print-bad.yaml"))
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["routines"] == 1 and data["layouts"] == 1
    assert data["counts"]["warning"] == 10
    first = data["findings"][0]
    assert set(first) == {"path", "line", "col", "level", "check", "message"}
    assert {
        "path": shown("bare.yaml"), "line": 1, "col": 8, "level": "warning",
        "check": "cautions", "message": "no 'cautions:': say when to stop or not to start",
    } in data["findings"]  # fmt: skip
    assert result.stderr == ""


def test_unreadable_routine_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("title: X\nsteps: []\n")
    result = run("lint", str(bad))
    assert result.exit_code == 1
    assert (
        f"{display(bad)}:2:8: error: 'steps' is empty; a routine needs at least one step"
        in result.stdout
    )


def test_output_is_the_same_every_time() -> None:
    first = run("lint", "--format", "json", str(LINT)).stdout
    assert first == run("lint", "--format", "json", str(LINT)).stdout


def test_shipped_routines_and_layouts_pass_strict(project: Path) -> None:
    result = run("lint", "--strict")
    assert result.exit_code == 0, result.stdout
    assert "0 error(s), 0 warning(s)" in result.stderr
    data = json.loads(run("lint", "--format", "json").stdout)
    assert data["routines"] == len(list((ROOT / "data" / "routines").glob("*.yaml")))
    assert data["layouts"] >= 13  # the built-ins (large-print among them) and the project's
    grades = [f for f in data["findings"] if f["message"].startswith("routine: grade")]
    assert len(grades) == data["routines"]


def test_a_new_project_from_init_passes_strict(tmp_path: Path) -> None:
    import os

    assert run("init", str(tmp_path / "clinic")).exit_code == 0
    old = Path.cwd()
    os.chdir(tmp_path / "clinic")
    try:
        result = run("lint", "--strict")
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.stdout
    assert "1 routine(s)" in result.stderr and "0 warning(s), 0 note(s)" in result.stderr
