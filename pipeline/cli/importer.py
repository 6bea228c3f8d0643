"""`etalase import`: products and artisans in from a spreadsheet (.xlsx or .csv); a dry run unless --apply."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.catalog.importer import plan as P
from pipeline.catalog.importer.apply import apply
from pipeline.catalog.importer.template import write_template
from pipeline.catalog.rupiah import format_rupiah, parse_price
from pipeline.cli.common import project
from pipeline.common.errors import Problem

ORDER = 15
LABELS = {P.NEW: "new", P.CHANGED: "changed", P.UNCHANGED: "unchanged", P.EDITED: "edited by hand (kept)",
          P.ERROR: "with errors"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import", help="products and artisans from a spreadsheet (.xlsx/.csv); a dry run unless --apply",
        description="Read the artisans and products sheets of an Excel or CSV file (headers in Indonesian or "
                    "English), judge every row as `etalase check` judges YAML and report new, changed and unchanged "
                    "entries and every problem at its cell. --apply writes the YAML and takes in the photos; rows "
                    "with errors, unchanged rows and files edited by hand since the last import are left alone.")
    p.add_argument("file", nargs="?", metavar="FILE", help="the spreadsheet: .xlsx or .csv")
    p.add_argument("--photos", metavar="DIR", help="folder with the photo files the sheet names "
                                                   "(default: names refer to content/media/)")
    p.add_argument("--apply", action="store_true", help="write the changes (default: only report them)")
    p.add_argument("--force", action="store_true", help="also overwrite products and artisans edited by hand")
    p.add_argument("--mapping", metavar="FILE.yaml", help="the council's own header names: columns: {Header: field}")
    p.add_argument("--template", metavar="FILE.xlsx", help="write an empty spreadsheet to fill in, then stop")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    proj = project(args)
    if args.template:
        out = Path(args.template).resolve()
        write_template(proj.content, out)
        print(f"template written to {out}: fill in the Pengrajin and Produk sheets, then "
              f"`etalase import {out.name} --photos FOLDER`")
        return 0
    if not args.file:
        print("error: name the spreadsheet to import (or --template FILE.xlsx for one to fill in)", file=sys.stderr)
        return 2
    plan = P.plan_import(proj.content, proj.state, Path(args.file), photos=Path(args.photos) if args.photos else None,
                         mapping=Path(args.mapping) if args.mapping else None, force=args.force)
    problems = list(plan.problems)
    if args.apply:
        problems += apply(plan, proj.state).problems
    for p in problems:
        _print_problem(p)
    for kind, entries in (("artisan", plan.artisans), ("product", plan.products)):
        counts = plan.counts(kind)
        print(f"{kind}s: " + ", ".join(f"{counts[s]} {LABELS[s]}" for s in LABELS if counts[s]) if entries
              else f"{kind}s: none in the file")
        for e in entries:
            line = _entry_line(e, args)
            if line:
                print("  " + line)
    errors = [p for p in problems if p.is_error]
    if args.apply:
        written = sum(c[s] for c in (plan.counts("artisan"), plan.counts("product")) for s in (P.NEW, P.CHANGED))
        print(f"written: {written} files; run `etalase check`, then the products wait for review." if written
              else "written: 0 files: every row without errors is as content/ has it.")
    else:
        print("dry run: nothing written; run again with --apply to write"
              + (" the rows without errors" if errors else ""))
    return 1 if errors else 0


def _entry_line(e: P.Entry, args: argparse.Namespace) -> str:
    if e.status == P.NEW:
        return f"new {e.kind} {e.slug} ({e.where})"
    if e.status == P.CHANGED:
        extra = " (overwrites edits by hand: --force)" if e.record != "imported" else ""
        return f"changed {e.kind} {e.slug}: {_changes(e)}{extra}"
    if e.status == P.EDITED:
        why = "edited by hand since the last import" if e.record == "edited" else "not written by an import"
        return f"kept {e.kind} {e.slug}: {why}; the sheet has {_changes(e)} (--force overwrites)"
    if e.status == P.ERROR:
        return f"skipped {e.kind} {e.slug} ({e.where}): see the errors above"
    return ""


def _changes(e: P.Entry) -> str:
    """"price Rp 95.000 -> Rp 99.000, story": short values shown, long ones named."""
    parts = []
    for name in e.changed:
        old, new = _short(name, e.before.get(name)), _short(name, e.values.get(name))
        parts.append(f"{name} {old} -> {new}" if len(old) + len(new) <= 60 else name)
    return ", ".join(parts)


def _short(name: str, value) -> str:
    if value is None:
        return "(none)"
    if name == "price":
        try:
            return format_rupiah(parse_price(value))
        except ValueError:
            pass
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(str(v.get("file") if isinstance(v, dict) else v) for v in value) + "]"
    return " ".join(str(value).split())


def _print_problem(p: Problem) -> None:
    print(f"{'error' if p.is_error else 'warning'}: {p}", file=sys.stderr)
