"""One test per validation rule: the exact message, file, line and field."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.catalog.reader import load_catalog


def problems(scratch) -> list[str]:
    return [f"{p.severity}: {p}".split("\n")[0] for p in load_catalog(scratch.content).problems]


def only(scratch, severity: str = "error") -> str:
    found = [p for p in problems(scratch) if p.startswith(severity)]
    assert len(found) == 1, found
    return found[0]


def test_scratch_catalogue_is_clean(scratch):
    cat = load_catalog(scratch.content)
    assert cat.problems == []
    product = cat.products["tas-purun"]
    assert product.price == 150000 and product.artisan == "ani" and product.hero.file == "p1.jpg"
    assert len(product.content_hash) == 64


def test_missing_content_folder(tmp_path: Path):
    (p,) = load_catalog(tmp_path / "nope").problems
    assert p.message == "content folder not found"


def test_missing_crafts_file(scratch):
    (scratch.content / "crafts.yaml").unlink()
    assert "error: content/crafts.yaml: crafts.yaml is missing" in problems(scratch)


def test_unknown_key_suggests_nearest(scratch):
    scratch.product("tas-purun", extra="prise: 5000\n")
    (p,) = [p for p in load_catalog(scratch.content).problems if p.field == "prise"]
    assert str(p) == "content/products/tas-purun.yaml:7: prise: unknown field, ignored\n    hint: did you mean `price`?"
    assert p.severity == "warning"


def test_colors_spelling_suggests_colours(scratch):
    scratch.product("tas-purun", extra="colors: [merah]\n")
    assert only(scratch, "warning").endswith("colors: unknown field, ignored")


def test_required_field_missing(scratch):
    scratch.write("products/tas-purun.yaml", "artisan: ani\ncraft: anyaman-purun\nphotos: [p1.jpg]\n")
    assert only(scratch) == "error: content/products/tas-purun.yaml:1: `name` is required"


def test_required_field_empty_points_at_its_line(scratch):
    scratch.write("products/tas-purun.yaml", "artisan: ani\ncraft: anyaman-purun\nphotos: [p1.jpg]\nname:\n")
    assert only(scratch) == "error: content/products/tas-purun.yaml:4: name: `name` is required"


def test_unknown_artisan_lists_known_ones(scratch):
    scratch.product("tas-purun", artisan="budi")
    p = [p for p in load_catalog(scratch.content).problems if p.field == "artisan"][0]
    assert (p.line, p.message) == (2, "unknown artisan `budi`")
    assert "ani" in p.hint


def test_unknown_craft(scratch):
    scratch.product("tas-purun", craft="ukiran")
    assert only(scratch) == "error: content/products/tas-purun.yaml:3: craft: unknown craft `ukiran`"


def test_bad_price(scratch):
    scratch.product("tas-purun", price="murah sekali")
    assert only(scratch).startswith(
        "error: content/products/tas-purun.yaml:4: price: `murah sekali` is not a price: write 150000")


@pytest.mark.parametrize("price, amount", [(150000, 150000), ("150rb", 150000), ("Rp 1.250.000", 1250000)])
def test_price_forms_are_stored_as_whole_rupiah(scratch, price, amount):
    scratch.product("tas-purun", price=price)
    assert load_catalog(scratch.content).products["tas-purun"].price == amount


def test_wrong_type_for_a_list(scratch):
    scratch.product("tas-purun", extra="materials:\n  bahan: purun\n")
    assert only(scratch) == "error: content/products/tas-purun.yaml:7: materials: expected a list, got a mapping"


def test_availability_choice_suggests(scratch):
    scratch.product("tas-purun", extra="availability: in-stock\n")
    assert only(scratch) == ("error: content/products/tas-purun.yaml:7: availability: `in-stock` is not one of: "
                             "in_stock, made_to_order (did you mean `in_stock`?)")


def test_photo_not_found(scratch):
    scratch.write("products/tas-purun.yaml", "name: Tas\nartisan: ani\ncraft: anyaman-purun\nprice: 1000\n"
                  "photos:\n  - p1.jpg\n  - hilang.jpg\n")
    (scratch.content / "media" / "p1.jpg").exists() or scratch.photo("p1.jpg", size=(1080, 1440))
    assert only(scratch) == ("error: content/products/tas-purun.yaml:7: photos[1]: "
                             "photo `hilang.jpg` not found in content/media/")


def test_photo_path_may_not_leave_media(scratch):
    scratch.product("tas-purun", photos=("p1.jpg",))
    text = (scratch.content / "products/tas-purun.yaml").read_text() + "  - ../crafts.yaml\n"
    (scratch.content / "products/tas-purun.yaml").write_text(text)
    assert "must be a file name inside content/media/" in only(scratch)


def test_photo_focus_mapping_and_range(scratch):
    scratch.write("products/tas-purun.yaml", "name: Tas\nartisan: ani\ncraft: anyaman-purun\nprice: 1000\n"
                  "photos:\n  - file: p1.jpg\n    focus: [0.5, 1.4]\n")
    assert only(scratch) == ("error: content/products/tas-purun.yaml:7: photos[0].focus: focus [0.5, 1.4] "
                             "must lie between 0 and 1")


@pytest.mark.parametrize("name, data, message", [
    ("zero.jpg", b"", "file is empty (0 bytes)"),
    ("text.jpg", b"this is not an image at all", "not an image Pillow can read"),
])
def test_broken_photos(scratch, name, data, message):
    (scratch.content / "media" / name).write_bytes(data)
    scratch.product("tas-purun", photos=(name,))
    assert message in only(scratch)


def test_truncated_jpeg(scratch):
    good = (scratch.content / "media" / "p1.jpg").read_bytes()
    (scratch.content / "media" / "cut.jpg").write_bytes(good[: len(good) // 2])
    scratch.product("tas-purun", photos=("cut.jpg",))
    assert "truncated" in only(scratch)


def test_truncated_png(scratch):
    scratch.photo("big.png", size=(1080, 1440), fmt="PNG")
    data = (scratch.content / "media" / "big.png").read_bytes()
    (scratch.content / "media" / "big.png").write_bytes(data[: len(data) // 2])
    scratch.product("tas-purun", photos=("big.png",))
    assert "photos[0]: photo `big.png`: damaged image" in only(scratch)


def test_small_photo_is_a_warning(scratch):
    scratch.photo("kecil.jpg", size=(600, 800))
    scratch.product("tas-purun", photos=("kecil.jpg",))
    assert only(scratch, "warning") == ("warning: content/products/tas-purun.yaml:6: photos[0]: photo `kecil.jpg` is "
                                        "600x800, under 1080 px on its short side")
    assert "tas-purun" in load_catalog(scratch.content).products


def test_exif_rotated_photo_size_is_upright(scratch):
    from PIL import Image

    path = scratch.photo("putar.jpg", size=(1440, 1080))
    im = Image.open(path)
    exif = im.getexif()
    exif[0x0112] = 6  # rotate 90: stored landscape, shown portrait
    im.save(path, exif=exif)
    from pipeline.catalog.media import probe

    info = probe(path)
    assert (info.width, info.height) == (1080, 1440)


def test_a_photo_shared_by_two_products_is_fine(scratch):
    scratch.product("tikar", photos=("p1.jpg",))
    cat = load_catalog(scratch.content)
    assert cat.problems == [] and set(cat.products) == {"tas-purun", "tikar"}


def test_duplicate_product_slug(scratch):
    (scratch.content / "products/tas-purun.yml").write_text(
        (scratch.content / "products/tas-purun.yaml").read_text())
    assert only(scratch) == ("error: content/products/tas-purun.yml:1: duplicate product slug `tas-purun` "
                             "(also content/products/tas-purun.yaml)")


def test_file_name_must_be_a_slug(scratch):
    scratch.product("Tas Purun")
    assert "file name `Tas Purun.yaml` is not a slug" in only(scratch)


def test_duplicate_craft_slug(scratch):
    text = (scratch.content / "crafts.yaml").read_text() + "  - slug: tenun\n    name: Tenun Lagi\n"
    (scratch.content / "crafts.yaml").write_text(text)
    assert only(scratch) == "error: content/crafts.yaml:10: crafts[2].slug: duplicate craft slug `tenun`"


def test_bad_craft_colour_and_hashtag_reported_together(scratch):
    scratch.write("crafts.yaml", "crafts:\n  - slug: anyaman-purun\n    name: Anyaman\n    color: coklat\n"
                  "    hashtags: ['#Anyaman Purun']\n")
    found = [p for p in problems(scratch) if p.startswith("error")]
    assert sorted(found) == [
        "error: content/crafts.yaml:4: crafts[0].color: `coklat` is not a colour like \"#8A6D3B\"",
        "error: content/crafts.yaml:5: crafts[0].hashtags: `#Anyaman Purun` is not a hashtag: "
        "letters, digits and _ only, no spaces",
    ]


def test_kecamatan_must_be_in_the_regency(scratch):
    scratch.write("artisans/ani.yaml",
                  "name: Ani\nkecamatan: Sei Rampa\ncrafts: [anyaman-purun]\nphoto_consent: true\n")
    p = [p for p in load_catalog(scratch.content).problems if p.field == "kecamatan"][0]
    assert (p.line, p.message) == (2, "`Sei Rampa` is not a kecamatan of the regency")
    assert p.hint == "did you mean `Sei Rampah`?"


def test_kecamatan_list_is_a_setting(scratch):
    scratch.write("region.yaml", "regency: Contoh\nkecamatan: [Kota Baru]\n")
    scratch.write("artisans/ani.yaml",
                  "name: Ani\nkecamatan: Kota Baru\ncrafts: [anyaman-purun]\nphoto_consent: true\n")
    assert load_catalog(scratch.content).problems == []


def test_whatsapp_must_be_plus62(scratch):
    scratch.write("artisans/ani.yaml", "name: Ani\nkecamatan: Perbaungan\nwhatsapp: '12345'\nphoto_consent: true\n")
    found = [p for p in problems(scratch) if p.startswith("error")]
    assert "whatsapp: `12345` is not a WhatsApp number in +62 form" in found[0]
    assert found[1] == "error: content/products/tas-purun.yaml:2: artisan: artisan `ani` has errors"


def test_whatsapp_local_form_is_normalised(scratch):
    scratch.write("artisans/ani.yaml", "name: Ani\nkecamatan: Perbaungan\nwhatsapp: 0812-0000-0001\n"
                  "photo_consent: true\n")
    assert load_catalog(scratch.content).artisans["ani"].whatsapp == "+6281200000001"


def test_missing_photo_consent_is_a_warning(scratch):
    scratch.write("artisans/ani.yaml", "name: Ani\nkecamatan: Perbaungan\ncrafts: [anyaman-purun]\n")
    assert only(scratch, "warning").endswith("photo_consent: no photo consent recorded")


def test_artisan_unknown_craft(scratch):
    scratch.write("artisans/ani.yaml", "name: Ani\nkecamatan: Perbaungan\ncrafts: [ukir]\nphoto_consent: true\n")
    assert "error: content/artisans/ani.yaml:3: crafts[0]: unknown craft `ukir`" in problems(scratch)


def test_one_bad_product_does_not_stop_the_others(scratch):
    scratch.product("tikar")
    scratch.write("products/rusak.yaml", "name: [tidak: valid\n")
    cat = load_catalog(scratch.content)
    assert set(cat.products) == {"tas-purun", "tikar"}
    assert cat.invalid == {"rusak": "content/products/rusak.yaml"}


def test_content_hash_is_stable_and_sensitive(scratch):
    first = load_catalog(scratch.content).products["tas-purun"].content_hash
    assert load_catalog(scratch.content).products["tas-purun"].content_hash == first
    path = scratch.content / "products/tas-purun.yaml"
    path.write_text(path.read_text().replace("\n", "\r\n"))  # a Windows checkout hashes the same
    assert load_catalog(scratch.content).products["tas-purun"].content_hash == first
    path.write_text(path.read_text().replace("150.000", "155.000"))
    edited = load_catalog(scratch.content).products["tas-purun"].content_hash
    assert edited != first
    photo = scratch.content / "media/p1.jpg"
    data = bytearray(photo.read_bytes())
    data[200] ^= 1
    photo.write_bytes(bytes(data))
    os.utime(photo, ns=(1, 1))
    assert load_catalog(scratch.content).products["tas-purun"].content_hash not in (first, edited)


def test_heic_photo_is_accepted(scratch):
    pytest.importorskip("pillow_heif")
    from PIL import Image

    Image.open(scratch.content / "media/p1.jpg").save(scratch.content / "media/hp.heic")
    scratch.product("tas-purun", photos=("hp.heic",))
    cat = load_catalog(scratch.content)
    assert [p.field for p in cat.errors] == [] and cat.products["tas-purun"].hero.file == "hp.heic"


# --- Hardening: quiet misreadings (items 1, 3, 6, 7, 8) ------------------------------------------

def product_yaml(price_line: str = "price: 1000", name_line: str = "name: Tas") -> str:
    return f"{name_line}\nartisan: ani\ncraft: anyaman-purun\n{price_line}\nphotos: [p1.jpg]\n"


@pytest.mark.parametrize("written, amount", [("75.000", 75000), ("1.250.000", 1250000), ("150000", 150000)])
def test_unquoted_thousands_dots_are_read_as_written(scratch, written, amount):
    # YAML makes 75.000 the float 75.0 and 1.250.000 a string: both are what the curator meant, in rupiah
    scratch.write("products/tas-purun.yaml", product_yaml(f"price: {written}"))
    cat = load_catalog(scratch.content)
    assert cat.problems == [] and cat.products["tas-purun"].price == amount


@pytest.mark.parametrize("written", ["75.5", "1.5", "1e5", "1:30"])
def test_an_unquoted_decimal_or_odd_number_is_an_error_not_a_guess(scratch, written):
    scratch.write("products/tas-purun.yaml", product_yaml(f"price: {written}"))
    assert only(scratch).startswith(f"error: content/products/tas-purun.yaml:4: price: `{written}` is not a price")


def test_a_bad_price_has_no_contradictory_no_price_warning(scratch):
    scratch.write("products/tas-purun.yaml", product_yaml("price: murah"))
    assert [p.split(": ", 1)[0] for p in problems(scratch)] == ["error"]


def test_unquoted_whatsapp_keeps_its_plus(scratch):
    scratch.write("artisans/ani.yaml", "name: Ani\nkecamatan: Perbaungan\nwhatsapp: +6281234567890\n"
                  "crafts: [anyaman-purun]\nphoto_consent: true\n")
    cat = load_catalog(scratch.content)
    assert cat.problems == [] and cat.artisans["ani"].whatsapp == "+6281234567890"


def test_a_binary_tag_is_refused_with_its_line(scratch):
    scratch.write("products/tas-purun.yaml", product_yaml(name_line="name: !!binary aGVsbG8="))
    assert only(scratch) == "error: content/products/tas-purun.yaml:1: name: YAML tag `!!binary` is not supported"


@pytest.mark.parametrize("escaped, shown", [("\\x1b[31m", "U+001B"), ("\\0", "U+0000"), ("\\x07", "U+0007"),
                                            ("\\x9b", "U+009B")])
def test_control_characters_in_a_name_are_refused(scratch, escaped, shown):
    scratch.write("products/tas-purun.yaml", product_yaml(name_line=f'name: "Tas {escaped}Purun"'))
    message = only(scratch)
    assert message.startswith("error: content/products/tas-purun.yaml:1: name: contains an invisible control")
    assert shown in message


def test_line_breaks_in_a_story_are_fine(scratch):
    scratch.product("tas-purun", extra="story: |\n  Baris satu.\n  Baris dua.\n")
    assert load_catalog(scratch.content).products["tas-purun"].story == "Baris satu.\nBaris dua."


def test_a_link_to_a_system_file_is_one_problem(scratch):
    target = Path("/etc/passwd") if Path("/etc/passwd").exists() else Path(__file__)
    link = scratch.content / "products/x.yaml"
    try:
        os.symlink(target, link)
    except OSError:
        pytest.skip("this system does not let us make symbolic links")
    (p,) = load_catalog(scratch.content).problems
    assert (p.path, p.field) == ("content/products/x.yaml", "")
    assert p.message.startswith("is a link to") and "outside content/" in p.message


def test_a_link_inside_content_is_followed(scratch):
    (scratch.content / "shared").mkdir()
    (scratch.content / "shared/tikar.yaml").write_text(product_yaml())
    try:
        os.symlink(scratch.content / "shared/tikar.yaml", scratch.content / "products/tikar.yaml")
    except OSError:
        pytest.skip("this system does not let us make symbolic links")
    assert set(load_catalog(scratch.content).products) == {"tas-purun", "tikar"}


@pytest.mark.parametrize("written", ["tanjung beringin", "TANJUNG BERINGIN", "  Tanjung   beringin "])
def test_kecamatan_matches_whatever_the_case_and_spaces(scratch, written):
    scratch.write("artisans/ani.yaml", f"name: Ani\nkecamatan: '{written}'\ncrafts: [anyaman-purun]\n"
                  "photo_consent: true\n")
    cat = load_catalog(scratch.content)
    assert cat.problems == [] and cat.artisans["ani"].kecamatan == "Tanjung Beringin"


def test_an_upper_case_misspelt_kecamatan_gets_a_suggestion(scratch):
    scratch.write("artisans/ani.yaml", "name: Ani\nkecamatan: SEI RAMPA\nphoto_consent: true\n")
    p = [p for p in load_catalog(scratch.content).problems if p.field == "kecamatan"][0]
    assert p.hint == "did you mean `Sei Rampah`?"


def test_crafts_match_by_slug_or_name_whatever_the_case(scratch):
    scratch.write("artisans/ani.yaml", "name: Ani\nkecamatan: Perbaungan\ncrafts: [ANYAMAN-PURUN, tenun sergai]\n"
                  "photo_consent: true\n")
    scratch.product("tas-purun", craft="Anyaman Purun")
    cat = load_catalog(scratch.content)
    assert cat.problems == []
    assert cat.products["tas-purun"].craft == "anyaman-purun"
    assert cat.artisans["ani"].crafts == ("anyaman-purun", "tenun")


def test_a_motion_photo_is_not_truncated(scratch):
    # Samsung and Pixel "motion photos": a whole JPEG followed by an MP4, so the file does not end in FFD9
    photo = scratch.content / "media/p1.jpg"
    video = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * 64
    photo.write_bytes(photo.read_bytes() + video)
    cat = load_catalog(scratch.content)
    assert cat.problems == [] and "tas-purun" in cat.products


def test_a_jpeg_cut_just_before_its_end_marker_is_truncated(scratch):
    photo = scratch.content / "media/p1.jpg"
    photo.write_bytes(photo.read_bytes()[:-2])
    assert "truncated" in only(scratch)


def test_damaged_exif_is_a_warning_on_the_product_not_a_console_warning(scratch, recwarn):
    from PIL import Image

    exif = b"Exif\x00\x00II*\x00\x08\x00\x00\x00\x05\x00" + b"\xff" * 40  # claims 5 entries, holds 3 bytes
    Image.open(scratch.content / "media/p1.jpg").save(scratch.content / "media/p1.jpg", exif=exif)
    assert only(scratch, "warning").startswith(
        "warning: content/products/tas-purun.yaml:6: photos[0]: photo `p1.jpg`: Corrupt EXIF data")
    assert not [w for w in recwarn if "PIL" in w.filename]
    assert "tas-purun" in load_catalog(scratch.content).products


def test_too_many_photos_is_one_error(scratch):
    scratch.product("tas-purun", photos=tuple(["p1.jpg"] * 500))
    assert only(scratch) == "error: content/products/tas-purun.yaml:5: photos: 500 photos, more than 35"


def test_too_many_unknown_keys_end_in_one_summary_line(scratch):
    scratch.product("tas-purun", extra="".join(f"kunci{i}: x\n" for i in range(5000)))
    found = problems(scratch)
    assert len(found) == 11
    assert found[-1] == "warning: content/products/tas-purun.yaml:1: 4,990 more unknown fields, ignored"


def test_a_list_past_its_cap_is_one_error(scratch):
    scratch.product("tas-purun", extra="tags:\n" + "".join(f"  - t{i}\n" for i in range(10_000)))
    assert only(scratch) == "error: content/products/tas-purun.yaml:7: tags: list has 10,000 items, more than 100"


def test_past_fifty_problems_a_file_gets_one_summary_line(scratch):
    scratch.write("crafts.yaml", "crafts:\n" + "".join(f"  - slug: k{i}\n    name: K\n    color: coklat\n"
                                                       for i in range(200)))
    found = [p for p in load_catalog(scratch.content).problems if p.path == "content/crafts.yaml"]
    assert len(found) == 51
    assert found[-1].message == "150 more errors in this file not shown"
