"""Command line: the only place that prints and turns errors into exit codes.

Each sibling module adds one command group through `register(subparsers)`; its handlers take
the parsed args and return an exit code.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from pipeline import __version__
from pipeline.common.errors import ContentError, EtalaseError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="etalase",
        description="Turn curated craft products into ready-to-upload TikTok posts.",
    )
    parser.add_argument("--version", action="version", version=f"etalase {__version__}")
    parser.add_argument("--root", metavar="DIR", help="project folder (default: current folder or $ETALASE_ROOT)")
    parser.add_argument("--content", metavar="DIR", help="content folder (default: ROOT/content)")
    parser.add_argument("--templates", metavar="DIR",
                        help="the council's own templates, searched before the defaults "
                             "(default: $ETALASE_TEMPLATES, else ROOT/templates)")
    parser.add_argument("--db", metavar="FILE",
                        help="the state database (default: $ETALASE_DB, else ROOT/state/etalase.db)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = [importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__)]
    for module in sorted(modules, key=lambda m: getattr(m, "ORDER", 50)):
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except ContentError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 1
    except EtalaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
