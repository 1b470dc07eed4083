"""Booklets read back: contents, outline, page labels, links, imposition, bad manifests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from .conftest import FIXTURES, run, text_lines, write


def routine_yaml(i: int, steps: int = 6) -> str:
    body = "\n".join(
        f"  - Step {j} of routine {i}, move slowly and breathe." for j in range(1, steps + 1)
    )
    return f"title: Routine {i:03d}\ncategory: Test\nsteps:\n{body}\n"


def start_pages(reader: PdfReader, titles: list[str]) -> dict[str, int]:
    """0-based index of the first page whose text starts a routine with that title."""
    found: dict[str, int] = {}
    labels = reader.page_labels
    for index, page in enumerate(reader.pages):
        if not labels[index].isdigit():
            continue  # the cover and contents (i, ii ...)
        text = page.extract_text()
        for title in titles:
            if title not in found and re.search(rf"(^|\n){re.escape(title)}\n", text):
                found[title] = index
    return found


def contents_numbers(reader: PdfReader, titles: list[str]) -> dict[str, str]:
    front = [
        p for p, label in zip(reader.pages, reader.page_labels, strict=True) if not label.isdigit()
    ]
    text = "\n".join(p.extract_text() for p in front)
    return {
        t: m.group(1) for t in titles if (m := re.search(rf"{re.escape(t)}\s*\n?\s*(\d+)", text))
    }


def test_shipped_booklet_contents_match_the_pages(project: Path) -> None:
    result = run("booklet", "lower-back")
    assert result.exit_code == 0, result.output
    reader = PdfReader(project / "out/lower-back.booklet.pdf")
    titles = ["Sacral Traction", "Child's pose", "Bird Dog"]
    starts = start_pages(reader, titles)
    assert sorted(starts) == sorted(titles)
    labels = reader.page_labels
    numbers = contents_numbers(reader, titles)
    assert {t: labels[starts[t]] for t in titles} == numbers
    assert labels[0] == "i" and labels[1] == "ii" and labels[starts["Sacral Traction"]] == "1"


def test_outline_titles_and_targets(project: Path) -> None:
    run("booklet", "lower-back")
    reader = PdfReader(project / "out/lower-back.booklet.pdf")
    outline = reader.outline
    flat: list[tuple[str, int, int]] = []

    def walk(items: list[object], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                flat.append((item.title, reader.get_destination_page_number(item), depth))  # type: ignore[attr-defined]

    walk(outline, 0)
    starts = start_pages(reader, ["Sacral Traction", "Child's pose", "Bird Dog"])
    assert [(t, d) for t, _, d in flat] == [
        ("Loosen up", 0), ("Sacral Traction", 1), ("Child's pose", 1),
        ("Build control", 0), ("Bird Dog", 1),
    ]  # fmt: skip
    pages = {t: p for t, p, _ in flat}
    assert pages["Loosen up"] == starts["Sacral Traction"]
    for title in ("Sacral Traction", "Child's pose", "Bird Dog"):
        assert pages[title] == starts[title]


def test_contents_entries_are_links_to_their_pages(project: Path) -> None:
    run("booklet", "lower-back")
    reader = PdfReader(project / "out/lower-back.booklet.pdf")
    starts = start_pages(reader, ["Sacral Traction", "Child's pose", "Bird Dog"])
    contents_page = next(i for i, p in enumerate(reader.pages) if "Contents" in p.extract_text())
    targets = []
    for annot in reader.pages[contents_page].get("/Annots", []):
        annot = annot.get_object()
        assert annot["/Subtype"] == "/Link"
        targets.append(reader.get_page_number(annot["/Dest"][0].get_object()))
    assert sorted(targets) == sorted(starts.values())


def test_previous_next_inside_the_booklet_are_links(project: Path) -> None:
    for i in range(1, 4):
        prev = f"previous: r{i - 1}\n" if i > 1 else ""
        nxt = f"next: r{i + 1}\n" if i < 3 else ""
        write(project / f"data/routines/r{i}.yaml", routine_yaml(i, 2) + prev + nxt)
    assert run("booklet", "--follow", "r2", "-o", "chain.pdf").exit_code == 0
    reader = PdfReader(project / "chain.pdf")
    starts = start_pages(reader, [f"Routine {i:03d}" for i in range(1, 4)])
    assert len(starts) == 3  # the whole chain, found from its middle
    second = starts["Routine 002"]
    targets = sorted(
        reader.get_page_number(a.get_object()["/Dest"][0].get_object())
        for a in reader.pages[second].get("/Annots", [])
    )
    assert targets == [starts["Routine 001"], starts["Routine 003"]]


def test_title_and_routines_on_the_command_line(project: Path) -> None:
    result = run(
        "booklet", "--title", "Today", "wger-chin-tuck", "sacral-traction", "-o", "today.pdf"
    )
    assert result.exit_code == 0, result.output
    reader = PdfReader(project / "today.pdf")
    assert reader.metadata is not None and reader.metadata.title == "Today"
    starts = start_pages(reader, ["Chin tuck", "Sacral Traction"])
    assert starts["Chin tuck"] < starts["Sacral Traction"]


def test_right_hand_starts(project: Path) -> None:
    assert run("booklet", "lower-back", "--right-hand", "-o", "rh.pdf").exit_code == 0
    reader = PdfReader(project / "rh.pdf")
    starts = start_pages(reader, ["Sacral Traction", "Child's pose", "Bird Dog"])
    for index in starts.values():
        assert index % 2 == 0  # 0-based even index = a right-hand (odd-numbered) page
        assert int(reader.page_labels[index]) % 2 == 1


def test_saddle_print_version(project: Path) -> None:
    result = run(
        "booklet",
        "lower-back",
        "--page-size",
        "half-letter",
        "--impose",
        "saddle",
        "--creep",
        "0.005in",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == [
        "out/lower-back.booklet.creep-0.36pt.pdf",
        "out/lower-back.booklet-print.creep-0.36pt.pdf",
    ]
    reading = PdfReader(project / "out/lower-back.booklet.creep-0.36pt.pdf")
    data = (project / "out/lower-back.booklet-print.creep-0.36pt.pdf").read_bytes()
    printed = PdfReader(project / "out/lower-back.booklet-print.creep-0.36pt.pdf")
    n = len(reading.pages)
    padded = -(-n // 4) * 4
    assert len(printed.pages) == padded // 2  # a front and a back per sheet
    for page in printed.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (792, 612)
    # Sheet 1's front carries the back cover (left) and the cover (right).
    halves = text_lines(data)[0]
    left = " ".join(t for x, _, t in halves if x < 396)
    right = " ".join(t for x, _, t in halves if x >= 396)
    assert "Your lower-back" in right and "Bring it to your next appointment" in left


def test_saddle_needs_half_pages(project: Path) -> None:
    result = run("booklet", "lower-back", "--page-size", "letter", "--impose", "saddle")
    assert result.exit_code == 1
    assert result.stderr == (
        "data/booklets/lower-back.yaml:1:1: saddle stitch needs "
        "half-letter or a5 pages (--page-size half-letter or a5)\n"
    )


def test_every_routine_text_is_present(project: Path) -> None:
    run("booklet", "neck-and-hips")
    text = "\n".join(
        p.extract_text() for p in PdfReader(project / "out/neck-and-hips.booklet.pdf").pages
    )
    for phrase in ("Use fingers on your chin", "tilt your head forward", "soles of your feet"):
        assert phrase in text.replace("\n", " ")


@pytest.mark.parametrize(("name", "message"), [
    ("missing-id.yaml", "4:5: no routine with id 'sacral-tractoin' in the library; closest: "
                        "sacral-traction"),
    ("unknown-key.yaml", "2:1: unknown key 'routine' in the booklet; did you mean 'routines'?"),
])  # fmt: skip
def test_bad_manifests(project: Path, name: str, message: str) -> None:
    write(project / name, (FIXTURES / "booklets" / name).read_text())
    result = run("booklet", name)
    assert result.exit_code == 1
    assert f"{name}:{message}" in result.stderr.splitlines()
    assert not (project / "out").exists() or not list((project / "out").glob("*.pdf"))


def test_two_hundred_routines_and_the_long_booklet_warning(project: Path) -> None:
    ids = []
    for i in range(200):
        write(project / f"data/routines/bulk-{i:03d}.yaml", routine_yaml(i))
        ids.append(f"bulk-{i:03d}")
    write(
        project / "data/booklets/big.yaml",
        "title: Everything\nroutines:\n" + "".join(f"  - {i}\n" for i in ids),
    )
    result = run("booklet", "big", "--page-size", "a5", "--impose", "saddle")
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and "saddle stitch" in result.stderr
    reader = PdfReader(project / "out/big.booklet.a5.pdf")
    titles = [f"Routine {i:03d}" for i in range(200)]
    starts = start_pages(reader, titles)
    assert len(starts) == 200
    numbers = contents_numbers(reader, titles[:5] + titles[-5:])
    assert numbers == {t: reader.page_labels[starts[t]] for t in numbers} and len(numbers) == 10


def test_a_routine_listed_twice_has_its_own_page_link_and_bookmark_each_time(
    project: Path,
) -> None:
    write(
        project / "data/booklets/twice.yaml",
        "title: Twice\nsections:\n  - title: Warm-up\n    routines: [sacral-traction, "
        "wger-bird-dog]\n  - title: Cool-down\n    routines: [sacral-traction]\n",
    )
    assert run("booklet", "twice", "-o", "twice.pdf").exit_code == 0
    reader = PdfReader(project / "twice.pdf")
    labels = reader.page_labels
    starts = [
        i
        for i, page in enumerate(reader.pages)
        if labels[i].isdigit()
        and re.search(r"(^|\n)Sacral Traction\n", page.extract_text())
        and "Joint relief" in page.extract_text()
    ]
    assert len(starts) == 2 and starts[0] < starts[1]
    # Contents: the two entries carry the two pages, in order.
    contents = reader.pages[1].extract_text()
    numbers = re.findall(r"Sacral Traction\s*\n?\s*(\d+)", contents)
    assert numbers == [labels[starts[0]], labels[starts[1]]]
    # Bookmarks: one per occurrence, each to its own page.
    flat: list[tuple[str, int]] = []

    def walk(items: list[object]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                flat.append((item.title, reader.get_destination_page_number(item)))  # type: ignore[attr-defined]

    walk(reader.outline)
    assert [p for t, p in flat if t == "Sacral Traction"] == starts
    # Contents links: the n-th entry goes to the n-th occurrence.
    targets = []
    for annot in reader.pages[1].get("/Annots") or []:
        a = annot.get_object()
        rect = [float(v) for v in a["/Rect"]]
        targets.append((-rect[1], reader._get_page_number_by_indirect(a["/Dest"][0])))
    assert starts[0] in [t for _, t in targets] and starts[1] in [t for _, t in targets]
