"""`handouts programs EXPORT`: one programme per patient of a CSV or JSON Lines export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from .conftest import pdf_text, run, write

HEADER = "id,patient,clinician,date,notes,routine,sets,reps,hold,frequency,note\n"
ANN = (
    'p-1,Ann Lee,"R. Okafor, PT",2026-11-24,"Do these every morning, before breakfast. Move '
    'slowly and stop if anything hurts.",sacral-traction,,,"Until your sacrum gives, up to 2 '
    'minutes",Once a day,Use the soft grey roller we gave you.\n'
    "p-1,,,,,wger-bird-dog,2,8 each side,,Every morning,Keep your hips level; a mirror helps.\n"
)


def pdfs(project: Path) -> list[str]:
    return sorted(str(p.relative_to(project)) for p in (project / "out").rglob("*.pdf"))


def ann_jsonl(pid: str = "j-1") -> str:
    data = yaml.safe_load((Path("data/programs/ann-lee.yaml")).read_text())
    data["date"] = str(data["date"])
    return json.dumps({"id": pid, **data})


def test_csv_bad_rows_are_reported_at_their_line_and_the_others_written(project: Path) -> None:
    write(
        project / "ex.csv",
        HEADER
        + ANN
        + "p-2,Cy Diaz,,2026-13-01,,wger-chin-tuck,,,,,\n"  # line 4: no such date
        + "p-3,Di Eng,,,,wger-chin-tuk,,,,,\n"  # line 5: no such routine
        + "p-4,Bo Chen,,,,wger-chin-tuck,,,,,\n",
    )
    result = run("programs", "ex.csv", "--jobs", "1")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "out/patients/p-1/p-1.program.pdf",
        "out/patients/p-4/p-4.program.pdf",
    ]
    err = result.stderr.splitlines()
    assert err[0].startswith("ex.csv:4:14: 'date' must be a date")
    assert err[1].startswith("ex.csv:5:15: no routine with id 'wger-chin-tuk' in the library")
    assert err[-1] == "2 programme(s) written, 2 failed"
    assert pdfs(project) == [
        "out/patients/p-1/p-1.program.pdf",
        "out/patients/p-4/p-4.program.pdf",
    ]
    assert "Bo Chen" in pdf_text(project / "out/patients/p-4/p-4.program.pdf")


def test_jsonl_bad_lines_are_reported_at_their_line_and_the_others_written(
    project: Path,
) -> None:
    lines = [
        ann_jsonl("j-1"),
        '{"id": "j-2", "patient": "Bo", "routines": [{"id": "wger-chin-tuck", "sets": null}]}',
        '{"id": "J 3", "patient": "Cy", "routines": ["wger-chin-tuck"]}',
        '{"id": "j-4", "patient": "Di", "routines": ["wger-chin-tuck"], "colour": 1}',
        '{"id":"j-5","patient":"Ed","routines":["wger-chin-tuck"]}',
        '{"id": "j-6", "patient": "Flo"',
        "",
        '{"id": "j-7", "patient": "Gus", "routines": [{"id": "wger-chin-tuck", "sets": 2}]}',
    ]
    write(project / "ex.jsonl", "\n".join(lines) + "\n")
    result = run("programs", "ex.jsonl", "--jobs", "1")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "out/patients/j-1/j-1.program.pdf",
        "out/patients/j-5/j-5.program.pdf",
        "out/patients/j-7/j-7.program.pdf",
    ]
    assert result.stderr.splitlines() == [
        "ex.jsonl:2:78: must be text or a number, not true, false or null",
        "ex.jsonl:3:8: 'id' must be lower-case letters, digits and '-' (at most 64), like p-00123",
        "ex.jsonl:4:64: unknown key 'colour' in the programme",
        "ex.jsonl:6:31: not JSON: Expecting ',' delimiter",
        "3 programme(s) written, 4 failed",
    ]
    assert "2" in pdf_text(project / "out/patients/j-7/j-7.program.pdf")  # a number is text


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_same_bytes_as_handouts_program(project: Path, kind: str) -> None:
    export = write(project / f"ex.{kind}", HEADER + ANN if kind == "csv" else ann_jsonl() + "\n")
    result = run("programs", export.name, "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert result.stderr == "1 programme(s) written, 0 failed\n"
    assert run("program", "ann-lee").exit_code == 0
    pid = "p-1" if kind == "csv" else "j-1"
    batch = (project / f"out/patients/{pid}/{pid}.program.pdf").read_bytes()
    single = (project / "out/patients/ann-lee/ann-lee.program.pdf").read_bytes()
    assert batch == single


def test_workers_write_the_same_bytes_as_one_process(project: Path) -> None:
    write(project / "ex.csv", HEADER + ANN + "p-2,Bo Chen,,,,wger-chin-tuck,,,,,\n")
    assert run("programs", "ex.csv", "--jobs", "1").exit_code == 0
    serial = {p: (project / p).read_bytes() for p in pdfs(project)}
    for path in serial:
        (project / path).unlink()
    assert run("programs", "ex.csv", "--jobs", "2").exit_code == 0
    assert {p: (project / p).read_bytes() for p in pdfs(project)} == serial


def test_two_patients_with_the_same_name_never_share_a_file(project: Path) -> None:
    write(
        project / "ex.csv",
        HEADER
        + "p-1,Ann Lee,,,,wger-chin-tuck,,,,,\n"
        + "p-2,Ann Lee,,,,wger-bird-dog,,,,,\n"
        + "p-1,,,,,wger-child-s-pose,,,,,\n",  # rows of one patient need not be together
    )
    result = run("programs", "ex.csv", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert pdfs(project) == [
        "out/patients/p-1/p-1.program.pdf",
        "out/patients/p-2/p-2.program.pdf",
    ]
    one = pdf_text(project / "out/patients/p-1/p-1.program.pdf")
    two = pdf_text(project / "out/patients/p-2/p-2.program.pdf")
    assert "Chin tuck" in one and "Child" in one and "Bird Dog" not in one
    assert "Bird Dog" in two and "Chin tuck" not in two


def test_one_id_twice_in_jsonl_writes_neither(project: Path) -> None:
    write(
        project / "ex.jsonl",
        '{"id": "j-1", "patient": "Ann", "routines": ["wger-chin-tuck"]}\n'
        '{"id": "j-1", "patient": "Bo", "routines": ["wger-bird-dog"]}\n',
    )
    result = run("programs", "ex.jsonl", "--jobs", "1")
    assert result.exit_code == 1
    assert pdfs(project) == []
    assert result.stderr.splitlines() == [
        "ex.jsonl:1:1: id 'j-1' is also on line 2",
        "ex.jsonl:2:8: id 'j-1' is also on line 1; each patient once",
        "0 programme(s) written, 2 failed",
    ]


def test_a_bad_row_fails_its_whole_patient(project: Path) -> None:
    """Never a programme with one of its routines missing."""
    write(
        project / "ex.csv",
        HEADER
        + "p-1,Ann Lee,,,,wger-chin-tuck,,,,,\n"
        + "p-1,,,,,wger-bird-dog,,,,\n"  # one cell short: Ann's programme would lack it
        + "p-2,Bo Chen,,,,wger-chin-tuck,,,,,\n"
        + "?,,,,,wger-bird-dog,,,,,,\n",  # too many cells, and no patient to fail with it
    )
    result = run("programs", "ex.csv", "--jobs", "1")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "ex.csv:3:1: row has 10 cells; the header has 11",
        "ex.csv:5:1: row has 12 cells; the header has 11",
        "1 programme(s) written, 2 failed",
    ]
    assert pdfs(project) == ["out/patients/p-2/p-2.program.pdf"]


def test_patient_fields_that_disagree_are_refused_without_naming_anyone(project: Path) -> None:
    write(
        project / "ex.csv",
        HEADER
        + "p-1,Ann Lee,,,,wger-chin-tuck,,,,,\n"
        + "p-1,Anne Leigh,,,,wger-bird-dog,,,,,\n"
        + "p-2,Bo\x07Chen,,,,wger-chin-tuck,,,,,\n"
        + f"p-3,{'Zed ' * 60},,,,wger-chin-tuck,,,,,\n",
    )
    result = run("programs", "ex.csv", "--jobs", "1")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "ex.csv:3:5: 'patient' differs from line 2 of the same id",
        "ex.csv:4:7: control character U+0007 in 'patient' cannot be printed",
        "ex.csv:5:5: 'patient' is 240 characters; the limit is 200",
        "0 programme(s) written, 3 failed",
    ]
    for name in ("Ann", "Anne", "Leigh", "Bo", "Chen", "Zed"):
        assert name not in result.stderr


def test_a_quoted_cell_is_placed_after_its_quote(project: Path) -> None:
    write(project / "ex.csv", HEADER + 'p-1,"Ann Lee",,"2026-02-30",,wger-chin-tuck,,,,,\n')
    result = run("programs", "ex.csv", "--jobs", "1")
    assert result.stderr.splitlines()[0].startswith("ex.csv:2:17: 'date'")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("id,patient,routine,colour\n", "ex.csv:1:20: unknown column 'colour'"),
        ("id,patient,sets\n", "ex.csv:1:1: missing required column 'routine'"),
        ("id,patient,routine,id\n", "ex.csv:1:1: column 'id' twice"),
    ],
)
def test_a_bad_header_writes_nothing(project: Path, header: str, message: str) -> None:
    write(project / "ex.csv", header + "p-1,Ann,wger-chin-tuck\n")
    result = run("programs", "ex.csv", "--jobs", "1")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(message)
    assert pdfs(project) == []


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("ex.txt", b"id\n", "ex.txt:1:1: expected a .csv or .jsonl export"),
        ("ex.csv", b"", "ex.csv:1:1: file is empty"),
        (
            "ex.csv",
            HEADER.encode() + b"p-1,Ann \xff,",
            "ex.csv:2:9: not UTF-8 text; save it as UTF-8",
        ),
        ("ex.csv", HEADER.encode() + b'p-1,"Ann\n', "ex.csv:2:1: CSV: unexpected end of data"),
        ("missing.csv", None, "missing.csv:1:1: cannot read: No such file or directory"),
    ],
)
def test_an_unreadable_export_is_one_line(
    project: Path, name: str, data: bytes | None, message: str
) -> None:
    if data is not None:
        (project / name).write_bytes(data)
    result = run("programs", name, "--jobs", "1")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [message]
    assert pdfs(project) == []


def test_line_numbers_count_only_line_ends(project: Path) -> None:
    """U+2028 inside a JSON string, CRLF rows and a cell over two lines keep the lines right."""
    write(
        project / "ex.jsonl",
        '{"id": "j-1", "patient": "Ann", "notes": "a\u2028b", "routines": ["wger-chin-tuck"]}\n'
        '{"id": "j-2", "patient": "Bo", "date": "2026-02-30", "routines": ["wger-chin-tuck"]}\n',
    )
    result = run("programs", "ex.jsonl", "--jobs", "1")
    assert any(e.startswith("ex.jsonl:2:40: 'date'") for e in result.stderr.splitlines())
    line = '{"id": "j-3", "patient": "Cy", "notes": "a\u2028b", "date": "2026-02-30", "x": 1}'
    write(project / "ex.jsonl", line + "\n")  # YAML, which finds the places, breaks at U+2028
    where = f"ex.jsonl:1:{line.index('2026-02-30')}: 'date'"
    result = run("programs", "ex.jsonl", "--jobs", "1")
    assert any(e.startswith(where) for e in result.stderr.splitlines()), result.stderr
    (project / "ex.csv").write_bytes(
        (HEADER + 'p-1,Ann,,,"two\nlines",wger-chin-tuck,,,,,\np-2,Bo,,2026-02-30,,x,,,,,\n')
        .replace("\n", "\r\n")
        .encode()
    )
    result = run("programs", "ex.csv", "--jobs", "1")
    assert any(e.startswith("ex.csv:4:9: 'date'") for e in result.stderr.splitlines())
