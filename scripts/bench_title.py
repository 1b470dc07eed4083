"""How long a handout with a title taller than a page takes to set, by title length (issue 11).

    python scripts/bench_title.py [WORDS ...]    (default: 50 100 200 400 800 1600)

Routine files cap a title at 200 characters, but a layout may set titles at up to 96 pt, and
then 200 characters are taller than a Letter page. Before the fix ReportLab regrouped such a
keep-with-next title for ever. Each size renders, in a fresh process with a 60 s limit, one
routine whose title has WORDS words (built in memory, past the loader's cap, to show how the
time grows with the length), first at the letter layout's 26 pt, then at 96 pt.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 60.0


def one(words: int, title_size: float) -> int:
    """Render in this process; returns the number of pages."""
    import dataclasses
    import io

    from pypdf import PdfReader

    from handouts.check import Text
    from handouts.layout import load_layout
    from handouts.model import Clinic, Personal, Routine, Step

    title = Text(" ".join(f"word{i}" for i in range(words)), "long.yaml", 1, 8)
    routine = Routine(
        "long", "long.yaml", title, (Step(Text("Breathe slowly", "long.yaml", 3, 5)),)
    )
    layout = load_layout("letter")
    layout = dataclasses.replace(
        layout, text=dataclasses.replace(layout.text, title_size=title_size)
    )
    try:
        from handouts import jobs
        from handouts.render.handout import render_handout

        pdf = render_handout(jobs.handout_job([routine], layout, Clinic(), Personal(), {}))
    except ImportError:  # before handouts.jobs, to measure the old code the same way
        from handouts.products.handout import render_handout_pdf

        pdf = render_handout_pdf([routine], layout, Clinic(), Personal(), {})
    return len(PdfReader(io.BytesIO(pdf)).pages)


def main(sizes: list[int]) -> None:
    print(f"{'words':>6} {'chars':>7} {'pt':>4} {'seconds':>8} {'pages':>5}")
    for n in sizes:
        chars = len(" ".join(f"word{i}" for i in range(n)))
        for pt in (26.0, 96.0):
            start = time.perf_counter()
            try:
                result = subprocess.run(
                    [sys.executable, __file__, "--one", str(n), str(pt)],
                    capture_output=True, text=True, timeout=LIMIT, cwd=ROOT,
                )  # fmt: skip
            except subprocess.TimeoutExpired:
                print(f"{n:>6} {chars:>7} {pt:>4.0f} {'>' + str(int(LIMIT)):>8} {'-':>5}")
                continue
            took = time.perf_counter() - start
            out = result.stdout.strip() if result.returncode == 0 else result.stderr.strip()[-200:]
            print(f"{n:>6} {chars:>7} {pt:>4.0f} {took:>8.2f} {out:>5}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(one(int(sys.argv[2]), float(sys.argv[3])))
    else:
        main([int(a) for a in sys.argv[1:]] or [50, 100, 200, 400, 800, 1600])
