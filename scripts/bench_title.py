"""How long a handout with a long title takes to set, by title length (issue 11).

    python scripts/bench_title.py [WORDS ...]    (default: 50 100 200 400 800 1600)

Each size runs `handouts handout` in a fresh process in a temporary copy of the data, with a
60 s limit (before the fix a title taller than a page looped for ever at 100 words).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 60.0


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "data", work / "data")
        shutil.copytree(ROOT / "layouts", work / "layouts")
        if (ROOT / "handouts.yaml").is_file():  # the project file, where there is one
            shutil.copy(ROOT / "handouts.yaml", work / "handouts.yaml")
        print(f"{'words':>6} {'chars':>7} {'seconds':>8} {'pages':>5}")
        for n in sizes:
            title = " ".join(f"word{i}" for i in range(n))
            (work / "data/routines/long.yaml").write_text(
                f"title: {title}\nsteps:\n  - Breathe slowly\n", encoding="utf-8"
            )
            start = time.perf_counter()
            try:
                result = subprocess.run(
                    [sys.executable, "-m", "handouts", "handout", "long", "-o", "long.pdf"],
                    cwd=work, capture_output=True, text=True, timeout=LIMIT,
                )  # fmt: skip
            except subprocess.TimeoutExpired:
                print(f"{n:>6} {len(title):>7} {'>' + str(int(LIMIT)):>8} {'-':>5}")
                continue
            took = time.perf_counter() - start
            if result.returncode:
                print(f"{n:>6} {len(title):>7} {took:>8.2f} error: {result.stderr.strip()}")
                continue
            from pypdf import PdfReader

            pages = len(PdfReader(work / "long.pdf").pages)
            print(f"{n:>6} {len(title):>7} {took:>8.2f} {pages:>5}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [50, 100, 200, 400, 800, 1600])
