"""The headline a post shows on its cover and as the video's opening text.

A catalogue name is written for the catalogue ("Tikar Pandan Anyaman Tangan Motif Bunga Tanjung
Ukuran Besar"), which wraps to five lines over the product. The headline is the product's `hook`
when a curator wrote one, else a short title derived from the name: the kind and craft word first
("Tikar Pandan"), then the distinctive part (a motif, a colour), at most `length` characters
(a layout's `headline_length`), never cut inside a word. The full name stays on the details card.

A later post of the same product may show another variant (the derived title when the first post
showed the hook, the name's tail instead of its head), chosen from the post number alone, so a
rebuild shows the same text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.common.errors import Problem
from pipeline.common.models import Catalog, Product

DEFAULT_LENGTH = 28  # characters: two lines of the cover's title at its largest size
# Words a catalogue name carries that say little on a cover; dropped first when the name is too long.
FILLER = frozenset({"anyaman", "tangan", "motif", "ukuran", "besar", "kecil", "khas", "asli", "serbaguna",
                    "dan", "dengan", "untuk"})


@dataclass(frozen=True)
class Title:
    text: str
    source: str  # "hook" or "derived"
    dropped: tuple[str, ...] = ()  # words of the name the derived title left out (filler words not counted)


def derived_titles(name: str, length: int = DEFAULT_LENGTH, region: str = "") -> list[Title]:
    """The name's short forms, best first: the whole name when it fits, else the head (kind and
    craft word, the first two words kept) with as much of the rest as fits, and a second variant
    with the rest's tail. Filler words and the regency's short name go first."""
    words = name.split()
    if len(name) <= length:
        return [Title(name, "derived")]
    drop = FILLER | ({region.lower()} if region else set())
    head, rest = words[:2], [w for w in words[2:] if w.lower() not in drop]
    while head and len(" ".join(head)) > length:  # a very long kind word: keep what fits
        head = head[:-1]
    head = head or [words[0]]  # one word longer than the limit: shown whole rather than cut
    out: list[Title] = []
    for tail in (_fit(head, rest, length), _fit(head, rest[::-1], length)[::-1]):
        kept = head + tail
        text = " ".join(kept)
        if text not in (t.text for t in out):
            out.append(Title(text, "derived", tuple(w for w in words if w not in kept and w.lower() not in drop)))
    return out


def _fit(head: list[str], rest: list[str], length: int) -> list[str]:
    """The longest run from the start of `rest` that fits after `head`."""
    taken: list[str] = []
    for word in rest:
        if len(" ".join(head + taken + [word])) > length:
            break
        taken.append(word)
    return taken


def choose(product: Product, post_number: int = 1, length: int = DEFAULT_LENGTH, region: str = "") -> Title:
    """Post 1 shows the hook (else the best derived title); later posts alternate: with a hook,
    even posts show the derived title; without, the derived variants take turns."""
    derived = derived_titles(product.name, length, region)
    if product.hook:
        hook = Title(product.hook, "hook")
        return hook if post_number % 2 == 1 else derived[0]
    return derived[(post_number - 1) % len(derived)]


def in_context(ctx: dict[str, Any], length: int) -> dict[str, Any]:
    """The context with `headline` and `title_source` for a layout's `headline_length` (the same
    dict when they are already for that length)."""
    if "product" not in ctx or ctx.get("headline_length") == length:
        return ctx
    region = ctx.get("region")
    title = choose(ctx["product"], ctx.get("post_number", 1), length, getattr(region, "short_name", "") or "")
    return {**ctx, "headline": title.text, "title_source": title.source, "headline_length": length}


def title_problems(catalog: Catalog, length: int = DEFAULT_LENGTH, source: str = "") -> list[Problem]:
    """For `etalase check`: products without a hook whose derived title had to leave out words that
    say something (filler words and the regency's name do not count)."""
    out = []
    for product in sorted(catalog.products.values(), key=lambda p: p.slug):
        if product.hook:
            continue
        first = derived_titles(product.name, length, catalog.region.short_name)[0]
        if first.dropped:
            out.append(Problem(product.source, None, "hook",
                               f"the name is longer than {length} characters: the cover shows \"{first.text}\" "
                               f"(without: {' '.join(first.dropped)})",
                               "write a short `hook` (e.g. \"Tikar pandan 350rb, dianyam tangan!\") "
                               f"to choose the cover's words{f' ({source})' if source else ''}", "warning"))
    return out



def headline_problems(project: Any, catalog: Catalog) -> list[Problem]:
    """title_problems at the cover layout's `headline_length` (the default when it cannot load:
    check reports the layout's own errors)."""
    from pipeline.common.errors import ConfigError
    from pipeline.render.layout import load_layout

    try:
        cover = load_layout(project, "cover")
    except ConfigError:
        return title_problems(catalog)
    return title_problems(catalog, cover.headline_length, f"{cover.source}: headline_length {cover.headline_length}")
