"""The incremental build: nothing changed makes nothing, one change remakes exactly the
products that read it, a stale PDF is never served, and a stopped build leaves a cache the
next build trusts only where it is whole."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from handouts import build as build_module
from handouts import cache
from handouts.build import BuildResult, run
from handouts.project import open_project

from .conftest import run as cli

FONTS = Path(build_module.__file__).parent / "fonts"
ROUTINES = [
    "sacral-traction",
    "wger-back-neck-stretch",
    "wger-bird-dog",
    "wger-butterfly-stretch",
    "wger-child-s-pose",
    "wger-chin-tuck",
    "wger-quadruped-thoracic-rotation-left",
    "wger-right-levator-scapulae-stretch",
]
BOOKLETS = {
    "lower-back": {"sacral-traction", "wger-child-s-pose", "wger-bird-dog"},
    "neck-and-hips": {"wger-chin-tuck", "wger-back-neck-stretch", "wger-butterfly-stretch"},
}
PROGRAMME = {"sacral-traction", "wger-bird-dog"}
PROGRAMME_PDF = "patients/ann-lee/ann-lee.program.pdf"
PROGRAMME_HTML = "patients/ann-lee/ann-lee.program.html"


def build(root: Path, force: bool = False, out: Path | None = None) -> BuildResult:
    project = open_project(cwd=root, out=out)
    return run(project, force=force)


def made(result: BuildResult, root: Path, out: str = "out") -> set[str]:
    return {str(p.relative_to(root / out)) for p in result.written}


def handouts_of(ids: set[str]) -> set[str]:
    """Each routine's handout and its accessible edition (HTML)."""
    return {f"{i}.{ext}" for i in ids for ext in ("pdf", "html")}


def cards_of(ids: set[str]) -> set[str]:
    return {f"{i}.card.pdf" for i in ids}


def booklets_with(ids: set[str]) -> set[str]:
    return {
        f"{name}.{kind}.pdf"
        for name, members in BOOKLETS.items()
        if members & ids
        for kind in ("booklet", "booklet-print")
    }


def programme_with(ids: set[str]) -> set[str]:
    return {PROGRAMME_PDF, PROGRAMME_HTML} if PROGRAMME & ids else set()


def everything_of(ids: set[str]) -> set[str]:
    return handouts_of(ids) | cards_of(ids) | booklets_with(ids) | programme_with(ids)


def all_pdfs(root: Path) -> dict[str, bytes]:
    out = root / "out"
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.suffix in (".pdf", ".html")
    }


def png(colour: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buf, "PNG")
    return buf.getvalue()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_second_build_makes_nothing_and_keeps_the_bytes(project: Path) -> None:
    first = build(project)
    assert made(first, project) == everything_of(set(ROUTINES))
    before = all_pdfs(project)
    second = build(project)
    assert second.written == []
    assert {str(p.relative_to(project / "out")) for p in second.fresh} == set(before)
    assert all_pdfs(project) == before
    # the warnings of what was served are said again, in the same order
    assert second.notes == first.notes


def test_incremental_output_is_byte_identical_to_a_cold_serial_build(project: Path) -> None:
    build(project)
    edit(project / "data/routines/wger-bird-dog.yaml", "Pause briefly", "Hold briefly")
    build(project)
    incremental = all_pdfs(project)
    shutil.rmtree(project / "out")
    build(project)
    assert all_pdfs(project) == incremental


def test_routine_text_rebuilds_exactly_what_prints_it(project: Path) -> None:
    build(project)
    edit(project / "data/routines/wger-bird-dog.yaml", "Pause briefly", "Hold briefly")
    assert made(build(project), project) == everything_of({"wger-bird-dog"})
    edit(project / "data/routines/wger-chin-tuck.yaml", "title:", "title: New")
    assert made(build(project), project) == everything_of({"wger-chin-tuck"})


def test_a_pictures_bytes_rebuild_the_routine_that_shows_it(project: Path) -> None:
    routines = project / "data" / "routines"
    (routines / "pic.png").write_bytes(png((200, 40, 40)))
    rid = "wger-right-levator-scapulae-stretch"
    with (routines / f"{rid}.yaml").open("a", encoding="utf-8") as fh:
        fh.write("image: pic.png\n")
    build(project)
    (routines / "pic.png").write_bytes(png((40, 40, 200)))  # same name, other bytes
    assert made(build(project), project) == everything_of({rid})


def test_the_clinic_profile_rebuilds_everything(project: Path) -> None:
    build(project)
    edit(project / "data/clinic.yaml", "name:", "name: New")
    assert made(build(project), project) == everything_of(set(ROUTINES))
    (project / "data/logo.png").write_bytes(png((10, 120, 10)))
    assert made(build(project), project) == everything_of(set(ROUTINES))


def test_a_layout_in_the_chain_rebuilds_the_products_in_that_layout(project: Path) -> None:
    (project / "handouts.yaml").write_text(
        "data: data\nout: out\npaper: letter\nlayout: our-clinic\n", encoding="utf-8"
    )
    edit(project / "layouts/our-clinic.yaml", "\nextends: letter", "\nextends: middle")
    (project / "layouts/middle.yaml").write_text(
        "extends: letter\ncolors:\n  muted: '#112233'\n", encoding="utf-8"
    )
    first = build(project)
    assert first.problems == [] and len(first.written) == 30
    edit(project / "layouts/middle.yaml", "#112233", "#332211")  # two steps down the chain
    assert made(build(project), project) == handouts_of(set(ROUTINES)) | programme_with(PROGRAMME)


def test_a_font_file_rebuilds_the_products_that_use_it(project: Path) -> None:
    (project / "handouts.yaml").write_text(
        "data: data\nout: out\npaper: letter\nlayout: our-clinic\n", encoding="utf-8"
    )
    shutil.copy(FONTS / "DejaVuSans.ttf", project / "layouts/body.ttf")
    with (project / "layouts/our-clinic.yaml").open("a", encoding="utf-8") as fh:
        fh.write("fonts:\n  regular: body.ttf\n")
    build(project)
    shutil.copy(FONTS / "DejaVuSans-Oblique.ttf", project / "layouts/body.ttf")
    assert made(build(project), project) == handouts_of(set(ROUTINES)) | programme_with(PROGRAMME)


def test_a_label_pack_rebuilds_the_products_in_its_language(project: Path) -> None:
    rid = "wger-quadruped-thoracic-rotation-left"
    edit(project / f"data/routines/{rid}.yaml", "language: en", "language: es")
    build(project)
    labels = project / "layouts" / "labels"
    labels.mkdir()
    (labels / "es.yaml").write_text("benefits: Ventajas\n", encoding="utf-8")  # a new pack
    assert made(build(project), project) == everything_of({rid})
    (labels / "es.yaml").write_text("benefits: Beneficios\n", encoding="utf-8")
    assert made(build(project), project) == everything_of({rid})


def test_options_and_another_out_folder_have_their_own_cache(project: Path) -> None:
    build(project)
    other = build(project, out=project / "elsewhere")
    assert made(other, project, "elsewhere") == everything_of(set(ROUTINES))
    assert build(project, out=project / "elsewhere").written == []
    # a setting that changes what a product is made of: the booklets' page size
    (project / "handouts.yaml").write_text(
        "data: data\nout: out\npaper: letter\nbooklet_page_size: letter\n", encoding="utf-8"
    )
    assert made(build(project), project) == {"lower-back.booklet.pdf"}


def test_a_changed_or_missing_output_is_made_again(project: Path) -> None:
    build(project)
    out = project / "out"
    (out / "wger-bird-dog.pdf").unlink()
    data = (out / "wger-chin-tuck.card.pdf").read_bytes()
    (out / "wger-chin-tuck.card.pdf").write_bytes(data.replace(b"Chin", b"Chun", 1))
    assert made(build(project), project) == {"wger-bird-dog.pdf", "wger-chin-tuck.card.pdf"}
    assert (out / "wger-chin-tuck.card.pdf").read_bytes() == data


def test_force_makes_everything_again(project: Path) -> None:
    build(project)
    assert made(build(project, force=True), project) == everything_of(set(ROUTINES))
    result = cli("build", "-j", "1", "--force")
    assert result.exit_code == 0
    assert "made 30 file(s)" in result.stderr
    result = cli("build", "-j", "1")
    assert result.exit_code == 0
    assert "made 0 file(s)" in result.stderr and "30 up to date" in result.stderr


def test_the_package_source_is_part_of_every_key(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "a.py").write_text("x = 1\n")
    before = cache.environment(package)
    assert cache.environment(package) == before
    (package / "a.py").write_text("x = 2\n")  # a developer's edit
    assert cache.environment(package) != before


def test_a_build_stopped_half_way_is_trusted_only_where_it_is_whole(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(project)
    for rid in ROUTINES:  # every product changes
        edit(project / f"data/routines/{rid}.yaml", "title:", "title: Changed")
    real = build_module.write_atomic
    count = 0

    def crash_after_five(path: Path, data: bytes) -> Path:
        nonlocal count
        count += 1
        if count > 5:
            raise KeyboardInterrupt  # the machine went down
        return real(path, data)

    monkeypatch.setattr(build_module, "write_atomic", crash_after_five)
    with pytest.raises(KeyboardInterrupt):
        build(project)
    monkeypatch.undo()
    entries = json.loads((project / "out" / cache.CACHE_NAME).read_text())["entries"]
    assert len(entries) == 28  # the cache file itself is whole
    # the five written are served; every other product is made again
    again = made(build(project), project)
    assert again == everything_of(set(ROUTINES)) - {
        "sacral-traction.pdf",
        "sacral-traction.card.pdf",
        "sacral-traction.html",
        "wger-back-neck-stretch.pdf",
        "wger-back-neck-stretch.card.pdf",
    }
    assert build(project).written == []


def test_a_torn_cache_file_is_no_error_and_trusts_nothing(project: Path) -> None:
    build(project)
    (project / "out" / cache.CACHE_NAME).write_text('{"format": 1, "entr')
    assert made(build(project), project) == everything_of(set(ROUTINES))
    assert build(project).written == []


def test_a_neighbours_title_rebuilds_the_routine_that_names_it(project: Path) -> None:
    edit(
        project / "data/routines/wger-bird-dog.yaml",
        "language: en",
        "next: wger-chin-tuck\nlanguage: en",
    )
    build(project)
    edit(project / "data/routines/wger-chin-tuck.yaml", "title:", "title: New")
    rebuilt = made(build(project), project)
    assert "wger-bird-dog.pdf" in rebuilt  # its "Next:" line prints the new title
    assert rebuilt == everything_of({"wger-chin-tuck", "wger-bird-dog"})


@pytest.mark.parametrize("library", ["reportlab", "pypdf", "pillow", "uharfbuzz"])
def test_library_versions_are_part_of_every_key(
    library: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "_version", lambda dist: "1")
    before = cache.environment()
    monkeypatch.setattr(cache, "_version", lambda dist: "9.9" if dist == library else "1")
    assert cache.environment() != before


def test_the_cache_file_is_saved_once_per_build_not_once_per_product(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Saving after every product rewrites the whole file once per product: quadratic in a
    large library. Within SAVE_EVERY seconds the entries are saved once, at the end."""
    saves: list[int] = []
    real = cache.Cache.save

    def counted(self: cache.Cache) -> None:
        saves.append(len(self.entries))
        real(self)

    monkeypatch.setattr(cache, "SAVE_EVERY", 3600.0)
    monkeypatch.setattr(cache.Cache, "save", counted)
    first = build(project)
    assert len(first.written) == 30 and saves == [28]
    edit(project / "data/routines/wger-bird-dog.yaml", "title:", "title: Changed")
    assert len(build(project).written) > 0 and saves == [28, 28]
    assert build(project).written == [] and saves == [28, 28]  # nothing new to save


def test_an_up_to_date_build_starts_no_workers(project: Path) -> None:
    """`--jobs` and `--scheduler local` start processes or a cluster: only when there is
    something to make, and never more workers than targets to make."""
    asked: list[int] = []

    def workers(todo: int) -> contextlib.AbstractContextManager[None]:
        asked.append(todo)
        return contextlib.nullcontext(None)

    project_ = open_project(cwd=project)
    assert len(run(project_, executor=workers).written) == 30 and asked == [28]
    assert run(open_project(cwd=project), executor=workers).written == [] and asked == [28]
    edit(project / "data/routines/wger-chin-tuck.yaml", "title:", "title: Changed")
    run(open_project(cwd=project), executor=workers)
    assert asked == [28, 4]  # its handout, its card, its HTML and the booklet it is in
    one = build_module.workers(8)
    with one(1) as pool:
        assert pool is None  # one target: made here, no worker started for it
