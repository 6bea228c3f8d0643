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
count for the day, but it is not hidden: the day is `stale` (its files no longer match its plan). A ready
day is stale too when its folder's input hash differs from what the build would render now (an approved
edit, a template, brand or schedule change): it can still be uploaded, and the pages offer "Buat ulang".
Nor does a note about another product decide the status, but it is not hidden
either: it rides along as a warning on a planned day ("the last attempt, with product X, failed"),
because it is the latest word on the day and says what to fix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.common.labels import DAY_STATUS
from pipeline.export import failed
from pipeline.export.folders import day_dir, read_manifest

PLANNED, READY, FAILED, POSTED, SKIPPED = "planned", "ready", "failed", "posted", "skipped"
LABELS = DAY_STATUS  # the shared label table's words: {PLANNED: "belum dibuat", READY: "siap diunggah", ...}
STALE_WARNING = "Pembuatan ulang terakhir gagal; versi sebelumnya masih ada dan tetap bisa diunggah."
STALE_INPUTS = ("Isi posting ini sudah berubah sejak berkasnya dibuat (produk disunting dan disetujui lagi, atau "
                "templat atau jadwal diubah). Buat ulang agar berkas yang diunggah sesuai.")
STALE_PRODUCT = ("Folder ekspor tanggal ini masih berisi produk lain ({old}). Buat ulang agar berkasnya untuk "
                 "produk yang sekarang dijadwalkan.")
STALE_LABEL = "perlu dibuat ulang"
OTHER_WARNING = ("Percobaan terakhir untuk tanggal ini (produk {product}) gagal. Sekarang tanggal ini memakai "
                 "produk lain, yang akan dibuat pada pembuatan berikutnya.")


@dataclass(frozen=True)
class DayStatus:
    code: str  # planned, ready, failed, posted, skipped
    manifest: dict[str, Any] | None  # the folder that serves the day (its product is the day's)
    note: failed.Note | None  # the latest failure (FAILED: the story; READY or PLANNED: a warning)
    gone_by: bool = False  # SKIPPED only because the day passed without a folder or a post
    stale: str = ""  # why the files on disk no longer match the day (Bahasa Indonesia); "" when they do

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


InputHash = Callable[[bool], "str | None"]  # draft -> the input hash the build would give the day now


def day_status(exports: Path, day: dt.date, product: str | None, *, posted: bool, no_post: bool,
               today: dt.date, input_hash: InputHash | None = None) -> DayStatus:
    """The status of `day` whose product is `product` (the posted one when posted, else the planned one).

    `input_hash` (pipeline/build/freshness.py) tells whether a ready folder still matches its inputs; None
    when the caller cannot tell (the folder is then taken as current)."""
    manifest = read_manifest(day_dir(exports, day))
    stale = ""
    if manifest and (manifest.get("product") or {}).get("slug") != product:
        if product and not posted and not no_post:
            old = manifest.get("product") or {}
            stale = STALE_PRODUCT.format(old=old.get("name") or old.get("slug") or "-")
        manifest = None  # an older export for a product the day no longer has
    elif manifest and input_hash is not None and not posted:
        now = input_hash(bool(manifest.get("draft")))
        if now is not None and now != manifest.get("input_hash"):
            stale = STALE_INPUTS
    note = failed.read(exports, day)
    other = bool(note) and note.product not in (None, product)
    if posted:
        return DayStatus(POSTED, manifest, None)
    if no_post or not product:  # a note here: the old folder could not step aside (Windows)
        return DayStatus(SKIPPED, None, note if note and not note.product else None)
    if manifest:  # a past day too: it may still be posted late
        return DayStatus(READY, manifest, None if other else note, stale=stale)
    if note and not other:
        return DayStatus(FAILED, None, note, stale=stale)
    if day < today and not stale:
        return DayStatus(SKIPPED, None, None, gone_by=True)
    return DayStatus(PLANNED, None, note, stale=stale)
