"""`handouts watch`: a save rebuilds what it affects and says so; a bad edit is reported and
the watch goes on; TARGETs narrow it; editor files and out/ are no change; Ctrl-C ends it
cleanly. Event-driven: every wait is for a line the watch prints (or a round it reports),
with a deadline that only a broken watch reaches."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from handouts.project import open_project
from handouts.watch import Round, watch

from .conftest import pdf_text, run
from .test_cache import ROUTINES, all_pdfs, edit, everything_of

DEADLINE = 90.0  # seconds: a shared, loaded machine; a working watch answers in about one
ROUND_END = re.compile(r"^\d\d:\d\d:\d\d (made|not built)")
SEED = "data/routines/sacral-traction.yaml"


class Watch:
    """`handouts watch` in a subprocess, its stdout and stderr read line by line."""

    def __init__(self, root: Path, *args: str) -> None:
        self.root = root
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "handouts", "watch", *args],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def until(self, pattern: re.Pattern[str] | str) -> list[str]:
        """The lines printed up to and including the first one matching `pattern`."""
        got: list[str] = []
        while True:
            try:
                line = self.lines.get(timeout=DEADLINE)
            except queue.Empty:
                raise AssertionError(f"no {pattern!r} within {DEADLINE} s: {got}") from None
            if line is None:
                raise AssertionError(f"the watch ended before {pattern!r}: {got}")
            got.append(line)
            self.seen.append(line)
            if re.search(pattern, line):
                return got

    def round(self) -> list[str]:
        return self.until(ROUND_END)

    def ready(self) -> list[str]:
        return self.until(r"^watching .* for changes")

    def stop(self) -> tuple[int, str]:
        """Ctrl-C: the exit status and everything printed after it."""
        self.proc.send_signal(signal.SIGINT)
        status = self.proc.wait(timeout=DEADLINE)
        rest: list[str] = []
        while (line := self.lines.get(timeout=DEADLINE)) is not None:
            rest.append(line)
        return status, "\n".join(rest)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


@pytest.fixture
def watching(project: Path) -> Iterator[list[Watch]]:
    started: list[Watch] = []
    yield started
    for w in started:
        w.kill()


def start(started: list[Watch], root: Path, *args: str) -> Watch:
    w = Watch(root, *args)
    started.append(w)
    return w


def written(lines: list[str]) -> set[str]:
    return {line.removeprefix("out/") for line in lines if line.startswith("out/")}


def save_atomically(path: Path, old: str, new: str) -> None:
    """As editors save: a temporary file beside it, renamed over it."""
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    tmp = path.with_name(f".{path.name}.swp-save")
    tmp.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.replace(tmp, path)


def test_a_save_remakes_only_what_it_affects_and_ctrl_c_ends_cleanly(
    project: Path, watching: list[Watch]
) -> None:
    w = start(watching, project)
    first = w.round()
    assert written(first) == everything_of(set(ROUTINES))
    w.ready()
    before = all_pdfs(project)

    save_atomically(project / SEED, "title: Sacral Traction", "title: Sacral Traction at home")
    lines = w.round()
    assert f"changed: {SEED}" in " ".join(lines)
    assert written(lines) == everything_of({"sacral-traction"})
    n = len(everything_of({"sacral-traction"}))
    assert f"made {n} file(s), {len(everything_of(set(ROUTINES))) - n} up to date" in lines[-1]
    after = all_pdfs(project)
    assert {n for n in after if after[n] != before[n]} == everything_of({"sacral-traction"})
    assert "Sacral Traction at home" in pdf_text(project / "out/sacral-traction.pdf")

    status, rest = w.stop()
    assert status == 0, rest
    assert "stopped watching" in rest and "Traceback" not in rest
    assert [p.name for p in project.rglob("*.tmp")] == []
    # what the watch made is in the build cache: a build after it makes nothing
    assert (
        run("build", "-j", "1")
        .stderr.strip()
        .endswith(f"made 0 file(s) in out, {len(everything_of(set(ROUTINES)))} up to date")
    )


def test_a_bad_edit_is_reported_keeps_the_pdf_and_the_next_good_edit_rebuilds(
    project: Path, watching: list[Watch]
) -> None:
    w = start(watching, project)
    w.ready()
    good = (project / "out/sacral-traction.pdf").read_bytes()

    edit(project / SEED, "\nsummary:", "\nsumary:")
    lines = w.round()
    errors = [line for line in lines if line.startswith(f"{SEED}:")]
    assert errors and re.match(rf"{re.escape(SEED)}:\d+:\d+: .*sumary", errors[0]), lines
    assert "handout sacral-traction" in lines[-1] and "failed" in lines[-1]
    assert written(lines) == set()
    assert (project / "out/sacral-traction.pdf").read_bytes() == good
    assert w.proc.poll() is None  # still watching

    edit(project / SEED, "\nsumary:", "\nsummary:")
    edit(project / SEED, "title: Sacral Traction", "title: Sacral Traction fixed")
    lines = w.round()
    assert written(lines) == everything_of({"sacral-traction"})
    assert "failed" not in lines[-1]
    assert "Sacral Traction fixed" in pdf_text(project / "out/sacral-traction.pdf")
    assert w.stop()[0] == 0


def test_a_broken_project_file_is_reported_and_watched_on(
    project: Path, watching: list[Watch]
) -> None:
    w = start(watching, project, "wger-bird-dog")
    w.ready()
    settings = (project / "handouts.yaml").read_text(encoding="utf-8")
    (project / "handouts.yaml").write_text(settings + "papr: a4\n", encoding="utf-8")
    lines = w.round()
    assert any(re.match(r"handouts\.yaml:\d+:\d+: .*papr", line) for line in lines), lines
    assert "not built" in lines[-1]
    a4 = settings.replace("paper: letter", "paper: a4")
    assert a4 != settings
    (project / "handouts.yaml").write_text(a4, encoding="utf-8")
    lines = w.round()
    # a4 paper: the card is now the EU size, the handout the A4 layout: both made again
    assert written(lines) == {"wger-bird-dog.pdf", "wger-bird-dog.card.pdf", "wger-bird-dog.html"}
    assert w.stop()[0] == 0


def test_targets_narrow_the_watch_to_the_products_they_name(
    project: Path, watching: list[Watch]
) -> None:
    w = start(watching, project, "sacral-traction", "neck-and-hips.booklet-print.pdf")
    first = w.round()
    expected = {
        "sacral-traction.pdf",
        "sacral-traction.card.pdf",
        "sacral-traction.html",
        "neck-and-hips.booklet.pdf",
        "neck-and-hips.booklet-print.pdf",
    }
    assert written(first) == expected
    w.ready()
    made = {str(p.relative_to(project / "out")) for p in (project / "out").rglob("*.*")}
    assert made - {".handouts-cache.json"} == expected
    edit(project / "data/routines/wger-bird-dog.yaml", "Pause briefly", "Hold briefly")
    lines = w.round()  # not a product of this watch: nothing to make
    assert written(lines) == set() and "made 0 file(s), 5 up to date" in lines[-1]
    edit(project / "data/routines/wger-chin-tuck.yaml", "title:", "title: New")
    assert written(w.round()) == {"neck-and-hips.booklet.pdf", "neck-and-hips.booklet-print.pdf"}
    assert w.stop()[0] == 0


def test_a_target_that_names_nothing_stops_before_watching(project: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "handouts", "watch", "sacral-tractoin"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=DEADLINE,
    )
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == (
        "<sacral-tractoin>:1:1: no routine, booklet, programme or output file is named "
        "'sacral-tractoin'; did you mean 'sacral-traction'?"
    )
    assert "Traceback" not in done.stderr
    assert not (project / "out").exists()


def test_ctrl_c_during_a_rebuild_leaves_whole_pdfs_and_no_temporary_files(
    project: Path, watching: list[Watch]
) -> None:
    w = start(watching, project)
    w.ready()
    edit(project / "data/clinic.yaml", "name:", "name: New")  # every product again
    w.until(r"changed: data/clinic\.yaml")
    status, rest = w.stop()  # while it makes them
    assert status == 0, rest
    assert "Traceback" not in rest
    # the fixture checks on the way out: every PDF whole, no *.tmp left


def in_thread(
    root: Path, *targets: str, clinic: Path | None = None
) -> tuple[queue.Queue[Round], threading.Event]:
    """The library's watch in a thread; its rounds arrive on the queue."""
    rounds: queue.Queue[Round] = queue.Queue()
    stop = threading.Event()
    ready = threading.Event()
    thread = threading.Thread(
        target=watch,
        args=(lambda: open_project(cwd=root, clinic=clinic), targets, rounds.put),
        kwargs={"ready": lambda roots: ready.set(), "stop": stop},
        daemon=True,
    )
    thread.start()
    assert ready.wait(DEADLINE)
    return rounds, stop


def test_editor_files_and_the_out_folder_are_no_change(project: Path) -> None:
    rounds, stop = in_thread(project, "wger-bird-dog")
    try:
        first = rounds.get(timeout=DEADLINE)
        assert first.result is not None and len(first.result.written) == 3
        routines = project / "data" / "routines"
        for name in (
            ".wger-bird-dog.yaml.swp",
            "wger-bird-dog.yaml~",
            ".#wger-bird-dog.yaml",
            "#wger-bird-dog.yaml#",
            "4913",
        ):
            (routines / name).write_text("title: x\n", encoding="utf-8")
        (routines / "4913").unlink()  # vim's test that it may write here
        out = project / "out"
        (out / "copy.pdf").write_bytes((out / "wger-bird-dog.pdf").read_bytes())
        (project / "readme.txt").write_text("not a project file\n", encoding="utf-8")
        edit(routines / "wger-bird-dog.yaml", "Pause briefly", "Hold briefly")
        saved = rounds.get(timeout=DEADLINE)  # the first round after: the real save only
        assert saved.changed == (routines / "wger-bird-dog.yaml",)
        assert saved.result is not None
        assert {p.name for p in saved.result.written} == {
            "wger-bird-dog.pdf",
            "wger-bird-dog.card.pdf",
            "wger-bird-dog.html",
        }
    finally:
        stop.set()


def test_a_clinic_profile_and_logo_outside_the_project_are_watched(project: Path) -> None:
    from .test_cache import png

    shared = project.parent / f"{project.name}-shared"  # one profile for several projects
    shared.mkdir()
    shutil.copy(project / "data/clinic.yaml", shared / "clinic.yaml")
    shutil.copy(project / "data/logo.png", shared / "logo.png")
    rounds, stop = in_thread(project, "wger-bird-dog", clinic=shared / "clinic.yaml")
    try:
        first = rounds.get(timeout=DEADLINE)
        assert first.result is not None and len(first.result.written) == 3
        (shared / "logo.png").write_bytes(png((40, 40, 200)))
        saved = rounds.get(timeout=DEADLINE)
        assert saved.changed == (shared / "logo.png",)
        assert saved.result is not None and len(saved.result.written) == 3
        edit(shared / "clinic.yaml", "name:", "name: New")
        saved = rounds.get(timeout=DEADLINE)
        assert saved.changed == (shared / "clinic.yaml",)
        assert saved.result is not None and len(saved.result.written) == 3
    finally:
        stop.set()
