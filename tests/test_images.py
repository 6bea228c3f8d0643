"""Post images: TikTok-ready files, determinism, where text lands, contrast, landscape photos, preview."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from pipeline.cli import main
from pipeline.render.context import post_context
from pipeline.render.contrast import luminance, ratio
from pipeline.render.draw import render
from pipeline.render.images import render_post_images
from pipeline.render.layout import TEXT_TYPES, load_layout
from pipeline.render.photo import fit_photo

DRAFT = (540, 960)
LONG = "Tas Anyaman Purun Motif Pucuk Rebung Ukuran Besar dengan Tali Kulit Asli"


def photo_file(post, name: str, array: np.ndarray) -> str:
    Image.fromarray(array.astype(np.uint8)).save(post.scratch.content / "media" / name, quality=95)
    return name


def solid(w: int, h: int, value: int) -> np.ndarray:
    return np.full((h, w, 3), value, np.uint8)


def checker(w: int, h: int, cell: int = 6) -> np.ndarray:
    """A busy photo: black and white squares, so no single text colour reads on it."""
    yy, xx = np.mgrid[0:h, 0:w]
    return np.repeat((((xx // cell + yy // cell) % 2) * 255)[..., None], 3, axis=2)


def with_photo(post, slug: str, array: np.ndarray, **fields):
    post.scratch.product(slug, photos=(photo_file(post, f"{slug}.jpg", array),), **fields)
    return post.reload()


def test_post_files_are_tiktok_ready(post, tmp_path):
    post.scratch.photo("p2.jpg", size=(1080, 1440))
    post.scratch.product("dua", photos=("p1.jpg", "p2.jpg"), name=LONG)
    post = post.reload()
    done = render_post_images(post.project, post.catalog, post.catalog.products["dua"], tmp_path / "out",
                              brand=post.brand)
    assert [p.relative_to(tmp_path / "out").as_posix() for p in done.paths] == [
        "cover.jpg", "slides/01.jpg", "slides/02.jpg", "slides/03.jpg", "caption.txt"]
    for path in done.paths[:-1]:
        with Image.open(path) as im:
            assert (im.format, im.mode, im.size) == ("JPEG", "RGB", (1080, 1920))
            assert "icc_profile" not in im.info and "exif" not in im.info  # untagged = sRGB
        assert path.stat().st_size < 20 * 1024 * 1024
    assert done.cover.read_bytes() == done.slides[0].read_bytes()  # the cover opens the carousel
    caption = done.caption.read_text(encoding="utf-8")
    assert LONG in caption and "Rp 150.000" in caption and caption == done.built_caption.text + "\n"
    assert not list((tmp_path / "out").rglob("*.tmp"))


def test_same_inputs_give_identical_bytes(post, tmp_path):
    product = post.catalog.products["tas-purun"]
    a = render_post_images(post.project, post.catalog, product, tmp_path / "a", brand=post.brand, size=DRAFT)
    b = render_post_images(post.project, post.catalog, product, tmp_path / "b", brand=post.brand, size=DRAFT)
    for x, y in zip(a.paths, b.paths, strict=True):
        assert x.read_bytes() == y.read_bytes(), x.name


def test_stale_slides_are_removed(post, tmp_path):
    old = tmp_path / "out" / "slides" / "09.jpg"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"old")
    render_post_images(post.project, post.catalog, post.catalog.products["tas-purun"], tmp_path / "out",
                       brand=post.brand, size=DRAFT)
    assert sorted(p.name for p in old.parent.iterdir()) == ["01.jpg", "02.jpg"]


def text_pixels(post, name: str, slug: str, size) -> np.ndarray:
    """Where glyphs landed: render as is and with invisible text (same scrims and tags), compare."""
    layout = load_layout(post.project, name, post.brand)
    ctx = post_context(post.catalog.products[slug], post.catalog, post.brand)
    full = np.asarray(render(layout, ctx, size=size).image, dtype=np.int16)
    ghost = replace(layout, layers=tuple(replace(x, values={**x.values, "opacity": 0.0}, templates=x.templates)
                                         if x.kind in TEXT_TYPES else x for x in layout.layers))
    empty = np.asarray(render(ghost, ctx, size=size).image, dtype=np.int16)
    return np.abs(full - empty).max(axis=2) > 24


@pytest.mark.parametrize("name", ["cover", "slide", "details", "cta"])
@pytest.mark.parametrize("size", [DRAFT, pytest.param((1080, 1920), marks=pytest.mark.slow)])
def test_text_lands_inside_the_safe_box(post, name, size):
    post = with_photo(post, "terang", solid(720, 1280, 250), name=LONG)  # white photo: scrims appear too
    changed = text_pixels(post, name, "terang", size)
    ys, xs = np.nonzero(changed)
    assert len(xs) > 500  # there is text
    k = size[0] / 1080
    x0, y0, x1, y1 = (round(v * k) for v in post.brand.safe_box)
    assert (xs.min(), ys.min()) >= (x0, y0) and (xs.max(), ys.max()) < (x1, y1), (xs.min(), ys.min(), xs.max(),
                                                                                  ys.max())


def backdrop_contrast(image: Image.Image, placed, text_rgb=(255, 255, 255)) -> float:
    """Contrast of the text colour against the scrim or photo just around the glyphs."""
    arr = np.asarray(image)
    x0, y0, x1, y1 = placed.ink
    pad = 3
    strips = [arr[y0 - pad - 2:y0 - pad, x0:x1], arr[y1 + pad:y1 + pad + 2, x0:x1]]
    bg = np.concatenate([s.reshape(-1, 3) for s in strips])
    return float(np.percentile(ratio(luminance(np.array(text_rgb)), luminance(bg)), 10))


@pytest.mark.parametrize("photo", ["white", "busy"])
def test_text_on_a_hard_photo_gets_a_scrim_that_reaches_aa(post, photo):
    array = solid(720, 1280, 255) if photo == "white" else checker(720, 1280)
    post = with_photo(post, photo, array)
    layout = load_layout(post.project, "slide", post.brand)  # white text over the photo
    done = render(layout, post_context(post.catalog.products[photo], post.catalog, post.brand), size=DRAFT)
    (label,) = done.texts
    assert label.contrast < 4.5 and label.scrim > 0
    assert label.final_contrast >= 4.5
    assert backdrop_contrast(done.image, label) >= 4.5  # measured on the written pixels


def test_text_on_a_dark_photo_needs_no_scrim(post):
    post = with_photo(post, "gelap", solid(720, 1280, 20))
    layout = load_layout(post.project, "slide", post.brand)
    done = render(layout, post_context(post.catalog.products["gelap"], post.catalog, post.brand), size=DRAFT)
    (label,) = done.texts
    assert label.scrim == 0 and label.contrast >= 4.5


def test_overlay_without_a_photo_reads_on_white_and_black(post):
    from pipeline.render.layout import render_overlay

    layout = load_layout(post.project, "slide", post.brand)
    ctx = post_context(post.catalog.products["tas-purun"], post.catalog, post.brand)
    overlay = render_overlay(layout, ctx, DRAFT)
    for value in (255, 0):
        frame = Image.new("RGBA", DRAFT, (value, value, value, 255))
        frame.alpha_composite(overlay)
        (label,) = render(layout, ctx, size=DRAFT, overlay=True).texts
        assert backdrop_contrast(frame.convert("RGB"), label) >= 4.5


def test_landscape_photo_is_contained_on_a_blurred_fill(post):
    stripes = np.zeros((720, 1280, 3), np.uint8)
    stripes[:, ::40] = (200, 30, 30)
    stripes[:, 1::40] = (200, 30, 30)
    post = with_photo(post, "lebar", stripes)
    photo = post.catalog.products["lebar"].hero
    image, used = fit_photo(photo, DRAFT)
    assert used == "contain"
    arr = np.asarray(image, dtype=np.int16)
    inner_h = round(720 * DRAFT[0] / 1280)  # the whole width shown, height in proportion
    top = (DRAFT[1] - inner_h) // 2
    assert np.abs(np.diff(arr[top + 20, :, 0])).max() > 100  # the photo itself keeps its sharp stripes
    assert np.abs(np.diff(arr[top // 2, :, 0])).max() < 12  # the fill above is a soft blur
    cover, used = fit_photo(post.catalog.products["tas-purun"].hero, DRAFT)  # a 3:4 portrait is cropped
    assert used == "cover" and cover.size == DRAFT


def test_focus_point_decides_the_crop(post):
    arr = np.zeros((400, 1200, 3), np.uint8)
    arr[:, 1000:1100] = 255  # a white stripe near the right edge
    post = with_photo(post, "fokus", arr)
    hero = post.catalog.products["fokus"].hero
    left, _ = fit_photo(replace(hero, focus=(0.0, 0.5)), (300, 400), fit="cover")
    right, _ = fit_photo(replace(hero, focus=(0.9, 0.5)), (300, 400), fit="cover")
    assert np.asarray(left).max() < 40 and np.asarray(right).max() > 200


def test_preview_command_prints_the_paths(post, tmp_path, capsys):
    out = tmp_path / "preview"
    code = main(["--root", str(post.scratch.root), "preview", "tas-purun", "--out", str(out), "--no-video"])
    assert code == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(out / "cover.jpg"), str(out / "slides/01.jpg"), str(out / "slides/02.jpg"),
                       str(out / "caption.txt")]
    code = main(["--root", str(post.scratch.root), "preview", "tas-purn"])
    assert code == 1 and "did you mean: tas-purun" in capsys.readouterr().err


def test_preview_defaults_to_exports_preview(post, capsys):
    assert main(["--root", str(post.scratch.root), "preview", "tas-purun", "--no-video"]) == 0
    assert (post.scratch.root / "exports" / "preview" / "tas-purun" / "cover.jpg").is_file()


def test_preview_of_a_product_with_errors_shows_them(post, capsys):
    post.scratch.write("products/rusak.yaml", "name: Rusak\nartisan: ani\ncraft: anyaman-purun\nphotos: [hilang.jpg]\n")
    assert main(["--root", str(post.scratch.root), "preview", "rusak"]) == 1
    err = capsys.readouterr().err
    assert "content/products/rusak.yaml:4: photos[0]: photo `hilang.jpg` not found" in err


def test_a_photo_renders_the_same_whatever_was_decoded_before(post):
    from pipeline.render import photo as photo_module

    big = post.scratch.photo("besar.jpg", size=(2400, 3200))
    photo_module._CACHE.clear()
    fresh = photo_module.decode(big, (540, 720)).tobytes()
    photo_module._CACHE.clear()
    photo_module.decode(big, (2400, 3200))  # a full-size decode first (a zoomed video frame, say)
    assert photo_module.decode(big, (540, 720)).tobytes() == fresh
