"""The admin's use-cases on the plan and the ledger, shared by the CLI, the dashboard and the build.

Loads what the pure planner needs (approved products, history, overrides, settings) and applies
the rules the planner cannot know: a swap must name an approved product, a posted day is history,
the past cannot be re-planned. Messages are English for the CLI; `.pesan` carries the Bahasa
Indonesia version for the dashboard.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from pipeline.catalog.reader import load_catalog
from pipeline.common.clock import Clock, SystemClock
from pipeline.common.errors import EtalaseError, NotFound
from pipeline.common.models import Catalog, Product
from pipeline.common.project import Project
from pipeline.curation import reviews
from pipeline.curation import rules as C
from pipeline.curation import users as U
from pipeline.plan import ledger as S
from pipeline.plan.planner import PINNED, POSTED, SWAPPED, Slot, horizon, make_plan
from pipeline.plan.schedule import Settings, load_settings
from pipeline.results.besttime import best_time_from
from pipeline.results.performance import performance_from
from pipeline.store.db import open_project


class PlanRefused(EtalaseError):
    """A plan change the rules do not allow; says why in English and (pesan) in Bahasa Indonesia."""

    def __init__(self, message: str, pesan: str, hint: str = ""):
        self.message, self.pesan, self.hint = message, pesan, hint
        super().__init__(f"{message}\n    hint: {hint}" if hint else message)


class OutOfRange(PlanRefused):
    """A date or a range beyond what the plan may look at (max_days_ahead, max_days_back)."""


@dataclass
class Context:
    """Everything one command needs, loaded once."""

    project: Project
    settings: Settings
    catalog: Catalog
    conn: sqlite3.Connection
    clock: Clock
    approved: list[Product] = field(default_factory=list)

    @property
    def today(self) -> dt.date:
        return self.settings.today(self.clock.now())

    def now(self) -> dt.datetime:
        return self.clock.now().astimezone(self.settings.zone)


def open_context(project: Project, clock: Clock | None = None, conn: sqlite3.Connection | None = None) -> Context:
    settings = load_settings(project.schedule, "schedule.yaml")
    catalog = load_catalog(project.content)
    conn = conn or open_project(project)
    clock = clock or SystemClock(settings.timezone)
    return Context(project, learned(settings, conn), catalog, conn, clock, reviews.approved_products(conn, catalog))


def learned(settings: Settings, conn: sqlite3.Connection) -> Settings:
    """The settings with post_at as the results say (the council's own best hour once best_time_posts
    posts have results; until then the configured one), and why, for the checklist and the day page."""
    best = best_time_from(conn, configured=settings.post_at, needed=settings.best_time_posts, zone=settings.zone)
    return replace(settings, post_at=best.at, post_at_reason=best.reason)


def dates(ctx: Context, start: dt.date | None = None, days: int | None = None) -> list[dt.date]:
    """`days` days from `start` (default: the horizon from today); OutOfRange beyond the plan's reach."""
    start = start or ctx.today
    days = ctx.settings.horizon_days if days is None else days  # 0 is refused below, not the default
    check_range(ctx, start, days)
    return horizon(start, days)


def reach(ctx: Context) -> tuple[dt.date, dt.date]:
    """The first and last date the plan, the build and the dashboard may look at (schedule.yaml)."""
    s = ctx.settings
    return ctx.today - dt.timedelta(days=s.max_days_back), ctx.today + dt.timedelta(days=s.max_days_ahead)


def check_range(ctx: Context, start: dt.date, days: int = 1) -> None:
    """Refuse at once what would plan without end: the planner runs from today to the last day
    asked for, so 9999-12-31 (or --days 1000000) would hold a core for minutes and fill memory."""
    first, last = reach(ctx)
    s = ctx.settings
    hint = (f"the plan reaches {s.max_days_back} days back and {s.max_days_ahead} ahead "
            "(max_days_back, max_days_ahead in schedule.yaml)")
    if days < 1:
        raise OutOfRange(f"{days} days: ask for 1 day or more", f"{days} hari: minta paling sedikit 1 hari", hint)
    end = (start - ctx.today).days + days - 1  # days ahead of today; no date arithmetic that could overflow
    if start < first or end > s.max_days_ahead:
        asked = f"{start}" if days == 1 else f"{days} days from {start}"
        diminta = f"{start}" if days == 1 else f"{days} hari mulai {start}"
        raise OutOfRange(f"{asked} is outside the plan's range: use dates from {first} to {last}",
                         f"{diminta} di luar jangkauan rencana: pilih tanggal {first} sampai {last}", hint)


def current_plan(ctx: Context, days: list[dt.date]) -> list[Slot]:
    performance = None
    if ctx.settings.rotation.learn:
        performance = performance_from(ctx.conn, {slug: p.craft for slug, p in ctx.catalog.products.items()})
    return make_plan(days, ctx.approved, ctx.catalog.artisans, ctx.settings, S.history(ctx.conn),
                     S.overrides(ctx.conn), performance)


def plan_days(ctx: Context, wanted: Iterable[dt.date]) -> list[Slot]:
    """The wanted days as every caller must see them: the future planned as one run from today
    (earlier days' choices shape later ones; picks beyond a day do not change it), past days
    apart, so a view that starts last week shows the same coming posts as `plan` and `build`."""
    wanted = sorted(set(wanted))
    if wanted:
        check_range(ctx, wanted[0], (wanted[-1] - wanted[0]).days + 1)
    today = ctx.today
    past = [d for d in wanted if d < today]
    slots = current_plan(ctx, past) if past else []
    if wanted and wanted[-1] >= today:
        keep = set(wanted)
        future = dates(ctx, today, (wanted[-1] - today).days + 1)
        slots += [s for s in current_plan(ctx, future) if s.date in keep]
    return slots


def slot_for(ctx: Context, day: dt.date) -> Slot:
    return plan_days(ctx, [day])[0]


def actor(conn: sqlite3.Connection, name: str | None) -> str:
    """Who is changing the plan: a named admin or curator (--as or $ETALASE_USER), else the OS login
    (a one-person office needs no user accounts to post)."""
    name = (name or os.environ.get(U.USER_ENV, "")).strip()
    if name:
        user = U.get(conn, name)
        U.require(user, (C.ADMIN, C.CURATOR), "change the plan or the ledger")
        return user.name
    try:
        return "os:" + getpass.getuser()
    except (KeyError, OSError):  # pragma: no cover - no login name (some containers)
        return "os:unknown"


def _not_past(ctx: Context, day: dt.date, what: str) -> None:
    check_range(ctx, day)
    if day < ctx.today:
        raise PlanRefused(f"{day} is in the past: cannot {what} it", f"{day} sudah lewat: tidak bisa diubah",
                          f"today is {ctx.today} ({ctx.settings.timezone})")


def _not_posted(ctx: Context, day: dt.date, what: str) -> None:
    if day in S.posts(ctx.conn):
        raise PlanRefused(f"{day} is already posted: cannot {what} it", f"{day} sudah diposting: tidak bisa diubah",
                          f"if it was not really posted: etalase unposted {day}")


def approval_problem(ctx: Context, slug: str) -> PlanRefused | None:
    """Why `slug` cannot be planned (None when it is approved at its current content)."""
    if any(p.slug == slug for p in ctx.approved):
        return None
    try:
        st = reviews.status(ctx.conn, ctx.catalog, slug)
    except NotFound as exc:
        return PlanRefused(str(exc), f"produk `{slug}` tidak ditemukan")
    label = C.STATE_LABELS_ID.get(st.state, st.state)
    if st.problems:
        why, alasan = "its file has errors (etalase check)", "file produknya bermasalah (jalankan etalase check)"
    elif st.state == C.NEEDS_REVIEW:
        why = "it was edited after approval and needs review again"
        alasan = "diubah setelah disetujui; perlu kurasi ulang"
    else:
        why, alasan = f"it is {st.state.replace('_', ' ')}, not approved", f"statusnya {label}, belum disetujui"
    return PlanRefused(f"`{slug}` cannot be planned: {why}", f"`{slug}` tidak bisa dijadwalkan: {alasan}",
                       "a curator approves it first: etalase review approve " + slug)


def swap(ctx: Context, day: dt.date, slug: str, who: str) -> Slot:
    _not_past(ctx, day, "swap")
    _not_posted(ctx, day, "swap")
    refused = approval_problem(ctx, slug)
    if refused:
        raise refused
    S.set_product(ctx.conn, day, slug, SWAPPED, who, ctx.now())
    return slot_for(ctx, day)


def pin(ctx: Context, day: dt.date, who: str) -> Slot:
    """Freeze what the plan gives `day` now, so later approvals cannot move it."""
    _not_past(ctx, day, "pin")
    _not_posted(ctx, day, "pin")
    slot = slot_for(ctx, day)
    if not slot.product:
        raise PlanRefused(f"{day} has no product to pin ({slot.reason})", f"{day} tidak punya produk untuk dikunci",
                          f"choose one: etalase plan swap {day} PRODUCT")
    S.set_product(ctx.conn, day, slot.product, PINNED, who, ctx.now())
    return slot_for(ctx, day)


def unpin(ctx: Context, day: dt.date, who: str) -> Slot:
    _not_past(ctx, day, "unpin")
    if not S.clear_product(ctx.conn, day, who, ctx.now()):
        raise PlanRefused(f"{day} has no swap or pin to undo", f"{day} tidak punya pilihan admin")
    return slot_for(ctx, day)


def skip(ctx: Context, day: dt.date, who: str, skipped: bool = True) -> Slot:
    what = "skip" if skipped else "unskip"
    _not_past(ctx, day, what)
    _not_posted(ctx, day, what)
    if not S.set_skipped(ctx.conn, day, skipped, who, ctx.now()):
        raise PlanRefused(f"{day} is {'already' if skipped else 'not'} skipped",
                          f"{day} {'sudah' if skipped else 'tidak sedang'} dilewati")
    return slot_for(ctx, day)


def go_global(ctx: Context, day: dt.date, who: str, on: bool = True) -> Slot:
    """Mark DATE Go Global (its post also gets an English caption file) or unmark it; the next build
    renders the day again, since the mark is one of its inputs."""
    what = "mark Go Global" if on else "unmark Go Global"
    _not_past(ctx, day, what)
    _not_posted(ctx, day, what)
    if not S.set_go_global(ctx.conn, day, on, who, ctx.now()):
        raise PlanRefused(f"{day} is {'already' if on else 'not'} marked Go Global",
                          f"{day} {'sudah' if on else 'tidak sedang'} ditandai Go Global")
    return slot_for(ctx, day)


def channel_named(ctx: Context, name: str | None) -> str:
    """A channel schedule.yaml lists (default: the first, TikTok unless set otherwise)."""
    names = [c.name for c in ctx.settings.channels]
    if not name:
        return names[0]
    if name not in names:
        raise PlanRefused(f"`{name}` is not one of this council's channels: {', '.join(names)}",
                          f"`{name}` bukan kanal dewan ini: {', '.join(names)}",
                          "channels are set in schedule.yaml (channels:)")
    return name


def posted_product(ctx: Context, day: dt.date) -> tuple[str, str] | None:
    """(product, artisan) that `day` exported or plans, for marking it posted."""
    build = S.builds(ctx.conn).get(day)
    if build and build.status == "ok" and build.product:
        return build.product, build.artisan or ""
    slot = slot_for(ctx, day)
    if slot.product:
        return slot.product, slot.artisan or ""
    return None


def mark_posted(ctx: Context, day: dt.date, who: str, url: str | None = None, product: str | None = None,
                channel: str | None = None) -> S.Post:
    """Mark `channel` (default: the first channel) posted; the day counts as posted from its first channel."""
    check_range(ctx, day)
    channel = channel_named(ctx, channel)
    if day > ctx.today:
        raise PlanRefused(f"{day} is in the future: it cannot be posted yet", f"{day} belum tiba",
                          f"today is {ctx.today} ({ctx.settings.timezone})")
    if url and not url.startswith(("https://", "http://")):
        raise PlanRefused(f"`{url}` is not a link", f"`{url}` bukan tautan", "paste the post's link, https://...")
    if product:
        if product not in ctx.catalog.products:
            raise NotFound(f"no product `{product}` in the catalogue")
        chosen = (product, ctx.catalog.products[product].artisan)
    else:
        chosen = posted_product(ctx, day)
    if chosen is None:
        raise PlanRefused(f"{day} has no exported or planned product", f"{day} tidak punya produk",
                          "name it: --product SLUG")
    S.mark_posted(ctx.conn, day, chosen[0], chosen[1], url, who, ctx.now(), channel,
                  day_url=channel == ctx.settings.channels[0].name)
    return S.posts(ctx.conn)[day]


def mark_unposted(ctx: Context, day: dt.date, who: str, channel: str | None = None) -> S.Post | S.ChannelPost:
    """Remove the day's posted mark (every channel's), or with `channel` only that channel's: the day
    stays posted while another channel is marked. Returns what was removed."""
    if channel:
        channel = channel_named(ctx, channel)
        removed = S.unmark_channel(ctx.conn, day, channel, who, ctx.now())
        if removed is None:
            raise PlanRefused(f"{day} is not marked posted on {channel}", f"{day} belum ditandai diunggah di {channel}")
        return removed[0]
    gone = S.mark_unposted(ctx.conn, day, who, ctx.now())
    if gone is None:
        raise PlanRefused(f"{day} is not marked posted", f"{day} belum ditandai diposting")
    return gone


def is_posted(slot: Slot) -> bool:
    return POSTED in slot.flags
