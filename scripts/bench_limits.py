"""How quickly, and with how little memory, hostile files are refused.

    python scripts/bench_limits.py [--quick]

Each case runs in a fresh process; the figures go in docs/reliability.md.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

CASES = {
    "50 MB file": "open(p, 'wb').truncate(50 * 1024 * 1024)",
    "100,000-item block list": "open(p, 'wb').write(b'steps:\\n' + b'- a\\n' * 100000)",
    "100,000-item flow list": "open(p, 'wb').write(b'steps: [' + b'a,' * 100000 + b'a]\\n')",
    "alias bomb (10^12 nodes)": (
        "open(p, 'w').write('\\n'.join(['a0: &a0 [x,x,x,x,x,x,x,x,x,x]'] + "
        "['a%d: &a%d [%s]' % (i, i, ','.join(['*a%d' % (i - 1)] * 10)) for i in range(1, 13)]))"
    ),
}
MEASURE = """
import resource, sys, time
from pathlib import Path
from handouts.errors import DataError
from handouts.yamlsrc import read_yaml
p = sys.argv[1]
t = time.perf_counter()
try:
    read_yaml(Path(p))
    outcome = 'ACCEPTED'
except DataError as e:
    outcome = 'refused: ' + str(e).split(': ', 1)[1]
took = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f'{took * 1000:.1f} ms|{rss:.0f} MB|{outcome}')
"""


def main() -> None:
    quick = "--quick" in sys.argv
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in CASES.items():
            if quick and name.startswith("50 MB"):
                continue
            path = Path(tmp) / "case.yaml"
            exec(make, {"p": str(path)})  # noqa: S102 - the cases above, nothing else
            out = subprocess.run(
                [sys.executable, "-c", MEASURE, str(path)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            took, rss, outcome = out.split("|")
            rows.append(f"| {name} | {took} | {rss} | {outcome} |")
    print("| case | time to refuse | peak memory (process) | message |")
    print("| --- | --- | --- | --- |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
