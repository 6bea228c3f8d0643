"""Layouts as data: the packaged layouts, readable errors, layered defaults, overlays for the video."""

from __future__ import annotations

import textwrap
from dataclasses import replace

import numpy as np
import pytest

from pipeline.common.errors import ConfigError, RenderError
from pipeline.render.context import post_context
from pipeline.render.layout import load_layout, render_image, render_overlay


def own_layout(post, name: str, text: str):
    path = post.scratch.root / "templates" / "layouts" / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return post.reload()


def problems(post, name):
    with pytest.raises(ConfigError) as err:
        load_layout(post.project, name, post.brand)
    return {(p.line, p.field): p for p in err.value.problems}


def ctx(post, slug="tas-purun"):
    return post_context(post.catalog.products[slug], post.catalog, post.brand)


@pytest.mark.parametrize("name", ["cover", "slide", "details", "cta"])
def test_packaged_layouts_load_and_render(post, name):
    layout = load_layout(post.project, name, post.brand)
    assert layout.warnings == ()
    image = render_image(layout, ctx(post), size=(540, 960))
    assert image.mode == "RGB" and image.size == (540, 960)


def test_a_misspelt_font_names_file_line_field_and_what_exists(post):
    post = own_layout(post, "bad", """
        layers:
          - type: photo
          - type: text
            text: "{{ product.name }}"
            box: [120, 400, 768, 200]
            font: Montserat
    """)
    p = problems(post, "bad")[(6, "layers[1].font")]
    assert str(p).startswith('templates/layouts/bad.yaml:6: layers[1].font: font "Montserat" not found (have: ')
    assert "Manrope ExtraBold" in p.message


def test_all_problems_at_once(post):
    post = own_layout(post, "bad", """
        background: mauve
        layers:
          - type: txt
          - type: text
            text: "{{ product.name }"
            box: [100, 400, 768, 200]
            colour: "#12345"
            min_size: 90
            max_size: 40
          - type: band
            colour: accent
          - type: photo
            fit: stretch
            focus: [0.5, 0.5]
    """)
    got = problems(post, "bad")
    assert "`txt` is not one of" in got[(3, "layers[0].type")].message
    assert "template syntax error" in got[(5, "layers[1].text")].message
    assert "safe box x 120-888, y 288-1248" in got[(6, "layers[1].box")].message
    assert "is not a colour" in got[(7, "layers[1].colour")].message
    assert "min_size 90 is above max_size 40" in got[(8, "layers[1].min_size")].message
    assert "`box` is required" in got[(10, "layers[2]")].message
    assert "`stretch` is not one of" in got[(13, "layers[3].fit")].message
    assert "colour `mauve` is not defined" in got[(1, "background")].message
    assert len(got) == 8 and all(p.is_error for p in got.values())  # the unknown `focus` is only a warning


def test_unknown_field_is_a_warning_with_did_you_mean(post):
    post = own_layout(post, "typo", """
        layers:
          - type: text
            text: "{{ product.name }}"
            box: [120, 400, 768, 200]
            colur: accent
    """)
    (warning,) = load_layout(post.project, "typo", post.brand).warnings
    assert (warning.line, warning.field) == (5, "layers[0].colur")
    assert "did you mean `colour`" in warning.hint


def test_defaults_are_layered_global_then_type_then_layer(post):
    post = own_layout(post, "tiers", """
        defaults:
          layer: {opacity: 0.5, colour: accent}
          text: {colour: "#FFFFFF", font: title}
        layers:
          - type: band
            box: [0, 0, 1080, 100]
          - type: text
            text: a
            box: [120, 400, 768, 200]
          - type: text
            text: b
            box: [120, 700, 768, 200]
            colour: dark
            font: Monsterrat
    """)
    got = problems(post, "tiers")
    assert list(got) == [(14, "layers[2].font")]  # the only problem is the layer's own font
    post.scratch.root.joinpath("templates/layouts/tiers.yaml").write_text(
        post.scratch.root.joinpath("templates/layouts/tiers.yaml").read_text().replace("Monsterrat", "body"))
    band, first, second = load_layout(post.project, "tiers", post.brand).layers
    assert band["colour"] == "accent" and band["opacity"] == 0.5  # from defaults.layer
    assert first["colour"] == "#FFFFFF" and first["font"] == "title" and first["opacity"] == 0.5
    assert second["colour"] == "dark" and second["font"] == "body"
    assert first.where("colour")[1:] == (3, "defaults.text.colour")  # messages point where a value was written


def test_an_error_in_defaults_points_at_the_defaults(post):
    post = own_layout(post, "tiers", """
        defaults:
          text: {font: Comic}
        layers:
          - type: text
            text: a
            box: [120, 400, 768, 200]
    """)
    assert list(problems(post, "tiers")) == [(2, "defaults.text.font")]


def test_council_layout_is_used_before_the_packaged_one(post):
    post = own_layout(post, "cover", """
        background: "#00FF00"
        layers: []
    """)
    layout = load_layout(post.project, "cover", post.brand)
    assert layout.source == "templates/layouts/cover.yaml" and layout.layers == ()
    assert render_image(layout, ctx(post), size=(540, 960)).getpixel((10, 10)) == (0, 255, 0)


def test_an_unknown_layout_lists_the_known_ones(post):
    with pytest.raises(ConfigError, match="layouts: cover, cta, details, slide"):
        load_layout(post.project, "poster", post.brand)


def test_an_unknown_name_in_a_text_is_an_error_at_render(post):
    post = own_layout(post, "typo", """
        layers:
          - type: text
            text: "{{ product.nama }}"
            box: [120, 400, 768, 200]
    """)
    layout = load_layout(post.project, "typo", post.brand)
    with pytest.raises(ConfigError) as err:
        render_image(layout, ctx(post), size=(540, 960))
    (p,) = err.value.problems
    assert (p.path, p.line, p.field) == ("templates/layouts/typo.yaml", 3, "layers[0].text")
    assert "nama" in p.message



def test_text_left_to_its_default_points_at_the_layer_when_it_cannot_fit(post):
    post = own_layout(post, "tiny", """
        layers:
          - type: band
            box: [0, 0, 1080, 100]
          - type: price_tag
            box: [120, 400, 60, 40]
    """)
    layout = load_layout(post.project, "tiny", post.brand)
    with pytest.raises(RenderError) as err:
        render_image(layout, ctx(post), size=(540, 960))
    message = str(err.value)
    assert message.startswith("templates/layouts/tiny.yaml:4: layers[1]: layers[1] (price_tag): the text does not fit")
    assert "\n    hint: shorten the text" in message

def test_when_leaves_a_layer_out(post):
    post.scratch.product("pesanan", price="", availability="made_to_order")
    text = post.scratch.content.joinpath("products/pesanan.yaml").read_text().replace("price: ''\n", "")
    post.scratch.content.joinpath("products/pesanan.yaml").write_text(text)
    post = own_layout(post.reload(), "tag", """
        layers:
          - type: price_tag
            when: price_text
            box: [120, 400, 768, 200]
    """)
    layout = load_layout(post.project, "tag", post.brand)
    from pipeline.render.draw import render
    assert render(layout, ctx(post, "tas-purun"), size=(540, 960)).texts[0].text == "Rp 150.000"
    assert render(layout, ctx(post, "pesanan"), size=(540, 960)).texts == []


def test_overlay_is_transparent_where_the_photo_would_be(post):
    layout = load_layout(post.project, "cover", post.brand)
    overlay = render_overlay(layout, ctx(post), (540, 960))
    assert overlay.mode == "RGBA" and overlay.size == (540, 960)
    alpha = np.asarray(overlay.getchannel("A"))
    assert alpha[-50:, :].max() == 0  # the bottom is pure photo: nothing drawn there
    assert alpha[300:470, 60:444].max() == 255  # the title is opaque
    again = render_overlay(layout, ctx(post), (540, 960))
    assert again.tobytes() == overlay.tobytes()


def test_overlay_over_its_photo_matches_the_rendered_image(post):
    layout = load_layout(post.project, "details", post.brand)
    photo = post.catalog.products["tas-purun"].hero
    full = np.asarray(render_image(layout, ctx(post), photo, (540, 960)), dtype=np.int16)
    base = render_image(replace(layout, layers=tuple(x for x in layout.layers if x.kind == "photo")), ctx(post),
                        photo, (540, 960)).convert("RGBA")
    base.alpha_composite(render_overlay(layout, ctx(post), (540, 960), photo=photo))
    diff = np.abs(np.asarray(base.convert("RGB"), dtype=np.int16) - full)
    assert diff.max() <= 2  # the same picture, give or take rounding in the compositing


def test_template_problems_gathers_brand_layouts_and_captions(post):
    from pipeline.render.images import template_problems

    assert template_problems(post.project) == []
    post = own_layout(post, "rusak", """
        layers:
          - type: text
            text: "{{ product.name }}"
            box: [0, 0, 1080, 200]
            colur: accent
    """)
    captions = post.scratch.root / "templates" / "captions"
    captions.mkdir(parents=True)
    (captions / "rusak.j2").write_text("{% if x %}\n", encoding="utf-8")
    got = sorted((p.path, p.line, p.field, p.severity) for p in template_problems(post.reload().project))
    assert got == [("templates/captions/rusak.j2", 1, "", "error"),
                   ("templates/layouts/rusak.yaml", 4, "layers[0].box", "error")]
