"""A product's carousel post: cover.jpg, slides/01.jpg ..., caption.txt.

Slides are the cover, one per further photo, and a details card (TikTok takes up to 35). Files
are JPEG in sRGB (untagged, as TikTok and browsers assume), written to a temporary name and
renamed into place; the same inputs give the same bytes: no timestamps, no metadata, no
randomness.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from pipeline.common import atomic
from pipeline.common.errors import ConfigError, Problem, RenderError
from pipeline.common.models import Catalog, Product
from pipeline.common.project import Project
from pipeline.render.brand import Brand, load_brand
from pipeline.render.captions import Caption, build_caption, caption_template
from pipeline.render.context import post_context
from pipeline.render.draw import render
from pipeline.render.layout import load_layout
from pipeline.render.scenes import load_video_template
from pipeline.render.templates import TemplateTexts, as_texts, template_texts

MAX_SLIDES = 35  # TikTok photo posts
MAX_BYTES = 20 * 1024 * 1024  # TikTok photo posts: 20 MB per image
LAYOUTS = {"cover": "cover", "photo": "slide", "details": "details"}


@dataclass(frozen=True)
class RenderedImages:
    cover: Path
    slides: tuple[Path, ...]
    caption: Path
    warnings: list[Problem] = field(default_factory=list)  # the caption's warnings included
    built_caption: Caption | None = None  # text, hashtags, UTF-16 length: no need to build it again

    @property
    def paths(self) -> tuple[Path, ...]:
        return (self.cover, *self.slides, self.caption)


def jpeg_bytes(image: Image.Image, quality: int) -> bytes:
    """Baseline JPEG, 4:2:0, no EXIF or ICC: byte-identical for identical pixels."""
    buf = io.BytesIO()
    rgb = image if image.mode == "RGB" else image.convert("RGB")  # no copy of an RGB render
    rgb.save(buf, "JPEG", quality=quality, subsampling="4:2:0", optimize=False, progressive=False)
    data = buf.getvalue()
    if len(data) > MAX_BYTES:
        raise RenderError(f"a slide came out at {len(data) / 1e6:.1f} MB, over TikTok's 20 MB: "
                          "lower jpeg_quality in brand.yaml")
    return data


def render_post_images(source: Project | TemplateTexts, catalog: Catalog, product: Product, out_dir: Path | str, *,
                       brand: Brand | None = None, size: tuple[int, int] = (1080, 1920),
                       intro: str | None = None, template: str | None = None, post_number: int = 1) -> RenderedImages:
    """Render and write one product's cover, slides and caption into out_dir; `template` names
    the caption template (default: brand.yaml's). `source` is a project or a loaded template set
    (then `brand` must be given, and the catalogue need hold only this product's artisan and craft)."""
    out = Path(out_dir)
    brand = brand or load_brand(source)
    texts = as_texts(source)
    layouts = {role: load_layout(texts, name, brand) for role, name in LAYOUTS.items()}
    ctx = post_context(product, catalog, brand, intro=intro, post_number=post_number)
    warnings: list[Problem] = [w for layout in layouts.values() for w in layout.warnings]
    images: list[bytes] = []

    def add(role: str, photo=None) -> None:
        done = render(layouts[role], ctx, photo=photo, size=size)
        warnings.extend(done.warnings)
        images.append(jpeg_bytes(done.image, brand.jpeg_quality))

    add("cover", product.hero)
    for photo in product.photos[1:MAX_SLIDES - 1]:
        add("photo", photo)
    add("details")
    if len(product.photos) > MAX_SLIDES - 1:
        warnings.append(Problem(product.source, None, "photos",
                                f"{len(product.photos)} photos: only the first {MAX_SLIDES - 1} fit a carousel",
                                "TikTok takes at most 35 images per post", "warning"))

    atomic.write_bytes(out / "cover.jpg", images[0])
    slides = []
    for i, data in enumerate(images, start=1):
        path = out / "slides" / f"{i:02d}.jpg"
        atomic.write_bytes(path, data)
        slides.append(path)
    for stale in sorted((out / "slides").glob("*.jpg")):
        if stale not in slides:
            stale.unlink()
    caption = build_caption(texts, product, catalog, brand, template=template, intro=intro)
    warnings.extend(caption.warnings)
    caption_path = out / "caption.txt"
    atomic.write_bytes(caption_path, (caption.text + "\n").encode("utf-8"))
    return RenderedImages(out / "cover.jpg", tuple(slides), caption_path, _unique(warnings), caption)


def template_problems(project: Project) -> list[Problem]:
    """Every problem (errors and warnings) in brand.yaml, the layouts, the caption templates and the
    video templates, for `etalase check` and the dashboard: a council's template mistake shows
    before a build."""
    try:
        brand = load_brand(project)
    except ConfigError as exc:
        return exc.problems
    problems = list(brand.warnings)
    try:
        texts = template_texts(project)
    except ConfigError as exc:
        return problems + exc.problems
    for name in texts.template_names("layouts", ".yaml"):
        try:
            problems += load_layout(texts, name, brand).warnings
        except ConfigError as exc:
            problems += exc.problems
    for name in texts.template_names("captions", ".j2"):
        try:
            caption_template(texts, name)
        except ConfigError as exc:
            problems += exc.problems
    layouts = set(texts.template_names("layouts", ".yaml"))
    for name in texts.template_names("videos", ".yaml"):
        try:
            video = load_video_template(texts, name)
        except ConfigError as exc:
            problems += exc.problems
            continue
        problems += video.warnings
        wanted = [(s.layout, s.line, "scenes.layout") for s in video.scenes]
        if video.story.show:
            wanted.append((video.story.layout, video.lines.get("story.layout"), "story.layout"))
        for layout, line, field_name in wanted:
            if layout not in layouts:
                problems.append(Problem(video.source, line, field_name, f"layout `{layout}` not found",
                                        "layouts: " + ", ".join(sorted(layouts)), "error"))
    return problems


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))
