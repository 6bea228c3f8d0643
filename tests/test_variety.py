"""Posts that differ: the hook and short title, a product's Nth post, one photo cut into several shots.

Renders are real (draft videos of a short template, decoded with PyAV); properties, not bytes,
except where the promise is byte-equality (the same post built twice).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from pipeline.catalog.reader import load_catalog
from pipeline.cli import main as cli
from pipeline.common.clock import FixedClock
from pipeline.common.errors import ConfigError
from pipeline.common.project import Project
from pipeline.plan.planner import SWAPPED, Feature, Slot
from pipeline.render import crops, variation
from pipeline.render.brand import load_brand
from pipeline.render.context import post_context
from pipeline.render.draw import render as draw
from pipeline.render.headline import derived_titles
from pipeline.render.inputs import DaySettings, inputs_for
from pipeline.render.layout import load_layout
from pipeline.render.post import render
from pipeline.render.scenes import load_video_template, plan_video

REPO = Path(__file__).resolve().parents[1]
LONG = "Tikar Pandan Anyaman Tangan Motif Bunga Tanjung Ukuran Besar"
HOOK = "Tikar pandan 350rb, dianyam tangan!"
BRIEF = """
description: short, with photo scenes, for tests
fps: 30
size: [360, 640]
draft_size: [360, 640]
length: {min: 3, max: 4.5, cap: 6}
transition: {type: crossfade, duration: 0.2}
scenes:
  - {type: cover, layout: cover, duration: 1, motion: zoom_in}
  - {type: photos, layout: slide, duration: [0.8, 1], motion: [zoom_in, pan, zoom_out]}
  - {type: card, layout: cta, duration: 0.8}
audio: {music: none}
encode: {draft_preset: veryfast}
variation: {transitions: [crossfade, slide]}
"""


def use_brief(scratch) -> None:
    path = scratch.root / "templates" / "videos" / "default.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(BRIEF.lstrip(), encoding="utf-8")


def three_photos(scratch, slug: str = "tikar", **fields) -> None:
    for i, colour in enumerate([(170, 130, 80), (60, 120, 160), (150, 60, 90)]):
        scratch.photo(f"t{i}.jpg", size=(720, 960), colour=colour)
    scratch.product(slug, photos=("t0.jpg", "t1.jpg", "t2.jpg"), **fields)


def headline_of(project, catalog, slug: str, post_number: int = 1) -> str:
    """The words the cover layer bound to {{ headline }} drew, read back from the painter."""
    brand = load_brand(project)
    layout = load_layout(project, "cover", brand)
    product = catalog.products[slug]
    done = draw(layout, post_context(product, catalog, brand, post_number=post_number), size=(540, 960))
    layer = next(la for la in layout.layers if la.kind == "text" and "headline" in la["text"])
    return next(t.text for t in done.texts if t.layer == layer.label)


def decoded(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as box:
        return [f.to_ndarray() for f in box.decode(video=0)]


def post(scratch, slug: str, number: int, out: Path):
    project = Project.at(scratch.root)
    catalog = load_catalog(project.content)
    inputs, blobs = inputs_for(project, catalog, slug, DaySettings(draft=True, post_number=number))
    return inputs, render(inputs, out, blobs)


# The hook and the short title -------------------------------------------------------------------

def test_the_cover_headline_is_the_hook_when_set(scratch):
    scratch.product("tikar", name=LONG, hook=HOOK)
    project = Project.at(scratch.root)
    catalog = load_catalog(project.content)
    assert headline_of(project, catalog, "tikar") == HOOK


def test_without_a_hook_the_cover_shows_a_short_title_of_whole_words(scratch):
    scratch.product("tikar", name=LONG)
    project = Project.at(scratch.root)
    catalog = load_catalog(project.content)
    shown = headline_of(project, catalog, "tikar")
    assert len(shown) <= 28 and shown.startswith("Tikar Pandan")
    assert set(shown.split()) <= set(LONG.split())  # never a word cut in half


def test_a_layout_sets_the_title_length(scratch):
    scratch.product("tikar", name=LONG)
    cover = (REPO / "pipeline/defaults/templates/layouts/cover.yaml").read_text(encoding="utf-8")
    own = scratch.root / "templates" / "layouts" / "cover.yaml"
    own.parent.mkdir(parents=True, exist_ok=True)
    own.write_text(cover.replace("headline_length: 28", "headline_length: 18"), encoding="utf-8")
    project = Project.at(scratch.root)
    catalog = load_catalog(project.content)
    assert len(headline_of(project, catalog, "tikar")) <= 18


@pytest.mark.parametrize("length", [12, 18, 28, 40])
def test_derived_titles_fit_and_keep_whole_words_for_every_sample_name(length):
    catalog = load_catalog(REPO / "content")
    for product in catalog.products.values():
        for title in derived_titles(product.name, length, "Sergai"):
            words = title.text.split()
            assert len(title.text) <= length or len(words) == 1, (product.name, title.text)
            assert all(w in product.name.split() for w in words)
            order = [product.name.split().index(w) for w in words]
            assert order == sorted(order)  # the name's own order


def test_a_hook_too_long_is_an_error_at_its_line(scratch):
    path = scratch.product("tikar", hook="x" * 61)
    catalog = load_catalog(Project.at(scratch.root).content)
    assert "tikar" not in catalog.products
    problem = next(p for p in catalog.problems if p.field == "hook")
    assert problem.is_error and problem.path.endswith(path.name)
    assert path.read_text().splitlines()[problem.line - 1].startswith("hook:")


def test_check_warns_of_dropped_words_and_of_too_few_photos(scratch, capsys, monkeypatch):
    scratch.product("tikar", name="Kain Tenun Songket Merah Marun Benang Emas")
    scratch.product("filler", name=LONG, photos=("t0.jpg", "t1.jpg", "t2.jpg"))  # only filler words dropped
    three_photos(scratch, "tiga", name="Tas Purun", hook=HOOK)
    monkeypatch.setenv("ETALASE_ROOT", str(scratch.root))
    cli(["check"])
    err = capsys.readouterr().err
    tikar = [entry for entry in err.split("warning: ") if "tikar.yaml" in entry]
    assert any("hook" in line and "Kain Tenun Songket" in line and "Benang Emas" in line for line in tikar)
    assert any("photos" in line and "3 or more photos" in line for line in tikar)
    for quiet in ("tiga.yaml", "filler.yaml"):
        assert not [e for e in err.split("warning: ") if quiet in e and ("hook" in e or "more photos" in e)]


# The Nth post -----------------------------------------------------------------------------------

def test_post_numbers_count_the_ledger_and_the_plan_before_each_day():
    d = dt.date(2026, 3, 1)
    history = [Feature(d - dt.timedelta(days=20), "a", "x"), Feature(d - dt.timedelta(days=9), "b", "y"),
               Feature(d + dt.timedelta(days=1), "b", "y")]  # a build the plan now gives to another product
    slots = [Slot(d + dt.timedelta(days=i), p, "x", "r", "") for i, p in enumerate(["a", "c", "a", None, "a"])]
    assert variation.post_numbers(slots, history) == {
        d: 2, d + dt.timedelta(days=1): 1, d + dt.timedelta(days=2): 3, d + dt.timedelta(days=4): 4}


def test_the_post_number_is_a_render_input(scratch):
    project = Project.at(scratch.root)
    catalog = load_catalog(project.content)
    first, _ = inputs_for(project, catalog, "tas-purun", DaySettings(post_number=1))
    second, _ = inputs_for(project, catalog, "tas-purun", DaySettings(post_number=2))
    assert first.digest() != second.digest()


def test_two_posts_differ_and_one_post_built_twice_is_equal(scratch, tmp_path):
    use_brief(scratch)
    three_photos(scratch)
    project = Project.at(scratch.root)
    catalog = load_catalog(project.content)
    product = catalog.products["tikar"]
    template = load_video_template(project, "default")
    plans = [plan_video(variation.for_post(project, template, variation.ordered(product, n), n), variation.ordered(
        product, n)) for n in (1, 2)]
    chosen = [[(s.photo.file if s.photo else None, s.motion, s.transition.kind) for s in p.scenes] for p in plans]
    assert chosen[0] != chosen[1]
    assert chosen[0][0][0] != chosen[1][0][0]  # another hero opens the second post

    _, one = post(scratch, "tikar", 1, tmp_path / "one")
    _, two = post(scratch, "tikar", 2, tmp_path / "two")
    _, again = post(scratch, "tikar", 2, tmp_path / "again")
    a, b, c = (decoded(tmp_path / d / "video.mp4") for d in ("one", "two", "again"))
    assert len(b) == len(c) and all(np.array_equal(x, y) for x, y in zip(b, c, strict=True))
    assert (tmp_path / "two" / "video.mp4").read_bytes() == (tmp_path / "again" / "video.mp4").read_bytes()
    assert (tmp_path / "two" / "cover.jpg").read_bytes() == (tmp_path / "again" / "cover.jpg").read_bytes()
    differing = sum(not np.array_equal(x, y) for x, y in zip(a, b, strict=False))
    assert differing > len(a) // 2  # most frames differ, not a re-encode's noise
    assert (tmp_path / "one" / "cover.jpg").read_bytes() != (tmp_path / "two" / "cover.jpg").read_bytes()
    assert one.video["post_number"] == 1 and two.video["post_number"] == 2
    assert one.video["hero"] == "t0.jpg" and two.video["hero"] == "t1.jpg"
    assert one.video["photos"] == 3 and one.video["title_source"] == "derived"


def test_a_build_numbers_a_product_s_second_post(shop, monkeypatch):
    from pipeline.build.orchestrate import build
    from pipeline.plan import ledger as S
    from pipeline.store import db as store

    monkeypatch.setenv("ETALASE_ROOT", str(shop.root))
    clock = FixedClock(dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))))
    today = clock.now().date()
    conn = store.connect(shop.root / "state" / "etalase.db")
    for day in (today, today + dt.timedelta(days=1)):
        S.set_product(conn, day, "tikar-purun", SWAPPED, "siti", clock.now())
    conn.close()
    build(Project.at(shop.root), clock=clock)
    videos = [json.loads((shop.root / "exports" / str(d) / "post.json").read_text())["video"]
              for d in (today, today + dt.timedelta(days=1))]
    assert [v["post_number"] for v in videos] == [1, 2]
    # and the pages' freshness check counts the same way: the second post is not "perlu dibuat ulang"
    from pipeline.build.freshness import InputHashes
    from pipeline.export import folders as X
    from pipeline.plan.admin import open_context, plan_days

    ctx = open_context(Project.at(shop.root), clock)
    try:
        hashes = InputHashes(ctx)
        for slot in plan_days(ctx, [today, today + dt.timedelta(days=1)]):
            manifest = X.read_manifest(X.day_dir(shop.root / "exports", slot.date))
            assert hashes.digest(slot, draft=False) == manifest["input_hash"], slot.date
    finally:
        ctx.conn.close()


# One photo --------------------------------------------------------------------------------------

def test_one_photo_yields_at_least_three_distinct_crops_around_its_focus(scratch, tmp_path):
    scratch.photo("solo.jpg", size=(1200, 1600))
    scratch.product("solo", photos=("solo.jpg",), extra="")
    product = load_catalog(Project.at(scratch.root).content).products["solo"]
    shots = crops.shots(product.hero, tmp_path)
    pictures = [np.asarray(Image.open(s.path)) for s in shots]
    assert len(pictures) >= 3
    for i, a in enumerate(pictures):
        assert abs(a.shape[1] / a.shape[0] - 9 / 16) < 0.01
        for b in pictures[i + 1:]:
            assert a.shape != b.shape or not np.array_equal(a, b)
    whole = np.asarray(Image.open(product.hero.path))
    for (left, top, right, bottom), picture in zip(crops.crop_boxes((1200, 1600), product.hero.focus), pictures,
                                                  strict=True):
        assert np.array_equal(whole[top:bottom, left:right], picture)  # a view of the photo itself


def test_a_one_photo_video_moves_through_its_crops(scratch, tmp_path):
    use_brief(scratch)
    project = Project.at(scratch.root)
    catalog = load_catalog(project.content)
    template = load_video_template(project, "default")
    with crops.for_video(catalog.products["tas-purun"]) as shown:
        scenes = [s for s in plan_video(template, shown).scenes if s.kind == "photos"]
        assert len({s.photo.path for s in scenes}) >= 3
    _, result = post(scratch, "tas-purun", 1, tmp_path / "solo")
    assert result.video["photos"] == 1 and result.video["hero"] == "p1.jpg"


def many_photos(scratch, slug: str, count: int):
    """(project, a product with `count` photos, the packaged default video template)."""
    names = [f"{slug}-{i}.jpg" for i in range(count)]
    for name in names:
        scratch.photo(name, size=(600, 800))
    scratch.product(slug, photos=tuple(names))
    project = Project.at(scratch.root)
    return project, load_catalog(project.content).products[slug], load_video_template(project, "default")


def test_a_twelve_photo_product_stays_under_the_length_cap(scratch):
    project, product, template = many_photos(scratch, "dua-belas", 12)
    for n in range(1, 5):
        varied = variation.ordered(product, n)
        plan = plan_video(variation.for_post(project, template, varied, n), varied)
        assert plan.duration <= template.length[2]


def test_a_template_s_variation_list_names_only_known_transitions(scratch):
    use_brief(scratch)
    path = scratch.root / "templates" / "videos" / "default.yaml"
    path.write_text(path.read_text().replace("[crossfade, slide]", "[crossfade, wobble]"), encoding="utf-8")
    project = Project.at(scratch.root)
    catalog = load_catalog(project.content)
    template = load_video_template(project, "default")
    with pytest.raises(ConfigError) as err:  # on the first post already, not only once a product repeats
        variation.for_post(project, template, catalog.products["tas-purun"], 1)
    problem = err.value.problems[0]
    assert problem.path.endswith("default.yaml") and problem.line == 13 and "wobble" in problem.message


def test_later_posts_turn_the_photo_transitions_a_scene_lists_itself(scratch):
    """The packaged default.yaml lists its photo scenes' kinds ([slide, zoom, push_up]): post 2 must not
    replay post 1's transitions."""
    project, product, template = many_photos(scratch, "tiga", 3)
    assert any(s.kinds for s in template.scenes if s.kind == "photos")  # the case under test
    played = [[s.transition.kind for s in plan_video(variation.for_post(project, template, product, n), product).scenes
               if s.kind == "photos"] for n in (1, 2, 3)]
    assert played[0] != played[1] and played[1] != played[2], played  # the photos' own cuts, not only the cards'
