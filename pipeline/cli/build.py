"""`etalase build`, `etalase posted`, `etalase unposted`: export the coming days and keep the ledger."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from pipeline.build import orchestrate as B
from pipeline.build.failures import is_disk_full
from pipeline.cli.common import day_count, project
from pipeline.cli.plan import apply, context, parse_day, resolve
from pipeline.plan import ledger as S

ORDER = 31


def register(sub: argparse._SubParsersAction) -> None:
    b = sub.add_parser("build", help="render and export the coming days into exports/YYYY-MM-DD/",
                       description="Plan the coming days and export each into exports/YYYY-MM-DD/ (video.mp4, "
                                   "cover.jpg, slides/, caption.txt, post.json, checklist.html), plus the week "
                                   "overview exports/index.html. Unchanged days are skipped, changed ones re-rendered "
                                   "(the old folder moves to exports/.replaced/), posted days never touched. A failing "
                                   "day gets a YYYY-MM-DD.FAILED.txt note and the command exits 1 at the end.")
    b.add_argument("--days", type=day_count, metavar="N", help="how many days from today (default: horizon_days)")
    b.add_argument("--date", type=parse_day, metavar="DATE", help="build only this day (YYYY-MM-DD, today, +N)")
    b.add_argument("--draft", action="store_true", help="small, fast video (540x960) for trying things out")
    b.add_argument("--workers", type=int, default=1, metavar="N",
                   help="render N days at once in separate processes (default 1: each video already uses both "
                        "cores of a small PC)")
    b.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                   help="wait this long for another running build instead of stopping at once")
    b.set_defaults(func=run_build)

    p = sub.add_parser("posted", help="record that DATE's post is up on a channel (feeds the rotation)",
                       description="Mark a day as posted on one channel (default: the first in schedule.yaml, "
                                   "TikTok unless set otherwise). The day counts as posted once any channel is "
                                   "marked; a posted day's folder is never rewritten by later builds.")
    p.add_argument("date", type=parse_day, metavar="DATE", help="YYYY-MM-DD, today or a past day")
    p.add_argument("--channel", metavar="NAME", help="tiktok, instagram, facebook, youtube or whatsapp "
                                                     "(one of schedule.yaml's channels)")
    p.add_argument("--url", metavar="URL", help="the post's link on that channel")
    p.add_argument("--product", metavar="SLUG", help="what was posted, when it differs from the export")
    p.add_argument("--as", dest="actor", metavar="NAME", help="record as this user (default: $ETALASE_USER or login)")
    p.set_defaults(func=run_posted)

    u = sub.add_parser("unposted", help="remove DATE's posted mark (a mistake, or the post was taken down)",
                       description="Without --channel every channel's mark goes; with it only that channel's, and "
                                   "the day stays posted while another channel is marked.")
    u.add_argument("date", type=parse_day, metavar="DATE")
    u.add_argument("--channel", metavar="NAME", help="remove only this channel's mark")
    u.add_argument("--as", dest="actor", metavar="NAME", help="record as this user")
    u.set_defaults(func=run_unposted)


class TqdmReporter:
    """A bar over the days to render; per-video bars come from the video renderer itself."""

    def __init__(self) -> None:
        self.bar = None

    def start(self, days: list[dt.date], to_render: int) -> None:
        from tqdm import tqdm

        if to_render:
            self.bar = tqdm(total=to_render, desc="days", unit="day", position=0, leave=True, file=sys.stderr)

    def day(self, outcome: B.DayOutcome) -> None:
        if outcome.status in (B.BUILT, B.FAILED, B.STOPPED) and self.bar is not None:
            self.bar.update(1)
            self.bar.write(line(outcome), file=sys.stderr)
        else:
            print(line(outcome), file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class PlainReporter:
    """One line per day, for logs, pipes and the scheduler."""

    def __init__(self, write=None) -> None:
        self.write = write or (lambda text: print(text, file=sys.stderr, flush=True))

    def start(self, days: list[dt.date], to_render: int) -> None:
        self.write(f"{len(days)} day(s) from {days[0] if days else '-'}: {to_render} to render")

    def day(self, outcome: B.DayOutcome) -> None:
        self.write(line(outcome))

    def close(self) -> None:
        pass


def line(o: B.DayOutcome) -> str:
    what = {B.BUILT: f"built in {o.seconds:.1f} s", B.UNCHANGED: "unchanged", B.POSTED_DAY: "posted, left alone",
            B.NO_POST: "no post", B.FAILED: "FAILED", B.STOPPED: "not built (stopped)"}[o.status]
    text = f"{o.date}  {what:<22} {o.product or '-'}"
    if o.status == B.NO_POST:
        text += f"  ({o.reason})"
    if o.replaced:
        text += f"  (old folder kept in {o.replaced.parent.name}/{o.replaced.name})"
    if o.status == B.FAILED:
        text += "\n    " + o.message.strip().splitlines()[0]
        if o.failure:  # the admin's words: what happened (e.g. "Disk penuh: ..."), then what to do
            text += f"\n    {o.failure.pesan}\n    {o.failure.todo}"
    return text


def reporter(interactive: bool | None = None):
    interactive = sys.stderr.isatty() if interactive is None else interactive
    return TqdmReporter() if interactive else PlainReporter()


def run_build(args: argparse.Namespace) -> int:
    proj = project(args)
    only = None
    if args.date is not None:
        with context(args) as ctx:
            only = resolve(args.date, ctx.today)
    rep = reporter()
    options = B.Options(days=args.days, only=only, draft=args.draft, workers=args.workers,
                        video_progress=sys.stderr.isatty() and args.workers <= 1, lock_wait=args.wait)
    try:
        report = B.build(proj, options, reporter=rep)
    except OSError as exc:
        if not is_disk_full(exc):
            raise
        print(f"error: disk full (disk penuh): {exc}; free space on {proj.exports} and run `etalase build` again",
              file=sys.stderr)
        return 1
    finally:
        rep.close()
    return finish(report, proj.exports)


def finish(report: B.BuildReport, exports) -> int:
    print(f"{report.summary()}.")
    if report.cache_hits:
        print(f"{report.cache_hits} of them from the render cache (same inputs rendered before), "
              f"{report.renders} rendered.")
    if report.index:
        print(f"Week overview: {report.index}")
    if report.pruned:
        print(f"Removed {len(report.pruned)} old replaced folder(s) from {exports / '.replaced'} "
              f"(keep_replaced in schedule.yaml): " + ", ".join(p.name for p in report.pruned))
    ready = [d for d in report.days if d.status in (B.BUILT, B.UNCHANGED)]
    if ready:
        print(f"First day ready: {exports / ready[0].date.isoformat() / 'checklist.html'}")
    for d in report.failed:
        if d.note:
            print(f"error: {d.date} FAILED ({d.product}): see {d.note}", file=sys.stderr)
        else:  # not even the note fits (a full disk): say it here
            print(f"error: {d.date} FAILED ({d.product}), no note written: {d.failure.pesan if d.failure else ''}"
                  f"\n    {d.message.strip().splitlines()[-1]}", file=sys.stderr)
    for problem in report.problems:
        print(f"error: {problem}", file=sys.stderr)
    return 0 if report.ok else 1


def run_posted(args: argparse.Namespace) -> int:
    _, post = apply(args, "posted", url=args.url, product=args.product, channel=args.channel)
    mark = post.channels.get(args.channel) if args.channel else None
    url = mark.url if mark else post.url
    print(f"{post.day} marked posted: {post.product}" + (f" on {args.channel}" if args.channel else "")
          + (f" ({url})" if url else ""))
    return 0


def run_unposted(args: argparse.Namespace) -> int:
    _, gone = apply(args, "unposted", channel=args.channel)
    if isinstance(gone, S.ChannelPost):
        print(f"{gone.day} no longer marked posted on {gone.channel}")
        return 0
    print(f"{gone.day} no longer marked posted (was {gone.product}); the next build may re-render it")
    return 0
