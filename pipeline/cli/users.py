"""`etalase users ...`: who may submit and who may decide, and their dashboard passwords."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from pipeline.cli.review import add_actor, context, when
from pipeline.curation import passwords
from pipeline.curation import users as U
from pipeline.curation.rules import ROLES
from pipeline.curation.users import UserRefused

ORDER = 21


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("users", help="the people who curate: add, list, change roles",
                       description="Roles: admin (manages users, decides), curator (decides), editor (submits). "
                                   "Until an admin exists anyone may add users; after that only admins.")
    us = p.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    ap = us.add_parser("add", help="add a user")
    ap.add_argument("name")
    ap.add_argument("--role", choices=ROLES, required=True)
    add_password_options(ap)
    add_actor(ap)
    ap.set_defaults(func=run_add)
    pp = us.add_parser("password", help="set or reset a user's dashboard password (admins)")
    pp.add_argument("name")
    pp.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add_actor(pp)
    pp.set_defaults(func=run_password)
    lp = us.add_parser("list", help="list users and roles")
    lp.set_defaults(func=run_list)
    rp = us.add_parser("role", help="change a user's role (admins)")
    rp.add_argument("name")
    rp.add_argument("role", choices=ROLES)
    add_actor(rp)
    rp.set_defaults(func=run_role)


def run_add(args: argparse.Namespace) -> int:
    secret = dashboard_password(args)  # asked first, so a refused password adds nobody
    with context(args) as ctx:
        named = args.actor or os.environ.get(U.USER_ENV)
        actor = U.acting(ctx.conn, named) if named else None  # none: allowed only until an admin exists
        user = U.add(ctx.conn, args.name, args.role, actor, ctx.clock())
        if secret is not None:
            passwords.set_password(ctx.conn, user.name, secret)
        print(f"added {user.name} ({user.role})" + (", with a dashboard password" if secret is not None else ""))
    return 0


# Dashboard passwords ---------------------------------------------------------------------

def add_password_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--password-stdin", action="store_true",
                       help="read the dashboard password from standard input (scripts, tests)")
    group.add_argument("--no-password", action="store_true",
                       help="no dashboard login: a CLI-only user (the default when not run in a terminal)")


def dashboard_password(args: argparse.Namespace, required: bool = False) -> str | None:
    """The password to store: from stdin, or asked twice in a terminal; None for a CLI-only user."""
    if getattr(args, "no_password", False):
        return None
    if args.password_stdin:
        secret = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        secret = getpass.getpass("Dashboard password (at least 8 characters): ")
        if getpass.getpass("Again: ") != secret:
            raise UserRefused("the two passwords differ; nothing was changed")
    elif required:
        raise UserRefused("no terminal to ask for the password: pass --password-stdin and pipe it in")
    else:
        return None
    try:
        passwords.check_strength(secret)
    except passwords.WeakPassword as exc:
        raise UserRefused(f"{exc}; nothing was changed") from None
    return secret


def run_password(args: argparse.Namespace) -> int:
    secret = dashboard_password(args, required=True)
    with context(args) as ctx:
        U.require(U.acting(ctx.conn, args.actor), ("admin",), "set passwords")
        user = U.get(ctx.conn, args.name)
        passwords.set_password(ctx.conn, user.name, secret)
        print(f"password set for {user.name}; their open dashboard sessions end now")
    return 0


def run_list(args: argparse.Namespace) -> int:
    with context(args) as ctx:
        people = U.list_users(ctx.conn)
        if not people:
            print("no users yet: etalase users add NAME --role admin")
        width = max((len(u.name) for u in people), default=0)
        for u in people:
            print(f"{u.name:<{width}}  {u.role:<8} since {when(u.created_at)}"
                  + ("  (dashboard login)" if u.has_password else ""))
    return 0


def run_role(args: argparse.Namespace) -> int:
    with context(args) as ctx:
        user = U.set_role(ctx.conn, args.name, args.role, U.acting(ctx.conn, args.actor))
        print(f"{user.name} is now {user.role}")
    return 0
