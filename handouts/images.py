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

`check(path)` is what can be known without decoding a pixel, and without Pillow (so
`handouts validate` imports none): the size limits, the type, the pixel count from the
header, and a sound structure: a PNG's critical chunks whole with their checksums and its
compressed pixels complete, a JPEG's segments readable up to its end marker. `prepare` runs the
same checks (`_structure`) before it decodes, so whatever `check` refuses, printing refuses
too; a picture damaged inside a sound structure (a JPEG's scrambled entropy-coded data) is
refused when it is first printed.

No ReportLab here: the render package turns `image_bytes(path)` into an ImageReader.
"""

from __future__ import annotations

import hashlib
import io
import struct
import warnings
import zlib
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .errors import DataError, Problem
from .records import record

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


@record
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


_checked: set[tuple[str, int, int]] = set()


def check(path: Path) -> None:
    """Refuse the picture if it is over a limit or damaged in its structure, without
    decoding it (no Pillow): what `validate` and the data loaders ask. Raises ImageRefused."""
    target, key = _key(path)
    if key in _cache or key in _checked:
        return
    data = _read(target, key[2])
    header = _structure(target, data)
    if isinstance(header, PngHeader):
        _png_pixels_complete(target, data, header)
    _checked.add(key)


def image_bytes(path: Path) -> bytes:
    """The bytes to print for the picture: PNG or JPEG, deterministic, no metadata.

    Cached by (resolved path, modification time, size): the job that takes the picture's
    hash and the renderer that prints it decode the file once.
    """
    return _entry(path)[1]


def clear_cache() -> None:
    global _cached_bytes
    _cache.clear()
    _checked.clear()
    _cached_bytes = 0


# -- preparing one picture -------------------------------------------------------------------
def _why(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return safe_text(text.split("\n")[0])


def _amount(n: int) -> str:
    mib = 1024 * 1024
    return f"{n // mib} MB" if n % mib == 0 else f"{n:,} bytes"


def _read(path: Path, size: int) -> bytes:
    """The file's bytes, under the file size limit (checked before and after reading)."""

    def too_big(n: int) -> ImageRefused:
        return ImageRefused(
            path, f"is {n:,} bytes (limit {_amount(MAX_FILE_BYTES)}); make it smaller"
        )

    if size > MAX_FILE_BYTES:
        raise too_big(size)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImageRefused(path, f"cannot be read: {_why(exc)}") from None
    if len(data) > MAX_FILE_BYTES:  # grew since stat
        raise too_big(len(data))
    return data


def _pixel_limit(path: Path, width: int, height: int) -> None:
    if width * height > MAX_PIXELS:
        raise ImageRefused(
            path,
            f"is {width} x {height} pixels (limit {MAX_PIXELS // 1_000_000} megapixels); "
            "make it smaller",
        )


def _prepare(path: Path, size: int) -> tuple[PreparedImage, bytes]:
    data = _read(path, size)
    header = _structure(path, data)
    kind = "PNG" if isinstance(header, PngHeader) else "JPEG"
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
    if isinstance(header, JpegHeader):
        if not changed and header.marker in _PLAIN_FRAMES and header.precision == 8:
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
        raise _damaged(path, _why(exc)) from None  # the bytes are in memory: the data is bad
    _pixel_limit(path, *img.size)  # as the header said (`_structure`); Pillow's own reading
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
        raise _damaged(path, _why(exc)) from None
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


# -- structure, without decoding ---------------------------------------------------------------
class PngHeader(NamedTuple):
    width: int
    height: int
    bits: int  # per pixel
    interlaced: bool
    idat: tuple[tuple[int, int], ...]  # (start, end) of each IDAT chunk's data


class JpegHeader(NamedTuple):
    width: int
    height: int
    marker: int  # the SOF marker: baseline, progressive, ...
    precision: int  # bits per sample
    components: int


# PNG colour type -> (channels, allowed bit depths), as the PNG specification lists them.
_PNG_TYPES: dict[int, tuple[int, frozenset[int]]] = {
    0: (1, frozenset({1, 2, 4, 8, 16})),
    2: (3, frozenset({8, 16})),
    3: (1, frozenset({1, 2, 4, 8})),
    4: (2, frozenset({8, 16})),
    6: (4, frozenset({8, 16})),
}
_PNG_CRITICAL = {b"IHDR", b"PLTE", b"IDAT", b"IEND"}
_SAVE_AGAIN = "; open it and save it again"


def _damaged(path: Path, what: str) -> ImageRefused:
    return ImageRefused(path, f"cannot be read: {what}{_SAVE_AGAIN}")


def _structure(path: Path, data: bytes) -> PngHeader | JpegHeader:
    """The picture's type and header, its pixel count within the limit, its structure sound
    (see `check`); raises ImageRefused. Shared by `check` and `prepare`."""
    if data.startswith(PNG_SIGNATURE):
        return _png_structure(path, data)
    if data.startswith(JPEG_SIGNATURE):
        return _jpeg_structure(path, data)
    raise ImageRefused(path, "is not a PNG or JPEG image")


def _png_structure(path: Path, data: bytes) -> PngHeader:
    """Chunks followed to IEND; the critical ones (IHDR, PLTE, IDAT, IEND) whole, with a
    right checksum (a damaged ancillary chunk is dropped when printing, as libpng does)."""
    pos, n = len(PNG_SIGNATURE), len(data)
    header: PngHeader | None = None
    idat: list[tuple[int, int]] = []
    while True:
        if pos + 12 > n:
            raise _damaged(path, "it is cut short (its end is missing)")
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > n:
            raise _damaged(path, "it is cut short (its end is missing)")
        critical = kind in _PNG_CRITICAL
        if critical and zlib.crc32(data[pos + 4 : end - 4]) != int.from_bytes(
            data[end - 4 : end], "big"
        ):
            raise _damaged(path, f"its {kind.decode('latin-1')} chunk is damaged")
        if header is None:
            if kind != b"IHDR" or length != 13:
                raise _damaged(path, "it does not start with a PNG header")
            header = _png_header(path, data[pos + 8 : pos + 21])
        elif kind == b"IDAT":
            idat.append((pos + 8, pos + 8 + length))
        elif kind == b"IEND":
            break
        pos = end
    if not idat:
        raise _damaged(path, "it has no pixels")
    return header._replace(idat=tuple(idat))


def _png_header(path: Path, ihdr: bytes) -> PngHeader:
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(
        ">IIBBBBB", ihdr
    )
    channels, depths = _PNG_TYPES.get(colour, (0, frozenset()))
    if not (depth in depths and compression == filtering == 0 and interlace in (0, 1)):
        raise _damaged(path, "its header is not a valid PNG header")
    if width == 0 or height == 0:
        raise _damaged(path, "it is 0 pixels wide or high")
    _pixel_limit(path, width, height)
    return PngHeader(width, height, channels * depth, interlace == 1, ())


# Adam7: (first column, first row, column step, row step) of each of the seven passes.
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
          (0, 1, 1, 2))  # fmt: skip


def _png_raw_size(header: PngHeader) -> int:
    """Bytes of filtered scanlines the compressed pixels must give: per row one filter
    byte and the row's pixels, for each Adam7 pass of an interlaced picture."""

    def rows(width: int, height: int) -> int:
        return 0 if width == 0 or height == 0 else height * (1 + (width * header.bits + 7) // 8)

    if not header.interlaced:
        return rows(header.width, header.height)
    return sum(
        rows((header.width - x + dx - 1) // dx, (header.height - y + dy - 1) // dy)
        for x, y, dx, dy in _ADAM7
    )


def _png_pixels_complete(path: Path, data: bytes, header: PngHeader) -> None:
    """The compressed pixels inflate (in steps of 1 MB, never held whole) to at least every
    scanline the header promises: what Pillow's decoder would otherwise find cut short."""
    wanted = _png_raw_size(header)
    inflate = zlib.decompressobj()
    got = 0
    try:
        for start, end in header.idat:
            chunk = data[start:end]
            while chunk and got < wanted:
                got += len(inflate.decompress(chunk, 1 << 20))
                chunk = inflate.unconsumed_tail
            if got >= wanted:
                return
    except zlib.error:
        raise _damaged(path, "its compressed pixels are damaged") from None
    raise _damaged(path, "it is cut short (pixels are missing)")


_IRREGULAR = JpegHeader(0, 0, 0, 0, 0)
"""A JPEG whose segments cannot be followed: not refused here (libjpeg skips stray bytes)."""


def _jpeg_structure(path: Path, data: bytes) -> JpegHeader:
    """Segments followed to the end marker (EOI), a frame header before the first scan."""
    try:
        segments = _segments(data)
    except ValueError:
        return _IRREGULAR  # decoded (and its size checked) by Pillow, then written again
    frame: JpegHeader | None = None
    for marker, start, end in segments:
        if marker in _ALL_FRAMES and frame is None:
            body = data[start + 4 : end]
            if len(body) < 6:
                raise _damaged(path, "its frame header is cut short")
            precision, height, width, components = struct.unpack(">BHHB", body[:6])
            _pixel_limit(path, width, height)
            frame = JpegHeader(width, height, marker, precision, components)
        elif marker == 0xDA and frame is None:
            raise _damaged(path, "its pixels come before its frame header")
    if frame is None:
        raise _damaged(path, "it has no frame header")
    if segments[-1][0] != 0xD9:
        raise _damaged(path, "it is cut short (its end is missing)")
    return frame


# -- JPEG segments ---------------------------------------------------------------------------
def _segments(data: bytes) -> list[tuple[int, int, int]]:
    """(marker, start, end) of every segment up to and including EOI (the last one only when
    the file is whole); entropy-coded data after SOS belongs to the SOS segment. Raises
    ValueError when the structure is irregular (bytes where a marker should be, a broken
    length): libjpeg may still read such a file, so only Pillow can tell."""
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
        if pos + 2 > n:  # cut short: no EOI follows
            break
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
