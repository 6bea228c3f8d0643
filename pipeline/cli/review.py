"""`etalase review ...`: the curators' queue, one product in full, decisions, history, export."""

from __future__ import annotations

import argparse
import sqlite3
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.build import changes
from pipeline.catalog.reader import load_catalog
from pipeline.catalog.rupiah import format_rupiah
from pipeline.cli.common import project
from pipeline.common import atomic
from pipeline.common.clock import SystemClock
from pipeline.common.models import Catalog
from pipeline.common.project import Project
from pipeline.curation import reviews as R
from pipeline.curation import rules as C
from pipeline.curation import users as U
from pipeline.plan.admin import open_context
from pipeline.plan.schedule import load_settings
from pipeline.store import db as store

ORDER = 20

# CLI verbs -> state machine actions
VERBS = {"submit": "submit", "approve": "approve", "changes": "request_changes", "reject": "reject",
         "retire": "retire", "restore": "restore"}
VERB_HELP = {
    "submit": "hand a product to the curators (editors, curators, admins)",
    "approve": "approve exactly the current version of a product (curators, admins)",
    "changes": "send a product back to its editor with a note saying what to fix",
    "reject": "refuse a product for posting, with the reason",
    "retire": "stop posting an approved product (sold out, withdrawn)",
    "restore": "post a retired product again; it needs review if it changed since its approval",
}
# The order the list shows: what needs a curator first.
LIST_ORDER = (C.NEEDS_REVIEW, C.SUBMITTED, C.CHANGES_REQUESTED, C.DRAFT, C.APPROVED, C.RETIRED, C.REJECTED)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("review", help="curate products: the queue, decisions, history, export",
                       description="Work through the curators' queue. Decisions are recorded with who, when, a note, "
                                   "the checklist and the product's content hash; editing a product afterwards sends "
                                   "it back to review.")
    rs = p.add_subparsers(dest="review_command", metavar="ACTION", required=True)

    lp = rs.add_parser("list", help="products and their review state, the queue first")
    lp.add_argument("--state", action="append", choices=C.SHOWN_STATES + ("queue",), metavar="STATE",
                    help="only this state (repeatable): " + ", ".join(C.SHOWN_STATES) + ", or queue")
    lp.set_defaults(func=run_list)

    sp = rs.add_parser("show", help="one product in full: fields, photos, what changed, history")
    sp.add_argument("product")
    sp.set_defaults(func=run_show)

    hp = rs.add_parser("history", help="every decision on a product, oldest first")
    hp.add_argument("product")
    hp.set_defaults(func=run_history)

    ep = rs.add_parser("export", help="the whole audit trail as CSV or JSON")
    ep.add_argument("--format", choices=("csv", "json"), default="csv")
    ep.add_argument("--out", metavar="FILE", help="write here instead of the screen")
    ep.set_defaults(func=run_export)

    for verb, action in VERBS.items():
        dp = rs.add_parser(verb, help=VERB_HELP[verb], description=VERB_HELP[verb])
        dp.add_argument("product")
        dp.add_argument("--note", default="", help="why; required for changes, reject and retire")
        if action in ("approve", "request_changes", "reject"):
            dp.add_argument("--check", action="append", default=[], metavar="ITEM[=no]",
                            help="a checklist item you confirmed (repeatable), or `all`; see `review show`")
            dp.add_argument("--hash", metavar="PREFIX",
                            help="refuse unless the product is still the version `review show` printed")
        add_actor(dp)
        dp.set_defaults(func=run_decide, action=action)


def add_actor(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as", dest="actor", metavar="NAME", help=f"act as this user (default: ${U.USER_ENV})")


# Shared by the command modules of this area ------------------------------------------------

@dataclass
class Context:
    project: Project
    conn: sqlite3.Connection
    settings: C.CurationSettings

    def catalog(self) -> Catalog:
        return load_catalog(self.project.content)

    def clock(self) -> SystemClock:
        return configured_clock(self.project)


def configured_clock(proj: Project) -> SystemClock:
    """The machine's clock in the zone schedule.yaml names (Asia/Jakarta when it names none)."""
    return SystemClock(load_settings(proj.schedule).timezone)


@contextmanager
def context(args: argparse.Namespace) -> Iterator[Context]:
    proj = project(args)
    settings = C.load_settings(proj.content)
    for w in settings.warnings:
        print(f"warning: {w}", file=sys.stderr)
    conn = store.open_project(proj)
    try:
        yield Context(proj, conn, settings)
    finally:
        conn.close()


def when(at: str) -> str:
    """ISO time with offset -> '2026-11-27 09:01 +07:00' (what the office reads)."""
    return f"{at[:10]} {at[11:16]} {at[-6:]}" if len(at) >= 22 else at


def label(state: str) -> str:
    return state.replace("_", " ")


# Commands --------------------------------------------------------------------------------

def run_list(args: argparse.Namespace) -> int:
    with context(args) as ctx:
        cat = ctx.catalog()
        items = R.statuses(ctx.conn, cat, ctx.settings)
        wanted = set(args.state or ()) | (set(C.QUEUE) if "queue" in (args.state or ()) else set())
        shown = sorted((s for s in items if not wanted or s.state in wanted),
                       key=lambda s: (LIST_ORDER.index(s.state), s.product))
        counts = R.counts(items)
        others = [f"{n} {label(s)}" for s, n in counts.items() if n and s not in C.QUEUE]
        print(f"{counts[C.SUBMITTED] + counts[C.NEEDS_REVIEW]} awaiting review "
              f"({counts[C.SUBMITTED]} new or resubmitted, {counts[C.NEEDS_REVIEW]} edited after approval)"
              + "".join(f"; {o}" for o in others) + ".")
        if not shown:
            print("nothing to show" + (" in that state" if wanted else ""))
            return 0
        width = max(len(s.product) for s in shown)
        for st in shown:
            print(f"{st.product:<{width}}  {label(st.state):<17}  {_list_detail(ctx.conn, cat, st, ctx.settings)}")
    return 0


def _list_detail(conn: sqlite3.Connection, cat: Catalog, st: R.Status, settings: C.CurationSettings) -> str:
    parts = []
    if st.missing:
        parts.append("file deleted")
    elif not st.valid:
        parts.append(f"{len(st.problems)} error(s): run `etalase check`")
    if st.last:
        parts.append(f"{st.last.action.replace('_', ' ')} by {st.last.user} {when(st.last.at)}")
    if st.state == C.NEEDS_REVIEW and st.valid:
        changes = R.what_changed(conn, cat, st.product, settings)
        parts.append("changed: " + ", ".join(_short(changes)))
    return "; ".join(parts) or "never reviewed"


def _short(changes: R.Changes) -> list[str]:
    out = [c.field for c in changes.fields]
    out += [f"photo {f} added" for f in changes.photos_added]
    out += [f"photo {f} removed" for f in changes.photos_removed]
    out += [f"photo {f} replaced" for f in changes.photos_changed]
    if changes.hero_changed:
        out.append("hero photo")
    elif changes.reordered:
        out.append("photo order")
    if changes.text_only:
        out.append("comments/layout only")
    return out


def _value(v: Any, limit: int = 70) -> str:
    """One line; cut to `limit` characters unless limit is 0."""
    text = "(none)" if v is None else ", ".join(map(str, v)) if isinstance(v, list) else str(v)
    text = " ".join(text.split())
    return text if not limit or len(text) <= limit else text[: limit - 1] + "…"


def run_show(args: argparse.Namespace) -> int:
    with context(args) as ctx:
        cat = ctx.catalog()
        st = R.status(ctx.conn, cat, args.product, ctx.settings)
        product = cat.products.get(args.product)
        print(f"{args.product}: {label(st.state)} ({C.STATE_LABELS_ID[st.state]})")
        if product:
            artisan = cat.artisans[product.artisan]
            print(f"file: {cat.root.parent / product.source}")
            print(f"version: {product.content_hash[:12]}  (approve exactly this: --hash {product.content_hash[:12]})")
            rows = [("name", product.name),
                    ("artisan", f"{artisan.name} ({product.artisan}), kecamatan {artisan.kecamatan}"),
                    ("photo consent", "yes" if artisan.photo_consent else "NO (see the artisan's file)"),
                    ("craft", cat.crafts[product.craft].name), ("price", _price(product.price)),
                    ("availability", product.availability), ("materials", list(product.materials)),
                    ("size", product.size), ("colours", list(product.colours)), ("story", product.story),
                    ("story_en", product.story_en), ("tags", list(product.tags)),
                    ("certifications", list(product.certifications))]
            print("fields:")
            for name, v in rows:
                if v not in ("", [], None) or name in ("name", "price"):
                    text = textwrap.fill(_value(v, limit=0), width=100, initial_indent=" " * 18,
                                         subsequent_indent=" " * 18)
                    print(f"  {name + ':':<16}{text[18:]}")
            print("photos:")
            for i, photo in enumerate(product.photos, 1):
                print(f"  {i}. {photo.path}" + ("  (hero)" if i == 1 else ""))
            for p in cat.problems_for(product.source) + cat.problems_for(artisan.source):
                print(f"  warning: {p}")
        else:
            print("this product does not load, so it cannot be approved:" if st.problems else "its file is gone")
            for p in st.problems:
                print(f"  error: {p}")
        changes = R.what_changed(ctx.conn, cat, args.product, ctx.settings)
        if changes is not None:
            _print_changes(changes)
        print("checklist (confirm with --check ITEM, or --check all):")
        for item in ctx.settings.checklist:
            print(f"  {item.id:<18}{item.label}" + (f"  [{item.help}]" if item.help else ""))
        _print_history(R.history(ctx.conn, args.product))
        allowed = [v for v, a in VERBS.items() if a in C.allowed_actions(st.state)]
        if allowed and product:
            print(f"next: etalase review {'|'.join(allowed)} {args.product} --note \"...\"")
    return 0


def _price(price: int | None) -> str:
    return format_rupiah(price) if price is not None else "(none)"


def _print_changes(changes: R.Changes) -> None:
    since = changes.since
    head = f"changes since {since.action.replace('_', ' ')} by {since.user} {when(since.at)}"
    if not changes:
        print(f"{head}: none")
        return
    print(f"{head}:")
    for c in changes.fields:
        if c.words:
            text = textwrap.fill(" ".join(_marked(op, t) for op, t in c.words), width=100,
                                 initial_indent=f"  {c.field}: ", subsequent_indent="    ")
            print(text)
        else:
            print(f"  {c.field}: {_value(c.before, 50)} -> {_value(c.after, 50)}")
    for line in _short(changes):
        if line.startswith("photo") or line.startswith("hero") or line.startswith("comments"):
            print(f"  {line}")


def _marked(op: str, text: str) -> str:
    """A word diff as `git diff --word-diff` writes it: [-removed-] {+added+}."""
    return {"removed": f"[-{text}-]", "added": f"{{+{text}+}}"}.get(op, text)


def run_history(args: argparse.Namespace) -> int:
    with context(args) as ctx:
        R.status(ctx.conn, ctx.catalog(), args.product, ctx.settings)  # NotFound for a typo
        _print_history(R.history(ctx.conn, args.product))
    return 0


def _print_history(trail: list[R.Decision]) -> None:
    if not trail:
        print("history: no decisions yet")
        return
    print("history:")
    for d in trail:
        checked = [k for k, v in d.checks.items() if v]
        refused = [k for k, v in d.checks.items() if v is False]
        print(f"  #{d.id} {when(d.at)}  {d.user} ({d.role})  {d.action.replace('_', ' ')}: "
              f"{label(d.from_state)} -> {label(d.to_state)}  version {d.content_hash[:12]}")
        if d.note:
            print(f"      note: {d.note}")
        if checked or refused:
            bad = f"; not ok: {', '.join(refused)}" if refused else ""
            print(f"      checked: {', '.join(checked) or '-'}{bad}")


def run_decide(args: argparse.Namespace) -> int:
    with context(args) as ctx:
        user = U.acting(ctx.conn, args.actor)
        checks = C.parse_checks(ctx.settings, getattr(args, "check", []))
        plan = open_context(ctx.project, ctx.clock(), ctx.conn)
        applied = changes.decide(plan, args.product, args.action, user, args.note, checks, settings=ctx.settings,
                                 expected_hash=getattr(args, "hash", None))  # exports/index.html follows
        d = applied.result
        if applied.problem:
            print(f"warning: {applied.problem}", file=sys.stderr)
        print(f"{args.product}: {label(d.from_state)} -> {label(d.to_state)} "
              f"(decision #{d.id} by {d.user}, {when(d.at)}, version {d.content_hash[:12]})")
    return 0


def run_export(args: argparse.Namespace) -> int:
    with context(args) as ctx:
        if not args.out:
            n = R.export(ctx.conn, args.format, sys.stdout)
        else:
            out = Path(args.out).resolve()
            with atomic.output(out) as tmp, open(tmp, "w", encoding="utf-8", newline="") as f:
                n = R.export(ctx.conn, args.format, f)
            print(f"{n} decisions written to {out}", file=sys.stderr)
    return 0
