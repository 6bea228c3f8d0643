"""`etalase check`: validate the whole catalogue and report every problem at once."""

from __future__ import annotations

import argparse
import sys

from ..catalog import load_catalog
from ..models import Catalog
from .common import project

ORDER = 10


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="validate content/ and report every problem with file, line and field",
                       description="Load every craft, artisan, product and photo and report all problems at once.")
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    cat = load_catalog(project(args).content)
    print_problems(cat)
    print(summary(cat))
    if cat.errors or (args.strict and cat.warnings):
        return 1
    return 0


def print_problems(cat: Catalog) -> None:
    for p in sorted(cat.problems, key=lambda p: (p.path, p.line or 0)):
        label = "error" if p.is_error else "warning"
        print(f"{label}: {p}", file=sys.stderr)


def summary(cat: Catalog) -> str:
    kec = {a.kecamatan for a in cat.artisans.values()}
    parts = [
        f"{len(cat.products)} products ready, {len(cat.invalid)} with errors",
        f"{len(cat.artisans)} artisans in {len(kec)} kecamatan",
        f"{len(cat.crafts)} crafts",
    ]
    return f"{'; '.join(parts)}. {len(cat.errors)} errors, {len(cat.warnings)} warnings."
