"""Layouts as data: templates/layouts/<name>.yaml -> Layout, a validated list of layers.

A layer is a photo, a solid band, a gradient, a text box bound to a Jinja expression, the logo or
a price tag. Values come in three tiers (editly's idea): `defaults.layer` for every layer, then
`defaults.<type>`, then the layer itself. Every mistake is reported at once with the line where
the value was written, e.g. `templates/layouts/cover.yaml:14: layers[3].font: font "Montserat"
not found (have: ...)`. Boxes are [x, y, width, height] on the design size (1080x1920 by
default) and scale to any output size, so a 540x960 draft wraps text like the final image.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Template, TemplateSyntaxError

from pipeline.common import fields as F
from pipeline.common.errors import ConfigError, Problem
from pipeline.common.project import Project
from pipeline.common.yamlread import Key, field_name
from pipeline.render.brand import DESIGN_SIZE, Brand, bounded, load_brand, raw, template_doc
from pipeline.render.context import environment
from pipeline.render.contrast import colour_ratio
from pipeline.render.draw import render
from pipeline.render.headline import DEFAULT_LENGTH
from pipeline.render.templates import TemplateTexts
from pipeline.render.text import FontBook

TYPES = ("photo", "band", "gradient", "text", "logo", "price_tag")
TEXT_TYPES = ("text", "price_tag")
SPECIAL_COLOURS = ("craft",)  # resolved per post: the product's craft colour


def box(value: Any) -> tuple[float, float, float, float]:
    if not isinstance(value, list) or len(value) != 4:
        raise ValueError("box must be [x, y, width, height] in design pixels, e.g. [120, 300, 768, 200]")
    x, y, w, h = (F.number(v) for v in value)
    if w <= 0 or h <= 0:
        raise ValueError(f"box {value}: width and height must be more than 0")
    return (x, y, w, h)


fraction = bounded(0, 1, F.number)
size_px = bounded(4, 600)
non_negative = bounded(0)
spacing = bounded(0.7, 3, F.number)


def colour_ref(value: Any) -> str:
    """A hex colour or the name of a brand colour (checked against brand.yaml once it is known)."""
    v = F.text(value)
    if v.startswith("#"):
        return F.hex_colour(v)
    if not v or not v.replace("_", "").isalnum():
        raise ValueError(f"`{v}` is neither a colour like \"#22170F\" nor a colour name from brand.yaml")
    return v


def design_size(value: Any) -> tuple[int, int]:
    if not isinstance(value, list) or len(value) != 2:
        raise ValueError("size must be [width, height], e.g. [1080, 1920]")
    w, h = (F.integer(v) for v in value)
    if w < 100 or h < 100:
        raise ValueError(f"size {value} is too small")
    return (w, h)


COMMON = [
    F.Field("type", F.choice(*TYPES), help="photo, band, gradient, text, logo or price_tag"),
    F.Field("box", box, help="[x, y, width, height] on the design size"),
    F.Field("when", F.text, default="", help="a Jinja expression; the layer is drawn only when it is true"),
    F.Field("opacity", fraction, default=1.0, help="0 (invisible) to 1 (solid)"),
]
ALIGN = [
    F.Field("align", F.choice("left", "center", "right"), default="left"),
    F.Field("valign", F.choice("top", "middle", "bottom"), default="top"),
]
TEXT = [
    F.Field("text", F.text, help="what to write: a Jinja template such as \"{{ product.name }}\""),
    F.Field("font", F.nonempty_text, default="body", help="a font role from brand.yaml or a font name"),
    F.Field("max_size", size_px, default=64, help="the size to start from, in design pixels"),
    F.Field("min_size", size_px, default=28, help="the smallest size allowed before it is an error"),
    F.Field("line_spacing", spacing, default=1.15),
    F.Field("colour", colour_ref, default="light"),
    *ALIGN,
    F.Field("uppercase", F.boolean, default=False),
    F.Field("max_lines", non_negative, default=0, help="0 = as many as fit"),
    F.Field("balance", F.boolean, default=False, help="even line lengths (for titles)"),
    F.Field("stroke", non_negative, default=0, help="outline width in design pixels"),
    F.Field("stroke_colour", colour_ref, default="dark"),
    F.Field("shadow", F.boolean, default=False, help="a soft drop shadow"),
    F.Field("shadow_colour", colour_ref, default="#000000"),
    F.Field("scrim", F.choice("auto", "always", "never"), default="auto",
            help="a box behind the text; auto adds one when contrast is below 4.5:1"),
    F.Field("scrim_colour", colour_ref, default="auto", help="auto: dark behind light text, light behind dark"),
    F.Field("padding", non_negative, default=24, help="space around the text inside a scrim or tag"),
    F.Field("flow_gap", non_negative, default=None,
            help="move the box up to this far below the text drawn before it, keeping its bottom edge"),
]
FIELDS: dict[str, list[F.Field]] = {
    "photo": [*COMMON,
              F.Field("fit", F.choice("auto", "cover", "contain"), default="auto",
                      help="auto: cover unless that would crop away too much of the photo"),
              F.Field("fill", F.choice("blur", "colour"), default="blur", help="behind a contained photo"),
              F.Field("fill_colour", colour_ref, default="dark"),
              F.Field("min_cover_keep", fraction, default=0.7,
                      help="auto fit: cover when it keeps at least this share of the photo's width and height"),
              F.Field("darken", fraction, default=0.0),
              F.Field("radius", non_negative, default=0),
              F.Field("source", F.choice("current", "hero"), default="current",
                      help="current: the photo of this slide; hero: the product's first photo")],
    "band": [*COMMON, F.Field("colour", colour_ref, default="dark"), F.Field("radius", non_negative, default=0)],
    "gradient": [*COMMON, F.Field("colour", colour_ref, default="dark"),
                 F.Field("opacity_start", fraction, default=0.8), F.Field("opacity_end", fraction, default=0.0),
                 F.Field("direction", F.choice("down", "up"), default="down",
                         help="down: opacity_start at the top edge"),
                 F.Field("curve", bounded(0.5, 4, F.number), default=2.0,
                         help="1 fades evenly; higher keeps the dense end dense for longer")],
    "text": [*COMMON, *TEXT],
    "logo": [*COMMON, *ALIGN],
    "price_tag": [*COMMON, *[f for f in TEXT if f.name not in ("text", "colour")],
                  F.Field("text", F.text, default="{{ price_text }}"),
                  F.Field("colour", colour_ref, default="dark"),
                  F.Field("background", colour_ref, default="accent"),
                  F.Field("radius", non_negative, default=999, help="corner radius; large = a pill")],
}
EVERY_FIELD = list({f.name: f for fs in FIELDS.values() for f in fs if f.name != "type"}.values())
TOP = [
    F.Field("description", F.text, default=""),
    F.Field("size", design_size, default=DESIGN_SIZE, help="the design size boxes are written in"),
    F.Field("background", colour_ref, default="dark"),
    F.Field("headline_length", bounded(8, 120), default=DEFAULT_LENGTH,
            help="longest title derived from a product name for {{ headline }}, in characters (a hook is kept)"),
    F.Field("defaults", raw, default=None, help="layer: {...} for every layer, <type>: {...} per type"),
    F.Field("layers", raw, required=True, help="the layers, bottom first"),
]


@dataclass(frozen=True)
class Layer:
    kind: str
    index: int
    values: dict[str, Any]
    origins: dict[str, Key]  # field -> where its value was written (layer, defaults.<type>, defaults.layer)
    source: str
    lines: dict[str, int | None]
    templates: dict[str, Template] = field(default_factory=dict)  # text and when, compiled

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def where(self, name: str) -> tuple[str, int | None, str]:
        """(file, line, field) for a message about this layer's `name`; a value left to its default
        points at the layer itself (the line of its `type`)."""
        line = self.lines.get(name) or self.lines.get("type")
        return self.source, line, field_name(self.origins.get(name, ("layers", self.index)))

    @property
    def label(self) -> str:
        return f"layers[{self.index}] ({self.kind})"


@dataclass(frozen=True)
class Layout:
    name: str
    source: str
    size: tuple[int, int]
    background: str
    layers: tuple[Layer, ...]
    brand: Brand
    digest: str
    warnings: tuple[Problem, ...] = ()
    headline_length: int = DEFAULT_LENGTH  # {{ headline }}: the longest derived title


def load_layout(source: Project | TemplateTexts, name: str, brand: Brand | None = None) -> Layout:
    """Find layouts/<name>.yaml (the council's own first) and validate it; ConfigError lists every problem.
    `source` is a project or an already loaded template set (then `brand` must be given)."""
    brand = brand or load_brand(source)
    doc = template_doc(source, "layouts", name, "layout")
    r = F.FieldReader(doc)
    top = r.mapping((), TOP) or {}
    ctx = _Checker(r, brand)
    tiers = _defaults(r, top.get("defaults"))
    layers = []
    raw_layers = top.get("layers")
    if raw_layers is not None and not isinstance(raw_layers, list):
        r.error(("layers",), f"expected a list of layers, got {F.type_name(raw_layers)}",
                "start each layer with `- type:`")
        raw_layers = []
    for i, item in enumerate(raw_layers or []):
        layer = _layer(r, i, item, tiers, doc.path, ctx)
        if layer:
            layers.append(layer)
    if top.get("background"):
        ctx.colour(("background",), top["background"])
    size = top.get("size") or DESIGN_SIZE
    for layer in layers:
        ctx.geometry(layer, size)
    errors = [p for p in r.problems if p.is_error]
    if errors:
        raise ConfigError(errors)
    digest = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
    return Layout(name, doc.path, size, top["background"], tuple(layers), brand, digest,
                  tuple(p for p in r.problems if not p.is_error), top.get("headline_length") or DEFAULT_LENGTH)


def _defaults(r: F.FieldReader, data: Any) -> dict[str, tuple[dict, dict]]:
    """tier name -> (parsed values, the raw mapping) for `layer` and each layer type."""
    tiers: dict[str, tuple[dict, dict]] = {}
    if data is None:
        return tiers
    if not isinstance(data, dict):
        r.error(("defaults",), f"expected a mapping, got {F.type_name(data)}",
                "e.g.\n      defaults:\n        text: {font: body}")
        return tiers
    known = ("layer", *TYPES)
    for tier, written in data.items():
        if tier not in known:
            r.warn(("defaults", tier), "unknown defaults group, ignored", "use: " + ", ".join(known))
            continue
        fields = EVERY_FIELD if tier == "layer" else [f for f in FIELDS[tier] if f.name != "type"]
        parsed = r.mapping(("defaults", tier), fields)
        if parsed is not None:
            tiers[tier] = (parsed, written)
    return tiers


def _layer(r: F.FieldReader, i: int, item: Any, tiers: dict, source: str, check: _Checker) -> Layer | None:
    key = ("layers", i)
    if not isinstance(item, dict):
        r.error(key, f"expected a layer mapping, got {F.type_name(item)}", "start it with `- type: text`")
        return None
    if "type" not in item:
        r.error(key, "`type` is required", "one of: " + ", ".join(TYPES))
        return None
    try:
        kind = F.choice(*TYPES)(item["type"])
    except ValueError as exc:
        r.error((*key, "type"), str(exc))
        return None
    parsed = r.mapping(key, FIELDS[kind]) or {}
    values: dict[str, Any] = {}
    origins: dict[str, Key] = {}
    for f in FIELDS[kind]:
        for tier_key, (tier_values, tier_raw) in (("layers", (parsed, item)), *(
                (t, tiers[t]) for t in (kind, "layer") if t in tiers)):
            if f.name in tier_raw and tier_raw[f.name] is not None:
                values[f.name] = tier_values[f.name]
                origins[f.name] = (*key, f.name) if tier_key == "layers" else ("defaults", tier_key, f.name)
                break
        else:
            values[f.name] = f.default
    lines = {name: r.doc.line(*origin) for name, origin in origins.items()}
    layer = Layer(kind, i, values, origins, source, lines)
    return check.layer(layer)


class _Checker:
    """Checks that need the brand: fonts, colour names, the safe box, Jinja syntax."""

    def __init__(self, r: F.FieldReader, brand: Brand):
        self.r, self.brand = r, brand
        self.env = environment()

    def at(self, layer: Layer, name: str) -> Key:
        return layer.origins.get(name, ("layers", layer.index))

    def colour(self, key: Key, value: str, allow_auto: bool = False) -> None:
        if value.startswith("#") or value in SPECIAL_COLOURS or value in self.brand.colours:
            return
        if allow_auto and value == "auto":
            return
        names = [*self.brand.colours, *SPECIAL_COLOURS]
        self.r.error(key, f"colour `{value}` is not defined", "use \"#RRGGBB\" or a colour from brand.yaml: "
                     + ", ".join(names))

    def layer(self, layer: Layer) -> Layer | None:
        v = layer.values
        for name, value in v.items():
            if name.endswith("colour") or name in ("colour", "background"):
                self.colour(self.at(layer, name), value, allow_auto=name == "scrim_colour")
        if layer.kind != "photo" and v.get("box") is None:
            self.r.error(("layers", layer.index), "`box` is required", "[x, y, width, height] on the design")
        if layer.kind in TEXT_TYPES:
            if layer.kind == "text" and not v.get("text"):
                self.r.error(("layers", layer.index), "`text` is required", 'e.g. text: "{{ product.name }}"')
            if self.brand.font_path(v["font"]) is None:
                book = FontBook(dict(self.brand.font_paths))
                self.r.error(self.at(layer, "font"), *book.missing(v["font"]))
            if v["min_size"] > v["max_size"]:
                self.r.error(self.at(layer, "min_size"), f"min_size {v['min_size']} is above max_size {v['max_size']}")
            if layer.kind == "price_tag":
                self._tag_contrast(layer)
        for name in ("text", "when"):
            source = v.get(name)
            if not source:
                continue
            try:
                layer.templates[name] = (self.env.from_string(source) if name == "text"
                                         else self.env.from_string("{{ (" + source + ") and 1 or '' }}"))
            except TemplateSyntaxError as exc:
                self.r.error(self.at(layer, name), f"template syntax error: {exc.message}",
                             "check the {{ }} pairs" if name == "text" else "write an expression, e.g. product.price")
        return layer

    def _tag_contrast(self, layer: Layer) -> None:
        fg, bg = (self.brand.colours.get(c, c) for c in (layer["colour"], layer["background"]))
        if fg.startswith("#") and bg.startswith("#") and colour_ratio(fg, bg) < 4.5:
            self.r.error(self.at(layer, "colour"), f"{layer['colour']} on {layer['background']} has a contrast of "
                         f"{colour_ratio(fg, bg):.1f}:1, below 4.5:1", "pick a darker or lighter text colour")

    def geometry(self, layer: Layer, size: tuple[int, int]) -> None:
        b = layer["box"]
        if b is None:
            return
        x, y, w, h = b
        if x < 0 or y < 0 or x + w > size[0] or y + h > size[1]:
            self.r.error(self.at(layer, "box"), f"box {list(b)} reaches outside the {size[0]}x{size[1]} canvas")
        if layer.kind not in TEXT_TYPES:
            return
        sx, sy = size[0] / DESIGN_SIZE[0], size[1] / DESIGN_SIZE[1]
        x0, y0, x1, y1 = self.brand.safe_box
        if x < x0 * sx or y < y0 * sy or x + w > x1 * sx or y + h > y1 * sy:
            self.r.error(self.at(layer, "box"),
                         f"text box {list(b)} reaches outside the safe box x {x0}-{x1}, y {y0}-{y1}",
                         "TikTok's buttons and caption cover text there: move or shrink the box, "
                         "or change safe_box in brand.yaml")


def render_image(layout: Layout, ctx: dict[str, Any], photo: Any = None, size: tuple[int, int] = (1080, 1920)):
    """The finished picture (RGB): photo layers from `photo` (a Photo, a path or a PIL image;
    default the product's hero), every other layer on top."""
    return render(layout, ctx, photo=photo, size=size).image


def render_overlay(layout: Layout, ctx: dict[str, Any], size: tuple[int, int] = (1080, 1920), photo: Any = None):
    """Every non-photo layer on a transparent RGBA canvas, for the video to lay over moving photos.

    Scrims are decided against `photo` when given (the video's first frame of it, say); without
    it, against both a white and a black photo, so the text reads whatever ends up behind it.
    The layout's `background` colour is not painted: it belongs under the photo, like the photo.
    """
    return render(layout, ctx, photo=photo, size=size, overlay=True).image


def layout_path(project: Project, name: str) -> Path:
    return project.template(f"layouts/{name}.yaml")
