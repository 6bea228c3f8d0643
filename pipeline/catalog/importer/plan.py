"""Rows judged and compared: what an import would do, with every problem at its cell, writing nothing.

Each row's values go through the catalogue's declared fields (reader.PRODUCT_FIELDS and
ARTISAN_FIELDS, rupiah.parse_price, the regency's kecamatan, crafts.yaml), so a row is judged as
`etalase check` judges the YAML it would become. A row is compared with its file field by field
after parsing (catalog.values), and only for the columns the sheet has: a file is written only when
its row says something different, and never over edits by hand without `force` (see record.py).
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.catalog import reader as C
from pipeline.catalog import values as V
from pipeline.catalog.importer import record
from pipeline.catalog.importer.cells import CellError, convert
from pipeline.catalog.importer.columns import (
    ARTISAN_CONCEPTS,
    ON_PRODUCT_ROW,
    PRODUCT_CONCEPTS,
    Header,
    Mapping,
    find_header,
    load_mapping,
    normal,
)
from pipeline.catalog.importer.photos import PhotoFinder, PhotoSource, photo_names
from pipeline.catalog.importer.sheet import Row, Sheet, Workbook, column_letter, read_workbook
from pipeline.catalog.importer.slugs import slugify, unique
from pipeline.catalog.importer.template import LISTS
from pipeline.common import fields as F
from pipeline.common.errors import ContentError, Problem
from pipeline.common.yamlread import loads, read_text

NEW, CHANGED, UNCHANGED, EDITED, ERROR = "new", "changed", "unchanged", "edited", "error"
_HELP = {f.name: f.help for f in (*C.ARTISAN_FIELDS, *C.PRODUCT_FIELDS)}
_CELL = re.compile(r"!([A-Z]+)(\d+)$|:([A-Z]+)(\d+)$")


@dataclass
class Entry:
    """One artisan or product the sheet names, and what the import does with it."""

    kind: str  # "artisan" or "product"
    slug: str
    where: str  # the row's first cell
    values: dict[str, Any] = field(default_factory=dict)  # parsed values of the columns the sheet has
    status: str = NEW
    exists: bool = False
    changed: tuple[str, ...] = ()
    record: str = ""  # for an existing file: imported, edited or manual (record.state_of)
    photos: list[PhotoSource] = field(default_factory=list)
    intake: bool = False  # photos come from --photos and are taken in (re-encoded) on apply
    before: dict[str, Any] = field(default_factory=dict)  # the file's values of the changed fields


@dataclass
class Plan:
    shown: str
    content: Path
    artisans: list[Entry] = field(default_factory=list)
    products: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    crafts: tuple[str, ...] = ()

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    def counts(self, kind: str) -> Counter:
        return Counter(e.status for e in (self.artisans if kind == "artisan" else self.products))


@dataclass
class _Existing:
    text: str
    data: dict


class Planner:
    def __init__(self, content: Path, workbook: Workbook, mapping: Mapping, photos: Path | None,
                 cache: record.PhotoCache, force: bool):
        self.content, self.wb, self.mapping = Path(content), workbook, mapping
        self.photos_dir = photos
        self.finder = PhotoFinder(self.content, photos, cache)
        self.force = force
        self.crafts = C.craft_table(content)
        self.kecamatan = C.kecamatan_names(content)
        self.plan = Plan(workbook.shown, self.content, crafts=tuple(self.crafts))
        self.by_artisan: dict[str, Entry] = {}
        self.artisan_files = {p.stem: p for p in sorted((self.content / "artisans").glob("*.yaml"))}
        self._artisan_names: dict[str, str] | None = None
        self._product_names: dict[str, list[str]] | None = None
        self.taken = {"artisan": set(), "product": set()}

    # problems ----------------------------------------------------------------------------
    def error(self, where: str, field_name: str, message: str, hint: str = "") -> None:
        hint = "" if hint and hint in message else hint
        self.plan.problems.append(Problem(where, None, field_name, message, hint, "error"))

    def note(self, where: str, field_name: str, message: str, hint: str = "") -> None:
        self.plan.problems.append(Problem(where, None, field_name, message, hint, "warning"))

    # sheets ------------------------------------------------------------------------------
    def run(self) -> Plan:
        found = []
        for sheet in self.wb.sheets:
            header = find_header([(r.number, r.values) for r in sheet.rows], self.mapping)
            if header is None and sheet.name == LISTS:
                continue  # the template's own drop-down lists
            if header is None:
                where = f"{self.wb.shown}:{sheet.name}" if sheet.name else self.wb.shown
                (self.note if sheet.name else self.error)(
                    where, "", "no header row with known column names; " + ("sheet ignored" if sheet.name else
                                                                             "nothing imported"),
                    "a row of headers such as nama, pengrajin, kerajinan, harga, foto (or --mapping FILE.yaml)")
                continue
            kind = self.mapping.sheet_kind(sheet.name) or _guess_kind(header)
            self._header_notes(sheet, header, kind)
            found.append((kind, sheet, header))
        for kind, sheet, header in sorted(found, key=lambda f: f[0] != "artisans"):
            rows = [r for r in sheet.rows if r.number > header.row]
            for row in rows:
                if kind == "artisans":
                    self.artisan_row(sheet, header, row)
                else:
                    self.product_row(sheet, header, row)
        sheets = [s.name for s in self.wb.sheets]
        self.plan.problems.sort(key=lambda p: _position(p.path, sheets))
        return self.plan

    def _header_notes(self, sheet: Sheet, header: Header, kind: str) -> None:
        known = set(PRODUCT_CONCEPTS) | set(ON_PRODUCT_ROW) if kind == "products" else set(ARTISAN_CONCEPTS)
        if kind == "artisans" and "name" not in header.columns:
            known.add("artisan")  # headed "pengrajin": the artisans' names
        for i, text in header.unknown:
            self.note(self.wb.where(sheet, i, header.row), "", f"column `{text}` is not imported",
                      "rename the header to a known one, or name it in --mapping FILE.yaml")
        for concept, kept, dropped in header.duplicates:
            self.note(self.wb.where(sheet, dropped, header.row), concept,
                      f"a second `{concept}` column; the one in column {column_letter(kept)} is used",
                      "delete or rename one of the two")
        for concept, col in header.columns.items():
            if concept not in known and concept != "date":
                self.note(self.wb.where(sheet, col, header.row), concept,
                          f"`{concept}` does not belong on the {kind} sheet; column ignored")
            elif concept == "date":
                self.note(self.wb.where(sheet, col, header.row), concept,
                          "products have no date field; column ignored")

    # cells -> values ---------------------------------------------------------------------
    def cells(self, sheet: Sheet, header: Header, row: Row, wanted: dict[str, str]
              ) -> tuple[dict[str, Any], dict[str, str], set[str]]:
        """field -> converted value (None for a blank cell), field -> cell, fields whose cell is bad."""
        values: dict[str, Any] = {}
        where: dict[str, str] = {}
        bad: set[str] = set()
        for concept, col in header.columns.items():
            name = wanted.get(concept)
            if name is None or name in where:
                continue
            where[name] = self.wb.where(sheet, col, row.number)
            if col in row.formulas:
                self.error(where[name], name, f"formula `{row.formulas[col]}` has no saved result in the file",
                           "open the file in Excel or LibreOffice and save it again (that stores the results), "
                           "or type the value itself")
                bad.add(name)
                continue
            try:
                values[name] = convert(name, row.values[col] if col < len(row.values) else None)
            except CellError as exc:
                self.error(where[name], name, str(exc), exc.hint)
                bad.add(name)
            except ValueError as exc:
                self.error(where[name], name, str(exc), _HELP.get(name, ""))
                bad.add(name)
        return values, where, bad

    def judge(self, fields: list[F.Field], values: dict, where: dict, row_at: str, bad: set, new: bool) -> dict:
        """The declared fields' verdict on the values the sheet gives; problems at their cells."""
        out: dict[str, Any] = {}
        for f in fields:
            if f.name in bad or (f.name not in values and not (new and f.required)):
                continue
            raw = values.get(f.name)
            if raw is None:
                if f.required:
                    self.error(where.get(f.name, row_at), f.name, f"`{f.name}` is required"
                               + ("" if f.name in where else ": the sheet has no column for it"), f.hint or f.help)
                    bad.add(f.name)
                else:
                    out[f.name] = None  # a blank cell: the field goes
                continue
            try:
                out[f.name] = f.parse(raw)
            except ValueError as exc:
                self.error(where.get(f.name, row_at), f.name, str(exc), f.hint or f.help)
                bad.add(f.name)
        return out

    # artisans ----------------------------------------------------------------------------
    def artisan_row(self, sheet: Sheet, header: Header, row: Row) -> None:
        wanted = dict(ARTISAN_CONCEPTS)
        if "name" not in header.columns:
            wanted["artisan"] = "name"  # an artisan sheet headed "pengrajin" / "nama pengrajin"
        values, where, bad = self.cells(sheet, header, row, wanted)
        row_at = self.wb.where(sheet, 0, row.number)
        self.artisan_entry(values, where, bad, row_at)

    def artisan_entry(self, values: dict, where: dict, bad: set, row_at: str, slug: str | None = None) -> Entry | None:
        name = values.get("name")
        slug = slug or self._slug(values, where, bad, "artisan", row_at)
        if slug is None:
            return None
        path = self.content / "artisans" / f"{slug}.yaml"
        existing = self._existing(path, row_at)
        out = self.judge(C.ARTISAN_FIELDS, values, where, row_at, bad, new=existing is None)
        if out.get("kecamatan"):
            out["kecamatan"] = self._kecamatan(out["kecamatan"], where.get("kecamatan", row_at), bad)
        if out.get("crafts"):
            resolved = [self._craft(c, where.get("crafts", row_at), bad, "crafts") for c in out["crafts"]]
            out["crafts"] = tuple(c for c in resolved if c)
        self.taken["artisan"].add(slug)
        if existing is None and not out.get("photo_consent") and not bad:
            self.note(where.get("photo_consent", row_at), "photo_consent", "no photo consent recorded",
                      "type ya in the izin foto column once the artisan agreed to appear in posts")
        entry = Entry("artisan", slug, row_at, out)
        self._finish(entry, existing, bad, path)
        self.plan.artisans.append(entry)
        self.by_artisan[slug] = entry
        if name:
            self.artisan_names()[normal(name)] = slug
        return entry

    def product_names(self) -> dict[str, list[str]]:
        """normal(name) -> slugs of the product files with that name, read once when a row needs it."""
        if self._product_names is None:
            self._product_names = {}
            for path in sorted((self.content / "products").glob("*.yaml")):
                try:
                    data = loads(read_text(path, path.name), path.name).data
                except Exception:  # noqa: BLE001 - a broken file is `check`'s to report
                    continue
                if isinstance(data, dict) and data.get("name"):
                    self._product_names.setdefault(normal(data["name"]), []).append(path.stem)
        return self._product_names

    def artisan_names(self) -> dict[str, str]:
        """normal(name) -> slug of every artisan file, read once when a product names an artisan by name."""
        if self._artisan_names is None:
            self._artisan_names = {}
            for slug, path in self.artisan_files.items():
                try:
                    data = loads(read_text(path, path.name), path.name).data
                except Exception:  # noqa: BLE001 - a broken file is `check`'s to report; it just matches by slug
                    continue
                if isinstance(data, dict) and data.get("name"):
                    self._artisan_names.setdefault(normal(data["name"]), slug)
        return self._artisan_names

    # products ----------------------------------------------------------------------------
    def product_row(self, sheet: Sheet, header: Header, row: Row) -> None:
        wanted = {c: c for c in PRODUCT_CONCEPTS}
        values, where, bad = self.cells(sheet, header, row, wanted)
        side, side_where, side_bad = self.cells(sheet, header, row, ON_PRODUCT_ROW)
        row_at = self.wb.where(sheet, 0, row.number)
        slug = self._slug(values, where, bad, "product", row_at)
        if slug is None:
            return
        if values.get("artisan") and "artisan" not in bad:
            values["artisan"] = self._artisan_of(values["artisan"], side, side_where, side_bad,
                                                 where["artisan"], bad)
        if values.get("craft") and "craft" not in bad:
            values["craft"] = self._craft(values["craft"], where["craft"], bad, "craft")
        path = self.content / "products" / f"{slug}.yaml"
        existing = self._existing(path, row_at)
        entry = Entry("product", slug, row_at)
        if existing is None and values.get("price") is None and "price" not in bad \
                and values.get("availability", "in_stock") in ("in_stock", None):
            self.note(where.get("price", row_at), "price", "no price given",
                      "captions read better with a price, e.g. \"Rp 150.000\"")
        if "photos" in values and "photos" not in bad and values["photos"]:
            entry.photos = self._photos(slug, values["photos"], where["photos"], bad)
            entry.intake = self.photos_dir is not None
            values["photos"] = [p.media or f"({p.typed})" for p in entry.photos]
        entry.values = self.judge(C.PRODUCT_FIELDS, values, where, row_at, bad, new=existing is None)
        self._finish(entry, existing, bad, path)
        self.plan.products.append(entry)

    def _artisan_of(self, typed: str, side: dict, side_where: dict, side_bad: set, at: str, bad: set) -> str | None:
        """The artisan a product row names: an artisan file or an earlier row, by slug, name or the name's slug.
        The first row naming it with artisan columns (kecamatan, desa, whatsapp) creates or updates it."""
        slug = typed if typed in self.by_artisan or typed in self.artisan_files else None
        slug = slug or self.artisan_names().get(normal(typed))
        if slug is None and slugify(typed) in (self.artisan_files.keys() | self.by_artisan.keys()):
            slug = slugify(typed)
        if any(v is not None for v in side.values()) and slug not in self.by_artisan:
            values, where = dict(side), dict(side_where)
            if slug is None:  # a new artisan: its name is the cell's text
                values["name"], where["name"] = typed, at
            entry = self.artisan_entry(values, where, side_bad, at, slug=slug)
            if entry is None:
                bad.add("artisan")
                return None
            slug = entry.slug
        entry = self.by_artisan.get(slug) if slug else None
        if entry is not None and entry.status == ERROR:
            self.error(at, "artisan", f"artisan `{typed}` has errors", f"fix its row first ({entry.where})")
            bad.add("artisan")
            return None
        if slug is None:
            near = difflib.get_close_matches(typed, sorted(self.artisan_files), n=1)
            self.error(at, "artisan", f"unknown artisan `{typed}`",
                       f"did you mean `{near[0]}`?" if near else
                       "add the artisan on the Pengrajin sheet, or give kecamatan (and desa, whatsapp) columns")
            bad.add("artisan")
        return slug

    def _craft(self, typed: str, at: str, bad: set, name: str) -> str | None:
        if typed in self.crafts:
            return typed
        for slug, craft in self.crafts.items():
            if normal(typed) in (normal(slug), normal(craft.name), normal(craft.name_en)):
                return slug
        self.error(at, name, f"unknown craft `{typed}`", "crafts: " + ", ".join(
            f"{c.name} ({s})" for s, c in self.crafts.items()))
        bad.add(name)
        return None

    def _kecamatan(self, typed: str, at: str, bad: set) -> str | None:
        if not self.kecamatan:
            return typed  # no region.yaml list: not checked, as the catalogue and the dashboard's form do
        for k in self.kecamatan:
            if normal(k) == normal(typed):
                return k  # written as the regency spells it
        near = difflib.get_close_matches(typed, self.kecamatan, n=1)
        self.error(at, "kecamatan", f"`{typed}` is not a kecamatan of the regency",
                   f"did you mean `{near[0]}`?" if near else "one of: " + ", ".join(self.kecamatan))
        bad.add("kecamatan")
        return None

    def _photos(self, slug: str, names: list[str], at: str, bad: set) -> list[PhotoSource]:
        found, problems = self.finder.find(slug, names, at)
        self.plan.problems.extend(problems)
        if any(p.is_error for p in problems):
            bad.add("photos")
        return found

    # shared ------------------------------------------------------------------------------
    def _slug(self, values: dict, where: dict, bad: set, kind: str, row_at: str) -> str | None:
        taken = self.taken[kind]
        if values.get("slug"):
            try:
                slug = C.slug(values["slug"])
            except ValueError as exc:
                self.error(where["slug"], "slug", str(exc))
                return None
            if slug in taken:
                self.error(where["slug"], "slug", f"slug `{slug}` is used by an earlier row",
                           "give each row its own slug")
                return None
        else:
            name = values.get("name")
            if not name or "name" in bad:
                if "name" not in bad:
                    self.error(where.get("name", row_at), "name", "`name` is required", "the name shown on the cover")
                return None
            base = slugify(str(name))
            if kind == "product" and not (self.content / "products" / f"{base}.yaml").exists():
                known = self.product_names().get(normal(name), [])
                if len(known) == 1 and known[0] not in taken:
                    base = known[0]  # a product made by hand under another file name: the row is about it
            if not base:
                self.error(where["name"], "name", f"`{name}` gives no file name (no letters A-Z or digits)",
                           "add a slug column with e.g. tas-purun-bunga")
                return None
            slug = unique(base, taken)
            if slug != base:
                self.note(where["name"], "name", f"an earlier row has the same name; this one becomes `{slug}`",
                          "give each product its own name, or a slug column to keep them apart")
        taken.add(slug)
        return slug

    def _existing(self, path: Path, row_at: str) -> _Existing | None:
        if not path.exists():
            return None
        text = read_text(path, path.name)
        try:
            data = loads(text, f"content/{path.parent.name}/{path.name}").data
        except Exception as exc:  # noqa: BLE001 - ContentError: the file is broken; the row cannot be compared
            self.error(row_at, "", f"content/{path.parent.name}/{path.name} does not load: {exc}",
                       "fix that file by hand first (etalase check)")
            return _Existing(text, {"__broken__": True})
        return _Existing(text, data if isinstance(data, dict) else {"__broken__": True})

    def _finish(self, entry: Entry, existing: _Existing | None, bad: set, path: Path) -> None:
        entry.exists = existing is not None
        if bad or (existing and "__broken__" in existing.data):
            entry.status = ERROR
            return
        if existing is None:
            entry.status = NEW
            entry.changed = tuple(k for k, v in entry.values.items() if v is not None)
            return
        entry.record = record.state_of(existing.text)
        changed = []
        for name, new in entry.values.items():
            if name == "photos":
                if photo_names(existing.data.get("photos")) != list(new or ()):
                    changed.append(name)
            elif not V.same(name, existing.data.get(name), new):
                changed.append(name)
        entry.changed = tuple(changed)
        entry.before = {name: existing.data.get(name) for name in changed}
        if not changed:
            entry.status = UNCHANGED
        elif entry.record != "imported" and not self.force:
            entry.status = EDITED
        else:
            entry.status = CHANGED


def _position(where: str, sheets: list[str]) -> tuple:
    """Problems in reading order: by sheet, row, then column (a whole-sheet note first)."""
    sheet = where.split(":", 1)[1].split("!")[0] if ":" in where else ""
    m = _CELL.search(where)
    letters, row = ((m.group(1) or m.group(3)), int(m.group(2) or m.group(4))) if m else ("", 0)
    return (sheets.index(sheet) if sheet in sheets else 0, row, len(letters), letters)


def _guess_kind(header: Header) -> str:
    """A sheet not named Produk or Pengrajin: products when it has a product's columns (or a name and an
    artisan), else artisans (a name, or a "pengrajin" header, with kecamatan and desa)."""
    columns = set(header.columns)
    product_only = {"photos", "price", "materials", "availability", "size", "colours"}
    return "products" if product_only & columns or {"name", "artisan"} <= columns else "artisans"


def plan_import(content: Path, state: Path, source: Path, *, photos: Path | None = None,
                mapping: Path | None = None, force: bool = False) -> Plan:
    """What importing `source` into `content` would do; reads, never writes."""
    if photos is not None and not Path(photos).is_dir():
        raise ContentError.single(str(photos), None, "", "photos folder not found",
                                  "pass the folder holding the photo files the sheet names")
    workbook = read_workbook(Path(source))
    return Planner(Path(content), workbook, load_mapping(mapping), Path(photos) if photos else None,
                   record.PhotoCache(state), force).run()
