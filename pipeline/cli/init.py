"""`etalase init DIR [--sample]`: start a new council project (or a copy of the bundled sample)."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipeline.common.scaffold import Identity, init_project

ORDER = 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="start a new council project in DIR (content, schedule, own templates)",
                       description="Write a new project that `etalase check` accepts: content/ with crafts.yaml, "
                                   "region.yaml, one example artisan and product (placeholder photo), a commented "
                                   "schedule.yaml, and templates/ for the council's own overrides. Refuses a folder "
                                   "that is not empty.")
    p.add_argument("dir", metavar="DIR", help="the new project folder (created; must be empty if it exists)")
    p.add_argument("--sample", action="store_true",
                   help="copy the bundled sample project (Dekranasda Serdang Bedagai) instead of the starter")
    d = Identity()
    p.add_argument("--council", default=d.council, metavar="NAME",
                   help=f"the council's full name (default: {d.council})")
    p.add_argument("--short-name", default=d.short_name, metavar="NAME", help="a shorter name for small print")
    p.add_argument("--handle", default=d.handle, metavar="@HANDLE", help="the council's TikTok handle")
    p.add_argument("--regency", default=d.regency, metavar="NAME", help="the regency (kabupaten) posts name")
    p.add_argument("--kecamatan", nargs="+", default=list(d.kecamatan), metavar="NAME",
                   help="the regency's districts artisans may name (edit content/region.yaml later for the rest)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    who = Identity(args.council, args.short_name, args.handle, args.regency, tuple(args.kecamatan))
    dest = Path(args.dir)
    files = init_project(dest, sample=args.sample, identity=who)
    print(f"Wrote {len(files)} files into {dest}.")
    if args.sample:
        print(f"Next: cd {dest} && etalase demo --draft")
    else:
        print("Next: fill in templates/brand.yaml and content/region.yaml, replace the example artisan and "
              f"product, then: cd {dest} && etalase check")
    return 0
