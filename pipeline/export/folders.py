"""Day folders that are complete and checked, or absent (invariant 2).

A day is rendered into exports/.building/<day>-<random>/, checked, given its manifest and
checklist page, then renamed into exports/YYYY-MM-DD/. A replaced folder is moved under
exports/.replaced/ first, so at every instant the day's folder is either the old complete one,
absent, or the new complete one; the build keeps the newest `keep_replaced` of them per day.
A kill leaves only debris in .building/, which the next build (holding the build lock) clears.
Staging lives inside exports/ rather than beside it so the final rename never crosses a file
system (a USB disk or synced folder).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2

from pipeline.common import atomic
from pipeline.common.errors import EtalaseError
from pipeline.common.project import Project
from pipeline.plan.schedule import HARI

STAGING = ".building"
REPLACED = ".replaced"
MANIFEST = "post.json"
CHECKLIST = "checklist.html"
INDEX = "index.html"
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def day_dir(exports: Path, day: dt.date) -> Path:
    return exports / day.isoformat()


def failed_note(exports: Path, day: dt.date) -> Path:
    return exports / f"{day.isoformat()}.FAILED.txt"


# Staging and publishing ---------------------------------------------------------------------------

def staging_dir(exports: Path, day: dt.date) -> Path:
    """A fresh, private folder to render one day into."""
    base = exports / STAGING
    base.mkdir(parents=True, exist_ok=True)
    path = base / f"{day.isoformat()}-{secrets.token_hex(4)}"
    path.mkdir()
    return path


def clear_staging(exports: Path) -> list[Path]:
    """Remove what killed or interrupted builds left behind; call only while holding the build lock."""
    base = exports / STAGING
    gone = sorted(base.iterdir()) if base.is_dir() else []
    for path in gone:
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
    for tmp in exports.glob(".*.tmp") if exports.is_dir() else ():  # half-written pages
        tmp.unlink(missing_ok=True)
    return gone


def discard(staged: Path) -> None:
    shutil.rmtree(staged, ignore_errors=True)


def publish(exports: Path, day: dt.date, staged: Path, now: dt.datetime) -> Path | None:
    """Move the staged folder into place; the folder it replaces goes to .replaced/ (returned)."""
    _sync_tree(staged)
    target = day_dir(exports, day)
    replaced = retire(exports, day, now)
    try:
        _move(staged, target, day)
    except FolderBusy:
        if replaced:  # the old folder back in place, so the day keeps its complete export
            with contextlib.suppress(OSError):
                atomic.replace(replaced, target)
        raise
    atomic.sync_dir(exports)
    failed_note(exports, day).unlink(missing_ok=True)
    return replaced


def retire(exports: Path, day: dt.date, now: dt.datetime) -> Path | None:
    """Move the day's folder (if any) under .replaced/<day>--<moment>/; returns where it went."""
    target = day_dir(exports, day)
    if not target.exists():
        return None
    base = exports / REPLACED
    base.mkdir(parents=True, exist_ok=True)
    stamp = now.strftime("%Y%m%d-%H%M%S")
    dest = base / f"{day.isoformat()}--{stamp}"
    n = 1
    while dest.exists():
        n += 1
        dest = base / f"{day.isoformat()}--{stamp}-{n}"
    _move(target, dest, day)
    atomic.sync_dir(exports)
    return dest


class FolderBusy(EtalaseError):
    """Windows would not move a day folder: a file inside is open in another program."""


def _move(src: Path, dst: Path, day: dt.date) -> None:
    """Rename a day folder, retried while Windows refuses (atomic.replace), then the day's failure in words
    the admin can act on; the folder stays where it was, complete."""
    try:
        atomic.replace(src, dst)
    except PermissionError as exc:
        raise FolderBusy(f"Folder ekspor {day.isoformat()} sedang dibuka program lain (pemutar video atau "
                         f"sinkronisasi). Tutup programnya, lalu jalankan build lagi.\n({exc})") from None


def _sync_tree(folder: Path) -> None:
    """Flush every file and folder to disk before the rename that makes them visible."""
    mode = "r+b" if os.name == "nt" else "rb"  # Windows flushes only a handle opened for writing
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file():
            with open(path, mode) as f:
                os.fsync(f.fileno())
        else:
            atomic.sync_dir(path)
    atomic.sync_dir(folder)


def write_atomic(path: Path, text: str) -> None:
    """Write a text file so a reader sees the old or the new content, never half of it."""
    atomic.write_text(path, text)


# Manifests --------------------------------------------------------------------------------------

def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    write_atomic(folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2, default=str) + "\n")


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of a complete day folder; None when absent, unreadable or missing a listed file."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not all((folder / f).is_file() for f in listed_files(data)):
        return None
    return data


DOWNLOAD_ROLES = {"video": "", "cover": "-sampul", "caption": "-keterangan", "checklist": "-daftar-periksa"}


def download_stem(manifest: dict[str, Any]) -> str:
    """`2026-12-01-dompet-purun`: the day and the product's slug (kept to letters, digits and dashes)."""
    slug = re.sub(r"[^a-z0-9-]+", "-", str((manifest.get("product") or {}).get("slug") or "").lower()).strip("-")
    return "-".join(part for part in (str(manifest.get("date") or ""), slug) if part) or "etalase"


def download_name(manifest: dict[str, Any] | None, file: str) -> str | None:
    """The name a phone saves a listed file under, from the day and the product: `2026-12-01-dompet-purun.mp4`,
    `...-sampul.jpg`, `...-slide-01.jpg` (a gallery full of `video.mp4`s tells the admin nothing). None when
    the manifest does not list `file`."""
    if not manifest:
        return None
    files = manifest.get("files") or {}
    stem = download_stem(manifest)
    suffix = PurePosixPath(file).suffix.lower()
    slides = list(files.get("slides") or [])
    if file in slides:
        return f"{stem}-slide-{slides.index(file) + 1:02d}{suffix}"
    for role, value in files.items():
        if value == file and role != "slides":
            return f"{stem}{DOWNLOAD_ROLES.get(role, '-' + role)}{suffix}"
    return None


def listed_files(manifest: dict[str, Any]) -> list[str]:
    files = manifest.get("files") or {}
    out = [v for k, v in files.items() if k != "slides" and isinstance(v, str)]
    return out + list(files.get("slides") or [])


def day_folders(exports: Path) -> list[dt.date]:
    """Dates that have a folder (complete by construction) in exports/."""
    if not exports.is_dir():
        return []
    return sorted(dt.date.fromisoformat(p.name) for p in exports.iterdir() if p.is_dir() and DAY.match(p.name))


def failed_days(exports: Path) -> list[dt.date]:
    if not exports.is_dir():
        return []
    return sorted(dt.date.fromisoformat(p.name.split(".")[0]) for p in exports.glob("*.FAILED.txt")
                  if DAY.match(p.name.split(".")[0]))


# Pages ------------------------------------------------------------------------------------------

def environment(project: Project) -> jinja2.Environment:
    """Jinja for the export pages, user-first like every template."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(base / "export") for base in project.templates]),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["tanggal"] = tanggal
    env.filters["jam"] = lambda t: t.strftime("%H.%M") if hasattr(t, "strftime") else str(t)[11:16].replace(":", ".")
    env.filters["waktu"] = waktu
    env.filters["angka"] = lambda n: f"{int(n):,}".replace(",", ".")  # 2.200, as Indonesian writes numbers
    return env


BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
         "November", "Desember")


def tanggal(value: dt.date | str) -> str:
    """2026-10-02 -> "Jumat, 2 Oktober 2026"."""
    d = dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return f"{HARI[d.weekday()]}, {d.day} {BULAN[d.month - 1]} {d.year}"


ZONES = {7: "WIB", 8: "WITA", 9: "WIT"}  # Indonesia's zones by UTC offset: an ISO time carries only the offset


def jam(value: dt.datetime | str, zone: str = "") -> str:
    """An aware time -> "19.00 WIB" (docs/glossary.md); `zone` names a time without an offset."""
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    offset = moment.utcoffset()
    if offset is not None:
        hours = offset.total_seconds() / 3600
        zone = ZONES.get(hours) or f"UTC{hours:+g}"
    return f"{moment:%H.%M} {zone}".rstrip()


def waktu(value: dt.datetime | str) -> str:
    """An aware moment -> "1 Oktober 2026, 05.00 WIB" (docs/glossary.md)."""
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return f"{moment.day} {BULAN[moment.month - 1]} {moment.year}, {jam(moment)}"


def render_checklist(project: Project, manifest: dict[str, Any], caption: str) -> str:
    return environment(project).get_template("checklist.html.j2").render(post=manifest, caption=caption)


def render_index(project: Project, days: Iterable[dict[str, Any]], built_at: dt.datetime) -> str:
    return environment(project).get_template("index.html.j2").render(days=list(days), built_at=built_at)


def effective_templates(project: Project) -> dict[str, Path]:
    """The template set the renderers and pages see, user-first: relative name -> file."""
    seen: dict[str, Path] = {}
    for base in project.templates:
        for path in sorted(base.rglob("*")):
            rel = path.relative_to(base).as_posix()
            if rel not in seen and path.is_file():
                seen[rel] = path
    return seen


def files_digest(files: dict[str, Path]) -> str:
    h = hashlib.sha256()
    for rel, path in sorted(files.items()):
        h.update(rel.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def page_templates_digest(project: Project) -> str:
    """Hash of the export page templates (every file under export/, the shared _style included):
    a change rewrites pages without re-rendering media."""
    return files_digest({rel: p for rel, p in effective_templates(project).items() if rel.startswith("export/")})


# Pruning ----------------------------------------------------------------------------------------

REPLACED_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})--(\d{8}-\d{6})(?:-(\d+))?$")  # what retire() names


def prune_replaced(exports: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` replaced folders of each day (six template edits on a week
    of drafts left 357 MB behind); returns what was removed, oldest first. Anything in .replaced/
    that retire() did not name is left alone. Call only while holding the build lock."""
    base = exports / REPLACED
    if not base.is_dir():
        return []
    by_day: dict[str, list[tuple[str, int, Path]]] = {}
    for path in base.iterdir():
        m = REPLACED_NAME.match(path.name)
        if m and path.is_dir() and not path.is_symlink():
            by_day.setdefault(m.group(1), []).append((m.group(2), int(m.group(3) or 1), path))
    removed = []
    for _day, folders in sorted(by_day.items()):
        folders.sort()
        for _stamp, _n, path in folders[:max(0, len(folders) - keep)]:
            shutil.rmtree(path, ignore_errors=True)  # a file held open (Windows) stays; the next build retries
            if not path.exists():
                removed.append(path)
    return removed
