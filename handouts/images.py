"""Pictures, opened once under limits and made to print as an image viewer shows them.

Every picture a product prints goes through `prepare(path)`: the file is read once, its type
is told from its content (PNG or JPEG only), its size is checked against `MAX_FILE_BYTES` and
`MAX_PIXELS` before a single pixel is decoded, and then it is decoded in full (a truncated
file fails here, not halfway through a PDF). What comes out is what a viewer shows:

- the EXIF orientation is applied (a phone's portrait photo prints portrait);
- modes ReportLab draws wrongly become 8-bit L, RGB or RGBA: 16- and 32-bit greyscale is
  scaled down (ReportLab clips it to white), CMYK becomes RGB, a tRNS colour key becomes
  an alpha channel (ReportLab ignores the key on RGB and L pictures), a palette becomes
  RGB (RGBA with its transparency), LA becomes RGBA, 1-bit becomes L;
- metadata is dropped (EXIF with a phone's GPS position, comments, ICC profiles, text).

The bytes are deterministic. A picture that needs no change keeps its own compressed data
byte for byte; only its metadata is cut out (a JPEG's APPn and comment segments but JFIF and
Adobe, a PNG's ancillary chunks), so nothing is recompressed. A JPEG that must be turned or
converted is re-encoded once as a JPEG at quality 95 (as a PNG, a 12-megapixel phone photo
is about seven times larger and eight times slower to write; see `REENCODE_QUALITY`); a PNG
that must change is written again as a PNG with no metadata. The same file always gives the
same bytes, so the same picture gives byte-identical PDFs.

Anything else is refused with `ImageRefused`, whose `reason` reads after the picture's
name: "is 20000 x 20000 pixels (limit 40 megapixels); make it smaller". The library puts the
picture's YAML position in front of it.

No ReportLab here: the render package turns `image_bytes(path)` into an ImageReader.
"""

from __future__ import annotations

import hashlib
import io
import struct
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import DataError, Problem

if TYPE_CHECKING:  # Pillow is imported when a picture is first opened (`list` needs none)
    from PIL import Image

MAX_PIXELS = 40_000_000
"""Width x height above which a picture is refused: 40 megapixels, larger than any phone
photo, small enough that decoding it (at most 160 MB as RGBA) cannot exhaust memory."""

MAX_FILE_BYTES = 50 * 1024 * 1024
"""Largest picture file read at all."""

REENCODE_QUALITY = 95
"""JPEG quality when a JPEG must be turned or converted: visually lossless in print."""

CACHE_BYTES = 256 * 1024 * 1024
"""Prepared pictures kept in memory, by total size of their bytes."""

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"

# EXIF orientation -> the transposition that shows the picture as a viewer does.
# Names of PIL.Image.Transpose members, so Pillow need not be imported with this module.
_ORIENT: dict[int, tuple[str, ...]] = {
    2: ("FLIP_LEFT_RIGHT",),
    3: ("ROTATE_180",),
    4: ("FLIP_TOP_BOTTOM",),
    5: ("TRANSPOSE",),
    6: ("ROTATE_270",),
    7: ("TRANSVERSE",),
    8: ("ROTATE_90",),
}
_EXIF_ORIENTATION = 0x0112

# JPEG: frames a PDF's DCTDecode filter (and ReportLab) takes as they are: baseline,
# extended sequential and progressive Huffman, 8 bits per sample.
_PLAIN_FRAMES = {0xC0, 0xC1, 0xC2}
_ALL_FRAMES = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
# Segments kept when a JPEG passes through: JFIF (APP0) and Adobe (APP14, which says how
# the colours were transformed); every other APPn and every comment is metadata.
_KEPT_APPS = {0xE0, 0xEE}
_NO_LENGTH = {0x01, *range(0xD0, 0xD8)}


class ImageRefused(DataError):
    """A picture that cannot print as a viewer shows it; `reason` follows its name."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__([Problem(safe_text(str(path)), 1, 1, f"picture {reason}")])


@dataclass(frozen=True)
class PreparedImage:
    """A picture ready to print: where it is, the hash of the bytes that print, its size
    in pixels as a viewer shows it (after the EXIF orientation)."""

    path: Path  # resolved
    sha256: str
    width: int
    height: int


def safe_text(text: str) -> str:
    """Text that prints anywhere: lone surrogates (from undecodable file names or YAML
    escapes) become `\\udcff`-style escapes instead of failing on output."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def has_surrogates(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


# -- the cache -------------------------------------------------------------------------------
_cache: OrderedDict[tuple[str, int, int], tuple[PreparedImage, bytes]] = OrderedDict()
_cached_bytes = 0


def _key(path: Path) -> tuple[Path, tuple[str, int, int]]:
    try:
        target = path.resolve()
        st = target.stat()
    except (OSError, RuntimeError, ValueError) as exc:
        raise ImageRefused(path, f"cannot be read: {_why(exc)}") from None
    return target, (str(target), st.st_mtime_ns, st.st_size)


def _entry(path: Path) -> tuple[PreparedImage, bytes]:
    global _cached_bytes
    target, key = _key(path)
    hit = _cache.get(key)
    if hit is not None:
        _cache.move_to_end(key)
        return hit
    entry = _prepare(target, key[2])
    _cache[key] = entry
    _cached_bytes += len(entry[1])
    while _cached_bytes > CACHE_BYTES and len(_cache) > 1:
        _, (_, old) = _cache.popitem(last=False)
        _cached_bytes -= len(old)
    return entry


def prepare(path: Path) -> PreparedImage:
    """Check and prepare the picture (once per version of the file); raises ImageRefused."""
    return _entry(path)[0]


def image_bytes(path: Path) -> bytes:
    """The bytes to print for the picture: PNG or JPEG, deterministic, no metadata.

    Cached by (resolved path, modification time, size): preparing at load time and printing
    at render time decode the file once.
    """
    return _entry(path)[1]


def clear_cache() -> None:
    global _cached_bytes
    _cache.clear()
    _cached_bytes = 0


# -- preparing one picture -------------------------------------------------------------------
def _why(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return safe_text(text.split("\n")[0])


def _amount(n: int) -> str:
    mib = 1024 * 1024
    return f"{n // mib} MB" if n % mib == 0 else f"{n:,} bytes"


def _prepare(path: Path, size: int) -> tuple[PreparedImage, bytes]:
    if size > MAX_FILE_BYTES:
        raise ImageRefused(
            path, f"is {size:,} bytes (limit {_amount(MAX_FILE_BYTES)}); make it smaller"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImageRefused(path, f"cannot be read: {_why(exc)}") from None
    if len(data) > MAX_FILE_BYTES:  # grew since stat
        raise ImageRefused(
            path, f"is {len(data):,} bytes (limit {_amount(MAX_FILE_BYTES)}); make it smaller"
        )
    jpeg_frame: tuple[int, int, int] | None = None
    if data.startswith(PNG_SIGNATURE):
        kind = "PNG"
    elif data.startswith(JPEG_SIGNATURE):
        kind = "JPEG"
        jpeg_frame = _jpeg_frame(data)
    else:
        raise ImageRefused(path, "is not a PNG or JPEG image")
    with warnings.catch_warnings():
        # Pillow warns about odd but readable data (corrupt EXIF, ...); the picture either
        # decodes below or is refused: nothing reaches the terminal.
        warnings.simplefilter("ignore")
        img = _open(path, kind, data)
        orientation = _orientation(img)
    img, converted = _printable(path, img)
    from PIL import Image

    for method in _ORIENT.get(orientation, ()):
        img = img.transpose(Image.Transpose[method])
    changed = converted or orientation in _ORIENT
    if kind == "JPEG":
        assert jpeg_frame is not None
        marker, precision, _ = jpeg_frame
        if not changed and marker in _PLAIN_FRAMES and precision == 8:
            out = strip_jpeg(data)
        else:
            out = _encode(img, "JPEG" if img.mode in ("L", "RGB") else "PNG")
    elif not changed:
        out = strip_png(data)
    else:
        out = _encode(img, "PNG")
    prepared = PreparedImage(path, hashlib.sha256(out).hexdigest(), img.width, img.height)
    return prepared, out


def _open(path: Path, kind: str, data: bytes) -> Image.Image:
    """Decode the picture, checking its pixel count from the header before decoding.

    The format's own class is used rather than `Image.open`: the size is checked here
    against our limit, never as Pillow's DecompressionBombError from inside `open`.
    """
    from PIL import Image, JpegImagePlugin, PngImagePlugin

    opener = PngImagePlugin.PngImageFile if kind == "PNG" else JpegImagePlugin.JpegImageFile
    try:
        img = opener(io.BytesIO(data))
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError) as exc:
        raise ImageRefused(path, f"cannot be read: {_why(exc)}") from None
    width, height = img.size
    if width * height > MAX_PIXELS:
        raise ImageRefused(
            path,
            f"is {width} x {height} pixels (limit {MAX_PIXELS // 1_000_000} megapixels); "
            "make it smaller",
        )
    try:
        img.load()
    except (
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
        struct.error,
        IndexError,
        MemoryError,
        Image.DecompressionBombError,
    ) as exc:
        raise ImageRefused(path, f"cannot be read: {_why(exc)}") from None
    return img


def _orientation(img: Image.Image) -> int:
    """The EXIF orientation a viewer honours; 1 when absent or unreadable (as viewers do)."""
    try:
        value = img.getexif().get(_EXIF_ORIENTATION, 1)
    except Exception:  # noqa: BLE001  malformed EXIF: a viewer shows the picture unturned
        return 1
    return value if isinstance(value, int) else 1


def _printable(path: Path, img: Image.Image) -> tuple[Image.Image, bool]:
    """The picture as 8-bit L, RGB or RGBA, and whether that changed its pixels' form."""
    mode = img.mode
    keyed = "transparency" in img.info  # a tRNS colour key or palette alpha
    if mode == "RGBA":
        return img, False
    if mode in ("L", "RGB"):
        return (img.convert("RGBA"), True) if keyed else (img, False)
    if mode in ("LA", "PA") or (mode == "P" and keyed):
        return img.convert("RGBA"), True
    if mode == "P":
        return img.convert("RGB"), True
    if mode == "1":
        return img.convert("RGBA" if keyed else "L"), True
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16-bit samples (0..65535) to 8 bits, as a viewer scales them; ReportLab clips
        # them, so mid-grey printed white.
        wide = img if mode == "I" else img.convert("I")
        return wide.point(lambda v: v * (1 / 257)).convert("L"), True
    if mode == "CMYK":
        return img.convert("RGB"), True
    raise ImageRefused(path, f"has the colour mode {mode}, which cannot print; save it as RGB")


def _encode(img: Image.Image, fmt: str) -> bytes:
    """Deterministic bytes with no metadata: `info` (ICC, EXIF, text, dpi) is dropped."""
    clean = img.copy()
    clean.info = {}
    out = io.BytesIO()
    if fmt == "JPEG":
        clean.save(out, "JPEG", quality=REENCODE_QUALITY, optimize=False, progressive=False)
    else:
        # ReportLab decodes the PNG and compresses the pixels itself: level 1 is enough.
        clean.save(out, "PNG", compress_level=1)
    return out.getvalue()


# -- PNG chunks -----------------------------------------------------------------------------
_PNG_KEPT = {b"IHDR", b"PLTE", b"IDAT", b"IEND"}


def strip_png(data: bytes) -> bytes:
    """The PNG with only its critical chunks: text, EXIF, ICC, time, animation and every
    other ancillary chunk cut out, the compressed pixels kept byte for byte. Called only on
    a PNG that Pillow has decoded in full, so its chunk structure is sound."""
    out = [PNG_SIGNATURE]
    pos = len(PNG_SIGNATURE)
    while pos + 12 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if kind in _PNG_KEPT:
            out.append(data[pos:end])
        if kind == b"IEND":
            break
        pos = end
    return b"".join(out)


# -- JPEG segments ---------------------------------------------------------------------------
def _segments(data: bytes) -> list[tuple[int, int, int]]:
    """(marker, start, end) of every segment up to and including EOI; entropy-coded data
    after SOS belongs to the SOS segment. Raises ValueError when the structure is broken."""
    out: list[tuple[int, int, int]] = [(0xD8, 0, 2)]
    pos, n = 2, len(data)
    while pos < n:
        if data[pos] != 0xFF:
            raise ValueError(f"no JPEG marker at byte {pos}")
        start = pos
        while pos < n and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= n:
            break
        marker = data[pos]
        pos += 1
        if marker == 0xD9:
            out.append((marker, start, pos))
            return out
        if marker in _NO_LENGTH:
            out.append((marker, start, pos))
            continue
        if pos + 2 > n:
            raise ValueError("JPEG segment cut short")
        length = int.from_bytes(data[pos : pos + 2], "big")
        if length < 2:
            raise ValueError("JPEG segment with a bad length")
        pos += length
        if marker == 0xDA:  # entropy-coded data runs to the next marker that is not RSTn
            while pos < n:
                nxt = data.find(b"\xff", pos)
                if nxt < 0 or nxt + 1 >= n:
                    pos = n
                    break
                follow = data[nxt + 1]
                if follow == 0x00 or 0xD0 <= follow <= 0xD7 or follow == 0xFF:
                    pos = nxt + (1 if follow == 0xFF else 2)
                    continue
                pos = nxt
                break
        out.append((marker, start, min(pos, n)))
    return out


def _jpeg_frame(data: bytes) -> tuple[int, int, int]:
    """(SOF marker, bits per sample, components) of the first frame; (0, 0, 0) when the
    segments cannot be followed (Pillow then decides whether it reads at all)."""
    try:
        for marker, start, end in _segments(data):
            if marker in _ALL_FRAMES and end - start >= 10:
                body = data[start + 4 : end]
                return marker, body[0], body[5]
    except ValueError:
        pass
    return 0, 0, 0


def strip_jpeg(data: bytes) -> bytes:
    """The JPEG with its metadata segments (EXIF, XMP, ICC, comments, anything after EOI)
    cut out: the compressed picture data is kept byte for byte."""
    try:
        segments = _segments(data)
    except ValueError:
        return data
    keep = [
        data[start:end]
        for marker, start, end in segments
        if not ((0xE1 <= marker <= 0xEF and marker not in _KEPT_APPS) or marker == 0xFE)
    ]
    return b"".join(keep)
