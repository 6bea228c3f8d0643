"""Fitting photos of awkward sizes into boxes: rounding in draft decodes must never break a crop."""

from __future__ import annotations

import pytest
from PIL import Image

from pipeline.common.errors import PhotoError
from pipeline.common.models import Photo
from pipeline.render.photo import crop_box, fit_photo


@pytest.mark.parametrize("src, box, fit", [
    ((1081, 1443), (360, 640), "cover"),     # odd sizes, JPEG draft decode rounds differently per axis
    ((1600, 900), (1080, 630), "cover"),     # near-equal aspect: float error used to give a negative offset
    ((1600, 900), (1080, 1920), "contain"),  # landscape on a portrait canvas
    ((333, 777), (1080, 1920), "cover"),     # tiny photo scaled up
])
def test_awkward_sizes_fit_exactly(tmp_path, src, box, fit):
    path = tmp_path / "p.jpg"
    Image.new("RGB", src, (120, 90, 60)).save(path, quality=90)
    im, used = fit_photo(Photo("p.jpg", path, (0.9, 0.1)), box, fit=fit)
    assert im.size == box and im.mode == "RGB" and used == fit


def test_crop_box_stays_inside_the_image():
    for w in range(900, 1700, 37):
        for focus in ((0, 0), (1, 1), (0.5, 0.5)):
            left, top, right, bottom = crop_box((w, 900), (1080, 630), focus)
            assert 0 <= left <= right <= w and 0 <= top <= bottom <= 900


def test_a_missing_photo_is_named(tmp_path):
    with pytest.raises(PhotoError, match="p.jpg"):
        fit_photo(Photo("p.jpg", tmp_path / "p.jpg", (0.5, 0.5)), (360, 640))
