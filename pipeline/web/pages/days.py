"""Hari ini, Kalender and Riwayat: the admin's day, the plan around it, and what was posted.

Everything here goes through pipeline/plan/admin.py (the same rules as `etalase plan`); this module
only shapes a day for the page: which product, what status, which files are ready to download.
A day's status comes from pipeline/export/status.py (the same function the week overview uses), so
a day not built yet shows "belum dibuat" and a failed build shows what to do instead of a traceback.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from pipeline.build import changes
from pipeline.common.errors import NotFound
from pipeline.common.models import Artisan, Product
from pipeline.curation import reviews
from pipeline.export.failed import Note
from pipeline.export.folders import day_dir, download_name, download_stem
from pipeline.export.status import DayStatus, day_status
from pipeline.plan import admin as P
from pipeline.plan import ledger as S
from pipeline.plan.planner import BLACKOUT, PINNED, SKIPPED, SWAPPED, Slot
from pipeline.web.auth import PLANNERS, require, viewer, web
from pipeline.web.files import zip_response
from pipeline.web.labels import tanggal
from pipeline.web.pages.products import fold
from pipeline.web.render import flash, page, paged
from pipeline.web.state import WebState

PAST_DAYS = 7  # the calendar shows the past week, then the horizon; older weeks page back


@dataclass(frozen=True)
class Day:
    """One calendar day as the dashboard shows it."""

    date: dt.date
    slot: Slot
    status: str  # planned, ready, failed, posted, skipped (pipeline/export/status.py decides)
    product: Product | None
    artisan: Artisan | None
    manifest: dict | None
    post: S.Post | None
    state: DayStatus
    today: dt.date

    @property
    def note(self) -> Note | None:
        """The latest build failure: the day's whole story when failed, a warning when ready."""
        return self.state.note

    @property
    def iso(self) -> str:
        return self.date.isoformat()

    @property
    def is_today(self) -> bool:
        return self.date == self.today

    @property
    def past(self) -> bool:
        return self.date < self.today

    @property
    def changeable(self) -> bool:
        return not self.past and self.post is None

    @property
    def pinned(self) -> bool:
        return bool(self.slot.flags & {PINNED, SWAPPED})

    @property
    def skipped(self) -> bool:
        return SKIPPED in self.slot.flags

    @property
    def reason(self) -> str:
        if self.state.gone_by:
            return "Tidak ada unggahan tercatat untuk tanggal ini."
        return self.slot.reason

    @property
    def files(self) -> dict:
        return (self.manifest or {}).get("files") or {}

    def url(self, role: str) -> str | None:
        name = self.files.get(role)
        return f"/ekspor/{self.iso}/{name}" if isinstance(name, str) else None

    @property
    def slides(self) -> list[str]:
        return [f"/ekspor/{self.iso}/{s}" for s in self.files.get("slides") or []]

    def saved_as(self, role: str, index: int = 0) -> dict | None:
        """A file to save or share on the phone: its link, download link and the name it is saved under
        (export.folders.download_name: day and product)."""
        listed = self.files.get(role)
        file = listed[index] if role == "slides" and isinstance(listed, list) and index < len(listed) else listed
        if not isinstance(file, str):
            return None
        url = f"/ekspor/{self.iso}/{file}"
        return {"url": url, "download": url + "?unduh=1", "name": download_name(self.manifest, file) or file}

    @property
    def slide_files(self) -> list[dict]:
        return [self.saved_as("slides", i) for i in range(len(self.files.get("slides") or []))]

    @property
    def hero(self) -> str | None:
        return self.product.hero.file if self.product and self.product.photos else None


def context(state: WebState) -> P.Context:
    """planning's Context from the dashboard's caches (the catalogue is not re-read per request)."""
    conn = state.db()
    settings = state.memo("learned settings", lambda: P.learned(state.settings(), conn))
    cat = state.catalog()
    approved = state.memo("approved", lambda: reviews.approved_products(conn, cat))
    return P.Context(state.project, settings, cat, conn, state.clock, list(approved))


def days(ctx: P.Context, first: dt.date, last: dt.date) -> list[Day]:
    """Days from `first` to `last`, planned the way the build plans them (from today onwards)."""
    posts = S.posts(ctx.conn)
    return [_day(ctx, slot, posts.get(slot.date), ctx.today)
            for slot in P.plan_days(ctx, P.dates(ctx, first, (last - first).days + 1))]


def cached_days(state: WebState, first: dt.date, last: dt.date) -> list[Day]:
    """`days` once per state version: ranking a thousand products takes the planner a while."""
    return state.memo(("days", first, last), lambda: days(context(state), first, last))


def cached_day(state: WebState, date: dt.date) -> Day:
    return cached_days(state, date, date)[0]


def _day(ctx: P.Context, slot: Slot, post: S.Post | None, today: dt.date) -> Day:
    slug = post.product if post else slot.product
    state = day_status(ctx.project.exports, slot.date, slug, posted=post is not None,
                       no_post=not slot.product or bool(slot.flags & {SKIPPED, BLACKOUT}), today=today)
    product = ctx.catalog.products.get(slug) if slug and not state.gone_by else None
    artisan = ctx.catalog.artisans.get(product.artisan) if product else None
    return Day(slot.date, slot, state.code, product, artisan, state.manifest, post, state, today)


def suggested_time(day: Day, settings) -> str:
    """When to post: the export's own time when the day is built, else the schedule's."""
    return (day.manifest or {}).get("suggested_time") or settings.post_time(day.date).isoformat()


def suggested_reason(settings, date: dt.date) -> str:
    """Why the suggested time is what it is; nothing on a weekday with its own post_at (the reason is not its)."""
    return settings.post_at_reason if settings.weekdays[date.weekday()].post_at is None else ""


def caption(day: Day, exports: Path) -> str:
    name = day.files.get("caption")
    if not isinstance(name, str):
        return ""
    try:
        return (day_dir(exports, day.date) / name).read_text(encoding="utf-8").rstrip("\n")
    except OSError:
        return ""


def candidates(ctx: P.Context, date: dt.date) -> tuple[list[Product], list[Product]]:
    """Approved products for the swap picker: those matching the day's theme first, then the rest."""
    theme = ctx.settings.day(date).theme
    products = sorted(ctx.approved, key=lambda p: p.name.casefold())
    if theme is None:
        return [], products
    fit = [p for p in products if theme.matches(p.craft, p.tags)]
    return fit, [p for p in products if p not in fit]


def parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise NotFound(value) from None


def history(ctx: P.Context) -> dict:
    """Posted days (newest first) and how often each craft, artisan and kecamatan was featured."""
    posts = sorted(S.posts(ctx.conn).values(), key=lambda p: p.day, reverse=True)
    cat = ctx.catalog
    crafts, artisans, kecamatan = Counter(), Counter(), Counter()
    for p in posts:
        product, artisan = cat.products.get(p.product), cat.artisans.get(p.artisan)
        crafts[cat.crafts[product.craft].name if product and product.craft in cat.crafts else "(tidak diketahui)"] += 1
        artisans[artisan.name if artisan else p.artisan] += 1
        kecamatan[artisan.kecamatan if artisan else "(tidak diketahui)"] += 1
    return {"posts": posts, "crafts": crafts.most_common(), "artisans": artisans.most_common(),
            "kecamatan": kecamatan.most_common(), "with_url": sum(1 for p in posts if p.url)}


def cached_history(state: WebState) -> dict:
    """`history` once per state version: a year of ledger is read and counted once, not per request."""
    return state.memo("history", lambda: history(context(state)))


CHANGES = changes.CHANGES  # what the admin may change about a day: one table for the pages, API and CLI


def change(request: Request, date: dt.date, action: str, what: str, *, product: str | None = None,
           url: str | None = None) -> None:
    """Apply one of CHANGES as the acting planner (LoginRequired or PermissionDenied otherwise);
    exports/index.html is refreshed with it."""
    state = web(request)
    user = require(request, PLANNERS, what)
    changes.apply(context(state), action, date, user.name, product=product, url=url)
    state.wrote()


# Pages -------------------------------------------------------------------------------------

router = APIRouter(dependencies=[Depends(viewer)], include_in_schema=False)  # pages: not part of the API


@router.get("/")
def today_page(request: Request):
    state = web(request)
    ctx = context(state)
    return _day_page(request, ctx, cached_day(state, ctx.today))


@router.get("/hari/{date}")
def day_page(request: Request, date: str):
    state = web(request)
    return _day_page(request, context(state), cached_day(state, parse_date(date)))


def _day_page(request: Request, ctx: P.Context, day: Day):
    return day_page_response(request, ctx, day)


def day_page_response(request: Request, ctx: P.Context, day: Day, results=None, status_code: int = 200):
    """The day page; `results`: the results form as a refused send left it (pipeline/web/pages/results.py)."""
    from pipeline.web.pages import results as R

    state = web(request)
    return page(request, "today.html", status_code, title="Hari ini" if day.is_today else day.iso, day=day,
                caption=caption(day, ctx.project.exports), suggested=suggested_time(day, ctx.settings),
                zone=ctx.settings.timezone, suggested_reason=suggested_reason(ctx.settings, day.date),
                can_build=state.request_build is not None, warnings=ctx.settings.warnings,
                prepare_at=ctx.settings.prepare_at, results=results or R.block(ctx, day.date))


@router.get("/kalender")
def calendar_page(request: Request, mulai: str = ""):
    """Two weeks back and the horizon ahead; `mulai` pages through earlier weeks."""
    state = web(request)
    ctx = context(state)
    today = ctx.today
    width = dt.timedelta(days=PAST_DAYS + ctx.settings.horizon_days)
    first = parse_date(mulai) if mulai else today - dt.timedelta(days=PAST_DAYS)
    span = P.dates(ctx, first, width.days)  # OutOfRange (404) before any date arithmetic could overflow
    shown = cached_days(state, span[0], span[-1])
    return page(request, "calendar.html", title="Kalender", days=shown, today=today,
                earlier=(first - width).isoformat(), paged=bool(mulai), approved=len(ctx.approved))


@router.get("/hari/{date}/tukar")
def swap_picker(request: Request, date: str, q: str = "", halaman: int = 1):
    """The swap picker: approved products, the day's theme first, searchable (a thousand do not fit a select)."""
    state = web(request)
    ctx = context(state)
    day = cached_day(state, parse_date(date))
    fit, rest = candidates(ctx, day.date)
    words = fold(q).split()
    cat = ctx.catalog
    rows = [(p, p in fit) for p in fit + rest
            if all(w in fold(f"{p.name} {p.slug} {cat.artisans[p.artisan].name if p.artisan in cat.artisans else ''}")
                   for w in words)]
    return page(request, "swap.html", title="Tukar produk", day=day, catalog=cat,
                theme=ctx.settings.day(day.date).theme, **paged(rows, halaman, f"/hari/{day.iso}/tukar", q=q))


@router.get("/riwayat")
def history_page(request: Request, halaman: int = 1):
    """The counts over every posted day, the days themselves a page at a time (a year is 365 rows)."""
    state = web(request)
    summary = cached_history(state)
    return page(request, "history.html", title="Riwayat", catalog=state.catalog(), **summary,
                **paged(summary["posts"], halaman, "/riwayat"))


@router.get("/hari/{date}/slides.zip")
def slides_zip(request: Request, date: str):
    state = web(request)
    day = cached_day(state, parse_date(date))
    folder = day_dir(state.project.exports, day.date)
    slides = day.files.get("slides") or []
    if not slides:
        raise NotFound(f"{date} slides")
    named = [(folder / s, download_name(day.manifest, s) or s) for s in slides]
    return zip_response(named, f"{download_stem(day.manifest or {})}-slide.zip")


# Actions -----------------------------------------------------------------------------------

def _act(request: Request, date: str, action: str, what: str, message: str, back: str, **values):
    day = parse_date(date)
    change(request, day, action, what, **values)
    flash(request, message.format(date=tanggal(day)))
    return RedirectResponse(back if back.startswith("/") and not back.startswith("//") else "/kalender",
                            status_code=303)


@router.post("/hari/{date}/tukar")
def swap(request: Request, date: str, product: str = Form(...), kembali: str = Form("/kalender")):
    return _act(request, date, "swap", "menukar produk", "Produk untuk {date} sudah ditukar.", kembali,
                product=product)


@router.post("/hari/{date}/kunci")
def pin(request: Request, date: str, kembali: str = Form("/kalender")):
    return _act(request, date, "pin", "mengunci hari", "Produk untuk {date} dikunci.", kembali)


@router.post("/hari/{date}/lepas")
def unpin(request: Request, date: str, kembali: str = Form("/kalender")):
    return _act(request, date, "unpin", "melepas kunci", "{date} kembali dipilih otomatis.", kembali)


@router.post("/hari/{date}/lewati")
def skip(request: Request, date: str, kembali: str = Form("/kalender")):
    return _act(request, date, "skip", "melewati hari", "{date} dilewati: tidak ada unggahan.", kembali)


@router.post("/hari/{date}/batal-lewati")
def unskip(request: Request, date: str, kembali: str = Form("/kalender")):
    return _act(request, date, "unskip", "membatalkan lewati", "{date} dijadwalkan lagi.", kembali)


@router.post("/hari/{date}/diunggah")
def posted(request: Request, date: str, url: str = Form(""), kembali: str = Form("/")):
    return _act(request, date, "posted", "menandai sudah diunggah", "{date} ditandai sudah diunggah. Terima kasih!",
                kembali, url=url)


@router.post("/hari/{date}/batal-unggah")
def unposted(request: Request, date: str, kembali: str = Form("/")):
    return _act(request, date, "unposted", "membatalkan tanda diunggah",
                "Tanda sudah diunggah untuk {date} dibatalkan.", kembali)


@router.post("/hari/{date}/buat")
def build_now(request: Request, date: str, kembali: str = Form("/")):
    state = web(request)
    require(request, PLANNERS, "membuat ulang posting")
    if state.request_build is None:
        raise NotFound("build")
    state.request_build(parse_date(date))
    flash(request, "Sedang dibuat. Muat ulang halaman ini dalam satu atau dua menit.")
    return RedirectResponse(kembali if kembali.startswith("/") and not kembali.startswith("//") else "/",
                            status_code=303)
