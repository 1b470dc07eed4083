"""Smoke test: the benchmark script runs end to end on tiny counts (times are never asserted)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"


def _bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_run", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_library_is_deterministic(tmp_path: Path) -> None:
    bench = _bench()
    a = bench.make_project(tmp_path / "a", 3)
    b = bench.make_project(tmp_path / "b", 3)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    text = a[1].read_text()
    assert text.count("\n  - ") == 5 + 2 + 6 + 3 + 3  # benefits, cautions, steps, ...
    assert "previous: r0000" in text and "next: r0002" in text


def test_benchmark_runs_on_tiny_counts(capsys: pytest.CaptureFixture[str]) -> None:
    """About 10 s on 2 cores: one paired run of every case on a 3-routine library."""
    rows = _bench().main(["--quick", "--repeat", "1", "--small", "2", "--counts", "3"])
    names = [r[0] for r in rows]
    assert names[:2] == ["one handout", "one handout in a 3-routine library"]
    assert "3-routine booklet + saddle imposition" in names
    assert "handouts validate" in names
    assert all(r[1] > 0 and r[3] > 0 and r[4] > 0 for r in rows)
    assert "| peak memory, 3-routine booklet |" in capsys.readouterr().out


def test_versus_mode_compares_two_trees_case_by_case() -> None:
    """About 5 s: the package against itself (the same tree), one paired run per case."""
    root = SCRIPT.parent.parent
    rows = _bench().main(
        ["--versus", str(root), "--repeat", "1", "--small", "2", "--counts", "2", "--library", "2"]
    )
    assert [r[0] for r in rows][:2] == [
        "one handout (now)",
        "one handout in a 2-routine library (now)",
    ]
    assert {r[2] for r in rows} == {"before"}
    assert "handouts validate (now)" in [r[0] for r in rows]
