"""Writing what a plan decided: artisans, then products, through the dashboard's validated, atomic
writer (catalog/edit.py), photos through its intake (decoded, re-encoded, no EXIF). Rows in error and
rows that did not change are never touched; a write that still fails leaves its row unwritten."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.catalog import edit
from pipeline.catalog.importer import record
from pipeline.catalog.importer.plan import CHANGED, ERROR, NEW, UNCHANGED, Entry, Plan, _photo_names
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
    for entry in plan.products:
        if entry.status not in WRITTEN:
            continue
        created: list[Path] = []
        if entry.intake:
            try:
                entry.values["photos"] = _take_in(content, entry, cache, created)
            except ContentError as exc:
                _failed(out, entry, exc, created)
                continue
            if entry.exists and "photos" in entry.changed:
                current = _photo_names(_current_photos(content, entry.slug))
                if current == entry.values["photos"]:
                    entry.changed = tuple(c for c in entry.changed if c != "photos")
                    if not entry.changed:
                        entry.status = UNCHANGED  # a lost cache: the same photos, named the same
                        continue
        _save(out, entry, lambda e: edit.save_product(content, e.slug, _values(e), create=not e.exists,
                                                      known_artisans=artisans, known_crafts=crafts,
                                                      finish=record.stamp), created)
    cache.save()
    return out


def _values(entry: Entry) -> dict:
    return {k: v for k, v in entry.values.items() if k in entry.changed or (not entry.exists and v is not None)}


def _take_in(content: Path, entry: Entry, cache: record.PhotoCache, created: list[Path]) -> list[str]:
    names = []
    for source in entry.photos:
        name = source.media
        if name is None or not (content / "media" / name).is_file():
            before = {p.name for p in (content / "media").glob(f"{entry.slug}-*")}
            name = edit.intake_photo(content, source.path.read_bytes(), product_slug=entry.slug)
            if name not in before:
                created.append(content / "media" / name)
            cache.put(f"{entry.slug}:{source.digest}", name)
        names.append(name)
    return names


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
