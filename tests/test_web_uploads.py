"""Photo uploads: decoded in a worker thread while other requests are served; colour profiles end as sRGB."""

from __future__ import annotations

import io
import os
import re
import threading

import httpx2
import pytest
from conftest import served
from icc_profiles import matrix_profile
from PIL import Image, ImageCms

from pipeline.catalog import edit as E
from pipeline.catalog.reader import load_catalog
from pipeline.common.project import Project
from pipeline.web import create_app

FORM = {"name": "Tikar Pandan Motif Bunga", "artisan": "ani", "craft": "anyaman-purun", "price": "Rp 95.000",
        "availability": "in_stock"}


def jpeg(colour=(200, 100, 50), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "JPEG", quality=95, **save)
    return out.getvalue()


@pytest.fixture
def live(web_office):
    """The dashboard in a real uvicorn server on 127.0.0.1 (in this process), editor budi acting on loopback."""
    app = create_app(Project.at(web_office.root), require_login=False, local_user="budi")
    with served(app, timeout=30) as url:
        yield url


@pytest.fixture
def paused_decode(monkeypatch):
    """The real intake, held at its start until the test says go: (started, release) events."""
    started, release = threading.Event(), threading.Event()
    real = E.intake_photo

    def held(*args, **kwargs):
        started.set()
        assert release.wait(120), "the test never released the decode"
        return real(*args, **kwargs)

    monkeypatch.setattr(E, "intake_photo", held)
    return started, release


def _while_decoding(base: str, paused, send) -> httpx2.Response:
    """Start `send` (an upload) in a thread, prove another request is answered while its decode is held,
    then let it finish; returns the upload's response."""
    started, release = paused
    done: dict = {}
    uploader = threading.Thread(target=lambda: done.update(r=send()))
    uploader.start()
    try:
        assert started.wait(120), "the upload never reached the decode"
        other = httpx2.get(base + "/api/products", timeout=60)  # on the event loop while the decode is held
        assert other.status_code == 200 and other.json()["count"] == 1
        assert uploader.is_alive()  # the upload really is still waiting in its decode
    finally:
        release.set()
        uploader.join(120)
    return done["r"]


def test_an_api_upload_being_decoded_does_not_hold_up_other_requests(live, paused_decode, web_office):
    with httpx2.Client(base_url=live, timeout=120) as c:
        token = c.get("/api/session").json()["csrf_token"]
        r = _while_decoding(live, paused_decode, lambda: c.post(
            "/api/products/tas-purun/photos", files={"file": ("a.jpg", jpeg(), "image/jpeg")},
            headers={"X-CSRF-Token": token}))
    assert r.status_code == 201, r.text
    assert (web_office.content / "media" / r.json()["file"]).exists()


def test_a_form_upload_being_decoded_does_not_hold_up_other_requests(live, paused_decode, web_office):
    with httpx2.Client(base_url=live, timeout=120) as c:
        token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/produk/baru").text)[1]
        r = _while_decoding(live, paused_decode, lambda: c.post(
            "/produk/baru", data={**FORM, "csrf_token": token},
            files=[("new_photos", ("IMG_1.JPG", jpeg(), "image/jpeg"))]))
    assert r.status_code == 303, r.text
    assert load_catalog(web_office.content).products["tikar-pandan-motif-bunga"].photos


def _intake(web_office, data: bytes) -> Image.Image:
    name = E.intake_photo(web_office.content, data, product_slug="tas-purun", uploaded_name="a.jpg")
    im = Image.open(web_office.content / "media" / name)
    im.load()
    return im


def _near(pixel, colour) -> bool:
    return max(abs(a - b) for a, b in zip(pixel, colour, strict=True)) <= 3


def test_a_garbage_icc_profile_is_dropped(web_office):
    garbage = os.urandom(1024 * 1024)  # a megabyte that only claims to be a profile
    with pytest.raises((ImageCms.PyCMSError, OSError)):
        ImageCms.ImageCmsProfile(io.BytesIO(garbage))
    im = _intake(web_office, jpeg(icc_profile=garbage))
    assert "icc_profile" not in im.info
    assert _near(im.getpixel((32, 24)), (200, 100, 50))  # pixels left as they were


def test_a_display_p3_photo_is_converted_to_srgb_and_stored_untagged(web_office):
    im = _intake(web_office, jpeg(icc_profile=matrix_profile()))
    assert "icc_profile" not in im.info  # untagged means sRGB, which the pixels now are
    r, g, b = im.getpixel((32, 24))
    assert r > 205 and b < 45  # P3's (200, 100, 50) is a more saturated colour in sRGB numbers


def test_a_display_p3_png_with_alpha_is_converted_too(web_office):
    out = io.BytesIO()
    Image.new("RGBA", (64, 48), (200, 100, 50, 255)).save(out, "PNG", icc_profile=matrix_profile())
    im = _intake(web_office, out.getvalue())
    r, g, b = im.getpixel((32, 24))
    assert "icc_profile" not in im.info and r > 205 and b < 45


def test_an_srgb_tagged_photo_keeps_its_pixels_and_loses_the_tag(web_office):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    im = _intake(web_office, jpeg(icc_profile=srgb))
    assert "icc_profile" not in im.info
    assert _near(im.getpixel((32, 24)), (200, 100, 50))
