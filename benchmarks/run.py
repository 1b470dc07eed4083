"""Benchmark handouts against a bare ReportLab platypus script on the same words (issue 12).

    python benchmarks/run.py [--quick] [--counts 200 500 1000] [--repeat 5] [--library N]

Generates a deterministic library (seeded generator over English words of the wger corpus,
or a built-in word list if the corpus is absent): routines of ~480 words (title, summary,
5 benefits, 2 cautions, 6 steps, aftercare, quick reference) with the clinic header, logo
and safety box, then runs each case paired and interleaved with its peer (A B, B A, ...),
each run a fresh process with bytecode cached, and prints medians and the median of the
pairs' ratios. Peak memory is ru_maxrss of one child (os.wait4). Typst runs only if its
Python bindings are importable. Times are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = ROOT.parent / "shared" / "corpora" / "wger" / "exercises.json"
SEED = 12
FALLBACK_WORDS = (
    "gently slowly keep your back straight breathe out and lift the knee toward chest hold "
    "for a count of five then lower it with control stand tall feet hip width apart relax "
    "shoulders arms beside the body repeat on the other side stop if it hurts"
).split()


def word_pool() -> list[str]:
    """English words from the wger corpus (deterministic order), or a built-in list."""
    if not CORPUS.is_file():
        return FALLBACK_WORDS
    entries = json.loads(CORPUS.read_text(encoding="utf-8"))
    words: list[str] = []
    for e in entries:
        if e.get("lang") == "en":
            text = re.sub(r"<[^>]+>", " ", e.get("description_html") or "")
            words += [w.lower() for w in re.findall(r"[A-Za-z]{2,}", text)]
    return words or FALLBACK_WORDS


class Words:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.pool = word_pool()

    def sentence(self, n: int) -> str:
        ws = [self.rng.choice(self.pool) for _ in range(n)]
        return (" ".join(ws).capitalize() + ".").replace('"', "")


def routine_yaml(w: Words, i: int, count: int) -> tuple[str, int]:
    """One routine's YAML and its word count."""
    parts: dict[str, object] = {
        "title": f"Routine {i} " + w.sentence(3)[:-1].title(),
        "category": "Mobility",
        "summary": w.sentence(26),
        "benefits": [w.sentence(10) for _ in range(5)],
        "cautions": [w.sentence(14) for _ in range(2)],
        "steps": [w.sentence(44) for _ in range(6)],
        "aftercare": [w.sentence(14) for _ in range(3)],
        "quick_reference": [w.sentence(10) for _ in range(3)],
    }
    lines, words = [], 0
    for key, value in parts.items():
        if isinstance(value, list):
            lines.append(f"{key}:")
            for item in value:
                lines.append(f'  - "{item}"')
                words += len(item.split())
        else:
            lines.append(f'{key}: "{value}"')
            words += len(str(value).split())
    if i > 0:
        lines.append(f"previous: r{i - 1:04d}")
    if i + 1 < count:
        lines.append(f"next: r{i + 1:04d}")
    lines.append("language: en")
    return "\n".join(lines) + "\n", words


def make_project(folder: Path, count: int) -> list[Path]:
    """A project folder with `count` routines, the clinic with logo and safety text, and a
    booklet of every routine. Same bytes for the same count."""
    data = folder / "data"
    (data / "routines").mkdir(parents=True)
    (data / "booklets").mkdir()
    (folder / "handouts.yaml").write_text("data: data\nout: out\npaper: letter\n")
    shutil.copy(ROOT / "data" / "logo.png", data / "logo.png")
    shutil.copy(ROOT / "data" / "clinic.yaml", data / "clinic.yaml")
    w = Words(SEED)
    files, total = [], 0
    for i in range(count):
        text, n = routine_yaml(w, i, count)
        total += n
        path = data / "routines" / f"r{i:04d}.yaml"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    (data / "booklets" / "bench.yaml").write_text(
        "title: Benchmark\nroutines:\n" + "".join(f"  - r{i:04d}\n" for i in range(count))
    )
    print(f"# library {folder.name}: {count} routines, {total / count:.0f} words each", flush=True)
    return files


def child_env(scratch: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    return env


def run(cmd: Sequence[str], env: dict[str, str], cwd: Path) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MiB) and CPU seconds (user + system, worker processes
    included) of one child process; fails loudly on a non-zero exit."""
    t = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


class Bench:
    def __init__(self, repeat: int, scratch: Path) -> None:
        self.repeat = repeat
        self.env = child_env(scratch)
        self.rows: list[tuple[str, float, str, float, float]] = []
        self.cpu: dict[tuple[str, str], float] = {}  # (case, peer) -> median CPU ratio

    def pair(
        self, name: str, a: Sequence[str], peer: str, b: Sequence[str], cwd: Path,
    ) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
        ra: list[tuple[float, float, float]] = []
        rb: list[tuple[float, float, float]] = []
        run(a, self.env, cwd)  # warm: bytecode and file cache
        run(b, self.env, cwd)
        for i in range(self.repeat):
            order = [(a, ra), (b, rb)] if i % 2 == 0 else [(b, rb), (a, ra)]
            for cmd, out in order:
                out.append(run(cmd, self.env, cwd))
        ma = statistics.median(s for s, _, _ in ra)
        mb = statistics.median(s for s, _, _ in rb)
        ratio = statistics.median(x[0] / y[0] for x, y in zip(ra, rb, strict=True))
        cpu = statistics.median(x[2] / y[2] for x, y in zip(ra, rb, strict=True) if y[2])
        self.rows.append((name, ma, peer, mb, ratio))
        self.cpu[name, peer] = cpu
        print(f"{name:<44} {ma:8.3f} s | {peer:<34} {mb:8.3f} s | ratio {ratio:5.2f} "
              f"| cpu ratio {cpu:5.2f}", flush=True)
        return ra, rb


def pages(pdf: Path) -> int:
    """Pages of a PDF the run wrote (pypdf: a dependency of handouts anyway)."""
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


def handouts_cmd(project: Path, *args: str, source: Path | None = None) -> list[str]:
    """`handouts --project PROJECT ARGS`; with `source`, the package found in that folder."""
    if source is None:
        return [sys.executable, "-m", "handouts", "--project", str(project), *args]
    code = (
        f"import sys; sys.path.insert(0, {str(source.resolve())!r}); "
        "from handouts.cli import main; main(sys.argv[1:], prog_name='handouts')"
    )
    return [sys.executable, "-c", code, "--project", str(project), *args]


def versus(bench: Bench, libs: dict[int, tuple[Path, list[Path]]], small: Path, big: int,
           counts: list[int], before: Path) -> None:
    """Each lever's effect: this package against the one in `before`, paired, same cases."""
    cases: list[tuple[str, Path, list[str]]] = [
        ("one handout", small, ["handout", "r0001"]),
        (f"one handout in a {big}-routine library", libs[big][0], ["handout", "r0001"]),
        *[(f"{n}-routine booklet", libs[n][0], ["booklet", "bench", "--impose", "none"])
          for n in counts],
        *[(f"{n}-routine booklet + saddle", libs[n][0], ["booklet", "bench", "--impose",
                                                           "saddle"]) for n in counts],
        ("100 cards on office sheets", libs[big][0],
         ["card", *[f"r{i:04d}" for i in range(min(100, big))], "--sheet", "letter"]),
        ("handouts --help", small, ["--help"]),
        ("handouts list", small, ["list"]),
        ("handouts validate", small, ["validate"]),
    ]
    for name, proj, args in cases:
        bench.pair(f"{name} (now)", handouts_cmd(proj, *args), "before",
                   handouts_cmd(proj, *args, source=before), proj)


def main(argv: Sequence[str] | None = None) -> list[tuple[str, float, str, float, float]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small counts, 3 repeats")
    parser.add_argument("--counts", type=int, nargs="+", help="booklet sizes (default 500)")
    parser.add_argument("--repeat", type=int, help="paired runs per case (default 5)")
    parser.add_argument("--library", type=int, help="library size for the one-handout case")
    parser.add_argument("--small", type=int, default=10, help="routines in the small project")
    parser.add_argument("--versus", type=Path,
                        help="only compare this package with the handouts package in VERSUS")
    parser.add_argument("--source", type=Path,
                        help="run the handouts package found in this folder (PYTHONPATH)")
    args = parser.parse_args(argv)
    counts = args.counts or ([40] if args.quick else [500])
    repeat = args.repeat or (3 if args.quick else 5)
    big = args.library or max(counts)
    py = sys.executable
    print(f"# {time.strftime('%Y-%m-%d %H:%M')} nproc={os.cpu_count()} "
          f"python={platform.python_version()} {platform.machine()}; repeat={repeat}")
    with tempfile.TemporaryDirectory(prefix="handouts-bench-") as tmp:
        scratch = Path(tmp)
        bench = Bench(repeat, scratch)
        if args.source:
            bench.env["PYTHONPATH"] = str(args.source.resolve())
            print(f"# handouts from {args.source}")
        small = scratch / "small"
        small_files = make_project(small, args.small)
        libs = {args.small: (small, small_files)}
        for n in sorted({big, *counts}):
            if n not in libs:
                libs[n] = (scratch / f"lib{n}", make_project(scratch / f"lib{n}", n))
        if args.versus:
            versus(bench, libs, small, big, counts, args.versus)
            return bench.rows
        base = [py, str(HERE / "baseline.py")]
        one = str(scratch / "one.pdf")
        bench.pair("one handout", handouts_cmd(small, "handout", "r0001"),
                   "bare platypus, 1 routine", base + [one, str(small_files[1])], small)
        proj, files = libs[big]
        bench.pair(f"one handout in a {big}-routine library",
                   handouts_cmd(proj, "handout", "r0001"),
                   "bare platypus, 1 routine", base + [one, str(files[1])], proj)
        memory: list[tuple[int, float, float]] = []
        per_page: list[tuple[int, float, float]] = []
        for n in counts:
            proj, files = libs[n]
            book = handouts_cmd(proj, "booklet", "bench", "--impose", "none")
            ra, rb = bench.pair(f"{n}-routine booklet", book, f"bare platypus, {n} routines",
                                base + [str(scratch / "all.pdf"), *map(str, files)], proj)
            memory.append((n, max(m for _, m, _ in ra), max(m for _, m, _ in rb)))
            mine = pages(proj / "out" / "bench.booklet.pdf")
            theirs = pages(scratch / "all.pdf")
            per_page.append((n, statistics.median(s for s, _, _ in ra) / mine * 1000,
                             statistics.median(s for s, _, _ in rb) / theirs * 1000))
            bench.pair(f"{n}-routine booklet + saddle imposition",
                       handouts_cmd(proj, "booklet", "bench", "--impose", "saddle"),
                       "the booklet alone", book, proj)
        cards = [f"r{i:04d}" for i in range(min(100, big))]
        proj = libs[big][0]
        bench.pair(f"{len(cards)} cards on office sheets",
                   handouts_cmd(proj, "card", *cards, "--sheet", "letter", "-o", "sheets.pdf"),
                   "the cards alone (print-shop file)",
                   handouts_cmd(proj, "card", *cards, "--sheet", "none", "-o", "shop.pdf"), proj)
        imp = [py, "-c", "import click, yaml"]
        for what in (["--help"], ["--version"], ["list"], ["validate"]):
            bench.pair(f"handouts {what[0]}", handouts_cmd(small, *what),
                       'python -c "import click, yaml"', imp, small)

        build = handouts_cmd(small, "build")
        run(build, bench.env, small)
        colds: list[float] = []
        warms: list[float] = []
        for _ in range(repeat):  # cold: out/ emptied first; then the same build again
            shutil.rmtree(small / "out", ignore_errors=True)
            colds.append(run(build, bench.env, small)[0])
            warms.append(run(build, bench.env, small)[0])
        row = (f"build, nothing changed ({args.small} routines)", statistics.median(warms),
               "cold build", statistics.median(colds),
               statistics.median(w / c for w, c in zip(warms, colds, strict=True)))
        bench.rows.append(row)
        print(f"{row[0]:<44} {row[1]:8.3f} s | {row[2]:<34} {row[3]:8.3f} s | ratio {row[4]:5.2f}")
        typst_case(bench, libs, counts, scratch)
        print()
        print("| case | handouts | against | peer | ratio | CPU ratio |")
        print("| --- | --- | --- | --- | --- | --- |")
        for name, ma, peer, mb, ratio in bench.rows:
            cpu = f"{bench.cpu[name, peer]:.2f}" if (name, peer) in bench.cpu else ""
            print(f"| {name} | {ma:.3f} s | {peer} | {mb:.3f} s | {ratio:.2f} | {cpu} |")
        for n, ma, mb in memory:
            print(f"| peak memory, {n}-routine booklet | {ma:.0f} MiB | bare platypus | "
                  f"{mb:.0f} MiB | {ma / mb:.2f} | |")
        for n, ma, mb in per_page:
            print(f"| wall time per page, {n}-routine booklet | {ma:.2f} ms | bare platypus | "
                  f"{mb:.2f} ms | {ma / mb:.2f} | |")
    return bench.rows


TYPST = r"""
import sys, yaml, typst
from pathlib import Path
files = sys.argv[2:]
def esc(s): return "".join("\\" + c if c in "\\#$*_[]<>@`=-+/~\"'" else c for c in s)
out = ['#set page(paper: "us-letter")', '#set text(font: "DejaVu Sans", size: 10.5pt)']
for i, f in enumerate(files):
    r = yaml.safe_load(Path(f).read_text())
    if i: out.append("#pagebreak()")
    out.append("= " + esc(r["title"])); out.append(esc(r["summary"]))
    for key in ("benefits", "cautions", "steps", "aftercare", "quick_reference"):
        out.append("== " + key.replace("_", " ").title())
        out += ["+ " + esc(x) for x in r.get(key, [])]
src = Path(sys.argv[1]).with_suffix(".typ"); src.write_text("\n\n".join(out))
typst.compile(str(src), output=sys.argv[1], font_paths=[%r])
"""


def typst_case(bench: Bench, libs: dict[int, tuple[Path, list[Path]]], counts: list[int],
               scratch: Path) -> None:
    import importlib.util

    if importlib.util.find_spec("typst") is None:
        print("# typst: Python bindings not importable; skipped (optional, never a dependency)")
        return
    script = scratch / "typst_peer.py"
    script.write_text(TYPST % str(ROOT / "handouts" / "fonts"))
    for n in counts:
        proj, files = libs[n]
        bench.pair(f"{n}-routine booklet", handouts_cmd(proj, "booklet", "bench", "--impose",
                   "none"), f"Typst, {n} routines",
                   [sys.executable, str(script), str(scratch / "t.pdf"), *map(str, files)], proj)


if __name__ == "__main__":
    main()
