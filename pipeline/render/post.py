"""One post's files from its inputs: the pure render a build, a process pool or a hub's worker runs.

`render(inputs, out_dir, blobs)` reads nothing from a project or a catalogue: templates and the
brand come in the inputs, photos, fonts, logo and music from `blobs` by digest. It writes cover,
slides, caption and video into out_dir, checks them against TikTok's rules, and returns what it
made. Day-specific parts (manifest, checklist page, suggested time) are the publisher's.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.export.checks import check_caption, check_image, check_video
from pipeline.render.blobs import Blobs
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

    @property
    def failed_checks(self) -> list[dict[str, Any]]:
        return [c for c in self.checks if not c.get("ok", True) and c.get("severity", "error") == "error"]

    def paths(self) -> list[str]:
        """Every file the result names, relative to its folder."""
        return [p for v in self.files.values() for p in (v if isinstance(v, list) else [v])]


def render(inputs: RenderInputs, out_dir: Path | str, blobs: Blobs, *, progress: bool = False) -> PostResult:
    """Render and check one post into out_dir (created if needed)."""
    started = time.monotonic()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    day = inputs.day
    product, brand, music = inputs.localised(blobs)
    catalog = inputs.catalog()
    images = render_post_images(inputs.templates, catalog, product, out, brand=brand, intro=day.intro,
                                template=day.caption)
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
        result = render_video(inputs.templates, catalog, product, out / "video.mp4", brand=brand,
                              template=day.template, draft=day.draft, progress=progress, music=music)
        files["video"] = "video.mp4"
        video = {"duration": round(result.duration, 3), "frames": result.frames}
        warnings += [str(w) for w in result.warnings if str(w) not in warnings]  # the cover repeats the images'
        # render_video probed the file it wrote (and refuses to leave one that fails); keep its results
        checks += _checks("video.mp4", result.checks or check_video(out / "video.mp4", draft=day.draft))
    checks += _checks("caption.txt", check_caption(caption.text, brand.max_hashtags))
    return PostResult(files, caption.text, list(caption.hashtags), checks, warnings, video,
                      round(time.monotonic() - started, 2), caption.utf16_length)


def _checks(target: str, results: list) -> list[dict[str, Any]]:
    return [{"file": target, **r.to_dict()} for r in results]
