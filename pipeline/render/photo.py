"""Product photos scaled into a box: cover with a focal point, or contained on a blurred fill.

Decoding is the slow part of a 12 MP phone photo, so JPEGs are decoded at a reduced scale
(libjpeg's DCT scaling via `draft`) no smaller than the box needs, and a decoded photo is kept
for the next slide of the same post. The blurred fill is made small and scaled up: the look of a
full-size blur at a fraction of its cost.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Any

from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

from pipeline.catalog.media import to_rgb
from pipeline.common.errors import PhotoError

_ROTATED = (5, 6, 7, 8)  # EXIF orientations that swap width and height
_CACHE: OrderedDict[tuple, Image.Image] = OrderedDict()
_CACHE_SIZE = 4


def source_of(photo: Any) -> tuple[Any, tuple[float, float]]:
    """(a path or a PIL image, focus) from a models.Photo, a path or an image."""
    if isinstance(photo, Image.Image):
        return photo, (0.5, 0.5)
    if isinstance(photo, (str, Path)):
        return Path(photo), (0.5, 0.5)
    return Path(photo.path), tuple(photo.focus)


def upright_size(path: Path) -> tuple[int, int]:
    try:
        with Image.open(path) as im:
            w, h = im.size
            orientation = im.getexif().get(0x0112, 1) if im.format in ("JPEG", "MPO", "PNG", "WEBP") else 1
    except (OSError, UnidentifiedImageError, ValueError) as exc:
        raise PhotoError(path, f"cannot open photo: {exc}") from None
    return (h, w) if orientation in _ROTATED else (w, h)


def decode(path: Path, need: tuple[int, int]) -> Image.Image:
    """Upright sRGB RGB, decoded at the smallest JPEG scale that still covers `need` (upright px).

    Cached by the scale libjpeg will use, so the same request gives the same pixels whatever was
    decoded before it (the cover, the details card and the video all ask for the hero).
    """
    try:
        with Image.open(path) as im:
            orientation = im.getexif().get(0x0112, 1) if im.format in ("JPEG", "MPO") else 1
            if im.format in ("JPEG", "MPO"):
                w, h = need if orientation not in _ROTATED else (need[1], need[0])
                im.draft("RGB", (max(1, w), max(1, h)))
            key = (str(path), path.stat().st_mtime_ns, im.size)
            if key in _CACHE:
                _CACHE.move_to_end(key)
                return _CACHE[key]
            im.load()
            upright = ImageOps.exif_transpose(im)  # a copy, detached from the file
            out = to_rgb(upright)  # also wide-gamut (P3) photos to sRGB
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise PhotoError(path, f"cannot decode photo: {exc}") from None
    _CACHE[key] = out
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return out


def crop_box(src: tuple[int, int], box: tuple[int, int], focus: tuple[float, float]) -> tuple[float, ...]:
    """The part of a src-sized image that covers `box`, centred on the focus as far as the edges allow."""
    w, h = src
    scale = max(box[0] / w, box[1] / h)
    cw, ch = box[0] / scale, box[1] / scale
    cw, ch = min(cw, w), min(ch, h)  # float rounding must never ask for more than the image has
    left = max(min(focus[0] * w - cw / 2, w - cw), 0.0)
    top = max(min(focus[1] * h - ch / 2, h - ch), 0.0)
    return (left, top, left + cw, top + ch)


def cover_keeps(src: tuple[int, int], box: tuple[int, int]) -> float:
    """The share of the photo's width or height (the smaller) that a cover fit keeps."""
    scale = max(box[0] / src[0], box[1] / src[1])
    return min(box[0] / (src[0] * scale), box[1] / (src[1] * scale))


def fit_photo(photo: Any, box: tuple[int, int], *, fit: str = "auto", min_cover_keep: float = 0.7,
              fill: str = "blur", fill_rgb: tuple[int, int, int] = (34, 23, 15)) -> tuple[Image.Image, str]:
    """(RGB image of exactly `box`, the fit used). A landscape photo in a portrait box is contained
    on a blurred copy of itself rather than cropped to a sliver."""
    source, focus = source_of(photo)
    src_size = source.size if isinstance(source, Image.Image) else upright_size(source)
    if fit == "auto":
        fit = "cover" if cover_keeps(src_size, box) >= min_cover_keep else "contain"
    if fit == "cover":
        scale = max(box[0] / src_size[0], box[1] / src_size[1])
    else:
        scale = min(box[0] / src_size[0], box[1] / src_size[1])
    need = (round(src_size[0] * scale), round(src_size[1] * scale))
    im = source if isinstance(source, Image.Image) else decode(source, need)
    im = to_rgb(im)
    if fit == "cover":
        crop = crop_box(im.size, box, focus)  # in the decoded image's own pixels: a draft decode rounds
        # bicubic: the draft decode already did the large reduction, so this step is at most ~2x
        return im.resize(box, Image.Resampling.BICUBIC, box=crop, reducing_gap=2.0), fit
    inner = im.resize((max(1, min(box[0], need[0])), max(1, min(box[1], need[1]))), Image.Resampling.BICUBIC,
                      reducing_gap=2.0)
    canvas = _blurred(im, box) if fill == "blur" else Image.new("RGB", box, fill_rgb)
    canvas.paste(inner, ((box[0] - inner.size[0]) // 2, (box[1] - inner.size[1]) // 2))
    return canvas, fit


def _blurred(im: Image.Image, box: tuple[int, int]) -> Image.Image:
    small = (max(1, box[0] // 16), max(1, box[1] // 16))
    crop = crop_box(im.size, small, (0.5, 0.5))
    tiny = im.resize(small, Image.Resampling.BILINEAR, box=crop, reducing_gap=2.0)
    tiny = tiny.filter(ImageFilter.GaussianBlur(2)).point(lambda v: int(v * 0.7))
    return tiny.resize(box, Image.Resampling.BILINEAR)
