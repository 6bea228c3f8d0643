"""The video's story on screen, its transitions, its music beds and cuts on the beat: real scene
compositing (frames asked of the timeline, decoded files for the sound), checked by properties."""

from __future__ import annotations

import shutil
from pathlib import Path

import av
import numpy as np
import pytest

from pipeline.catalog.reader import load_catalog
from pipeline.common.errors import ConfigError
from pipeline.common.project import Project
from pipeline.render import audio as sound
from pipeline.render import contrast
from pipeline.render.audio import choose_bed, load_beds
from pipeline.render.brand import load_brand
from pipeline.render.layout import load_layout
from pipeline.render.motion import Planes, i420_to_rgb
from pipeline.render.scenes import Beat, load_video_template, plan_video
from pipeline.render.story import split
from pipeline.render.text import fit
from pipeline.render.video import TRANSITIONS, build_clip, push_up, render_video, zoom

REPO = Path(__file__).resolve().parent.parent
MUSIC = REPO / "content" / "music"
STORY = ("Tikar besar dari daun pandan duri yang direbus, dijemur, dan diwarnai sendiri oleh Ibu Nurhayati. "
         "Bunga tanjung di tengahnya dibentuk dari helai pandan hijau yang disisipkan satu per satu. "
         "Cocok untuk ruang keluarga, musala, atau alas kenduri.")
TEMPLATE = """
fps: 30
size: [540, 960]
draft_size: [540, 960]
length: {min: 6, max: 9, cap: 12}
transition: {type: crossfade, duration: 0.4}
scenes:
  - {type: cover, layout: cover, duration: 1.5, motion: zoom_in}
  - type: photos
    layout: slide
    duration: [1.6, 2]
    motion: [pan, zoom_in, zoom_out]
    transition: {type: [crossfade, slide, push_up, zoom], duration: 0.4}
  - {type: card, layout: cta, duration: 1.2}
STORY
audio: {music: none}
encode: {preset: veryfast, draft_preset: veryfast}
"""


def template(scratch, text: str = TEMPLATE, story: str = "", name: str = "story") -> str:
    path = scratch.root / "templates" / "videos" / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.replace("STORY", story).lstrip(), encoding="utf-8")
    return name


def storied(scratch, slug: str = "tikar", photos: int = 5, colour=(200, 190, 170)) -> None:
    names = [f"{slug}{i}.jpg" for i in range(photos)]
    for n in names:
        scratch.photo(n, size=(1080, 1440), colour=colour)
    scratch.product(slug, photos=tuple(names), story=STORY, materials="[pandan]", size="200 x 150 cm")


def clip_of(scratch, slug: str, name: str, **kw):
    project = Project.at(scratch.root)
    catalog = load_catalog(project.content)
    assert not catalog.errors, catalog.errors
    return build_clip(project, catalog, catalog.products[slug], template=name, draft=True, **kw)


def transition_frames(plan) -> list[int]:
    return [i for start, before in zip(plan.starts[1:], plan.scenes, strict=False)
            for i in range(start, start + before.overlap)]


# Story on screen ------------------------------------------------------------------------------

def test_story_splits_at_sentences_and_clauses_into_phrases_of_two_lines(scratch):
    project = Project.at(scratch.root)
    brand = load_brand(project)
    layer = next(la for la in load_layout(project, "story", brand).layers if la.kind == "text")
    assert layer["min_size"] >= 48 and layer["max_lines"] == 2
    font = str(brand.font_path(layer["font"]))
    w, h = layer["box"][2], layer["box"][3]

    def fits(text: str) -> bool:
        return fit(text, font, w, h, max_size=layer["min_size"], min_size=layer["min_size"], max_lines=2) is not None

    phrases = split(STORY, fits)
    assert len(phrases) >= 3 and all(fits(p) for p in phrases)
    assert " ".join(phrases) == STORY  # nothing lost, nothing cut mid-word
    ends = (".", ",", "!", "?", ";", ":")
    assert sum(p.endswith(ends) for p in phrases) >= len(phrases) - 1  # breaks fall on punctuation
    assert split("Satu. Dua, tiga.", lambda t: len(t) <= 6) == ["Satu.", "Dua,", "tiga."]
    assert split("kata kata kata kata", lambda t: len(t) <= 10) == ["kata kata", "kata kata"]
    # a clause too long for one phrase is halved, never a full phrase and a lone last word
    assert split("satu dua tiga empat lima", lambda t: len(t) <= 20) == ["satu dua", "tiga empat lima"]


def test_story_phrases_are_big_inside_the_safe_box_and_contrasted(scratch):
    storied(scratch, colour=(250, 250, 250))  # a white photo: the hardest backdrop for white text
    project = Project.at(scratch.root)
    name = template(scratch, TEMPLATE.replace("[540, 960]", "[1080, 1920]"))
    clip, plan, prep = clip_of(scratch, "tikar", name)
    assert prep.phrases and {plan.scenes[p.scene].kind for p in prep.phrases} == {"photos"}
    x0, y0, x1, y1 = load_brand(project).safe_box
    seen = set()
    for phrase in prep.phrases:
        i = plan.starts[phrase.scene] + (phrase.start + phrase.end) // 2
        layers = [(layer, o) for _, layer, o in clip.timeline._texts(i) if layer.name == "story"]
        assert [layer.phrase.text for layer, _ in layers] == [phrase.text] and layers[0][1] == 1.0
        placed = layers[0][0].placed[0]
        seen.add(placed.text)
        assert placed.size >= 48 and len(placed.lines) <= 2
        bx0, by0, bx1, by1 = placed.ink
        assert x0 <= bx0 and y0 <= by0 and bx1 <= x1 and by1 <= y1, placed.ink
        assert placed.final_contrast >= contrast.AA
        # and in the frame itself: the text's surroundings (scrim over the white photo) are dark
        # enough for white text, and the text is drawn
        rgb = i420_to_rgb(clip.frame_i420(i))[by0:by1, bx0:bx1].reshape(-1, 3)
        luma = rgb.mean(axis=1)
        assert (luma > 225).mean() > 0.05
        assert contrast.measure((255, 255, 255), rgb[luma < 150]) >= contrast.AA
    assert len(seen) == len(prep.phrases)


def test_a_template_switch_turns_the_story_off(scratch):
    storied(scratch)
    clip, plan, prep = clip_of(scratch, "tikar", template(scratch, story="story: {show: false}"))
    assert not prep.phrases
    assert all(s.name != "story" for i in range(plan.frames) for s in clip.timeline.texts(i))


def test_a_long_story_is_cut_with_a_warning(scratch):
    storied(scratch, photos=2)
    scratch.product("tikar", photos=("tikar0.jpg", "tikar1.jpg"), story=" ".join([STORY] * 3))
    clip, plan, prep = clip_of(scratch, "tikar", template(scratch, story="story: {per_scene: 1}"))
    photo_scenes = sum(s.kind == "photos" for s in plan.scenes)
    assert 1 <= len(prep.phrases) <= photo_scenes
    assert prep.phrases[-1].text.endswith(".")  # cut where a sentence ends, never mid-sentence
    assert any(w.field == "story" and "tidak tampil" in w.message for w in prep.warnings)


def test_a_story_cut_short_ends_at_a_sentence_end_not_mid_sentence():
    from pipeline.render.story import _whole_sentences

    phrases = ["Tikar besar dari pandan.", "Dianyam oleh ibu-ibu,", "di Sei Rampah.", "Cocok untuk kenduri."]
    assert _whole_sentences(phrases, 2) == phrases[:1]  # not "Dianyam oleh ibu-ibu," left hanging
    assert _whole_sentences(phrases, 3) == phrases[:3]
    assert _whole_sentences(phrases, 9) == phrases
    assert _whole_sentences(["Satu kalimat panjang,", "yang terus", "berlanjut."], 2) == ["Satu kalimat panjang,",
                                                                                         "yang terus"]
    assert _whole_sentences(["Kata «kutipan.»", "Lagi,", "dan"], 2) == ["Kata «kutipan.»"]


# Transitions ----------------------------------------------------------------------------------

def test_text_layers_never_overlap_in_any_transition_frame(scratch):
    storied(scratch)
    clip, plan, _ = clip_of(scratch, "tikar", template(scratch))
    assert {"crossfade", "slide", "push_up", "zoom"} <= set(plan.transitions)
    frames = transition_frames(plan)
    assert len(frames) > 40
    for i in frames:
        shown = clip.timeline.texts(i)
        assert len({s.scene for s in shown}) <= 1, (i, shown)
        assert all(0 < s.opacity <= 1 for s in shown)
    for k, (start, before) in enumerate(zip(plan.starts[1:], plan.scenes, strict=False), start=1):
        if not before.overlap:
            continue
        span = range(start, start + before.overlap)
        scenes = [{s.scene for s in clip.timeline.texts(i)} for i in span]
        assert {k - 1} in scenes and {k} in scenes  # both texts show, one after the other
        last_out = max(n for n, s in enumerate(scenes) if s == {k - 1})
        first_in = min(n for n, s in enumerate(scenes) if s == {k})
        assert last_out < first_in
        # pixels: where no text is listed the frame is exactly the pictures' transition
        for i, s in zip(span, scenes, strict=True):
            if not s:
                assert np.array_equal(clip.frame_i420(i).buf, clip.timeline.frame(i, text=False).buf)
        # and a crossfade's listed text boxes hold every pixel the text changed
        if before.transition.kind == "crossfade":
            for i in span:
                diff = np.abs(clip.frame_i420(i).y.astype(int) - clip.timeline.frame(i, text=False).y) > 0
                allowed = np.zeros_like(diff)
                for s in clip.timeline.texts(i):
                    x0, y0, x1, y1 = s.box
                    allowed[y0:y1, x0:x1] = True
                assert not (diff & ~allowed).any()


def test_push_and_zoom_through_move_the_pictures():
    a, b = Planes(64, 96), Planes(64, 96)
    a.buf[:] = 40
    b.buf[:] = 200
    a.y[:48] = 90  # a's top half differs from its bottom half
    half = push_up(a, b, 0.5)
    assert np.array_equal(half.y[:48], a.y[48:]) and np.array_equal(half.y[48:], b.y[:48])
    assert np.array_equal(zoom(a, b, 0.0).buf, a.buf) and np.array_equal(zoom(a, b, 1.0).buf, b.buf)
    middle = zoom(a, b, 0.5)
    assert 40 < middle.y[80, 32] < 200  # a blend, and a's top half grown past the middle row
    assert middle.y[50, 32] > zoom(a, b, 0.01).y[50, 32] - 1
    assert set(TRANSITIONS) == {"crossfade", "slide", "push_up", "zoom"}


def test_template_lists_the_transition_kinds_a_chooser_may_use(scratch):
    storied(scratch)
    project = Project.at(scratch.root)
    name = template(scratch, TEMPLATE.replace("transition: {type: crossfade", "transitions: [slide, zoom]\n"
                                              "transition: {type: crossfade"))
    tpl = load_video_template(project, name)
    assert tpl.transition_kinds == ("slide", "zoom")
    assert load_video_template(project).transition_kinds == ("crossfade", "slide", "push_up", "zoom")
    product = load_catalog(project.content).products["tikar"]
    plan = plan_video(tpl, product, transitions=["zoom"])
    assert {s.transition.kind for s in plan.scenes if s.kind == "photos"} == {"zoom"}
    with pytest.raises(ConfigError):
        plan_video(tpl, product, transitions=["push_up"])
    bad = TEMPLATE.replace("type: [crossfade, slide, push_up, zoom]", "type: [crossfade, wipe]")
    with pytest.raises(ConfigError) as err:
        load_video_template(project, template(scratch, bad, name="bad"))
    assert err.value.problems[0].line == 12 and "wipe" in err.value.problems[0].message


# Music beds -----------------------------------------------------------------------------------

def repo_beds():
    return load_beds({p.name: p for p in MUSIC.iterdir()})


def test_four_moods_of_beds_with_their_tempo_under_one_and_a_half_megabytes():
    beds, problems = repo_beds()
    assert not problems
    assert {b.mood for b in beds} >= {"calm", "cheerful", "traditional", "upbeat"}
    assert all(b.tempo and 40 <= b.tempo <= 220 for b in beds)
    assert sum(p.stat().st_size for p in MUSIC.iterdir()) < 1.5e6


def onsets(path: Path) -> tuple[np.ndarray, float]:
    """An onset envelope (rise of the 5 ms energy) and its step in seconds."""
    with av.open(str(path)) as box:
        rate = box.streams.audio[0].codec_context.sample_rate
        mono = np.concatenate([f.to_ndarray().mean(axis=0) for f in box.decode(audio=0)])
    hop = rate // 200
    energy = np.sqrt(np.mean(mono[: len(mono) // hop * hop].reshape(-1, hop) ** 2, axis=1))
    return np.maximum(0, np.diff(energy, prepend=0)), hop / rate


@pytest.mark.parametrize("mood", ["calm", "cheerful", "traditional", "upbeat"])
def test_each_bed_hits_every_beat_its_tempo_promises(mood):
    bed = next(b for b in repo_beds()[0] if b.mood == mood)
    flux, step = onsets(bed.path)
    beat = bed.beat
    strong = np.percentile(flux, 97)
    n = int(len(flux) * step / beat.period)
    hits = 0
    for k in range(n):
        at = round((beat.offset + k * beat.period) / step)
        window = flux[max(0, at - 6):at + 7]  # +-1 frame at 30 fps (about 33 ms)
        hits += window.max() >= strong
    assert hits >= 0.9 * n, f"{hits} of {n} beats have an onset"


@pytest.mark.parametrize("photos", [1, 3, 12])
def test_scene_cuts_fall_within_one_frame_of_a_beat(scratch, photos):
    storied(scratch, photos=photos)
    project = Project.at(scratch.root)
    product = load_catalog(project.content).products["tikar"]
    tpl = load_video_template(project)
    for bed in repo_beds()[0]:
        plan = plan_video(tpl, product, beat=bed.beat)
        assert len(plan.cuts) == len(plan.scenes) - 1
        for cut in plan.cuts:
            t = cut / tpl.fps
            assert abs(t - bed.beat.nearest(t)) <= 1 / tpl.fps
        assert plan.duration <= tpl.length[2]
        assert plan.duration >= tpl.length[0] - bed.beat.period
        assert all(s.frames >= 2 * s.overlap for s in plan.scenes)
    assert Beat.of(None) is None


def with_music(scratch) -> None:
    shutil.copytree(MUSIC, scratch.content / "music", dirs_exist_ok=True)


def test_a_craft_or_product_names_a_mood_and_auto_rotates(scratch):
    with_music(scratch)
    crafts = (scratch.content / "crafts.yaml").read_text(encoding="utf-8")
    (scratch.content / "crafts.yaml").write_text(crafts.replace('color: "#8A6D3B"', 'color: "#8A6D3B"\n'
                                                                "    mood: traditional"), encoding="utf-8")
    scratch.product("tas-tenang", mood="calm")
    scratch.product("tas-biasa")
    scratch.product("tas-lain", craft="tenun")
    project = Project.at(scratch.root)
    catalog = load_catalog(project.content)
    assert not catalog.errors, catalog.errors
    tpl = load_video_template(project)

    def bed(slug: str, turn: int = 0):
        product = catalog.products[slug]
        return choose_bed(project, tpl.audio, product, catalog.crafts[product.craft].mood, turn)[0]

    assert bed("tas-tenang").mood == "calm"  # the product's mood over its craft's
    assert bed("tas-biasa").mood == "traditional"  # the craft's
    assert len({bed("tas-lain", turn).file for turn in range(4)}) == 4  # no mood: rotates through all
    assert bed("tas-lain", 0) == bed("tas-lain", 0)  # and is stable


def test_an_unknown_mood_names_file_line_and_field(scratch):
    scratch.product("tas-sedih", mood="sedih")
    crafts = (scratch.content / "crafts.yaml").read_text(encoding="utf-8")
    (scratch.content / "crafts.yaml").write_text(crafts.replace('name_en: Sergai Handwoven Cloth',
                                                                'name_en: Sergai Handwoven Cloth\n    mood: ceria'),
                                                 encoding="utf-8")
    catalog = load_catalog(Project.at(scratch.root).content)
    errors = {p.field: p for p in catalog.errors}
    assert errors["mood"].path.endswith("tas-sedih.yaml") and errors["mood"].line and "calm" in errors["mood"].message
    craft = errors["crafts[1].mood"]
    assert craft.path.endswith("crafts.yaml") and craft.line == 10 and "cheerful" in craft.message
    assert "tas-purun" in catalog.products  # the others still load


def test_beds_yaml_mistakes_are_warnings_with_lines(scratch, tmp_path):
    with_music(scratch)
    beds = scratch.content / "music" / "beds.yaml"
    beds.write_text(beds.read_text(encoding="utf-8").replace("tempo: 72", "tempo: 900"), encoding="utf-8")
    found, problems = load_beds({p.name: p for p in (scratch.content / "music").iterdir()})
    assert problems[0].field == "beds[0].tempo" and problems[0].line == 7 and "900" in problems[0].message
    assert [b.tempo for b in found if b.file == "tenang-petik.m4a"] == [None]  # still usable, without a beat
    assert sound.BEDS in {p.name for p in sound.music_files(Project.at(scratch.root))}  # render jobs carry it


def test_the_video_records_its_mood_bed_tempo_and_transitions(scratch, tmp_path):
    with_music(scratch)
    storied(scratch, photos=3)
    name = template(scratch, TEMPLATE.replace("audio: {music: none}", "audio: {music: auto}"))
    project = Project.at(scratch.root)
    catalog = load_catalog(project.content)
    product = catalog.products["tikar"]
    result = render_video(project, catalog, product, tmp_path / "v.mp4", template=name, draft=True, progress=False)
    facts = result.facts
    assert facts["mood"] in ("calm", "cheerful", "traditional", "upbeat") and facts["bed"].endswith(".m4a")
    assert facts["tempo"] > 0 and set(facts["transitions"]) <= {"crossfade", "slide", "push_up", "zoom"}
    plan = plan_video(load_video_template(project, name), product, beat=Beat.of(facts["tempo"]))
    assert result.frames == plan.frames
    beat = Beat.of(facts["tempo"])
    assert all(abs(c / 30 - beat.nearest(c / 30)) <= 1 / 30 for c in plan.cuts)


def test_a_week_of_the_bundled_sample_does_not_play_one_bed_most_days(sample_project):
    """The sample's crafts name moods and the plan takes turns between crafts: a week's videos sound
    different (with no moods, a rotation by slug gave the calm bed to 5 of the demo's 7 days)."""
    import datetime as dt

    from pipeline.build.demo import approve_samples
    from pipeline.common.clock import FixedClock
    from pipeline.plan.admin import open_context, plan_days

    clock = FixedClock(dt.datetime(2026, 11, 30, 22, 0, tzinfo=dt.UTC))
    project = Project.at(sample_project)
    approve_samples(project, clock=clock)
    ctx = open_context(project, clock)
    try:
        start = ctx.today
        slots = [s for s in plan_days(ctx, [start + dt.timedelta(days=i) for i in range(7)]) if s.product]
    finally:
        ctx.conn.close()
    tpl = load_video_template(project, "default")
    catalog = load_catalog(project.content)
    beds = [choose_bed(project, tpl.audio, catalog.products[s.product],
                       catalog.crafts[catalog.products[s.product].craft].mood)[0].file for s in slots]
    assert len(slots) == 7
    assert max(beds.count(b) for b in beds) <= 3 and len(set(beds)) >= 3, beds
