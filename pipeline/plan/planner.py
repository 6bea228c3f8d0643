"""The pure, deterministic planner: which approved product each day gets, and why.

No I/O and no clock: the caller passes the approved products, artisans, settings, history
(posted and exported days), the admin's overrides and the dates. Same inputs, same plan
(invariant 4). Days that are posted, exported, pinned or swapped keep their product; the rest
go to the least recently featured artisan, then product, preferring the day's theme, spreading
across crafts and kecamatan on ties, and never breaking a cooldown unless nothing else can go.

Learned rotation (rotation.learn, off by default): with a Performance passed in, each artisan is owed
a share of the recent days in proportion to its weight (1, up to 2 for artisans and crafts whose
posts drew more views) and the day goes to the one owed most. But every approved artisan keeps a
deadline (last shown + the rotation window), and whenever the remaining days could no longer fit
every deadline (earliest deadline first) the day goes to the artisan due first. So each artisan
appears within every window of planned days, and the extra share stays within learn_share. Fairness
beats a product cooldown there: a due artisan whose products are all cooling down still goes (and
the reason says the cooldown was broken).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from pipeline.common.models import Artisan, Product
from pipeline.plan.schedule import DayPlan, Settings

NEVER = 10**6  # "days since" for something never featured: larger than any real gap

# Flags a slot can carry (plain strings so they serialise as they are).
POSTED = "posted"
EXPORTED = "exported"
SWAPPED = "swapped"
PINNED = "pinned"
SKIPPED = "skipped"
BLACKOUT = "blackout"
SPECIAL_DAY = "special_day"
THEME_MISSED = "theme_missed"
COOLDOWN_BROKEN = "cooldown_broken"
OVERRIDE_DROPPED = "override_dropped"
EMPTY = "empty"
LEARNED = "learned"  # the learned rotation changed the day's choice
DUE = "due"  # the learned rotation gave the day to the artisan whose window ends first


@dataclass(frozen=True)
class Feature:
    """A day a product was shown (posted) or is ready to be shown (exported)."""

    date: dt.date
    product: str
    artisan: str
    kind: str = EXPORTED  # POSTED or EXPORTED


@dataclass(frozen=True)
class Override:
    """The admin's word on one date: a product (swap or pin) and/or a skip."""

    date: dt.date
    product: str | None = None
    kind: str | None = None  # SWAPPED or PINNED when product is set
    skipped: bool = False


@dataclass(frozen=True)
class Slot:
    date: dt.date
    product: str | None
    artisan: str | None
    reason_id: str
    reason: str  # Bahasa Indonesia, for the admin
    flags: frozenset[str] = frozenset()
    theme: str | None = None
    special: str | None = None
    template: str = "default"
    intro: str | None = None
    formats: str = "both"
    post_at: dt.time = dt.time(19, 0)

    @property
    def fixed(self) -> bool:
        """True when the planner did not choose this day (admin, ledger or an existing export did)."""
        return bool(self.flags & {POSTED, EXPORTED, SWAPPED, PINNED, SKIPPED, BLACKOUT})


@dataclass(frozen=True)
class Performance:
    """How well posts did, per artisan and craft slug: a score in [0, 1] (1: the best) and what is behind
    it, in words for the reason ("median 12.300 tayangan dari 5 posting"). Built from the results by
    pipeline/results/performance.py."""

    artisans: Mapping[str, float] = field(default_factory=dict)
    crafts: Mapping[str, float] = field(default_factory=dict)
    artisan_notes: Mapping[str, str] = field(default_factory=dict)
    craft_notes: Mapping[str, str] = field(default_factory=dict)

    def weight(self, p: Product) -> float:
        """1 (no evidence, or the weakest) to 2 (the best artisan and craft)."""
        return 1 + (self.artisans.get(p.artisan, 0.0) + self.crafts.get(p.craft, 0.0)) / 2


def rotation_window(artisans: int, rotation) -> int:
    """Days within which every approved artisan appears under the learned rotation: the artisans
    divided by the share left to fairness (1 - learn_share), never shorter than the artisan cooldown."""
    return max(math.ceil(artisans / (1 - rotation.learn_share) - 1e-9), rotation.artisan_days, 1)


@dataclass
class _Index:
    """Feature dates per product, artisan, craft and kecamatan, sorted, for fast distance queries."""

    dates: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def add(self, kind: str, key: str, date: dt.date) -> None:
        bisect.insort(self.dates.setdefault((kind, key), []), date.toordinal())

    def nearest(self, kind: str, key: str, date: dt.date) -> int:
        """Days to the nearest feature before or after `date` (NEVER when none)."""
        days = self.dates.get((kind, key))
        if not days:
            return NEVER
        d = date.toordinal()
        i = bisect.bisect_left(days, d)
        gaps = [abs(days[j] - d) for j in (i - 1, i) if 0 <= j < len(days)]
        return min(gaps)

    def count(self, kind: str, key: str, start: dt.date, end: dt.date) -> int:
        """Features in [start, end)."""
        days = self.dates.get((kind, key)) or []
        return bisect.bisect_left(days, end.toordinal()) - bisect.bisect_left(days, start.toordinal())

    def since(self, kind: str, key: str, date: dt.date) -> int:
        """Days since the last feature strictly before `date` (NEVER when none)."""
        days = self.dates.get((kind, key))
        d = date.toordinal()
        i = bisect.bisect_left(days or [], d)
        return d - days[i - 1] if i else NEVER


def horizon(start: dt.date, days: int) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range(days)]


def make_plan(dates: Iterable[dt.date], products: Sequence[Product], artisans: Mapping[str, Artisan],
              settings: Settings, history: Iterable[Feature] = (),
              overrides: Mapping[dt.date, Override] | None = None,
              performance: Performance | None = None) -> list[Slot]:
    """One Slot per date, in date order.

    `products` must be the approved ones (invariant 1): anything else never lands in a slot,
    except a day already posted, which is history. Features and overrides dated inside `dates`
    fix their day (posted always; exported or swapped/pinned while the product is still approved);
    the others feed rotation, so a day's choice does not depend on how far ahead the caller plans.
    `performance` is used only when settings.rotation.learn is on.
    """
    dates = sorted(set(dates))
    overrides = overrides or {}
    approved = {p.slug: p for p in sorted(products, key=lambda p: p.slug)}
    crafts = {p.slug: p.craft for p in approved.values()}
    wanted = set(dates)
    index = _Index()
    on_day: dict[dt.date, Feature] = {}
    posted_elsewhere = set()
    for f in sorted(history, key=lambda f: (f.date, f.kind != POSTED, f.product)):
        if f.date in wanted:
            on_day.setdefault(f.date, f)  # posted beats exported on the same day
        else:
            _feature(index, f.date, f.product, f.artisan, artisans, crafts)
            if f.kind == POSTED:
                posted_elsewhere.add(f.date)
    for o in overrides.values():  # the admin's picks beyond `dates` (a pin next week) count like features
        if o.date not in wanted and o.date not in posted_elsewhere and not o.skipped and o.product in approved:
            _feature(index, o.date, o.product, approved[o.product].artisan, artisans, crafts)

    learn = performance if settings.rotation.learn and performance is not None else None
    slots: dict[dt.date, Slot] = {}
    for d in dates:
        slot = _fixed(d, settings.day(d), on_day.get(d), overrides.get(d), approved)
        if slot:
            slots[d] = slot
            if slot.product:
                _feature(index, d, slot.product, slot.artisan or "", artisans, crafts)
    for d in dates:
        if d in slots:
            continue
        day = settings.day(d)
        dropped = _dropped_note(overrides.get(d), on_day.get(d), approved)
        slot = _choose(day, approved, artisans, settings, index, dropped, learn)
        slots[d] = slot
        if slot.product:
            _feature(index, d, slot.product, slot.artisan or "", artisans, crafts)
    return [slots[d] for d in dates]


def _feature(index: _Index, date: dt.date, product: str, artisan: str, artisans: Mapping[str, Artisan],
             crafts: Mapping[str, str]) -> None:
    index.add("product", product, date)
    index.add("artisan", artisan, date)
    if artisan in artisans:
        index.add("kecamatan", artisans[artisan].kecamatan, date)
    if product in crafts:
        index.add("craft", crafts[product], date)


def _slot(day: DayPlan, product: Product | None, reason_id: str, reason: str, flags: set[str],
          artisan: str | None = None) -> Slot:
    if day.special:
        flags = flags | {SPECIAL_DAY}
    return Slot(day.date, product.slug if product else None, product.artisan if product else artisan, reason_id,
                reason, frozenset(flags), day.theme.name if day.theme else None,
                day.special.name if day.special else None, day.template, day.intro, day.formats, day.post_at)


def _fixed(d: dt.date, day: DayPlan, feature: Feature | None, override: Override | None,
           approved: Mapping[str, Product]) -> Slot | None:
    """A day the planner must not choose for, or None."""
    if feature and feature.kind == POSTED:
        slot = _slot(day, None, "posted", "sudah diposting", {POSTED}, feature.artisan)
        return replace(slot, product=feature.product)
    if override and override.skipped:
        return _slot(day, None, "admin_skip", "dilewati admin", {SKIPPED})
    if override and override.product and override.product in approved:
        kind = override.kind or SWAPPED
        reason = "dipilih admin" if kind == SWAPPED else "dikunci admin"
        return _slot(day, approved[override.product], "admin_" + ("swap" if kind == SWAPPED else "pin"), reason,
                     {kind})
    if day.blackout:
        return _slot(day, None, "blackout", "tanggal tanpa posting (blackout di schedule.yaml)", {BLACKOUT})
    if feature and feature.product in approved:
        return _slot(day, approved[feature.product], "exported", "sudah diekspor; produk tetap", {EXPORTED})
    return None


def _dropped_note(override: Override | None, feature: Feature | None, approved: Mapping[str, Product]) -> str:
    """Why an admin choice or an earlier export no longer holds (its product lost approval)."""
    if override and override.product and override.product not in approved:
        who = "pilihan admin" if (override.kind or SWAPPED) == SWAPPED else "produk yang dikunci admin"
        return f"{who} ({override.product}) tidak lagi disetujui"
    if feature and feature.product not in approved:
        return f"produk ekspor sebelumnya ({feature.product}) tidak lagi disetujui"
    return ""


def _choose(day: DayPlan, approved: Mapping[str, Product], artisans: Mapping[str, Artisan], settings: Settings,
            index: _Index, dropped: str, learn: Performance | None = None) -> Slot:
    extra = {OVERRIDE_DROPPED} if dropped else set()
    prefix = f"{dropped}; " if dropped else ""
    if not approved:
        return _slot(day, None, "no_products", prefix + "tidak ada produk yang disetujui", {EMPTY} | extra)
    rot = settings.rotation
    d = day.date

    def kecamatan(p: Product) -> str:
        a = artisans.get(p.artisan)
        return a.kecamatan if a else ""

    def rank(p: Product, credit: float = 0.0) -> tuple:
        # A broken artisan cooldown (the same face again within days) is worse than a broken product
        # cooldown; breaking fewer rules beats matching the theme.
        artisan_blocked = index.nearest("artisan", p.artisan, d) < rot.artisan_days
        product_blocked = index.nearest("product", p.slug, d) < rot.product_days
        blocked = (artisan_blocked or product_blocked, artisan_blocked, product_blocked)
        themed = day.theme is None or day.theme.matches(p.craft, p.tags)
        balance = []
        for rule in rot.balance:
            if rule == "craft":
                balance.append(-index.nearest("craft", p.craft, d))
            elif rule == "kecamatan":
                balance.append(-index.nearest("kecamatan", kecamatan(p), d))
        return (*blocked, not themed, -credit, -index.nearest("artisan", p.artisan, d),
                -index.nearest("product", p.slug, d), *balance, p.slug)

    best = min(approved.values(), key=rank)
    learned_note = ""
    if learn is not None:
        best, learned_note, learned_flag = _learned(d, best, approved, rot, index, learn, rank)
        extra = extra | learned_flag
    blocked, _, _, unthemed = rank(best)[:4]
    flags = set(extra)
    parts = []
    if day.special:
        parts.append(day.special.name)
    if day.theme:
        label = f"tema {day.weekday}: {day.theme.label}" if not day.special or not day.special.theme \
            else f"tema {day.theme.label}"
        if unthemed:
            flags.add(THEME_MISSED)
            label += f" (belum ada produk {day.theme.label} yang bisa tampil)"
        parts.append(label)
    since = index.since("artisan", best.artisan, d)
    parts.append("pengrajin belum pernah tampil" if since >= NEVER else f"pengrajin belum tampil {since} hari")
    if learned_note:
        parts.append(learned_note)
    if blocked:
        flags.add(COOLDOWN_BROKEN)
        parts.append(_cooldown_note(best, index, d, settings))
    reason_id = "cooldown_broken" if blocked else ("theme" if day.theme and not unthemed else "rotation")
    if not blocked and flags & {LEARNED, DUE}:
        reason_id = LEARNED if LEARNED in flags else DUE
    return _slot(day, best, reason_id, prefix + "; ".join(parts), flags)


def _learned(d: dt.date, plain: Product, approved: Mapping[str, Product], rot, index: _Index, learn: Performance,
             rank) -> tuple[Product, str, set[str]]:
    """The learned rotation's choice for day `d`, the reason's note when it changed the plain choice, and flags.

    Each approved artisan must appear by (last shown + window). Sorted by days left, the k-th artisan
    needs k-1 days left to fit; a free pick (today given to anyone) needs k. When that does not hold the
    day goes to the artisan due first; otherwise the artisan owed most of the recent days chooses."""
    by_artisan: dict[str, list[Product]] = {}
    for p in approved.values():
        by_artisan.setdefault(p.artisan, []).append(p)
    window = rotation_window(len(by_artisan), rot)
    left = {a: window - min(index.since("artisan", a, d), 2 * window) for a in by_artisan}
    order = sorted(left.values())
    if any(days < k for k, days in enumerate(order, 1)):
        due = min(left.values())
        best = min((p for a, ps in by_artisan.items() if left[a] == due for p in ps), key=rank)
        if best.artisan == plain.artisan:
            return best, "", set()
        since = index.since("artisan", best.artisan, d)
        waited = "belum pernah tampil" if since >= NEVER else f"sudah {since} hari belum tampil"
        return best, f"giliran wajib: pengrajin {waited} (jendela rotasi {window} hari)", {DUE}
    credit = _credit(d, by_artisan, window, index, learn)
    best = min(approved.values(), key=lambda p: rank(p, credit[p.artisan]))
    if best.slug == plain.slug:
        return best, "", set()
    if learn.weight(best) <= learn.weight(plain):
        return best, "rotasi belajar: jatah hari pengrajin ini belum terpenuhi", set()
    why = []
    if learn.artisans.get(best.artisan, 0.0) > 0:
        why.append(f"pengrajin ini {learn.artisan_notes.get(best.artisan, 'lebih banyak ditonton')}")
    if learn.crafts.get(best.craft, 0.0) > 0:
        why.append(f"kerajinan ini {learn.craft_notes.get(best.craft, 'lebih banyak ditonton')}")
    share = round(rot.learn_share * 100)
    return best, (f"rotasi belajar dari hasil: {', '.join(why) or 'hasilnya lebih baik'} "
                  f"(jatah tambahan paling banyak {share}% hari; semua pengrajin tetap tampil dalam "
                  f"{window} hari)"), {LEARNED}


def _credit(d: dt.date, by_artisan: Mapping[str, list[Product]], window: int, index: _Index,
            learn: Performance) -> dict[str, float]:
    """Days each artisan is owed over the last two windows: its weighted share of them minus its posts.
    An artisan's weight is its best product's (its craft may differ per product)."""
    weights = {a: max(learn.weight(p) for p in ps) for a, ps in by_artisan.items()}
    total = sum(weights.values())
    span = 2 * window
    return {a: round(span * w / total - index.count("artisan", a, d - dt.timedelta(days=span), d), 9)
            for a, w in weights.items()}


def _cooldown_note(p: Product, index: _Index, d: dt.date, settings: Settings) -> str:
    rot = settings.rotation
    notes = []
    gap = index.nearest("product", p.slug, d)
    if gap < rot.product_days:
        notes.append(f"produk tampil lagi setelah {gap} hari (aturan {rot.product_days} hari)")
    gap = index.nearest("artisan", p.artisan, d)
    if gap < rot.artisan_days:
        notes.append(f"pengrajin tampil lagi setelah {gap} hari (aturan {rot.artisan_days} hari)")
    return "jeda rotasi dilanggar karena tidak ada pilihan lain: " + ", ".join(notes)
