"""Caption text from templates/captions/*.j2: Bahasa Indonesia, and an English one for Go Global posts.

Length is counted as TikTok counts it, in UTF-16 units (an emoji can be two). A caption over
the limit loses the end of its story at a sentence or word boundary, never its price, call to
action or hashtags, and a warning says so. English never rides along in an Indonesian caption:
a Go Global post (the day or the product asks) gets its own file from captions/en.j2.
"""

from __future__ import annotations

import functools
import re
import traceback
from dataclasses import dataclass, field
from typing import Any

from jinja2 import FunctionLoader, Template, TemplateError, TemplateNotFound, TemplateSyntaxError

from pipeline.common.channels import Channel
from pipeline.common.errors import ConfigError, ContentError, Problem
from pipeline.common.models import Catalog, Product
from pipeline.common.project import Project
from pipeline.render.brand import Brand, load_brand
from pipeline.render.context import environment, hashtag, post_context
from pipeline.render.templates import TemplateTexts, as_texts

ELLIPSIS = "…"
_SENTENCE_END = re.compile(r"[.!?…](?=\s|$)")


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Caption:
    text: str
    hashtags: tuple[str, ...]
    warnings: list[Problem] = field(default_factory=list)
    utf16_length: int = 0
    template: str = "default"
    english: bool = False


def collect_hashtags(brand: Brand, catalog: Catalog, product: Product) -> tuple[str, ...]:
    """Brand, then craft, then product tags; the first spelling of a tag wins, case-insensitively.

    Product tags are mostly planner themes ("fesyen", "rumah tangga"): by default (`fill`) they only
    take the slots brand and craft leave under max_hashtags, so a normal post never warns."""
    craft = catalog.crafts[product.craft]
    seen: dict[str, str] = {}
    for tag in (*brand.hashtags, *craft.hashtags):
        seen.setdefault(tag.casefold(), tag)
    mode = brand.caption.product_tags
    for tag in (hashtag(t) for t in product.tags) if mode != "none" else ():
        if tag and tag.casefold() not in seen and (mode == "all" or len(seen) < brand.max_hashtags):
            seen[tag.casefold()] = tag
    return tuple(seen.values())


ENGLISH_FILE = "caption-en.txt"
ENGLISH_TEMPLATE = "en"
NO_ENGLISH = {"english": False, "english_ctx": None, "cta_en": ""}  # for a council's older template that tests them


def build_caption(source: Project | TemplateTexts, product: Product, catalog: Catalog, brand: Brand, *,
                  template: str | None = None, intro: str | None = None) -> Caption:
    """The caption for one post (Bahasa Indonesia only). `intro` opens it (a special day's greeting)."""
    name = template or brand.caption.template
    tmpl = caption_template(source, name)
    ctx = post_context(product, catalog, brand, intro=intro)
    tags = collect_hashtags(brand, catalog, product)
    ctx.update(NO_ENGLISH, hashtags=tags, hashtags_text=" ".join(tags))
    limit = brand.caption.max_length
    text, warnings = _fit(tmpl, ctx, name, product, limit)
    if len(tags) > brand.max_hashtags:
        warnings.append(Problem(brand.source, brand.lines.get("max_hashtags"), "hashtags",
                                f"{len(tags)} hashtags ({' '.join(tags)}), more than {brand.max_hashtags}",
                                "some accounts report TikTok keeps only 5: remove tags in brand.yaml, "
                                "crafts.yaml or the product's tags, or raise max_hashtags", "warning"))
    return Caption(text, tags, warnings, utf16_length(text), name)


def english_caption(source: Project | TemplateTexts, product: Product, catalog: Catalog, brand: Brand) -> Caption:
    """A Go Global post's English caption (caption-en.txt): captions/en.j2 with the English craft name,
    story_en and call to action, the hashtags TikTok gets, and TikTok's length limit (the admin pastes it
    where English readers are: the same post's first comment or an English account)."""
    tmpl = caption_template(source, ENGLISH_TEMPLATE)
    ctx = post_context(product, catalog, brand, language="en")
    tags = collect_hashtags(brand, catalog, product)[:brand.max_hashtags]
    ctx.update(story="", hashtags=tags, hashtags_text=" ".join(tags))  # only story_en is English
    text, warnings = _fit(tmpl, ctx, ENGLISH_TEMPLATE, product, brand.caption.max_length, what="English caption")
    if not product.story_en:
        warnings.append(Problem(product.source, None, "story_en", "no story_en: the English caption has no story",
                                "add story_en: two or three sentences in English", "warning"))
    return Caption(text, tags, warnings, utf16_length(text), ENGLISH_TEMPLATE, True)


def _fit(tmpl: Template, ctx: dict[str, Any], name: str, product: Product, limit: int, *,
         measure=utf16_length, what: str = "caption") -> tuple[str, list[Problem]]:
    """Render, shortening the story (then its English) until `measure(text)` fits the limit."""
    warnings: list[Problem] = []
    text = _render(tmpl, ctx)
    original = measure(text)
    for key in ("story", "story_en"):
        while measure(text) > limit and ctx[key]:
            ctx[key] = shorten(ctx[key], utf16_length(ctx[key]) - (measure(text) - limit))
            text = _render(tmpl, ctx)
    if original > limit:
        warnings.append(Problem(product.source, None, "story",
                                f"{what} is {original} UTF-16 units, over the limit of {limit}: "
                                "the story is shortened to fit",
                                "shorten the story so the caption ends where you want it"
                                if measure(text) <= limit else "", "warning"))
    if measure(text) > limit:
        raise ContentError(Problem(
            tmpl.filename or f"templates/captions/{name}.j2", None, "",
            f"{what} is {measure(text)} UTF-16 units even without a story (limit {limit})",
            "shorten the template's fixed text, the call to action or the hashtags"))
    return text, warnings


def split_title(text: str) -> tuple[str, str]:
    """A YouTube caption file: its first line is the title, the rest (after a blank line) the description."""
    title, _, rest = text.partition("\n")
    return title.strip(), rest.strip("\n")


def channel_caption(source: Project | TemplateTexts, product: Product, catalog: Catalog, brand: Brand,
                    channel: Channel, *, template: str | None = None, intro: str | None = None) -> Caption:
    """One channel's caption: captions/<channel>.j2, else the day's caption template; that channel's
    length limit and hashtag cap (TikTok keeps brand.yaml's, and warns rather than drops)."""
    texts = as_texts(source)
    own = f"captions/{channel.name}.j2" in texts.texts
    name = channel.name if own else (template or brand.caption.template)
    if channel.name == "tiktok" and not own:
        return build_caption(texts, product, catalog, brand, template=name, intro=intro)
    spec = channel.spec
    cap = spec.max_hashtags if channel.max_hashtags is None else channel.max_hashtags
    if channel.name == "tiktok" and channel.max_hashtags is None:
        cap = brand.max_hashtags
    tmpl = caption_template(texts, name)
    ctx = post_context(product, catalog, brand, intro=intro)
    tags = collect_hashtags(brand, catalog, product)[:cap]
    ctx.update(NO_ENGLISH, hashtags=tags, hashtags_text=" ".join(tags), channel=channel.name,
               channel_label=spec.label, handle=channel.handle or ctx["handle"])
    warnings: list[Problem] = []
    if spec.title_max:  # YouTube: the title line has its own limit, the description the caption's
        text = _render(tmpl, ctx)
        title, body = split_title(text)
        if utf16_length(title) > spec.title_max:
            short = shorten(title, spec.title_max)
            warnings.append(Problem(product.source, None, "name",
                                    f"{spec.label} title is {utf16_length(title)} units, over {spec.title_max}: "
                                    "shortened", "use a shorter product name", "warning"))
            title = short
        body, more = _fit(tmpl, ctx, name, product, spec.caption_max, measure=lambda t: utf16_length(split_title(t)[1]),
                          what=f"{spec.label} description")
        text = f"{title}\n\n{split_title(body)[1]}"
        warnings += more
    else:
        text, more = _fit(tmpl, ctx, name, product, spec.caption_max, what=f"{spec.label} caption")
        warnings += more
    return Caption(text, tags, warnings, utf16_length(text), name)


def caption_problems(project: Project, catalog: Catalog) -> list[Problem]:
    """What `etalase check` can say before any render: each product whose story the caption would
    shorten (with the day's plain caption; a special day's greeting makes it longer still)."""
    try:
        brand = load_brand(project)
    except ConfigError:
        return []  # template_problems reports it
    out: list[Problem] = []
    texts = as_texts(project)  # read once for every product
    for product in catalog.products.values():
        try:
            out += [w for w in build_caption(texts, product, catalog, brand).warnings if w.field == "story"]
        except ContentError as exc:
            out += exc.problems
    return list(dict.fromkeys(out))


def shorten(text: str, budget: int) -> str:
    """At most `budget` UTF-16 units: cut after the last whole sentence, else at a word, adding '…'."""
    if budget <= 1:
        return ""
    if utf16_length(text) <= budget:
        return text
    head = text.encode("utf-16-le")[: 2 * (budget - 1)].decode("utf-16-le", errors="ignore")
    ends = [m.end() for m in _SENTENCE_END.finditer(head)]
    if ends and ends[-1] >= len(head) // 2:
        return head[: ends[-1]].rstrip()
    cut = head.rsplit(None, 1)[0] if " " in head.strip() else head
    return cut.rstrip(" ,;:-") + ELLIPSIS


def tidy(text: str) -> str:
    """Trailing spaces off, at most one blank line in a row, no blank lines at either end."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def caption_template(source: Project | TemplateTexts, name: str) -> Template:
    """captions/<name>.j2 from the loaded template set; ConfigError on a missing file or a syntax error."""
    texts = as_texts(source)
    captions = tuple(sorted((rel, text, texts.name_of(rel)) for rel, text in texts.texts.items()
                            if rel.startswith("captions/")))
    try:
        return _compiled(captions, name)
    except TemplateNotFound:
        names = texts.template_names("captions", ".j2")
        raise ConfigError.single(f"templates/captions/{name}.j2", None, "", f"caption template `{name}` not found",
                                 "available: " + (", ".join(names) or "none")) from None
    except TemplateSyntaxError as exc:
        raise ConfigError.single(exc.filename or f"templates/captions/{name}.j2", exc.lineno, "",
                                 f"template syntax error: {exc.message}",
                                 "check the {{ }} and {% %} pairs on this line") from None


@functools.lru_cache(maxsize=16)
def _compiled(captions: tuple[tuple[str, str, str], ...], name: str) -> Template:
    """Compiled once per caption set: `check` builds a thousand captions from one template."""
    return environment(_loader(captions)).get_template(f"{name}.j2")


def _loader(captions: tuple[tuple[str, str, str], ...]) -> FunctionLoader:
    """Jinja over the in-memory texts; a template's filename is its path as users see it."""
    files = {rel: (text, shown) for rel, text, shown in captions}

    def get(name: str):
        found = files.get(f"captions/{name}")
        return None if found is None else (found[0], found[1], lambda: True)
    return FunctionLoader(get)


def _render(tmpl: Template, ctx: dict[str, Any]) -> str:
    try:
        return tidy(tmpl.render(ctx))
    except TemplateError as exc:
        line = next((f.lineno for f in reversed(traceback.extract_tb(exc.__traceback__))
                     if f.filename == tmpl.filename), None)
        raise ConfigError.single(tmpl.filename or "", line, "", f"template error: {exc}",
                                 "names you can use: " + ", ".join(sorted(ctx))) from None
