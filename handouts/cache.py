"""The build cache: which outputs are already what their inputs would make.

A planned target's key is the sha256 of everything that can change its bytes:

- the environment: the handouts version, the ReportLab, pypdf, Pillow and uharfbuzz (its
  HarfBuzz shapes Indic text) versions, and the source of the handouts package itself (its
  .py files), so an upgrade or a developer's edit rebuilds everything;
- the target's options: its whole planned request (every field of the target but the
  project, which it prints through: the routines' text, the layout's settings, language,
  personal texts, output paths) and the project's settings;
- the bytes of every input file the target names (`inputs()`): routine, booklet and
  programme files, the neighbours whose titles it prints, the clinic profile and its logo,
  pictures, the layout and every layout its `extends` chain reads, the label packs of its
  language, and its font files.

The cache lives in `<out>/.handouts-cache.json`. It is written atomically, and an entry is
recorded only after every file it describes was written, so a build stopped half-way leaves
a cache that is right wherever it speaks. An output is served from the cache only when its
entry has the same key and the file on disk still has the recorded sha256.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import yaml

if TYPE_CHECKING:
    from .layout import Layout
    from .model import Routine
    from .project import Project


CACHE_NAME = ".handouts-cache.json"
FORMAT = 1
SAVE_EVERY = 2.0
"""Seconds between saves of the cache file during a build."""
PACKAGE = Path(__file__).resolve().parent


class Cacheable(Protocol):
    @property
    def outputs(self) -> tuple[Path, ...]: ...

    def inputs(self) -> tuple[Path, ...]: ...


def _version(dist: str) -> str:
    # Imported here: importlib.metadata (and the email package under it) costs ~10 ms, and
    # a single handout, which imports this module for its inputs, never asks for a version.
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "-"


def environment(package: Path = PACKAGE) -> str:
    """The digest of what every target shares: versions and the handouts source."""
    h = hashlib.sha256()
    for dist in ("handouts", "reportlab", "pypdf", "pillow", "uharfbuzz"):
        h.update(f"{dist}={_version(dist)}\n".encode())
    for path in sorted(package.rglob("*.py")):
        h.update(str(path.relative_to(package)).encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


class Hashes:
    """sha256 of files, each read once per build."""

    def __init__(self) -> None:
        self._seen: dict[Path, str] = {}

    def of(self, path: Path) -> str:
        if path not in self._seen:
            try:
                self._seen[path] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                self._seen[path] = "missing"
        return self._seen[path]


def layout_chain(source: str, search: Iterable[Path]) -> list[Path]:
    """The layout file and every file its `extends` chain reads, in order."""
    from .layout import _extended  # the resolver's own rule for what `extends` reaches

    chain: list[Path] = []
    path: Path | None = Path(source) if source else None
    search = tuple(search)
    while path is not None and path.resolve() not in chain and len(chain) < 64:
        chain.append(path.resolve())
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError, UnicodeDecodeError):
            break
        parent = data.get("extends") if isinstance(data, dict) else None
        path = _extended(parent, path, search) if isinstance(parent, str) else None
    return chain


def product_inputs(
    project: Project,
    routines: Sequence[Routine],
    layouts: Sequence[Layout],
    language: str | None,
    extra: Iterable[str | Path] = (),
) -> tuple[Path, ...]:
    """The files a product of these routines in these layouts reads, found without rendering.
    Files that could appear and change the bytes (the default clinic profile, a language's
    label pack in each folder of the search path) are named whether they exist or not."""
    from .library import _folder
    from .render.fonts import layout_font_files

    files: list[Path] = [Path(p) for p in extra if str(p)]
    known = project.routine_files()
    for r in routines:
        files.append(Path(r.path))
        for ref in (r.previous, r.next):  # their titles print as Previous / Next
            if ref is not None and str(ref) in known:
                files.append(known[str(ref)])
        folder = _folder(Path(r.path))
        images = [r.image] + [s.image for s in r.steps]
        files += [folder / i.path for i in images if i is not None]
    clinic_file = project.clinic_file or project.data_dir / "clinic.yaml"
    files.append(clinic_file)
    clinic = project.clinic()
    if clinic.logo is not None:
        files.append(_folder(clinic_file) / clinic.logo.path)
    for layout in layouts:
        files += layout_chain(layout.source, layout.search)
        tags = {r.language for r in routines} | ({language} if language else set())
        for tag in sorted(tags):
            primary = str(tag).split("-")[0].lower()
            files += [d / "labels" / f"{primary}.yaml" for d in layout.search]
        fonts = layout_font_files(layout)
        files += [Path(f) for f in (fonts.regular, fonts.bold, fonts.italic, fonts.bold_italic)]
        files += [Path(f) for f in fonts.fallback]
    return tuple(dict.fromkeys(files))


def options(target: object) -> str:
    """The target's whole planned request as text: every field but the project. Fields are
    frozen dataclasses, tuples, paths and strings, whose repr is the same in every process.
    The project's settings act only through these fields (the layout, language and output
    paths they chose) and the input files, so a setting that changes one product's plan
    rebuilds that product only."""
    assert dataclasses.is_dataclass(target)
    fields: dict[str, Any] = {
        f.name: getattr(target, f.name) for f in dataclasses.fields(target) if f.name != "project"
    }
    return f"{type(target).__name__}{fields!r}"


def target_key(target: Cacheable, env: str, hashes: Hashes) -> str:
    h = hashlib.sha256(f"{FORMAT}\0{env}\0".encode())
    h.update(options(target).encode("utf-8", "surrogatepass") + b"\0")
    for path in sorted({Path(p).absolute() for p in target.inputs()}):
        h.update(f"{path}\0{hashes.of(path)}\0".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


class Cache:
    """`<out>/.handouts-cache.json`: per target (keyed by its first output), its key, the
    sha256 of each output file and the warnings its making gave (said again when served)."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / CACHE_NAME
        self.entries: dict[str, dict[str, Any]] = {}
        self._unsaved, self._saved_at = False, time.monotonic()
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return  # none yet, or unreadable: trust nothing
        if isinstance(data, dict) and data.get("format") == FORMAT:
            entries = data.get("entries")
            if isinstance(entries, dict):
                self.entries = entries

    def fresh(self, key: str, outputs: tuple[Path, ...], hashes: Hashes) -> list[str] | None:
        """The warnings to say again when every output is whole and made from `key`;
        None when the target must be made."""
        entry = self.entries.get(str(outputs[0])) if outputs else None
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        files = entry.get("files")
        if not isinstance(files, dict) or set(files) != {str(p) for p in outputs}:
            return None
        for path in outputs:
            if hashes.of(path) != files[str(path)]:
                return None
        warnings = entry.get("warnings")
        return [str(w) for w in warnings] if isinstance(warnings, list) else []

    def record(
        self, key: str, pdfs: dict[Path, bytes], outputs: tuple[Path, ...], warnings: list[str]
    ) -> None:
        """After the target's files were written: remember them. The file is saved at most
        every SAVE_EVERY seconds (saving after each target rewrites the whole cache once per
        target: quadratic in a large library) and by `flush()` at the end. A build killed in
        between loses only the newest entries, whose targets are made again next time."""
        if not outputs or set(pdfs) != set(outputs):
            return  # made something else than planned: never trust it
        self.entries[str(outputs[0])] = {
            "key": key,
            "files": {str(p): hashlib.sha256(pdfs[p]).hexdigest() for p in outputs},
            "warnings": list(warnings),
        }
        self._unsaved = True
        if time.monotonic() - self._saved_at >= SAVE_EVERY:
            self.flush()

    def flush(self) -> None:
        """Save what was recorded since the last save."""
        if self._unsaved:
            self.save()

    def keep_only(self, planned: Iterable[tuple[Path, ...]]) -> None:
        """Drop the entries of products no longer planned."""
        wanted = {str(o[0]) for o in planned if o}
        if set(self.entries) - wanted:
            self.entries = {k: v for k, v in self.entries.items() if k in wanted}
            self.save()

    def save(self) -> None:
        data = {"format": FORMAT, "entries": self.entries}
        text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=True) + "\n"
        _write_atomic(self.path, text.encode("ascii"))
        self._unsaved, self._saved_at = False, time.monotonic()


def _write_atomic(path: Path, data: bytes) -> None:
    """Never half a cache (output.replace_atomically). A cache that cannot be written is no
    error; the next build makes everything again."""
    from .errors import HandoutsError
    from .output import replace_atomically

    try:
        replace_atomically(path, data)
    except HandoutsError:
        pass
