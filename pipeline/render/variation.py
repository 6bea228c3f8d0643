"""No two posts alike: what a product's Nth post does differently from its earlier ones.

Platforms treat a byte-identical re-post as duplicate content, and a viewer who saw the post two
weeks ago scrolls on. Post N of a product (1 = its first; a render input, `DaySettings.post_number`,
counted by the build from the ledger and the plan) turns, from N alone:
- the photo order, so another photo is the hero (cover, details card, first video scene);
- the photo scenes' motions (the template's own list, rotated);
- the transitions, among the kinds the template's `variation.transitions` lists (default: its
  top-level `transitions:`, the kinds the template allows);
- the music bed when `audio.music` is `auto`: among `variation.music` when it names files, else
  audio.choose_bed's rotation within the product's mood (turned by N - 1 in render_video);
- the headline variant (headline.py).
Post 1 is the template exactly as written. The same (product, post number) always gives the same
choices, so a rebuild is byte-equal.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zlib
from collections.abc import Iterable, Mapping
from typing import Any

from pipeline.common import fields as F
from pipeline.common.errors import ConfigError
from pipeline.common.models import Product
from pipeline.render.motion import MOTIONS
from pipeline.render.scenes import TRANSITIONS, Transition, VideoTemplate
from pipeline.render.templates import TemplateTexts

DEFAULT_TRANSITIONS = ("crossfade", "slide")
DEFAULT_MOTIONS = ("pan", "zoom_in", "zoom_out")


def _kinds(value: Any) -> tuple[str, ...]:
    names = tuple(F.choice(*TRANSITIONS)(n) for n in F.text_list(value))
    if not names:
        raise ValueError("name at least one transition: " + ", ".join(TRANSITIONS))
    return names


def _motions(value: Any) -> tuple[str, ...]:
    names = tuple(F.choice(*MOTIONS)(n) for n in F.text_list(value))
    if not names:
        raise ValueError("name at least one motion: " + ", ".join(MOTIONS))
    return names


FIELDS = [
    F.Field("transitions", _kinds, default=(),
            help="the kinds later posts choose among (" + ", ".join(TRANSITIONS) + ")"),
    F.Field("motions", _motions, default=DEFAULT_MOTIONS,
            help="photo scenes with a single motion take turns among these on later posts"),
    F.Field("music", F.text_list, default=(),
            help="beds later posts take turns among; empty: the mood-aware rotation of audio.choose_bed"),
]


@dataclasses.dataclass(frozen=True)
class Choices:
    transitions: tuple[str, ...] = DEFAULT_TRANSITIONS
    motions: tuple[str, ...] = DEFAULT_MOTIONS
    music: tuple[str, ...] = ()
    line: int | None = None  # of `variation:` in the template, for messages


def choices(texts: TemplateTexts, template: VideoTemplate) -> Choices:
    """The template's `variation:` section (defaults when it has none); ConfigError at its lines."""
    doc = texts.doc(f"videos/{template.name}.yaml")
    allowed = tuple(template.transition_kinds) or DEFAULT_TRANSITIONS
    if not isinstance(doc.data, dict) or doc.data.get("variation") is None:
        return Choices(transitions=allowed)
    r = F.FieldReader(doc)
    v = r.mapping(("variation",), FIELDS)
    errors = [p for p in r.problems if p.is_error]
    if errors or v is None:
        raise ConfigError(errors or [])
    return Choices(v["transitions"] or allowed, v["motions"], tuple(v["music"]), doc.line("variation"))


def ordered(product: Product, post_number: int) -> Product:
    """Post N's photo order: turned by N - 1, so each post has another hero."""
    k = (post_number - 1) % len(product.photos) if product.photos else 0
    return product if not k else dataclasses.replace(product, photos=product.photos[k:] + product.photos[:k])


def vary_template(template: VideoTemplate, choice: Choices, product: Product, post_number: int,
                  music: Iterable[str] = ()) -> VideoTemplate:
    """The template as post N plays it: motions, transitions and bed turned by N - 1."""
    k = post_number - 1
    if k <= 0:
        return template
    kinds = choice.transitions
    scenes = []
    for i, spec in enumerate(template.scenes):
        motions = spec.motions
        if spec.kind == "photos":
            pool = motions if len(motions) > 1 else choice.motions
            motions = tuple(pool[(j + k) % len(pool)] for j in range(len(pool)))
        transition = spec.transition
        if transition.kind != "cut" or "cut" in kinds:
            base = kinds.index(transition.kind) if transition.kind in kinds else i
            transition = Transition(kinds[(base + k) % len(kinds)], transition.duration)
        cycled = spec.kinds
        if cycled:  # the scene's own list of kinds (default.yaml's photos): turned like its motions
            pool = tuple(x for x in cycled if x in kinds) or cycled
            cycled = tuple(pool[(j + k) % len(pool)] for j in range(len(pool)))
        scenes.append(dataclasses.replace(spec, motions=motions, transition=transition, kinds=cycled))
    audio = template.audio
    if audio.music == "auto" and choice.music:  # else choose_bed turns within the mood
        names = list(choice.music)
        missing = [n for n in names if n not in set(music)]
        if missing:
            raise ConfigError.single(template.source, choice.line, "variation.music",
                                     f"music file `{missing[0]}` not found in content/music/",
                                     "files there: " + (", ".join(sorted(music)) or "none yet"))
        if names:
            start = zlib.crc32(product.slug.encode()) % len(names)
            audio = dataclasses.replace(audio, music=names[(start + k) % len(names)])
    return dataclasses.replace(template, scenes=tuple(scenes), audio=audio)


def post_numbers(slots: Iterable[Any], history: Iterable[Any]) -> dict[dt.date, int]:
    """Each planned day's post number: 1 + the days before it that featured the same product,
    in the ledger (posted or exported) or earlier in this plan (the plan wins for its own days)."""
    slots = list(slots)
    featured = {f.date: f.product for f in history}
    featured.update({s.date: s.product for s in slots})
    by_product: dict[str, list[dt.date]] = {}
    for day, product in featured.items():
        if product:
            by_product.setdefault(product, []).append(day)
    return {s.date: 1 + sum(d < s.date for d in by_product[s.product]) for s in slots if s.product}


def summary(product: Product, post_number: int, title: Any, photos: int) -> dict[str, Any]:
    """The keys post.json's "video" gains: which post this was, what it showed."""
    return {"post_number": post_number, "title": title.text, "title_source": title.source, "photos": photos,
            "hero": product.hero.file if product.photos else None}


def used_photos(plan_scenes: Iterable[Any]) -> int:
    """Distinct photo files a video's scenes show (crops of one photo count once)."""
    return len({s.photo.file for s in plan_scenes if s.photo is not None})


def for_post(source: Any, template: VideoTemplate, product: Product, post_number: int,
             music: Mapping[str, Any] | None = None) -> VideoTemplate:
    """vary_template with the template's own choices (read, so checked, for every post: a mistake in
    `variation:` shows on the first render, not the second post); `source` a project or a template
    set, `music` content/music/'s files when `source` is a template set."""
    from pipeline.common.project import Project
    from pipeline.render.audio import music_files
    from pipeline.render.templates import as_texts

    choice = choices(as_texts(source), template)
    if post_number <= 1:
        return template
    names = sorted(music) if music is not None else (
        [p.name for p in music_files(source)] if isinstance(source, Project) else [])
    return vary_template(template, choice, product, post_number, names)


def shown(texts: TemplateTexts, brand: Any, product: Product, day: Any, photos: int,
          region: str = "") -> dict[str, Any]:
    """What post N's video showed, for post.json's "video": post number, headline, hero, and `photos`
    (used_photos of the plan render_video actually played, from its facts)."""
    from pipeline.render.headline import choose
    from pipeline.render.layout import load_layout

    cover = load_layout(texts, "cover", brand)
    title = choose(product, day.post_number, cover.headline_length, region)
    return summary(product, day.post_number, title, photos)
