"""`handouts build`: plan every product of a project, make each, write what was made.

Every target is planned by its product module exactly as the single command with default
options plans it, so `build` and `handouts handout ID` write the same file with the same
bytes. A product that fails is reported and the others are still made; the caller exits 1
at the end if anything failed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from .cache import Cache, Hashes, environment, target_key
from .errors import HandoutsError, Problem
from .output import shown, write_atomic
from .products import booklet, card, handout, html, program
from .project import Project
from .targets import Target, duplicates


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    fresh: list[Path] = field(default_factory=list)  # up to date: served from the cache
    notes: list[str] = field(default_factory=list)  # warnings, and what was made how
    problems: list[Problem] = field(default_factory=list)  # each failed product's reasons
    failed: list[str] = field(default_factory=list)  # which products failed
    made_notes: list[str] = field(default_factory=list)  # the notes of those made this time


@dataclass(frozen=True)
class Planned:
    """A target, or the problems that kept it from being planned."""

    what: str
    target: Target | None = None
    problems: tuple[Problem, ...] = ()


def _attempt(what: str, make: Callable[[], Target]) -> Planned:
    try:
        return Planned(what, make())
    except HandoutsError as exc:
        return Planned(what, None, tuple(exc.problems))


def plan(project: Project) -> list[Planned]:
    """Every product of the project with default options, in a fixed order."""
    todo: list[tuple[str, Callable[[], Target]]] = []
    for rid, path in project.routine_files().items():
        refs = (str(path),)
        printed = handout.HandoutRequest(refs)
        todo.append((f"handout {rid}", partial(handout.plan, project, printed)))
        todo.append((f"pocket card {rid}", partial(card.plan, project, card.CardRequest(refs))))
        todo.append(
            (f"accessible edition {rid}", partial(html.plan, project, html.HtmlRequest(printed)))
        )
    for name in project.program_files():
        request = program.ProgramRequest(name)
        todo.append((f"programme {name}", partial(program.plan, project, request)))
        todo.append(
            (f"accessible programme {name}", partial(html.plan_program_ref, project, request))
        )
    for name in project.booklet_files():
        book = booklet.BookletRequest(manifest=name)
        todo.append((f"booklet {name}", partial(booklet.plan, project, book)))
    return [_attempt(what, make) for what, make in todo]


@dataclass(frozen=True)
class Made:
    """What making one target gave: its files' bytes and warnings, or its problems."""

    pdfs: dict[Path, bytes]
    warnings: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()


def make(target: Target) -> Made:
    """Render one target. Pure (bytes in memory, nothing written), so any executor's worker
    process can run it; only the caller writes files."""
    try:
        result = target.make()
        return Made(result.pdfs, tuple(target.notes() + result.warnings))
    except HandoutsError as exc:
        return Made({}, (), tuple(exc.problems))


Workers = Callable[[int], AbstractContextManager[Executor | None]]
"""Given how many targets must be made, the executor to make them in (None: in this
process). Called only when something must be made, so an up-to-date build starts no worker
process and no cluster."""


def run(
    project: Project,
    progress: Callable[[str, int, int], None] | None = None,
    executor: Workers | None = None,
    force: bool = False,
    select: Callable[[Planned], bool] | None = None,
) -> BuildResult:
    """Plan every target, make those the cache does not vouch for (in the workers of
    `executor` when given, in plan order), and write each as it is made; `force` makes them
    all. A target's cache entry is recorded only once all its files are written. With
    `select`, only the planned products it accepts are made and reported (`handouts watch
    TARGET`); the cache keeps the entries of the others."""
    project.require_data()
    everything = planned = plan(project)
    if select is not None:
        planned = [p for p in planned if select(p)]
    clash = duplicates(p.target for p in everything if p.target is not None)
    if clash:  # a planning bug, never the user's data: refuse before writing anything
        path, who = next(iter(clash.items()))
        raise HandoutsError(
            [Problem(shown(path), 1, 1, f"two products would write this file: {', '.join(who)}")]
        )
    store = Cache(project.out_dir)
    env, hashes = environment(), Hashes()
    keys: dict[int, str] = {}
    served: dict[int, list[str]] = {}
    for n, item in enumerate(planned):
        if item.target is not None:
            keys[n] = target_key(item.target, env, hashes)
            warnings = None if force else store.fresh(keys[n], item.target.outputs, hashes)
            if warnings is not None:
                served[n] = warnings
    store.keep_only(p.target.outputs for p in everything if p.target is not None)
    targets = [p.target for n, p in enumerate(planned) if p.target is not None and n not in served]
    workers = executor(len(targets)) if executor is not None and targets else nullcontext(None)
    with workers as pool, _saving(store):
        made: Iterator[Made] = pool.map(make, targets) if pool else (make(t) for t in targets)
        return _written(planned, keys, served, made, store, progress)


@contextmanager
def _saving(store: Cache) -> Iterator[None]:
    """Whatever ends the build, the entries of the targets written so far are saved."""
    try:
        yield
    finally:
        store.flush()


def _written(
    planned: list[Planned],
    keys: dict[int, str],
    served: dict[int, list[str]],
    made: Iterator[Made],
    store: Cache,
    progress: Callable[[str, int, int], None] | None,
) -> BuildResult:
    """Take each made target in plan order, write its files, then record it in the cache."""
    result = BuildResult()
    for count, item in enumerate(planned, start=1):
        problems = list(item.problems)
        n = count - 1
        if n in served and item.target is not None:
            result.fresh += item.target.outputs
            result.notes += served[n]
        elif item.target is not None:
            done = next(made)
            for path, data in done.pdfs.items():
                result.written.append(write_atomic(path, data))
            result.notes += done.warnings
            result.made_notes += done.warnings
            problems += done.problems
            if not done.problems:
                store.record(keys[n], done.pdfs, item.target.outputs, list(done.warnings))
        if progress is not None:
            progress(item.what, count, len(planned))
        if problems:
            result.failed.append(item.what)
            # one broken file fails several products: say each problem once
            result.problems += [p for p in dict.fromkeys(problems) if p not in result.problems]
    return result


def workers(jobs: int, scheduler: str | None = None) -> Workers:
    """`build --jobs/--scheduler`: a Dask cluster when a scheduler is named, else up to
    `jobs` local worker processes, never more than there are targets to make; one target
    is made in this process, which is quicker than starting a worker for it."""
    if scheduler is not None:
        _dask()  # a missing extra is said at once, even when nothing needs making

    def start(todo: int) -> AbstractContextManager[Executor | None]:
        if scheduler is not None:
            return dask_executor(scheduler, jobs)
        if min(jobs, todo) <= 1:
            return nullcontext(None)
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(min(jobs, todo))

    return start


def _dask() -> Any:
    try:
        import distributed
    except ImportError:
        raise HandoutsError(
            [
                Problem(
                    "<--scheduler>",
                    1,
                    1,
                    "Dask is not installed: pip install 'handouts[dask]'",
                )
            ]
        ) from None
    return distributed  # untyped


def _reachable(scheduler: str) -> None:
    """Fail at once, not after Dask's retries, when nothing listens at a tcp:// address."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(scheduler)
    if parts.scheme == "tcp" and parts.hostname and parts.port:
        socket.create_connection((parts.hostname, parts.port), timeout=10).close()


@contextmanager
def dask_executor(scheduler: str, workers: int) -> Iterator[Executor]:
    """A concurrent.futures executor over a Dask distributed cluster: `tcp://HOST:PORT`
    connects to a running scheduler; `local` starts a LocalCluster of `workers` processes
    on this machine (one thread each: ReportLab keeps process-wide state). Each job is
    pure, a target in and its PDF bytes out; the caller writes the files."""
    dask = _dask()
    if scheduler == "local":
        cluster = dask.LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None)
        with cluster, dask.Client(cluster) as client:
            yield client.get_executor(pure=False)
        return
    try:
        _reachable(scheduler)
        client = dask.Client(scheduler, timeout=30)
    except (OSError, ValueError, TimeoutError) as exc:
        raise HandoutsError(
            [Problem("<--scheduler>", 1, 1, f"cannot reach the Dask scheduler {scheduler}: {exc}")]
        ) from None
    with client:
        yield client.get_executor(pure=False)


def each_output(project: Project) -> Iterator[tuple[str, Path]]:
    """(product, path) of every file `build` would write: for tests and `build --dry-run`."""
    for item in plan(project):
        if item.target is not None:
            for path in item.target.outputs:
                yield item.what, path
