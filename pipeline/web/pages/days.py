"""Hari ini, Kalender and Riwayat: the admin's day, the plan around it, and what was posted.

Everything here goes through pipeline/plan/admin.py (the same rules as `etalase plan`); this module
only shapes a day for the page: which product, what status, which files are ready to download.
A day's status comes from pipeline/export/status.py (the same function the week overview uses), so
a day not built yet shows "belum dibuat" and a failed build shows what to do instead of a traceback.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse

from pipeline.build import changes
from pipeline.build import progress as G
from pipeline.build.freshness import InputHashes, make_loader
from pipeline.common.errors import EtalaseError, NotFound
from pipeline.common.models import Artisan, Product
from pipeline.curation import reviews
from pipeline.export.failed import Note
from pipeline.export.folders import day_dir, download_name, download_stem
from pipeline.export.status import DayStatus, day_status
from pipeline.plan import admin as P
from pipeline.plan import ledger as S
from pipeline.plan.planner import BLACKOUT, PINNED, SKIPPED, SWAPPED, Slot
from pipeline.render.audio import choose_bed, music_files
from pipeline.render.scenes import AudioSettings, load_video_template
from pipeline.render.templates import as_texts
from pipeline.web.auth import PLANNERS, require, safe_path, viewer, web
from pipeline.web.files import zip_response
from pipeline.web.labels import jam_zona, tanggal
from pipeline.web.pagecache import cached_page
from pipeline.web.pages.products import fold
from pipeline.web.render import flash, page, paged
from pipeline.web.state import WebState, stamp

PAST_DAYS = 7  # /api/days shows the past week, then the horizon (the calendar pages by week)


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
    def stale(self) -> str:
        """Why the files on disk no longer match the day ("" when they do): offer "Buat ulang"."""
        return self.state.stale

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
    def channels(self) -> list[dict]:
        """The export's channels (post.json: what to upload, caption, its count and limit), each with its
        posted mark from the ledger (`mark`, None when not marked there yet)."""
        marks = self.post.channels if self.post else {}
        return [{**c, "mark": marks.get(c.get("name"))} for c in (self.manifest or {}).get("channels") or []]

    @property
    def english(self) -> dict | None:
        """A Go Global post's English caption (post.json), None when neither the day nor the product asked."""
        return (self.manifest or {}).get("english")

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


def days(ctx: P.Context, first: dt.date, last: dt.date, hashes: InputHashes | None = None) -> list[Day]:
    """Days from `first` to `last`, planned the way the build plans them (from today onwards)."""
    posts = S.posts(ctx.conn)
    hashes = hashes or InputHashes(ctx)  # stale days: the same digest the build compares
    return [_day(ctx, slot, posts.get(slot.date), ctx.today, hashes)
            for slot in P.plan_days(ctx, P.dates(ctx, first, (last - first).days + 1))]


def cached_days(state: WebState, first: dt.date, last: dt.date) -> list[Day]:
    """`days` once per state version: ranking a thousand products takes the planner a while."""
    def compute() -> list[Day]:
        ctx = context(state)
        # one Loader per state version for every view (10 s at most behind a template edit, as every memo)
        loader = state.memo("loader", lambda: make_loader(ctx))
        return days(ctx, first, last, InputHashes(ctx, lambda: loader))
    return state.memo(("days", first, last), compute)


def cached_day(state: WebState, date: dt.date) -> Day:
    return cached_days(state, date, date)[0]


def _day(ctx: P.Context, slot: Slot, post: S.Post | None, today: dt.date, hashes: InputHashes) -> Day:
    slug = post.product if post else slot.product
    state = day_status(ctx.project.exports, slot.date, slug, posted=post is not None,
                       no_post=not slot.product or bool(slot.flags & {SKIPPED, BLACKOUT}), today=today,
                       input_hash=hashes.of(slot))
    product = ctx.catalog.products.get(slug) if slug and not state.gone_by else None
    artisan = ctx.catalog.artisans.get(product.artisan) if product else None
    return Day(slot.date, slot, state.code, product, artisan, state.manifest, post, state, today)


def plays_own_music(state: WebState, day: Day) -> bool:
    """Whether the day's video carries music of its own. Not when its video template says `music: none`,
    or says `auto` with nothing in content/music/: the day page then reminds the admin to add a sound
    in TikTok (and turn the video's original, silent sound down). The template's audio settings are
    read once per state version; a template that does not load is the build's to report."""
    if not day.product or not isinstance(day.files.get("video"), str):
        return True
    recorded = (day.manifest or {}).get("video") or {}
    if "bed" in recorded:  # the render said which bed it used (post.json's "video")
        return recorded["bed"] is not None
    template = str((day.manifest or {}).get("template") or "default")

    def audio() -> AudioSettings:
        texts = as_texts(state.project)
        return load_video_template(texts, template if template in texts.template_names("videos", ".yaml")
                                   else "default").audio
    try:
        bed, _ = choose_bed(state.project, state.memo(("video_audio", template), audio), day.product)
        return bed is not None
    except EtalaseError:
        return True


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


def content_saved(state: WebState) -> None:
    """A product or artisan file was saved: drop what was derived from content/, then let exports/index.html
    follow (the core's refresh: an edit sends an approved product back to review, and its day elsewhere).
    Blocking (reloads the catalogue, plans): call it from a worker thread."""
    state.wrote(content=True)
    try:
        changes.edited(context(state))
    except EtalaseError:  # e.g. a broken schedule.yaml: the save itself succeeded, the pages say what is wrong
        log.warning("exports/index.html not refreshed after a content save", exc_info=True)


log = logging.getLogger("etalase.web")

CHANGES = changes.CHANGES  # what the admin may change about a day: one table for the pages, API and CLI


def change(request: Request, date: dt.date, action: str, what: str, *, product: str | None = None,
           url: str | None = None, channel: str | None = None) -> None:
    """Apply one of CHANGES as the acting planner (LoginRequired or PermissionDenied otherwise);
    exports/index.html is refreshed with it."""
    state = web(request)
    user = require(request, PLANNERS, what)
    changes.apply(context(state), action, date, user.name, product=product, url=url, channel=channel)
    state.wrote()


# Pages -------------------------------------------------------------------------------------

def _day_key(request: Request) -> tuple:
    """What a day page shows that the state version does not see, for its cache key: the build's progress
    (state/build-progress.json) and content/music/'s files (whether to remind the admin to add a sound)."""
    state = web(request)
    date = request.path_params.get("date")
    day = parse_date(date) if date else state.today()
    return (tuple(sorted(G.of_day(state.project.state, day, state.clock.now()).items())),
            tuple((p.name, stamp(p)) for p in music_files(state.project)))


router = APIRouter(dependencies=[Depends(viewer)], include_in_schema=False)  # pages: not part of the API


@router.get("/")
@cached_page(_day_key)
def today_page(request: Request):
    state = web(request)
    ctx = context(state)
    return _day_page(request, ctx, cached_day(state, ctx.today))


@router.get("/hari/{date}")
@cached_page(_day_key)
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
                zone=ctx.settings.timezone, progress=G.of_day(state.project.state, day.date, state.clock.now()),
                suggested_reason=suggested_reason(ctx.settings, day.date),
                own_music=plays_own_music(state, day),
                can_build=state.request_build is not None, warnings=ctx.settings.warnings,
                prepare_at=ctx.settings.prepare_at, results=results or R.block(ctx, day.date))


@router.get("/kalender")
@cached_page()
def calendar_page(request: Request, mulai: str = ""):
    """One Monday-to-Sunday week: the one holding today, or the one holding `mulai` (the week buttons)."""
    state = web(request)
    ctx = context(state)
    week = calendar_week(ctx, parse_date(mulai) if mulai else ctx.today)
    shown = cached_days(state, week.days[0], week.days[-1])
    return page(request, "calendar.html", title="Kalender", days=shown, today=ctx.today, week=week,
                times={d.iso: jam_zona(suggested_time(d, ctx.settings), ctx.settings.timezone) for d in shown},
                approved=len(ctx.approved), placed_days=[d.iso for d in shown])


@dataclass(frozen=True)
class Week:
    """The calendar's week: its Monday, the days the plan may show (schedule.yaml's reach cuts the
    first and last weeks short), and the Mondays of the weeks either side when they are in reach."""

    monday: dt.date
    days: list[dt.date]
    earlier: dt.date | None
    later: dt.date | None
    holds_today: bool

    def back(self, iso: str) -> str:
        """Where a change to day `iso` returns to: this week, scrolled to that day."""
        return f"/kalender?mulai={self.monday.isoformat()}#d-{iso}"


def calendar_week(ctx: P.Context, asked: dt.date) -> Week:
    P.check_range(ctx, asked)  # OutOfRange (404) before any date arithmetic could overflow
    first, last = P.reach(ctx)
    monday = asked - dt.timedelta(days=asked.weekday())
    days = [d for d in (monday + dt.timedelta(days=i) for i in range(7)) if first <= d <= last]
    sunday = monday + dt.timedelta(days=6)
    return Week(monday, days, monday - dt.timedelta(days=7) if monday > first else None,
                sunday + dt.timedelta(days=1) if sunday < last else None, monday <= ctx.today <= sunday)


def week_back(ctx: P.Context, date: dt.date) -> str:
    return calendar_week(ctx, date).back(date.isoformat())


@router.get("/hari/{date}/tukar")
@cached_page()
def swap_picker(request: Request, date: str, q: str = "", halaman: int = 1):
    """The swap picker: approved products, the day's theme first, searchable (a thousand do not fit a select);
    each says when it was last posted and whether the coming week already has it."""
    state = web(request)
    ctx = context(state)
    day = cached_day(state, parse_date(date))
    fit, rest = candidates(ctx, day.date)
    words = fold(q).split()
    cat = ctx.catalog
    folded = state.memo("swap_search", lambda: {  # folded once per state version, not per keystroke
        p.slug: fold(f"{p.name} {p.slug} {cat.artisans[p.artisan].name if p.artisan in cat.artisans else ''}")
        for p in ctx.approved})
    rows = [(p, p in fit) for p in fit + rest if all(w in folded.get(p.slug, "") for w in words)]
    coming = {d.product.slug: d.date for d in cached_days(state, ctx.today, ctx.today + dt.timedelta(days=6))
              if d.product and d.date != day.date and not d.skipped}
    return page(request, "swap.html", title="Tukar produk", day=day, catalog=cat, back=week_back(ctx, day.date),
                theme=ctx.settings.day(day.date).theme, last_posted=last_posted(state), coming=coming,
                **paged(rows, halaman, f"/hari/{day.iso}/tukar", q=q))


def last_posted(state: WebState) -> dict[str, dt.date]:
    """Each product's latest posted day, from the ledger (once per state version)."""
    return state.memo("last_posted", lambda: {p.product: p.day for p in S.posts(state.db()).values()})  # by day


@router.get("/riwayat")
@cached_page()
def history_page(request: Request, halaman: int = 1):
    """The counts over every posted day, the days themselves a page at a time (a year is 365 rows)."""
    state = web(request)
    summary = cached_history(state)
    return page(request, "history.html", title="Riwayat", catalog=state.catalog(), **summary,
                **paged(summary["posts"], halaman, "/riwayat"))


@router.get("/hari/{date}/kemajuan.json")
def progress(request: Request, date: str):
    """What the day page polls while its build runs (and the served checklist asks once): the build's
    progress for the day, and whether its files are stale. A plain def: FastAPI runs it in a worker thread."""
    state = web(request)
    day = parse_date(date)
    shown = cached_day(state, day)
    return JSONResponse({"date": day.isoformat(), "status": shown.status, "stale": shown.stale,
                         **G.of_day(state.project.state, day, state.clock.now())},
                        headers={"Cache-Control": "no-store"})


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
    """Apply a change, then back to where the admin was with the confirmation beside that day."""
    day = parse_date(date)
    change(request, day, action, what, **values)
    flash(request, message.format(date=tanggal(day)), day=day.isoformat())
    return RedirectResponse(safe_path(back, "/kalender"), status_code=303)


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


@router.post("/hari/{date}/global")
def go_global(request: Request, date: str, kembali: str = Form("/")):
    return _act(request, date, "global", "menandai Go Global",
                "{date} ditandai Go Global: caption bahasa Inggris dibuat saat posting dibuat berikutnya.", kembali)


@router.post("/hari/{date}/batal-global")
def not_global(request: Request, date: str, kembali: str = Form("/")):
    return _act(request, date, "unglobal", "membatalkan Go Global", "{date} tidak lagi Go Global.", kembali)


@router.post("/hari/{date}/diunggah")
def posted(request: Request, date: str, url: str = Form(""), kanal: str = Form(""), kembali: str = Form("/")):
    where = f" di {_label(request, kanal)}" if kanal else ""
    return _act(request, date, "posted", "menandai sudah diunggah",
                "{date} ditandai sudah diunggah" + where + ". Terima kasih!", kembali, url=url, channel=kanal)


@router.post("/hari/{date}/batal-unggah")
def unposted(request: Request, date: str, kanal: str = Form(""), kembali: str = Form("/")):
    where = f" di {_label(request, kanal)}" if kanal else ""
    return _act(request, date, "unposted", "membatalkan tanda diunggah",
                "Tanda sudah diunggah" + where + " untuk {date} dibatalkan.", kembali, channel=kanal)


def _label(request: Request, name: str) -> str:
    """A channel as the admin knows it (schedule.yaml's channels); the name itself when it is not one."""
    return next((c.label for c in web(request).settings().channels if c.name == name), name)


@router.post("/hari/{date}/buat")
def build_now(request: Request, date: str, kembali: str = Form("/")):
    state = web(request)
    require(request, PLANNERS, "membuat ulang posting")
    if state.request_build is None:
        raise NotFound("build")
    day = parse_date(date)
    G.queue(state.project.state, day, state.clock.now())  # the page shows it waiting at once
    state.request_build(day)
    flash(request, "Sedang dibuat. Halaman ini diperbarui sendiri setelah selesai.")
    return RedirectResponse(safe_path(kembali), status_code=303)
