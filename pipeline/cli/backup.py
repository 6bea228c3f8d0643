"""`etalase backup [FILE]` and `etalase restore FILE`: content and database in one archive."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipeline.cli.common import project
from pipeline.cli.review import configured_clock
from pipeline.common.project import Project
from pipeline.store import backup as B

ORDER = 80


def register(sub: argparse._SubParsersAction) -> None:
    bp = sub.add_parser("backup", help="write content, schedule.yaml and the database into one zip",
                        description="Safe while the scheduler or the dashboard runs: the database is copied with "
                                    "SQLite's online backup, and content is re-read if it changes meanwhile.")
    bp.add_argument("file", nargs="?", metavar="FILE",
                    help="the archive to write (default: state/backups/etalase-backup-<time>.zip)")
    bp.set_defaults(func=run_backup)
    rp = sub.add_parser("restore", help="bring a backup back into an empty project folder",
                        description="Restores content/, schedule.yaml and the database of the project (--root). "
                                    "Refuses to overwrite anything unless --force; then the old content and "
                                    "schedule are kept beside as *.before-restore-<time>.")
    rp.add_argument("file", metavar="FILE", help="an archive written by `etalase backup`")
    rp.add_argument("--force", action="store_true", help="replace what is there")
    rp.set_defaults(func=run_restore)


def _place(proj: Project) -> B.Place:
    return B.Place(proj.content, proj.db, proj.schedule, proj.exports)


def run_backup(args: argparse.Namespace) -> int:
    proj = project(args)
    clock = configured_clock(proj)  # the archive's name is the time in the configured zone
    archive = Path(args.file) if args.file else B.default_archive(proj.state, clock)
    s = B.backup(_place(proj), archive, clock)
    print(f"backup written: {s.archive}")
    print(f"  {s.files} content files ({s.bytes / 1e6:.1f} MB), {s.decisions} decisions, "
          f"database schema {s.schema_version}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    proj = project(args)
    s = B.restore(Path(args.file), _place(proj), force=args.force)
    print(f"restored {s.archive} (made {s.created_at}) into {proj.root}")
    print(f"  {s.files} content files, {s.decisions} decisions")
    for aside in s.moved_aside:
        print(f"  kept the previous version as {aside}")
    return 0
