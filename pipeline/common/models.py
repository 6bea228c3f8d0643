"""Plain, frozen records that flow between stages; no I/O lives here."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# Music moods a craft or product may name; content/music/beds.yaml gives each bed one.
MOODS = ("calm", "cheerful", "traditional", "upbeat")


@dataclass(frozen=True)
class Craft:
    slug: str
    name: str
    name_en: str
    hashtags: tuple[str, ...] = ()
    color: str = "#8A6D3B"
    mood: str | None = None  # music mood for its videos (MOODS), None: the template's rotation


@dataclass(frozen=True)
class Artisan:
    slug: str
    name: str
    kecamatan: str
    village: str = ""
    crafts: tuple[str, ...] = ()
    story: str = ""
    whatsapp: str | None = None
    photo_consent: bool = False
    source: str = ""


@dataclass(frozen=True)
class Photo:
    """A product photo: `file` is relative to content/media/, `path` is where it lies on disk."""

    file: str
    path: Path
    focus: tuple[float, float] = (0.5, 0.5)
    digest: str = ""  # BLAKE2b of the bytes when the catalogue loaded (part of the product's content hash)


@dataclass(frozen=True)
class Product:
    slug: str
    name: str
    artisan: str
    craft: str
    photos: tuple[Photo, ...]
    price: int | None = None
    materials: tuple[str, ...] = ()
    size: str = ""
    colours: tuple[str, ...] = ()
    story: str = ""
    story_en: str = ""
    tags: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    availability: str = "in_stock"
    source: str = ""
    content_hash: str = ""
    go_global: bool = False  # every post of it also gets an English caption file
    mood: str | None = None  # music mood for its video (MOODS), over the craft's
    hook: str = ""  # a short line for the cover and the video's opening; "" -> a title derived from the name

    @property
    def hero(self) -> Photo:
        return self.photos[0]


@dataclass(frozen=True)
class Region:
    """The council's regency (content/region.yaml): its name in posts and the districts artisans may name."""

    regency: str = ""
    short_name: str = ""  # the everyday short form, e.g. Labura
    province: str = ""
    province_en: str = ""
    kecamatan: tuple[str, ...] = ()  # empty: no region.yaml, districts are not checked
    source: str = ""

    @property
    def name(self) -> str:
        """What posts call the regency: its short name, else its full name ("" when none is set)."""
        return self.short_name or self.regency


@dataclass
class Catalog:
    """Everything under content/ that loaded, plus every problem found on the way."""

    root: Path
    region: Region = field(default_factory=Region)
    crafts: dict[str, Craft] = field(default_factory=dict)
    artisans: dict[str, Artisan] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)
    invalid: dict[str, str] = field(default_factory=dict)  # slug -> source of products that failed
    invalid_artisans: dict[str, str] = field(default_factory=dict)
    problems: list = field(default_factory=list)

    @property
    def errors(self) -> list:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list:
        return [p for p in self.problems if not p.is_error]

    def problems_for(self, source: str) -> list:
        return [p for p in self.problems if p.path == source]
