"""How soon `handouts watch` answers a save: seconds from the rename that saves a routine to
the round's last line, for N saves of `sacral-traction.yaml` in a copy of this project.

python scripts/bench_watch.py [N] [TARGET...]
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUND_END = re.compile(r"^\d\d:\d\d:\d\d (made|not built)")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    targets = sys.argv[2:]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for folder in ("data", "layouts"):
            shutil.copytree(ROOT / folder, root / folder)
        shutil.copy(ROOT / "handouts.yaml", root)
        proc = subprocess.Popen(
            [sys.executable, "-m", "handouts", "watch", *targets],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        lines: queue.Queue[str] = queue.Queue()
        assert proc.stdout is not None
        stdout = proc.stdout
        threading.Thread(target=lambda: [lines.put(x) for x in stdout], daemon=True).start()

        def until(pattern: re.Pattern[str] | str) -> str:
            while not re.search(pattern, line := lines.get(timeout=120)):
                pass
            return line

        until("^watching")
        seed = root / "data" / "routines" / "sacral-traction.yaml"
        original = seed.read_text(encoding="utf-8")
        times = []
        for n in range(count):
            text = original.replace("title: Sacral Traction", f"title: Sacral Traction {n}", 1)
            started = time.monotonic()
            tmp_file = seed.with_name(".save.tmp")
            tmp_file.write_text(text, encoding="utf-8")
            os.replace(tmp_file, seed)  # as editors save
            last = until(ROUND_END)
            times.append(time.monotonic() - started)
        proc.send_signal(signal.SIGINT)
        proc.wait()
    print(f"watch {' '.join(targets) or '(everything)'}: {last.strip()}")
    print(
        f"save -> answer: median {statistics.median(times):.2f} s, slowest {max(times):.2f} s, "
        f"{count} saves; exit status {proc.returncode}; load average "
        f"{os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
