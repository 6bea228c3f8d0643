"""brand.yaml: defaults, user-first lookup, and every problem reported at once with its line."""

from __future__ import annotations

import textwrap

import pytest

from pipeline.common.errors import ConfigError
from pipeline.common.project import Project
from pipeline.render.brand import SAFE_BOX, load_brand


def own_brand(scratch, text: str) -> Project:
    path = scratch.root / "templates" / "brand.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return Project.at(root=scratch.root)


def test_packaged_brand_has_the_documented_defaults(post):
    brand = post.brand
    assert brand.council.startswith("Dekranasda")
    assert brand.handle.startswith("@")
    assert brand.safe_box == SAFE_BOX == (120, 288, 888, 1248)
    assert brand.jpeg_quality == 90 and brand.max_hashtags == 5
    assert brand.caption.template == "default" and brand.caption.languages == ("id",)
    assert brand.caption.max_length == 2200
    for role in ("title", "body", "strong"):
        assert brand.font_path(role).is_file(), role
    assert brand.logo is not None and brand.logo.is_file()
    assert brand.source == "templates/brand.yaml" or brand.source.endswith("templates/brand.yaml")
    assert brand.warnings == ()
    assert len(brand.digest) == 64


def test_council_folder_comes_first(scratch):
    project = own_brand(scratch, """
        council: Dekranasda Contoh
        handle: contoh_kerajinan
        hashtags: [KerajinanContoh]
    """)
    brand = load_brand(project)
    assert brand.council == "Dekranasda Contoh"
    assert brand.handle == "@contoh_kerajinan"
    assert brand.hashtags == ("#KerajinanContoh",)
    assert brand.source == "templates/brand.yaml"
    assert brand.logo is None  # not set in the council's file: no logo, no silent default
    assert brand.colours["primary"].startswith("#")  # unset colours keep the defaults


def test_every_problem_is_reported_with_its_line(scratch):
    project = own_brand(scratch, """
        council: Dekranasda Contoh
        handle: "@contoh"
        colours:
          primary: brownish
        fonts:
          title: Montserat
        safe_box: [120, 288, 2000, 1248]
        jpeg_quality: 200
        logo: nowhere.png
        hashtag: ["#typo"]
    """)
    with pytest.raises(ConfigError) as err:
        load_brand(project)
    text = {(p.line, p.field): p for p in err.value.problems}
    assert "is not a colour" in text[(4, "colours.primary")].message
    font = text[(6, "fonts.title")]
    assert font.message.startswith('font "Montserat" not found (have: ')
    assert "Manrope ExtraBold" in font.message and "Vollkorn Bold" in font.message
    assert "templates/fonts/" in font.hint
    assert "safe_box" in text[(7, "safe_box")].message
    assert "outside 60-100" in text[(8, "jpeg_quality")].message
    assert "logo `nowhere.png` not found" in text[(9, "logo")].message
    assert all(p.path == "templates/brand.yaml" and p.is_error for p in err.value.problems)
    assert len(err.value.problems) == 5  # the unknown key is a warning, not an error


def test_unknown_keys_are_warned_with_the_nearest_name(scratch):
    brand = load_brand(own_brand(scratch, """
        council: Dekranasda Contoh
        handle: "@contoh"
        hashtag: ["#typo"]
    """))
    (warning,) = brand.warnings
    assert (warning.line, warning.field, warning.severity) == (3, "hashtag", "warning")
    assert "did you mean `hashtags`" in warning.hint


def test_required_fields_and_caption_template(scratch):
    with pytest.raises(ConfigError) as err:
        load_brand(own_brand(scratch, """
            colours: {accent: "#FFF"}
            caption:
              template: festive
              languages: [en]
        """))
    messages = [str(p) for p in err.value.problems]
    assert any("`council` is required" in m for m in messages)
    assert any("`handle` is required" in m for m in messages)
    assert any("caption.template" in m and "festive" in m and "default" in m for m in messages)
    assert any("caption.languages" in m and "Bahasa Indonesia" in m for m in messages)


def test_a_font_added_by_the_council_is_found(scratch):
    fonts = scratch.root / "templates" / "fonts"
    fonts.mkdir(parents=True)
    packaged = load_brand(Project.at(root=scratch.root)).font_path("body")
    (fonts / "MyFace.ttf").write_bytes(packaged.read_bytes())  # same face under a council folder
    project = own_brand(scratch, """
        council: Dekranasda Contoh
        handle: "@contoh"
        fonts:
          body: Manrope SemiBold
    """)
    brand = load_brand(project)
    assert brand.font_path("body") == fonts / "MyFace.ttf"  # the council's file wins over the packaged one
