"""One post's files from its inputs: the pure render a build, a process pool or a hub's worker runs.

`render(inputs, out_dir, blobs)` reads nothing from a project or a catalogue: templates and the
brand come in the inputs, photos, fonts, logo and music from `blobs` by digest. It writes cover,
slides, caption and video into out_dir, checks them against TikTok's rules, and returns what it
made. Day-specific parts (manifest, checklist page, suggested time) are the publisher's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.common import atomic
from pipeline.export.checks import (
    check_caption,
    check_channel_caption,
    check_channel_video,
    check_image,
    check_video,
    video_facts,
)
from pipeline.render import variation
from pipeline.render.blobs import Blobs
from pipeline.render.captions import ENGLISH_FILE, channel_caption, english_caption, split_title, utf16_length
from pipeline.render.crops import for_video
from pipeline.render.images import render_post_images
from pipeline.render.inputs import RenderInputs
from pipeline.render.video import render_video


@dataclass
class PostResult:
    files: dict[str, Any]  # role -> path relative to the post folder (slides: a list)
    caption: str
    hashtags: list[str]
    checks: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)
    video: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    caption_length: int = 0  # UTF-16 units, as TikTok counts
    channels: list[dict[str, Any]] = field(default_factory=list)  # per channel: files, caption, checks, ready
    english: dict[str, Any] | None = None  # a Go Global post's English caption: file, text, length, limit, asked by

    @property
    def failed_checks(self) -> list[dict[str, Any]]:
        return [c for c in self.checks if not c.get("ok", True) and c.get("severity", "error") == "error"]

    def paths(self) -> list[str]:
        """Every file the result names, relative to its folder."""
        return [p for v in self.files.values() for p in (v if isinstance(v, list) else [v])]


def render(inputs: RenderInputs, out_dir: Path | str, blobs: Blobs, *,
           progress: bool | Callable[[int, int], None] = False) -> PostResult:
    """Render and check one post into out_dir (created if needed)."""
    started = time.monotonic()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    day = inputs.day
    product, brand, music = inputs.localised(blobs)
    product = variation.ordered(product, day.post_number)  # post N: another hero and photo order
    catalog = inputs.catalog()
    images = render_post_images(inputs.templates, catalog, product, out, brand=brand, intro=day.intro,
                                template=day.caption, post_number=day.post_number)
    caption = images.built_caption  # caption.txt is written; its warnings are among the images' warnings
    warnings = [str(w) for w in images.warnings]
    files: dict[str, Any] = {"cover": "cover.jpg", "caption": "caption.txt"}
    checks: list[dict[str, Any]] = []
    checks += _checks("cover.jpg", check_image(out / "cover.jpg"))
    if day.formats in ("carousel", "both"):
        files["slides"] = [p.relative_to(out).as_posix() for p in images.slides]
        for slide in images.slides:
            checks += _checks(slide.relative_to(out).as_posix(), check_image(slide))
    else:
        for slide in images.slides:
            slide.unlink()
        (out / "slides").rmdir()
    video: dict[str, Any] = {}
    if day.formats in ("video", "both"):
        with for_video(product, day.post_number) as shown:  # one photo: crops around its focus as scenes
            result = render_video(inputs.templates, catalog, shown, out / "video.mp4", brand=brand,
                                  template=day.template, draft=day.draft, progress=progress, music=music,
                                  post_number=day.post_number)
            seen = variation.shown(inputs.templates, brand, shown, day, result.facts["photos"],
                                   catalog.region.short_name)
        files["video"] = "video.mp4"
        video = {"duration": round(result.duration, 3), "frames": result.frames, **result.facts, **seen}
        warnings += [str(w) for w in result.warnings if str(w) not in warnings]  # the cover repeats the images'
        # render_video probed the file it wrote (and refuses to leave one that fails); keep its results
        checks += _checks("video.mp4", result.checks or check_video(out / "video.mp4", draft=day.draft))
    checks += _checks("caption.txt", check_caption(caption.text, brand.max_hashtags))
    channels = []
    facts = video_facts(out / "video.mp4") if "video" in files else None
    for channel in day.channels:
        entry, more = _channel(inputs, catalog, product, brand, channel, out, files, facts)
        files[f"caption_{channel.name}"] = entry["caption_file"]
        checks += more
        warnings += [w for w in entry.pop("warnings") if w not in warnings]
        channels.append(entry)
    english = None
    if day.go_global or product.go_global:
        english, more = _english(inputs, catalog, product, brand, out)
        files["caption_en"] = ENGLISH_FILE
        checks += more
        warnings += [w for w in english.pop("warnings") if w not in warnings]
    return PostResult(files, caption.text, list(caption.hashtags), checks, warnings, video,
                      round(time.monotonic() - started, 2), caption.utf16_length, channels, english)


def _english(inputs: RenderInputs, catalog, product, brand, out: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A Go Global post's English caption file, only when the day or the product asks (not glued to the others)."""
    cap = english_caption(inputs.templates, product, catalog, brand)
    atomic.write_bytes(out / ENGLISH_FILE, (cap.text + "\n").encode("utf-8"))
    asked = [who for who, yes in (("day", inputs.day.go_global), ("product", product.go_global)) if yes]
    entry = {"file": ENGLISH_FILE, "caption": cap.text, "caption_length": cap.utf16_length,
             "caption_limit": brand.caption.max_length, "hashtags": list(cap.hashtags), "asked_by": asked,
             "warnings": [f"English: {w}" for w in cap.warnings]}
    return entry, _checks(ENGLISH_FILE, check_caption(cap.text, brand.max_hashtags))


def _channel(inputs: RenderInputs, catalog, product, brand, channel, out: Path, files: dict[str, Any],
             facts) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One channel's caption file and checks on the shared files; a failure marks only it not ready."""
    day = inputs.day
    cap = channel_caption(inputs.templates, product, catalog, brand, channel, template=day.caption, intro=day.intro)
    name = channel.caption_file()
    atomic.write_bytes(out / name, (cap.text + "\n").encode("utf-8"))
    wants = channel.wants
    uploads: dict[str, Any] = {}
    if wants in ("video", "both") and "video" in files:
        uploads["video"] = files["video"]
    if wants in ("carousel", "both") and "slides" in files:
        uploads["slides"] = files["slides"]
    checks = _checks(name, check_channel_caption(cap.text, channel, len(cap.hashtags)))
    if "video" in uploads:
        checks += _checks(files["video"], check_channel_video(facts, channel, draft=day.draft))
    checks = [{**c, "channel": channel.name} for c in checks]
    problems = [c["message"] for c in checks if not c["ok"]]
    if not uploads:
        problems.append(f"{channel.label}: tidak ada yang diunggah (hari ini {day.formats}, kanal ini {wants})")
    spec = channel.spec
    title, body = split_title(cap.text) if spec.title_max else ("", cap.text)
    entry = {
        "name": channel.name, "label": channel.label, "handle": channel.handle, "takes": wants,
        "files": uploads, "caption_file": name, "caption": body,
        "caption_length": utf16_length(body), "caption_limit": spec.caption_max,
        "hashtags": list(cap.hashtags), "ready": not problems, "problems": problems,
        "warnings": [f"{channel.label}: {w}" for w in cap.warnings]
        + [f"{p} (belum siap untuk {channel.label})" for p in problems],
    }
    if spec.title_max:
        entry.update(title=title, title_length=utf16_length(title), title_limit=spec.title_max)
    return entry, checks


def _checks(target: str, results: list) -> list[dict[str, Any]]:
    return [{"file": target, **r.to_dict()} for r in results]
