"""`handouts validate` checks pictures without decoding them (so without Pillow), and what it
refuses, printing refuses too, with the same line.

`images.check` reads a picture's structure: size, type, pixel count, a PNG's critical chunks
and checksums and that its compressed pixels are complete, a JPEG's segments up to its end
marker. `images.prepare` runs the same structure check before decoding every pixel.
"""

from __future__ import annotations

import io
import random
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from handouts import images
from tests.conftest import run, write


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    images.clear_cache()
    yield
    images.clear_cache()


def saved(img: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **options)
    return out.getvalue()


def noise(width: int, height: int, seed: int) -> Image.Image:
    rng = random.Random(seed)
    return Image.frombytes(
        "L", (width, height), bytes(rng.randrange(256) for _ in range(width * height))
    )


def every_kind_pillow_writes() -> list[tuple[str, bytes]]:
    """Valid pictures of every PNG colour type and bit depth (interlaced or not) and every
    JPEG kind, at sizes that do not fill whole bytes or whole Adam7 passes."""
    out: list[tuple[str, bytes]] = []
    for width, height in [(1, 1), (3, 5), (9, 17), (24, 16)]:
        grey = noise(width, height, width * 100 + height)
        pictures = {
            "1": grey.convert("1"),
            "L": grey,
            "LA": grey.convert("LA"),
            "RGB": grey.convert("RGB"),
            "RGBA": grey.convert("RGBA"),
            "P": grey.convert("RGB").convert("P"),
            "I;16": Image.new("I;16", (width, height), 999),
        }
        for mode, pic in pictures.items():
            for interlace in (0, 1):
                out.append(
                    (
                        f"{mode} {width}x{height} png i{interlace}",
                        saved(pic, "PNG", interlace=interlace),
                    )
                )
        for bits in (1, 2, 4):
            pal = pictures["P"].quantize(colors=2**bits)
            out.append((f"P{bits} {width}x{height} png", saved(pal, "PNG", bits=bits)))
        for mode in ("L", "RGB", "CMYK"):
            for progressive in (False, True):
                pic = grey.convert(mode)
                name = f"{mode} {width}x{height} jpeg p{int(progressive)}"
                out.append((name, saved(pic, "JPEG", progressive=progressive)))
    return out


def test_check_accepts_every_sound_picture_and_agrees_with_printing(tmp_path: Path) -> None:
    path = tmp_path / "pic.bin"
    for name, data in every_kind_pillow_writes():
        path.write_bytes(data)
        images.clear_cache()
        images.check(path)  # raises on a refusal: a sound picture must never be refused
        assert images.prepare(path).width > 0, name


def chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png(width: int, height: int, pixels: bytes) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        images.PNG_SIGNATURE
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


GOOD_PNG = saved(noise(40, 30, 1).convert("RGB"), "PNG")
GOOD_JPEG = saved(noise(40, 30, 2).convert("RGB"), "JPEG")
CUT = "cannot be read: it is cut short (its end is missing); open it and save it again"


def damaged_idat() -> bytes:
    data = bytearray(GOOD_PNG)
    at = data.index(b"IDAT") + 10
    data[at] ^= 0xFF
    return bytes(data)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("cut.png", GOOD_PNG[: len(GOOD_PNG) // 2], CUT),
        ("cut.jpg", GOOD_JPEG[: len(GOOD_JPEG) // 2], CUT),
        ("nocrc.png", damaged_idat(),
         "cannot be read: its IDAT chunk is damaged; open it and save it again"),
        # Whole chunks with right checksums, but two of the 30 rows' pixels are missing.
        ("short.png", png(40, 30, b"\0" * (41 * 28)),
         "cannot be read: it is cut short (pixels are missing); open it and save it again"),
        ("bomb.png", png(20000, 20000, b""),
         "is 20000 x 20000 pixels (limit 40 megapixels); make it smaller"),
        ("text.png", b"not a picture at all", "is not a PNG or JPEG image"),
    ],
)  # fmt: skip
def test_validate_refuses_a_damaged_picture_at_its_line_as_printing_does(
    project: Path, name: str, data: bytes, reason: str
) -> None:
    (project / "data/routines" / name).write_bytes(data)
    write(
        project / "data/routines/pictured.yaml",
        f"title: Pictured\nimage: {name}\nsteps:\n  - Look at the picture.\n",
    )
    line = f"data/routines/pictured.yaml:2:8: image data/routines/{name} {reason}"
    checked = run("validate", "data/routines/pictured.yaml")
    assert checked.exit_code == 1
    assert checked.stderr.splitlines() == [line]
    images.clear_cache()
    printed = run("handout", "pictured")
    assert printed.exit_code == 1
    assert printed.stderr == line + "\n"
    assert not (project / "out/pictured.pdf").exists()


def test_what_check_refuses_printing_refuses(tmp_path: Path) -> None:
    """Seeded byte damage (changed, cut and removed bytes) to pictures of every kind: a
    picture `validate` refuses is never printed; one it passes may still be refused when
    decoded (damage inside a JPEG's compressed data), never the other way round."""
    rng = random.Random(12)
    seeds = [data for _, data in every_kind_pillow_writes() if len(data) > 200]
    path = tmp_path / "damaged.bin"
    counts = {"refused by both": 0, "passed check, refused printing": 0, "printed": 0}
    for _ in range(600):
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(data))
            pick = rng.random()
            if pick < 0.6:
                data[at] = rng.randrange(256)
            elif pick < 0.8:
                del data[at : at + rng.randint(1, 40)]
            else:
                del data[at:]
            if len(data) < 4:
                break
        path.write_bytes(bytes(data))
        images.clear_cache()
        try:
            images.check(path)
        except images.ImageRefused:
            images.clear_cache()
            with pytest.raises(images.ImageRefused):
                images.prepare(path)
            counts["refused by both"] += 1
            continue
        images.clear_cache()
        try:
            images.prepare(path)
        except images.ImageRefused:
            counts["passed check, refused printing"] += 1
            continue
        counts["printed"] += 1
    assert all(n > 10 for n in counts.values()), counts


def hidden_damage(folder: Path) -> bytes:
    """A JPEG whose structure `check` finds sound but which Pillow cannot decode (a damaged
    Huffman table, say): bytes changed at random, never to or after 0xFF, until one is."""
    rng = random.Random(3)
    path = folder / "probe.jpg"
    try:
        for _ in range(2000):
            data = bytearray(GOOD_JPEG)
            for _ in range(3):
                at = rng.randrange(20, len(data) - 2)
                if 0xFF not in (data[at - 1], data[at]):  # no marker made, no stuffing undone
                    data[at] = rng.randrange(0xFF)
            path.write_bytes(bytes(data))
            images.clear_cache()
            try:
                images.check(path)
            except images.ImageRefused:
                continue
            try:
                images.prepare(path)
            except images.ImageRefused:
                return bytes(data)
    finally:
        path.unlink(missing_ok=True)
        images.clear_cache()
    raise AssertionError("no undecodable JPEG found")


def test_damage_inside_a_sound_jpeg_is_refused_when_printed_and_stops_nothing_else(
    project: Path,
) -> None:
    (project / "data/routines/pic.jpg").write_bytes(hidden_damage(project))
    write(
        project / "data/routines/pictured.yaml",
        "title: Pictured\nimage:\n  path: pic.jpg\n  alt: A knee\nsteps:\n  - Look.\n",
    )
    assert run("validate", "data/routines/pictured.yaml").exit_code == 0
    built = run("build")
    assert built.exit_code == 1
    refusal = [line for line in built.stderr.splitlines() if "pic.jpg" in line]
    assert len(refusal) == 1
    assert refusal[0].startswith(
        "data/routines/pictured.yaml:3:9: image data/routines/pic.jpg cannot be read: "
    )
    assert refusal[0].endswith("; open it and save it again")
    assert not (project / "out/pictured.pdf").exists()
    assert (project / "out/sacral-traction.pdf").exists()  # the rest of the build is made
