"""TikTok checks on real files: small videos made by the bundled ffmpeg, images by Pillow."""

from __future__ import annotations

import json
import subprocess
from dataclasses import asdict
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from pipeline.export.checks import (
    ImageLimits,
    VideoLimits,
    check_caption,
    check_image,
    check_video,
    failed,
    mp4_boxes,
    utf16_units,
)
from pipeline.render.encode import ffmpeg_exe


def make_video(path: Path, *, size: str = "360x640", seconds: float = 3.2, rate: int = 30,
               codec: str = "libx264", pix_fmt: str = "yuv420p", audio: str | None = "aac", faststart: bool = True,
               extra: tuple[str, ...] = ()) -> Path:
    cmd = [ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-y",
           "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}:duration={seconds}"]
    if audio:
        cmd += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]
    cmd += ["-c:v", codec, "-preset", "ultrafast", "-pix_fmt", pix_fmt]
    if codec == "libx264":
        cmd += ["-profile:v", "high444" if pix_fmt == "yuv444p" else "high"]
    cmd += ["-c:a", audio] if audio else ["-an"]
    if faststart:
        cmd += ["-movflags", "+faststart"]
    cmd += [*extra, str(path)]
    subprocess.run(cmd, check=True)
    return path


def by_name(results) -> dict:
    return {r.name: r for r in results}


@pytest.fixture(scope="module")
def good_video(tmp_path_factory) -> Path:
    return make_video(tmp_path_factory.mktemp("v") / "good.mp4", size="720x1280")


# Video ----------------------------------------------------------------------------------------

def test_a_compliant_video_passes_every_check(good_video):
    results = check_video(good_video)
    assert not failed(results), results
    names = {r.name for r in results}
    assert {"container", "faststart", "video_codec", "pixel_format", "size", "fps", "duration", "audio",
            "file_size", "decode", "min_size"} <= names
    assert by_name(results)["duration"].message.startswith("3.20 detik")
    json.dumps([asdict(r) for r in results])  # the export stores them in post.json
    recommended = by_name(results)["recommended_size"]
    assert not recommended.ok and recommended.severity == "warning"  # 720x1280 is allowed, 1080x1920 advised


def test_moov_after_mdat_fails_faststart(tmp_path):
    path = make_video(tmp_path / "slow-start.mp4", faststart=False)
    kinds = [k for k, _ in mp4_boxes(path)]
    assert kinds.index("mdat") < kinds.index("moov")
    assert [r.name for r in failed(check_video(path, draft=True))] == ["faststart"]


def test_yuv444_is_refused(tmp_path):
    path = make_video(tmp_path / "444.mp4", pix_fmt="yuv444p")
    assert "pixel_format" in {r.name for r in failed(check_video(path, draft=True))}


def test_hevc_is_refused(tmp_path):
    path = make_video(tmp_path / "hevc.mp4", codec="libx265", extra=("-x265-params", "log-level=error"))
    bad = by_name(failed(check_video(path, draft=True)))
    assert "video_codec" in bad and "H.264" in bad["video_codec"].message


def test_audio_must_be_present_and_aac(tmp_path):
    silent = make_video(tmp_path / "silent.mp4", audio=None)
    assert [r.name for r in failed(check_video(silent, draft=True))] == ["audio"]
    mp3 = make_video(tmp_path / "mp3.mp4", audio="libmp3lame")
    assert [r.name for r in failed(check_video(mp3, draft=True))] == ["audio"]


def test_length_frame_rate_and_size_limits(tmp_path):
    short = make_video(tmp_path / "short.mp4", seconds=1.5)
    assert [r.name for r in failed(check_video(short, draft=True))] == ["duration"]
    slow = make_video(tmp_path / "slow.mp4", rate=15)
    assert "fps" in {r.name for r in failed(check_video(slow, draft=True))}
    small = make_video(tmp_path / "small.mp4", size="320x568")
    assert "size" in {r.name for r in failed(check_video(small, draft=True))}
    draft = make_video(tmp_path / "draft.mp4", size="540x960")
    assert not failed(check_video(draft, draft=True))
    assert [r.name for r in failed(check_video(draft))] == ["min_size"]  # a final video needs 720x1280
    wide = make_video(tmp_path / "wide.mp4", size="1280x720")
    portrait = by_name(check_video(wide))["portrait"]
    assert not portrait.ok and portrait.severity == "warning"


def test_file_size_limit_is_a_setting(good_video):
    tight = VideoLimits(max_bytes=10_000)
    assert [r.name for r in failed(check_video(good_video, limits=tight))] == ["file_size"]


def test_broken_files_fail_without_raising(tmp_path, good_video):
    text = tmp_path / "notes.mp4"
    text.write_text("not a video at all\n")
    names = {r.name for r in failed(check_video(text))}
    assert "container" in names and "decode" in names
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(good_video.read_bytes()[: good_video.stat().st_size // 3])
    assert failed(check_video(cut))
    assert [r.name for r in check_video(tmp_path / "missing.mp4")] == ["file"]


# Images ---------------------------------------------------------------------------------------

def jpeg(path: Path, size=(1080, 1920), mode="RGB", **kw) -> Path:
    Image.new(mode, size, "#7A4A26" if mode == "RGB" else 80).save(path, "JPEG", quality=90, **kw)
    return path


def test_a_compliant_image_passes(tmp_path):
    results = check_image(jpeg(tmp_path / "cover.jpg"))
    assert all(r.ok for r in results), results


def test_png_is_refused(tmp_path):
    path = tmp_path / "cover.png"
    Image.new("RGB", (1080, 1920), "#7A4A26").save(path)
    bad = by_name(failed(check_image(path)))
    assert "format" in bad and "PNG" in bad["format"].message


def test_cmyk_is_refused_and_grey_is_a_warning(tmp_path):
    cmyk = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (1080, 1920), (0, 50, 80, 10)).save(cmyk, "JPEG")
    assert "colour" in {r.name for r in failed(check_image(cmyk))}
    grey = by_name(check_image(jpeg(tmp_path / "grey.jpg", mode="L")))["colour"]
    assert not grey.ok and grey.severity == "warning"


def test_image_size_and_bytes(tmp_path):
    big = jpeg(tmp_path / "big.jpg", size=(1440, 2560))
    assert "size" in {r.name for r in failed(check_image(big))}
    square = by_name(check_image(jpeg(tmp_path / "square.jpg", size=(1080, 1080))))
    assert square["size"].ok and not square["recommended_size"].ok
    assert "file_size" in {r.name for r in failed(check_image(jpeg(tmp_path / "c.jpg"), ImageLimits(max_bytes=100)))}


def test_truncated_and_missing_images(tmp_path):
    good = jpeg(tmp_path / "good.jpg")
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(good.read_bytes()[:2000])
    assert "decode" in {r.name for r in failed(check_image(cut))}
    assert [r.name for r in check_image(tmp_path / "nope.jpg")] == ["file"]


def test_a_non_srgb_profile_is_a_warning(tmp_path):
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB"))
    path = jpeg(tmp_path / "lab.jpg", icc_profile=profile.tobytes())
    result = by_name(check_image(path))["colour_profile"]
    assert not result.ok and result.severity == "warning"
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    assert by_name(check_image(jpeg(tmp_path / "srgb.jpg", icc_profile=srgb.tobytes())))["colour_profile"].ok


# Captions -------------------------------------------------------------------------------------

def test_caption_length_counts_utf16_units():
    assert utf16_units("Tas purun 👜") == 12
    assert not failed(check_caption("a" * 2200))
    assert [r.name for r in failed(check_caption("a" * 2201))] == ["caption_length"]
    assert not failed(check_caption("👜" * 1100))
    assert [r.name for r in failed(check_caption("👜" * 1101))] == ["caption_length"]


def test_hashtags_over_the_limit_warn():
    text = "Tas purun #A #B #C #D #E"
    assert by_name(check_caption(text))["hashtags"].ok
    many = by_name(check_caption(text + " #F"))["hashtags"]
    assert not many.ok and many.severity == "warning" and not failed(check_caption(text + " #F"))
    assert by_name(check_caption(text + " #F", max_hashtags=6))["hashtags"].ok
    assert by_name(check_caption("Harga 50# saja, warna#merah"))["hashtags"].message == "0 tagar"


def test_empty_caption_is_a_warning():
    empty = by_name(check_caption("  \n"))["caption_empty"]
    assert not empty.ok and empty.severity == "warning"


def test_results_serialise(tmp_path):
    results = check_caption("Halo #Sergai") + check_image(jpeg(tmp_path / "x.jpg"))
    loaded = json.loads(json.dumps([r.to_dict() for r in results]))
    assert loaded[0] == {"name": "caption_length", "ok": True, "message": "12 karakter (UTF-16)", "severity": "error"}
