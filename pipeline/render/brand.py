"""templates/brand.yaml -> frozen Brand: the council's name, handle, colours, fonts, logo, hashtags.

Read through pipeline/common/fields.py like every settings file: all problems at once with file:line,
unknown keys warned. Fonts are checked against the bundled and the council's own fonts, so a
typo names what is available instead of silently falling back to another face.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.catalog.reader import hashtags, whatsapp
from pipeline.common import fields as F
from pipeline.common.errors import ConfigError, ContentError, Problem
from pipeline.common.project import PACKAGED_TEMPLATES, Project
from pipeline.common.yamlread import YamlDoc, load
from pipeline.render.templates import TemplateTexts, as_texts, shown
from pipeline.render.text import FontBook, font_book

DESIGN_SIZE = (1080, 1920)
# Shotstack's box that clears TikTok, Reels and Shorts UI together (DOMAIN.md "Safe zone").
SAFE_BOX = (120, 288, 888, 1248)
TIKTOK_CAPTION_LIMIT = 2200
LANGUAGES = ("id", "en")
COLOURS = {"primary": "#7A4A26", "accent": "#E9B949", "light": "#FBF6EC", "dark": "#22170F"}
FONTS = {"title": "Vollkorn Bold", "body": "Manrope SemiBold", "strong": "Manrope ExtraBold"}
DEFAULT_CTA_EN = "Order via {% if whatsapp_text %}WhatsApp {{ whatsapp_text }} or {% endif %}the link in our bio."
DEFAULT_CTA = "Pesan sekarang lewat {% if whatsapp_text %}WhatsApp {{ whatsapp_text }} atau {% endif %}link di bio."


def handle(value: Any) -> str:
    v = F.nonempty_text(value)
    v = v if v.startswith("@") else "@" + v
    if not all(c.isalnum() or c in "._" for c in v[1:]) or len(v) > 25:
        raise ValueError(f"`{v}` is not a TikTok handle: letters, digits, '.' and '_', at most 24 characters")
    return v


def safe_box(value: Any) -> tuple[int, int, int, int]:
    if not isinstance(value, list) or len(value) != 4:
        raise ValueError("safe_box must be [x0, y0, x1, y1] on the 1080x1920 design, e.g. [120, 288, 888, 1248]")
    x0, y0, x1, y1 = (F.integer(v) for v in value)
    if not (0 <= x0 < x1 <= DESIGN_SIZE[0] and 0 <= y0 < y1 <= DESIGN_SIZE[1]):
        raise ValueError(f"safe_box {value} must satisfy 0 <= x0 < x1 <= 1080 and 0 <= y0 < y1 <= 1920")
    return (x0, y0, x1, y1)


def bounded(low: float, high: float | None = None, parse: F.Parser = F.integer) -> F.Parser:
    """A number parser that also refuses values outside low-high (no upper limit when high is None)."""
    def parse_bounded(value: Any) -> Any:
        v = parse(value)
        if high is None and v < low:
            raise ValueError(f"{v} must be {low:g} or more")
        if high is not None and not low <= v <= high:
            raise ValueError(f"{v} is outside {low:g}-{high:g}")
        return v
    return parse_bounded


def languages(value: Any) -> tuple[str, ...]:
    out = F.text_list(value)
    for lang in out:
        if lang not in LANGUAGES:
            raise ValueError(f"`{lang}` is not a caption language: use {' and/or '.join(LANGUAGES)}")
    if "id" not in out:
        raise ValueError("captions are always in Bahasa Indonesia: keep `id` in the list")
    return out


def raw(value: Any) -> Any:
    return value


TOP_FIELDS = [
    F.Field("council", F.nonempty_text, required=True, help="the council's full name"),
    F.Field("short_name", F.text, default="", help="a shorter name for small print"),
    F.Field("handle", handle, required=True, help="TikTok handle, e.g. @dekranasda.contoh"),
    F.Field("tagline", F.text, default="", help="the regency's motto or a campaign line"),
    F.Field("whatsapp", whatsapp, default=None,
            help="the council's order number; when empty, posts give the artisan's number"),
    F.Field("colours", raw, default=None, help="named colours layouts can use: primary, accent, light, dark, ..."),
    F.Field("fonts", raw, default=None, help="font roles -> font names: title, body, strong"),
    F.Field("logo", F.text, default="", help="a PNG with transparency, relative to templates/"),
    F.Field("hashtags", hashtags, default=(), help="hashtags on every post"),
    F.Field("safe_box", safe_box, default=SAFE_BOX, help="[x0, y0, x1, y1] that every text box must stay inside"),
    F.Field("jpeg_quality", bounded(60, 100), default=90, help="JPEG quality of covers and slides"),
    F.Field("max_hashtags", bounded(0, 30), default=5, help="more hashtags than this gives a warning"),
    F.Field("caption", raw, default=None, help="caption defaults"),
]

CAPTION_FIELDS = [
    F.Field("template", F.nonempty_text, default="default", help="captions/<name>.j2"),
    F.Field("call_to_action", F.nonempty_text, default=DEFAULT_CTA, help="a Jinja line, e.g. order by WhatsApp"),
    F.Field("call_to_action_en", F.text, default=DEFAULT_CTA_EN,
            help="the English call to action for Go Global posts"),
    F.Field("languages", languages, default=("id",),
            help="[id]; captions are Indonesian, English is a Go Global file per day or product"),
    F.Field("max_length", bounded(100, TIKTOK_CAPTION_LIMIT), default=TIKTOK_CAPTION_LIMIT,
            help="caption length in UTF-16 units; TikTok allows 2,200"),
    F.Field("product_tags", F.choice("fill", "all", "none"), default="fill",
            help="product tags as hashtags: fill = only while under max_hashtags, all, or none"),
]


@dataclass(frozen=True)
class CaptionDefaults:
    template: str = "default"
    call_to_action: str = DEFAULT_CTA
    call_to_action_en: str = DEFAULT_CTA_EN
    languages: tuple[str, ...] = ("id",)
    max_length: int = TIKTOK_CAPTION_LIMIT
    product_tags: str = "fill"


@dataclass(frozen=True)
class Brand:
    council: str
    handle: str
    colours: dict[str, str]
    fonts: dict[str, str]  # role -> font name
    font_paths: dict[str, Path]  # font name -> file, for every font a layout may name
    logo: Path | None
    hashtags: tuple[str, ...]
    safe_box: tuple[int, int, int, int] = SAFE_BOX
    jpeg_quality: int = 90
    max_hashtags: int = 5
    caption: CaptionDefaults = field(default_factory=CaptionDefaults)
    short_name: str = ""
    tagline: str = ""
    whatsapp: str | None = None
    source: str = "templates/brand.yaml"
    lines: dict[str, int] = field(default_factory=dict)  # field -> line, for messages about values
    digest: str = ""  # brand.yaml + logo bytes: part of every render's input hash
    warnings: tuple[Problem, ...] = ()  # unknown keys and the like; errors raise instead

    def font_path(self, name_or_role: str) -> Path | None:
        return self.font_paths.get(self.fonts.get(name_or_role, name_or_role))

    @property
    def display_name(self) -> str:
        return self.short_name or self.council


def template_doc(source: Project | TemplateTexts, folder: str, name: str, kind: str) -> YamlDoc:
    """templates/<folder>/<name>.yaml from the loaded template set (the council's own first), read with
    line marks; a missing file or a YAML error is a ConfigError that lists what exists."""
    texts = as_texts(source)
    names = texts.template_names(folder, ".yaml")
    if name not in names:
        raise ConfigError.single(f"templates/{folder}/{name}.yaml", None, "", f"{kind} `{name}` not found",
                                 f"{kind}s: " + (", ".join(names) or "none"))
    return texts.doc(f"{folder}/{name}.yaml")


def _read(project: Project, path: Path) -> YamlDoc:
    try:
        return load(path, shown(project, path))
    except ContentError as exc:
        raise ConfigError(exc.problems) from None


def load_brand(project: Project) -> Brand:
    """Read brand.yaml (the council's own first, then the packaged default); ConfigError lists every problem."""
    path = project.template("brand.yaml")
    doc = _read(project, path)
    r = F.FieldReader(doc)
    top = r.mapping((), TOP_FIELDS) or {}
    if path.parent == PACKAGED_TEMPLATES:
        r.warn(("council",), "the packaged placeholder brand is in use: posts name a sample council",
               "copy it to this project's templates/brand.yaml and give your council's name, handle and "
               "hashtags (`etalase init` writes one)")
    book = font_book(project.templates)
    colours = _colours(r, top.get("colours"))
    fonts = _fonts(r, top.get("fonts"), book)
    caption = _caption(r, top.get("caption"), project)
    logo = _logo(r, top.get("logo") or "", project)
    errors = [p for p in r.problems if p.is_error]
    if errors:
        raise ConfigError(errors)
    digest = hashlib.sha256(doc.text.encode("utf-8"))
    if logo:
        digest.update(logo.read_bytes())
    lines = {".".join(str(k) for k in key): line for key, line in doc.lines.items() if key}
    return Brand(
        council=top["council"], handle=top["handle"], colours=colours, fonts=fonts, font_paths=dict(book.paths),
        logo=logo, hashtags=top["hashtags"], safe_box=top["safe_box"], jpeg_quality=top["jpeg_quality"],
        max_hashtags=top["max_hashtags"], caption=caption, short_name=top["short_name"], tagline=top["tagline"],
        whatsapp=top["whatsapp"], source=doc.path, lines=lines, digest=digest.hexdigest(),
        warnings=tuple(r.problems),
    )


def _colours(r: F.FieldReader, data: Any) -> dict[str, str]:
    out = dict(COLOURS)
    if data is None:
        return out
    if not isinstance(data, dict):
        r.error(("colours",), f"expected a mapping of colour names, got {F.type_name(data)}",
                'e.g.\n      colours:\n        primary: "#7A4A26"')
        return out
    for name, value in data.items():
        if not str(name).replace("_", "").isalnum() or name in ("craft", "auto"):
            r.error(("colours", name), f"`{name}` cannot be a colour name",
                    "use letters, digits and _ ; `craft` and `auto` are reserved")
            continue
        try:
            out[str(name)] = F.hex_colour(value)
        except ValueError as exc:
            r.error(("colours", name), str(exc))
    return out


def _fonts(r: F.FieldReader, data: Any, book: FontBook) -> dict[str, str]:
    roles = dict(FONTS)
    if data is not None and not isinstance(data, dict):
        r.error(("fonts",), f"expected a mapping of font roles, got {F.type_name(data)}",
                'e.g.\n      fonts:\n        title: "Vollkorn Bold"')
        data = None
    given = {str(k): v for k, v in (data or {}).items()}
    for role, value in {**roles, **given}.items():
        key = ("fonts", role)
        try:
            name = F.nonempty_text(value)
        except ValueError as exc:
            r.error(key, str(exc))
            continue
        path = book.find(name)
        if path is None:
            r.error(key if role in given else ("fonts",), *book.missing(name))
            continue
        roles[role] = name
    return roles


def _caption(r: F.FieldReader, data: Any, project: Project) -> CaptionDefaults:
    if data is None:
        return CaptionDefaults()
    v = r.mapping(("caption",), CAPTION_FIELDS)
    if not v:
        return CaptionDefaults()
    names = project.template_names("captions", ".j2")
    if v["template"] not in names:
        r.error(("caption", "template"), f"caption template `{v['template']}` not found",
                "templates in captions/: " + (", ".join(names) or "none"))
    if "en" in v["languages"]:  # it used to glue an English paragraph to every caption of every post
        r.warn(("caption", "languages"), "`en` no longer adds an English paragraph to every caption",
               "English is its own file (caption-en.txt) on Go Global posts: mark a day with "
               "`etalase plan global DATE` or set `go_global: true` on a product; then keep languages: [id]")
    return CaptionDefaults(**v)


def _logo(r: F.FieldReader, name: str, project: Project) -> Path | None:
    if not name:
        return None
    for base in project.templates:
        path = base / name
        if path.is_file():
            return path
    r.error(("logo",), f"logo `{name}` not found", "searched: " + ", ".join(str(b) for b in project.templates))
    return None
