"""The admin's changes to a day, as the CLI and the dashboard apply them: the rule-checked use-case
from pipeline/plan/admin.py, then exports/index.html refreshed so it never disagrees with them. A
curator's decision and a saved content edit refresh it too (an approval can make a day stale, an edit
sends a product back to review and its day to another product).

Lives at the edge (build/) because the overview does: plan/ must not import what comes after it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.build.overview import write_index
from pipeline.curation import reviews
from pipeline.curation import rules as C
from pipeline.curation import users as U
from pipeline.plan import admin as P

# Each takes (context, date, acting user's name, product for a swap, URL for a post, channel for a post).
CHANGES: dict[str, Callable[[P.Context, dt.date, str, str | None, str | None, str | None], Any]] = {
    "swap": lambda c, d, w, product, url, channel: P.swap(c, d, product or "", w),
    "pin": lambda c, d, w, product, url, channel: P.pin(c, d, w),
    "unpin": lambda c, d, w, product, url, channel: P.unpin(c, d, w),
    "skip": lambda c, d, w, product, url, channel: P.skip(c, d, w),
    "unskip": lambda c, d, w, product, url, channel: P.skip(c, d, w, skipped=False),
    "global": lambda c, d, w, product, url, channel: P.go_global(c, d, w),
    "unglobal": lambda c, d, w, product, url, channel: P.go_global(c, d, w, on=False),
    "posted": lambda c, d, w, product, url, channel: P.mark_posted(c, d, w, (url or "").strip() or None, product,
                                                                   channel),
    "unposted": lambda c, d, w, product, url, channel: P.mark_unposted(c, d, w, channel),
}


@dataclass(frozen=True)
class Applied:
    result: Any  # the use-case's own result: a Slot, a Post for posted/unposted (a ChannelPost for one channel)
    index: Path | None  # the refreshed overview; None when there is none yet or it could not be written
    problem: str = ""  # why the overview was not refreshed (the change itself is recorded)


def apply(ctx: P.Context, action: str, day: dt.date, who: str, *, product: str | None = None,
          url: str | None = None, channel: str | None = None) -> Applied:
    """Apply one of CHANGES (raises what the use-case raises), then refresh the overview."""
    result = CHANGES[action](ctx, day, who, product, url, channel or None)
    return Applied(result, *refresh_index(ctx))


def decide(ctx: P.Context, slug: str, action: str, user: U.User, note: str = "", checks: C.Checks | None = None,
           *, settings: C.CurationSettings = C.CurationSettings(), expected_hash: str | None = None) -> Applied:
    """A review decision (raises what reviews.decide raises), then the overview refreshed."""
    decision = reviews.decide(ctx.conn, ctx.catalog, slug, action, user, note, checks, settings=settings,
                              clock=ctx.clock, expected_hash=expected_hash)
    ctx.approved = reviews.approved_products(ctx.conn, ctx.catalog)  # the decision may have changed them
    return Applied(decision, *refresh_index(ctx))


def edited(ctx: P.Context) -> Applied:
    """After a product or artisan file was saved: `ctx` loaded after the save, so the overview sees it."""
    return Applied(None, *refresh_index(ctx))


def refresh_index(ctx: P.Context) -> tuple[Path | None, str]:
    """Rewrite exports/index.html when there is one (the first build makes it)."""
    if not ctx.project.exports.is_dir():
        return None, ""
    try:
        return write_index(ctx), ""
    except OSError as exc:
        return None, f"exports/index.html was not refreshed: {exc}"
