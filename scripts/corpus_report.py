"""Render the whole wger corpus: every entry as a handout and as a wallet card, with the
shipped font and again with the script fonts installed on this machine as fallbacks, and as
the accessible HTML edition (which needs no font; a right-to-left entry must come out with
`dir="rtl"` on the page, or on the routine's own passages when the labels are English,
to count as written).

    python scripts/corpus_report.py [--limit N] [--corpus FILE.json] [--write docs/corpus-report.md]

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
# Debian's fonts-wqy-microhei and fonts-noto-core: the fallbacks a clinic would name for
# Chinese and for the Indic scripts (the layout in README "Other scripts").
SCRIPT_FONTS = [
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    *(
        Path(f"/usr/share/fonts/truetype/noto/NotoSans{s}-Regular.ttf")
        for s in ("Devanagari", "Bengali", "Tamil")
    ),
]
EDITIONS = ("handout", "card", "handout+fonts", "card+fonts", "html")
# The corpus's right-to-left languages (its own `lang` codes, not the code under test's list).
RTL = {"ar", "he", "fa"}


def reason(message: str) -> str:
    """A refusal's message with its particulars removed, to count alike ones together."""
    text = message.split(": ", 1)[-1]
    if "right-to-left" in text:
        return "right-to-left script (refused, never printed reversed)"
    if "cannot draw" in text:
        return "character the font cannot draw (e.g. CJK)"
    if "does not fit" in text:
        return "card: text does not fit even at 7 pt"
    if "accessible edition" in text:
        return "character HTML cannot hold (control character, lone surrogate)"
    return re.sub(r"'[^']*'|\d+", "_", text)[:70]


def run(entries: list[dict[str, object]], folder: Path) -> dict[str, object]:
    from handouts.errors import HandoutsError
    from handouts.layout import load_layout
    from handouts.library import load_routine
    from handouts.model import Clinic, Personal
    from handouts.products.card import render_card_pdf
    from handouts.products.handout import render_handout_pdf
    from handouts.products.html import render_edition
    from handouts.wger import to_yaml

    fonts = [str(f) for f in SCRIPT_FONTS if f.is_file()]
    layouts = {"handout": load_layout("letter"), "card": load_layout("card-wallet")}
    for base in ("letter", "card-wallet"):
        extra = folder / f"{base}-scripts.yaml"
        extra.write_text(f"extends: {base}\nfonts:\n  fallback: {json.dumps(fonts)}\n")
        layouts["handout+fonts" if base == "letter" else "card+fonts"] = load_layout(str(extra))
    clinic = Clinic()
    stats: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    crashes: list[str] = []
    for n, entry in enumerate(entries):
        lang = str(entry["lang"])
        path = folder / f"e{n:04d}.yaml"
        path.write_text(to_yaml(entry), encoding="utf-8")
        stats[lang]["entries"] += 1
        try:
            routine = load_routine(path)
        except HandoutsError as exc:
            for edition in EDITIONS:
                stats[lang][f"{edition} refused: " + reason(str(exc).splitlines()[0])] += 1
            continue
        for edition in EDITIONS:
            try:
                if edition == "html":
                    html, _ = render_edition([routine], layouts["handout"], clinic,
                                             Personal(), {}, routine.language)  # fmt: skip
                    rtl = rb'<(?:html|h1)[^>]* lang="[^"]*" dir="rtl">'
                    if lang in RTL and not re.search(rtl, html):
                        stats[lang]['html refused: text not marked dir="rtl"'] += 1
                        continue
                elif edition.startswith("handout"):
                    render_handout_pdf([routine], layouts[edition], clinic, Personal(), {})
                else:
                    render_card_pdf([routine], layouts[edition], clinic)
                stats[lang][f"{edition} rendered"] += 1
            except HandoutsError as exc:
                stats[lang][f"{edition} refused: " + reason(str(exc).splitlines()[0])] += 1
            except Exception:  # noqa: BLE001 - a crash is what this report looks for
                crashes.append(f"{entry['uuid']} ({edition}): {traceback.format_exc(limit=3)}")
    return {"stats": stats, "crashes": crashes, "fonts": fonts}


def label(key: str) -> str:
    """`card+fonts refused: <reason>` as `card: <reason>` (a card's reason says so itself)."""
    edition, why = key.split(" refused: ", 1)
    edition = edition.replace("+fonts", "").replace("html", "HTML")
    return why if why.startswith(edition + ":") else f"{edition}: {why}"


def table(stats: dict[str, collections.Counter[str]]) -> str:
    lines = [
        "| language | entries | handouts | cards | handouts, script fonts | cards, script fonts "
        "| HTML | still refused with script fonts, and in HTML (reason: count) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for lang in sorted(stats, key=lambda k: (-stats[k]["entries"], k)):
        c = stats[lang]
        refused = "; ".join(
            f"{label(r)}: {v}"
            for r, v in sorted(c.items())
            if "+fonts refused" in r or r.startswith("html refused")
        )
        counts = " | ".join(str(c[f"{edition} rendered"]) for edition in EDITIONS)
        lines.append(f"| {lang} | {c['entries']} | {counts} | {refused or '-'} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    entries = json.loads(args.corpus.read_text(encoding="utf-8"))[: args.limit]
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        result = run(entries, Path(tmp))
    took = time.perf_counter() - start
    stats, crashes, fonts = result["stats"], result["crashes"], result["fonts"]
    assert isinstance(stats, dict) and isinstance(crashes, list) and isinstance(fonts, list)
    names = ", ".join(Path(f).name for f in fonts) or "none installed"
    text = (
        f"`python scripts/corpus_report.py` on {datetime.date.today()}: {len(entries)} "
        f"entries in {len(stats)} languages, {took:.0f} s, **{len(crashes)} crashes**. "
        f"Script fonts (the layout's `fonts.fallback`): {names}.\n\n" + table(stats) + "\n"
    )
    print(text)
    for crash in crashes:
        print(crash, file=sys.stderr)
    if args.write:
        args.write.write_text("# wger corpus report\n\n" + text, encoding="utf-8")
    sys.exit(1 if crashes else 0)


if __name__ == "__main__":
    main()
