"""The Jinja context of one post, shared by captions, image layouts and the video renderer.

One place builds the words a post uses ("Rp 150.000", "purun dan pewarna alami",
"Desa Pematang, Kec. Tanjung Beringin") so a caption and the picture never disagree.
Templates run sandboxed with StrictUndefined: a typo is an error, never an empty string.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from jinja2 import BaseLoader, StrictUndefined, Template, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from pipeline.catalog.rupiah import format_rupiah
from pipeline.common.errors import ConfigError
from pipeline.common.models import Catalog, Product
from pipeline.render.brand import Brand
from pipeline.render.headline import DEFAULT_LENGTH, in_context

AVAILABILITY = {
    "id": {"in_stock": "Siap kirim", "made_to_order": "Dibuat sesuai pesanan"},
    "en": {"in_stock": "Ready to ship", "made_to_order": "Made to order"},
}


def join_list(items, language: str = "id") -> str:
    """["purun", "pandan", "rotan"] -> "purun, pandan, dan rotan" (English: "... and rotan")."""
    items = [str(i) for i in items if str(i).strip()]
    last = " dan " if language == "id" else " and "
    if len(items) <= 2:
        return last.join(items)
    return ", ".join(items[:-1]) + ("," if language == "id" else "") + last + items[-1]


def whatsapp_display(number: str | None) -> str:
    """"+6281234567890" -> "+62 812-3456-7890", the way Indonesians write it."""
    if not number:
        return ""
    digits = number.removeprefix("+62")
    groups = [digits[:3], digits[3:7], digits[7:]]
    return "+62 " + "-".join(g for g in groups if g)


def hashtag(text: str) -> str:
    """"oleh oleh" -> "#OlehOleh"; "batik" -> "#batik"; a value that already is a tag is kept."""
    words = [w for w in re.split(r"[^\w]+", str(text).lstrip("#")) if w]
    if not words:
        return ""
    if len(words) == 1:
        return "#" + words[0]
    return "#" + "".join(w[:1].upper() + w[1:] for w in words)


def environment(loader: BaseLoader | None = None) -> SandboxedEnvironment:
    env = SandboxedEnvironment(loader=loader, undefined=StrictUndefined, autoescape=False,
                               keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(rupiah=format_rupiah, join_list=join_list, hashtag=hashtag)
    return env


_ENV = environment()


@functools.lru_cache(maxsize=256)
def _compiled(source: str) -> Template:
    """Compiling costs ~5 ms; the same call to action is rendered for every post (and by check, for a
    thousand products)."""
    return _ENV.from_string(source)


def render_string(source: str, ctx: dict[str, Any], where: tuple[str, int | None, str]) -> str:
    """Render a one-line template from a settings file; errors name that file, line and field."""
    path, line, field = where
    try:
        return _compiled(source).render(ctx)
    except TemplateError as exc:
        raise ConfigError.single(path, line, field, f"template error: {exc}",
                                 "names you can use: " + ", ".join(sorted(ctx))) from None


def post_context(product: Product, catalog: Catalog, brand: Brand, *, intro: str | None = None,
                 language: str = "id", post_number: int = 1) -> dict[str, Any]:
    """Everything a caption or layout may name; `language` picks craft names and fixed phrases;
    `post_number` (1 = the product's first post) picks the headline's variant."""
    artisan = catalog.artisans[product.artisan]
    craft = catalog.crafts[product.craft]
    en = language == "en"
    whatsapp = brand.whatsapp or artisan.whatsapp
    place = f"Kec. {artisan.kecamatan}"
    ctx: dict[str, Any] = {
        "product": product,
        "artisan": artisan,
        "craft": craft,
        "brand": brand,
        "language": language,
        "intro": intro or "",
        "story": product.story,
        "story_en": product.story_en,
        "craft_name": (craft.name_en or craft.name) if en else craft.name,
        "price_text": format_rupiah(product.price) if product.price else "",
        "materials_text": join_list(product.materials, language),
        "colours_text": join_list(product.colours, language),
        "certifications_text": join_list(product.certifications, language),
        "location_text": f"{artisan.village}, {place}" if artisan.village else place,
        "kecamatan": artisan.kecamatan,
        "availability_text": AVAILABILITY["en" if en else "id"].get(product.availability, ""),
        "whatsapp_text": whatsapp_display(whatsapp),
        "whatsapp_link": f"wa.me/{whatsapp.lstrip('+')}" if whatsapp else "",
        "handle": brand.handle,
        "council": brand.council,
        "region": catalog.region,  # the council's own regency (content/region.yaml): region.name, .regency
        "post_number": post_number,
    }
    ctx = in_context(ctx, DEFAULT_LENGTH)  # headline, title_source (a layout may ask for another length)
    key = "call_to_action_en" if en and brand.caption.call_to_action_en else "call_to_action"
    source = getattr(brand.caption, key)
    ctx["cta"] = render_string(source, ctx, (brand.source, brand.lines.get(f"caption.{key}"), f"caption.{key}"))
    return ctx
