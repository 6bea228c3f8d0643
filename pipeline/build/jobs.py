"""Render jobs: what one day's files depend on, the function that makes them, and its input hash.

Jobs go to a `concurrent.futures` executor: in-process and lazy by default, a process pool with
`workers > 1`, or whatever a larger installation passes in.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import datetime as dt
import functools
import hashlib
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.common.models import Catalog, Product
from pipeline.common.project import Project
from pipeline.export import folders as X
from pipeline.plan.planner import Slot
from pipeline.render.brand import Brand, load_brand

RENDER_VERSION = "1"  # bump when the day folder's layout or the renderers' output changes


# Executors ----------------------------------------------------------------------------------------

class LazyExecutor(cf.Executor):
    """Runs each job in the calling thread when its result is first asked for.

    So the build publishes day by day, a stop request between days cancels the rest, and
    tracebacks and the video's own progress bar stay in one place.
    """

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any) -> cf.Future:
        return _LazyFuture(fn, args, kwargs)


class _LazyFuture(cf.Future):
    def __init__(self, fn: Callable, args: tuple, kwargs: dict):
        super().__init__()
        self._job = (fn, args, kwargs)

    def result(self, timeout: float | None = None) -> Any:
        if not self.done() and self.set_running_or_notify_cancel():
            fn, args, kwargs = self._job
            try:
                self.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # KeyboardInterrupt too: the build decides what to do
                self.set_exception(exc)
        return super().result(timeout)

    def exception(self, timeout: float | None = None) -> BaseException | None:
        try:
            self.result(timeout)
        except BaseException:  # noqa: BLE001 - the stored exception is returned below
            pass
        return super().exception(timeout)


def make_executor(workers: int) -> cf.Executor:
    return LazyExecutor() if workers <= 1 else cf.ProcessPoolExecutor(max_workers=workers)


# Render jobs --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RenderJob:
    """A pure function's inputs: everything one day's files depend on (picklable for process pools)."""

    project: Project
    catalog: Catalog
    product: Product
    day: dt.date
    template: str
    intro: str | None
    formats: str
    draft: bool
    staging: Path
    video_progress: bool = False


@dataclass
class JobResult:
    files: dict[str, Any]  # role -> path relative to the day folder (slides: a list)
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


def render_post(job: RenderJob) -> JobResult:
    """Render one day's files into job.staging and check them against TikTok's rules."""
    from pipeline.export.checks import check_caption, check_image, check_video
    from pipeline.render.images import render_post_images
    from pipeline.render.video import render_video

    started = time.monotonic()
    out = job.staging
    brand = load_brand(job.project)
    images = render_post_images(job.project, job.catalog, job.product, out, brand=brand, intro=job.intro,
                                template=job.template)
    caption = images.built_caption  # caption.txt is written; its warnings are among the images' warnings
    warnings = [str(w) for w in images.warnings]
    files: dict[str, Any] = {"cover": "cover.jpg", "caption": "caption.txt"}
    checks: list[dict[str, Any]] = []
    checks += _checks("cover.jpg", check_image(out / "cover.jpg"))
    if job.formats in ("carousel", "both"):
        files["slides"] = [p.relative_to(out).as_posix() for p in images.slides]
        for slide in images.slides:
            checks += _checks(slide.relative_to(out).as_posix(), check_image(slide))
    else:
        for slide in images.slides:
            slide.unlink()
        (out / "slides").rmdir()
    video: dict[str, Any] = {}
    if job.formats in ("video", "both"):
        result = render_video(job.project, job.catalog, job.product, out / "video.mp4", brand=brand,
                              template=job.template, draft=job.draft, progress=job.video_progress)
        files["video"] = "video.mp4"
        video = {"duration": round(result.duration, 3), "frames": result.frames}
        warnings += [str(w) for w in result.warnings if str(w) not in warnings]  # the cover's are the images'
        # render_video probed the file it wrote (and refuses to leave one that fails); keep its results
        checks += _checks("video.mp4", result.checks or check_video(out / "video.mp4", draft=job.draft))
    checks += _checks("caption.txt", check_caption(caption.text, brand.max_hashtags))
    return JobResult(files, caption.text, list(caption.hashtags), checks, warnings, video,
                     round(time.monotonic() - started, 2), caption.utf16_length)


def _checks(target: str, results: list) -> list[dict[str, Any]]:
    return [{"file": target, **r.to_dict()} for r in results]


# Input hash ---------------------------------------------------------------------------------------

def templates_digest(project: Project) -> str:
    """The effective template set's bytes (user-first), leaving out the export pages."""
    return X.files_digest({rel: p for rel, p in X.effective_templates(project).items()
                           if not rel.startswith("export/")})


def input_hash(slot: Slot, product: Product, catalog: Catalog, brand: Brand, templates: str, timezone: str,
               draft: bool) -> str:
    artisan = catalog.artisans.get(product.artisan)
    craft = catalog.crafts.get(product.craft)
    data = {
        "v": [__version__, RENDER_VERSION],
        "date": slot.date, "product": [product.slug, product.content_hash],
        "artisan": dataclasses.asdict(artisan) if artisan else None,
        "craft": dataclasses.asdict(craft) if craft else None,
        "templates": templates, "brand": brand.digest, "timezone": timezone,
        "day": [slot.template, slot.intro, slot.formats, slot.post_at, slot.special, slot.theme],
        "draft": draft,
    }
    blob = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()



@functools.cache  # `ffmpeg -version` is a subprocess: once per build process, not once per day
def _versions() -> dict[str, str]:
    import imageio_ffmpeg
    import moviepy
    import PIL

    return {"etalase": __version__, "renderer": RENDER_VERSION, "python": sys.version.split()[0],
            "moviepy": getattr(moviepy, "__version__", "?"), "pillow": PIL.__version__,
            "ffmpeg": imageio_ffmpeg.get_ffmpeg_version()}
