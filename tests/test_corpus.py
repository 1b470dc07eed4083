"""Real text nobody here wrote: the wger corpus, 2,035 exercises in 22 languages.

CI renders a fixed sample (two entries of every language); HANDOUTS_FULL_CORPUS=1 renders all
of them (or run scripts/corpus_report.py, whose last result is in docs/corpus-report.md).
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from handouts.errors import HandoutsError
from handouts.layout import load_layout
from handouts.library import load_routine
from handouts.model import Clinic, Personal
from handouts.products.card import render_card_pdf
from handouts.products.handout import render_handout_pdf
from handouts.wger import to_yaml

from .conftest import ROOT

CORPUS = ROOT.parent / "shared" / "corpora" / "wger" / "exercises.json"
RIGHT_TO_LEFT = {"ar", "he", "fa"}
NO_FONT = {"zh"}


def sample() -> list[dict[str, object]]:
    if not CORPUS.is_file():
        return []
    entries = json.loads(CORPUS.read_text(encoding="utf-8"))
    if os.environ.get("HANDOUTS_FULL_CORPUS") == "1":
        return list(entries)
    picked: dict[str, list[dict[str, object]]] = {}
    for entry in entries:
        bucket = picked.setdefault(str(entry["lang"]), [])
        if len(bucket) < 2:
            bucket.append(entry)
    return [e for bucket in picked.values() for e in bucket]


ENTRIES = sample()


@pytest.mark.skipif(not ENTRIES, reason="the shared wger corpus is not beside the project")
@pytest.mark.parametrize(
    "entry", ENTRIES, ids=[f"{e['lang']}-{str(e['uuid'])[:8]}" for e in ENTRIES]
)
def test_corpus_entry_renders_or_is_refused_clearly(
    entry: dict[str, object], tmp_path: Path
) -> None:
    path = tmp_path / "entry.yaml"
    path.write_text(to_yaml(entry), encoding="utf-8")
    lang = str(entry["lang"])
    try:
        routine = load_routine(path)
        pdf = render_handout_pdf([routine], load_layout("letter"), Clinic(), Personal(), {})
    except HandoutsError as exc:
        message = str(exc)
        if lang in RIGHT_TO_LEFT:
            assert "right-to-left text (U+" in message
        elif lang in NO_FONT:
            assert "the font cannot draw U+" in message
        else:
            pytest.fail(f"a {lang} entry was refused: {message}")
        assert message.startswith(str(path) + ":")
        return
    assert lang not in RIGHT_TO_LEFT | NO_FONT, "printed a script the fonts cannot order/draw"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "\u25a0" not in text and "\ufffd" not in text
    assert str(routine.title).split()[0] in text
    try:
        render_card_pdf([routine], load_layout("card-wallet"), Clinic())
    except HandoutsError as exc:
        assert "does not fit on a card-wallet card even at 7 pt" in str(exc)
