"""Painting a Layout's layers with Pillow, bottom first, at any output size.

Text is measured against the pixels already painted beneath it: when the contrast is below
WCAG AA (4.5:1), a scrim just dark (or light) enough is laid behind the text. For the video's
overlay the photo is not part of the output, so the measure uses the photo given, or both a
white and a black stand-in so the text reads whatever ends up behind it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from jinja2 import TemplateError
from PIL import Image, ImageDraw, ImageFilter

from pipeline.common.errors import ConfigError, Problem, RenderError
from pipeline.render import contrast
from pipeline.render.headline import DEFAULT_LENGTH, in_context
from pipeline.render.photo import fit_photo
from pipeline.render.text import Fitted, drop_missing_glyphs, fit, load_font

if TYPE_CHECKING:
    from pipeline.render.brand import Brand
    from pipeline.render.layout import Layer, Layout

SHADOW_ALPHA = 0.55
_PHONE_SPACE = re.compile(r"(?<=\+62) (?=\d)")
_PRODUCT_FIELD = re.compile(r"\bproduct\.(\w+)")


@dataclass(frozen=True)
class PlacedText:
    """Where one text layer landed, for tests, checks and the dashboard's explanations."""

    layer: str
    text: str
    size: int  # font size in output pixels
    lines: tuple[str, ...]
    box: tuple[int, int, int, int]  # the layer's box, x0 y0 x1 y1, output pixels
    ink: tuple[int, int, int, int]  # where glyphs (with stroke) actually are
    contrast: float  # before any scrim, against the worst backdrop
    scrim: float  # opacity of the scrim added (0: none)
    final_contrast: float


@dataclass
class Rendered:
    image: Image.Image
    texts: list[PlacedText] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


class _Surfaces:
    """The output canvas plus the canvases text contrast is measured on (often the same one).

    Opaque canvases are RGB and take layers by masked paste (cheaper than RGBA compositing);
    only the overlay itself is RGBA.
    """

    def __init__(self, size: tuple[int, int], background: tuple[int, int, int], overlay: bool, has_photo: bool):
        if not overlay:
            self.out = Image.new("RGB", size, background)
            self.measures = [self.out]
            self.photo_targets = [self.out]
        elif has_photo:
            self.out = Image.new("RGBA", size, (0, 0, 0, 0))
            full = Image.new("RGB", size, background)
            self.measures = [full]
            self.photo_targets = [full]
        else:
            self.out = Image.new("RGBA", size, (0, 0, 0, 0))
            self.measures = [Image.new("RGB", size, c) for c in ((255, 255, 255), (0, 0, 0))]
            self.photo_targets = []
        self.measure_only = False  # the layer being painted lies behind the overlay's text, not in it

    @property
    def all(self) -> list[Image.Image]:
        return [self.out, *(m for m in self.measures if m is not self.out)]

    def composite(self, piece: Image.Image, at: tuple[int, int], photo: bool = False) -> None:
        targets = self.photo_targets if photo else self.all
        for target in (t for t in targets if not (self.measure_only and t is self.out)):
            if target.mode == "RGBA":
                target.alpha_composite(piece, dest=at)
            else:
                target.paste(piece, at, piece)


def rgb(colour: str) -> tuple[int, int, int]:
    return contrast.hex_rgb(colour)


def resolve_colour(ref: str, brand: Brand, ctx: dict[str, Any]) -> str:
    if ref == "craft":
        craft = ctx.get("craft")
        return getattr(craft, "color", None) or brand.colours.get("primary", "#7A4A26")
    return ref if ref.startswith("#") else brand.colours[ref]


def render(layout: Layout, ctx: dict[str, Any], *, photo: Any = None, size: tuple[int, int] = (1080, 1920),
           overlay: bool = False, only: Callable[[Layer], bool] | None = None) -> Rendered:
    """Paint every layer of `layout` for this post's context at `size` (any size; boxes scale).

    `only` (overlays): layers it refuses are painted where text contrast is measured but not into
    the overlay, so the video can keep a scene's text apart from its graphics and still place
    the text exactly as the still image does."""
    if photo is None and "product" in ctx:
        photo = ctx["product"].hero
    ctx = in_context(ctx, getattr(layout, "headline_length", DEFAULT_LENGTH))
    painter = _Painter(layout, ctx, photo, size, overlay)
    for layer in layout.layers:
        if painter.wanted(layer):
            painter.s.measure_only = overlay and only is not None and not only(layer)
            getattr(painter, "paint_" + layer.kind)(layer)
    return Rendered(painter.s.out, painter.texts, painter.warnings)


class _Painter:
    def __init__(self, layout: Layout, ctx: dict[str, Any], photo: Any, size: tuple[int, int], overlay: bool):
        self.layout, self.ctx, self.photo, self.size = layout, ctx, photo, size
        self.brand = layout.brand
        self.sx, self.sy = size[0] / layout.size[0], size[1] / layout.size[1]
        self.k = min(self.sx, self.sy)
        self.s = _Surfaces(size, rgb(self.colour(layout.background)), overlay, photo is not None)
        self.texts: list[PlacedText] = []
        self.warnings: list[Problem] = []
        self.text_bottom: int | None = None  # lowest edge of the text drawn so far, for flow_gap

    # helpers ---------------------------------------------------------------------------------

    def colour(self, ref: str) -> str:
        return resolve_colour(ref, self.brand, self.ctx)

    def box(self, layer: Layer) -> tuple[int, int, int, int]:
        """The layer's box in output pixels as x0, y0, x1, y1, clipped to the canvas."""
        x, y, w, h = layer["box"] or (0, 0, *self.layout.size)
        x0, y0 = round(x * self.sx), round(y * self.sy)
        x1, y1 = round((x + w) * self.sx), round((y + h) * self.sy)
        if layer.values.get("flow_gap") is not None and self.text_bottom is not None:
            y0 = min(y0, self.text_bottom + round(layer["flow_gap"] * self.sy))
        return max(0, x0), max(0, y0), min(self.size[0], x1), min(self.size[1], y1)

    def template(self, layer: Layer, name: str) -> str:
        try:
            return layer.templates[name].render(self.ctx).strip()
        except TemplateError as exc:
            path, line, field_ = layer.where(name)
            raise ConfigError.single(path, line, field_, f"template error: {exc}",
                                     "names you can use: " + ", ".join(sorted(self.ctx))) from None

    def wanted(self, layer: Layer) -> bool:
        return "when" not in layer.templates or bool(self.template(layer, "when"))

    def product_field(self, layer: Layer) -> tuple[str, None, str] | None:
        """(product file, line, field) when a text layer shows one product field (`{{ product.name }}`), so
        a problem with that text names what the curator can change rather than the layout."""
        product = self.ctx.get("product")
        text = str(layer.values.get("text") or "")
        fields = set(_PRODUCT_FIELD.findall(text))
        if re.search(r"{{\s*headline\s*}}", text):  # the hook, or a title shortened from the name
            fields.add("hook" if self.ctx.get("title_source") == "hook" else "name")
        if not getattr(product, "source", "") or len(fields) != 1:
            return None
        return product.source, None, fields.pop()

    def warn(self, layer: Layer, name: str, message: str, hint: str = "") -> None:
        path, line, field_ = layer.where(name)
        self.warnings.append(Problem(path, line, field_, message, hint, "warning"))

    def solid(self, size: tuple[int, int], colour: str, opacity: float, radius: int = 0) -> Image.Image:
        alpha = round(255 * opacity)
        if radius <= 0:
            return Image.new("RGBA", size, (*rgb(colour), alpha))
        piece = Image.new("RGBA", size, (*rgb(colour), 0))
        mask = Image.new("L", size, 0)
        ImageDraw.Draw(mask).rounded_rectangle((0, 0, size[0] - 1, size[1] - 1), min(radius, min(size) // 2),
                                               fill=alpha)
        piece.putalpha(mask)
        return piece

    # layers ----------------------------------------------------------------------------------

    def paint_photo(self, layer: Layer) -> None:
        if not self.s.photo_targets:
            return
        source = self.ctx["product"].hero if layer["source"] == "hero" and "product" in self.ctx else self.photo
        if source is None:
            return
        x0, y0, x1, y1 = self.box(layer)
        image, used = fit_photo(source, (x1 - x0, y1 - y0), fit=layer["fit"], min_cover_keep=layer["min_cover_keep"],
                                fill=layer["fill"], fill_rgb=rgb(self.colour(layer["fill_colour"])))
        if layer["darken"]:
            image = image.point(lambda v, f=1 - layer["darken"]: int(v * f))
        radius = round(layer["radius"] * self.k)
        if radius or layer["opacity"] < 1:
            piece = image.convert("RGBA")
            piece.putalpha(self.solid(image.size, "#000000", layer["opacity"], radius).getchannel("A"))
            self.s.composite(piece, (x0, y0), photo=True)
        else:
            for target in self.s.photo_targets:
                target.paste(image, (x0, y0))

    def paint_band(self, layer: Layer) -> None:
        x0, y0, x1, y1 = self.box(layer)
        piece = self.solid((x1 - x0, y1 - y0), self.colour(layer["colour"]), layer["opacity"],
                           round(layer["radius"] * self.k))
        self.s.composite(piece, (x0, y0))

    def paint_gradient(self, layer: Layer) -> None:
        x0, y0, x1, y1 = self.box(layer)
        w, h = x1 - x0, y1 - y0
        a, b = layer["opacity_start"], layer["opacity_end"]
        t = np.linspace(0, 1, h, dtype=np.float32)
        if layer["direction"] == "up":
            t = t[::-1]
        # the change speeds up along the way: the dense end stays readable longer before it fades
        alpha = (a + (b - a) * t ** layer["curve"]) * 255 * layer["opacity"]
        column = np.clip(np.round(alpha), 0, 255).astype(np.uint8).reshape(h, 1)
        mask = Image.fromarray(column).resize((w, h), Image.Resampling.NEAREST)
        piece = Image.new("RGBA", (w, h), (*rgb(self.colour(layer["colour"])), 0))
        piece.putalpha(mask)
        self.s.composite(piece, (x0, y0))

    def paint_logo(self, layer: Layer) -> None:
        if self.brand.logo is None:
            self.warn(layer, "type", "brand.yaml has no logo: the logo layer is left out",
                      "set `logo:` in brand.yaml to a PNG in templates/")
            return
        x0, y0, x1, y1 = self.box(layer)
        logo = _logo(str(self.brand.logo), self.brand.logo.stat().st_mtime_ns, x1 - x0, y1 - y0)
        if layer["opacity"] < 1:
            logo = logo.copy()
            logo.putalpha(logo.getchannel("A").point(lambda v, o=layer["opacity"]: round(v * o)))
        x = _aligned(x0, x1 - x0, logo.size[0], layer["align"], ("left", "center", "right"))
        y = _aligned(y0, y1 - y0, logo.size[1], layer["valign"], ("top", "middle", "bottom"))
        self.s.composite(logo, (x, y))

    def paint_text(self, layer: Layer, tag: bool = False) -> None:
        written = self.template(layer, "text")
        text = _PHONE_SPACE.sub("\u00a0", written)  # "+62 812-..." stays on one line
        if layer["uppercase"]:
            text = text.upper()
        font_path = str(self.brand.font_path(layer["font"]))
        text, dropped = drop_missing_glyphs(text, font_path)
        shows = self.product_field(layer)
        if dropped and shows:  # one warning on the product's field, however many layouts show it
            self.warnings.append(Problem(*shows, f"{dropped!r} left out of {written!r} on the pictures: the "
                                         "fonts cannot draw them (emoji stay in the caption text)",
                                         "fine to ignore; or write the text without them", "warning"))
        elif dropped:
            self.warn(layer, "text", f"{dropped!r} left out of {written!r} on the picture: the font "
                      f"{layer['font']!r} cannot draw them (emoji stay in the caption text)",
                      "fine to ignore; or write the text without them")
        if not text:
            return
        x0, y0, x1, y1 = self.box(layer)
        stroke = round(layer["stroke"] * self.k)
        pad = round(layer["padding"] * self.k) if tag else 0
        pad_y = round(pad * 0.55)
        fitted = fit(text, font_path, x1 - x0 - 2 * (stroke + pad), y1 - y0 - 2 * (stroke + pad_y),
                     max_size=max(4, round(layer["max_size"] * self.k)),
                     min_size=max(4, round(layer["min_size"] * self.k)), line_spacing=layer["line_spacing"],
                     max_lines=layer["max_lines"], balance=layer["balance"])
        if fitted is None and shows:
            path, line, _ = layer.where("text")
            raise RenderError(str(Problem(
                *shows, f"the product's {shows[2]} does not fit {layer.label} of {path}:{line} "
                f"({layer['box'][2]:g}x{layer['box'][3]:g}) even at min_size {layer['min_size']}: {text!r}",
                f"shorten the {shows[2]}; or enlarge that box or lower its min_size in {path}:{line}")))
        if fitted is None:
            raise RenderError(str(Problem(
                *layer.where("text"),
                f"{layer.label}: the text does not fit its box ({layer['box'][2]:g}x{layer['box'][3]:g}) "
                f"even at min_size {layer['min_size']}: {text!r}",
                "shorten the text (e.g. the product name), enlarge the box, or lower min_size")))
        block_w, block_h = round(fitted.width) + 2 * stroke, fitted.height + 2 * stroke
        if tag:
            w, h = block_w + 2 * pad, block_h + 2 * pad_y
            tx = _aligned(x0, x1 - x0, w, layer["align"], ("left", "center", "right"))
            ty = _aligned(y0, y1 - y0, h, layer["valign"], ("top", "middle", "bottom"))
            pill = self.solid((w, h), self.colour(layer["background"]), layer["opacity"],
                              round(layer["radius"] * self.k))
            self.s.composite(pill, (tx, ty))
            inner = (tx + pad, ty + pad_y, tx + w - pad, ty + h - pad_y)
            align, valign = "center", "middle"
        else:
            inner = (x0, y0, x1, y1)
            align, valign = layer["align"], layer["valign"]
        self._draw_block(layer, text, fitted, inner, stroke, align, valign)
        if tag:
            self.text_bottom = inner[3] + pad_y

    def paint_price_tag(self, layer: Layer) -> None:
        self.paint_text(layer, tag=True)

    # text internals --------------------------------------------------------------------------

    def _draw_block(self, layer: Layer, text: str, fitted: Fitted, inner: tuple[int, int, int, int], stroke: int,
                    align: str, valign: str) -> None:
        font = load_font(str(self.brand.font_path(layer["font"])), fitted.size)
        x0, y0, x1, y1 = inner
        top = _aligned(y0 + stroke, y1 - y0 - 2 * stroke, fitted.height, valign, ("top", "middle", "bottom"))
        margin = stroke + (round(fitted.size * 0.25) if layer["shadow"] else 0) + 2
        rx0, ry0 = max(0, x0 - margin), max(0, y0 - margin)
        rx1, ry1 = min(self.size[0], x1 + margin), min(self.size[1], y1 + margin)
        fill_mask = Image.new("L", (rx1 - rx0, ry1 - ry0), 0)
        outline = Image.new("L", fill_mask.size, 0) if stroke else None
        draw = ImageDraw.Draw(fill_mask)
        for i, (line, width) in enumerate(zip(fitted.lines, fitted.widths, strict=True)):
            x = _aligned(x0 + stroke, x1 - x0 - 2 * stroke, round(width), align, ("left", "center", "right"))
            y = top + fitted.ascent + i * fitted.line_height
            draw.text((x - rx0, y - ry0), line, font=font, fill=255, anchor="ls")
            if outline is not None:
                ImageDraw.Draw(outline).text((x - rx0, y - ry0), line, font=font, fill=255, anchor="ls",
                                             stroke_width=stroke, stroke_fill=255)
        ink_mask = outline or fill_mask
        bbox = ink_mask.getbbox()
        if bbox is None:
            return
        ink = (bbox[0] + rx0, bbox[1] + ry0, bbox[2] + rx0, bbox[3] + ry0)
        colour = rgb(self.colour(layer["colour"]))
        backgrounds = self._backgrounds(ink)
        measured = min(contrast.measure(colour, bg) for bg in backgrounds)
        if stroke >= 2:  # a solid outline is the text's own background
            measured = max(measured, contrast.colour_ratio(self.colour(layer["colour"]),
                                                           self.colour(layer["stroke_colour"])))
        scrim, final = self._scrim(layer, colour, ink, measured, backgrounds)
        if layer["shadow"]:
            self._shadow(layer, ink_mask, (rx0, ry0), fitted.size)
        if outline is not None:
            self._paint_mask(outline, (rx0, ry0), rgb(self.colour(layer["stroke_colour"])), layer["opacity"])
        self._paint_mask(fill_mask, (rx0, ry0), colour, layer["opacity"])
        self.texts.append(PlacedText(layer.label, text, fitted.size, fitted.lines, inner, ink, measured, scrim, final))
        self.text_bottom = ink[3]

    def _backgrounds(self, box: tuple[int, int, int, int]) -> list[np.ndarray]:
        return [contrast.sample(np.asarray(m.crop(box))) for m in self.s.measures]

    def _measure(self, colour: tuple[int, int, int], ink: tuple[int, int, int, int]) -> float:
        return min(contrast.measure(colour, bg) for bg in self._backgrounds(ink))

    def _scrim(self, layer: Layer, colour: tuple[int, int, int], ink: tuple[int, int, int, int],
               measured: float, backgrounds: list[np.ndarray]) -> tuple[float, float]:
        """Lay the lightest scrim that lifts `measured` (taken on `backgrounds`, the pixels under
        `ink`) to 4.5:1; (its opacity, the contrast measured again on top of it)."""
        mode = layer["scrim"]
        if mode == "never" or (mode == "auto" and measured >= contrast.AA):
            if measured < contrast.AA:
                self.warn(layer, "scrim", f"text contrast is {measured:.1f}:1, below 4.5:1 (scrim: never)",
                          "set scrim: auto, or change the text colour")
            return 0.0, measured
        ref = layer["scrim_colour"]
        if ref == "auto":
            light_text = float(contrast.luminance(np.array(colour))) > 0.18
            ref = self.brand.colours.get("dark" if light_text else "light", "#000000" if light_text else "#FFFFFF")
        scrim_rgb = rgb(self.colour(ref))
        needed = [contrast.scrim_opacity(colour, bg, scrim_rgb, start=0.35 if mode == "auto" else 0.55)
                  for bg in backgrounds]
        opacity = 1.0 if None in needed else max(needed)
        pad = round(layer["padding"] * self.k)  # the scrim is background: it may reach past the safe box
        box = (max(ink[0] - pad, 0), max(ink[1] - pad, 0), min(ink[2] + pad, self.size[0]),
               min(ink[3] + pad, self.size[1]))
        piece = self.solid((box[2] - box[0], box[3] - box[1]), "#{:02X}{:02X}{:02X}".format(*scrim_rgb), opacity,
                           round(min(pad, 28 * self.k)))
        self.s.composite(piece, box[:2])
        final = self._measure(colour, ink)
        if final < contrast.AA:
            self.warn(layer, "colour", f"text contrast stays {final:.1f}:1 even on a scrim, below 4.5:1",
                      "pick a text colour closer to white or black")
        return opacity, final

    def _shadow(self, layer: Layer, mask: Image.Image, at: tuple[int, int], size: int) -> None:
        blur = max(1, round(size * 0.06))
        offset = max(1, round(size * 0.04))
        shadow = mask.filter(ImageFilter.GaussianBlur(blur)).point(lambda v: round(v * SHADOW_ALPHA))
        self._paint_mask(shadow, (at[0], at[1] + offset), rgb(self.colour(layer["shadow_colour"])), layer["opacity"])

    def _paint_mask(self, mask: Image.Image, at: tuple[int, int], colour: tuple[int, int, int], opacity: float) -> None:
        w = min(mask.size[0], self.size[0] - at[0])
        h = min(mask.size[1], self.size[1] - at[1])
        if w <= 0 or h <= 0:
            return
        mask = mask.crop((0, 0, w, h))
        if opacity < 1:
            mask = mask.point(lambda v: round(v * opacity))
        piece = Image.new("RGBA", (w, h), (*colour, 0))
        piece.putalpha(mask)
        self.s.composite(piece, at)


def _aligned(start: int, space: int, length: int, how: str, names: tuple[str, str, str]) -> int:
    if how == names[1]:
        return start + (space - length) // 2
    if how == names[2]:
        return start + space - length
    return start


def forget_logos() -> None:
    """Drop the logos cached by path (a shipped job's logo lies in its own temporary blob store)."""
    _logo.cache_clear()


@lru_cache(maxsize=16)
def _logo(path: str, mtime: int, w: int, h: int) -> Image.Image:
    with Image.open(path) as im:
        logo = im.convert("RGBA")
    scale = min(w / logo.size[0], h / logo.size[1])
    size = (max(1, round(logo.size[0] * scale)), max(1, round(logo.size[1] * scale)))
    return logo.resize(size, Image.Resampling.LANCZOS)
