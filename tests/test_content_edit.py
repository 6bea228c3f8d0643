"""Dashboard edits keep the curators' YAML intact, validate like the catalogue, and clean uploaded photos.

Golden files: `UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_content_edit.py` rewrites them.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from conftest import assert_golden
from PIL import Image

from pipeline.catalog import edit as E
from pipeline.catalog.media import MAX_PIXELS
from pipeline.catalog.reader import load_catalog
from pipeline.common.errors import ContentError, NotFound

GOLDEN = Path(__file__).with_name("golden") / "content_edit"

HAND_WRITTEN = """\
# Tas purun dari Kelompok Ani (ditulis tangan oleh kurator)
name: Tas Purun   # judul di sampul
artisan: ani
craft: anyaman-purun
price: "Rp 150.000"
materials: [purun, pewarna alami]
story: >-
  Tas ini dianyam
  dengan tangan.
photos:
  - p1.jpg   # sampul
  - file: p2.jpg
    focus: [0.5, 0.4]
# catatan: warna bisa dipesan
tags:
  - tas
"""


def golden(name: str, text: str) -> None:
    assert_golden(GOLDEN / name, text)


@pytest.fixture
def hand(scratch):
    scratch.photo("p2.jpg", size=(1080, 1440))
    scratch.write("products/tas-purun.yaml", HAND_WRITTEN)
    return scratch


def known(scratch):
    cat = load_catalog(scratch.content)
    return {"known_artisans": cat.artisans, "known_crafts": cat.crafts}


def test_edit_changes_only_the_given_fields_and_keeps_comments_order_and_quoting(hand):
    saved = E.save_product(hand.content, "tas-purun",
                           {"name": "Tas Purun Pucuk Rebung", "story": "Dianyam tangan.\nPewarna alami.",
                            "materials": ["purun", "pandan"], "size": "35 x 28 x 12 cm"}, **known(hand))
    text = (hand.content / "products/tas-purun.yaml").read_text(encoding="utf-8")
    assert text == saved.text
    golden("edit_product.yaml", text)
    assert "# judul di sampul" in text and "# catatan: warna bisa dipesan" in text and "# sampul" in text
    assert 'price: "Rp 150.000"' in text  # untouched field keeps its quoting
    assert "materials: [purun, pandan]" in text  # a flow list stays a flow list
    assert "focus: [0.5, 0.4]" in text
    product = load_catalog(hand.content).products["tas-purun"]
    assert product.name == "Tas Purun Pucuk Rebung" and product.story == "Dianyam tangan.\nPewarna alami."


def test_an_edit_changes_the_content_hash_so_an_approval_no_longer_applies(hand):
    before = load_catalog(hand.content).products["tas-purun"].content_hash
    E.save_product(hand.content, "tas-purun", {"price": 175000}, **known(hand))
    after = load_catalog(hand.content).products["tas-purun"]
    assert after.price == 175000 and after.content_hash != before


def test_saving_the_same_values_rewrites_nothing(hand):
    path = hand.content / "products/tas-purun.yaml"
    E.save_product(hand.content, "tas-purun", {"name": "Tas Purun", "materials": ["purun", "pewarna alami"],
                                               "photos": ["p1.jpg", "p2.jpg"]}, **known(hand))
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN


def test_removing_a_photo_keeps_the_others_with_their_focus(hand):
    E.save_product(hand.content, "tas-purun", {"photos": ["p2.jpg"]}, **known(hand))
    product = load_catalog(hand.content).products["tas-purun"]
    assert [p.file for p in product.photos] == ["p2.jpg"] and product.hero.focus == (0.5, 0.4)


def test_every_problem_is_reported_at_once_and_nothing_is_written(hand):
    path = hand.content / "products/tas-purun.yaml"
    with pytest.raises(ContentError) as err:
        E.save_product(hand.content, "tas-purun", {"price": "murah", "craft": "batik", "name": None,
                                                   "photos": ["hilang.jpg"]}, **known(hand))
    by_field = {p.field or p.message.split("`")[1]: p for p in err.value.problems}  # a missing key sits on its parent
    assert set(by_field) == {"price", "craft", "name", "photos[0]"}
    assert by_field["price"].path == "content/products/tas-purun.yaml" and by_field["price"].line == 4
    assert "tidak dikenal" in by_field["craft"].message and "anyaman-purun" in by_field["craft"].hint
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN
    assert [p.name for p in path.parent.iterdir()] == ["tas-purun.yaml"]  # no temp file left behind


def test_an_edit_based_on_an_old_version_is_refused(hand):
    path = hand.content / "products/tas-purun.yaml"
    base = E.text_hash(path.read_text(encoding="utf-8"))
    path.write_text(HAND_WRITTEN.replace("Tas Purun ", "Tas Purun Besar "), encoding="utf-8")
    with pytest.raises(ContentError, match="berubah sejak formulir dibuka"):
        E.save_product(hand.content, "tas-purun", {"price": 1000}, base_hash=base)
    assert "Tas Purun Besar" in path.read_text(encoding="utf-8")


def test_create_product_writes_fields_in_the_declared_order(scratch):
    saved = E.save_product(scratch.content, "tikar-pandan",
                           {"tags": ["tikar"], "name": "Tikar Pandan", "craft": "anyaman-purun", "artisan": "ani",
                            "price": 90000, "photos": ["p1.jpg"], "story": None}, create=True, **known(scratch))
    assert saved.created
    golden("create_product.yaml", saved.text)
    assert load_catalog(scratch.content).products["tikar-pandan"].price == 90000


def test_create_refuses_an_existing_slug_and_bad_slugs(scratch):
    with pytest.raises(ContentError, match="sudah ada"):
        E.save_product(scratch.content, "tas-purun", {"name": "X"}, create=True)
    for bad in ("../x", "Tas Purun", "a/b", "", "x" * 81):
        with pytest.raises(ContentError, match="nama file"):
            E.save_product(scratch.content, bad, {"name": "X"}, create=True)
    assert sorted(p.name for p in (scratch.content / "products").iterdir()) == ["tas-purun.yaml"]


def test_create_without_photos_is_refused(scratch):
    with pytest.raises(ContentError) as err:
        E.save_product(scratch.content, "baru", {"name": "Baru", "artisan": "ani", "craft": "anyaman-purun"},
                       create=True)
    assert [p.field for p in err.value.problems] == ["photos"]
    assert not (scratch.content / "products/baru.yaml").exists()


def test_editing_a_missing_product_is_not_found(scratch):
    with pytest.raises(NotFound):
        E.save_product(scratch.content, "tidak-ada", {"name": "X"})


def test_a_fifo_named_like_a_product_is_refused_not_waited_on(scratch):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    os.mkfifo(scratch.content / "products/pipa.yaml")
    with pytest.raises(ContentError) as err:  # the dashboard's edit page once hung here
        E.save_product(scratch.content, "pipa", {"name": "X"})
    assert [(p.path, p.message) for p in err.value.problems] == [
        ("content/products/pipa.yaml", "is not a regular file (a device, pipe or socket)")]


def test_windows_line_endings_are_kept(hand):
    path = hand.content / "products/tas-purun.yaml"
    path.write_bytes(HAND_WRITTEN.replace("\n", "\r\n").encode("utf-8"))
    E.save_product(hand.content, "tas-purun", {"size": "30 cm"})
    raw = path.read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n") and b"size: 30 cm\r\n" in raw


def test_form_values_split_lists_and_parse_prices():
    from pipeline.catalog.reader import PRODUCT_FIELDS
    values = E.values_from_form({"name": " Tas ", "materials": "purun, pandan\nbenang", "price": "Rp 150.000",
                                 "size": "", "unknown": "x"}, PRODUCT_FIELDS)
    assert values == {"name": "Tas", "materials": ["purun", "pandan", "benang"], "price": 150000, "size": None}
    assert E.values_from_form({"price": "murah"}, PRODUCT_FIELDS) == {"price": "murah"}


def test_artisan_edit_checks_the_kecamatan_and_crafts(scratch):
    with pytest.raises(ContentError) as err:
        E.save_artisan(scratch.content, "ani", {"kecamatan": "Sei Rampa", "crafts": ["anyaman-purun", "ukir"]},
                       known_crafts=["anyaman-purun", "tenun"])
    fields = {p.field: p for p in err.value.problems}
    assert set(fields) == {"kecamatan", "crafts[1]"} and "Sei Rampah" in fields["kecamatan"].hint
    E.save_artisan(scratch.content, "ani", {"kecamatan": "Sei Rampah", "crafts": ["anyaman-purun", "tenun"]},
                   known_crafts=["anyaman-purun", "tenun"])
    artisan = load_catalog(scratch.content).artisans["ani"]
    assert artisan.kecamatan == "Sei Rampah" and artisan.crafts == ("anyaman-purun", "tenun")


def test_region_yaml_replaces_the_district_list(scratch):
    scratch.write("region.yaml", "regency: Contoh\nkecamatan: [Satu, Dua]\n")
    assert E.kecamatan_names(scratch.content) == ("Satu", "Dua")
    E.save_artisan(scratch.content, "budi", {"name": "Budi", "kecamatan": "Dua"}, create=True)


def test_the_district_list_is_the_catalogues_even_when_region_yaml_has_a_warning(scratch):
    scratch.write("region.yaml", "regency: Contoh\nkecamatan: [Satu, Dua]\nwarna: merah\n")
    assert E.kecamatan_names(scratch.content) == ("Satu", "Dua")
    E.save_artisan(scratch.content, "budi", {"name": "Budi", "kecamatan": "Dua"}, create=True)
    assert load_catalog(scratch.content).artisans["budi"].kecamatan == "Dua"


# Photo intake ------------------------------------------------------------------------------

def jpeg_with_gps(size=(640, 480), orientation: int = 1) -> bytes:
    im = Image.new("RGB", size, (180, 120, 60))
    im.paste((20, 40, 200), (0, 0, size[0] // 4, size[1] // 4))  # a blue corner to follow the rotation
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Ponsel Contoh"
    gps = {1: "N", 2: (3.0, 35.0, 12.5), 3: "E", 4: (98.0, 59.0, 1.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    im.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_photo_is_stored_without_any_exif_and_named_by_its_bytes(scratch):
    raw = jpeg_with_gps()
    with Image.open(io.BytesIO(raw)) as im:
        assert im.getexif().get_ifd(0x8825)  # the upload really carries GPS
    name = E.intake_photo(scratch.content, raw, product_slug="tas-purun", uploaded_name="IMG_0001.JPG")
    assert name.startswith("tas-purun-") and name.endswith(".jpg") and "IMG" not in name
    with Image.open(scratch.content / "media" / name) as im:
        assert im.format == "JPEG" and im.size == (640, 480)
        assert not im.getexif() and "exif" not in im.info
    assert E.intake_photo(scratch.content, raw, product_slug="tas-purun") == name  # same bytes, same file


def test_photo_orientation_is_applied_before_exif_is_dropped(scratch):
    name = E.intake_photo(scratch.content, jpeg_with_gps((640, 480), orientation=6), product_slug="tas")
    with Image.open(scratch.content / "media" / name) as im:
        assert im.size == (480, 640)
        r, g, b = im.getpixel((im.width - 10, 10))  # orientation 6: the top-left corner turns to the top right
        assert b > 150 and r < 80


def test_large_photos_are_scaled_down_and_png_alpha_lands_on_white(scratch):
    big = io.BytesIO()
    Image.new("RGB", (5000, 3000), (90, 90, 90)).save(big, "JPEG", quality=50)
    with Image.open(scratch.content / "media" / E.intake_photo(scratch.content, big.getvalue(),
                                                               product_slug="tas")) as im:
        assert max(im.size) == E.MAX_LONG_SIDE and im.size == (4096, 2458)
    png = io.BytesIO()
    Image.new("RGBA", (300, 200), (0, 0, 0, 0)).save(png, "PNG")
    with Image.open(scratch.content / "media" / E.intake_photo(scratch.content, png.getvalue(),
                                                               product_slug="tas")) as im:
        assert im.mode == "RGB" and im.getpixel((5, 5))[0] > 245


def test_heic_from_phones_is_accepted(scratch):
    heic = io.BytesIO()
    Image.new("RGB", (320, 240), (10, 120, 40)).save(heic, "HEIF")
    name = E.intake_photo(scratch.content, heic.getvalue(), product_slug="tas")
    with Image.open(scratch.content / "media" / name) as im:
        assert im.format == "JPEG" and im.size == (320, 240)


@pytest.mark.parametrize("data, name, message", [
    (b"%PDF-1.4 not a photo at all", "katalog.jpg", "bukan foto"),
    (b"", "kosong.jpg", "kosong"),
    (b"GIF89a" + b"\0" * 64, "a.gif", "bukan foto"),
    (b"\xff\xd8\xff\xe0" + b"\0" * 200, "rusak.jpg", "rusak"),
])
def test_files_that_are_not_usable_photos_are_refused(scratch, data, name, message):
    with pytest.raises(E.UploadRefused, match=message):
        E.intake_photo(scratch.content, data, product_slug="tas", uploaded_name=name)
    assert sorted(p.name for p in (scratch.content / "media").iterdir()) == ["p1.jpg"]


def test_gif_is_refused_by_format_even_when_readable(scratch):
    gif = io.BytesIO()
    Image.new("P", (40, 40)).save(gif, "GIF")
    with pytest.raises(E.UploadRefused, match="GIF"):
        E.intake_photo(scratch.content, gif.getvalue(), product_slug="tas")


def test_oversized_upload_and_pixel_bombs_are_refused(scratch):
    with pytest.raises(E.UploadRefused, match="melebihi batas 20 MB"):
        E.intake_photo(scratch.content, b"\xff\xd8" + b"\0" * E.MAX_PHOTO_BYTES, product_slug="tas")
    bomb = io.BytesIO()
    side = int(MAX_PIXELS ** 0.5) + 100
    Image.new("1", (side, side)).save(bomb, "PNG")
    assert len(bomb.getvalue()) < 2_000_000  # small on disk, huge in memory
    with pytest.raises(E.UploadRefused, match="terlalu besar|bukan foto"):
        E.intake_photo(scratch.content, bomb.getvalue(), product_slug="tas")


@pytest.mark.parametrize("name", ["../../x.jpg", "..\\..\\x.jpg", "/etc/passwd", "a/b.jpg", "x\0.jpg"])
def test_upload_names_with_paths_are_refused(scratch, name):
    with pytest.raises(E.UploadRefused, match="jalur"):
        E.intake_photo(scratch.content, jpeg_with_gps(), product_slug="tas", uploaded_name=name)
    assert not (scratch.root / "x.jpg").exists() and not (scratch.content / "x.jpg").exists()


# Block styles, photo order and focus (the product form) ------------------------------------

STYLED = """\
name: Tas Purun
artisan: ani
craft: anyaman-purun
price: 150000
story: >
  Tas ini dianyam tangan oleh Kelompok Ani di pesisir
  Tanjung Beringin dari purun yang dijemur tiga hari.
# cerita bahasa Inggris ditulis Rina
story_en: |
  Hand-woven by the Ani group.
  Dried purun, natural dyes.
size: 35 x 28 x 12 cm  # diukur ulang November
photos:
  - p1.jpg   # sampul
  - file: p2.jpg
    focus: [0.5, 0.4]
  - p3.jpg
"""


@pytest.fixture
def styled(scratch):
    scratch.photo("p1.jpg", size=(1080, 1440))
    scratch.photo("p2.jpg", size=(1080, 1440))
    scratch.photo("p3.jpg", size=(1080, 1440))
    scratch.write("products/tas-purun.yaml", STYLED)
    return scratch


def form_save(scratch, **changed) -> str:
    """What the dashboard's form does: every field as the form shows it (stripped text), some changed."""
    from pipeline.catalog.reader import PRODUCT_FIELDS
    from pipeline.web.pages.products import file_values
    path = scratch.content / "products/tas-purun.yaml"
    shown = {k: str(v) for k, v in file_values(path, "x", ("photos",)).items() if not k.startswith("_")}
    shown.pop("photos")
    values = E.values_from_form({**{k: v.strip() for k, v in shown.items()}, **changed}, PRODUCT_FIELDS)
    E.save_product(scratch.content, "tas-purun", values, **known(scratch))
    return path.read_text(encoding="utf-8")


def test_a_form_save_of_another_field_keeps_the_folded_story_the_block_and_every_comment(styled):
    text = form_save(styled, price="175rb")
    assert text == STYLED.replace("price: 150000", "price: 175000")


def test_a_form_save_of_the_same_values_rewrites_nothing(styled):
    assert form_save(styled) == STYLED


def test_editing_the_folded_story_keeps_it_folded_at_the_curators_width(styled):
    story = ("Tas ini dianyam tangan oleh Kelompok Ani di pesisir Tanjung Beringin dari purun yang dijemur "
             "tiga hari. Pewarnanya dari kulit kayu dan daun, dicelup dua kali supaya warnanya tahan lama.")
    text = form_save(styled, story=story)
    block = text.split("story: >\n")[1].split("# cerita")[0]
    lines = block.splitlines()
    assert len(lines) > 2 and all(line.startswith("  ") and len(line) <= 2 + 54 for line in lines)
    assert "# cerita bahasa Inggris ditulis Rina\nstory_en: |\n  Hand-woven by the Ani group.\n" in text
    assert load_catalog(styled.content).products["tas-purun"].story == story


def test_editing_a_literal_block_keeps_it_a_block_with_its_final_newline(styled):
    text = form_save(styled, story_en="Hand-woven by the Ani group.\nDried purun, natural dyes.\nMade to order.")
    assert "story_en: |\n  Hand-woven by the Ani group.\n  Dried purun, natural dyes.\n  Made to order.\nsize:" in text
    assert "size: 35 x 28 x 12 cm  # diukur ulang November" in text
    assert load_catalog(styled.content).products["tas-purun"].story_en.endswith("natural dyes.\nMade to order.")


def test_fold_positions_break_at_single_spaces_within_the_width():
    text = "satu dua tiga empat lima enam tujuh delapan"
    cuts = E.fold_positions(text, 15)
    parts = [text[a + 1:b] for a, b in zip([-1, *cuts], [*cuts, len(text)], strict=True)]
    assert parts == ["satu dua tiga", "empat lima enam", "tujuh delapan"]
    assert E.fold_positions("kata  dua", 3) == []  # two spaces cannot fold
    assert E.fold_positions("pendek", 40) == []


def test_reordered_photos_keep_their_comments_and_focus_and_the_first_is_the_hero(styled):
    E.save_product(styled.content, "tas-purun", {"photos": ["p3.jpg", "p1.jpg", "p2.jpg"]}, **known(styled))
    text = (styled.content / "products/tas-purun.yaml").read_text(encoding="utf-8")
    assert "photos:\n  - p3.jpg\n  - p1.jpg   # sampul\n  - file: p2.jpg\n    focus: [0.5, 0.4]\n" in text
    product = load_catalog(styled.content).products["tas-purun"]
    assert product.hero.file == "p3.jpg" and product.photos[2].focus == (0.5, 0.4)


def test_a_focus_point_is_saved_on_the_photo_entry_in_the_curators_form(styled):
    E.save_product(styled.content, "tas-purun", {"photos": [
        {"file": "p1.jpg", "focus": (0.25, 0.7)}, {"file": "p2.jpg", "focus": (0.3333333, 0.4)},
        {"file": "p3.jpg", "focus": (0.5, 0.5)}]}, **known(styled))
    text = (styled.content / "products/tas-purun.yaml").read_text(encoding="utf-8")
    assert ("photos:\n  - file: p1.jpg  # sampul\n    focus: [0.25, 0.7]\n  - file: p2.jpg\n    focus: [0.333, 0.4]\n"
            "  - p3.jpg\n") in text  # the centre, p3's default, is not written
    product = load_catalog(styled.content).products["tas-purun"]
    assert [p.focus for p in product.photos] == [(0.25, 0.7), (0.333, 0.4), (0.5, 0.5)]


def test_a_focus_point_outside_the_photo_is_refused_and_nothing_is_written(styled):
    with pytest.raises(ContentError) as err:
        E.save_product(styled.content, "tas-purun", {"photos": [{"file": "p1.jpg", "focus": (1.4, 0.2)}]},
                       **known(styled))
    (problem,) = err.value.problems
    assert problem.field == "photos[0].focus" and "titik fokus" in problem.message
    assert (styled.content / "products/tas-purun.yaml").read_text(encoding="utf-8") == STYLED


# Photos kept as they are (no second lossy encode) -----------------------------------------

def phone_jpeg(progressive: bool = False, quality: int = 85, icc: bytes | None = None) -> bytes:
    """A JPEG as a phone sends it: EXIF with GPS, an XMP block, a comment, and a motion clip after the image."""
    im = Image.new("RGB", (800, 600), (180, 120, 60))
    for x in range(0, 800, 16):
        im.paste((40 + x % 200, 90, 30), (x, 100, x + 7, 500))
    exif = Image.Exif()
    exif[0x010F] = "Ponsel Contoh"
    exif[0x8825] = {1: "N", 2: (3.0, 35.0, 12.5), 3: "E", 4: (98.0, 59.0, 1.0)}
    out = io.BytesIO()
    extra = {"icc_profile": icc} if icc else {}
    im.save(out, "JPEG", quality=quality, exif=exif.tobytes(), progressive=progressive, comment=b"Desa Pematang",
            **extra)
    raw = out.getvalue()
    xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>GPSLatitude 3,35.2N</x:xmpmeta>"
    raw = raw[:2] + b"\xff\xe1" + (len(xmp) + 2).to_bytes(2, "big") + xmp + raw[2:]
    return raw + b"ftypmp42 motion photo clip"


@pytest.mark.parametrize("progressive", [False, True])
def test_a_clean_jpeg_is_kept_pixel_for_pixel_with_its_metadata_cut_out(scratch, progressive):
    from PIL import ImageChops
    raw = phone_jpeg(progressive)
    name = E.intake_photo(scratch.content, raw, product_slug="tas-purun", uploaded_name="IMG_0002.JPG")
    kept = (scratch.content / "media" / name).read_bytes()
    for secret in (b"Ponsel Contoh", b"GPSLatitude", b"Desa Pematang", b"motion photo", b"Exif"):
        assert secret not in kept
    assert kept.endswith(b"\xff\xd9") and len(kept) < len(raw)
    with Image.open(io.BytesIO(raw)) as a, Image.open(io.BytesIO(kept)) as b:
        assert not b.getexif() and "comment" not in b.info and b.info.get("progressive", 0) == a.info.get(
            "progressive", 0)
        assert ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox() is None  # not one pixel changed


def test_a_heavy_or_colour_tagged_jpeg_is_still_converted(scratch):
    from icc_profiles import matrix_profile

    from pipeline.catalog.jpegstrip import strip_metadata
    p3 = phone_jpeg(icc=matrix_profile())
    name = E.intake_photo(scratch.content, p3, product_slug="tas")
    assert (scratch.content / "media" / name).read_bytes() != strip_metadata(p3)  # converted to sRGB, not kept
    with Image.open(scratch.content / "media" / name) as im:
        assert "icc_profile" not in im.info and not im.getexif()
    noisy = Image.effect_noise((900, 900), 120).convert("RGB")
    heavy = io.BytesIO()
    noisy.save(heavy, "JPEG", quality=100)
    assert len(heavy.getvalue()) > E.AS_IS_BYTES_PER_PIXEL * 900 * 900
    name = E.intake_photo(scratch.content, heavy.getvalue(), product_slug="tas")
    assert (scratch.content / "media" / name).stat().st_size < len(heavy.getvalue())  # re-encoded at quality 90


def test_bytes_that_only_look_like_a_jpeg_are_not_stripped():
    from pipeline.catalog import jpegstrip
    for bad in (b"", b"\xff\xd8", b"\xff\xd8\xff\xe1\x00\x40abc", b"\xff\xd8\xff\xda\x00\x02\x11\x22"):
        with pytest.raises(jpegstrip.NotJpeg):
            jpegstrip.strip_metadata(bad)


def test_a_clean_jpeg_cut_short_is_refused_not_kept(scratch):
    raw = phone_jpeg()
    with pytest.raises(E.UploadRefused, match="rusak"):
        E.intake_photo(scratch.content, raw[: len(raw) * 2 // 3], product_slug="tas", uploaded_name="IMG_3.JPG")
    assert not list((scratch.content / "media").glob("tas-*"))


def test_a_comment_under_the_photo_list_stays_under_it_when_its_last_photo_moves(styled):
    path = styled.content / "products/tas-purun.yaml"
    path.write_text(STYLED.replace("  - p3.jpg\n", "  - p3.jpg\n# foto dari Rina, Mei 2026\n"), encoding="utf-8")
    E.save_product(styled.content, "tas-purun", {"photos": ["p3.jpg", "p1.jpg", "p2.jpg"]}, **known(styled))
    text = path.read_text(encoding="utf-8")
    assert text.endswith("photos:\n  - p3.jpg\n  - p1.jpg   # sampul\n  - file: p2.jpg\n    focus: [0.5, 0.4]\n"
                         "# foto dari Rina, Mei 2026\n")
