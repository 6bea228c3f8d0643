"""`etalase users ...`: who may submit and who may decide (passwords come with the dashboard)."""

from __future__ import annotations

import argparse
import os

from .. import users as U
from ..curation import ROLES
from .review import add_actor, context, when

ORDER = 21


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("users", help="the people who curate: add, list, change roles",
                       description="Roles: admin (manages users, decides), curator (decides), editor (submits). "
                                   "Until an admin exists anyone may add users; after that only admins.")
    us = p.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    ap = us.add_parser("add", help="add a user")
    ap.add_argument("name")
    ap.add_argument("--role", choices=ROLES, required=True)
    add_actor(ap)
    ap.set_defaults(func=run_add)
    lp = us.add_parser("list", help="list users and roles")
    lp.set_defaults(func=run_list)
    rp = us.add_parser("role", help="change a user's role (admins)")
    rp.add_argument("name")
    rp.add_argument("role", choices=ROLES)
    add_actor(rp)
    rp.set_defaults(func=run_role)


def run_add(args: argparse.Namespace) -> int:
    with context(args) as ctx:
        named = args.actor or os.environ.get(U.USER_ENV)
        actor = U.acting(ctx.conn, named) if named else None  # none: allowed only until an admin exists
        user = U.add(ctx.conn, args.name, args.role, actor, ctx.clock())
        print(f"added {user.name} ({user.role})")
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
