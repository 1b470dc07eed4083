"""Import wger exercises as routines: `python scripts/import_wger.py UUID-PREFIX... [--to DIR]`.

With no prefixes, imports the shipped sample (the routines in data/routines/wger-*.yaml).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from handouts.wger import slug, to_yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpora" / "wger" / "exercises.json"
SAMPLE = ["90e05e5e", "81e25f25", "03ae0af2", "e5a2e93a", "933ba231", "be578695", "7657dfb4"]
"""Bird dog, child's pose, chin tuck, back neck stretch, butterfly stretch, quadruped thoracic
rotation (left), right levator scapulae stretch (English)."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("prefixes", nargs="*", default=SAMPLE)
    parser.add_argument("--to", type=Path, default=ROOT / "data" / "routines")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    entries = json.loads(args.corpus.read_text(encoding="utf-8"))
    for prefix in args.prefixes:
        entry = next(e for e in entries if e["uuid"].startswith(prefix))
        path = args.to / f"wger-{slug(entry['name'])}.yaml"
        path.write_text(to_yaml(entry), encoding="utf-8")
        print(path)


if __name__ == "__main__":
    main()
