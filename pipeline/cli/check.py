"""`etalase check`: validate the catalogue, templates and schedule, reporting every problem at once."""

from __future__ import annotations

import argparse
import sys

from pipeline.catalog.reader import load_catalog
from pipeline.cli.common import project
from pipeline.common.errors import ConfigError, Problem
from pipeline.common.models import Catalog
from pipeline.common.project import Project
from pipeline.plan.schedule import load_settings
from pipeline.render.captions import caption_problems
from pipeline.render.crops import photo_problems
from pipeline.render.headline import headline_problems
from pipeline.render.images import template_problems
from pipeline.store import db as store
from pipeline.store import health

ORDER = 10


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="validate content/, templates and schedule.yaml with file, line and field",
                       description="Load every craft, artisan, product, photo, template and setting and report "
                                   "all problems at once. Exit 1 on errors (and on warnings with --strict).")
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    proj = project(args)
    cat = load_catalog(proj.content)
    problems = (list(cat.problems) + settings_problems(proj) + template_problems(proj) + state_problems(proj)
                + caption_problems(proj, cat) + headline_problems(proj, cat) + photo_problems(cat))
    print_problems(problems)
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if not p.is_error]
    print(summary(cat, len(errors), len(warnings)))
    return 1 if errors or (args.strict and warnings) else 0


def settings_problems(proj: Project) -> list[Problem]:
    try:
        return list(load_settings(proj.schedule, "schedule.yaml").warnings)
    except ConfigError as exc:
        return list(exc.problems)


def state_problems(proj: Project) -> list[Problem]:
    """A lost or damaged state database (read only: check creates nothing)."""
    try:
        store.inspect(proj.db, proj.exports)
    except health.DatabaseDamaged as exc:
        return [Problem(str(exc.path), None, "", f"the state database {exc.why}; builds would pull every export",
                        f"stop `etalase serve` and `etalase scheduler`, then restore a backup: {exc.restore}")]
    except health.StateDiskFull as exc:
        message, _, hint = str(exc).partition("\n    hint: ")
        return [Problem(str(exc.path.parent), None, "", message, hint)]
    return []


def print_problems(problems: list[Problem]) -> None:
    for p in sorted(problems, key=lambda p: (p.path, p.line or 0)):
        label = "error" if p.is_error else "warning"
        print(f"{label}: {p}", file=sys.stderr)


def summary(cat: Catalog, errors: int, warnings: int) -> str:
    kec = {a.kecamatan for a in cat.artisans.values()}
    parts = [
        f"{len(cat.products)} products ready, {len(cat.invalid)} with errors",
        f"{len(cat.artisans)} artisans in {len(kec)} kecamatan",
        f"{len(cat.crafts)} crafts",
    ]
    return f"{'; '.join(parts)}. {errors} errors, {warnings} warnings."
