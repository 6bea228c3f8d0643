"""Does a finished file satisfy TikTok? Probe what was written; never trust the writer.

The export runs these before a day folder may appear (invariant 5) and stores the results in
post.json, so results are plain JSON-ready records. Messages are for the admin, in Bahasa
Indonesia; severity "error" stops that post, "warning" is shown but lets it through. Limits
follow ../shared/DOMAIN.md; where sources disagree they are settings (the dataclasses below).
"""

from __future__ import annotations

import io
import re
import struct
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image, ImageCms, UnidentifiedImageError

MB = 1024 * 1024


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    message: str
    severity: str = "error"  # error: the post is not exported; warning: shown, not blocking

    def to_dict(self) -> dict:
        return asdict(self)


def failed(results: list[CheckResult]) -> list[CheckResult]:
    """The results that stop a post (errors that did not pass)."""
    return [r for r in results if not r.ok and r.severity == "error"]


def summary(results: list[CheckResult]) -> str:
    return "; ".join(f"{r.name}: {r.message}" for r in failed(results))


@dataclass(frozen=True)
class VideoLimits:
    """TikTok's video limits (DOMAIN.md); the file size is a setting because sources differ
    (in-app uploads are often quoted at 287.6 MB, the API takes up to 4 GB)."""

    min_side: int = 360
    max_side: int = 4096
    min_width: int = 720  # the web uploader wants at least 720x1280
    min_height: int = 1280
    recommended: tuple[int, int] = (1080, 1920)
    min_fps: float = 23
    max_fps: float = 60
    min_seconds: float = 3
    max_seconds: float = 180  # any creator can post 3 minutes
    max_bytes: int = 287 * MB
    codecs: tuple[str, ...] = ("h264",)
    pixel_formats: tuple[str, ...] = ("yuv420p",)
    audio_codecs: tuple[str, ...] = ("aac",)
    sample_rates: tuple[int, ...] = (44100, 48000)


@dataclass(frozen=True)
class ImageLimits:
    """Photo posts: JPEG or WebP (PNG is refused by the API), at most 20 MB, "maximum 1080p"."""

    formats: tuple[str, ...] = ("JPEG", "WEBP")
    max_bytes: int = 20 * MB
    max_size: tuple[int, int] = (1080, 1920)  # portrait; landscape may be the same turned
    recommended: tuple[int, int] = (1080, 1920)


VIDEO = VideoLimits()
IMAGE = ImageLimits()


def _ok(name: str, message: str, severity: str = "error") -> CheckResult:
    return CheckResult(name, True, message, severity)


def _bad(name: str, message: str, severity: str = "error") -> CheckResult:
    return CheckResult(name, False, message, severity)


def _check(name: str, ok: bool, good: str, bad: str, severity: str = "error") -> CheckResult:
    return CheckResult(name, ok, good if ok else bad, severity)


# Video ---------------------------------------------------------------------------------------

def mp4_boxes(path: Path, limit: int = 64) -> list[tuple[str, int]]:
    """Top-level MP4 boxes in file order as (type, size), read from their headers only."""
    boxes: list[tuple[str, int]] = []
    end = path.stat().st_size
    with path.open("rb") as f:
        at = 0
        while at + 8 <= end and len(boxes) < limit:
            f.seek(at)
            size, kind = struct.unpack(">I4s", f.read(8))
            if size == 1:
                size = struct.unpack(">Q", f.read(8))[0]
            elif size == 0:
                size = end - at
            if size < 8:
                break
            boxes.append((kind.decode("latin-1"), size))
            at += size
    return boxes


def check_video(path: Path | str, *, draft: bool = False, limits: VideoLimits = VIDEO) -> list[CheckResult]:
    """Every TikTok constraint on one MP4; a draft (540x960 preview) skips the size minimum."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        return [_bad("file", f"video tidak ada atau kosong: {path.name}")]
    out: list[CheckResult] = []
    size = path.stat().st_size
    out.append(_check("file_size", size <= limits.max_bytes, f"{size / MB:.1f} MB",
                      f"{size / MB:.1f} MB, di atas batas {limits.max_bytes / MB:.0f} MB"))
    boxes = [kind for kind, _ in mp4_boxes(path)]
    out.append(_check("container", bool(boxes) and boxes[0] == "ftyp", "MP4",
                      "bukan file MP4 (kotak ftyp tidak ada di awal file)"))
    if "moov" in boxes and "mdat" in boxes:
        out.append(_check("faststart", boxes.index("moov") < boxes.index("mdat"), "moov di depan (faststart)",
                          "moov ada di belakang mdat: video tidak bisa diputar sebelum terunduh penuh"))
    else:
        out.append(_bad("faststart", "kotak moov/mdat tidak ditemukan: file rusak atau belum selesai ditulis"))
    try:
        out += _streams(path, draft, limits)
    except (av.FFmpegError, OSError, ValueError) as exc:
        out.append(_bad("decode", f"video tidak bisa dibaca: {exc}"))
    return out


def _streams(path: Path, draft: bool, limits: VideoLimits) -> list[CheckResult]:
    out: list[CheckResult] = []
    with av.open(str(path)) as box:
        videos, audios = box.streams.video, box.streams.audio
        if not videos:
            return [_bad("video_codec", "tidak ada trek video")]
        v = videos[0]
        cc = v.codec_context
        out.append(_check("video_codec", cc.name in limits.codecs, f"{cc.name}",
                          f"codec {cc.name}; TikTok meminta H.264"))
        out.append(_check("profile", (cc.profile or "") == "High", f"H.264 {cc.profile}",
                          f"H.264 profil {cc.profile} (bukan High)", "warning"))
        pix = cc.pix_fmt or (v.format.name if v.format else "")
        out.append(_check("pixel_format", pix in limits.pixel_formats, pix,
                          f"format piksel {pix}; banyak pemutar hanya menerima yuv420p"))
        w, h = cc.width, cc.height
        out += _size_checks(w, h, draft, limits)
        rate = v.average_rate or v.guessed_rate or Fraction(0)
        fps = float(rate)
        out.append(_check("fps", limits.min_fps <= fps <= limits.max_fps, f"{fps:g} fps",
                          f"{fps:g} fps; TikTok menerima {limits.min_fps:g}-{limits.max_fps:g} fps"))
        frames = sum(1 for p in box.demux(v) if p.size)
        seconds = frames / fps if fps else 0.0
        out.append(_check("duration", limits.min_seconds <= seconds <= limits.max_seconds,
                          f"{seconds:.2f} detik ({frames} frame)",
                          f"{seconds:.2f} detik; harus {limits.min_seconds:g}-{limits.max_seconds:g} detik"))
    with av.open(str(path)) as box:
        first = next(box.decode(video=0), None)
        out.append(_check("decode", first is not None, "frame pertama terbaca", "frame pertama tidak bisa dibaca"))
    out += _audio(audios[0] if audios else None, limits)
    return out


def _size_checks(w: int, h: int, draft: bool, limits: VideoLimits) -> list[CheckResult]:
    out = [_check("size", limits.min_side <= min(w, h) and max(w, h) <= limits.max_side, f"{w}x{h}",
                  f"{w}x{h}; tiap sisi harus {limits.min_side}-{limits.max_side} px")]
    out.append(_check("portrait", abs(w / h - 9 / 16) < 0.01, "9:16 tegak",
                      f"{w}x{h} bukan 9:16 tegak; TikTok akan menambah bidang hitam", "warning"))
    if not draft:
        out.append(_check("min_size", w >= limits.min_width and h >= limits.min_height, f"{w}x{h}",
                          f"{w}x{h}; unggahan web TikTok meminta minimal {limits.min_width}x{limits.min_height}"))
        rw, rh = limits.recommended
        out.append(_check("recommended_size", (w, h) == (rw, rh), f"{w}x{h}",
                          f"{w}x{h}; yang dianjurkan {rw}x{rh}", "warning"))
    return out


def _audio(a, limits: VideoLimits) -> list[CheckResult]:
    if a is None:
        return [_bad("audio", "tidak ada trek audio; TikTok meminta AAC (hening pun boleh)")]
    cc = a.codec_context
    profile = cc.profile or ""
    rate = cc.sample_rate
    return [
        _check("audio", cc.name in limits.audio_codecs and profile == "LC", f"AAC-LC {rate} Hz",
               f"audio {cc.name} {profile}; TikTok meminta AAC-LC"),
        _check("sample_rate", rate in limits.sample_rates, f"{rate} Hz",
               f"audio {rate} Hz; gunakan 44100 atau 48000 Hz", "warning"),
    ]


# Images ---------------------------------------------------------------------------------------

def check_image(path: Path | str, limits: ImageLimits = IMAGE) -> list[CheckResult]:
    """A carousel picture: JPEG or WebP, RGB (sRGB), within 1080x1920, at most 20 MB, not truncated."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        return [_bad("file", f"gambar tidak ada atau kosong: {path.name}")]
    size = path.stat().st_size
    out = [_check("file_size", size <= limits.max_bytes, f"{size / MB:.1f} MB",
                  f"{size / MB:.1f} MB, di atas batas {limits.max_bytes / MB:.0f} MB")]
    try:
        with Image.open(path) as im:
            fmt, mode, (w, h) = im.format, im.mode, im.size
            icc = im.info.get("icc_profile")
            im.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        return [*out, _bad("decode", f"gambar tidak bisa dibaca: {exc}")]
    out.append(_check("format", fmt in limits.formats, fmt,
                      f"format {fmt}; TikTok hanya menerima JPEG atau WebP (PNG ditolak)"))
    out.append(_check("colour", mode == "RGB", mode, f"mode warna {mode}; harus RGB (sRGB)",
                      "warning" if mode == "L" else "error"))
    if icc:
        name = _icc_name(icc)
        out.append(_check("colour_profile", "srgb" in name.lower(), name,
                          f"profil warna {name or 'tak dikenal'}; warna bisa bergeser, gunakan sRGB", "warning"))
    mw, mh = limits.max_size
    within = (w <= mw and h <= mh) or (w <= mh and h <= mw)
    out.append(_check("size", within, f"{w}x{h}", f"{w}x{h}, lebih besar dari {mw}x{mh}"))
    rw, rh = limits.recommended
    out.append(_check("recommended_size", (w, h) == (rw, rh), f"{w}x{h}", f"{w}x{h}; yang dianjurkan {rw}x{rh}",
                      "warning"))
    return out


def _icc_name(icc: bytes) -> str:
    try:
        return ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc))).strip()
    except (ImageCms.PyCMSError, OSError):
        return ""


# Captions -------------------------------------------------------------------------------------

HASHTAG = re.compile(r"(?<![\w#])#\w+")


def utf16_units(text: str) -> int:
    """TikTok counts UTF-16 code units: most emoji count 2."""
    return len(text.encode("utf-16-le")) // 2


def check_caption(text: str, max_hashtags: int = 5, max_length: int = 2200) -> list[CheckResult]:
    units = utf16_units(text)
    tags = HASHTAG.findall(text)
    return [
        _check("caption_length", units <= max_length, f"{units} karakter (UTF-16)",
               f"{units} karakter (UTF-16), di atas batas {max_length}"),
        _check("caption_empty", bool(text.strip()), "ada teks", "caption kosong", "warning"),
        _check("hashtags", len(tags) <= max_hashtags, f"{len(tags)} tagar",
               f"{len(tags)} tagar; beberapa akun melaporkan batas {max_hashtags}", "warning"),
    ]


# Channels -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class VideoFacts:
    """What the channel checks compare: probed once from the one rendered video."""

    seconds: float
    fps: float
    width: int
    height: int
    size: int


def video_facts(path: Path | str) -> VideoFacts | None:
    """Duration, frame rate, size and bytes of an MP4; None when it cannot be read."""
    path = Path(path)
    try:
        with av.open(str(path)) as box:
            v = box.streams.video[0]
            fps = float(v.average_rate or v.guessed_rate or 0)
            frames = sum(1 for p in box.demux(v) if p.size)
            return VideoFacts(frames / fps if fps else 0.0, fps, v.codec_context.width, v.codec_context.height,
                              path.stat().st_size)
    except (av.FFmpegError, OSError, ValueError, IndexError):
        return None


def check_channel_video(facts: VideoFacts | None, channel, *, draft: bool = False) -> list[CheckResult]:
    """One channel's own video rules (duration, frame rate, size, file size) on the shared video.
    Warnings, never errors: a channel the video does not suit is not ready; the day still is."""
    spec, label = channel.spec, channel.label
    if facts is None:
        return [_bad("video", f"{label}: video tidak bisa dibaca", "warning")]
    low, high = channel.seconds
    mw, mh = spec.min_size
    out = [
        _check("duration", low <= facts.seconds <= high, f"{label}: {facts.seconds:.2f} detik",
               f"{label}: {facts.seconds:.2f} detik; {label} menerima {low:g}-{high:g} detik", "warning"),
        _check("fps", spec.min_fps <= facts.fps <= spec.max_fps, f"{label}: {facts.fps:g} fps",
               f"{label}: {facts.fps:g} fps; {label} menerima {spec.min_fps:g}-{spec.max_fps:g} fps", "warning"),
        _check("file_size", facts.size <= spec.max_bytes, f"{label}: {facts.size / MB:.1f} MB",
               f"{label}: {facts.size / MB:.1f} MB, di atas batas {spec.max_bytes / MB:.0f} MB", "warning"),
    ]
    if not draft:
        out.append(_check("min_size", facts.width >= mw and facts.height >= mh,
                          f"{label}: {facts.width}x{facts.height}",
                          f"{label}: {facts.width}x{facts.height}; {label} meminta minimal {mw}x{mh}", "warning"))
    return out


def check_channel_caption(text: str, channel, hashtags: int) -> list[CheckResult]:
    """One channel's caption against its limits (YouTube: title and description apart)."""
    spec, label = channel.spec, channel.label
    out = []
    if spec.title_max:
        title, _, body = text.partition("\n")
        units = utf16_units(title)
        out.append(_check("title_length", 0 < units <= spec.title_max, f"{label}: judul {units} karakter",
                          f"{label}: judul {units} karakter; batas {spec.title_max}", "warning"))
        text = body.strip("\n")
    units = utf16_units(text)
    out.append(_check("caption_length", units <= spec.caption_max, f"{label}: {units}/{spec.caption_max} karakter",
                      f"{label}: {units} karakter, di atas batas {spec.caption_max}", "warning"))
    cap = spec.max_hashtags if channel.max_hashtags is None else channel.max_hashtags
    if channel.name != "tiktok":  # TikTok's own hashtag check is the caption.txt one
        out.append(_check("hashtags", hashtags <= cap, f"{label}: {hashtags} hashtag",
                          f"{label}: {hashtags} hashtag, lebih dari {cap}", "warning"))
    return out
