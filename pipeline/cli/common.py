"""Helpers shared by the command modules."""

from __future__ import annotations

import argparse
import os

from pipeline.common.project import Project

ORDER = 99

# The only place the environment reaches a project: defaults for the global options, so the core
# stays free of process-wide settings (a hub holds many projects in one process).
ENV = {"root": "ETALASE_ROOT", "templates": "ETALASE_TEMPLATES", "state": "ETALASE_STATE", "db": "ETALASE_DB"}


def register(sub: argparse._SubParsersAction) -> None:
    """No command here; present so the command loader can treat every module alike."""


def project(args: argparse.Namespace) -> Project:
    env = {key: os.environ.get(name) or None for key, name in ENV.items()}
    return Project.at(root=args.root or env["root"], content=args.content,
                      templates=args.templates or env["templates"], state=env["state"],
                      db=getattr(args, "db", None) or env["db"])


def day_count(text: str) -> int:
    """argparse type for --days: a whole number of 1 or more (0 used to fall back to the default silently)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"`{text}` is not a number of days") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} days: ask for 1 day or more")
    return value
