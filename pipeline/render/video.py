"""The product video: one moviepy VideoClip whose frame function composes each frame from
pictures prepared once per video.

Preparation (in a small thread pool, a scene ahead of the encoder): each photo is decoded once
at the smallest JPEG scale that keeps the zoom-1 view's detail and pre-scaled to output size x
the template's zoom; each scene's layout is drawn once as a still card, or as the layers under
the photo plus a text overlay above it (the images renderer's own layouts, so frame 0 is the
cover image). A frame then costs a sub-pixel zoom (a few resizes) or a whole-pixel pan (a copy),
the overlay where it has alpha, and a blend during transitions, all on I420 planes (motion.py).
moviepy's idiomatic CompositeVideoClips with a per-frame resize cost 3.5-13x more (DOMAIN.md).
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from moviepy import VideoClip
from PIL import Image, UnidentifiedImageError

from pipeline.catalog.media import to_rgb
from pipeline.common import testhook
from pipeline.common.atomic import output as atomic_output
from pipeline.common.errors import CheckError, PhotoError, Problem
from pipeline.common.models import Catalog, Photo, Product
from pipeline.common.project import Project
from pipeline.export.checks import CheckResult, check_video, failed, summary
from pipeline.render import audio as sound
from pipeline.render import story, variation
from pipeline.render.brand import Brand, load_brand
from pipeline.render.context import post_context
from pipeline.render.draw import PlacedText, render, resolve_colour, rgb
from pipeline.render.encode import Encoding, ffmpeg_exe, return_freed_memory, write_clip
from pipeline.render.layout import Layer, Layout, load_layout
from pipeline.render.motion import Motion, Overlay, Planes, Zoom, i420_to_rgb, plan_motion, rgb_to_i420, shifted
from pipeline.render.photo import cover_keeps, fit_photo, upright_size
from pipeline.render.scenes import Plan, Scene, VideoTemplate, load_video_template, plan_video
from pipeline.render.story import Phrase
from pipeline.render.templates import TemplateTexts, as_texts
from pipeline.render.text import fit

# The images renderer keeps a small decode cache that is not made for threads: every call
# into it (drawing a layout that holds a photo) goes through this lock.
_DRAW = threading.Lock()
# One full-size photo decoded at a time: a 12 MP photo is 36 MB before it is scaled down.
_DECODE = threading.Semaphore(1)


@dataclass(frozen=True)
class VideoResult:
    path: Path
    duration: float
    frames: int
    warnings: list[Problem] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)  # mood, bed, tempo, transitions, photos: for post.json


# Scenes as frame sources ---------------------------------------------------------------------

TEXT_KINDS = ("text", "price_tag", "logo")  # the layers a scene's text layer holds


def is_text(layer: Layer) -> bool:
    return layer.kind in TEXT_KINDS


@dataclass(frozen=True)
class TextLayer:
    """A scene's text (its layout's text, price and logo layers, or one story phrase) as its own
    overlay, so a transition can fade the outgoing text out before the incoming text fades in."""

    name: str
    overlay: Overlay
    box: tuple[int, int, int, int] | None  # where its pixels are, x0 y0 x1 y1 (None: nothing drawn)
    phrase: Phrase | None = None  # a story phrase shows only in its frames; None: the whole scene
    placed: tuple[PlacedText, ...] = ()  # what the renderer placed (size, contrast), for tests

    def opacity(self, j: int) -> float:
        return 1.0 if self.phrase is None else self.phrase.opacity(j)


@dataclass(frozen=True)
class Shown:
    """One text layer visible in a frame: the metadata tests assert on (no two scenes' text at once)."""

    scene: int
    name: str
    box: tuple[int, int, int, int] | None  # at rest: slide, push_up and zoom carry it with its picture
    opacity: float


class Still:
    """A card without motion: one picture (without its text), the same buffer for every frame."""

    def __init__(self, picture: Planes, texts: list[TextLayer]):
        self.texts = texts
        self._picture = picture
        self.full: Planes | None = None  # the picture with its text, when that never changes
        if all(t.phrase is None for t in texts):
            self.full = picture.copy()
            for t in texts:
                t.overlay.apply(self.full)

    def picture(self, j: int, n: int) -> Planes:
        return self._picture  # shared: callers copy before drawing on it

    def first(self, j: int) -> Planes | None:
        return self.full


class Moving:
    """A photo moving in its box, with the layout's graphics under and over it (text apart).

    `first`, when given, is frame 0 exactly as the images renderer draws it: the cover scene
    starts on the very pixels of cover.jpg (the motion's own frame 0 has the same geometry but
    another resampling filter, a few levels apart on fine texture)."""

    def __init__(self, size: tuple[int, int], source: Planes, motion: Motion, box: tuple[int, int, int, int],
                 under: Planes | None, overlay: Overlay, texts: list[TextLayer], first: Planes | None = None):
        if isinstance(motion, Zoom):  # its quadrants flipped once here, not on every frame
            source = motion.cut(source, (box[2] - box[0], box[3] - box[1]))
        self.size, self.source, self.motion, self.box = size, source, motion, box
        self.under, self.overlay, self.texts, self._first = under, overlay, texts, first

    def picture(self, j: int, n: int) -> Planes:
        out = self.under.copy() if self.under is not None else Planes(*self.size)
        self.motion.draw(self.source, j / max(1, n - 1), out, self.box)
        self.overlay.apply(out)
        return out

    def first(self, j: int) -> Planes | None:
        return self._first if j == 0 else None


def crossfade(a: Planes, b: Planes, q: float) -> Planes:
    out = Planes(a.w, a.h)
    cv2.addWeighted(a.buf, 1 - q, b.buf, q, 0, dst=out.buf)
    return out


def _ease(q: float) -> float:
    return q * q * (3 - 2 * q)


def slide(a: Planes, b: Planes, q: float) -> Planes:
    """The next scene pushes the current one out to the left (eased; whole chroma pixels)."""
    s = min(a.w, round(_ease(q) * a.w / 2) * 2)
    out = Planes(a.w, a.h)
    for dst, pa, pb, k in zip(out.planes(), a.planes(), b.planes(), (1, 2, 2), strict=True):
        cut, width = s // k, a.w // k
        dst[:, :width - cut] = pa[:, cut:]
        dst[:, width - cut:] = pb[:, :cut]
    return out


def push_up(a: Planes, b: Planes, q: float) -> Planes:
    """The next scene pushes the current one up and out, the way a feed scrolls (eased)."""
    s = min(a.h, round(_ease(q) * a.h / 2) * 2)
    out = Planes(a.w, a.h)
    for dst, pa, pb, k in zip(out.planes(), a.planes(), b.planes(), (1, 2, 2), strict=True):
        cut, height = s // k, a.h // k
        dst[:height - cut] = pa[cut:]
        dst[height - cut:] = pb[:cut]
    return out


ZOOM_THROUGH = 0.35  # how far the outgoing scene grows (and the incoming one starts enlarged)


def zoom(a: Planes, b: Planes, q: float) -> Planes:
    """Zoom-through: the current scene grows toward the viewer as it fades, the next one settles
    from slightly enlarged to its own framing."""
    e = _ease(q)
    return crossfade(_enlarged(a, 1 + ZOOM_THROUGH * e), _enlarged(b, 1 + ZOOM_THROUGH * (1 - e)), e)


def _enlarged(frame: Planes, scale: float) -> Planes:
    if scale <= 1.0005:
        return frame
    out = Planes(frame.w, frame.h)
    for src, dst in zip(frame.planes(), out.planes(), strict=True):
        h, w = src.shape
        cw, ch = w / scale, h / scale
        m = np.array([[scale, 0, -(w - cw) / 2 * scale], [0, scale, -(h - ch) / 2 * scale]], np.float64)
        cv2.warpAffine(src, m, (w, h), dst=dst, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return out


TRANSITIONS: dict[str, Callable[[Planes, Planes, float], Planes]] = {
    "crossfade": crossfade, "slide": slide, "push_up": push_up, "zoom": zoom}
CARRY_TEXT = ("slide", "push_up", "zoom")  # transitions that move each scene's text with its picture


def text_fades(q: float) -> tuple[float, float]:
    """(outgoing, incoming) text opacity at transition progress q: the outgoing text is gone by
    the middle, where the incoming text starts, so the two are never visible together."""
    return max(0.0, 1 - 2 * q), max(0.0, 2 * q - 1)


Source = Still | Moving


class Timeline:
    """Frame i -> the scene (or the two scenes of a transition) that show it, with their text.

    Scenes are prepared a few ahead of the frames asked for and let go once the frames have
    moved on, so a 30-photo product needs no more memory than a 3-photo one. Asking for an
    earlier frame again (moviepy's get_frame allows any t) simply prepares its scene again.
    """

    AHEAD = 1  # scenes prepared beyond the current one
    BEHIND = 2  # scenes kept behind it (workers may still be finishing their frames)

    def __init__(self, plan: Plan, prepare: Callable[[int, Scene], Source], pool: ThreadPoolExecutor):
        self.plan, self.prepare, self.pool = plan, prepare, pool
        self.starts = plan.starts
        self.frames = plan.frames
        self._ready: dict[int, Future] = {}
        self._lock = threading.Lock()
        self._scene(0)

    def _scene(self, k: int) -> Future:
        with self._lock:
            for m in range(k, min(k + 1 + self.AHEAD, len(self.plan.scenes))):
                if m not in self._ready:
                    self._ready[m] = self.pool.submit(self.prepare, m, self.plan.scenes[m])
            for m in [m for m in self._ready if m < k - self.BEHIND]:
                del self._ready[m]
            return self._ready[k]

    def _where(self, i: int) -> tuple[int, int, float | None]:
        """(scene, frame within it, transition progress q or None outside transitions)."""
        k = bisect.bisect_right(self.starts, i) - 1
        j = i - self.starts[k]
        if k == 0 or j >= self.plan.scenes[k - 1].overlap:
            return k, j, None
        return k, j, (j + 1) / (self.plan.scenes[k - 1].overlap + 1)

    def _texts(self, i: int) -> list[tuple[int, TextLayer, float]]:
        k, j, q = self._where(i)
        out = []
        fade_in = 1.0
        if q is not None:
            fade_out, fade_in = text_fades(q)
            jp = i - self.starts[k - 1]
            out += [(k - 1, t, t.opacity(jp) * fade_out) for t in self._scene(k - 1).result().texts]
        out += [(k, t, t.opacity(j) * fade_in) for t in self._scene(k).result().texts]
        return [(m, t, o) for m, t, o in out if o > 0]

    def texts(self, i: int) -> list[Shown]:
        """The text layers visible in frame i, with their boxes and opacities."""
        return [Shown(m, t.name, t.box, o) for m, t, o in self._texts(i)]

    def frame(self, i: int, text: bool = True) -> Planes:
        k, j, q = self._where(i)
        scene = self.plan.scenes[k]
        current = self._scene(k).result()
        texts = self._texts(i) if text else []
        if q is None:
            if text and (ready := current.first(j)) is not None:
                return ready
            base = current.picture(j, scene.frames)
            base = base.copy() if isinstance(current, Still) else base
        else:
            before = self.plan.scenes[k - 1]
            kind = before.transition.kind
            outgoing = self._scene(k - 1).result()
            a = outgoing.picture(i - self.starts[k - 1], before.frames)
            b = current.picture(j, scene.frames)
            if kind in CARRY_TEXT:  # each scene's text rides on its own picture
                a, b = (x.copy() if isinstance(src, Still) else x for x, src in ((a, outgoing), (b, current)))
                for m, layer, opacity in texts:
                    layer.overlay.apply(a if m == k - 1 else b, opacity)
                return TRANSITIONS[kind](a, b, q)
            base = TRANSITIONS[kind](a, b, q)
        for _, layer, opacity in texts:
            layer.overlay.apply(base, opacity)
        return base


class ProductClip(VideoClip):
    """A moviepy VideoClip over a Timeline: get_frame gives RGB like any clip; the encoder asks
    for I420 directly by frame index (`frame_i420`) and skips the round trip."""

    def __init__(self, timeline: Timeline, size: tuple[int, int], fps: int):
        super().__init__(duration=timeline.frames / fps)
        self.timeline, self.size, self.fps = timeline, size, fps
        self.frame_function = self._rgb

    @property
    def n_frames(self) -> int:
        return self.timeline.frames

    def frame_i420(self, i: int) -> Planes:
        if i == self.timeline.frames // 2:
            testhook.point("mid-video", frame=i)  # tests kill a build here: mid-encode, ffmpeg running
        return self.timeline.frame(i)

    def _rgb(self, t: float) -> np.ndarray:
        return i420_to_rgb(self.timeline.frame(min(max(round(t * self.fps), 0), self.timeline.frames - 1)))


# Preparing scenes ----------------------------------------------------------------------------

class Preparer:
    """Turns planned scenes into frame sources, in worker threads."""

    def __init__(self, layouts: dict[str, Layout], ctx: dict[str, Any], product: Product, size: tuple[int, int],
                 zoom: float, phrases: list[Phrase] | None = None, story: Layout | None = None):
        self.layouts, self.ctx, self.product, self.size, self.zoom = layouts, ctx, product, size, zoom
        self.phrases, self.story = phrases or [], story
        self.warnings: list[Problem] = []
        self._lock = threading.Lock()

    def scene(self, k: int, scene: Scene) -> Source:
        layout = self.layouts[scene.layout]
        photo = scene.photo or self.product.hero
        texts = self._texts(layout, photo) + [self._phrase(p) for p in self.phrases if p.scene == k]
        graphics = [la for la in layout.layers if not is_text(la)]
        found = photo_layer(layout, self.ctx)
        if found is None or scene.motion == "still":
            return Still(self._draw(replace(layout, layers=tuple(graphics)), photo), texts)
        index, layer = found
        source = self.product.hero if layer["source"] == "hero" else photo
        box = photo_box(layout, layer, self.size)
        picture, base, focus = self._picture(source, layer, box)
        bw, bh = box[2] - box[0], box[3] - box[1]
        motion, shift = plan_motion(scene.motion, picture.size, (bw, bh), focus, self.zoom, base, scene.frames,
                                    1 if scene.number % 2 else -1)
        if motion is None:
            return Still(self._draw(replace(layout, layers=tuple(graphics)), photo), texts)
        picture = shifted(picture, shift)
        full = box == (0, 0, *self.size)
        below = tuple(la for la in layout.layers[:index] if not is_text(la))
        above = tuple(la for la in layout.layers[index:] if not is_text(la))
        under = None if full else self._draw(replace(layout, layers=below), photo)
        over = self._render(replace(layout, layers=above), photo, overlay=True).image
        first = self._draw(layout, photo) if scene.kind == "cover" else None
        return Moving(self.size, picture, motion, box, under, Overlay(np.asarray(over)), texts, first)

    def _texts(self, layout: Layout, photo: Photo) -> list[TextLayer]:
        """The layout's text layers as one overlay, placed (and given scrims) exactly as on the
        still image: the other layers are painted where contrast is measured, not into it."""
        if not any(is_text(la) for la in layout.layers):
            return []
        done = self._render(layout, photo, overlay=True, only=is_text)
        overlay = Overlay(np.asarray(done.image))
        return [TextLayer(layout.name, overlay, overlay.box, None, tuple(done.texts))]

    def _phrase(self, phrase: Phrase) -> TextLayer:
        ctx = {k: v for k, v in self.ctx.items() if k != "product"}  # no photo: measured on white and black
        ctx["phrase"] = phrase.text
        with _DRAW:
            done = render(self.story, ctx, photo=None, size=self.size, overlay=True)
        with self._lock:
            self.warnings.extend(done.warnings)
        overlay = Overlay(np.asarray(done.image))
        return TextLayer("story", overlay, overlay.box, phrase, tuple(done.texts))

    def _render(self, layout: Layout, photo: Photo, overlay: bool = False, only=None):
        with _DRAW:
            done = render(layout, self.ctx, photo=photo, size=self.size, overlay=overlay, only=only)
        with self._lock:
            self.warnings.extend(done.warnings)
        return done

    def _draw(self, layout: Layout, photo: Photo) -> Planes:
        return rgb_to_i420(np.asarray(self._render(layout, photo).image))

    def _picture(self, photo: Photo, layer: Layer, box: tuple[int, int, int, int]):
        """(I420 picture at output size x zoom, its pixels per box pixel at zoom 1, focus)."""
        bw, bh = box[2] - box[0], box[3] - box[1]
        src = upright_size(Path(photo.path))
        fit = layer["fit"]
        if fit == "auto":
            fit = "cover" if cover_keeps(src, (bw, bh)) >= layer["min_cover_keep"] else "contain"
        if fit == "cover":
            cover = max(bw / src[0], bh / src[1])  # box pixels per photo pixel at zoom 1
            want = (max(2, round(src[0] * cover * self.zoom)), max(2, round(src[1] * cover * self.zoom)))
            enough = (src[0] * cover, src[1] * cover)
            picture = rgb_to_i420(_darkened(_scaled_photo(Path(photo.path), want, enough), layer["darken"]))
            return picture, picture.w / (src[0] * cover), tuple(photo.focus)
        want = (round(bw * self.zoom / 2) * 2, round(bh * self.zoom / 2) * 2)
        fill = rgb(resolve_colour(layer["fill_colour"], self.ctx["brand"], self.ctx))
        with _DRAW:
            im, _ = fit_photo(photo, want, fit="contain", fill=layer["fill"], fill_rgb=fill)
        picture = rgb_to_i420(_darkened(np.asarray(im), layer["darken"]))
        return picture, picture.w / bw, (0.5, 0.5)


def _scaled_photo(path: Path, want: tuple[int, int], enough: tuple[float, float]) -> np.ndarray:
    """Upright RGB pixels at exactly `want`.

    A JPEG is decoded at the smallest DCT scale with at least `enough` pixels (what the zoom-1
    view shows), then scaled, then turned upright: a 12 MP photo needs 9 MB instead of 36 MB
    and a quarter of the decoding time. Unlike the images renderer's decode nothing is cached:
    a scene decodes its photo once, and a photo shown in two scenes (the hero in the cover and
    the details card, repeats) is decoded again rather than kept.
    """
    try:
        with _DECODE, Image.open(path) as im:
            orientation = im.getexif().get(0x0112, 1) if im.format in ("JPEG", "MPO", "PNG", "WEBP") else 1
            turned = orientation in (5, 6, 7, 8)
            size = (want[1], want[0]) if turned else want
            if im.format in ("JPEG", "MPO"):
                im.draft("RGB", tuple(round(v) for v in ((enough[1], enough[0]) if turned else enough)))
            small = to_rgb(im)  # returns `im` itself for sRGB or untagged RGB
            if small.size != size:
                grow = small.size[0] < size[0]
                small = small.resize(size, Image.Resampling.BICUBIC if grow else Image.Resampling.LANCZOS,
                                     reducing_gap=None if grow else 2.0)
            method = _TURNS.get(orientation)
            upright = small.transpose(method) if method is not None else small
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise PhotoError(path, f"cannot decode photo: {exc}") from None
    return np.asarray(upright)


_TURNS = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
          5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
          8: Image.Transpose.ROTATE_90}  # EXIF orientation -> the turn that makes it upright


def _darkened(pixels: np.ndarray, darken: float) -> np.ndarray:
    return pixels if not darken else (pixels.astype(np.float32) * (1 - darken)).astype(np.uint8)


def photo_layer(layout: Layout, ctx: dict[str, Any]) -> tuple[int, Layer] | None:
    """The one photo layer that can move: drawn (its `when` holds), square-cornered and solid.
    Layouts with several photo layers, or rounded or see-through photos, are drawn as stills."""
    photos = [(i, la) for i, la in enumerate(layout.layers) if la.kind == "photo" and _wanted(la, ctx)]
    if len(photos) != 1:
        return None
    i, layer = photos[0]
    if layer["radius"] or layer["opacity"] < 1:
        return None
    return i, layer


def _wanted(layer: Layer, ctx: dict[str, Any]) -> bool:
    return "when" not in layer.templates or bool(layer.templates["when"].render(ctx).strip())


def photo_box(layout: Layout, layer: Layer, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """The layer's box in output pixels, as the images renderer rounds it, widened to even
    numbers so the chroma planes have whole samples."""
    x, y, w, h = layer["box"] or (0, 0, *layout.size)
    sx, sy = size[0] / layout.size[0], size[1] / layout.size[1]
    x0, y0, x1, y1 = round(x * sx), round(y * sy), round((x + w) * sx), round((y + h) * sy)
    x0, y0 = max(0, x0 - x0 % 2), max(0, y0 - y0 % 2)
    x1, y1 = min(size[0], x1 + x1 % 2), min(size[1], y1 + y1 % 2)
    return x0, y0, x1, y1


# The use case --------------------------------------------------------------------------------

def build_clip(source: Project | TemplateTexts, catalog: Catalog, product: Product, *, brand: Brand | None = None,
               template: str | VideoTemplate = "default", draft: bool = False,
               pool: ThreadPoolExecutor | None = None, plan: Plan | None = None,
               post_number: int = 1) -> tuple[ProductClip, Plan, Preparer]:
    """The moviepy clip of a product's video; scene preparation starts at once in `pool`. `source` is a
    project or a loaded template set (then `brand` must be given); `plan` defaults to the template's
    own (no beat)."""
    brand = brand or load_brand(source)
    texts = as_texts(source)
    tpl = template if isinstance(template, VideoTemplate) else load_video_template(texts, template)
    plan = plan or plan_video(tpl, product)
    size = tpl.draft_size if draft else tpl.size
    layouts = {name: load_layout(texts, name, brand) for name in dict.fromkeys(s.layout for s in plan.scenes)}
    ctx = post_context(product, catalog, brand, post_number=post_number)
    story_layout = load_layout(texts, tpl.story.layout, brand) if tpl.story.show and product.story else None
    phrases, notes = story_on_screen(tpl, story_layout, product, plan)
    prep = Preparer(layouts, ctx, product, size, tpl.zoom, phrases, story_layout)
    prep.warnings.extend(notes)
    for layout in [*layouts.values(), *([story_layout] if story_layout else [])]:
        prep.warnings.extend(layout.warnings)
    pool = pool or ThreadPoolExecutor(tpl.encode.workers, thread_name_prefix="scenes")
    return ProductClip(Timeline(plan, prep.scene, pool), size, tpl.fps), plan, prep


def story_on_screen(tpl: VideoTemplate, layout: Layout | None, product: Product,
                    plan: Plan) -> tuple[list[Phrase], list[Problem]]:
    """The story's phrases, each fitting the story layout's first text box in its max_lines at its
    min_size (decided on the 1080-wide design, so drafts split alike), timed over the photo scenes."""
    layer = next((la for la in layout.layers if la.kind == "text"), None) if layout else None
    if layer is None:
        return [], []
    font = str(layout.brand.font_path(layer["font"]))
    _, _, w, h = layer["box"] or (0, 0, *layout.size)
    inset = 2 * layer["stroke"]

    def fits(phrase: str) -> bool:
        return fit(phrase, font, w - inset, h - inset, max_size=layer["min_size"], min_size=layer["min_size"],
                   line_spacing=layer["line_spacing"], max_lines=layer["max_lines"] or 2) is not None

    phrases, dropped = story.timed(plan, story.split(product.story, fits), tpl.story.per_scene,
                                   round(tpl.story.fade * tpl.fps))
    notes = [] if not dropped else [Problem(
        product.source, None, "story", f"cerita terlalu panjang untuk video: {dropped} frasa terakhir tidak tampil "
        "di layar (tetap ada di caption)", "persingkat cerita, atau tambahkan foto", "warning")]
    return phrases, notes


def video_template_name(source: Project | TemplateTexts, name: str) -> tuple[str, list[Problem]]:
    """A day may name a post template that only has a caption (captions/hari-batik.j2): its
    video then uses the default video template, with a warning rather than no video at all."""
    if name == "default" or name in as_texts(source).template_names("videos", ".yaml"):
        return name, []
    return "default", [Problem(f"templates/videos/{name}.yaml", None, "template",
                               f"tidak ada template video `{name}`: video memakai template default",
                               f"buat templates/videos/{name}.yaml bila hari ini perlu video sendiri", "warning")]


def render_video(source: Project | TemplateTexts, catalog: Catalog, product: Product, out_path: Path | str, *,
                 brand: Brand | None = None, template: str = "default", draft: bool = False,
                 progress: bool | Callable[[int, int], None] = True, check: bool = True,
                 music: Mapping[str, Path] | None = None, post_number: int = 1) -> VideoResult:
    """Render, encode and check one product's video; the file appears at out_path only when it
    passed every check (CheckError otherwise), and no temporary file outlives the call. With a
    loaded template set as `source`, `brand` and `music` (content/music/'s files) must be given.

    `post_number` (render/variation.py) turns photos, motions and transitions, and moves `auto` to
    the next bed of the product's mood. The result's `facts` say which mood, bed, tempo and
    transitions were used (post.json's "video")."""
    out = Path(out_path)
    return_freed_memory()
    brand = brand or load_brand(source)
    texts = as_texts(source)
    template, notes = video_template_name(texts, template)
    tpl = load_video_template(texts, template)
    tpl = variation.for_post(source, tpl, product, post_number, music)  # post N: other motions, transitions, bed
    enc = Encoding(tpl.fps, tpl.encode.draft_preset if draft else tpl.encode.preset, tpl.encode.crf,
                   tpl.encode.threads, tpl.encode.workers)
    craft = catalog.crafts.get(product.craft)
    bed, music_notes = sound.choose_bed(source if music is None else music, tpl.audio, product,
                                        craft.mood if craft else None,
                                        post_number - 1, tpl.source,
                                        tpl.lines.get("audio.music"))
    plan = plan_video(tpl, product, beat=bed.beat if bed else None)
    with ThreadPoolExecutor(tpl.encode.workers, thread_name_prefix="scenes") as pool:
        try:
            sound_bed = pool.submit(sound.prepare, ffmpeg_exe(), bed.path if bed else None, plan.duration, tpl.audio)
            clip, plan, prep = build_clip(texts, catalog, product, brand=brand, template=tpl, draft=draft, pool=pool,
                                          plan=plan, post_number=post_number)
            with atomic_output(out) as tmp:
                frames = write_clip(clip, tmp, enc, sound_bed.result(), progress, label=product.slug)
                results = check_video(tmp, draft=draft) if check else []
                if failed(results):
                    raise CheckError(f"{product.slug}: the video fails TikTok's checks: {summary(results)}")
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    warnings = [*notes, *music_notes, *tpl.warnings, *plan.warnings, *dict.fromkeys(prep.warnings)]
    facts = {"mood": bed.mood if bed else None, "bed": bed.file if bed else None,
             "tempo": bed.tempo if bed else None, "transitions": list(dict.fromkeys(plan.transitions)),
             "photos": variation.used_photos(plan.scenes)}
    return VideoResult(out, frames / tpl.fps, frames, warnings, results, facts)
