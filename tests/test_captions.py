"""Captions: golden texts, hashtags, TikTok's UTF-16 limit, template errors.

Regenerate the golden files with: UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_captions.py
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import assert_golden

from pipeline.common.errors import ConfigError
from pipeline.render.captions import build_caption, collect_hashtags, english_caption, shorten, utf16_length

GOLDEN = Path(__file__).parent / "golden" / "captions"

STORY = ("Dianyam tangan oleh ibu-ibu Desa Contoh dari purun rawa pesisir. "
         "Motif pucuk rebung melambangkan harapan yang terus tumbuh. 🌾")


@pytest.fixture
def rich(post):
    """A product with every field a caption shows."""
    post.scratch.product("tikar", f"""
        materials: [purun, pewarna alami]
        size: "120 x 180 cm"
        colours: [cokelat, merah]
        story: "{STORY}"
        story_en: "Hand-woven from swamp sedge by the women of Desa Contoh."
        tags: [tikar, Oleh Oleh, anyamanpurun]
        certifications: [OVOP Bintang 3]
    """, name="Tikar Purun 'Pucuk Rebung' 🌿", price="Rp 150.000")
    return post.reload()


def golden(name: str, text: str) -> None:
    assert_golden(GOLDEN / f"{name}.txt", text)


def caption(post, slug="tikar", **kw):
    return build_caption(post.project, post.catalog.products[slug], post.catalog, post.brand, **kw)


def test_default_caption_matches_golden(rich):
    c = caption(rich)
    golden("default", c.text)
    assert "Rp 150.000" in c.text
    assert "Kelompok Ani, Desa Contoh, Kec. Tanjung Beringin" in c.text
    assert "WhatsApp +62 812-0000-0001" in c.text
    assert c.utf16_length == utf16_length(c.text) > len(c.text)  # emoji count double
    assert not c.english and "Hand-woven" not in c.text  # English never rides along


def test_special_day_intro_matches_golden(rich):
    c = caption(rich, intro="Selamat Hari UMKM Nasional! 🇮🇩")
    golden("intro", c.text)
    assert c.text.startswith("Selamat Hari UMKM Nasional!")


def test_go_global_english_caption_matches_golden(rich):
    product = rich.catalog.products["tikar"]
    c = english_caption(rich.project, product, rich.catalog, rich.brand)
    golden("caption-en", c.text)
    assert c.english and c.template == "en"
    assert "Purun Weaving handmade by Kelompok Ani in Tanjung Beringin" in c.text
    assert "Hand-woven from swamp sedge" in c.text
    assert "Order via WhatsApp +62 812-0000-0001" in c.text
    assert "Dianyam tangan" not in c.text and "Harga" not in c.text  # no Indonesian paragraph in it
    assert c.text.endswith(" ".join(c.hashtags)) and not c.warnings


def test_english_caption_without_story_en_warns(post):
    product = post.catalog.products["tas-purun"]
    c = english_caption(post.project, product, post.catalog, post.brand)
    assert any(w.field == "story_en" and "no story_en" in w.message for w in c.warnings)


def test_brand_languages_en_no_longer_glues_english_and_says_so(post):
    path = post.scratch.root / "templates" / "brand.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("languages: [id]", "languages: [id, en]"),
                    encoding="utf-8")
    post = post.reload()
    assert post.brand.caption.languages == ("id", "en")
    assert any(w.field == "caption.languages" and "no longer" in w.message for w in post.brand.warnings)
    assert "Order via" not in caption(post, slug="tas-purun").text


def test_hashtags_dedupe_case_insensitively_in_order(rich):
    tags = collect_hashtags(rich.brand, rich.catalog, rich.catalog.products["tikar"])
    # brand, craft, then product tags while there is room under max_hashtags (5)
    assert tags == ("#DekranasdaSergai", "#BanggaBuatanIndonesia", "#KerajinanTangan", "#AnyamanPurun", "#tikar")
    c = caption(rich)
    assert c.hashtags == tags and not c.warnings
    assert c.text.endswith(" ".join(tags))


def test_more_hashtags_than_the_setting_is_a_warning(rich):
    brand = own_brand_file(rich, "product_tags: all")
    tags = collect_hashtags(brand, rich.catalog, rich.catalog.products["tikar"])
    assert tags[4:] == ("#tikar", "#OlehOleh")  # "anyamanpurun" folded into the craft's #AnyamanPurun
    c = build_caption(rich.project, rich.catalog.products["tikar"], rich.catalog, brand)
    (warning,) = [w for w in c.warnings if w.field == "hashtags"]
    assert warning.severity == "warning" and "6 hashtags" in warning.message and "more than 5" in warning.message
    assert warning.path.endswith("templates/brand.yaml")
    none = own_brand_file(rich, "product_tags: none")
    assert collect_hashtags(none, rich.catalog, rich.catalog.products["tikar"]) == tags[:4]


def own_brand_file(post, caption_line: str):
    """The council's own brand.yaml (the sample's) with one caption setting changed."""
    from pipeline.render.brand import load_brand

    own = post.scratch.root / "templates" / "brand.yaml"
    text = own.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^  product_tags: .*$", "  " + caption_line, text)
    own.write_text(text.replace("logo: logo.png", "logo: ''"), encoding="utf-8")
    return load_brand(post.reload().project)


def test_an_overlong_story_is_cut_at_a_sentence_and_warned(post):
    sentence = "Setiap helai purun dijemur tiga hari sebelum dianyam dengan sabar 🌾. "
    post.scratch.product("panjang", f'story: "{sentence * 60}"\n')
    post = post.reload()
    c = caption(post, slug="panjang")
    assert c.utf16_length <= 2200 < utf16_length(sentence * 60)
    story_part = c.text.split("\n\n")[1]
    assert story_part.endswith("🌾.")  # a whole sentence, not a broken word
    assert c.text.endswith("#AnyamanPurun")  # price, call to action and hashtags survive
    assert "Rp 150.000" in c.text
    (warning,) = [w for w in c.warnings if w.field == "story"]
    assert "over the limit of 2200" in warning.message and warning.path == "content/products/panjang.yaml"


def test_shorten_counts_utf16_and_prefers_boundaries():
    assert shorten("Satu dua. Tiga empat lima.", 12) == "Satu dua."
    assert shorten("Satu dua tiga empat", 12) == "Satu dua…"
    assert utf16_length(shorten("🌾🌾🌾🌾 kata", 5)) <= 5
    assert shorten("pendek", 100) == "pendek"
    assert shorten("apa saja", 1) == ""


def own_caption(post, name: str, text: str):
    """The council's own caption template; the project is read again so its folder is searched."""
    own = post.scratch.root / "templates" / "captions"
    own.mkdir(parents=True, exist_ok=True)
    (own / f"{name}.j2").write_text(text, encoding="utf-8")
    return post.reload()


def test_a_typo_in_a_template_is_an_error_with_its_line(post):
    post = own_caption(post, "default", "{{ product.name }}\n\n{{ artisan.nama }}\n")
    with pytest.raises(ConfigError) as err:
        caption(post, slug="tas-purun")
    (p,) = err.value.problems
    assert (p.path, p.line) == ("templates/captions/default.j2", 3)
    assert "nama" in p.message


def test_a_syntax_error_names_the_line(post):
    post = own_caption(post, "broken", "ok\n{% if product.price %}\nno end\n")
    with pytest.raises(ConfigError) as err:
        caption(post, slug="tas-purun", template="broken")
    assert err.value.problems[0].path == "templates/captions/broken.j2"
    assert "syntax error" in err.value.problems[0].message


def test_unknown_template_lists_what_exists(post):
    with pytest.raises(ConfigError, match="available: default"):
        caption(post, slug="tas-purun", template="meriah")


def test_without_any_whatsapp_the_call_to_action_points_to_the_bio(post):
    text = post.scratch.content.joinpath("artisans/ani.yaml").read_text(encoding="utf-8")
    post.scratch.content.joinpath("artisans/ani.yaml").write_text(
        "\n".join(line for line in text.splitlines() if not line.startswith("whatsapp")) + "\n", encoding="utf-8")
    post = post.reload()
    assert "👉 Pesan sekarang lewat link di bio." in caption(post, slug="tas-purun").text
    c = english_caption(post.project, post.catalog.products["tas-purun"], post.catalog, post.brand)
    assert "Order via the link in our bio." in c.text
