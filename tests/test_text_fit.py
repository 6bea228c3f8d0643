"""Text fitting: measured wrapping, shrink to fit, a clear error at the minimum, glyphs and emoji."""

from __future__ import annotations

import pytest

from pipeline.common.errors import RenderError
from pipeline.render.context import post_context
from pipeline.render.draw import render
from pipeline.render.layout import load_layout
from pipeline.render.text import drop_missing_glyphs, fit, load_font, wrap

LONG = "Tas Anyaman Purun Motif Pucuk Rebung Ukuran Besar dengan Tali Kulit Asli"


@pytest.fixture
def title_font(post) -> str:
    return str(post.brand.font_path("title"))


def test_long_indonesian_name_wraps_within_the_width_and_shrinks(title_font):
    got = fit(LONG, title_font, 768, 440, max_size=104, min_size=50, line_spacing=1.04)
    assert got is not None
    assert 50 <= got.size < 104
    font = load_font(title_font, got.size)
    assert all(font.getlength(line) <= 768 for line in got.lines)
    assert " ".join(got.lines) == LONG  # nothing lost or reordered
    assert got.height <= 440
    bigger = fit(LONG, title_font, 768, 440, max_size=got.size + 1, min_size=got.size + 1, line_spacing=1.04)
    assert bigger is None  # the size chosen is the largest that fits


def test_one_letter_name_stays_at_the_maximum(title_font):
    got = fit("O", title_font, 768, 440, max_size=104, min_size=50)
    assert got.size == 104 and got.lines == ("O",)


def test_nothing_fits_below_the_minimum(title_font):
    assert fit(LONG, title_font, 300, 100, max_size=80, min_size=40) is None
    assert fit("Supercalifragilistik", title_font, 100, 400, max_size=80, min_size=40) is None  # one word too wide


def test_explicit_lines_and_max_lines(title_font):
    font = load_font(title_font, 40)
    assert wrap("Bahan: purun\nUkuran: 35 cm", font, 768) == ["Bahan: purun", "Ukuran: 35 cm"]
    two = fit(LONG, title_font, 768, 2000, max_size=90, min_size=20, max_lines=2)
    assert len(two.lines) == 2


def test_balanced_title_has_no_lonely_last_word(title_font):
    name = "Tas Jinjing Purun Motif Pucuk Rebung"
    plain = fit(name, title_font, 768, 440, max_size=80, min_size=80)
    even = fit(name, title_font, 768, 440, max_size=80, min_size=80, balance=True)
    assert plain.lines[-1] == "Rebung"
    assert even.lines == ("Tas Jinjing", "Purun Motif", "Pucuk Rebung")


def test_apostrophes_render_and_emoji_are_dropped(title_font):
    assert drop_missing_glyphs("Kain 'Ombak' Ibu’s", title_font) == ("Kain 'Ombak' Ibu’s", "")
    text, dropped = drop_missing_glyphs("Tas Purun ✨ Cantik 👍🏽\nBaru ❤️", title_font)
    assert text == "Tas Purun Cantik\nBaru"
    assert set(dropped) == {"✨", "👍", "❤"}


def test_emoji_on_an_image_give_a_warning_not_boxes(post):
    post.scratch.product("emoji", name="Tas Purun ✨ Cantik")
    post = post.reload()
    product = post.catalog.products["emoji"]
    layout = load_layout(post.project, "cover", post.brand)
    done = render(layout, post_context(product, post.catalog, post.brand), size=(540, 960))
    (title,) = [t for t in done.texts if t.text.startswith("Tas")]
    assert title.text == "Tas Purun Cantik"
    (warning,) = done.warnings  # on the product's name, so every layout showing it gives the same one warning
    assert "✨" in warning.message and warning.severity == "warning"
    assert (warning.path, warning.field) == ("content/products/emoji.yaml", "name")


def test_text_that_cannot_fit_is_a_clear_error(post):
    post.scratch.product("panjang", name=" ".join([LONG] * 4))
    post = post.reload()
    product = post.catalog.products["panjang"]
    layout = load_layout(post.project, "details", post.brand)  # the full name (the cover shows a short title)
    with pytest.raises(RenderError) as err:
        render(layout, post_context(product, post.catalog, post.brand), size=(540, 960))
    message = str(err.value)  # names what the curator can change, with the layout as context
    assert message.startswith("content/products/panjang.yaml: name: the product's name does not fit layers[4] "
                              "(text) of ") and "templates/layouts/details.yaml:29 (" in message
    assert "min_size 42" in message and "hint: shorten the name; or enlarge that box" in message


def test_a_draft_wraps_like_the_full_size(post):
    post.scratch.product("long", name=LONG)
    post = post.reload()
    product = post.catalog.products["long"]
    layout = load_layout(post.project, "cover", post.brand)
    ctx = post_context(product, post.catalog, post.brand)
    full = render(layout, ctx, size=(1080, 1920)).texts
    draft = render(layout, ctx, size=(540, 960)).texts
    assert [t.lines for t in full] == [t.lines for t in draft]
    assert all(abs(t.size - 2 * d.size) <= 2 for t, d in zip(full, draft, strict=True))


def test_a_phone_number_is_never_split_across_lines(post):
    layout = load_layout(post.project, "details", post.brand)
    done = render(layout, post_context(post.catalog.products["tas-purun"], post.catalog, post.brand), size=(540, 960))
    (cta,) = [t for t in done.texts if "WhatsApp" in t.text]
    assert any("+62\u00a0812-0000-0001" in line for line in cta.lines), cta.lines


def test_preview_prints_an_emoji_warning_once(shop):
    import contextlib
    import io

    from pipeline.cli import main

    shop.product("emoji", name="Tas Purun ✨ Cantik")
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        assert main(["--root", str(shop.root), "preview", "emoji", "--fast", "--out", str(shop.root / "pv")]) == 0
    assert err.getvalue().count("left out of") == 1, err.getvalue()
