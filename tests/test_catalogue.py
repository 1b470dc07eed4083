"""The bad-input catalogue: one fixture per class of mistake, its exact message, exit 1, and
no output file. Run from the project folder, as a user would."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import ROOT, run

B = "tests/fixtures/bad/"
CATALOGUE = [
    # (class, command line, exact stderr lines)
    ("YAML syntax", ["validate", B + "yaml-syntax.yaml"],
     [B + "yaml-syntax.yaml:4:1: YAML syntax: expected ',' or ']', but got '<stream end>'"]),
    ("tab", ["validate", B + "tab.yaml"], [B + "tab.yaml:3:1: tab character; indent with spaces"]),
    ("duplicate key", ["validate", B + "duplicate-key.yaml"],
     [B + "duplicate-key.yaml:4:1: duplicate key 'title' (first given on line 1)"]),
    ("alias", ["validate", B + "alias.yaml"],
     [B + "alias.yaml:1:8: anchors (&name) are not allowed; write the value out"]),
    ("unknown field", ["validate", B + "unknown-field.yaml"],
     [B + "unknown-field.yaml:2:1: unknown key 'benefit' in the routine; did you mean "
          "'benefits'?"]),
    ("wrong type", ["validate", B + "wrong-type.yaml"],
     [B + "wrong-type.yaml:4:9: 'dosage' must be a mapping of keys, not text"]),
    ("missing required field", ["validate", B + "missing-required.yaml"],
     [B + "missing-required.yaml:1:1: missing required key 'steps'; add 'steps:' to the "
          "routine"]),
    ("overflowing card", ["card", "tests/fixtures/cards/overflow.yaml"],
     ["tests/fixtures/cards/overflow.yaml:5:5: quick_reference does not fit on a card-wallet "
      "card even at 7 pt (needs 133 pt of height, 126 pt available); shorten it to about 116 "
      "words or choose a larger --size"]),
    ("missing glyph", ["handout", B + "missing-glyph.yaml"],
     [B + "missing-glyph.yaml:3:13: the font cannot draw U+6DF1 CJK UNIFIED IDEOGRAPH-6DF1; "
          "add a font that covers it to the layout or remove the character"]),
    ("oversized file", ["validate", B + "oversized.yaml"],
     [B + "oversized.yaml:1:1: file is 298,993 bytes; the limit is 262,144"]),
    ("image outside the data folder", ["handout", B + "image-outside.yaml"],
     [B + "image-outside.yaml:4:12: steps[1].image '../../../../etc/passwd' is outside the "
          "data folder tests/fixtures/bad"]),
    ("non-http video URL", ["validate", B + "bad-video.yaml"],
     [B + "bad-video.yaml:4:8: 'video' must be an http:// or https:// address, not "
          "'javascript:alert(1)'"]),
    ("unknown routine id in a booklet", ["booklet", "tests/fixtures/booklets/missing-id.yaml"],
     ["tests/fixtures/booklets/missing-id.yaml:4:5: no routine with id 'sacral-tractoin' in "
      "the library; closest: sacral-traction"]),
    ("layout extends cycle", ["layouts", "show", "tests/fixtures/layouts/cycle-a.yaml"],
     ["tests/fixtures/layouts/cycle-a.yaml:1:1: layout 'extends' cycle: cycle-a -> cycle-b "
      "-> cycle-a"]),
    ("comment eating words", ["validate", B + "comment.yaml"],
     [B + "comment.yaml:4:24: ' #2 (green) tied to a door.' would be dropped as a YAML "
          "comment; put the whole line in quotes"]),
    ("comment eating words, handout", ["handout", B + "comment.yaml"],
     [B + "comment.yaml:4:24: ' #2 (green) tied to a door.' would be dropped as a YAML "
          "comment; put the whole line in quotes"]),
    ("list items merged by an indent", ["validate", B + "merged-items.yaml"],
     [B + "merged-items.yaml:4:4: this line starting with '- ' is read as more of 'steps[1]', "
          "so two items look merged into one; fix its indent (or quote the text)"]),
    ("nesting bomb", ["validate", B + "deep-nesting.yaml"],
     [B + "deep-nesting.yaml:2:57: lists and mappings nested more than 50 deep"]),
    ("device as the clinic profile", ["--clinic", "/dev/zero", "handout", "sacral-traction"],
     ["/dev/zero:1:1: is a device, not a regular file; only regular files are read"]),
    ("folder as the clinic profile", ["--clinic", "data/routines", "handout", "sacral-traction"],
     ["data/routines:1:1: is a folder, not a file"]),
    ("text file named as a routine", ["handout", B + "not-yaml.txt"],
     [B + "not-yaml.txt:1:1: not a YAML data file: routines, booklets and programmes are text "
          "files ending in .yaml or .yml"]),
    ("picture named as a routine", ["handout", "data/logo.png"],
     ["data/logo.png:1:1: not a YAML data file: routines, booklets and programmes are text "
      "files ending in .yaml or .yml"]),
    ("picture named as a booklet", ["booklet", "data/logo.png"],
     ["data/logo.png:1:1: not a YAML data file: routines, booklets and programmes are text "
      "files ending in .yaml or .yml"]),
    ("text file named as a programme", ["program", B + "not-yaml.txt"],
     [B + "not-yaml.txt:1:1: not a YAML data file: routines, booklets and programmes are text "
          "files ending in .yaml or .yml"]),
    ("title of 300 words", ["handout", B + "long-title.yaml"],
     [B + "long-title.yaml:1:8: 'title' is 2,399 characters; the limit is 200"]),
    ("no such day (--date)", ["handout", "sacral-traction", "--date", "2026-02-30"],
     ["<--date>:1:1: --date '2026-02-30' is not a real date: February 2026 has 28 days"]),
    ("no such day (reviewed.on)", ["validate", B + "bad-date.yaml"],
     [B + "bad-date.yaml:6:7: 'reviewed.on' '2026-02-30' is not a real date: February 2026 "
          "has 28 days"]),
    ("id differs from the file name", ["validate", B + "id-mismatch.yaml"],
     [B + "id-mismatch.yaml:1:5: 'id' says 'sacral-traction' but the file name makes the id "
          "'id-mismatch' (the library goes by file name); rename the file or change 'id' to "
          "match"]),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "args", "expected"), CATALOGUE, ids=[c[0] for c in CATALOGUE])
def test_bad_input_catalogue(
    kind: str, args: list[str], expected: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out"
    result = run("--out", str(out), *args)
    assert result.exit_code == 1, kind
    assert result.stderr.splitlines() == expected
    assert "Traceback" not in result.output
    assert not out.exists() or list(out.iterdir()) == []
