"""The reliability scorecard: reproducible, crash-safe, bounded, sound, no silent boxes."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from handouts.build import run as build_project
from handouts.errors import DataError, HandoutsError
from handouts.layout import load_layout
from handouts.output import write_atomic
from handouts.project import open_project
from handouts.yamlsrc import MAX_BYTES, parse_yaml, read_yaml

from .conftest import ROOT, glyphs, run, write


def build_with_seed(project: Path, out: str, seed: str) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run(
        [sys.executable, "-m", "handouts", "--out", out, "build"],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
    )
    return {
        str(p.relative_to(project / out)): p.read_bytes()
        for p in sorted((project / out).rglob("*"))
        if p.suffix in (".pdf", ".html")
    }


def test_builds_are_byte_identical_across_hash_seeds(project: Path) -> None:
    one = build_with_seed(project, "out-a", "1")
    two = build_with_seed(project, "out-b", "4242")
    kinds = {
        "handout": "sacral-traction.pdf",
        "card sheet": "sacral-traction.card.pdf",
        "booklet": "lower-back.booklet.pdf",
        "imposed sheets": "lower-back.booklet-print.pdf",
        "programme": "patients/ann-lee/ann-lee.program.pdf",
        "accessible edition": "sacral-traction.html",
        "accessible programme": "patients/ann-lee/ann-lee.program.html",
    }
    for kind, name in kinds.items():
        assert name in one, kind
    assert sorted(one) == sorted(two)
    assert [n for n in one if one[n] != two[n]] == []


def test_build_output_has_no_missing_glyphs(project: Path) -> None:
    assert run("build").exit_code == 0
    for pdf in sorted((project / "out").rglob("*.pdf")):
        text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
        assert "\u25a0" not in text and "\ufffd" not in text, pdf.name
        assert ".notdef" not in pdf.read_bytes().decode("latin-1"), pdf.name


def test_handout_text_stays_between_the_side_margins(project: Path) -> None:
    assert (
        run(
            "handout",
            "sacral-traction",
            "--patient",
            "Ann Lee",
            "-o",
            "h.pdf",
            "--layout",
            "large-print",
        ).exit_code
        == 0
    )
    layout = load_layout("large-print")
    left, right = layout.page.margin_left, layout.page.size[0] - layout.page.margin_right
    for chars in glyphs(project / "h.pdf"):
        for g in chars:
            assert left - 0.5 <= g.x0 and g.x1 <= right + 0.5, g


def test_no_text_within_a_quarter_inch_of_any_page_edge(project: Path) -> None:
    """Office printers cannot print the outer ~1/4 in; nothing a reader needs goes there."""
    assert run("build").exit_code == 0
    for name in (
        "sacral-traction.pdf",
        "lower-back.booklet.pdf",
        "patients/ann-lee/ann-lee.program.pdf",
        "wger-bird-dog.pdf",
    ):
        reader = PdfReader(project / "out" / name)
        for page, chars in zip(reader.pages, glyphs(project / "out" / name), strict=True):
            w, h = float(page.mediabox.width), float(page.mediabox.height)
            for g in chars:
                assert 18 <= g.x0 and g.x1 <= w - 18 and 18 <= g.y0 and g.y1 <= h - 18, (name, g)


class FullDisk(io.RawIOBase):
    """A file that accepts `room` bytes and then fails like a full disk."""

    def __init__(self, room: int) -> None:
        self.room = room

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if len(data) > self.room:
            raise OSError(28, "No space left on device")
        self.room -= len(data)
        return len(data)


@pytest.mark.parametrize("room", [0, 1, 1000, 30_000])
def test_full_disk_leaves_the_previous_file(
    tmp_path: Path, room: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "handout.pdf"
    target.write_bytes(b"%PDF-previous")
    real_fdopen = os.fdopen

    def failing_fdopen(fd: int, mode: str = "r", *args: object, **kwargs: object) -> object:
        real_fdopen(fd, mode).close()
        return io.BufferedWriter(FullDisk(room), buffer_size=1)

    monkeypatch.setattr("handouts.output.os.fdopen", failing_fdopen)
    with pytest.raises(HandoutsError, match="cannot write: No space left on device"):
        write_atomic(target, b"%PDF-new" * 10_000)
    assert target.read_bytes() == b"%PDF-previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["handout.pdf"]


def test_failure_with_no_previous_file_leaves_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "handouts.output.os.fsync",
        lambda fd: (_ for _ in ()).throw(OSError(5, "Input/output error")),
    )
    with pytest.raises(HandoutsError, match="cannot write: Input/output error"):
        write_atomic(tmp_path / "new.pdf", b"%PDF")
    assert list(tmp_path.iterdir()) == []


def test_a_render_failure_mid_build_replaces_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("build").exit_code == 0
    before = {p: p.read_bytes() for p in (project / "out").rglob("*.pdf")}
    calls = {"n": 0}
    import handouts.render.booklet as booklet_renderer  # products import it when making

    real = booklet_renderer.render_booklet

    def explode(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        raise RuntimeError("writer crashed")

    monkeypatch.setattr(booklet_renderer, "render_booklet", explode)
    with pytest.raises(RuntimeError):
        build_project(open_project(), force=True)  # else the cache serves it all
    assert calls["n"] == 1 and real is not explode
    after = {p: p.read_bytes() for p in (project / "out").rglob("*.pdf")}
    assert after == before


def test_fifty_megabyte_file_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    with pytest.raises(DataError) as info:
        read_yaml(big, "big.yaml")
    assert str(info.value) == f"big.yaml:1:1: file is 52,428,800 bytes; the limit is {MAX_BYTES:,}"


def test_hundred_thousand_item_lists_are_refused(tmp_path: Path) -> None:
    block = b"steps:\n" + b"- a\n" * 100_000
    with pytest.raises(DataError) as info:
        parse_yaml(block, "block.yaml")
    assert "the limit is 262,144" in str(info.value)
    flow = b"steps: [" + b"a," * 100_000 + b"a]\n"
    with pytest.raises(DataError) as info:
        parse_yaml(flow, "flow.yaml")
    assert str(info.value).endswith("too many values in one file (limit 20,000)")


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 12)]
    with pytest.raises(DataError) as info:
        parse_yaml("\n".join(lines).encode(), "bomb.yaml")
    assert str(info.value) == "bomb.yaml:1:5: anchors (&name) are not allowed; write the value out"


def test_benchmark_script_for_limits_exists_and_runs() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts/bench_limits.py"), "--quick"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "refused" in done.stdout


def test_a_broken_routine_stops_only_its_own_products(project: Path) -> None:
    write(project / "data/routines/zz-broken.yaml", "title: Broken\nsteps: nope\n")
    result = run("build")
    assert result.exit_code == 1
    problem = (
        "data/routines/zz-broken.yaml:2:8: 'steps' must be a list (lines starting with '- '), "
        "not text"
    )
    assert result.stderr.splitlines()[-2:] == [
        problem,
        "made 30 file(s) in out; 3 failed: handout zz-broken, pocket card zz-broken, "
        "accessible edition zz-broken",
    ]
    written = result.stdout.split()
    assert len(written) == 30 and "out/sacral-traction.pdf" in written
    assert not any("zz-broken" in p for p in written)
    assert not list((project / "out").rglob("zz-broken*"))
