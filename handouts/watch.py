"""`handouts watch`: rebuild what a saved file affects, print the result, keep watching.

Each round is one incremental build (`build.run`, its planning and its cache), so only the
products whose inputs changed are made again. The watch covers the project folder (its
handouts.yaml and layouts/), the data folder, and every file a product reads that lies
elsewhere (a clinic profile given with --clinic, its logo, pictures). Files under the out
folder, hidden files and editor files (`.swp`, `~`, `.#name`) are not changes; an editor's
save through a temporary file and a rename is one (the new name appears).

A bad edit is reported as `path:line:col: message` and the watch goes on; nothing is written
for a product that fails, so its last good PDF stays where it was.

The watcher is watchfiles' notifier (inotify, FSEvents or ReadDirectoryChangesW; polling
with `poll=True`, for network drives that send no notices). It starts before the first
round, so a save during that round is seen.
"""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .build import BuildResult, Planned, run
from .cache import PACKAGE
from .errors import HandoutsError, Problem
from .project import PROJECT_FILE, Project
from .yamlsrc import did_you_mean

DEBOUNCE_MS = 400
"""A burst of changes (an editor's temporary file, rename and backup) is one round: it
starts STEP_MS after the last change of the burst, at most DEBOUNCE_MS after its first."""
STEP_MS = 50

# editor and system files that are never a change: vim's swap and its write test `4913`,
# backups `name~`, Emacs's `#name#` and `.#name`, JetBrains' `___jb_tmp___`, macOS's
# .DS_Store; hidden files (any part of the path under the project starting with '.') too
_EDITOR_FILES = re.compile(r"(\.sw.|~|___jb_...___|\.bak|\.tmp)$|^(#.*#|4913|\..*)$")
_MASKS = hasattr(signal, "pthread_sigmask")  # not on Windows
_IGNORED_DIRS = frozenset({"__pycache__", "node_modules"})


@dataclass(frozen=True)
class Round:
    """One rebuild: what started it and what it gave."""

    changed: tuple[Path, ...]  # the saved files (none for the first round)
    result: BuildResult | None  # None when the project itself could not be read
    problems: tuple[Problem, ...] = ()  # why there was no build: the project's own errors
    unmatched: tuple[str, ...] = ()  # TARGETs that name nothing any more
    seconds: float = 0.0


@dataclass
class Scope:
    """What is watched (`roots`) and which of the changes seen there count."""

    root: Path
    data: Path
    layouts: Path
    out: Path
    files: set[Path] = field(default_factory=set)  # every file a product read

    @staticmethod
    def of(project: Project) -> Scope:
        root = Path(os.path.abspath(project.root))
        scope = Scope(
            root,
            Path(os.path.abspath(project.data_dir)),
            root / "layouts",
            Path(os.path.abspath(project.out_dir)),
        )
        scope.add([root / PROJECT_FILE])
        if project.clinic_file is not None:
            scope.add([project.clinic_file])
        return scope

    def add(self, inputs: Iterable[Path]) -> None:
        """Files products read; the package's own (built-in layouts, fonts) never change."""
        for path in inputs:
            path = Path(os.path.abspath(path))
            if not _under(path, PACKAGE):
                self.files.add(path)

    def roots(self) -> tuple[str, ...]:
        """The fewest existing folders that hold everything watched, each watched whole."""
        wanted = {self.root, self.data} | {p.parent for p in self.files}
        roots: list[Path] = []
        for folder in sorted((p for p in wanted if p.is_dir()), key=lambda p: len(p.parts)):
            if not any(_under(folder, r) for r in roots):
                roots.append(folder)
        return tuple(str(r) for r in sorted(roots))

    def counts(self, path: Path) -> bool:
        """Whether a change to `path` can change a product."""
        if _under(path, self.out) or _EDITOR_FILES.search(path.name):
            return False
        for base in (self.data, self.layouts):
            if _under(path, base):
                parts = path.relative_to(base).parts
                if any(p.startswith(".") or p in _IGNORED_DIRS for p in parts):
                    return False
                # gone: a file a product read, or a routine, booklet or programme file;
                # not a temporary file an editor or a tool saved through and renamed
                return path.exists() or path in self.files or path.suffix in (".yaml", ".yml")
        return path in self.files


def _under(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


class Selection:
    """Which planned products a watch makes: all, or those TARGETs name. A TARGET is a
    routine id (its handout and pocket card), a booklet or programme name, or an output
    file (a path, a path inside the out folder, or a file name: `lower-back.booklet.pdf`)."""

    def __init__(self, names: Sequence[str], scope: Scope) -> None:
        self.names = tuple(names)
        self.scope = scope
        self.seen: set[str] = set()  # the names that selected something this round
        self.known: set[str] = set()  # every name and file name of this round

    def start(self) -> None:
        self.seen.clear()
        self.known.clear()

    def __call__(self, item: Planned) -> bool:
        name = item.what.rsplit(" ", 1)[-1]
        files = item.target.outputs if item.target is not None else ()
        self.known.add(name)
        self.known.update(p.name for p in files)
        chosen = [n for n in self.names if n == name or any(self._is(n, p) for p in files)]
        self.seen.update(chosen)
        if item.target is not None and (chosen or not self.names):
            self.scope.add(item.target.inputs())
        return bool(chosen) or not self.names

    def _is(self, name: str, path: Path) -> bool:
        if not name.lower().endswith(".pdf"):
            return False
        out = self.scope.out
        return name == path.name or Path(os.path.abspath(name)) == path or out / name == path

    def unmatched(self) -> tuple[str, ...]:
        return tuple(n for n in self.names if n not in self.seen)

    def hint(self, name: str) -> str:
        return did_you_mean(name, sorted(self.known))


def build_round(
    open_project: Callable[[], Project], scope: Scope, selection: Selection, changed: Sequence[Path]
) -> Round:
    """One incremental build of the selected products; never raises a HandoutsError."""
    started = time.monotonic()
    selection.start()
    try:
        project = open_project()
        fresh = Scope.of(project)
        scope.root, scope.data, scope.out = fresh.root, fresh.data, fresh.out
        scope.layouts = fresh.layouts
        scope.add(fresh.files)
        result = run(project, select=selection)
    except HandoutsError as exc:
        return Round(tuple(changed), None, tuple(exc.problems), (), time.monotonic() - started)
    return Round(tuple(changed), result, (), selection.unmatched(), time.monotonic() - started)


def watch(
    open_project: Callable[[], Project],
    targets: Sequence[str],
    report: Callable[[Round], None],
    *,
    ready: Callable[[tuple[str, ...]], None] | None = None,
    seen: Callable[[Sequence[Path]], None] | None = None,
    stop: threading.Event | None = None,
    poll: bool = False,
) -> None:
    """Build the selected products, then rebuild after every change that counts, calling
    `report` after each round, until `stop` is set or Ctrl-C (KeyboardInterrupt, raised).

    Errors reading the project or TARGETs that name nothing stop it before watching; any
    error after that is a round's report. `ready` hears the folders watched, once watching;
    `seen` the files changed, as a round starts.
    """
    project = open_project()
    project.require_data()
    scope = Scope.of(project)
    selection = Selection(targets, scope)
    notifier = Notifier(scope.roots(), poll)  # before the first round: its saves count too
    try:
        first = build_round(open_project, scope, selection, ())
        if first.result is not None and first.unmatched:
            name = first.unmatched[0]
            message = (
                f"no routine, booklet, programme or output file is named '{name}'"
                f"{selection.hint(name)}"
            )
            raise HandoutsError([Problem(f"<{name}>", 1, 1, message)])
        report(first)
        notifier = notifier.covering(scope.roots())
        if ready is not None:
            ready(notifier.roots)
        while True:
            events = notifier.wait(stop)
            if events is None:
                return
            changed = sorted({p for p in events if scope.counts(p)})
            if changed:
                if seen is not None:
                    seen(changed)
                report(build_round(open_project, scope, selection, changed))
            if notifier.roots != scope.roots():  # a picture or profile in a new folder
                notifier = notifier.covering(scope.roots())
                report(build_round(open_project, scope, selection, ()))
    finally:
        notifier.close()


class Notifier:
    """watchfiles' notifier over `roots`, each watched with every folder inside it."""

    def __init__(self, roots: tuple[str, ...], poll: bool) -> None:
        from watchfiles._rust_notify import RustNotify  # documented: "Rust backend direct usage"

        self.roots, self.poll = roots, poll
        # its threads start with this thread's signal mask: with the stop signals blocked
        # there, the kernel hands Ctrl-C to the main thread, which holds it while a PDF is
        # being written (output.replace_atomically) and raises it after
        held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
        old = signal.pthread_sigmask(signal.SIG_BLOCK, held) if _MASKS else None
        try:
            self._rust = RustNotify(list(roots), False, poll, 300, True, True)
        finally:
            if old is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, old)

    def covering(self, roots: tuple[str, ...]) -> Notifier:
        """This one, or a new one when the folders to watch changed."""
        if roots == self.roots:
            return self
        self.close()
        return Notifier(roots, self.poll)

    def wait(self, stop: threading.Event | None) -> set[Path] | None:
        """The paths changed in the next burst; None once `stop` is set."""
        while True:
            events = self._rust.watch(DEBOUNCE_MS, STEP_MS, 0, stop)
            if events == "signal":  # the notifier caught Ctrl-C: raise it as Python would
                raise KeyboardInterrupt
            if events == "stop":
                return None
            if events != "timeout":
                return {Path(p) for _, p in events}

    def close(self) -> None:
        self._rust.close()
