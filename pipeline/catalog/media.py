"""Opening photos safely: EXIF orientation, colour modes, HEIC, size and decompression-bomb limits.

`probe` reads headers only (fast enough for a thousand products); `open_rgb` decodes fully
for rendering. Both raise MediaError with a message a curator can act on. Pillow's own warnings
(damaged EXIF, mostly) never reach the console: `probe` returns them as notes the catalogue turns
into warnings on the product, and `open_rgb` silences them (check has reported them already).
"""

from __future__ import annotations

import functools
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

try:
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF = True
except ImportError:  # pragma: no cover
    HEIF = False

MAX_PIXELS = 60_000_000  # ~ a 50 MP phone photo with margin; above this we refuse (bomb guard)
MIN_SHORT_SIDE = 1080
FORMATS = {"JPEG", "PNG", "WEBP", "HEIF", "MPO"}
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class MediaError(Exception):
    """A photo that cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class PhotoInfo:
    width: int  # after EXIF orientation
    height: int
    format: str
    mode: str
    notes: tuple[str, ...] = ()  # Pillow's warnings while reading it, e.g. "Corrupt EXIF data"


def probe(path: Path) -> PhotoInfo:
    """Header check plus Pillow's verify(), without decoding the pixels."""
    if not path.is_file():
        raise MediaError("file not found")
    if path.stat().st_size == 0:
        raise MediaError("file is empty (0 bytes)")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                fmt, mode, (w, h) = im.format, im.mode, im.size
                orientation = im.getexif().get(0x0112, 1) if fmt != "HEIF" else 1
                if fmt not in FORMATS:
                    raise MediaError(f"{fmt} images are not supported: use JPEG, PNG, WebP or HEIC")
                if w * h > MAX_PIXELS:
                    raise MediaError(_too_large(w * h, (w, h)))
            if fmt in ("JPEG", "MPO"):
                _check_jpeg_complete(path)
            else:
                with Image.open(path) as fresh:  # verify() must come straight after open
                    fresh.verify()
    except MediaError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise MediaError(_friendly(exc)) from None
    except (OSError, SyntaxError, ValueError, RuntimeError) as exc:
        raise MediaError(f"damaged image: {exc}") from None
    if orientation in (5, 6, 7, 8):
        w, h = h, w
    notes = tuple(dict.fromkeys(_note(c) for c in caught))
    return PhotoInfo(w, h, fmt, mode, notes)


def _note(caught: warnings.WarningMessage) -> str:
    return " ".join(str(caught.message).split()).rstrip(".")


_SOS, _EOI = 0xDA, b"\xff\xd9"
_HEAD = 4 << 20  # EXIF, ICC and XMP segments come before the image data; phones write well under 1 MB


def _check_jpeg_complete(path: Path) -> None:
    """A truncated JPEG ends before its image data does. The end is found by walking the JPEG's own
    segments to its first scan and then finding the end marker after it, not by looking at the file's
    last bytes: phone "motion photos" (Samsung, Pixel) carry an MP4 after the JPEG's end. Inside the
    scan data a 0xFF byte is always stuffed, so the first FFD9 after the scan header is the image's end.
    The marker is looked for in the last 4 KB first, where it is unless something follows the JPEG.
    Decoding instead, even at 1/8 scale (`draft` + `load`), must still read all the entropy data:
    measured ~3 ms for the bench's 2.8 MP photos (+3 s CPU on 1,000 products, more than doubling
    check) and tens of ms for a 12 MP phone photo; this costs well under a millisecond."""
    with path.open("rb") as f:
        head = f.read(1 << 16)
        sos = _first_scan(head)
        if sos is None and len(head) == 1 << 16:  # big EXIF, ICC or XMP segments first
            head += f.read(_HEAD)
            sos = _first_scan(head)
        size = f.seek(0, 2)
        found = False
        if sos is not None:
            tail_at = max(sos, size - 4096)
            f.seek(tail_at)
            found = f.read().rfind(_EOI) >= 0
            f.seek(sos)
            carry = b""
            while not found and tail_at > sos and (chunk := f.read(1 << 20)):
                found = (carry + chunk).find(_EOI) >= 0
                carry = chunk[-1:]
    if not found:
        raise MediaError("image is truncated (its image data ends early): export or copy it again")


def _first_scan(data: bytes) -> int | None:
    """Offset of the first scan's data (after SOS and its header), or None when the file ends first."""
    pos, n = 2, len(data)
    while pos + 4 <= n:
        if data[pos] != 0xFF:
            return None
        code = data[pos + 1]
        if code == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        pos += 2 + length
        if code == _SOS:
            return pos if pos <= n else None
    return None


def _friendly(exc: Exception) -> str:
    if isinstance(exc, UnidentifiedImageError):
        return "not an image Pillow can read (use JPEG, PNG, WebP or HEIC)"
    pixels = re.search(r"\((\d+) pixels\)", str(exc))
    return _too_large(int(pixels[1]) if pixels else None)


def _too_large(pixels: int | None, size: tuple[int, int] | None = None) -> str:
    """Our limit, not Pillow's: its error names twice MAX_IMAGE_PIXELS (120 MP for our 60)."""
    dims = f"{size[0]}x{size[1]}, " if size else ""
    mp = f"{dims}{pixels / 1_000_000:.0f} MP" if pixels else "too large"
    return (f"image is {mp}, over the {MAX_PIXELS // 1_000_000} MP limit "
            "(too large to open safely): resize it to at most 8000 px on its long side")


def open_rgb(path: Path) -> Image.Image:
    """Decode to upright 8-bit sRGB RGB, whatever the phone or editor produced."""
    try:
        with warnings.catch_warnings(), Image.open(path) as im:
            warnings.simplefilter("ignore")  # Pillow's warnings while decoding: probe reported them
            im.load()
            upright = ImageOps.exif_transpose(im) or im
            return to_rgb(upright)
    except (UnidentifiedImageError, Image.DecompressionBombError) as exc:
        raise MediaError(_friendly(exc)) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise MediaError(f"damaged image: {exc}") from None


def to_rgb(im: Image.Image) -> Image.Image:
    """CMYK, 16-bit, palette, greyscale and alpha images to RGB; alpha lands on white; RGB photos
    tagged with another colour space (an iPhone's Display P3, Adobe RGB) converted to sRGB, since
    the JPEGs we write are untagged and read as sRGB. An sRGB or untagged RGB image is returned as is."""
    icc = im.info.get("icc_profile")
    if im.mode == "RGB":
        return _srgb_from(im, icc) if icc and not _is_srgb(icc) else im
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        im = im.point(lambda v: v / 257).convert("L")
    if im.mode == "P":
        im = im.convert("RGBA")
    if im.mode in ("RGBA", "LA", "PA"):
        bg = Image.new("RGB", im.size, (255, 255, 255))
        bg.paste(im.convert("RGBA"), mask=im.convert("RGBA").getchannel("A"))
        return _srgb_from(bg, icc) if im.mode == "RGBA" and icc and not _is_srgb(icc) else bg  # a P3 PNG
    if im.mode == "CMYK" and icc:
        return _srgb_from(im, icc)
    return im.convert("RGB")


def needs_conversion(im: Image.Image) -> bool:
    """Whether to_rgb would change this image's pixels: not RGB, or tagged with a colour space other than sRGB."""
    icc = im.info.get("icc_profile")
    return im.mode != "RGB" or bool(icc and not _is_srgb(icc))


def _srgb_from(im: Image.Image, icc: bytes) -> Image.Image:
    """Convert through the embedded profile; an unreadable profile falls back to a plain conversion."""
    try:
        return ImageCms.applyTransform(im, _transform_to_srgb(icc, im.mode))
    except (ImageCms.PyCMSError, OSError, ValueError):
        return im.convert("RGB")


@functools.lru_cache(maxsize=16)
def _transform_to_srgb(icc: bytes, mode: str) -> ImageCms.ImageCmsTransform:
    """Building a transform costs milliseconds; a phone's photos all carry the same profile."""
    src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    return ImageCms.buildTransform(src, ImageCms.createProfile("sRGB"), mode, "RGB")


@functools.lru_cache(maxsize=16)
def _is_srgb(icc: bytes) -> bool:
    try:
        description = ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc)))
    except (ImageCms.PyCMSError, OSError):
        return True  # unreadable: treat as sRGB rather than guess
    return "srgb" in description.lower().replace(" ", "")
