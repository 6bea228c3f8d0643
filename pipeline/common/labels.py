"""The one label table for what the admin reads: dates, times, time zones and the TikTok checks' names.

Export pages (checklist, week overview), the dashboard and messages all format through here, so a time
reads "20 Des 2026, 20.45 WIB" everywhere and a check reads "Ukuran file", never `file_size`. No web or
template imports: the core, the pages and the CLI can all use it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
         "November", "Desember")
BULAN_PENDEK = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")

ZONES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
OFFSETS = {7: "WIB", 8: "WITA", 9: "WIT"}  # an aware time read back from ISO text knows only its offset

# A day's status (pipeline/export/status.py decides it) as every page and message names it.
DAY_STATUS = {"planned": "belum dibuat", "ready": "siap diunggah", "failed": "gagal dibuat",
              "posted": "sudah diunggah", "skipped": "tanpa unggahan"}

# TikTok checks (pipeline/export/checks.py names them) as the admin reads them.
CHECKS = {
    "file": "File ada", "file_size": "Ukuran file", "container": "Jenis file video", "faststart":
    "Bisa diputar sebelum terunduh penuh", "decode": "File bisa dibuka", "video_codec": "Format video",
    "profile": "Mutu video", "pixel_format": "Format warna video", "size": "Ukuran gambar", "portrait":
    "Tegak 9:16", "min_size": "Ukuran minimum", "recommended_size": "Ukuran yang dianjurkan", "fps":
    "Gambar per detik", "duration": "Durasi", "audio": "Suara", "sample_rate": "Mutu suara", "format":
    "Format gambar", "colour": "Mode warna", "colour_profile": "Profil warna", "caption_length":
    "Panjang caption", "caption_empty": "Caption terisi", "hashtags": "Jumlah tagar", "title_length": "Panjang judul",
    "video": "Video terbaca",
}


def zone_label(zone: str | dt.tzinfo | None) -> str:
    """"WIB" for Asia/Jakarta (or an offset of +07:00); other zones by their name or offset."""
    if zone is None:
        return ""
    if isinstance(zone, str):
        return ZONES.get(zone, zone)
    key = getattr(zone, "key", None)
    if key:
        return ZONES.get(key, key)
    offset = zone.utcoffset(None)
    if offset is None:
        return ""
    hours = offset.total_seconds() / 3600
    if hours in OFFSETS:
        return OFFSETS[int(hours)]
    sign = "+" if hours >= 0 else "-"
    minutes = int(abs(offset.total_seconds()) // 60)
    return f"UTC{sign}{minutes // 60:02d}.{minutes % 60:02d}"


def _parsed(value: Any) -> dt.date | dt.datetime | None:
    if isinstance(value, dt.date):
        return value
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _in_zone(moment: dt.datetime, zone: str | None) -> dt.datetime:
    """An aware moment as the clock in `zone` reads it, so the label beside it is true."""
    if zone and moment.tzinfo is not None:
        try:
            from zoneinfo import ZoneInfo

            return moment.astimezone(ZoneInfo(zone))
        except (KeyError, ValueError, OSError):
            pass
    return moment


def tanggal(value: dt.date | dt.datetime | str | None, with_weekday: bool = True) -> str:
    """2026-11-28 -> "Sabtu, 28 November 2026" (text that is not a date comes back as it is)."""
    parsed = _parsed(value)
    if parsed is None:
        return "" if not value else str(value)
    day = parsed.date() if isinstance(parsed, dt.datetime) else parsed
    text = f"{day.day} {BULAN[day.month - 1]} {day.year}"
    return f"{HARI[day.weekday()]}, {text}" if with_weekday else text


def jam(value: dt.datetime | dt.time | str | None) -> str:
    """The clock time as Indonesian writes it: "19.00"."""
    parsed = value if isinstance(value, dt.time) else _parsed(value)
    if not isinstance(parsed, dt.datetime | dt.time):
        return "" if not value else str(value)
    return f"{parsed:%H.%M}"


def waktu(value: dt.datetime | str | None, zone: str | None = None) -> str:
    """An aware moment -> "20 Des 2026, 20.45 WIB" (the zone from `zone` or the moment's own offset)."""
    parsed = _parsed(value)
    if not isinstance(parsed, dt.datetime):
        return tanggal(parsed, with_weekday=False) if parsed else ("" if not value else str(value))
    parsed = _in_zone(parsed, zone)
    label = zone_label(zone) if zone else zone_label(parsed.tzinfo)
    text = f"{parsed.day} {BULAN_PENDEK[parsed.month - 1]} {parsed.year}, {parsed:%H.%M}"
    return f"{text} {label}" if label else text


def jam_zona(value: dt.datetime | str | None, zone: str | None = None) -> str:
    """Only the clock time with its zone: "19.00 WIB"."""
    parsed = _parsed(value)
    if not isinstance(parsed, dt.datetime):
        return jam(value)
    parsed = _in_zone(parsed, zone)
    label = zone_label(zone) if zone else zone_label(parsed.tzinfo)
    return f"{parsed:%H.%M} {label}".strip()


def check_label(name: str) -> str:
    """A TikTok check's name for people; an unknown one reads as words, not as an identifier."""
    return CHECKS.get(name, str(name).replace("_", " ").capitalize())


def check_line(check: dict[str, Any]) -> str:
    """One check for the checklist's details: its label, and what is wrong when it did not pass (a passed
    check's own message is a technical value such as "moov di depan (faststart)": not shown)."""
    label = check_label(str(check.get("name") or ""))
    return label if check.get("ok") else f"{label}: {check.get('message') or ''}".rstrip(": ")
