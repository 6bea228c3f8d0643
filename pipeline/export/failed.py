"""The FAILED note: what the admin finds instead of a day folder, and what the pages read back.

exports/YYYY-MM-DD.FAILED.txt is plain text a phone can open: a few `Key: value` lines, then what
happened and what to do in Bahasa Indonesia, then (under a marker line) the technical detail for
the office IT person. The pages show the first part and keep the detail behind a "detail teknis"
toggle, so a traceback never greets the admin. A note from before this format (no marker) is all
detail, under a generic message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pipeline.common import atomic
from pipeline.export.folders import failed_note

# Failure kinds: who can fix it decides what the note asks for.
PHOTO, CHECK, DISK, BUSY, TEMPLATE, UNEXPECTED = "photo", "check", "disk", "busy", "template", "unexpected"
DETAIL_MARK = "==== Detail teknis (untuk petugas IT kantor) ===="
OTHER_DAYS = "Hari-hari lain tetap dibuat seperti biasa."


@dataclass(frozen=True)
class Failure:
    """Why a day could not be made: `pesan` (what happened) and `todo` (what to do) are for the admin;
    `detail` (the error, a traceback when unexpected, where the log is) is for the office IT person."""

    kind: str
    pesan: str
    todo: str
    detail: str


@dataclass(frozen=True)
class Note:
    """A FAILED note as read back from disk."""

    day: dt.date
    product: str | None
    at: str
    failure: Failure
    file: str  # the note's file name, for "see YYYY-MM-DD.FAILED.txt"


def text(day: dt.date, product: str | None, failure: Failure, now: dt.datetime) -> str:
    return (
        f"GAGAL: posting untuk {day.isoformat()} belum bisa dibuat.\n"
        f"Produk: {product or '-'}\n"
        f"Waktu: {now.isoformat(timespec='seconds')}\n"
        f"Jenis: {failure.kind}\n\n"
        f"{failure.pesan.strip()}\n\n"
        f"Yang perlu dilakukan:\n{failure.todo.strip()}\n\n"
        f"{OTHER_DAYS}\n\n"
        f"{DETAIL_MARK}\n{failure.detail.strip()}\n"
    )


def write(exports: Path, day: dt.date, product: str | None, failure: Failure, now: dt.datetime) -> Path:
    """Write the day's note atomically (raises OSError, e.g. ENOSPC, for the build to report)."""
    path = failed_note(exports, day)
    atomic.write_text(path, text(day, product, failure, now))
    return path


def read(exports: Path, day: dt.date) -> Note | None:
    """The day's note, or None when there is none (or it cannot be read)."""
    path = failed_note(exports, day)
    try:
        raw = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return parse(day, raw, path.name)


def parse(day: dt.date, raw: str, name: str) -> Note:
    head, sep, detail = raw.partition(DETAIL_MARK + "\n")
    if not sep:  # an older note: everything in it is technical
        return Note(day, _field(raw, "Produk"), _field(raw, "Waktu") or "", Failure(
            UNEXPECTED, "Posting untuk tanggal ini gagal dibuat.",
            "Jalankan pembuatan ulang; bila tetap gagal, hubungi petugas IT kantor dan tunjukkan detail teknis.",
            raw.strip()), name)
    lines = head.split("\n")
    body = "\n".join(lines[5:]).strip()  # after the title and the four fields
    pesan, _, todo = body.partition("\n\nYang perlu dilakukan:\n")
    todo = todo.removesuffix(OTHER_DAYS).strip()
    return Note(day, _field(head, "Produk"), _field(head, "Waktu") or "",
                Failure(_field(head, "Jenis") or UNEXPECTED, pesan.strip(), todo, detail.strip()), name)


def _field(text: str, key: str) -> str | None:
    for line in text.split("\n")[:6]:
        if line.startswith(key + ": "):
            value = line[len(key) + 2:].strip()
            return None if value in ("", "-") else value
    return None
