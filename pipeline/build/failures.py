"""Why a day failed, in words the admin can act on, and the full story in the build log.

`explain` turns what a render or publish raised into a Failure by who can fix it: a photo that
cannot be read (replace it, a curator approves again), failed TikTok checks, a full disk (how much
is free, how much a day needs), a template or settings problem (the office IT person), or anything
unexpected (the IT person, pointed at the log). `log_failure` appends the day, the time and the
full traceback to state/logs/build-YYYY-MM-DD.log (one file per build date), which the note names.
"""

from __future__ import annotations

import datetime as dt
import errno
import shutil
import traceback
from pathlib import Path

from pipeline.catalog.media import MediaError
from pipeline.common.errors import CheckError, EtalaseError, PhotoError
from pipeline.common.models import Product
from pipeline.common.project import Project
from pipeline.export.failed import BUSY, CHECK, DISK, PHOTO, TEMPLATE, UNEXPECTED, Failure
from pipeline.export.folders import FolderBusy, tanggal

LOGS = "logs"
DAY_ESTIMATE = 40 * 1024 * 1024  # a full-size day (video, cover, slides) when none is on disk to measure
RETRY = "tekan \"Buat sekarang\" di dasbor (atau jalankan `etalase build`)"


def log_path(project: Project, now: dt.datetime) -> Path:
    return project.state / LOGS / f"build-{now.date().isoformat()}.log"


def log_failure(project: Project, now: dt.datetime, day: dt.date, product: str | None, exc: BaseException) -> Path:
    """Append the failure with its traceback; raises OSError when even the state disk cannot take it."""
    path = log_path(project, now)
    path.parent.mkdir(parents=True, exist_ok=True)
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"{now.isoformat(timespec='seconds')}  day {day.isoformat()}  product {product or '-'}  FAILED\n"
                f"{tb.rstrip()}\n\n")
    return path


def is_disk_full(exc: BaseException) -> bool:
    """ENOSPC from Python, or the encoder reporting it in its own words."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return True
    return "No space left on device" in str(exc)


def explain(exc: BaseException, project: Project, day: dt.date, product: Product | None, log: Path | None,
            needed: int = 0) -> Failure:
    """The admin's message and next step for `exc`; `needed` is the bytes a day takes, when known."""
    name = f"{product.name} ({product.slug})" if product else "yang dijadwalkan"
    when = tanggal(day)
    where = _relative(log, project.root) if log else "log build di folder state/logs/"
    detail = f"{type(exc).__name__}: {exc}".strip() + f"\nLog lengkap: {where}"
    if is_disk_full(exc):
        exports = project.exports
        free = _free(exports)
        needed = needed or _day_size(exports) or DAY_ESTIMATE
        return Failure(DISK, f"Disk penuh: folder {exports} hanya punya {_mb(free)} ruang kosong, padahal satu "
                             f"hari perlu sekitar {_mb(needed)}.",
                       "Kosongkan ruang di disk itu (misalnya hapus folder lama di exports/.replaced/ atau file lain "
                       f"yang tidak dipakai), lalu {RETRY}. Bila tidak yakin, hubungi petugas IT kantor.", detail)
    if isinstance(exc, PhotoError | MediaError):
        photo = _photo_name(exc, project)
        return Failure(PHOTO, f"Foto {photo} untuk produk {name} tidak bisa dibaca (filenya rusak atau bukan foto).",
                       f"Ganti foto itu dengan foto JPEG atau PNG yang baik di halaman produk, lalu minta kurator "
                       f"memeriksa dan menyetujui produknya lagi. Atau tukar produk untuk {when} di "
                       f"Kalender. Setelah itu {RETRY}.", detail)
    if isinstance(exc, CheckError):
        return Failure(CHECK, f"Hasil untuk produk {name} tidak lolos pemeriksaan TikTok (ukuran, durasi atau "
                              "panjang keterangan).",
                       f"Tukar produk untuk {when} di Kalender agar tanggal itu tetap ada unggahan, dan "
                       "beri tahu petugas IT kantor (sebutkan tanggalnya; rinciannya di detail teknis).", detail)
    if isinstance(exc, FolderBusy):  # Windows: a player or sync client holds a file in the day folder
        return Failure(BUSY, str(exc).splitlines()[0], f"Tutup program itu, lalu {RETRY}.", detail)
    if isinstance(exc, EtalaseError):
        return Failure(TEMPLATE, f"Template atau pengaturan posting bermasalah, jadi produk {name} belum bisa "
                                 "dibuat.",
                       "Beri tahu petugas IT kantor: template atau pengaturannya perlu diperbaiki (rinciannya di "
                       f"detail teknis). Sementara itu Anda bisa menukar produk untuk {when} di Kalender.",
                       detail)
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__, limit=-8))
    return Failure(UNEXPECTED, f"Terjadi kesalahan tak terduga saat membuat posting produk {name}.",
                   f"Hubungi petugas IT kantor dan sebutkan tanggalnya ({when}); rinciannya ada di {where} "
                   "(juga di detail teknis di bawah).", f"{detail}\n\n{tb.rstrip()}")


def tree_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0


def _day_size(exports: Path) -> int:
    """The newest day folder's size: what the next day will need, about."""
    days = sorted(p for p in exports.glob("????-??-??") if p.is_dir()) if exports.is_dir() else []
    return tree_size(days[-1]) if days else 0


def _free(folder: Path) -> int:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return 0


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def _photo_name(exc: BaseException, project: Project) -> str:
    path = getattr(exc, "path", None)
    if path is None:
        return "produk"
    media = project.content / "media"
    try:
        return f"`{Path(path).resolve().relative_to(media.resolve()).as_posix()}`"
    except ValueError:
        return f"`{Path(path).name}`"


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
