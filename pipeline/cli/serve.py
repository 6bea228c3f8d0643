"""`etalase serve`: the dashboard and the daily scheduler in one process.

On 127.0.0.1 (the default; any 127.x.y.z, ::1 or localhost counts) the dashboard can be used without a
login; bound to any other address, or behind a proxy (--trust-proxy), every page needs one, so it refuses
to start until at least one user has a password. Forwarded headers (X-Forwarded-For) are believed only
from the proxy named by --trust-proxy: otherwise anyone could claim a fresh address per login attempt.
`--lan` serves on this computer's office-network address and prints a QR code of the URL for the admin's
phone (the dashboard shows the same code under "Buka di HP").
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from pipeline.cli.common import project
from pipeline.common.errors import PermissionDenied
from pipeline.curation import passwords
from pipeline.curation import users as U
from pipeline.store import db as store

ORDER = 60


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="start the dashboard (and the daily scheduler) for the admin and curators",
                       description="Serve the dashboard on HOST:PORT and run the daily prepare job in the same "
                                   "process. On 127.0.0.1 pages open without a login; on any other address every "
                                   "page needs one (set passwords with `etalase users add` or `users password`).")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1; 0.0.0.0 lets phones on the office network in)")
    where.add_argument("--lan", action="store_true",
                       help="listen on this computer's office-network address and print a QR code of the URL "
                            "to scan with a phone (every page needs a login)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--no-scheduler", action="store_true", help="serve only; do not run the daily prepare job")
    p.add_argument("--as", dest="actor", metavar="NAME",
                   help="on 127.0.0.1 only: visitors who have not logged in act as this user")
    p.add_argument("--trust-proxy", metavar="ADDRESS",
                   help="a reverse proxy at ADDRESS (comma-separated list, e.g. 127.0.0.1) serves the dashboard: "
                        "believe its X-Forwarded-For/-Proto headers; every page then needs a login")
    p.add_argument("--secure-cookies", action="store_true",
                   help="mark the session cookie Secure (when a proxy serves the dashboard over HTTPS)")
    p.set_defaults(func=run)


def prepare(args: argparse.Namespace, request_build=None):
    """The app for these arguments, or PermissionDenied/NotFound before anything listens."""
    from pipeline.web import create_app
    from pipeline.web.lan import FALLBACK, lan_address, url_for
    from pipeline.web.security import is_loopback

    proj = project(args)
    lan_url = None
    if getattr(args, "lan", False):
        args.host = lan_address()
        lan_url = url_for(args.host, args.port) if args.host != FALLBACK else None
    loopback = is_loopback(args.host) and not args.trust_proxy  # a proxy brings the network in
    conn = store.open_project(proj)
    try:
        if not loopback and not passwords.anyone_has_password(conn):
            raise PermissionDenied(
                f"refusing to listen on {args.host}: nobody has a dashboard password yet, so anyone on the "
                "network could use it\n    hint: etalase users add NAME --role admin   (asks for a password), "
                "or serve on 127.0.0.1")
        if args.actor:
            if not loopback:
                raise PermissionDenied("--as works only on 127.0.0.1 without --trust-proxy: on a network "
                                       "everyone logs in")
            U.get(conn, args.actor)
    finally:
        conn.close()
    app = create_app(proj, require_login=not loopback, local_user=args.actor,
                     loopback_only=loopback, secure_cookies=args.secure_cookies,
                     request_build=request_build, lan_url=lan_url)
    return app, proj


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from pipeline.build import scheduler as sched
    from pipeline.plan.schedule import load_settings

    running: list = []  # (scheduler, prepare) once started: checks come first, then the scheduler

    def request_build(_day: dt.date) -> None:
        """Build now, in the scheduler's single build thread (unchanged days are skipped by hash)."""
        if running:
            scheduler, prep = running
            scheduler.add_job(prep.run, args=["manual"], id="manual_build", replace_existing=True)

    app, proj = prepare(args, None if args.no_scheduler else request_build)
    if not args.no_scheduler:
        log = sched.configure_logging(proj.state / "logs" / "scheduler.log",
                                      load_settings(proj.schedule, "schedule.yaml"))
        print(f"Scheduler log: {log}")
        running.extend(sched.start(proj))
    try:
        where = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
        print(f"Etalase dashboard: http://{where}:{args.port}/" + ("" if running else "  (scheduler off)"))
        if args.host in ("0.0.0.0", "::"):
            print("Listening on every network address: open http://<this computer's address>:"
                  f"{args.port}/ on a phone in the office network; every page asks for a login.")
        if getattr(args, "lan", False):
            announce_lan(args.host, args.port)
        sys.stdout.flush()
        # uvicorn believes X-Forwarded-For from 127.0.0.1 by default (and $FORWARDED_ALLOW_IPS): only a named proxy
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning", proxy_headers=bool(args.trust_proxy),
                    forwarded_allow_ips=args.trust_proxy or "")
    finally:
        if running:
            sched.stop(*running)
    return 0


def announce_lan(host: str, port: int) -> None:
    """The phone's way in: the URL and its QR code, or why there is none."""
    from pipeline.web.lan import FALLBACK, qr_text, url_for

    if host == FALLBACK:
        print("No office-network address found (is this computer on the Wi-Fi or a network cable?): serving on "
              "127.0.0.1 only, which a phone cannot reach. Connect to the office network and start again.")
        return
    url = url_for(host, port)
    print(f"Open on a phone in the office network: {url}")
    try:
        print(qr_text(url), end="")
    except UnicodeEncodeError:  # a Windows console without UTF-8: the dashboard's "Buka di HP" shows the code
        print("(this console cannot draw the QR code: open Hari ini > Buka di HP on this computer)")
    print("Scan the code with the phone's camera; every page asks for a login.")
