"""Photos from phones and editors come in every mode; the renderer always gets upright sRGB RGB."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipeline.catalog import media
from pipeline.catalog.media import MediaError, open_rgb, probe


def save(tmp_path: Path, name: str, im: Image.Image, **kw) -> Path:
    path = tmp_path / name
    im.save(path, **kw)
    return path


def test_exif_orientation_is_applied(tmp_path):
    im = Image.new("RGB", (40, 20), (255, 0, 0))
    im.paste((0, 0, 255), (0, 0, 20, 20))  # left half blue
    exif = im.getexif()
    exif[0x0112] = 6  # viewer rotates 90 degrees clockwise
    out = open_rgb(save(tmp_path, "o.jpg", im, exif=exif, quality=95))
    assert out.size == (20, 40)
    top = np.asarray(out)[2, 10]
    assert top[2] > 200 and top[0] < 60  # the blue half ends up on top


@pytest.mark.parametrize("mode, colour", [("CMYK", (0, 255, 255, 0)), ("P", None), ("L", 128), ("LA", (128, 255))])
def test_colour_modes_become_rgb(tmp_path, mode, colour):
    im = Image.new("RGB", (16, 16), (255, 0, 0)).convert("P") if mode == "P" else Image.new(mode, (16, 16), colour)
    fmt = "JPEG" if mode == "CMYK" else "PNG"
    out = open_rgb(save(tmp_path, f"m.{fmt.lower()}", im, format=fmt))
    assert out.mode == "RGB" and out.size == (16, 16)
    if mode in ("CMYK", "P"):
        r, g, b = out.getpixel((8, 8))
        assert r > 200 and g < 60 and b < 60


def test_sixteen_bit_greyscale(tmp_path):
    arr = np.full((8, 8), 65535 // 2, dtype=np.uint16)
    out = open_rgb(save(tmp_path, "g16.png", Image.fromarray(arr)))
    assert out.mode == "RGB" and abs(out.getpixel((0, 0))[0] - 127) <= 1


def test_alpha_lands_on_white(tmp_path):
    out = open_rgb(save(tmp_path, "a.png", Image.new("RGBA", (8, 8), (0, 0, 0, 0))))
    assert out.getpixel((4, 4)) == (255, 255, 255)


def test_webp_and_heic(tmp_path):
    im = Image.new("RGB", (32, 24), (10, 200, 30))
    assert probe(save(tmp_path, "w.webp", im)).format == "WEBP"
    assert probe(save(tmp_path, "h.heic", im)).format == "HEIF"
    assert open_rgb(tmp_path / "h.heic").size == (32, 24)


def test_decompression_bomb_is_refused_from_the_header(tmp_path, monkeypatch):
    path = save(tmp_path, "big.png", Image.new("L", (2000, 2000)))
    monkeypatch.setattr(media, "MAX_PIXELS", 1_000_000)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000_000)
    with pytest.raises(MediaError, match="too large|over the"):
        probe(path)


def test_unsupported_format(tmp_path):
    with pytest.raises(MediaError, match="GIF images are not supported"):
        probe(save(tmp_path, "x.gif", Image.new("RGB", (8, 8))))


def test_damaged_image_is_a_media_error_on_decode(tmp_path):
    good = save(tmp_path, "g.png", Image.new("RGB", (300, 300), (1, 2, 3)))
    data = good.read_bytes()
    good.write_bytes(data[:60] + b"\x00" * 40 + data[100:])
    with pytest.raises(MediaError):
        open_rgb(good)


def test_display_p3_photo_is_converted_to_srgb(tmp_path):
    from icc_profiles import matrix_profile

    im = Image.new("RGB", (8, 8), (200, 100, 50))
    tagged = open_rgb(save(tmp_path, "p3.jpg", im, icc_profile=matrix_profile(), quality=95))
    r, g, b = tagged.getpixel((4, 4))
    assert r > 205 and b < 45  # P3 is wider: the same numbers mean a more saturated sRGB colour


def test_srgb_and_untagged_rgb_are_left_alone(tmp_path):
    from PIL import ImageCms

    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    im = Image.new("RGB", (8, 8), (200, 100, 50))
    assert media.to_rgb(im) is im
    im.info["icc_profile"] = srgb
    assert media.to_rgb(im) is im


@pytest.mark.parametrize("side", [8000, 11000])  # 64 MP: Pillow's warning; 121 MP: its error naming 120,000,000
def test_the_pixel_limit_message_names_our_limit(tmp_path, side):
    path = tmp_path / "huge.png"
    Image.new("1", (side, side)).save(path)
    with pytest.raises(MediaError) as info:
        probe(path)
    message = str(info.value)
    assert "over the 60 MP limit" in message and "120" not in message.replace(f"{side}x{side}", "")
