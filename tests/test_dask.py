"""`build --scheduler`: the jobs run on a Dask distributed cluster, the caller writes the
files, and the bytes are those of a serial build."""

from __future__ import annotations

import shutil
from contextlib import nullcontext
from pathlib import Path

import pytest

from handouts.build import run
from handouts.project import open_project

from .conftest import run as cli

distributed = pytest.importorskip("distributed")


def pdfs(out: Path) -> dict[str, bytes]:
    """Every file build wrote: the PDFs and the accessible editions (HTML)."""
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.suffix in (".pdf", ".html")
    }


def test_a_build_on_a_local_dask_cluster_has_the_serial_bytes(project: Path) -> None:
    run(open_project(cwd=project, out=project / "serial"))
    serial = pdfs(project / "serial")
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        result = run(
            open_project(cwd=project, out=project / "dask"),
            executor=lambda n: nullcontext(client.get_executor()),
        )
        assert cluster.scheduler.transition_counter > 0  # the jobs went through Dask
    assert result.failed == [] and len(result.written) == len(serial) == 30
    assert pdfs(project / "dask") == serial


def test_scheduler_local_from_the_command_line(project: Path) -> None:
    result = cli("build", "-j", "1", "--scheduler", "local", "--out", "viadask")
    assert result.exit_code == 0, result.output
    assert "made 30 file(s)" in result.stderr
    shutil.rmtree(project / "viadask")


def test_an_unreachable_scheduler_is_one_line_and_exit_1(project: Path) -> None:
    result = cli("build", "--scheduler", "tcp://127.0.0.1:1", "--out", "none")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1].startswith("<--scheduler>:1:1: cannot reach")
    assert not (project / "none").exists()
