"""`etalase cache prune`: shrink a render cache (a project's state/cache/renders/, or a hub's) to a size,
oldest use first."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from pipeline.build.cache import RenderCache
from pipeline.build.lock import BuildLock
from pipeline.cli.common import project
from pipeline.hub.councils import find_councils, hub_cache, hub_state
from pipeline.plan.schedule import byte_size, load_settings

ORDER = 36


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("cache", help="the render cache: finished renders kept by their input hash",
                       description="Builds keep each finished render once under STATE/cache/renders/<hash>/ so an "
                                   "unchanged or repeated post is exported without rendering again. Every build "
                                   "trims the cache to schedule.yaml's render_cache (default 2 GB).")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    prune = actions.add_parser("prune", help="remove the least recently used renders until the cache fits",
                               description="Remove renders, least recently used first, until the cache is at most "
                                           "--max-size; prints what it removed. Exported day folders keep their "
                                           "own copies (hard links), so nothing the admin sees changes.")
    prune.add_argument("--max-size", metavar="SIZE", type=size_arg,
                       help="e.g. 500 MB, 2 GB or 0 for everything (default: schedule.yaml's render_cache)")
    prune.add_argument("--hub", type=Path, metavar="COUNCILS_DIR",
                       help="prune the cache a hub's councils share (COUNCILS_DIR/.etalase-hub/) instead of "
                            "this project's (default size: 2 GB per council)")
    prune.set_defaults(func=run_prune)


def size_arg(text: str) -> int:
    """argparse's type for a byte size (500 MB, 2 GB)."""
    try:
        return byte_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _size_text(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n / 1e3:.1f} kB"


def run_prune(args: argparse.Namespace) -> int:
    if args.hub:
        roots = find_councils(args.hub)
        state = hub_state(args.hub)
        cache = hub_cache(state, len(roots), args.max_size)
    else:
        proj = project(args)
        state = proj.state
        limit = args.max_size
        if limit is None:
            limit = load_settings(proj.schedule, "schedule.yaml").render_cache
        cache = RenderCache.of(proj.state, limit)
    limit = cache.max_bytes
    with BuildLock(state).held():  # a build may be placing renders from the cache right now
        removed = cache.prune()
        kept = cache.entries()
    for entry in removed:
        used = dt.datetime.fromtimestamp(entry.used).astimezone().isoformat(timespec="seconds")
        print(f"removed {entry.digest[:12]}  {_size_text(entry.size)}  last used {used}")
    print(f"{len(removed)} render(s) removed, {_size_text(sum(e.size for e in removed))} freed; "
          f"{len(kept)} kept ({_size_text(sum(e.size for e in kept))}, limit {_size_text(limit)})")
    return 0
