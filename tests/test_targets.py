"""One output path per product: build and the single commands agree; variants never clash;
personal papers go to the patient's folder; outputs are written as a file server expects."""

from __future__ import annotations

import hashlib
import os
import signal
import stat
import subprocess
import sys
import time
from contextlib import nullcontext
from pathlib import Path

import pytest

from handouts.build import each_output
from handouts.project import open_project

from .conftest import run, write


def hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.suffix in (".pdf", ".html")
    }


def test_single_commands_write_what_build_writes(project: Path) -> None:
    built = run("build")
    assert built.exit_code == 0, built.output
    expected = hashes(project / "out")
    assert len(expected) == len(built.stdout.split())
    outputs = dict.fromkeys(path for _, path in each_output(open_project(cwd=project)))
    assert sorted(str(p.relative_to(project / "out")) for p in outputs) == sorted(expected)
    rids = sorted(p.stem for p in (project / "data/routines").glob("*.yaml"))
    for folder in ("out",):
        for p in (project / folder).rglob("*"):
            if p.suffix in (".pdf", ".html"):
                p.unlink()
    for rid in rids:
        assert run("handout", rid).exit_code == 0
        assert run("card", rid).exit_code == 0
        assert run("html", rid).exit_code == 0
    for book in ("lower-back", "neck-and-hips"):
        assert run("booklet", book).exit_code == 0
    assert run("program", "ann-lee", "--html").exit_code == 0
    assert hashes(project / "out") == expected


def test_variants_and_personal_papers_never_write_builds_files(project: Path) -> None:
    assert run("build").exit_code == 0
    built = hashes(project / "out")
    commands = [
        ["handout", "sacral-traction", "--layout", "large-print"],
        ["handout", "sacral-traction", "--layout", "a4"],
        ["handout", "sacral-traction", "--language", "es"],
        ["handout", "sacral-traction", "--patient", "Ann Lee", "--note", "Twice a day"],
        ["handout", "sacral-traction", "wger-bird-dog"],
        ["card", "sacral-traction", "--size", "index"],
        ["card", "sacral-traction", "--sheet", "none"],
        ["card", "sacral-traction", "--copies", "2"],
        ["card", "sacral-traction", "--duplex", "short"],
        ["card", "sacral-traction", "--language", "fr"],
        ["booklet", "lower-back", "--page-size", "letter"],
        ["booklet", "lower-back", "--language", "de"],
        ["booklet", "--title", "Today", "sacral-traction", "wger-bird-dog"],
        ["booklet", "--follow", "sacral-traction"],
        ["program", "ann-lee", "--cards"],
        ["program", "ann-lee", "--layout", "a4"],
        ["html", "sacral-traction", "--layout", "large-print"],
        ["html", "sacral-traction", "--language", "es"],
        ["html", "sacral-traction", "--patient", "Ann Lee", "--note", "Twice a day"],
        ["html", "sacral-traction", "wger-bird-dog"],
        ["program", "ann-lee", "--html", "--layout", "a4"],
    ]
    seen: dict[str, list[str]] = {}
    for args in commands:
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
        for line in result.stdout.split():
            seen.setdefault(line, []).append(" ".join(args))
    # each variant wrote its own file, and no build file changed
    for path, who in seen.items():
        if path.startswith("out/patients/ann-lee/ann-lee.program."):
            continue  # `program --cards` rewrites the programme itself, unchanged
        assert len(who) == 1, (path, who)
        assert path.removeprefix("out/") not in built, (path, who)
    after = hashes(project / "out")
    assert {k: after[k] for k in built} == built
    assert "out/patients/ann-lee/sacral-traction.pdf" in seen
    assert "out/sacral-traction.large-print.pdf" in seen
    assert "out/sacral-traction.es.pdf" in seen
    assert "out/sacral-traction.card.index.pdf" in seen
    assert "out/sacral-traction.card-shop.pdf" in seen
    assert "out/patients/ann-lee/sacral-traction.html" in seen
    assert "out/sacral-traction.large-print.html" in seen


def test_a_note_without_a_patient_is_refused(project: Path) -> None:
    result = run("handout", "sacral-traction", "--note", "Twice a day")
    assert result.exit_code == 1
    assert result.stderr.startswith("<--patient>:1:1: a note, clinician or date is for one patient")
    assert not (project / "out").exists()


def test_a_booklet_named_like_a_routine_keeps_the_routines_handout(project: Path) -> None:
    write(project / "data/booklets/sacral-traction.yaml", "title: T\nroutines: [sacral-traction]\n")
    result = run("build")
    assert result.exit_code == 0, result.output
    assert "out/sacral-traction.pdf" in result.stdout.split()
    assert "out/sacral-traction.booklet.pdf" in result.stdout.split()


def test_a_routine_given_as_a_file_is_that_file(project: Path) -> None:
    text = (project / "data/routines/sacral-traction.yaml").read_text()
    write(project / "drafts/sacral-traction.yaml", text.replace("Sacral Traction", "Draft Title"))
    result = run("booklet", "--title", "T", "drafts/sacral-traction.yaml")
    assert result.exit_code == 0, result.output
    from .conftest import pdf_text

    assert "Draft Title" in pdf_text(project / result.stdout.split()[0])


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("data/routines/sacral-traction.yaml", "an output file must end in .pdf"),
        ("data/clinic.yaml", "an output file must end in .pdf"),
        ("data/logo.png", "an output file must end in .pdf"),
        ("data", "an output file must end in .pdf"),
        ("notes.pdf", "exists and is not a PDF; refusing to replace it"),
        ("folder.pdf", "is a folder, not a file"),
    ],
)
def test_o_never_replaces_the_users_files(project: Path, target: str, message: str) -> None:
    write(project / "notes.pdf", "my notes, not a PDF\n")
    (project / "folder.pdf").mkdir()
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    for args in (["handout", "sacral-traction"], ["card", "sacral-traction"]):
        result = run(*args, "-o", target)
        assert result.exit_code == 1
        assert result.stderr.splitlines() == [f"{target}:1:1: {message}"]
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before
    (project / "notes.pdf").unlink()  # not PDFs: kept from the fixture's soundness check
    (project / "folder.pdf").rmdir()


def test_o_never_replaces_a_fifo(project: Path) -> None:
    os.mkfifo(project / "pipe.pdf")
    result = run("handout", "sacral-traction", "-o", "pipe.pdf")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "pipe.pdf:1:1: is a device, pipe or socket, not a file; refusing to replace it"
    ]
    assert stat.S_ISFIFO((project / "pipe.pdf").stat().st_mode)
    assert run("handout", "sacral-traction", "-o", "/dev/null").exit_code == 1
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    (project / "pipe.pdf").unlink()


def test_o_replaces_its_own_pdf(project: Path) -> None:
    assert run("handout", "sacral-traction", "-o", "today.pdf").exit_code == 0
    assert run("handout", "wger-bird-dog", "-o", "today.pdf").exit_code == 0


def test_outputs_get_ordinary_permissions(project: Path) -> None:
    old = os.umask(0o022)
    try:
        assert run("handout", "sacral-traction").exit_code == 0
        assert run("build").exit_code == 0
    finally:
        os.umask(old)
    modes = {stat.S_IMODE(p.stat().st_mode) for p in (project / "out").rglob("*.pdf")}
    assert modes == {0o644}
    os.umask(0o077)
    try:
        assert run("handout", "wger-bird-dog").exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((project / "out/wger-bird-dog.pdf").stat().st_mode) == 0o600


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_one_line(project: Path) -> None:
    (project / "out").mkdir()
    (project / "out").chmod(0o555)
    try:
        result = run("handout", "sacral-traction")
    finally:
        (project / "out").chmod(0o755)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "out/sacral-traction.pdf:1:1: cannot write: Permission denied"
    ]


def test_write_errors_are_one_line_naming_the_users_path(project: Path) -> None:
    write(project / "out", "a file where the out folder should be\n")
    result = run("handout", "sacral-traction")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "out/sacral-traction.pdf:1:1: cannot write: Not a directory"
    ]


def test_a_full_disk_is_one_line_and_leaves_nothing(project: Path) -> None:
    """RLIMIT_FSIZE makes every write past 4 KiB fail as a full disk would (EFBIG)."""
    code = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "from handouts.cli import main\n"
        "main(['handout', 'sacral-traction'])\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=project, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.splitlines() == ["out/sacral-traction.pdf:1:1: cannot write: File too large"]
    assert list((project / "out").iterdir()) == []


def _orphans() -> list[int]:
    """Build processes still alive once the build was stopped: its workers, left behind."""
    command = f"{sys.executable}\0-m\0handouts\0build\0".encode()
    deadline = time.monotonic() + 5  # a terminated worker takes a moment to go
    while True:
        alive = []
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                if cmdline.read_bytes() == command:
                    alive.append(int(cmdline.parent.name))
            except OSError:
                continue
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.05)


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*.tmp")]


def test_sigterm_and_sighup_leave_no_temporary_files(project: Path) -> None:
    """A build stopped at any moment, even mid-write, leaves whole PDFs and no .tmp file."""
    out = project / "out"
    for i in range(8):
        proc = subprocess.Popen(
            [sys.executable, "-m", "handouts", "build"],
            cwd=project,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            # every other run: the moment a temporary file exists; else after a while
            if (i % 2 == 0 and _leftovers(out)) or (i % 2 and len(list(out.glob("*.pdf"))) > i):
                break
            time.sleep(0.001)
        proc.send_signal(signal.SIGTERM if i % 4 < 2 else signal.SIGHUP)
        proc.wait(timeout=60)
        assert _leftovers(project) == [], i
        assert _orphans() == [], i
    for pdf in out.rglob("*.pdf"):
        assert pdf.read_bytes().rstrip().endswith(b"%%EOF"), pdf


def test_same_input_same_bytes_whatever_the_folder_or_spelling(project: Path) -> None:
    """From the project root, from a subfolder, through --project, with the routine named by
    id, by a relative path with '..' in it, or by an absolute path: the same bytes."""
    from .test_project import run_in

    made = []
    spellings = [
        (project, ["handout", "sacral-traction", "-o", "a.pdf"]),
        (project / "data", ["handout", "routines/../routines/sacral-traction.yaml", "-o", "b.pdf"]),
        (project.parent, ["--project", str(project), "handout",
                          str(project / "data/routines/sacral-traction.yaml"), "-o", "c.pdf"]),
    ]  # fmt: skip
    for where, args in spellings:
        result = run_in(where, *args)
        assert result.exit_code == 0, result.output
        made.append((where / args[-1]).read_bytes())
    assert made[0] == made[1] == made[2]
    for where in (project, project / "data" / "routines"):
        assert run_in(where, "booklet", "lower-back").exit_code == 0
        assert run_in(where, "card", "sacral-traction").exit_code == 0
        made.append((project / "out/lower-back.booklet.pdf").read_bytes())
        made.append((project / "out/sacral-traction.card.pdf").read_bytes())
    assert made[3] == made[5] and made[4] == made[6]
    (project.parent / "c.pdf").unlink()


def test_a_parallel_build_writes_the_same_bytes_as_a_serial_one(project: Path) -> None:
    from concurrent.futures import ProcessPoolExecutor

    from handouts.build import run as build

    serial = build(open_project(cwd=project))
    one = hashes(project / "out")
    for p in (project / "out").rglob("*"):
        if p.suffix in (".pdf", ".html"):
            p.unlink()
    with ProcessPoolExecutor(2) as pool:
        parallel = build(open_project(cwd=project), executor=lambda n: nullcontext(pool))
    assert parallel.written == serial.written and parallel.notes == serial.notes
    assert hashes(project / "out") == one
    assert run("build", "--jobs", "2").exit_code == 0
    assert hashes(project / "out") == one
