"""The accessible edition (HTML): what it says, how a screen reader and a browser meet it.

The first tests read the file itself; the browser tests drive Debian's headless Chromium
with selenium and run axe-core (from the axe-core-python package) on every shipped
routine's and programme's edition. Without Chromium they are skipped, except under CI=true,
where they must run.
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from handouts.content import image_alt, plain
from handouts.html import contrast
from handouts.library import load_routine
from handouts.model import Image as ModelImage

from .conftest import ROOT, SEED, missing_in_order, pdf_text, run, words, write

ROUTINES = sorted(p.stem for p in (ROOT / "data" / "routines").glob("*.yaml"))


class Tree(HTMLParser):
    """Every start tag with its attributes, in order, and the text inside each heading."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.headings: list[tuple[int, str]] = []
        self._in: int | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if re.fullmatch(r"h[1-6]", tag):
            self._in = int(tag[1])
            self.headings.append((self._in, ""))

    def handle_endtag(self, tag: str) -> None:
        if re.fullmatch(r"h[1-6]", tag):
            self._in = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in is not None:
            level, text = self.headings[-1]
            self.headings[-1] = (level, text + data)

    def all(self, tag: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag]


def tree(path: Path) -> Tree:
    t = Tree()
    t.feed(path.read_text(encoding="utf-8"))
    return t


def png(size: tuple[int, int] = (60, 40)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (30, 90, 140)).save(buf, "PNG")
    return buf.getvalue()


PICTURED = (
    "title: Pictured\nimage: plain.png\nsteps:\n"
    "  - text: Lie on the roller.\n    image: {path: roll.png, caption: The roller under "
    "the hips}\n  - Breathe out.\n"
)


# -- the file ----------------------------------------------------------------------------
def test_the_edition_is_one_self_contained_file_with_no_script(project: Path) -> None:
    result = run("html", "sacral-traction")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "out/sacral-traction.html"
    page = (project / "out/sacral-traction.html").read_text(encoding="utf-8")
    t = tree(project / "out/sacral-traction.html")
    assert t.all("script") == [] and " on" not in " ".join(
        k for _, a in t.tags for k in a if k.startswith("on")
    )
    assert t.all("link") == [] and "@import" not in page and "url(" not in page
    for img in t.all("img"):
        assert img["src"].startswith("data:image/png;base64,"), img["src"][:40]
    # the logo is embedded: its bytes are the clinic's picture
    logo = t.all("img")[0]["src"].split(",", 1)[1]
    assert base64.b64decode(logo).startswith(b"\x89PNG")
    # the only addresses are links a reader may follow, never something fetched
    fetched = [a.get("src", "") for _, a in t.tags if "src" in a]
    assert all(src.startswith("data:") for src in fetched)
    csp = [m for m in t.all("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0]["content"]


def test_same_bytes_every_time_and_from_build(project: Path) -> None:
    assert run("html", "sacral-traction").exit_code == 0
    first = (project / "out/sacral-traction.html").read_bytes()
    assert run("html", "sacral-traction").exit_code == 0
    assert (project / "out/sacral-traction.html").read_bytes() == first
    (project / "out/sacral-traction.html").unlink()
    built = run("build", "--jobs", "1")
    assert built.exit_code == 0, built.output
    assert "out/sacral-traction.html" in built.stdout.split()
    assert "out/patients/ann-lee/ann-lee.program.html" in built.stdout.split()
    assert (project / "out/sacral-traction.html").read_bytes() == first


def test_semantics_a_screen_reader_relies_on(project: Path) -> None:
    write(
        project / "data/routines/video-demo.yaml",
        "title: Wall slide\nsteps:\n  - Stand with your back to a wall.\n  - Slide down.\n"
        "cautions:\n  - Stop if your knee hurts.\n"
        "dosage:\n  sets: '3'\n  reps: '10'\n"
        "video: https://video.example/wall-slide\n",
    )
    assert run("html", "video-demo").exit_code == 0
    path = project / "out/video-demo.html"
    page = path.read_text(encoding="utf-8")
    t = tree(path)
    assert t.all("html") == [{"lang": "en", "dir": "ltr"}]
    levels = [level for level, _ in t.headings]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    # steps are an ordered list
    assert re.search(r'<ol class="steps">\s*<li value="1">\s*<p class="step-text">Stand', page)
    # cautions and the safety text are marked notes, the caution named by its heading
    notes = [a for a in t.all("aside") if a.get("role") == "note"]
    assert [a["class"] for a in notes] == ["caution", "safety"]
    assert notes[0]["aria-labelledby"] and f'id="{notes[0]["aria-labelledby"]}"' in page
    assert "Stop and call us on (555) 010-4477" in page
    # dosage is a table with row header cells
    assert [a["scope"] for a in t.all("th")] == ["row", "row"]
    assert re.search(r'<th scope="row">Sets</th><td>3</td>', page)
    # the QR code is replaced by the link itself; no page furniture
    links = [a["href"] for a in t.all("a")]
    assert "https://video.example/wall-slide" in links
    assert "Scan the code" not in page and "Page 1" not in page
    assert len(t.all("img")) == 1  # the clinic's logo, and no QR picture


def test_a_passage_in_another_language_is_marked(project: Path) -> None:
    assert run("html", "sacral-traction", "--language", "es").exit_code == 0
    path = project / "out/sacral-traction.es.html"
    page = path.read_text(encoding="utf-8")
    t = tree(path)
    assert t.all("html")[0]["lang"] == "es"
    # Spanish labels, the routine's own English words marked as English
    assert '<h2 id="r1-steps">Pasos</h2>' in page
    assert '<h1 id="r1-title" lang="en">Sacral Traction</h1>' in page
    assert '<ol class="steps" lang="en">' in page


def test_a_right_to_left_routine_reads_right_to_left(project: Path) -> None:
    write(project / "layouts/labels/ar.yaml", "steps: الخطوات\n")
    write(
        project / "data/routines/arabic.yaml",
        "title: تمرين الظهر\nlanguage: ar\nsteps:\n  - استلق على ظهرك 10 مرات مع foam roller.\n",
    )
    result = run("html", "arabic")
    assert result.exit_code == 0, result.output
    path = project / "out/arabic.html"
    t = tree(path)
    assert t.all("html") == [{"lang": "ar", "dir": "rtl"}]
    page = path.read_text(encoding="utf-8")
    assert '<h2 id="r1-steps">الخطوات</h2>' in page
    assert "استلق على ظهرك 10 مرات مع foam roller." in page


def test_english_labels_around_an_arabic_routine_are_tagged_english(project: Path) -> None:
    """With no Arabic label pack the headings and the clinic's (English) safety text print
    in English: the page is English and left to right, and only the routine's own words are
    Arabic and right to left, so a browser neither reads nor lays the English out as
    Arabic (a full stop at the wrong end)."""
    write(
        project / "data/routines/arabic.yaml",
        "title: تمرين الظهر\nlanguage: ar\nsteps:\n  - استلق على ظهرك 10 مرات.\n",
    )
    assert run("html", "arabic").exit_code == 0
    t = tree(project / "out/arabic.html")
    assert t.all("html") == [{"lang": "en", "dir": "ltr"}]
    assert t.all("h1") == [{"id": "r1-title", "lang": "ar", "dir": "rtl"}]
    assert {"class": "steps", "lang": "ar", "dir": "rtl"} in t.all("ol")
    page = (project / "out/arabic.html").read_text(encoding="utf-8")
    assert '<aside class="safety" role="note">\n<p><strong>' in page  # no lang: English


def test_alt_text_comes_from_alt_then_caption_else_the_picture_is_decorative(
    project: Path,
) -> None:
    (project / "data/routines/roll.png").write_bytes(png())
    (project / "data/routines/plain.png").write_bytes(png((30, 30)))
    write(project / "data/routines/pictured.yaml", PICTURED)
    assert run("html", "pictured").exit_code == 0
    imgs = tree(project / "out/pictured.html").all("img")[1:]  # after the logo
    assert imgs[0]["alt"] == "" and imgs[0]["role"] == "presentation"
    assert imgs[1]["alt"] == "The roller under the hips" and "role" not in imgs[1]

    class WithAlt:  # the schema's `alt:` field, once it is in the model, wins
        alt = "A foam roller under the sacrum"
        caption = "The roller"

    assert image_alt(WithAlt()) == "A foam roller under the sacrum"  # type: ignore[arg-type]
    assert image_alt(ModelImage(Path("x.png"), None, 1, 1)) == ""  # type: ignore[arg-type]


def test_a_layout_whose_colours_fail_contrast_is_a_warning_and_the_html_stays_readable(
    project: Path,
) -> None:
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    write(project / "layouts/pale.yaml", "extends: letter\ncolors:\n  muted: '#aaaaaa'\n")
    result = run("html", "sacral-traction", "--layout", "pale")
    assert result.exit_code == 0, result.output
    warning = [line for line in result.stderr.splitlines() if "contrast" in line]
    assert len(warning) == 1, result.stderr
    assert "colors.muted #aaaaaa on white" in warning[0] and "2.32:1" in warning[0]
    assert "4.5:1" in warning[0]
    used = re.search(r"uses (#[0-9a-f]{6})", warning[0])
    assert used is not None and contrast(used.group(1), "#ffffff") >= 4.5
    page = (project / "out/sacral-traction.pale.html").read_text(encoding="utf-8")
    assert "#aaaaaa" not in page and used.group(1) in page
    # the shipped layouts pass
    for layout in ("letter", "a4", "large-print", "compact"):
        ok = run("html", "sacral-traction", "--layout", layout)
        assert "contrast" not in ok.stderr, (layout, ok.stderr)


def test_the_programme_edition_has_the_patients_dosage_and_notes(project: Path) -> None:
    result = run("program", "ann-lee", "--html")
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == [
        "out/patients/ann-lee/ann-lee.program.pdf",
        "out/patients/ann-lee/ann-lee.program.html",
    ]
    path = project / "out/patients/ann-lee/ann-lee.program.html"
    page = path.read_text(encoding="utf-8")
    t = tree(path)
    assert [lv for lv, _ in t.headings].count(1) == 1
    assert '<th scope="row">Repetitions</th><td>8 each side</td>' in page
    assert "Use the soft grey roller we gave you." in page
    assert "Keep your hips level; a mirror helps." in page
    assert "For: <strong>Ann Lee</strong>" in page
    # the PDF and the HTML say the same words in the same order (but for the tracking page)
    pdf = words(pdf_text(project / "out/patients/ann-lee/ann-lee.program.pdf"))
    articles = page[page.index("<article") : page.index("</main>")]
    html_words = words(re.sub(r"<[^>]+>", " ", articles))
    said = [w for w in html_words if w in set(pdf)]
    assert missing_in_order(said, pdf) == []


def test_outputs_are_refused_where_they_would_do_harm(project: Path) -> None:
    wrong = run("html", "sacral-traction", "-o", "x.pdf")
    assert wrong.exit_code == 1 and "must end in .html" in wrong.stderr
    mine = write(project / "mine.html", "<!DOCTYPE html>\n<p>my own page</p>\n")
    refused = run("html", "sacral-traction", "-o", "mine.html")
    assert refused.exit_code == 1
    assert "exists and is not an HTML file made by handouts" in refused.stderr
    assert mine.read_text() == "<!DOCTYPE html>\n<p>my own page</p>\n"
    assert run("handout", "sacral-traction", "-o", "y.html").exit_code == 1
    assert run("html", "sacral-traction", "-o", "ours.html").exit_code == 0
    assert run("html", "sacral-traction", "-o", "ours.html").exit_code == 0  # ours: replaced
    note = run("html", "sacral-traction", "--note", "Twice a day")
    assert note.exit_code == 1 and note.stderr.startswith("<--patient>:1:1:")


def test_both_editions_draw_the_one_content_model(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What content.py decides is what both editions say: a section it leaves out is gone
    from the PDF and from the HTML alike, and a label pack's heading reaches both."""
    import handouts.content as content

    write(project / "layouts/labels/en.yaml", "steps: What to do\n")
    real = content._section

    def without_benefits(name: str, *args: Any) -> Any:
        return None if name == "benefits" else real(name, *args)

    monkeypatch.setattr(content, "_section", without_benefits)
    assert run("handout", "sacral-traction").exit_code == 0
    assert run("html", "sacral-traction").exit_code == 0
    printed = pdf_text(project / "out/sacral-traction.pdf")
    page = (project / "out/sacral-traction.html").read_text(encoding="utf-8")
    for said in (printed, page):
        assert "Can release SI joint pain" not in said and "Benefits" not in said
        assert "What to do" in said and "Afterward, slowly stand up." in said


# -- in a browser -------------------------------------------------------------------------
def _chromium() -> tuple[str, str] | None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    found = _chromium()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but chromium and chromium-driver are not installed")
        pytest.skip("chromium and chromium-driver are not installed (apt-get install them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--hide-scrollbars"):  # fmt: skip
        options.add_argument(arg)
    options.binary_location = found[0]
    driver = webdriver.Chrome(service=Service(found[1]), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _width(driver: Any, width: int) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False},
    )


def _open(driver: Any, path: Path, width: int = 1280) -> None:
    _width(driver, width)
    driver.get(path.as_uri())


def _overflow(driver: Any) -> int:
    """How many CSS px the page is wider than the viewport (0: no horizontal scrolling)."""
    return int(
        driver.execute_script(
            "const d = document.documentElement;"
            "return Math.max(d.scrollWidth, document.body.scrollWidth) - window.innerWidth;"
        )
    )


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Every shipped routine's and programme's edition, as `build` writes them, and the
    large-print and Spanish editions of the seed."""
    root = tmp_path_factory.mktemp("editions")
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(ROOT / "layouts", root / "layouts")
    shutil.copy(ROOT / "handouts.yaml", root / "handouts.yaml")
    old = Path.cwd()
    os.chdir(root)
    try:
        for rid in ROUTINES:
            assert run("html", rid).exit_code == 0
        assert run("program", "ann-lee", "--html").exit_code == 0
        assert run("html", "sacral-traction", "--layout", "large-print").exit_code == 0
        assert run("html", "sacral-traction", "--language", "es").exit_code == 0
        assert run("html", "sacral-traction", "wger-bird-dog").exit_code == 0
        # pictures, with and without words of their own (shipped routines have none)
        (root / "data/routines/roll.png").write_bytes(png())
        (root / "data/routines/plain.png").write_bytes(png((30, 30)))
        write(root / "data/routines/pictured.yaml", PICTURED)
        assert run("html", "pictured", "-o", "out/pictured.html").exit_code == 0
    finally:
        os.chdir(old)
    found = sorted((root / "out").rglob("*.html"))
    assert len(found) == len(ROUTINES) + 5
    return found


def test_axe_core_finds_no_violation_in_any_shipped_edition(
    browser: Any, editions: list[Path]
) -> None:
    from axe_core_python.selenium import Axe

    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a",
                                                     "wcag21aa", "best-practice"]}}  # fmt: skip
    report: dict[str, list[str]] = {}
    checked = 0
    for path in editions:
        for width in (320, 1280):
            _open(browser, path, width)
            result = axe.run(browser, options=options)
            checked += len(result["passes"])
            bad = [f"{v['id']} ({len(v['nodes'])}): {v['help']}" for v in result["violations"]]
            if bad:
                report[f"{path.name} @ {width}px"] = bad
    assert report == {}
    assert checked > 20 * len(editions)  # axe really ran its rules


def test_reflows_at_320_px_and_at_200_percent_text(browser: Any, editions: list[Path]) -> None:
    for path in editions:
        for width in (320, 1280):
            _open(browser, path, width)
            assert _overflow(browser) <= 0, (path.name, width)
        # text resized to 200% (WCAG 1.4.4): every size is in rem/em, so all of it grows,
        # and at 640 px (1280 px zoomed 200%) nothing scrolls sideways
        _open(browser, path, 640)
        size = "return parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)"
        step = "return parseFloat(getComputedStyle(document.querySelector('li')).fontSize)"
        before = browser.execute_script(size), browser.execute_script(step)
        browser.execute_script("document.documentElement.style.fontSize = '200%'")
        after = browser.execute_script(size), browser.execute_script(step)
        assert after[0] > before[0] * 1.3 and after[1] > before[1] * 1.3, (path.name, before)
        assert _overflow(browser) <= 0, (path.name, "200%")
    shot = editions[0].with_suffix(".320.png")
    _open(browser, editions[0], 320)
    browser.save_screenshot(str(shot))
    assert Image.open(shot).size[0] == 320


def test_every_word_of_every_text_field_is_on_the_page_in_order(
    browser: Any, editions: list[Path]
) -> None:
    by_name = {p.name: p for p in editions}
    for rid in ROUTINES:
        routine = load_routine(ROOT / "data/routines" / f"{rid}.yaml")
        _open(browser, by_name[f"{rid}.html"])
        text = browser.execute_script("return document.body.innerText")
        expected = [w for t in routine.texts() for w in words(plain(t))]
        assert missing_in_order(expected, words(text)) == [], rid
    seed = load_routine(SEED)
    assert len([w for t in seed.texts() for w in words(plain(t))]) > 400


def test_links_show_a_visible_focus_ring(browser: Any, editions: list[Path]) -> None:
    _open(browser, next(p for p in editions if p.name == "sacral-traction.html"))
    style = browser.execute_script(
        "const a = document.querySelector('footer a'); a.focus();"
        "const s = getComputedStyle(a);"
        "return [document.activeElement === a, s.outlineStyle, parseFloat(s.outlineWidth)];"
    )
    assert style[0] is True and style[1] == "solid" and style[2] >= 2, style


def test_the_print_stylesheet_prints_it_cleanly(browser: Any, editions: list[Path]) -> None:
    path = next(p for p in editions if p.name == "sacral-traction+wger-bird-dog.html")
    _open(browser, path)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        css = browser.execute_script(
            "const a = document.querySelectorAll('article');"
            "return [getComputedStyle(a[1]).breakBefore, getComputedStyle(document.body).color];"
        )
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert css == ["page", "rgb(0, 0, 0)"]  # each routine on a new page, black text
    printed = browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})
    data = base64.b64decode(printed["data"])
    text = pdf_text(data)
    assert "Sacral Traction" in text and "Bird Dog" in text
    out = path.with_suffix(".print.pdf")
    out.write_bytes(data)


# -- the optional tagged PDF ------------------------------------------------------------------
def _struct(node: Any, found: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    node = node.get_object()
    if isinstance(node, dict):
        if "/S" in node:
            found.append((str(node["/S"]), node.get("/Alt")))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            if kid is not None and not isinstance(kid, int):
                _struct(kid, found)
    return found


def test_the_tagged_pdf_has_a_structure_tree_language_and_alt_text(project: Path) -> None:
    import importlib.util

    if importlib.util.find_spec("weasyprint") is None:  # not imported: the command does
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but WeasyPrint (the 'tagged' extra) cannot be imported")
        pytest.skip("WeasyPrint is not installed: pip install 'handouts[tagged]'")
    from pypdf import PdfReader

    (project / "data/routines/roll.png").write_bytes(png())
    (project / "data/routines/plain.png").write_bytes(png((30, 30)))
    write(project / "data/routines/pictured.yaml", PICTURED)
    result = run("html", "pictured", "--pdf")
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["out/pictured.html", "out/pictured.tagged.pdf"]
    reader = PdfReader(project / "out/pictured.tagged.pdf")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert bool(root["/MarkInfo"]["/Marked"])
    tags = _struct(root["/StructTreeRoot"], [])
    kinds = [kind for kind, _ in tags]
    assert kinds.count("/H1") == 1 and "/H2" in kinds and "/L" in kinds and "/LI" in kinds
    assert ("/Figure", "The roller under the hips") in tags
    assert "Lie on the roller." in pdf_text(project / "out/pictured.tagged.pdf")
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False  # WeasyPrint's import left no mark
    first = (project / "out/pictured.tagged.pdf").read_bytes()
    assert run("html", "pictured", "--pdf").exit_code == 0
    assert (project / "out/pictured.tagged.pdf").read_bytes() == first


def test_hostile_text_is_written_as_text_and_unwritable_text_is_refused(project: Path) -> None:
    write(
        project / "data/routines/hostile.yaml",
        'title: "A <script>alert(1)</script> title"\nsteps:\n'
        '  - "<img src=x onerror=alert(1)> & **strong** *soft* <b>x</b>"\n',
    )
    assert run("html", "hostile").exit_code == 0
    page = (project / "out/hostile.html").read_text(encoding="utf-8")
    t = tree(project / "out/hostile.html")
    assert t.all("script") == [] and len(t.all("img")) == 1  # the logo only
    assert "A &lt;script&gt;alert(1)&lt;/script&gt; title</h1>" in page
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; <strong>strong</strong> <em>soft</em>" in page
    write(project / "data/routines/broken.yaml", 'title: "Bad \\ud800 title"\nsteps: [ok]\n')
    refused = run("html", "broken")
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert refused.stderr.startswith("data/routines/broken.yaml:1:13: U+D800 is half of a")
    assert not (project / "out/broken.html").exists()
