"""Render the whole wger corpus: every entry as a handout and as a wallet card.

    python scripts/corpus_report.py [--limit N] [--write docs/corpus-report.md]

2,035 exercise texts in 22 languages that nobody on this project wrote. Each entry is
converted with handouts.wger, then rendered or refused; a crash is any other exception.
Prints the counts per language and reason, and the table for the README.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import re
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpora" / "wger" / "exercises.json"


def reason(message: str) -> str:
    """A refusal's message with its particulars removed, to count alike ones together."""
    text = message.split(": ", 1)[-1]
    if "right-to-left" in text:
        return "right-to-left script (refused, never printed reversed)"
    if "cannot draw" in text:
        return "character the font cannot draw (e.g. CJK)"
    if "does not fit" in text:
        return "card: text does not fit even at 7 pt"
    return re.sub(r"'[^']*'|\d+", "_", text)[:70]


def run(entries: list[dict[str, object]], folder: Path) -> dict[str, object]:
    from handouts.errors import HandoutsError
    from handouts.layout import load_layout
    from handouts.library import load_routine
    from handouts.model import Clinic, Personal
    from handouts.products.card import render_card_pdf
    from handouts.products.handout import render_handout_pdf
    from handouts.wger import to_yaml

    layout, card = load_layout("letter"), load_layout("card-wallet")
    clinic = Clinic()
    stats: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    crashes: list[str] = []
    for n, entry in enumerate(entries):
        lang = str(entry["lang"])
        path = folder / f"e{n:04d}.yaml"
        path.write_text(to_yaml(entry), encoding="utf-8")
        try:
            routine = load_routine(path)
            render_handout_pdf([routine], layout, clinic, Personal(), {})
            stats[lang]["handout rendered"] += 1
        except HandoutsError as exc:
            stats[lang]["handout refused: " + reason(str(exc).splitlines()[0])] += 1
            continue
        except Exception:  # noqa: BLE001 - a crash is what this report looks for
            crashes.append(f"{entry['uuid']}: {traceback.format_exc(limit=3)}")
            continue
        try:
            render_card_pdf([routine], card, clinic)
            stats[lang]["card rendered"] += 1
        except HandoutsError as exc:
            stats[lang]["card refused: " + reason(str(exc).splitlines()[0])] += 1
        except Exception:  # noqa: BLE001
            crashes.append(f"{entry['uuid']} (card): {traceback.format_exc(limit=3)}")
    return {"stats": stats, "crashes": crashes}


def table(stats: dict[str, collections.Counter[str]]) -> str:
    lines = [
        "| language | entries | handouts | cards | refused (reason: count) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for lang in sorted(
        stats, key=lambda k: -sum(v for r, v in stats[k].items() if r.startswith("handout"))
    ):
        c = stats[lang]
        total = sum(v for r, v in c.items() if r.startswith("handout"))
        refused = "; ".join(
            f"{r.split(': ', 1)[1]}: {v}" for r, v in sorted(c.items()) if "refused" in r
        )
        lines.append(
            f"| {lang} | {total} | {c['handout rendered']} | {c['card rendered']} | "
            f"{refused or '-'} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    entries = json.loads(CORPUS.read_text(encoding="utf-8"))[: args.limit]
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        result = run(entries, Path(tmp))
    took = time.perf_counter() - start
    stats, crashes = result["stats"], result["crashes"]
    assert isinstance(stats, dict) and isinstance(crashes, list)
    text = (
        f"`python scripts/corpus_report.py` on {datetime.date.today()}: {len(entries)} "
        f"entries in {len(stats)} languages, {took:.0f} s, **{len(crashes)} crashes**.\n\n"
        + table(stats)
        + "\n"
    )
    print(text)
    for crash in crashes:
        print(crash, file=sys.stderr)
    if args.write:
        args.write.write_text("# wger corpus report\n\n" + text, encoding="utf-8")
    sys.exit(1 if crashes else 0)


if __name__ == "__main__":
    main()
