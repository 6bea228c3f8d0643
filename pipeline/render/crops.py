"""One photo, several shots: crops around the focal point and detail zooms for a one-photo product.

With a single photo the video used to show the same picture for ten seconds. Here the photo is
cut into a few 9:16 views around its `focus` (a wide one, two details beside the focus, a tight
detail on it) written as lossless PNG files in a temporary folder; the video then treats them as
further photos, so each scene is another view with its own motion. The carousel keeps the photo
itself. The crops' order turns with the post number, so a product's second post starts elsewhere.
Cropping is exact integer arithmetic on the decoded pixels, so the same inputs give the same files.
"""

from __future__ import annotations

import contextlib
import dataclasses
import tempfile
from collections.abc import Iterator
from pathlib import Path

from PIL import Image

from pipeline.catalog.media import open_rgb
from pipeline.common.errors import Problem
from pipeline.common.models import Catalog, Photo, Product

ASPECT = 9 / 16  # the video's frame: the slide layout's photo fills it
# (share of the largest 9:16 window that fits, focus offset as a share of the photo's width, height)
SHOTS = ((0.78, 0.0, 0.0), (0.5, -0.14, 0.04), (0.5, 0.14, -0.04), (0.34, 0.0, 0.0))
ENOUGH = 3  # photos for a post that needs no crops; `check` suggests this many
MAX_UPSCALE = 3.0  # a detail is never cut so small that the 1080 px wide video enlarges it more than this
KEEP_WIDTH = 1350  # a crop wider than this is scaled down: the video's widest view (1080 x its zoom) needs no more


def crop_boxes(size: tuple[int, int], focus: tuple[float, float], aspect: float = ASPECT,
               width: int = 1080) -> list[tuple[int, int, int, int]]:
    """Distinct (left, top, right, bottom) 9:16 windows inside a photo of `size`, one per shot; a
    small photo gets wider details (at most MAX_UPSCALE enlargement at `width`), so fewer may differ."""
    w, h = size
    full_w, full_h = (w, w / aspect) if w / h <= aspect else (h * aspect, h)
    least = min(1.0, width / MAX_UPSCALE / full_w)
    out: list[tuple[int, int, int, int]] = []
    for wanted, dx, dy in SHOTS:
        share = max(wanted, least)
        cw, ch = max(2, round(full_w * share)), max(2, round(full_h * share))
        cx, cy = (focus[0] + dx) * w, (focus[1] + dy) * h
        left = min(max(0, round(cx - cw / 2)), w - cw)
        top = min(max(0, round(cy - ch / 2)), h - ch)
        box = (left, top, left + cw, top + ch)
        if box not in out:
            out.append(box)
    return out


def shots(photo: Photo, folder: Path, post_number: int = 1) -> list[Photo]:
    """The crops of `photo` as PNG files in `folder`, turned by the post number; each keeps the
    photo's file name (messages and the video's summary name the photo) and aims at its focus."""
    picture = open_rgb(Path(photo.path))
    boxes = crop_boxes(picture.size, photo.focus)
    turn = (post_number - 1) % len(boxes)
    out = []
    for i, box in enumerate(boxes[turn:] + boxes[:turn]):
        path = folder / f"crop-{i + 1}.png"
        shot = picture.crop(box)
        if shot.width > KEEP_WIDTH:
            shot = shot.resize((KEEP_WIDTH, round(shot.height * KEEP_WIDTH / shot.width)), Image.Resampling.LANCZOS)
        shot.save(path, "PNG", compress_level=1)
        fx = (photo.focus[0] * picture.width - box[0]) / (box[2] - box[0])
        fy = (photo.focus[1] * picture.height - box[1]) / (box[3] - box[1])
        out.append(Photo(photo.file, path, (min(max(fx, 0.0), 1.0), min(max(fy, 0.0), 1.0)), ""))
    return out


@contextlib.contextmanager
def for_video(product: Product, post_number: int = 1) -> Iterator[Product]:
    """The product as its video should see it: a one-photo product gets its crops as further
    photos for as long as the block runs (the folder is removed after); others are unchanged."""
    if len(product.photos) != 1:
        yield product
        return
    with tempfile.TemporaryDirectory(prefix="etalase-crops-") as tmp:
        yield dataclasses.replace(product, photos=(product.hero, *shots(product.hero, Path(tmp), post_number)))


def photo_problems(catalog: Catalog) -> list[Problem]:
    """For `etalase check`: products with fewer than three photos (the video then crops one photo)."""
    return [Problem(p.source, None, "photos",
                    "1 photo: the video is made of crops and detail zooms of it" if len(p.photos) == 1
                    else f"{len(p.photos)} photos: the video shows them again to fill its length",
                    f"{ENOUGH} or more photos make a better post (the whole piece, a detail, it in use)", "warning")
            for p in sorted(catalog.products.values(), key=lambda p: p.slug) if len(p.photos) < ENOUGH]
