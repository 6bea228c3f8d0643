"""Every channel the council posts to, from the same render: settings, captions, checks, post.json.

Regenerate the golden files with: UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_channels.py
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest
from conftest import assert_golden

from pipeline.build import orchestrate as B
from pipeline.common.channels import KNOWN, SPECS, Channel
from pipeline.common.clock import FixedClock
from pipeline.common.errors import ConfigError
from pipeline.common.project import Project
from pipeline.plan.schedule import load_settings
from pipeline.render.captions import channel_caption, split_title, utf16_length

GOLDEN = Path(__file__).parent / "golden" / "captions"
STORY = ("Dianyam tangan oleh ibu-ibu Desa Contoh dari purun rawa pesisir. "
         "Motif pucuk rebung melambangkan harapan yang terus tumbuh. 🌾")
DAY1 = dt.date(2026, 10, 1)
CLOCK = FixedClock(dt.datetime(2026, 9, 30, 22, 0, tzinfo=dt.UTC))  # 05:00 WIB on 1 October


def golden(name: str, text: str) -> None:
    assert_golden(GOLDEN / f"{name}.txt", text)


def schedule(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "schedule.yaml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture
def rich(post):
    post.scratch.product("tikar", f"""
        materials: [purun, pewarna alami]
        size: "120 x 180 cm"
        story: "{STORY}"
        tags: [tikar, Oleh Oleh, anyamanpurun, rumah, dekorasi, hadiah]
    """, name="Tikar Purun 'Pucuk Rebung' 🌿", price="Rp 150.000")
    return post.reload()


def caption(post, channel: Channel, slug: str = "tikar"):
    return channel_caption(post.project, post.catalog.products[slug], post.catalog, post.brand, channel)


# Settings -----------------------------------------------------------------------------------------

def test_default_is_tiktok_only_and_channels_parse_as_list_or_mapping(tmp_path):
    assert load_settings(tmp_path / "none.yaml").channels == (Channel("tiktok"),)
    listed = load_settings(schedule(tmp_path, "channels: [tiktok, instagram, whatsapp]\n"))
    assert [c.name for c in listed.channels] == ["tiktok", "instagram", "whatsapp"]
    s = load_settings(schedule(tmp_path, """
        channels:
          tiktok: {handle: "@dekranasda.sergai"}
          instagram: {max_hashtags: 8, takes: carousel}
          youtube: {max_seconds: 120}
    """))
    assert s.channels == (Channel("tiktok", "@dekranasda.sergai"), Channel("instagram", "", 8, "carousel"),
                          Channel("youtube", max_seconds=120))
    assert s.channels[1].wants == "carousel" and s.channels[2].wants == "video"
    assert s.channels[2].seconds == (3, 120)


def test_unknown_channel_is_a_file_line_error_naming_the_known_ones(tmp_path):
    path = schedule(tmp_path, """
        timezone: Asia/Jakarta
        channels:
          tiktok: {}
          tiktokk: {handle: "@x"}
          youtube: {takes: both}
    """)
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    problems = {p.line: p for p in info.value.problems}
    assert set(problems) == {4, 5}
    assert "`tiktokk` is not a channel" in problems[4].message and problems[4].path == "schedule.yaml"
    assert all(name in problems[4].hint for name in KNOWN)
    assert "carousel" in problems[5].message and problems[5].field.endswith("takes")


# Captions -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", KNOWN)
def test_channel_captions_match_golden(rich, name):
    c = caption(rich, Channel(name))
    golden(f"channel-{name}", c.text)
    tags = [t.casefold() for t in c.hashtags]
    assert len(tags) == len(set(tags))  # de-duplicated
    if name != "tiktok":
        assert len(c.hashtags) <= SPECS[name].max_hashtags
    if name == "whatsapp":
        assert "https://wa.me/62" in c.text and "#" not in c.text
    if name == "youtube":
        title, body = split_title(c.text)
        assert title.startswith("Tikar Purun") and "#Shorts" in title and STORY[:40] in body


def test_tiktok_channel_caption_is_todays_caption(rich):
    from pipeline.render.captions import build_caption
    product = rich.catalog.products["tikar"]
    assert caption(rich, Channel("tiktok")).text == build_caption(rich.project, product, rich.catalog, rich.brand).text


def test_hashtag_cap_is_a_setting(rich):
    assert len(caption(rich, Channel("instagram")).hashtags) == 5
    assert len(caption(rich, Channel("instagram", max_hashtags=2)).hashtags) == 2


@pytest.mark.parametrize("story_units", [10, 600, 2100, 2300, 4990, 5200, 9000])
def test_every_channel_caption_fits_its_limit_in_utf16_units(post, story_units):
    story = ("Anyaman purun 🌾 dari rawa. " * 400)[: story_units // 2]  # each emoji is 2 units
    post.scratch.product("panjang", f'story: "{story}"\n', name="Tikar " + "Purun Anyaman Sergai 🌿 " * 8)
    post = post.reload()
    for name in KNOWN:
        c = caption(post, Channel(name), "panjang")
        spec = SPECS[name]
        if spec.title_max:
            title, body = split_title(c.text)
            assert 0 < utf16_length(title) <= spec.title_max == 100
            assert utf16_length(body) <= spec.caption_max
        else:
            assert utf16_length(c.text) <= spec.caption_max, name


def test_a_story_too_long_for_one_channel_fits_another(post):
    story = "Motif pucuk rebung melambangkan harapan. " * 70  # about 2,900 units: over 2,200, under 5,000
    post.scratch.product("panjang", f'story: "{story.strip()}"\n')
    post = post.reload()
    tiktok, instagram, youtube = (caption(post, Channel(n), "panjang") for n in ("tiktok", "instagram", "youtube"))
    for short in (tiktok, instagram):
        assert short.utf16_length <= 2200 and story.strip() not in short.text
        assert any(w.field == "story" and "shortened" in w.message for w in short.warnings)
        assert short.text.rstrip().endswith(short.hashtags[-1])  # cut in the story, hashtags kept
    assert story.strip() in youtube.text and not [w for w in youtube.warnings if w.field == "story"]


# The build: one render, every channel -------------------------------------------------------------

def test_five_channels_cost_one_render_and_a_failing_channel_is_only_that_channel(shop):
    (shop.root / "schedule.yaml").write_text(textwrap.dedent("""
        horizon_days: 2
        channels:
          tiktok: {handle: "@dekranasda.sergai"}
          instagram: {takes: carousel}
          facebook: {}
          youtube: {max_seconds: 3}
          whatsapp: {}
    """).lstrip(), encoding="utf-8")
    report = B.build(Project.at(shop.root), B.Options(draft=True, only=DAY1), clock=CLOCK)
    assert [d.status for d in report.days] == [B.BUILT] and report.renders == 1
    folder = shop.root / "exports" / DAY1.isoformat()
    for name in KNOWN:
        assert (folder / f"caption-{name}.txt").is_file()
    assert (folder / "caption.txt").read_text(encoding="utf-8") == (folder / "caption-tiktok.txt").read_text(
        encoding="utf-8")
    post = json.loads((folder / "post.json").read_text(encoding="utf-8"))
    channels = {c["name"]: c for c in post["channels"]}
    assert list(channels) == list(KNOWN)
    assert "video" not in channels["instagram"]["files"] and channels["instagram"]["files"]["slides"]
    assert channels["facebook"]["files"]["video"] == "video.mp4" and "slides" in channels["facebook"]["files"]
    assert set(channels["youtube"]["files"]) == {"video"}
    assert channels["youtube"]["ready"] is False and "3 detik" in channels["youtube"]["problems"][0]
    assert all(channels[n]["ready"] for n in ("tiktok", "instagram", "facebook", "whatsapp"))
    assert any("YouTube Shorts" in w and "belum siap" in w for w in post["warnings"])
    for c in channels.values():
        assert c["caption_length"] <= c["caption_limit"] == SPECS[c["name"]].caption_max
    assert channels["youtube"]["title_length"] <= channels["youtube"]["title_limit"] == 100
    assert channels["instagram"]["caption"] + "\n" == (folder / "caption-instagram.txt").read_text(encoding="utf-8")
    page = (folder / "checklist.html").read_text(encoding="utf-8")
    instagram = page.split('id="kanal-instagram"')[1].split("</section>")[0]
    assert "video.mp4" not in instagram and 'data-copy="caption-instagram"' in instagram
    bad = [c for c in post["checks"] if "channel" in c and not c["ok"]]
    assert [(c["channel"], c["name"], c["severity"]) for c in bad] == [("youtube", "duration", "warning")]


def test_changing_channels_changes_the_input_hash(shop):
    from pipeline.catalog.reader import load_catalog
    from pipeline.render.inputs import DaySettings, Loader
    project = Project.at(shop.root)
    loader = Loader(project, load_catalog(project.content))
    one = DaySettings()
    two = dataclasses.replace(one, channels=(Channel("tiktok"), Channel("whatsapp")))
    three = dataclasses.replace(one, channels=(Channel("tiktok", max_hashtags=3),))
    digests = {loader.inputs("tas-purun", d).digest() for d in (one, two, three)}
    assert len(digests) == 3
