"""Which header means which field: names in Indonesian or English, compared case-, space- and
punctuation-insensitively, plus a council's own names from a YAML mapping file."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.common import fields as F
from pipeline.common.errors import ContentError
from pipeline.common.yamlread import load

# concept -> header names. A concept is a product field, or an artisan field on a product row.
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("nama", "name", "nama produk", "produk", "product", "product name", "nama barang"),
    "slug": ("slug", "id", "kode", "kode produk", "code"),
    "artisan": ("pengrajin", "perajin", "artisan", "nama pengrajin", "kelompok", "maker", "ukm", "umkm"),
    "craft": ("kerajinan", "craft", "crafts", "jenis kerajinan", "jenis", "kategori"),
    "price": ("harga", "price", "harga rp", "harga (rp)", "harga jual", "price idr"),
    "photos": ("foto", "photos", "photo", "gambar", "foto produk", "file foto", "images"),
    "materials": ("bahan", "materials", "material", "bahan baku"),
    "size": ("ukuran", "size", "dimensi", "dimensions"),
    "colours": ("warna", "colours", "colors", "colour", "color"),
    "story": ("cerita", "story", "deskripsi", "description", "keterangan", "cerita produk"),
    "story_en": ("cerita en", "story en", "cerita inggris", "cerita bahasa inggris", "english story"),
    "go_global": ("go global", "global", "go global caption inggris", "caption inggris", "caption bahasa inggris",
                  "english caption"),
    "tags": ("tag", "tags", "label"),
    "certifications": ("sertifikasi", "sertifikat", "certifications", "certification"),
    "availability": ("ketersediaan", "availability", "stok", "stock", "status stok"),
    "kecamatan": ("kecamatan", "district", "subdistrict"),
    "village": ("desa", "village", "kelurahan", "desa/kelurahan"),
    "whatsapp": ("whatsapp", "wa", "hp", "no hp", "nomor hp", "no wa", "nomor wa", "telepon", "telp", "phone"),
    "photo_consent": ("izin foto", "photo consent", "persetujuan foto", "consent", "boleh difoto"),
    "artisan_story": ("cerita pengrajin", "artisan story"),
    "date": ("tanggal", "date", "tanggal input", "tanggal masuk"),  # recognised, not stored: products have no date
}
PRODUCT_CONCEPTS = ("name", "slug", "artisan", "craft", "price", "photos", "materials", "size", "colours", "story",
                    "story_en", "go_global", "tags", "certifications", "availability")
ON_PRODUCT_ROW = {"kecamatan": "kecamatan", "village": "village", "whatsapp": "whatsapp",
                  "photo_consent": "photo_consent", "artisan_story": "story"}  # artisan fields a product row may carry
ARTISAN_CONCEPTS = {"name": "name", "slug": "slug", "kecamatan": "kecamatan", "village": "village", "craft": "crafts",
                    "story": "story", "artisan_story": "story", "whatsapp": "whatsapp",
                    "photo_consent": "photo_consent"}
SHEET_KINDS = {"products": ("produk", "products", "product", "data produk", "barang", "katalog"),
               "artisans": ("pengrajin", "perajin", "artisans", "artisan", "data pengrajin", "umkm", "kelompok")}
HEADER_SCAN = 20  # a header below this many rows of titles is not looked for


def normal(text: Any) -> str:
    """"Harga (Rp)" -> "hargarp": ASCII letters and digits only, lower case."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_text.lower())


_INDEX = {normal(n): concept for concept, names in ALIASES.items() for n in names}


@dataclass(frozen=True)
class Mapping:
    """A council's own header and sheet names (--mapping FILE.yaml)."""

    columns: dict[str, str] = field(default_factory=dict)  # normal(header) -> concept
    sheets: dict[str, str] = field(default_factory=dict)  # normal(sheet name) -> "products" | "artisans"

    def concept(self, header: Any) -> str | None:
        key = normal(header)
        return self.columns.get(key) or _INDEX.get(key) if key else None

    def sheet_kind(self, name: str) -> str | None:
        key = normal(name)
        if key in self.sheets:
            return self.sheets[key]
        return next((kind for kind, names in SHEET_KINDS.items() if key in {normal(n) for n in names}), None)


def _concept(value: Any) -> str:
    v = F.text(value)
    if v not in ALIASES:
        raise ValueError(f"`{v}` is not a field the import knows")
    return v


def load_mapping(path: Path | None) -> Mapping:
    """Read a mapping file:  columns: {"Nama Barang": name, ...}  sheets: {"Data UMKM": artisans}."""
    if path is None:
        return Mapping()
    doc = load(Path(path), str(path))
    r = F.FieldReader(doc)
    top = r.mapping((), [F.Field("columns", lambda v: v, default={}), F.Field("sheets", lambda v: v, default={})])
    columns: dict[str, str] = {}
    sheets: dict[str, str] = {}
    for name, out, parse in (("columns", columns, _concept),
                             ("sheets", sheets, F.choice("products", "artisans"))):
        raw = (top or {}).get(name) or {}
        if not isinstance(raw, dict):
            r.error((name,), f"expected a mapping of header names to fields, got {F.type_name(raw)}")
            continue
        for header, value in raw.items():
            try:
                out[normal(header)] = parse(value)
            except ValueError as exc:
                r.error((name, header), str(exc), "fields: " + ", ".join(ALIASES) if name == "columns" else "")
    errors = [p for p in r.problems if p.is_error]
    if errors:
        raise ContentError(errors)
    return Mapping(columns, sheets)


@dataclass(frozen=True)
class Header:
    """The header row of one sheet: its row number, concept -> column index, and unrecognised headers."""

    row: int
    columns: dict[str, int]
    unknown: tuple[tuple[int, str], ...] = ()
    duplicates: tuple[tuple[str, int, int], ...] = ()  # (concept, kept column, ignored column)


def find_header(rows: list[tuple[int, tuple]], mapping: Mapping) -> Header | None:
    """The first row among the first HEADER_SCAN that names a product or artisan: at least two known
    headers, one of them a name (titles in merged cells above it hold one cell, so they never qualify)."""
    for number, values in rows[:HEADER_SCAN]:
        concepts = [(i, mapping.concept(v)) for i, v in enumerate(values) if v is not None and str(v).strip()]
        known = [(i, c) for i, c in concepts if c]
        if len(known) < 2 or not any(c in ("name", "artisan") for _, c in known):
            continue
        columns: dict[str, int] = {}
        duplicates = []
        for i, c in known:
            if c in columns:
                duplicates.append((c, columns[c], i))
            else:
                columns[c] = i
        unknown = tuple((i, str(values[i]).strip()) for i, c in concepts if not c)
        return Header(number, columns, unknown, tuple(duplicates))
    return None
