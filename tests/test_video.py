"""The product video: real renders (small drafts), decoded with PyAV and checked by properties.

Most tests use a quick template (360x640, about 4 s) written into the scratch project's own
templates folder; one slow test renders a sample product at full size with the default template.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import wave
from pathlib import Path

import av
import cv2
import numpy as np
import pytest
from moviepy import ColorClip

from pipeline.catalog.reader import load_catalog
from pipeline.cli import main as cli
from pipeline.common.errors import ConfigError, RenderError
from pipeline.common.project import Project
from pipeline.export.checks import check_video, failed, mp4_boxes
from pipeline.render.brand import load_brand
from pipeline.render.context import post_context
from pipeline.render.encode import Encoding, ffmpeg_exe, write_clip
from pipeline.render.layout import load_layout, render_image
from pipeline.render.motion import (
    TO_RGB,
    Overlay,
    Pan,
    Planes,
    Zoom,
    i420_to_rgb,
    plan_motion,
    rgb_to_i420,
    shifted,
)
from pipeline.render.scenes import load_video_template, plan_video
from pipeline.render.video import build_clip, crossfade, render_video

SIZE = (360, 640)
QUICK = """
description: small and short, for tests
fps: 30
size: [360, 640]
draft_size: [360, 640]
zoom: 1.12
length: {min: 3.5, max: 5, cap: 6}
transition: {type: crossfade, duration: 0.2}
scenes:
  - {type: cover, layout: cover, duration: 1, motion: zoom_in}
  - {type: photos, layout: slide, duration: [1, 1.2], motion: [zoom_in, pan, zoom_out]}
  - {type: card, layout: details, duration: 1, motion: zoom_in, transition: {type: slide, duration: 0.2}}
  - {type: card, layout: cta, duration: 1}
audio: {music: none}
encode: {preset: veryfast, draft_preset: veryfast}
"""


# Helpers --------------------------------------------------------------------------------------

def use_template(scratch, name: str, text: str) -> None:
    path = scratch.root / "templates" / "videos" / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.lstrip(), encoding="utf-8")


def render(scratch, slug: str, out: Path, template: str = "quick", text: str = QUICK, **kw):
    """Write `text` as templates/videos/<template>.yaml in the scratch project and render with it."""
    use_template(scratch, template, text)
    project = Project.at(scratch.root)
    catalog = load_catalog(project.content)
    assert not catalog.errors, catalog.errors
    return render_video(project, catalog, catalog.products[slug], out, template=template, progress=False, **kw)


def frames_of(path: Path) -> list[Planes]:
    with av.open(str(path)) as box:
        return [Planes(f.width, f.height, f.to_ndarray().reshape(-1).copy()) for f in box.decode(video=0)]


def cover_image(scratch, slug: str, size=SIZE) -> np.ndarray:
    """The images renderer's cover as a perfect 4:2:0 encoder would deliver it (chroma halved):
    what is left between this and a decoded frame 0 is x264's loss."""
    project = Project.at(scratch.root)
    catalog = load_catalog(project.content)
    product = catalog.products[slug]
    brand = load_brand(project)
    ctx = post_context(product, catalog, brand)
    return i420_to_rgb(rgb_to_i420(render_image(load_layout(project, "cover", brand), ctx, photo=product.hero,
                                                size=size)))


def assert_close(a: np.ndarray, b: np.ndarray, mean: float, p99: float) -> None:
    diff = np.abs(a.astype(np.float32) - b.astype(np.float32))
    assert diff.mean() < mean, f"mean difference {diff.mean():.2f}"
    assert np.percentile(diff, 99) < p99, f"99th percentile difference {np.percentile(diff, 99):.1f}"


def with_photos(scratch, slug: str, names: list[str], sizes: list[tuple[int, int]]) -> None:
    for name, size in zip(names, sizes, strict=True):
        scratch.photo(name, size=size, colour=(120 + len(name) * 7 % 100, 90, 60))
    scratch.product(slug, photos=tuple(names), materials="[purun, pewarna alami]", size="35 x 28 x 12 cm")


def result_plan(project, catalog, slug, template="draft"):
    return plan_video(load_video_template(project, template), catalog.products[slug])


def loudness(path: Path) -> float:
    done = subprocess.run([ffmpeg_exe(), "-nostdin", "-hide_banner", "-nostats", "-i", str(path), "-vn",
                           "-af", "ebur128=framelog=quiet", "-f", "null", "-"], capture_output=True, text=True)
    return float(re.findall(r"I:\s+(-?[\d.]+) LUFS", done.stderr)[-1])


def audio_samples(path: Path) -> tuple[np.ndarray, int]:
    with av.open(str(path)) as box:
        stream = box.streams.audio[0]
        chunks = [f.to_ndarray() for f in box.decode(audio=0)]
        return np.concatenate(chunks, axis=1), stream.codec_context.sample_rate


def write_wav(path: Path, seconds: float, rate: int = 48000, level: float = 0.05) -> Path:
    t = np.arange(int(seconds * rate)) / rate
    tone = level * (np.sin(2 * np.pi * 220 * t) + 0.5 * np.sin(2 * np.pi * 330 * t))
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((tone * 32767).astype("<i2").tobytes())
    return path


# The written file -----------------------------------------------------------------------------

def test_video_file_meets_every_tiktok_property(scratch, tmp_path):
    with_photos(scratch, "tas-tiga", ["a.jpg", "b.jpg", "c.jpg"], [(1080, 1440)] * 3)
    out = tmp_path / "out" / "video.mp4"
    result = render(scratch, "tas-tiga", out, draft=True)
    assert result.path == out and out.is_file()
    assert not failed(result.checks), result.checks
    json.dumps([r.to_dict() for r in result.checks])  # post.json can hold them
    with av.open(str(out)) as box:
        v, a = box.streams.video[0], box.streams.audio[0]
        assert (v.codec_context.name, v.codec_context.profile, v.codec_context.pix_fmt) == ("h264", "High", "yuv420p")
        assert (v.codec_context.width, v.codec_context.height) == SIZE
        assert v.average_rate == 30
        assert (a.codec_context.name, a.codec_context.profile) == ("aac", "LC")
        assert (a.codec_context.sample_rate, a.codec_context.channels) == (48000, 2)
        video_seconds = float(v.duration * v.time_base)
        frames = sum(1 for p in box.demux(v) if p.size)
    assert frames == result.frames == len(frames_of(out))
    assert abs(video_seconds - result.duration) <= 1 / 30
    assert abs(result.duration - frames / 30) < 1e-9
    assert 3.5 <= result.duration <= 5
    kinds = [k for k, _ in mp4_boxes(out)]
    assert kinds[0] == "ftyp" and kinds.index("moov") < kinds.index("mdat")


def test_first_frame_is_the_cover(scratch, tmp_path):
    scratch.photo("hero.jpg", size=(1200, 1600), colour=(150, 60, 50))
    scratch.product("tas-merah", photos=("hero.jpg",), extra="")
    out = tmp_path / "video.mp4"
    render(scratch, "tas-merah", out, draft=True)
    first = i420_to_rgb(frames_of(out)[0])
    assert_close(first, cover_image(scratch, "tas-merah"), mean=3.0, p99=30)
    # the motion takes over from there without a visible jump: even on this fine stripe pattern
    # (moire at 360 px wide) the step from frame 0 to 1 is about a motion frame's own change
    rgb = [i420_to_rgb(f).astype(np.float32) for f in frames_of(out)[:3]]
    assert np.abs(rgb[1] - rgb[0]).mean() < 1.6 * np.abs(rgb[2] - rgb[1]).mean() + 1


def test_zoom_moves_the_photo_smoothly(scratch, tmp_path):
    with_photos(scratch, "tas-dua", ["a.jpg", "b.jpg"], [(1080, 1440)] * 2)
    out = tmp_path / "video.mp4"
    render(scratch, "tas-dua", out, draft=True)
    frames = frames_of(out)
    region = (slice(400, 600), slice(20, 340))  # under the cover's title, above TikTok's caption
    assert np.abs(frames[2].y[region].astype(int) - frames[17].y[region]).mean() > 2
    # the cover zooms steadily: the apparent scale grows by the same factor every frame
    project = Project.at(scratch.root)
    catalog = load_catalog(project.content)
    clip, plan, _ = build_clip(project, catalog, catalog.products["tas-dua"], template="quick", draft=True)
    zoom = clip.timeline._scene(0).result().motion
    assert isinstance(zoom, Zoom)
    n = plan.scenes[0].frames
    scales = np.array([zoom.scale(j / (n - 1)) for j in range(n)])
    assert np.allclose(scales[1:] / scales[:-1], (scales[-1] / scales[0]) ** (1 / (n - 1)))


def test_zoom_is_an_exact_sub_pixel_warp():
    """Quadrant resizes about the fixed point give what one affine warp gives, to a level."""
    rng = np.random.default_rng(3)
    rgb = cv2.GaussianBlur((rng.random((434, 326, 3)) * 255).astype(np.uint8), (5, 5), 1.5)
    picture = rgb_to_i420(rgb)
    motion, shift = plan_motion("zoom_in", picture.size, (290, 390), (0.3, 0.6), 1.12, 326 / 290, 31)
    assert isinstance(motion, Zoom)
    source = shifted(picture, shift)
    cut = motion.cut(source, (290, 390))  # what a scene keeps: the quadrants flipped once
    for p in (0.0, 0.37, 1.0):
        out, again = Planes(290, 390), Planes(290, 390)
        motion.draw(source, p, out, (0, 0, 290, 390))
        motion.draw(cut, p, again, (0, 0, 290, 390))
        assert np.array_equal(out.buf, again.buf)
        left, top, w, _ = motion.rect(p, (290, 390))
        s = w / 290
        matrix = np.array([[s, 0, left + 0.5 * s - 0.5], [0, s, top + 0.5 * s - 0.5]])
        ref = cv2.warpAffine(source.y, matrix, (290, 390), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                             borderMode=cv2.BORDER_REPLICATE)
        assert np.abs(ref.astype(int) - out.y).max() <= 1


def test_pan_moves_whole_even_pixels_per_frame():
    """A pan is a copy at a constant step: perfectly even, with no resampling shimmer."""
    rng = np.random.default_rng(4)
    picture = rgb_to_i420((rng.random((400, 520, 3)) * 255).astype(np.uint8))
    n = 30
    motion, shift = plan_motion("pan", picture.size, (300, 400), (0.7, 0.5), 1.12, 1.0, n)
    assert isinstance(motion, Pan) and shift == (0.0, 0.0)
    source = shifted(picture, shift)
    lefts = [motion.rect(j / (n - 1), (300, 400))[0] for j in range(n)]
    steps = np.diff(lefts)
    assert np.allclose(steps, steps[0]) and abs(steps[0]) >= 2 and steps[0] % 2 == 0
    a, b = Planes(300, 400), Planes(300, 400)
    motion.draw(source, 3 / (n - 1), a, (0, 0, 300, 400))
    motion.draw(source, 4 / (n - 1), b, (0, 0, 300, 400))
    step = int(steps[0])
    if step > 0:
        assert np.array_equal(a.y[:, step:], b.y[:, :-step])
    else:
        assert np.array_equal(a.y[:, :step], b.y[:, -step:])


def test_crossfade_frames_are_blends_of_their_neighbours(scratch, tmp_path):
    with_photos(scratch, "tas-dua", ["a.jpg", "b.jpg"], [(1080, 1440)] * 2)
    use_template(scratch, "quick", QUICK)
    project = Project.at(scratch.root)
    catalog = load_catalog(project.content)
    clip, plan, _ = build_clip(project, catalog, catalog.products["tas-dua"], template="quick", draft=True)
    first = plan.scenes[0]
    start = plan.starts[1]
    for j in range(first.overlap):
        i = start + j
        a = clip.timeline._scene(0).result().picture(i, first.frames)
        b = clip.timeline._scene(1).result().picture(j, plan.scenes[1].frames)
        q = (j + 1) / (first.overlap + 1)
        pictures = clip.timeline.frame(i, text=False)
        assert np.abs(pictures.buf.astype(int) - crossfade(a, b, q).buf).max() == 0
        expected = (1 - q) * a.buf.astype(np.float32) + q * b.buf.astype(np.float32)
        assert np.abs(pictures.buf - expected).max() <= 1
        # the text goes on top of the blend, each scene's at its own fade, never both at once
        blend = crossfade(a, b, q)
        for _, layer, opacity in clip.timeline._texts(i):
            layer.overlay.apply(blend, opacity)
        assert np.array_equal(clip.frame_i420(i).buf, blend.buf)
        assert len({s.scene for s in clip.timeline.texts(i)}) <= 1
    # and in the decoded file: between two still cards the middle frame is their pictures' average,
    # with neither card's text at full strength
    use_template(scratch, "cards", """
        fps: 30
        draft_size: [360, 640]
        length: {min: 3, max: 5, cap: 6}
        scenes:
          - {type: card, layout: cta, duration: 2, motion: still, transition: {type: crossfade, duration: 0.6}}
          - {type: card, layout: details, duration: 2, motion: still}
        audio: {music: none}
        encode: {draft_preset: veryfast}
    """.replace("\n        ", "\n"))
    out = tmp_path / "cards.mp4"
    render_video(project, catalog, catalog.products["tas-dua"], out, template="cards", draft=True, progress=False)
    clip, _, _ = build_clip(project, catalog, catalog.products["tas-dua"], template="cards", draft=True)
    frames = [i420_to_rgb(f).astype(np.float32) for f in frames_of(out)]
    before, after = (i420_to_rgb(clip.timeline.frame(i, text=False)).astype(np.float32) for i in (41, 60))
    q = (51 - 42 + 1) / 19  # the overlap is frames 42-59
    assert_close(i420_to_rgb(clip.timeline.frame(51, text=False)).astype(np.float32),
                 (1 - q) * before + q * after, mean=1.0, p99=3)
    assert_close(frames[51], i420_to_rgb(clip.timeline.frame(51)).astype(np.float32), mean=3.0, p99=16)
    assert np.abs(frames[41] - frames[60]).mean() > 20  # the two cards really differ


def test_odd_sized_landscape_and_tiny_photos(scratch, tmp_path):
    # at the real draft size, 540x960
    with_photos(scratch, "campuran", ["odd.jpg", "wide.jpg", "tiny.jpg"], [(1081, 1443), (1920, 1080), (240, 180)])
    out = tmp_path / "video.mp4"
    result = render(scratch, "campuran", out, template="draft", draft=True,
                    text=QUICK.replace("draft_size: [360, 640]", "draft_size: [540, 960]"))
    assert not failed(result.checks)
    frames = frames_of(out)
    assert len(frames) == result.frames
    assert all(f.size == (540, 960) for f in frames)
    assert_close(i420_to_rgb(frames[0]), cover_image(scratch, "campuran", size=(540, 960)), mean=3.0, p99=30)
    # the landscape photo is contained on its blurred fill (layout fit: auto), and it still moves
    project = Project.at(scratch.root)
    plan = result_plan(project, load_catalog(project.content), "campuran")
    scene = next(k for k, s in enumerate(plan.scenes) if s.kind == "photos" and s.photo.file == "wide.jpg")
    start = plan.starts[scene] + 8
    assert np.abs(frames[start].y.astype(int) - frames[start + 10].y).mean() > 0.5


def test_a_portrait_photo_turned_by_exif_is_shown_upright(scratch, tmp_path):
    from PIL import Image

    scratch.photo("turned.jpg", size=(1600, 1200), colour=(60, 120, 160))  # stored landscape
    path = scratch.content / "media" / "turned.jpg"
    with Image.open(path) as im:
        exif = im.getexif()
        exif[0x0112] = 6  # shown turned 90 degrees clockwise: upright it is portrait
        im.save(path, exif=exif)
    scratch.product("tas-putar", photos=("turned.jpg",))
    out = tmp_path / "video.mp4"
    render(scratch, "tas-putar", out, draft=True)
    assert_close(i420_to_rgb(frames_of(out)[0]), cover_image(scratch, "tas-putar"), mean=3.0, p99=30)


def test_a_product_with_one_photo_still_fills_the_length(scratch, tmp_path):
    project = Project.at(scratch.root)
    catalog = load_catalog(project.content)
    product = catalog.products["tas-purun"]  # the scratch product: one photo
    plan = plan_video(load_video_template(project, "default"), product)
    assert 15 <= plan.duration <= 20
    assert all(s.photo == product.hero for s in plan.scenes if s.kind == "photos")
    motions = [s.motion for s in plan.scenes if s.kind == "photos"]
    assert len(set(motions)) == len(motions)  # each showing moves differently
    result = render(scratch, "tas-purun", tmp_path / "video.mp4", draft=True)
    assert 3.5 <= result.duration <= 5 and not failed(result.checks)


def test_ten_photos_stay_under_the_length_cap(scratch, tmp_path):
    names = [f"f{i}.jpg" for i in range(10)]
    with_photos(scratch, "sepuluh", names, [(720, 960)] * 10)
    project = Project.at(scratch.root)
    catalog = load_catalog(project.content)
    plan = plan_video(load_video_template(project, "default"), catalog.products["sepuluh"])
    assert plan.duration <= 30
    shown = sum(s.kind == "photos" for s in plan.scenes)
    assert shown >= 8 and plan.duration >= 20  # many photos: past length.max, up to the cap
    if shown < 9:
        assert any(w.field == "length.cap" for w in plan.warnings)
    result = render(scratch, "sepuluh", tmp_path / "video.mp4", draft=True)
    assert result.duration <= 6
    assert any(w.field == "length.cap" for w in result.warnings)


def test_no_temporary_file_is_left_behind(scratch, tmp_path, monkeypatch):
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    out_dir = tmp_path / "day"
    render(scratch, "tas-purun", out_dir / "video.mp4", draft=True)
    assert sorted(p.name for p in out_dir.iterdir()) == ["video.mp4"]
    assert list(workdir.iterdir()) == []
    # a photo that breaks after the catalogue was read fails mid-render: nothing is left
    with_photos(scratch, "rusak", ["ok.jpg", "broken.jpg"], [(1080, 1440)] * 2)
    project = Project.at(scratch.root)
    catalog = load_catalog(project.content)
    (scratch.content / "media" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    failed_dir = tmp_path / "failed"
    with pytest.raises(RenderError, match="broken.jpg"):
        render_video(project, catalog, catalog.products["rusak"], failed_dir / "video.mp4", template="quick",
                     draft=True, progress=False)
    assert not failed_dir.exists() or list(failed_dir.iterdir()) == []
    assert list(workdir.iterdir()) == []


# Sound ----------------------------------------------------------------------------------------

def test_music_bed_is_looped_faded_and_normalised(scratch, tmp_path):
    write_wav(scratch.content / "music" / "bed.wav", seconds=1.5, level=0.02)  # quiet and shorter than the video
    out = tmp_path / "video.mp4"
    result = render(scratch, "tas-purun", out, draft=True,
                    text=QUICK.replace("audio: {music: none}", "audio: {music: auto, fade_in: 0.3}"))
    assert abs(loudness(out) - (-14)) <= 1.5
    samples, rate = audio_samples(out)
    mono = samples.mean(axis=0)
    assert abs(len(mono) / rate - result.duration) < 0.05

    def rms(a: float, b: float) -> float:
        return float(np.sqrt(np.mean(mono[int(a * rate):int(b * rate)] ** 2)))

    assert rms(0.0, 0.03) < rms(1.0, 1.5) / 4  # fades in
    assert rms(2.0, 2.5) > rms(1.0, 1.5) / 2  # still playing after the 1.5 s file ran out: looped
    assert rms(result.duration - 0.05, result.duration) < rms(1.0, 1.5) / 4  # fades out


def test_silent_track_without_music(scratch, tmp_path):
    out = tmp_path / "video.mp4"
    render(scratch, "tas-purun", out, draft=True)
    samples, rate = audio_samples(out)
    assert rate == 48000 and samples.shape[0] == 2
    assert np.abs(samples).max() < 1e-4


def test_missing_music_file_names_the_template_line(scratch, tmp_path):
    use_template(scratch, "quick", QUICK.replace("audio: {music: none}", "audio: {music: lagu.mp3}"))
    project = Project.at(scratch.root)
    catalog = load_catalog(project.content)
    with pytest.raises(ConfigError) as err:
        render_video(project, catalog, catalog.products["tas-purun"], tmp_path / "v.mp4", template="quick",
                     progress=False)
    problem = err.value.problems[0]
    assert problem.field == "audio.music" and "lagu.mp3" in problem.message
    assert problem.path.endswith("templates/videos/quick.yaml") and problem.line == 13


# Templates ------------------------------------------------------------------------------------

def test_template_mistakes_are_all_reported_with_lines(scratch):
    use_template(scratch, "bad", """
        fps: 30
        length: {min: 20, max: 15}
        scenes:
          - {type: cover, layout: cover, duration: 3, motion: zoom-in}
          - type: photos
            durration: 3
          - {type: card, duration: 2}
    """.replace("\n        ", "\n"))
    with pytest.raises(ConfigError) as err:
        load_video_template(Project.at(scratch.root), "bad")
    found = {(p.line, p.field, p.severity) for p in err.value.problems}
    assert (4, "scenes[0].motion", "error") in found
    assert (2, "length", "error") in found
    assert (7, "scenes[2]", "error") in found  # a card needs a layout
    messages = " ".join(str(p) for p in err.value.problems)
    assert "templates/videos/bad.yaml:4" in messages and "zoom_in" in messages


def test_a_transition_longer_than_its_scenes_is_refused(scratch):
    use_template(scratch, "quick", QUICK.replace("duration: 0.2}\nscenes", "duration: 0.9}\nscenes"))
    project = Project.at(scratch.root)
    catalog = load_catalog(project.content)
    with pytest.raises(ConfigError, match="longer than half"):
        plan_video(load_video_template(project, "quick"), catalog.products["tas-purun"])


def test_a_day_template_without_a_video_template_falls_back_to_default(scratch, tmp_path):
    use_template(scratch, "default", QUICK)  # the council's own default, small for the test
    project = Project.at(scratch.root)
    catalog = load_catalog(project.content)
    result = render_video(project, catalog, catalog.products["tas-purun"], tmp_path / "v.mp4",
                          template="hari-batik", draft=True, progress=False)
    assert any("hari-batik" in w.message for w in result.warnings)
    assert result.duration <= 6


# moviepy and the frame engine -----------------------------------------------------------------

def test_the_clip_is_a_moviepy_clip(scratch):
    use_template(scratch, "quick", QUICK)
    project = Project.at(scratch.root)
    catalog = load_catalog(project.content)
    clip, plan, _ = build_clip(project, catalog, catalog.products["tas-purun"], template="quick", draft=True)
    assert clip.size == SIZE and clip.duration == pytest.approx(plan.frames / 30)
    rgb = clip.get_frame(0.5)
    assert rgb.shape == (640, 360, 3) and rgb.dtype == np.uint8
    assert np.array_equal(rgb, i420_to_rgb(clip.frame_i420(15)))
    part = clip.subclipped(1.0, 2.0)
    assert np.array_equal(part.get_frame(0), clip.get_frame(1.0))


def test_encoder_takes_any_moviepy_clip(tmp_path):
    clip = ColorClip((360, 640), color=(200, 40, 40), duration=3.2)
    out = tmp_path / "red.mp4"
    assert write_clip(clip, out, Encoding(30, preset="ultrafast")) == 96
    assert not [r for r in failed(check_video(out, draft=True)) if r.name != "audio"]
    frame = i420_to_rgb(frames_of(out)[10])
    assert np.abs(frame.reshape(-1, 3).mean(axis=0) - (200, 40, 40)).max() < 4


def test_overlay_blends_like_an_rgb_composite():
    rng = np.random.default_rng(5)
    base = cv2.GaussianBlur((rng.random((128, 96, 3)) * 255).astype(np.uint8), (7, 7), 2)
    rgba = np.zeros((128, 96, 4), np.uint8)
    rgba[20:60, 10:80] = (250, 200, 30, 180)  # a see-through band
    rgba[70:100, 30:60] = (20, 20, 20, 255)  # an opaque block
    a = rgba[..., 3:4].astype(np.float32) / 255
    composite = (base * (1 - a) + rgba[..., :3] * a).round().astype(np.uint8)
    frame = rgb_to_i420(base)
    Overlay(rgba).apply(frame)
    expected = rgb_to_i420(composite)
    assert np.abs(frame.y.astype(int) - expected.y).max() <= 1
    assert np.abs(frame.u.astype(int) - expected.u).max() <= 2
    assert np.abs(frame.v.astype(int) - expected.v).max() <= 2


def test_i420_round_trip_is_within_rounding():
    rng = np.random.default_rng(6)
    blocks = (rng.random((32, 24, 3)) * 255).astype(np.uint8)
    rgb = np.repeat(np.repeat(blocks, 2, axis=0), 2, axis=1)  # flat 2x2 blocks: chroma loses nothing
    planes = rgb_to_i420(rgb)
    u = np.repeat(np.repeat(planes.u, 2, axis=0), 2, axis=1)
    v = np.repeat(np.repeat(planes.v, 2, axis=0), 2, axis=1)
    back = cv2.transform(cv2.merge([planes.y, u, v]), TO_RGB)
    assert np.abs(back.astype(int) - rgb).max() <= 2
    assert planes.y.min() >= 16 and planes.y.max() <= 235


def test_preview_writes_the_video_too(scratch, tmp_path):
    use_template(scratch, "default", QUICK)
    out = tmp_path / "preview"
    code = cli(["--root", str(scratch.root), "preview", "tas-purun", "--fast", "--out", str(out)])
    assert code == 0
    assert (out / "video.mp4").is_file() and (out / "cover.jpg").is_file()
    assert not failed(check_video(out / "video.mp4", draft=True))


@pytest.mark.slow
def test_full_size_sample_product(sample_project, tmp_path):
    project = Project.at(sample_project)
    catalog = load_catalog(project.content)
    product = max(catalog.products.values(), key=lambda p: len(p.photos))
    out = tmp_path / "out" / "video.mp4"
    result = render_video(project, catalog, product, out, progress=False)
    assert not failed(result.checks) and 15 <= result.duration <= 30
    with av.open(str(out)) as box:
        first = next(box.decode(video=0))
        assert (first.width, first.height) == (1080, 1920)
        frame0 = i420_to_rgb(Planes(first.width, first.height, first.to_ndarray().reshape(-1).copy()))
    brand = load_brand(project)
    cover = np.asarray(render_image(load_layout(project, "cover", brand), post_context(product, catalog, brand),
                                    photo=product.hero, size=(1080, 1920)))
    assert_close(frame0, cover, mean=2.5, p99=25)
    assert os.listdir(out.parent) == ["video.mp4"]
