"""Batch programmes: throughput per core and scaling from 1 to 2 workers (issue 12, goal 6).

    python benchmarks/batch.py [--patients 10000] [--workers 1,2] [--format jsonl|csv]

Generates a deterministic export of PATIENTS patients (ids p-00001...; 1 to 3 routines
each from the shipped library, dosage and a note on some) in a temporary copy of this
repository's project, checks and plans every patient with handouts.batch.plan (one
process), then makes every target (or the first MAKE) with the pure
handouts.build.make through a concurrent.futures ProcessPoolExecutor of 1 and of 2
workers (bytes come back, nothing is written: only the caller writes, and writing is not
what is measured). Prints the time
of each phase, programmes per second, per second per worker, and the 2-worker speed-up;
the workers' CPU time (programmes per CPU-second: throughput per core, whatever else runs
on the machine); checks that both runs gave the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import platform
import random
import resource
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST = ["Ann", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Hana", "Ivo", "José", "Kai", "Léa"]
LAST = ["Lee", "Chen", "Diaz", "Eng", "Okafor", "Novak", "Müller", "Silva", "Kim", "Roy"]


def export(n: int, ids: list[str], kind: str) -> str:
    """n patients, the same for the same n; names repeat (there are 120), ids never do."""
    rng = random.Random(12)
    rows = []
    for i in range(1, n + 1):
        patient = {
            "id": f"p-{i:05d}",
            "patient": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "clinician": "R. Okafor, PT",
            "date": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "notes": "Do these every morning. Stop if anything hurts.",
            "routines": [
                {"id": rid, "sets": str(rng.randint(1, 3)), "reps": f"{rng.randint(5, 12)}"}
                | ({"note": "Slowly; breathe out as you move."} if rng.random() < 0.5 else {})
                for rid in rng.sample(ids, rng.randint(1, 3))
            ],
        }
        rows.append(patient)
    if kind == "jsonl":
        return "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in rows)
    out = io.StringIO()
    cols = ["id", "patient", "clinician", "date", "notes", "routine", "sets", "reps", "note"]
    w = csv.writer(out, lineterminator="\n")
    w.writerow(cols)
    for p in rows:
        for j, e in enumerate(p["routines"]):
            head = [p[k] if j == 0 else "" for k in cols[1:5]]
            w.writerow([p["id"], *head, e["id"], e["sets"], e["reps"], e.get("note", "")])
    return out.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--patients", type=int, default=10_000)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    ap.add_argument("--make", type=int, help="make only the first MAKE targets (default: all)")
    args = ap.parse_args()

    from handouts import __version__
    from handouts.batch import plan
    from handouts.build import make
    from handouts.project import open_project

    tmp = Path(tempfile.mkdtemp(prefix="handouts-batch-"))
    try:
        for name in ("data", "layouts"):
            shutil.copytree(ROOT / name, tmp / name)
        shutil.copy(ROOT / "handouts.yaml", tmp / "handouts.yaml")
        os.chdir(tmp)
        ids = sorted(p.stem for p in (tmp / "data/routines").glob("*.yaml"))
        path = tmp / f"export.{args.format}"
        path.write_text(export(args.patients, ids, args.format), encoding="utf-8")
        print(
            f"handouts {__version__}, Python {platform.python_version()}, "
            f"{platform.machine()}, {os.cpu_count()} cores; {args.patients:,} patients, "
            f"{args.format}, {path.stat().st_size:,} bytes"
        )
        project = open_project(project=tmp)
        t0 = time.perf_counter()
        planned, orphans = plan(project, path)
        t_plan = time.perf_counter() - t0
        targets = [p.target for p in planned if p.target is not None]
        assert len(targets) == args.patients and not orphans, "every generated row is valid"
        print(f"check + plan: {t_plan:.2f} s ({args.patients / t_plan:,.0f} patients/s, 1 process)")
        targets = targets[: args.make] if args.make else targets
        count = len(targets)
        digests: dict[int, str] = {}
        rates: dict[int, float] = {}
        for workers in (int(w) for w in args.workers.split(",")):
            cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            h = hashlib.sha256()
            size = 0
            with ProcessPoolExecutor(workers) as pool:
                for made in pool.map(make, targets, chunksize=16):
                    assert not made.problems, made.problems
                    for data in made.pdfs.values():
                        h.update(data)
                        size += len(data)
            took = time.perf_counter() - t0
            cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)  # the pool's workers, joined
            cpu = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
            digests[workers] = h.hexdigest()
            rates[workers] = count / took
            print(
                f"make {count:,}, {workers} worker(s): {took:.1f} s, "
                f"{rates[workers]:.1f} programmes/s, "
                f"{rates[workers] / workers:.1f} per worker; {size / 2**20:,.1f} MiB of PDF; "
                f"workers' CPU {cpu:.1f} s = {count / cpu:.1f} programmes per CPU-second"
            )
        if len(set(digests.values())) > 1:
            sys.exit(f"different bytes with different worker counts: {digests}")
        if 1 in rates and 2 in rates:
            print(f"scaling 1 -> 2 workers: {rates[2] / rates[1]:.2f}x (same bytes)")
    finally:
        os.chdir(ROOT)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
