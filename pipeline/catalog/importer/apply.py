"""Writing what a plan decided: artisans, then products, through the dashboard's validated, atomic
writer (catalog/edit.py), photos through its intake (decoded, re-encoded, no EXIF). Rows in error and
rows that did not change are never touched; a write that still fails leaves its row unwritten."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.catalog import edit
from pipeline.catalog.importer import record
from pipeline.catalog.importer.photos import photo_names
from pipeline.catalog.importer.plan import CHANGED, ERROR, NEW, UNCHANGED, Entry, Plan
from pipeline.common.errors import ContentError, Problem

WRITTEN = (NEW, CHANGED)


@dataclass
class Applied:
    written: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def apply(plan: Plan, state: Path) -> Applied:
    content = plan.content
    cache = record.PhotoCache(state)
    out = Applied()
    crafts = list(plan.crafts)
    for entry in plan.artisans:
        if entry.status in WRITTEN:
            _save(out, entry, lambda e: edit.save_artisan(content, e.slug, _values(e), create=not e.exists,
                                                          known_crafts=crafts, finish=record.stamp))
    artisans = {p.stem for p in (content / "artisans").glob("*.yaml")}
    todo = [e for e in plan.products if e.status in WRITTEN]
    # Taking in photos, writing the YAML and fsyncing both are nearly all of an apply's time, and Pillow and
    # the file system let go of the GIL meanwhile: each product whole in a worker (each writes only its own
    # files), the outcomes gathered in the sheet's order so the report and the photo cache read the same.
    with ThreadPoolExecutor(max_workers=min(4, (os.cpu_count() or 1) * 2)) as pool:
        done = [pool.submit(_product, content, e, artisans, crafts) for e in todo]
        for future in done:
            entry, exc, created, taken = future.result()
            for key, name in taken:
                cache.put(key, name)
            if exc is not None:
                _failed(out, entry, exc, created)
            elif entry.status != UNCHANGED:
                out.written.append(entry)
    cache.save()
    return out


def _product(content: Path, entry: Entry, artisans: set[str], crafts: list[str]
             ) -> tuple[Entry, ContentError | None, list[Path], list[tuple[str, str]]]:
    """One product's photos taken in and its file written: (entry, the refusal if any, files it created,
    photo cache entries). Runs in a worker thread; touches nothing shared."""
    created: list[Path] = []
    taken: list[tuple[str, str]] = []
    if entry.intake:
        try:
            names, created, taken = _take_in(content, entry)
        except ContentError as exc:
            return entry, exc, getattr(exc, "created", []), []
        entry.values["photos"] = names
        if entry.exists and "photos" in entry.changed:
            current = photo_names(_current_photos(content, entry.slug))
            if current == entry.values["photos"]:
                entry.changed = tuple(c for c in entry.changed if c != "photos")
                if not entry.changed:
                    entry.status = UNCHANGED  # a lost cache: the same photos, named the same
                    return entry, None, [], taken
    try:
        edit.save_product(content, entry.slug, _values(entry), create=not entry.exists, known_artisans=artisans,
                          known_crafts=crafts, finish=record.stamp)
    except ContentError as exc:
        return entry, exc, created, []
    return entry, None, created, taken


def _values(entry: Entry) -> dict:
    return {k: v for k, v in entry.values.items() if k in entry.changed or (not entry.exists and v is not None)}


def _take_in(content: Path, entry: Entry) -> tuple[list[str], list[Path], list[tuple[str, str]]]:
    """One product's photos through the intake: their names, the files this created, cache entries."""
    names: list[str] = []
    created: list[Path] = []
    taken: list[tuple[str, str]] = []
    existed = {p.name for p in (content / "media").glob(f"{entry.slug}-*")}  # intake names are slug-hash.jpg
    for source in entry.photos:
        name = source.media
        if name is None or not (content / "media" / name).is_file():
            try:
                name = edit.intake_photo(content, source.path.read_bytes(), product_slug=entry.slug)
                if name not in existed:
                    existed.add(name)
                    created.append(content / "media" / name)
            except ContentError as exc:
                exc.created = created  # removed by the caller: a row that is not written leaves no photo
                raise
            taken.append((f"{entry.slug}:{source.digest}", name))
        names.append(name)
    return names, created, taken


def _current_photos(content: Path, slug: str):
    from pipeline.common.yamlread import loads

    path = edit.product_path(content, slug)
    return loads(edit.read_text(path), path.name).data.get("photos")


def _save(out: Applied, entry: Entry, save, created: list[Path] | None = None) -> None:
    try:
        save(entry)
    except ContentError as exc:
        _failed(out, entry, exc, created or [])
        return
    out.written.append(entry)


def _failed(out: Applied, entry: Entry, exc: ContentError, created: list[Path]) -> None:
    for path in created:  # photos taken in for a row that is not written would be orphans
        path.unlink(missing_ok=True)
    entry.status = ERROR
    out.problems.extend(Problem(entry.where, None, p.field, f"not written: {p.message}", p.hint) for p in exc.problems)
