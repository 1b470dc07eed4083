"""Reading routine files: strict, and precise when they are wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from handouts.errors import DataError
from handouts.library import load_routine
from handouts.yamlsrc import parse_yaml

from .conftest import FIXTURES, SEED, run, write

BAD = FIXTURES / "bad"

# One fixture file per failure: the exact line(s) a user sees.
EXPECTED = {
    "tab.yaml": ["3:1: tab character; indent with spaces"],
    "duplicate-key.yaml": ["4:1: duplicate key 'title' (first given on line 1)"],
    "alias.yaml": ["1:8: anchors (&name) are not allowed; write the value out"],
    "unknown-field.yaml": ["2:1: unknown key 'benefit' in the routine; did you mean 'benefits'?"],
    "wrong-type.yaml": ["4:9: 'dosage' must be a mapping of keys, not text"],
    "missing-required.yaml": ["1:1: missing required key 'steps'; add 'steps:' to the routine"],
    "yaml-syntax.yaml": ["4:1: YAML syntax: expected ',' or ']', but got '<stream end>'"],
    "bad-video.yaml": [
        "4:8: 'video' must be an http:// or https:// address, not 'javascript:alert(1)'"
    ],
    "image-outside.yaml": [
        "4:12: steps[1].image '../../../../etc/passwd' is outside the data folder "
        "tests/fixtures/bad"
    ],
    "missing-glyph.yaml": [
        "3:13: the font cannot draw U+6DF1 CJK UNIFIED IDEOGRAPH-6DF1; add a font that "
        "covers it to the layout or remove the character"
    ],
    "oversized.yaml": ["1:1: file is 298,993 bytes; the limit is 262,144"],
    "tag.yaml": ["1:8: YAML tags like !!python/object/apply:os.system are not allowed"],
    "comment.yaml": [
        "4:24: ' #2 (green) tied to a door.' would be dropped as a YAML comment; put the whole "
        "line in quotes"
    ],
    "merged-items.yaml": [
        "4:4: this line starting with '- ' is read as more of 'steps[1]', so two items look "
        "merged into one; fix its indent (or quote the text)"
    ],
    "deep-nesting.yaml": ["2:57: lists and mappings nested more than 50 deep"],
    "long-title.yaml": ["1:8: 'title' is 2,399 characters; the limit is 200"],
    "bad-date.yaml": [
        "6:7: 'reviewed.on' '2026-02-30' is not a real date: February 2026 has 28 days"
    ],
    "id-mismatch.yaml": [
        "1:5: 'id' says 'sacral-traction' but the file name makes the id 'id-mismatch' (the "
        "library goes by file name); rename the file or change 'id' to match"
    ],
    "several-problems.yaml": [
        "2:3: 'title' must be text, not a list",
        "3:8: 'steps' must be a list (lines starting with '- '), not text",
        "4:1: unknown key 'colour' in the routine",
    ],
}


def test_every_bad_fixture_has_an_expectation() -> None:
    assert sorted(p.name for p in BAD.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input_is_one_line_per_problem_and_exit_1(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES.parent.parent)
    rel = f"tests/fixtures/bad/{name}"
    result = run("validate", rel)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"{rel}:{line}" for line in EXPECTED[name]]
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name", ["tab.yaml", "unknown-field.yaml", "missing-glyph.yaml"])
def test_bad_input_writes_no_handout(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES.parent.parent)
    target = tmp_path / "bad.pdf"
    result = run("handout", f"tests/fixtures/bad/{name}", "-o", str(target))
    assert result.exit_code == 1
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_no_implicit_typing() -> None:
    src = parse_yaml(b"a: no\nb: 1:30\nc: 010\nd: 1e3\ne: null\nf: 2026-01-01\n", "x.yaml")
    assert src.root.plain() == {
        "a": "no", "b": "1:30", "c": "010", "d": "1e3", "e": "null", "f": "2026-01-01",
    }  # fmt: skip


def test_seed_routine_loads_with_every_section() -> None:
    r = load_routine(SEED)
    assert r.id == "sacral-traction"
    assert r.title == "Sacral Traction"
    assert r.category == "Joint relief"
    assert len(r.benefits) == 5 and len(r.steps) == 9 and len(r.quick_reference) == 3
    assert any("If this hurts" in c for c in r.cautions)
    assert any("Retest by bending over" in a for a in r.aftercare)
    assert r.previous == "lady-stretch" and r.next == "serratus-anterior"


def test_alias_bomb_is_refused_before_expansion() -> None:
    bomb = b"a: &a [x, x, x, x, x, x, x, x, x]\n" + b"".join(
        b"%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n" % ((c, c, c - 1) + (c - 1,) * 8)
        for c in range(ord("b"), ord("k"))
    )
    with pytest.raises(DataError) as info:
        parse_yaml(bomb, "bomb.yaml")
    assert str(info.value) == "bomb.yaml:1:4: anchors (&name) are not allowed; write the value out"


def test_huge_list_is_refused() -> None:
    data = b"title: t\nsteps:\n" + b"- a\n" * 30_000
    with pytest.raises(DataError) as info:
        parse_yaml(data, "big.yaml")
    assert "too many values in one file (limit 20,000)" in str(info.value)


def test_missing_previous_next_are_warnings_not_errors(project: Path) -> None:
    result = run("validate")
    assert result.exit_code == 0
    assert "warning: 'previous' names 'lady-stretch'" in result.stderr
    count = 1 + sum(
        len(list((project / "data" / d).glob("*.yaml")))  # 1: the clinic
        for d in ("routines", "booklets", "programs")
    )
    assert result.stdout.strip() == f"{count} file(s) OK"


def test_validate_checks_booklets_and_programmes_too(project: Path) -> None:
    (project / "data/booklets/x.yaml").write_text("title: X\nroutines: [nope]\n")
    (project / "data/programs/y.yaml").write_text("patient: Y\nroutines: [sacral-tracton]\n")
    result = run("validate")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-2:] == [
        "data/booklets/x.yaml:2:12: no routine with id 'nope' in the library",
        "data/programs/y.yaml:2:12: no routine with id 'sacral-tracton' in the library; "
        "closest: sacral-traction",
    ]


def test_list_shows_id_title_category(project: Path) -> None:
    result = run("list")
    assert result.exit_code == 0
    assert "sacral-traction\tSacral Traction\tJoint relief" in result.stdout.splitlines()


def test_unknown_routine_id_suggests(project: Path) -> None:
    result = run("handout", "sacral-tracton")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "data/routines:1:1: no routine with id 'sacral-tracton'; did you mean 'sacral-traction'?"
    )


# -- words lost to YAML: comments and merged list items (issue 11) ------------------------
def test_comment_rule_reads_the_token_stream_not_the_raw_text() -> None:
    """` #` inside quotes or a block scalar, `#` with no space before it, and comments on
    their own line or after a key with no value lose nothing and are kept."""
    data = (
        b"title: Band#2 row\n"
        b"# a comment line\n"
        b"steps: # after a key with no value\n"
        b'  - "Use band #2 (green)" # after a quoted step\n'
        b"  - 'Tie it # tight'\n"
        b"  - |\n"
        b"    Pull # slowly\n"
        b"    and hold.\n"
    )
    src = parse_yaml(data, "ok.yaml")
    from handouts.model import routine_from_source

    routine = routine_from_source(src, "ok")
    assert routine.title == "Band#2 row"
    assert [s.text for s in routine.steps] == [
        "Use band #2 (green)",
        "Tie it # tight",
        "Pull # slowly\nand hold.\n",
    ]


@pytest.mark.parametrize(
    ("kind", "path", "text", "expected"),
    [
        ("booklet", "data/booklets/b.yaml",
         "title: Lower back # draft\nroutines: [sacral-traction]\n",
         "data/booklets/b.yaml:1:18: ' # draft' would be dropped as a YAML comment; put the "
         "whole line in quotes"),
        ("programme", "data/programs/p.yaml",
         "patient: Ann\nnotes: Use band #2 daily\nroutines: [sacral-traction]\n",
         "data/programs/p.yaml:2:16: ' #2 daily' would be dropped as a YAML comment; put the "
         "whole line in quotes"),
        ("clinic", "data/clinic.yaml", "name: Clinic #1\n",
         "data/clinic.yaml:1:13: ' #1' would be dropped as a YAML comment; put the whole line "
         "in quotes"),
        ("labels", "layouts/labels/es.yaml", "steps: Pasos # 1-9\n",
         "layouts/labels/es.yaml:1:13: ' # 1-9' would be dropped as a YAML comment; put the "
         "whole line in quotes"),
    ],
)  # fmt: skip
def test_comment_after_plain_text_is_refused_in_every_document(
    project: Path, kind: str, path: str, text: str, expected: str
) -> None:
    write(project / path, text)
    if kind == "labels":
        result = run("handout", "sacral-traction", "--language", "es")
    else:
        result = run("validate")
    assert result.exit_code == 1, kind
    assert expected in result.stderr.splitlines()


def test_comment_after_a_routine_id_is_allowed(project: Path) -> None:
    """An id cannot hold ' #': a comment after one in a booklet or programme drops nothing."""
    (project / "data/booklets/b.yaml").write_text(
        "title: B\nroutines:\n  - sacral-traction  # the seed\n"
    )
    (project / "data/programs/p.yaml").write_text(
        "patient: P\nroutines:\n  - wger-bird-dog # first\n  - id: sacral-traction # then\n"
    )
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert run("booklet", "b", "-o", "b.pdf").exit_code == 0


def test_comment_after_a_layout_text_is_refused_but_after_a_setting_allowed(
    project: Path,
) -> None:
    layout = project / "layouts" / "mine.yaml"
    layout.write_text("extends: letter\ntext:\n  body_size: 13 # points\n")
    assert run("handout", "sacral-traction", "--layout", "layouts/mine.yaml").exit_code == 0
    layout.write_text("extends: letter\ndescription: Big print # for the waiting room\n")
    result = run("handout", "sacral-traction", "--layout", "layouts/mine.yaml")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "layouts/mine.yaml:2:23: ' # for the waiting room' would be dropped as a YAML comment; "
        "put the whole line in quotes"
    ]


def test_merged_items_in_a_text_list_are_refused() -> None:
    from handouts.model import routine_from_source

    data = b"title: T\nsteps: [a]\ncautions:\n  - Stop if it hurts.\n   - Go slowly.\n"
    with pytest.raises(DataError) as info:
        routine_from_source(parse_yaml(data, "m.yaml"), "m")
    assert str(info.value) == (
        "m.yaml:5:4: this line starting with '- ' is read as more of 'cautions[1]', so two "
        "items look merged into one; fix its indent (or quote the text)"
    )


def test_a_hyphen_inside_a_wrapped_line_is_not_a_merged_item() -> None:
    from handouts.model import routine_from_source

    data = b"title: T\nsteps:\n  - Lie down,\n    -5 degrees, then - slowly - up.\n"
    routine = routine_from_source(parse_yaml(data, "m.yaml"), "m")
    assert routine.steps[0].text == "Lie down, -5 degrees, then - slowly - up."


def test_imported_text_never_wraps_onto_a_line_starting_with_a_dash() -> None:
    from handouts.model import routine_from_source
    from handouts.wger import to_yaml

    entry = {
        "uuid": "u", "name": "N", "lang": "en", "license": "CC0", "author": "A",
        "description_html": "<p>" + "word " * 15 + "- then more words to wrap</p>",
    }  # fmt: skip
    for pad in range(1, 90):
        entry["description_html"] = "<p>" + "a" * pad + " - b c d e f g h i j k</p>"
        text = to_yaml(entry)
        routine = routine_from_source(parse_yaml(text.encode(), "w.yaml"), "w")
        assert routine.steps[0].text == "a" * pad + " - b c d e f g h i j k"


# -- what is read at all ---------------------------------------------------------------------
def test_fifo_and_socket_are_refused_without_blocking(tmp_path: Path) -> None:
    import os
    import socket
    import subprocess
    import sys

    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    sock_path = tmp_path / "sock.yaml"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    try:
        # A subprocess, so that a regression hangs one child (killed) rather than the suite.
        done = subprocess.run(
            [sys.executable, "-m", "handouts", "validate", "pipe.yaml", "sock.yaml"],
            cwd=tmp_path, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    finally:
        sock.close()
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "pipe.yaml:1:1: is a named pipe (FIFO), not a regular file; only regular files are read",
        "sock.yaml:1:1: is a socket, not a regular file; only regular files are read",
    ]


def test_a_file_is_read_only_up_to_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that grows after its size was checked is still refused, not read whole."""
    import os

    from handouts import yamlsrc

    big = tmp_path / "grows.yaml"
    big.write_bytes(b"title: t\n")
    real_read = os.read
    reads: list[int] = []

    def read(fd: int, n: int) -> bytes:
        reads.append(n)
        return b"x" * n  # a file that never ends, like /dev/zero behind a regular name

    monkeypatch.setattr(yamlsrc.os, "read", read)
    with pytest.raises(DataError) as info:
        yamlsrc.read_yaml(big, "grows.yaml")
    monkeypatch.setattr(yamlsrc.os, "read", real_read)
    assert sum(reads) == yamlsrc.MAX_BYTES + 1
    assert str(info.value) == "grows.yaml:1:1: file is 262,145 bytes; the limit is 262,144"


@pytest.mark.parametrize(
    ("raw", "printed"), [(b"\xff.yaml", "\\xff.yaml"), (b"two\nlines.yaml", "two\\nlines.yaml")]
)
def test_odd_file_names_print_on_one_line_as_escapes(
    raw: bytes, printed: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    monkeypatch.chdir(tmp_path)
    name = os.fsdecode(raw)
    (tmp_path / name).write_bytes(b"title: t\nsteps:\n\t- a\n")
    result = run("validate", name)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"{printed}:3:1: tab character; indent with spaces"]
    result.stderr.encode("utf-8")  # no lone surrogate reaches the terminal


def test_yml_files_are_listed_like_yaml(project: Path) -> None:
    seed = (project / "data/routines/sacral-traction.yaml").read_text()
    (project / "data/routines/extra.yml").write_text(seed.replace("Sacral Traction", "Extra"))
    (project / "data/booklets/short.yml").write_text("title: Short\nroutines: [extra]\n")
    (project / "data/programs/bo.yml").write_text("patient: Bo\nroutines: [extra]\n")
    assert "extra\tExtra\tJoint relief" in run("list").stdout.splitlines()
    result = run("validate")
    assert result.exit_code == 0, result.output
    count = 1 + sum(len(list((project / "data" / d).glob("*.y*ml")))
                    for d in ("routines", "booklets", "programs"))  # fmt: skip
    assert result.stdout.strip() == f"{count} file(s) OK"
    assert run("validate", "data/routines").stdout.strip() == "9 file(s) OK"
    assert run("booklet", "short", "-o", "short.pdf").exit_code == 0
    assert run("program", "bo", "-o", "bo.pdf").exit_code == 0


def test_same_name_as_yaml_and_yml_is_an_error(project: Path) -> None:
    seed = project / "data/routines/sacral-traction.yaml"
    (project / "data/routines/sacral-traction.yml").write_text(seed.read_text())
    result = run("list")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "data/routines/sacral-traction.yml:1:1: 'sacral-traction' is also "
        "data/routines/sacral-traction.yaml, which is the one used; remove or rename one of them"
    ]


# -- lengths, dates, every problem at once, ids ----------------------------------------------
def test_every_text_field_has_a_limit(project: Path) -> None:
    long_name = "Ann " * 60
    (project / "data/programs/p.yaml").write_text(
        f"patient: {long_name}\nnotes: {'x' * 2_501}\nroutines: [sacral-traction]\n"
    )
    result = run("validate")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-2:] == [
        "data/programs/p.yaml:1:10: 'patient' is 239 characters; the limit is 200",
        "data/programs/p.yaml:2:8: 'notes' is 2,501 characters; the limit is 2,500",
    ]


def test_limits_leave_room_for_the_longest_real_texts() -> None:
    """The wger corpus's longest step (1,569 characters) and title (44) are read."""
    from handouts.check import LONG, SHORT
    from handouts.model import routine_from_source

    step, title = "w" * 1_569, "T" * 44
    src = parse_yaml(f"title: {title}\nsteps:\n  - {step}\n".encode(), "r.yaml")
    assert routine_from_source(src, "r").steps[0].text == step
    assert LONG >= 1.5 * 1_569 and SHORT >= 4 * 44


@pytest.mark.parametrize(
    ("text", "ok"),
    [("2026-02-28", True), ("2024-02-29", True), ("2026-02-30", False), ("2025-02-29", False),
     ("2026-04-31", False), ("0000-01-01", False), ("2026-1-5", False), ("26-01-05", False)],
)  # fmt: skip
def test_check_date_knows_the_calendar(text: str, ok: bool) -> None:
    from handouts.check import check_date

    assert check_date(text) is ok


def test_programme_reports_date_and_unknown_id_in_one_run(project: Path) -> None:
    (project / "data/programs/ann-lee.yaml").write_text(
        "patient: Ann\ndate: 2026-02-30\nroutines:\n  - sacral-tracton\n  - id: nope\n"
    )
    result = run("validate")
    assert result.exit_code == 1
    assert [line for line in result.stderr.splitlines() if "ann-lee" in line] == [
        "data/programs/ann-lee.yaml:2:7: 'date' '2026-02-30' is not a real date: February "
        "2026 has 28 days",
        "data/programs/ann-lee.yaml:4:5: no routine with id 'sacral-tracton' in the library; "
        "closest: sacral-traction",
        "data/programs/ann-lee.yaml:5:9: no routine with id 'nope' in the library",
    ]


def test_booklet_reports_key_cover_and_unknown_id_in_one_run(project: Path) -> None:
    (project / "data/booklets/lower-back.yaml").write_text(
        "title: B\ncolour: red\ncover_image: nothere.png\nroutines: [nope]\n"
    )
    result = run("validate")
    assert result.exit_code == 1
    assert [line for line in result.stderr.splitlines() if "lower-back" in line] == [
        "data/booklets/lower-back.yaml:2:1: unknown key 'colour' in the booklet",
        "data/booklets/lower-back.yaml:3:14: cover_image file not found: data/booklets/nothere.png",
        "data/booklets/lower-back.yaml:4:12: no routine with id 'nope' in the library",
    ]


def test_routine_reports_text_and_picture_problems_in_one_run(project: Path) -> None:
    (project / "data/routines/r.yaml").write_text(
        "title: R\nsummary: ''\nimage: gone.png\nsteps:\n  - text: Go\n    image: gone2.png\n"
    )
    result = run("validate", "data/routines/r.yaml")
    assert result.stderr.splitlines() == [
        "data/routines/r.yaml:2:10: 'summary' is empty",
        "data/routines/r.yaml:3:8: image file not found: data/routines/gone.png",
        "data/routines/r.yaml:6:12: steps[1].image file not found: data/routines/gone2.png",
    ]


def test_id_that_differs_from_the_file_name_never_reaches_a_booklet(project: Path) -> None:
    seed = (project / "data/routines/sacral-traction.yaml").read_text()
    (project / "data/routines/copy.yaml").write_text("id: other\n" + seed)
    expected = (
        "data/routines/copy.yaml:1:5: 'id' says 'other' but the file name makes the id "
        "'copy' (the library goes by file name); rename the file or change 'id' to match"
    )
    for args in (["booklet", "--follow", "copy"], ["booklet", "--title", "T", "copy"],
                 ["handout", "copy"], ["validate"]):  # fmt: skip
        result = run(*args)  # no KeyError escapes: run() does not catch exceptions
        assert result.exit_code == 1, args
        assert expected in result.stderr.splitlines(), args
    (project / "data/routines/copy.yaml").write_text("id: copy\n" + seed)
    assert run("booklet", "--follow", "copy", "-o", "b.pdf").exit_code == 0


def test_the_documented_example_is_a_routine_that_loses_no_word() -> None:
    """docs/routine-format.md shows comments where they are allowed, and only there."""
    import re

    from handouts.model import routine_from_source

    doc = (FIXTURES.parent.parent / "docs" / "routine-format.md").read_text(encoding="utf-8")
    match = re.search(r"```yaml\n(.*?)```", doc, re.S)
    assert match is not None
    routine = routine_from_source(parse_yaml(match.group(1).encode(), "doc.yaml"), "doc")
    assert routine.title == "Sacral Traction"
    assert routine.steps[1].image is not None
    assert str(routine.steps[1].image.path) == "images/roller.png"


def test_a_video_address_too_long_for_a_scannable_qr_code(tmp_path: Path) -> None:
    from handouts.errors import DataError
    from handouts.library import load_routine

    url = "https://example.org/watch?v=" + "a" * 2300
    path = tmp_path / "vid.yaml"
    path.write_text(f"title: Vid\nsteps:\n  - x\nvideo: {url}\n")
    with pytest.raises(DataError) as info:
        load_routine(path)
    assert str(info.value) == (
        f"{path}:4:8: 'video' is 2,328 characters; its QR code would be too dense to scan "
        "once printed (limit 300): use a shorter link"
    )
