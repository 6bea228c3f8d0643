"""Helpers shared by the command modules."""

from __future__ import annotations

import argparse

from pipeline.common.project import Project

ORDER = 99


def register(sub: argparse._SubParsersAction) -> None:
    """No command here; present so the command loader can treat every module alike."""


def project(args: argparse.Namespace) -> Project:
    return Project.at(root=args.root, content=args.content, templates=args.templates)
