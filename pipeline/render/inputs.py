"""A render job's inputs as one value: everything one post depends on, already loaded.

`RenderInputs` holds the product, its artisan and craft, the brand's values, the template texts,
the day's settings, and photos, fonts, logo and music as content digests (their bytes come from a
`Blobs` source, so the value stays small whatever the catalogue's size and can travel to a worker
without the project's filesystem). Its `digest()` is the day's input hash, computed from the
value itself, so nothing a render reads can be left out of it (invariant 3).

`Loader(project, catalog)` is the one way to make inputs from a project: it reads the brand,
templates, fonts and music once and then makes inputs per day cheaply.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.common.channels import DEFAULT_CHANNELS, Channel
from pipeline.common.errors import ContentError, Problem
from pipeline.common.models import Artisan, Catalog, Craft, Photo, Product, Region
from pipeline.common.project import Project
from pipeline.render.audio import music_files
from pipeline.render.blobs import Blobs, FileBlobs, digest_file
from pipeline.render.brand import Brand, load_brand
from pipeline.render.templates import TemplateTexts, template_texts

RENDER_VERSION = "5"  # bump when the day folder's layout or the renderers' output changes


@dataclass(frozen=True)
class DaySettings:
    """What the day's schedule says about its post (the date itself is not an input: two days with
    the same inputs share one render)."""

    template: str = "default"  # the video template, and the caption template unless `caption` names one
    intro: str | None = None
    formats: str = "both"
    post_at: dt.time = dt.time(19, 0)
    special: str | None = None
    theme: str | None = None
    draft: bool = False
    timezone: str = "Asia/Jakarta"
    caption: str | None = None  # caption template; None: the day's template (a preview: brand.yaml's)
    channels: tuple[Channel, ...] = DEFAULT_CHANNELS  # each gets a caption and checks inside the render
    go_global: bool = False  # the admin marked the day Go Global: an English caption file too
    post_number: int = 1  # 1 = the product's first post; later posts vary (render/variation.py)

    @classmethod
    def of(cls, slot: Any, *, draft: bool, timezone: str,
           channels: tuple[Channel, ...] = DEFAULT_CHANNELS, post_number: int = 1) -> DaySettings:
        """From a planner Slot (any object with its day fields)."""
        return cls(slot.template, slot.intro, slot.formats, slot.post_at, slot.special, slot.theme, draft, timezone,
                   slot.template, channels, slot.go_global, post_number)


@dataclass(frozen=True)
class RenderInputs:
    product: Product  # photo paths are bare file names here; the bytes are fetched by Photo.digest
    artisan: Artisan
    craft: Craft
    brand: Brand  # font_paths and logo emptied: their bytes are named by `fonts` and `logo`
    templates: TemplateTexts
    day: DaySettings
    fonts: dict[str, str] = field(default_factory=dict)  # font name -> digest
    logo: str | None = None  # digest
    music: dict[str, str] = field(default_factory=dict)  # content/music/ file name -> digest
    versions: tuple[str, str] = field(default_factory=lambda: (__version__, RENDER_VERSION))
    region: Region = field(default_factory=Region)  # captions and the CTA card name the council's regency

    def digest(self) -> str:
        """The day's input hash: sha256 over the whole value (blobs by their digests)."""
        blob = json.dumps(dataclasses.asdict(self), sort_keys=True, default=_plain, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def blob_digests(self) -> set[str]:
        """Every blob a render of these inputs may ask for (what a hub sends a worker)."""
        out = {p.digest for p in self.product.photos} | set(self.fonts.values()) | set(self.music.values())
        return out | ({self.logo} if self.logo else set())

    def localised(self, blobs: Blobs) -> tuple[Product, Brand, dict[str, Path]]:
        """The product, brand and music files with paths to local copies of their bytes."""
        photos = tuple(dataclasses.replace(p, path=blobs.path(p.digest)) for p in self.product.photos)
        brand = dataclasses.replace(self.brand, font_paths={n: blobs.path(d) for n, d in self.fonts.items()},
                                    logo=blobs.path(self.logo) if self.logo else None)
        return (dataclasses.replace(self.product, photos=photos), brand,
                {name: blobs.path(d) for name, d in self.music.items()})

    def catalog(self) -> Catalog:
        """A catalogue of just this post's records, for the renderers' context."""
        return Catalog(Path("."), crafts={self.craft.slug: self.craft}, artisans={self.artisan.slug: self.artisan},
                       products={self.product.slug: self.product}, region=self.region)


def _plain(value: Any) -> Any:
    if isinstance(value, (Path, dt.time, dt.date)):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"cannot hash {type(value).__name__} in render inputs")


class Loader:
    """Makes RenderInputs from a project: the brand, templates, fonts, logo and music are read once."""

    def __init__(self, project: Project, catalog: Catalog, brand: Brand | None = None):
        self.catalog = catalog
        self.brand = brand or load_brand(project)
        self.templates = template_texts(project)
        self.files: dict[str, Path] = {}
        self._known: dict[Path, str] = {}
        self.fonts = {name: self._add(path) for name, path in sorted(self.brand.font_paths.items())}
        self.logo = self._add(self.brand.logo) if self.brand.logo else None
        self.music = {p.name: self._add(p) for p in music_files(project)}
        self._brand = dataclasses.replace(self.brand, font_paths={}, logo=None)
        self._region = catalog.region

    def _add(self, path: Path, digest: str | None = None) -> str:
        if not digest:
            digest = self._known.get(path) or digest_file(path)
            self._known[path] = digest
        self.files[digest] = path
        return digest

    def inputs(self, slug: str, day: DaySettings) -> RenderInputs:
        """One product's inputs for one day; ContentError when its artisan or craft is missing."""
        product = self.catalog.products[slug]
        artisan = self.catalog.artisans.get(product.artisan)
        craft = self.catalog.crafts.get(product.craft)
        if artisan is None or craft is None:
            what, name = ("artisan", product.artisan) if artisan is None else ("craft", product.craft)
            raise ContentError(Problem(product.source, None, what, f"unknown {what} `{name}`",
                                       f"fix the product's `{what}` or add the {what}"))
        photos = tuple(Photo(p.file, Path(p.file), p.focus, self._add(Path(p.path), p.digest or None))
                       for p in product.photos)
        return RenderInputs(dataclasses.replace(product, photos=photos), artisan, craft, self._brand, self.templates,
                            day, self.fonts, self.logo, self.music,
                            region=dataclasses.replace(self._region, kecamatan=(), source=""))

    def blobs(self, inputs: RenderInputs) -> FileBlobs:
        """The project's own files for exactly these inputs' digests."""
        return FileBlobs(self.files).subset(inputs.blob_digests())


def inputs_for(project: Project, catalog: Catalog, slug: str, day: DaySettings) -> tuple[RenderInputs, FileBlobs]:
    """One post's inputs and the project's files for them (for a single render: preview, tests)."""
    loader = Loader(project, catalog)
    inputs = loader.inputs(slug, day)
    return inputs, loader.blobs(inputs)
