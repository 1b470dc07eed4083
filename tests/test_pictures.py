"""Pictures print as an image viewer shows them, or are refused with their YAML position.

Every case renders through the CLI in a project and reads the printed page back as pixels
(pdftoppm), or checks the exact one-line message of a refusal. Fixtures are drawn here with
Pillow; the only "files" are a few bytes of hand-made PNG and JPEG headers.
"""

from __future__ import annotations

import io
import os
import shutil
import struct
import subprocess
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from PIL import Image
from pypdf import PdfReader

from handouts import images
from tests.conftest import pdf_text, run, write

needs_pdftoppm = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs pdftoppm")

RGB = tuple[int, int, int]
GREEN: Callable[[RGB], bool] = lambda c: c[1] > 150 and c[0] < 90 and c[2] < 90  # noqa: E731
MAGENTA: Callable[[RGB], bool] = lambda c: c[0] > 150 and c[2] > 150 and c[1] < 90  # noqa: E731
PURE_RED: Callable[[RGB], bool] = lambda c: c[0] > 230 and c[1] < 40 and c[2] < 40  # noqa: E731
BLUE: Callable[[RGB], bool] = lambda c: c[2] > 170 and c[0] < 40 and c[1] < 40  # noqa: E731


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    images.clear_cache()
    yield
    images.clear_cache()


def pictured(project: Path, rid: str, picture: str, title: str = "Pictured") -> Path:
    """A routine whose picture (line 2, column 8) prints large under its title."""
    return write(
        project / f"data/routines/{rid}.yaml",
        f"title: {title}\nimage: {picture}\nsteps:\n  - Look at the picture.\n",
    )


def page_pixels(pdf: Path, dpi: int = 36) -> Image.Image:
    """The first page as RGB pixels, drawn by poppler."""
    stem = pdf.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "1", "-singlefile", pdf, stem],
        check=True,
    )
    with Image.open(f"{stem}.png") as img:
        return img.convert("RGB")


def where(img: Image.Image, test: Callable[[RGB], bool]) -> list[tuple[int, int]]:
    px = img.load()
    assert px is not None
    return [
        (x, y)
        for y in range(img.height)
        for x in range(img.width)
        if test(px[x, y])  # type: ignore[arg-type]
    ]


def box(points: list[tuple[int, int]]) -> tuple[int, int, int, int]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def png_header(width: int, height: int, extra: bytes = b"") -> bytes:
    """A PNG that claims `width` x `height`: a few hundred bytes, a bomb if ever decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * (width + 1) * 4)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + extra
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small JPEG whose frame header says `width` x `height`."""
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (0, 200, 0)).save(out, "JPEG")
    data = bytearray(out.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def refused(result: Result, message: str, unwritten: Path) -> None:
    assert result.exit_code == 1
    assert result.stderr == message + "\n"
    assert not unwritten.exists(), "nothing is written when a picture is refused"


# -- pictures print as the viewer shows them ---------------------------------------------
@needs_pdftoppm
def test_sixteen_bit_grey_prints_grey_not_white(project: Path) -> None:
    # 30000 of 65535 is 45 % grey: a viewer shows (116, 116, 116); ReportLab clipped it to 255.
    Image.new("I;16", (200, 100), 30000).save(project / "data/routines/grey16.png")
    assert Image.open(project / "data/routines/grey16.png").mode == "I;16"
    pictured(project, "grey", "grey16.png")
    result = run("handout", "grey")
    assert result.exit_code == 0, result.output
    page = page_pixels(project / "out/grey.pdf")
    grey = where(page, lambda c: max(c) - min(c) <= 2 and 112 <= c[0] <= 120)
    assert len(grey) > 2000, f"only {len(grey)} mid-grey pixels: the picture printed blank"


@needs_pdftoppm
def test_phone_photo_turned_by_exif_prints_upright(project: Path) -> None:
    # Stored landscape, green left half and magenta right half, with Orientation 6 (turn
    # 90 degrees clockwise): a viewer shows it portrait, green above magenta.
    stored = Image.new("RGB", (160, 80), (220, 0, 220))
    stored.paste((0, 200, 0), (0, 0, 80, 80))
    exif = Image.Exif()
    exif[0x0112] = 6
    stored.save(project / "data/routines/phone.jpg", exif=exif.tobytes(), quality=95)
    pictured(project, "phone", "phone.jpg")
    result = run("handout", "phone")
    assert result.exit_code == 0, result.output
    page = page_pixels(project / "out/phone.pdf")
    green, magenta = where(page, GREEN), where(page, MAGENTA)
    assert green and magenta
    left, top, right, bottom = box(green + magenta)
    assert bottom - top > 1.8 * (right - left), "the picture printed landscape (sideways)"
    assert box(green)[3] <= box(magenta)[1] + 1, "green must be above magenta"
    image = next(iter(PdfReader(project / "out/phone.pdf").pages[0].images))
    assert image.image is not None and image.image.size in ((80, 160), (40, 20))


@needs_pdftoppm
def test_colour_key_transparency_shows_the_paper(project: Path) -> None:
    # An RGB PNG whose tRNS chunk makes pure red transparent: a viewer shows blue beside
    # nothing; ReportLab ignored the key and printed a red block.
    pic = Image.new("RGB", (200, 100), (0, 0, 200))
    pic.paste((255, 0, 0), (100, 0, 200, 100))
    pic.save(project / "data/routines/keyed.png", transparency=(255, 0, 0))
    pictured(project, "keyed", "keyed.png")
    result = run("handout", "keyed")
    assert result.exit_code == 0, result.output
    page = page_pixels(project / "out/keyed.pdf")
    assert len(where(page, BLUE)) > 1000
    assert where(page, PURE_RED) == []


@needs_pdftoppm
def test_cmyk_jpeg_prints_as_rgb(project: Path) -> None:
    Image.new("CMYK", (200, 100), (0, 255, 255, 0)).save(project / "data/routines/cmyk.jpg")
    pictured(project, "cmyk", "cmyk.jpg")
    result = run("handout", "cmyk")
    assert result.exit_code == 0, result.output
    spaces = [
        str(x.get_object().get("/ColorSpace"))
        for x in PdfReader(project / "out/cmyk.pdf").pages[0]["/Resources"]["/XObject"].values()
    ]
    assert "/DeviceCMYK" not in spaces  # colours are the viewer's, not the printer driver's
    page = page_pixels(project / "out/cmyk.pdf")
    assert len(where(page, PURE_RED)) > 2000


def test_plain_jpeg_keeps_its_data_and_loses_its_metadata(project: Path) -> None:
    photo = Image.new("RGB", (64, 48), (0, 120, 200))
    exif = Image.Exif()
    exif[0x010E] = "PATIENT-HOME-GPS"  # ImageDescription, standing in for GPS and the like
    photo.save(project / "data/routines/plain.jpg", exif=exif.tobytes(), comment=b"PRIVATE-NOTE")
    original = (project / "data/routines/plain.jpg").read_bytes()
    pictured(project, "plain", "plain.jpg")
    assert run("handout", "plain").exit_code == 0
    streams = [
        x.get_object()
        for x in PdfReader(project / "out/plain.pdf").pages[0]["/Resources"]["/XObject"].values()
    ]
    jpegs = [x.get_data() for x in streams if "/DCTDecode" in x.get("/Filter", [])]
    assert len(jpegs) == 1
    assert b"PATIENT-HOME-GPS" not in jpegs[0] and b"PRIVATE-NOTE" not in jpegs[0]
    stripped = images.strip_jpeg(original)
    assert len(stripped) < len(original)
    assert jpegs[0] == stripped  # passed through: the compressed picture is not re-encoded
    assert Image.open(io.BytesIO(stripped)).tobytes() == Image.open(io.BytesIO(original)).tobytes()


def test_unchanged_png_keeps_its_pixel_data_and_loses_its_text(project: Path) -> None:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "PATIENT-NAME")
    path = project / "data/plain.png"
    Image.effect_noise((300, 200), 60).convert("RGB").save(path, pnginfo=info)
    original = path.read_bytes()
    data = images.image_bytes(path)
    assert b"PATIENT-NAME" in original and b"PATIENT-NAME" not in data
    idat = original.index(b"IDAT") - 4
    assert original[idat:-12] in data  # the compressed pixels as they were: not re-encoded
    assert Image.open(io.BytesIO(data)).tobytes() == Image.open(path).tobytes()


def test_same_picture_gives_byte_identical_pdfs(project: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 8
    Image.new("RGB", (90, 40), (10, 160, 40)).save(
        project / "data/routines/turned.jpg", exif=exif.tobytes()
    )
    Image.new("I;16", (50, 50), 40000).save(project / "data/routines/deep.png")
    write(
        project / "data/routines/both.yaml",
        "title: Both\nimage: turned.jpg\nsteps:\n  - text: One\n    image: deep.png\n",
    )
    shutil.copytree(project / "data", project / "copy")
    outputs = []
    for data in ("data", "copy", "data"):
        images.clear_cache()
        result = run("--data", data, "handout", f"{data}/routines/both.yaml", "-o", "o.pdf")
        assert result.exit_code == 0, result.output
        outputs.append((project / "o.pdf").read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]  # the files' folder does not matter either


def test_prepared_picture_is_cached_until_the_file_changes(project: Path) -> None:
    path = project / "data/pic.png"
    Image.new("RGB", (30, 20), (1, 2, 3)).save(path)
    first = images.prepare(path)
    assert (first.path, first.width, first.height) == (path.resolve(), 30, 20)
    assert images.image_bytes(path) is images.image_bytes(path)  # decoded once
    Image.new("RGB", (20, 30), (1, 2, 3)).save(path)
    os.utime(path, ns=(1, 1))
    second = images.prepare(path)
    assert (second.width, second.height) == (20, 30) and second.sha256 != first.sha256


# -- refusals: one line with the picture's YAML position, nothing written -----------------
BIG = "is 20000 x 20000 pixels (limit 40 megapixels); make it smaller"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("huge.png", png_header(20000, 20000), BIG),  # Pillow: DecompressionBombError
        ("warn.png", png_header(10000, 10000), BIG.replace("20000", "10000")),  # ...Warning
        ("over.png", png_header(8000, 5001), "is 8000 x 5001 pixels (limit 40 megapixels); "
         "make it smaller"),
        ("huge.jpg", jpeg_claiming(60000, 60000), BIG.replace("20000", "60000")),
    ],
)  # fmt: skip
def test_pictures_over_the_pixel_limit_are_refused(
    project: Path, name: str, data: bytes, reason: str
) -> None:
    (project / "data/routines" / name).write_bytes(data)
    pictured(project, "big", name)
    result = run("handout", "big")
    refused(
        result,
        f"data/routines/big.yaml:2:8: image data/routines/{name} {reason}",
        project / "out/big.pdf",
    )


def test_a_bomb_logo_is_refused_at_its_line(project: Path) -> None:
    (project / "data/logo.png").write_bytes(png_header(20000, 20000))
    result = run("handout", "sacral-traction")
    refused(
        result,
        f"data/clinic.yaml:10:7: logo data/logo.png {BIG}",
        project / "out/sacral-traction.pdf",
    )


@needs_pdftoppm
def test_booklet_cover_prints_upright_and_a_bomb_cover_is_refused(project: Path) -> None:
    stored = Image.new("RGB", (160, 80), (220, 0, 220))
    stored.paste((0, 200, 0), (0, 0, 80, 80))
    exif = Image.Exif()
    exif[0x0112] = 6
    stored.save(project / "data/cover.jpg", exif=exif.tobytes(), quality=95)
    write(
        project / "data/booklets/covered.yaml",
        "title: Covered\ncover_image: ../cover.jpg\nroutines:\n  - sacral-traction\n",
    )
    result = run("booklet", "covered")
    assert result.exit_code == 0, result.output
    page = page_pixels(project / "out/covered.booklet.pdf")
    green, magenta = where(page, GREEN), where(page, MAGENTA)
    left, top, right, bottom = box(green + magenta)
    assert bottom - top > 1.8 * (right - left), "the cover picture printed sideways"
    assert box(green)[3] <= box(magenta)[1] + 1, "green must be above magenta"
    (project / "data/cover.jpg").write_bytes(png_header(20000, 20000))
    (project / "out/covered.booklet.pdf").unlink()
    refused(
        run("booklet", "covered"),
        f"data/booklets/covered.yaml:2:14: cover_image data/cover.jpg {BIG}",
        project / "out/covered.booklet.pdf",
    )


def test_pictures_over_the_file_size_limit_are_refused(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(images, "MAX_FILE_BYTES", 2 * 1024 * 1024)
    (project / "data/routines/heavy.png").write_bytes(png_header(10, 10) + b"\0" * 3_000_000)
    pictured(project, "heavy", "heavy.png")
    size = (project / "data/routines/heavy.png").stat().st_size
    result = run("handout", "heavy")
    message = (
        f"data/routines/heavy.yaml:2:8: image data/routines/heavy.png is {size:,} bytes "
        "(limit 2 MB); make it smaller"
    )
    refused(result, message, project / "out/heavy.pdf")


def test_a_neighbours_bad_picture_does_not_stop_a_handout(project: Path) -> None:
    (project / "data/routines/huge.png").write_bytes(png_header(20000, 20000))
    pictured(project, "rolls", "huge.png", title="Shoulder Rolls")
    write(
        project / "data/routines/alpha.yaml",
        "title: Alpha\nnext: rolls\nsteps:\n  - Stand tall.\n",
    )
    result = run("handout", "alpha")
    assert result.exit_code == 0, result.output
    assert "Shoulder Rolls" in pdf_text(project / "out/alpha.pdf")  # its title, not its id
    # The bad picture itself is still reported where it is used.
    message = f"data/routines/rolls.yaml:2:8: image data/routines/huge.png {BIG}"
    assert message in run("validate").stderr.splitlines()
    refused(run("handout", "rolls"), message, project / "out/rolls.pdf")


@needs_pdftoppm
def test_symlinked_routine_finds_its_pictures_beside_the_link(project: Path) -> None:
    shared = write(
        project / "shared/linked.yaml", "title: Linked\nimage: pic.png\nsteps:\n  - Look\n"
    )
    (project / "data/routines/linked.yaml").symlink_to(shared)
    Image.new("RGB", (120, 60), (0, 200, 0)).save(project / "data/routines/pic.png")
    result = run("handout", "linked")
    assert result.exit_code == 0, result.output
    assert len(where(page_pixels(project / "out/linked.pdf"), GREEN)) > 1000
    # A picture only beside the link's target is not where the link says: one clear line.
    (project / "data/routines/pic.png").rename(project / "shared/pic.png")
    refused(
        run("handout", "linked", "-o", "again.pdf"),
        "data/routines/linked.yaml:2:8: image file not found: data/routines/pic.png",
        project / "again.pdf",
    )


@pytest.mark.parametrize("escape", ["\\ud800", "\\udcff"])
def test_a_surrogate_in_a_picture_path_is_refused(project: Path, escape: str) -> None:
    write(
        project / "data/routines/odd.yaml",
        f'title: Odd\nimage: "pic{escape}.png"\nsteps:\n  - Look\n',
    )
    result = run("handout", "odd")
    refused(
        result,
        f"data/routines/odd.yaml:2:8: image path 'pic{escape}.png' is not valid text; "
        "rename the picture with plain characters",
        project / "out/odd.pdf",
    )


def test_damaged_pictures_are_refused_never_crash(tmp_path: Path) -> None:
    """Seeded byte damage to PNGs and JPEGs of every mode: each either prepares into bytes
    ReportLab can draw, or is refused with a reason; nothing else escapes."""
    import random

    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    rng = random.Random(11)
    seeds = []
    for mode, fmt in [("RGB", "JPEG"), ("L", "JPEG"), ("CMYK", "JPEG"), ("RGB", "PNG"),
                      ("P", "PNG"), ("I;16", "PNG"), ("LA", "PNG"), ("RGBA", "PNG")]:  # fmt: skip
        out = io.BytesIO()
        noise = Image.effect_noise((24, 16), 50).convert("L")
        pic = Image.new("I;16", (24, 16), 999) if mode == "I;16" else noise.convert(mode)
        exif = Image.Exif()
        exif[0x0112] = rng.randint(1, 8)
        pic.save(out, fmt, exif=exif.tobytes())
        seeds.append(out.getvalue())
    path = tmp_path / "damaged.bin"
    outcomes = {"printed": 0, "refused": 0}
    for _ in range(400):
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(data))
            if rng.random() < 0.6:
                data[at] = rng.randrange(256)
            elif rng.random() < 0.5:
                del data[at : at + rng.randint(1, 40)]
            else:
                del data[at:]
            if len(data) < 2:
                break
        path.write_bytes(bytes(data))
        images.clear_cache()
        try:
            printed = images.image_bytes(path)
        except images.ImageRefused as exc:
            assert exc.reason and "\n" not in exc.reason
            outcomes["refused"] += 1
            continue
        canvas = Canvas(io.BytesIO())
        canvas.drawImage(ImageReader(io.BytesIO(printed)), 0, 0, 40, 40, mask="auto")
        canvas.save()
        outcomes["printed"] += 1
    assert outcomes["printed"] > 20 and outcomes["refused"] > 20, outcomes
