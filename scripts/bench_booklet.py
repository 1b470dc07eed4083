"""Benchmark: booklets of N real wger routines, reading order and saddle-stitched.

    python scripts/bench_booklet.py [--counts 200 500] [--write docs/benchmarks.md]

Routines come from the wger corpus (text nobody on this project wrote), converted with
handouts.wger; entries the fonts cannot print (right-to-left, CJK) are skipped. Each
measurement runs in a fresh process so peak memory (max RSS) is its own.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpora" / "wger" / "exercises.json"


def make_library(folder: Path, count: int) -> list[str]:
    from handouts.errors import HandoutsError
    from handouts.layout import FontSettings
    from handouts.library import load_routine
    from handouts.render.fonts import font_set, glyph_problems
    from handouts.wger import slug, to_yaml

    fonts = font_set(FontSettings())
    entries = json.loads(CORPUS.read_text(encoding="utf-8"))
    (folder / "routines").mkdir(parents=True)
    ids: list[str] = []
    for entry in entries:
        rid = f"w{len(ids):04d}-{slug(entry['name'])[:30]}"
        path = folder / "routines" / f"{rid}.yaml"
        path.write_text(to_yaml(entry), encoding="utf-8")
        try:
            routine = load_routine(path)
        except HandoutsError:
            path.unlink()
            continue
        if glyph_problems(routine.texts(), fonts):
            path.unlink()
            continue
        ids.append(rid)
        if len(ids) == count:
            break
    if len(ids) < count:  # the corpus is smaller than asked: repeat it
        base = list(ids)
        while len(ids) < count:
            src = folder / "routines" / f"{base[len(ids) % len(base)]}.yaml"
            rid = f"r{len(ids):04d}"
            (folder / "routines" / f"{rid}.yaml").write_text(src.read_text(encoding="utf-8"))
            ids.append(rid)
    return ids


def measure(folder: Path, name: str, impose: bool) -> dict[str, float]:
    args = [
        sys.executable,
        "-m",
        "handouts.cli",
        "--data",
        str(folder),
        "--out",
        str(folder / "out"),
        "booklet",
        name,
        "--page-size",
        "a5",
    ]
    args += ["--impose", "saddle" if impose else "none"]
    code = (
        "import resource, sys, time\n"
        "from handouts.cli import main\n"
        "t = time.perf_counter()\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print('RESULT', time.perf_counter() - t, "
        "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args[3:]], capture_output=True, text=True, cwd=ROOT
    )
    line = next(ln for ln in done.stderr.splitlines() if ln.startswith("RESULT"))
    _, seconds, rss = line.split()
    pdf = folder / "out" / f"{name}.booklet.a5.pdf"
    from pypdf import PdfReader

    return {
        "seconds": float(seconds),
        "rss_mb": int(rss) / 1024,
        "pages": len(PdfReader(pdf).pages),
        "mb": pdf.stat().st_size / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--counts", type=int, nargs="+", default=[200, 500])
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    rows = []
    for count in args.counts:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            ids = make_library(folder, count)
            (folder / "booklets").mkdir()
            (folder / "booklets" / "bench.yaml").write_text(
                "title: Benchmark\nroutines:\n" + "".join(f"  - {i}\n" for i in ids)
            )
            for impose in (False, True):
                r = measure(folder, "bench", impose)
                rows.append(
                    (count, "reading order + saddle print" if impose else "reading order", r)
                )
                print(count, impose, r, flush=True)
    lines = [
        "## Booklet",
        "",
        f"`python scripts/bench_booklet.py --counts {' '.join(map(str, args.counts))}` on "
        f"{datetime.date.today()}, {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}. Routines are real wger exercises; A5 pages; "
        "each row is a fresh process (time from CLI start, peak RSS).",
        "",
        "| routines | output | pages | seconds | peak memory | PDF size |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for count, what, r in rows:
        lines.append(
            f"| {count} | {what} | {r['pages']:.0f} | {r['seconds']:.2f} s | "
            f"{r['rss_mb']:.0f} MB | {r['mb']:.1f} MB |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        args.write.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
