"""A day's status, decided in one place for the week overview, the dashboard, its API and `etalase plan`.

Read from the ledger's facts (posted or not, does the day have a product) and from what is on disk
(the day folder's manifest, the FAILED note). The order, and why:

1. posted: history; nothing else matters (its folder, if any, is kept for the links).
2. skipped: the day has no product (skipped by the admin, a blackout, nothing approved).
3. ready: a complete, checked folder for the day's product is on disk, so the admin can upload it,
   even when the latest re-render failed. The failure is not hidden: `note` carries it and the pages
   show a warning ("pembuatan ulang terakhir gagal; versi sebelumnya tetap bisa diunggah").
4. failed: no usable folder and a FAILED note about the day's product.
5. skipped (gone by): a past day with neither folder nor post; its plan was hypothetical.
6. planned: not built yet.

A folder about another product (the admin swapped since, or that product left the plan) does not
count for the day. Nor does a note about another product decide the status, but it is not hidden
either: it rides along as a warning on a planned day ("the last attempt, with product X, failed"),
because it is the latest word on the day and says what to fix.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.export import failed
from pipeline.export.folders import day_dir, read_manifest

PLANNED, READY, FAILED, POSTED, SKIPPED = "planned", "ready", "failed", "posted", "skipped"
LABELS = {PLANNED: "belum dibuat", READY: "siap diunggah", FAILED: "gagal dibuat", POSTED: "sudah diunggah",
          SKIPPED: "tanpa unggahan"}
STALE_WARNING = "Pembuatan ulang terakhir gagal; versi sebelumnya masih ada dan tetap bisa diunggah."
OTHER_WARNING = ("Percobaan terakhir untuk tanggal ini (produk {product}) gagal. Sekarang tanggal ini memakai "
                 "produk lain, yang akan dibuat pada pembuatan berikutnya.")


@dataclass(frozen=True)
class DayStatus:
    code: str  # planned, ready, failed, posted, skipped
    manifest: dict[str, Any] | None  # the folder that serves the day (its product is the day's)
    note: failed.Note | None  # the latest failure (FAILED: the story; READY or PLANNED: a warning)
    gone_by: bool = False  # SKIPPED only because the day passed without a folder or a post

    @property
    def label(self) -> str:
        return LABELS[self.code]

    @property
    def warning(self) -> str:
        """Set when the latest attempt failed but the day is not "failed": a folder from before is ready,
        or the day has another product now."""
        if not self.note or self.code == FAILED:
            return ""
        if self.code == SKIPPED:
            return self.note.failure.pesan
        return STALE_WARNING if self.code == READY else OTHER_WARNING.format(product=self.note.product or "-")


def day_status(exports: Path, day: dt.date, product: str | None, *, posted: bool, no_post: bool,
               today: dt.date) -> DayStatus:
    """The status of `day` whose product is `product` (the posted one when posted, else the planned one)."""
    manifest = read_manifest(day_dir(exports, day))
    if manifest and (manifest.get("product") or {}).get("slug") != product:
        manifest = None  # an older export for a product the day no longer has
    note = failed.read(exports, day)
    other = bool(note) and note.product not in (None, product)
    if posted:
        return DayStatus(POSTED, manifest, None)
    if no_post or not product:  # a note here: the old folder could not step aside (Windows)
        return DayStatus(SKIPPED, None, note if note and not note.product else None)
    if manifest:
        return DayStatus(READY, manifest, None if other else note)  # a past day too: it may still be posted late
    if note and not other:
        return DayStatus(FAILED, None, note)
    if day < today:
        return DayStatus(SKIPPED, None, None, gone_by=True)
    return DayStatus(PLANNED, None, note)
