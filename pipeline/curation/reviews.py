"""Review use-cases on the state database: decide, state, history, what changed, the approved set.

Each decision is one short BEGIN IMMEDIATE transaction that reads the product's current state and
appends its decision, so concurrent curators (CLI, dashboard, scheduler) queue instead of racing.
Before anything is written the product's file and photos are re-read and re-hashed: a decision is
bound to exactly the bytes the catalogue showed the decider, and refused if they moved since.
"""

from __future__ import annotations

import csv
import difflib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any, TextIO

from pipeline.catalog import values as V
from pipeline.catalog.reader import YES_NO, content_hash, photo_digest
from pipeline.common.clock import Clock, SystemClock
from pipeline.common.errors import NotFound
from pipeline.common.models import Catalog, Product
from pipeline.common.yamlread import loads, read_text
from pipeline.curation import rules as C
from pipeline.curation import users as U
from pipeline.store.db import transaction


@dataclass(frozen=True)
class Snapshot:
    """What a product was, as far as approval is concerned: its YAML and its photos' bytes."""

    product: str
    content_hash: str
    yaml: str
    fields: dict
    photos: tuple[tuple[str, str], ...]  # (file, catalog.photo_digest), hero first


@dataclass(frozen=True)
class Decision:
    id: int
    product: str
    action: str
    from_state: str
    to_state: str
    user: str
    role: str
    at: str  # ISO 8601 with offset, in the configured zone
    note: str
    checks: dict
    content_hash: str


@dataclass(frozen=True)
class Status:
    """Where a product stands. `problems` is non-empty for a product whose file has errors."""

    product: str
    state: str  # effective: may be needs_review
    content_hash: str  # "" when the product does not load
    approved_hash: str | None
    last: Decision | None
    problems: tuple = ()
    missing: bool = False  # decisions exist but the file is gone

    @property
    def valid(self) -> bool:
        return not self.problems and not self.missing


PROSE = ("story", "story_en")  # fields shown as a word diff when both versions have text


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any
    words: tuple[tuple[str, str], ...] = ()  # prose: ("same" | "removed" | "added", text) runs, in order


@dataclass(frozen=True)
class Changes:
    """The difference between the content a decision saw and the content now."""

    since: Decision
    fields: tuple[FieldChange, ...] = ()
    photos_added: tuple[str, ...] = ()
    photos_removed: tuple[str, ...] = ()
    photos_changed: tuple[str, ...] = ()  # same file name, different bytes
    hero_changed: bool = False
    reordered: bool = False
    text_only: bool = False  # only comments or layout of the YAML moved

    def __bool__(self) -> bool:
        return bool(self.fields or self.photos_added or self.photos_removed or self.photos_changed
                    or self.hero_changed or self.reordered or self.text_only)


# Reading ---------------------------------------------------------------------------------

def _decision(row: sqlite3.Row) -> Decision:
    return Decision(row["id"], row["product"], row["action"], row["from_state"], row["to_state"], row["user_name"],
                    row["role"], row["at"], row["note"], json.loads(row["checks"]), row["content_hash"])


def history(conn: sqlite3.Connection, slug: str) -> list[Decision]:
    """Every decision on one product, oldest first."""
    return [_decision(r) for r in conn.execute("SELECT * FROM decisions WHERE product = ? ORDER BY id", (slug,))]


def trail(conn: sqlite3.Connection) -> Iterator[Decision]:
    """The whole audit trail in the order it was written."""
    for row in conn.execute("SELECT * FROM decisions ORDER BY id"):
        yield _decision(row)


def _current(conn: sqlite3.Connection, slug: str | None = None) -> dict[str, sqlite3.Row]:
    """Per product: its latest decision's full row plus `state` and `approved_hash` from the
    review_current view (one query, not one more per product)."""
    sql = ("SELECT c.state, c.approved_hash, d.* FROM review_current c JOIN decisions d ON d.id = c.decision_id"
           + (" WHERE c.product = ?" if slug else ""))
    return {r["product"]: r for r in conn.execute(sql, (slug,) if slug else ())}


def _status(conn: sqlite3.Connection, catalog: Catalog, slug: str, row: sqlite3.Row | None,
            settings: C.CurationSettings) -> Status:
    product = catalog.products.get(slug)
    current = product.content_hash if product else ""
    state = C.effective_state(row["state"] if row else None, row["approved_hash"] if row else None, current,
                              settings.new_products)
    problems: tuple = ()
    if slug in catalog.invalid:
        problems = tuple(p for p in catalog.problems_for(catalog.invalid[slug]) if p.is_error)
    return Status(slug, state, current, row["approved_hash"] if row else None,
                  _decision(row) if row else None, problems,
                  missing=product is None and slug not in catalog.invalid)


def status(conn: sqlite3.Connection, catalog: Catalog, slug: str,
           settings: C.CurationSettings = C.CurationSettings()) -> Status:
    _known(conn, catalog, slug)
    return _status(conn, catalog, slug, _current(conn, slug).get(slug), settings)


def statuses(conn: sqlite3.Connection, catalog: Catalog,
             settings: C.CurationSettings = C.CurationSettings()) -> list[Status]:
    """Every product in the catalogue, with errors or not, and every reviewed one whose file is gone."""
    rows = _current(conn)
    slugs = sorted(set(catalog.products) | set(catalog.invalid) | set(rows))
    return [_status(conn, catalog, s, rows.get(s), settings) for s in slugs]


def approved_products(conn: sqlite3.Connection, catalog: Catalog) -> list[Product]:
    """The approved set: products whose current content hash carries an approval, not retired.
    The only source of plannable products (DESIGN.md invariant 1)."""
    out = []
    for slug, row in _current(conn).items():
        product = catalog.products.get(slug)
        if product and row["state"] == C.APPROVED and row["approved_hash"] == product.content_hash:
            out.append(product)
    return sorted(out, key=lambda p: p.slug)


def _known(conn: sqlite3.Connection, catalog: Catalog, slug: str) -> None:
    if slug in catalog.products or slug in catalog.invalid:
        return
    if conn.execute("SELECT 1 FROM decisions WHERE product = ? LIMIT 1", (slug,)).fetchone():
        return
    names = sorted(set(catalog.products) | set(catalog.invalid))
    near = difflib.get_close_matches(slug, names, n=1)
    hint = f"did you mean `{near[0]}`?" if near else "`etalase review list` shows them"
    raise NotFound(f"no product `{slug}` in {catalog.root}/products/\n    hint: {hint}")


# Snapshots and what changed --------------------------------------------------------------

def snapshot_of(catalog: Catalog, product: Product, *, reread_photos: bool = True) -> Snapshot:
    """Re-read the product's file (and, for a decision, its photos' bytes); refuse when they no longer
    match the catalogue's hash. Read-only views trust the digests the catalogue took at load."""
    path = catalog.root.parent / product.source
    text = read_text(path, product.source)
    photos = tuple((p.file, photo_digest(p.path) if reread_photos or not p.digest else p.digest)
                   for p in product.photos)
    if content_hash(text, list(photos)) != product.content_hash:
        raise C.DecisionRefused(f"`{product.slug}` changed on disk after it was loaded",
                                "look at it again (etalase review show) and decide on what is there now")
    return Snapshot(product.slug, product.content_hash, text, _plain(loads(text, product.source).data), photos)


def _plain(data: Any) -> Any:
    """YAML values as JSON keeps them (dates become text)."""
    return json.loads(json.dumps(data, default=str))


def _stored_snapshot(conn: sqlite3.Connection, slug: str, digest: str) -> Snapshot | None:
    row = conn.execute("SELECT * FROM snapshots WHERE product = ? AND content_hash = ?", (slug, digest)).fetchone()
    if row is None:
        return None
    return Snapshot(slug, digest, row["yaml"], json.loads(row["fields"]),
                    tuple(tuple(p) for p in json.loads(row["photos"])))


def diff(since: Decision, before: Snapshot, after: Snapshot) -> Changes:
    """Which fields and which photos differ between two snapshots of one product. Values compare as the
    catalogue reads them ("210rb" is 210000, materials are a set, whitespace is not a change), so a
    change in notation alone shows as text_only."""
    keys = [k for k in dict.fromkeys([*before.fields, *after.fields]) if k != "photos"]
    changed = [_change(k, _read(before, k), _read(after, k))
               for k in keys if not V.same(k, _read(before, k), _read(after, k))]
    old, new = dict(before.photos), dict(after.photos)
    old_order, new_order = [f for f, _ in before.photos], [f for f, _ in after.photos]
    common_old = [f for f in old_order if f in new]
    common_new = [f for f in new_order if f in old]
    files_moved = set(old) != set(new) or common_old != common_new
    if before.fields.get("photos") != after.fields.get("photos") and not files_moved:
        changed.append(FieldChange("photos", before.fields.get("photos"), after.fields.get("photos")))
    out = Changes(
        since, tuple(changed),
        photos_added=tuple(f for f in new_order if f not in old),
        photos_removed=tuple(f for f in old_order if f not in new),
        photos_changed=tuple(f for f in new_order if f in old and old[f] != new[f]),
        hero_changed=bool(old_order and new_order and old_order[0] != new_order[0]),
        reordered=common_old != common_new,
    )
    if not out and before.yaml != after.yaml:
        out = Changes(since, text_only=True)
    return out


def _read(snapshot: Snapshot, name: str) -> Any:
    """A field's value; a yes/no field the file leaves out has its default (adding `go_global: true`
    reads "tidak -> ya")."""
    value = snapshot.fields.get(name)
    return YES_NO.get(name) if value is None else value


def _change(name: str, before: Any, after: Any) -> FieldChange:
    prose = name in PROSE and all(isinstance(v, str) and v.strip() for v in (before, after))
    return FieldChange(name, before, after, V.word_diff(before, after) if prose else ())


def what_changed(conn: sqlite3.Connection, catalog: Catalog, slug: str,
                 settings: C.CurationSettings = C.CurationSettings()) -> Changes | None:
    """Changes since the curators last looked: since the last approval when the product needs
    re-review, else since the last curator decision (a resubmission is compared with the request
    for changes, not with itself). None when nobody decided on it yet or its file does not load."""
    st = status(conn, catalog, slug, settings)
    product = catalog.products.get(slug)
    if st.last is None or product is None:
        return None
    which = "action = 'approve'" if st.state == C.NEEDS_REVIEW else "action != 'submit'"
    row = conn.execute(f"SELECT * FROM decisions WHERE product = ? AND {which} ORDER BY id DESC LIMIT 1",
                       (slug,)).fetchone()
    since = _decision(row) if row else st.last
    before = _stored_snapshot(conn, slug, since.content_hash)
    if before is None:  # pragma: no cover - the foreign key makes this impossible
        return None
    if since.content_hash == product.content_hash:
        return Changes(since)
    return diff(since, before, snapshot_of(catalog, product, reread_photos=False))


# Deciding --------------------------------------------------------------------------------

def decide(conn: sqlite3.Connection, catalog: Catalog, slug: str, action: str, user: U.User, note: str = "",
           checks: C.Checks | None = None, *, settings: C.CurationSettings = C.CurationSettings(),
           clock: Clock | None = None, expected_hash: str | None = None) -> Decision:
    """Record one decision, or raise DecisionRefused / PermissionDenied / NotFound saying why not."""
    act = C.action_named(action)
    U.require(user, act.roles, action.replace("_", " ") + " products")
    product = _loadable(conn, catalog, slug, action)
    answers: C.Checks = {**dict.fromkeys(settings.ids()), **(checks or {})}
    C.validate(settings, action, note, answers)
    if expected_hash and not product.content_hash.startswith(expected_hash):
        raise C.DecisionRefused(f"`{slug}` is not the version you looked at (hash {expected_hash[:12]}, now "
                                f"{product.content_hash[:12]})", "look at it again: etalase review show " + slug)
    snap = snapshot_of(catalog, product)
    clock = clock or SystemClock()
    with transaction(conn):
        row = _current(conn, slug).get(slug)
        state = C.effective_state(row["state"] if row else None, row["approved_hash"] if row else None,
                                  product.content_hash, settings.new_products)
        target = C.transition(state, action)
        now = U.get(conn, user.name)  # the role now, not when the command started
        U.require(now, act.roles, action.replace("_", " ") + " products")
        conn.execute("INSERT OR IGNORE INTO snapshots (product, content_hash, yaml, fields, photos) "
                     "VALUES (?, ?, ?, ?, ?)", (slug, snap.content_hash, snap.yaml,
                                                json.dumps(snap.fields, ensure_ascii=False), json.dumps(snap.photos)))
        cur = conn.execute(
            "INSERT INTO decisions (product, action, from_state, to_state, user_name, role, at, note, checks, "
            "content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (slug, action, state, target, user.name, now.role, clock.now().isoformat(), note.strip(),
             json.dumps(answers), product.content_hash))
        row = conn.execute("SELECT * FROM decisions WHERE id = ?", (cur.lastrowid,)).fetchone()
    return _decision(row)


def _loadable(conn: sqlite3.Connection, catalog: Catalog, slug: str, action: str) -> Product:
    """The product, or why it cannot be decided on (its file has errors, or there is no such product)."""
    product = catalog.products.get(slug)
    if product is not None:
        return product
    _known(conn, catalog, slug)
    source = catalog.invalid.get(slug, f"{catalog.root.name}/products/{slug}.yaml")
    reasons = [p for p in catalog.problems_for(source) if p.is_error] if slug in catalog.invalid else []
    detail = "".join(f"\n  {p}" for p in reasons) or f"\n  {source} is missing"
    raise C.DecisionRefused(f"cannot {action.replace('_', ' ')} `{slug}`: it fails `etalase check`:{detail}",
                            "fix the file, run `etalase check`, then decide again")


def submit(conn, catalog, slug, user, note="", **kw) -> Decision:
    return decide(conn, catalog, slug, "submit", user, note, **kw)


def approve(conn, catalog, slug, user, note="", checks=None, **kw) -> Decision:
    """One call per product, e.g. for the demo: `approve(conn, cat, slug, curator, checks=all_checks(settings))`."""
    return decide(conn, catalog, slug, "approve", user, note, checks, **kw)


def all_checks(settings: C.CurationSettings = C.CurationSettings()) -> C.Checks:
    return dict.fromkeys(settings.ids(), True)


# Export ----------------------------------------------------------------------------------

EXPORT_COLUMNS = [f.name for f in Decision.__dataclass_fields__.values()]


def export(conn: sqlite3.Connection, fmt: str, out: TextIO) -> int:
    """Write the whole trail as csv or json; returns the number of decisions."""
    rows = [asdict(d) for d in trail(conn)]
    if fmt == "json":
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "csv":
        writer = csv.DictWriter(out, EXPORT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "checks": json.dumps(row["checks"])})
    else:
        raise C.DecisionRefused(f"unknown export format `{fmt}`", "use csv or json")
    return len(rows)


def counts(items: Iterable[Status]) -> dict[str, int]:
    """Products per state, for the list header and the dashboard."""
    out = dict.fromkeys(C.SHOWN_STATES, 0)
    for st in items:
        out[st.state] += 1
    return out
