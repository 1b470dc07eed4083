"""Writing outputs: atomic, with ordinary permissions, never over the user's other files.

A reader sees the previous file or the new one, never a partial PDF; a signal during the
write leaves no temporary file behind; a write that cannot happen is one line naming the
user's path.
"""

from __future__ import annotations

import os
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import HandoutsError, Problem
from .yamlsrc import printable

SUFFIXES = (".pdf",)
"""What handouts writes. Anything else named as an output is refused before rendering."""
HTML_SUFFIXES = (".html",)
"""The accessible edition's files, accepted where a product asks for them."""

MAGIC = {".pdf": b"%PDF-", ".html": b"<!DOCTYPE html>\n<!-- made by handouts"}
"""How an existing file shows it is one of ours to replace (an HTML file of the accessible
edition starts with that comment, so a page of the user's own is never replaced)."""

_SIGNALS = {signal.SIGTERM, signal.SIGHUP, signal.SIGINT}
_umask_lock = threading.Lock()


def shown(path: Path) -> str:
    """A path as messages show it: relative to the working folder when inside it.

    Bytes that are not UTF-8 (a surrogate escape in the name) print as \\xNN.
    """
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return printable(str(path))
    return printable(str(Path(path).absolute()) if rel.startswith("..") else rel)


def _refuse(path: Path, message: str) -> HandoutsError:
    return HandoutsError([Problem(shown(path), 1, 1, message)])


def check_target(path: Path, suffixes: tuple[str, ...] = SUFFIXES) -> None:
    """Refuse an output path that is not a PDF (or, where `suffixes` allow, another file
    handouts writes) of ours to write or replace.

    Called before rendering, so a refused `-o` costs nothing and writes nothing.
    """
    if path.suffix.lower() not in suffixes:
        raise _refuse(path, f"an output file must end in {' or '.join(suffixes)}")
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise _refuse(path, f"cannot write: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise _refuse(path, "is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(path, "is a device, pipe or socket, not a file; refusing to replace it")
    magic = MAGIC[path.suffix.lower()]
    try:
        with path.open("rb") as fh:
            head = fh.read(len(magic))
    except OSError as exc:
        raise _refuse(path, f"cannot write: {exc.strerror}") from None
    if head != magic:
        what = "a PDF" if path.suffix.lower() == ".pdf" else "an HTML file made by handouts"
        raise _refuse(path, f"exists and is not {what}; refusing to replace it")


def _file_mode() -> int:
    """Read and write for the owner, read for others, as the umask allows (0644 under 022)."""
    with _umask_lock:
        mask = os.umask(0o022)
        os.umask(mask)
    return 0o666 & ~mask


_held = 0  # how deep inside _signals_held the main thread is
_pending: list[int] = []  # signals that arrived meanwhile


def _stop(signum: int) -> None:
    """End the process as the signal would have, had nothing been caught, and its worker
    processes with it (they would otherwise wait for work for ever)."""
    multiprocessing = sys.modules.get("multiprocessing")
    if multiprocessing is not None:
        for child in multiprocessing.active_children():
            child.terminate()
    signal.signal(signum, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signum})
    os.kill(os.getpid(), signum)


def _on_signal(signum: int, frame: object) -> None:
    if _held:
        _pending.append(signum)
    else:
        _stop(signum)


def install_signal_handlers() -> None:
    """For the command line: SIGTERM and SIGHUP wait until no temporary file exists.

    Python runs signal handlers in the main thread whichever thread the kernel picked
    (a process pool has threads of its own), so the write in progress finishes or is
    undone first.
    """
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _on_signal)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGTERM, SIGHUP and SIGINT while a temporary file exists; deliver them after."""
    global _held
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    _held += 1
    try:
        yield
    finally:
        _held -= 1
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
        if not _held and _pending:
            _stop(_pending.pop(0))


def write_atomic(path: Path, data: bytes) -> Path:
    """Write `data` to `path` through a temporary file in the same folder and a rename."""
    html = path.suffix.lower() == ".html"
    check_target(path, HTML_SUFFIXES if html and data.startswith(MAGIC[".html"]) else SUFFIXES)
    return replace_atomically(path, data)


@contextmanager
def _beside(path: Path, data: bytes) -> Iterator[str]:
    """A finished temporary file in `path`'s folder holding `data` (flushed, synced, with
    ordinary permissions), for the caller to rename or link to `path`; removed afterwards
    if it is still there."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fchmod(fh.fileno(), _file_mode())
            os.fsync(fh.fileno())
        yield tmp
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass  # renamed to `path`, or never made


def replace_atomically(path: Path, data: bytes) -> Path:
    """A temporary file beside `path`, flushed, then renamed over it, with stop signals held:
    a reader sees the old file or the new one. For outputs, after `check_target`."""
    with _signals_held():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with _beside(path, data) as tmp:
                os.replace(tmp, path)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise _refuse(path, f"cannot write: {reason}") from None
    return path


def write_new(path: Path, data: bytes) -> bool:
    """Create `path` with `data` unless something is already there (then False, untouched).

    The bytes go to a temporary file beside it, which is then linked to its name: the link
    fails if the name exists, so a file made meanwhile is not replaced either, and a reader
    never sees half a file (`init`, `new` and `import` write the user's data this way).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _refuse(path.parent, f"cannot make this folder: {exc.strerror or exc}") from None
    if os.path.lexists(path):
        return False
    with _signals_held():
        try:
            with _beside(path, data) as tmp:
                os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError as exc:
            raise _refuse(path, f"cannot write: {exc.strerror or exc}") from None
    return True
