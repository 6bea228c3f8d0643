"""Opening photos safely: EXIF orientation, colour modes, HEIC, size and decompression-bomb limits.

`probe` reads headers only (fast enough for a thousand products); `open_rgb` decodes fully
for rendering. Both raise MediaError with a message a curator can act on.
"""

from __future__ import annotations

import functools
import io
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


def probe(path: Path) -> PhotoInfo:
    """Header check plus Pillow's verify(), without decoding the pixels."""
    if not path.is_file():
        raise MediaError("file not found")
    if path.stat().st_size == 0:
        raise MediaError("file is empty (0 bytes)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                fmt, mode, (w, h) = im.format, im.mode, im.size
                orientation = im.getexif().get(0x0112, 1) if fmt != "HEIF" else 1
                if fmt not in FORMATS:
                    raise MediaError(f"{fmt} images are not supported: use JPEG, PNG, WebP or HEIC")
                if w * h > MAX_PIXELS:
                    raise MediaError(f"image is {w}x{h}, over the {MAX_PIXELS // 1_000_000} MP limit")
            if fmt in ("JPEG", "MPO"):
                _check_jpeg_end(path)
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
    return PhotoInfo(w, h, fmt, mode)


def _check_jpeg_end(path: Path) -> None:
    """A truncated JPEG lacks its end marker; catching it here avoids a full decode."""
    with path.open("rb") as f:
        f.seek(-min(path.stat().st_size, 1024), 2)
        tail = f.read()
    if b"\xff\xd9" not in tail:
        raise MediaError("image is truncated (JPEG end marker missing): export or copy it again")


def _friendly(exc: Exception) -> str:
    if isinstance(exc, UnidentifiedImageError):
        return "not an image Pillow can read (use JPEG, PNG, WebP or HEIC)"
    return f"image too large to open safely: {exc}"


def open_rgb(path: Path) -> Image.Image:
    """Decode to upright 8-bit sRGB RGB, whatever the phone or editor produced."""
    try:
        with Image.open(path) as im:
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
