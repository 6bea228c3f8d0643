"""kalender.ics: the coming posts as calendar events with an alarm, so the admin's phone reminds them to post.

Made with the icalendar library (RFC 5545): each day is one event at its suggested time in the plan's zone
(with its VTIMEZONE), its UID stable per day so a re-published feed updates events instead of adding new ones.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import icalendar

EVENT_MINUTES = 15  # how long the event blocks: posting takes a few minutes


@dataclass(frozen=True)
class Reminder:
    """One coming post: when (aware, in the plan's zone), what, and optionally the dashboard page for it."""

    date: dt.date
    at: dt.datetime
    product: str
    artisan: str = ""
    url: str | None = None


def feed(reminders: list[Reminder], *, council: str, alarm_minutes: int, now: dt.datetime) -> bytes:
    """The iCalendar text of `reminders`, each with a display alarm `alarm_minutes` before it."""
    if now.tzinfo is None:
        raise ValueError("naive datetime: pass an aware one (invariant 7)")
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Etalase//Jadwal unggah//ID")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Jadwal unggah {council}".strip())
    host = re.sub(r"[^a-z0-9]+", "-", council.lower()).strip("-") or "etalase"
    for r in reminders:
        if r.at.tzinfo is None:
            raise ValueError(f"{r.date}: naive datetime (invariant 7)")
        event = icalendar.Event()
        event.add("uid", f"{r.date.isoformat()}@{host}.etalase")
        event.add("dtstamp", now.astimezone(dt.UTC))
        event.add("dtstart", r.at)
        event.add("dtend", r.at + dt.timedelta(minutes=EVENT_MINUTES))
        event.add("summary", f"Unggah ke TikTok: {r.product}")
        lines = [f"Produk hari ini: {r.product}" + (f" ({r.artisan})" if r.artisan else ""),
                 "Buka dasbor Etalase, unduh video atau slide, salin keterangan, unggah, lalu tandai sudah diunggah."]
        if r.url:
            lines.append(r.url)
            event.add("url", r.url)
        event.add("description", "\n".join(lines))
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{alarm_minutes} menit lagi: unggah {r.product} ke TikTok")
        alarm.add("trigger", dt.timedelta(minutes=-alarm_minutes))
        event.add_component(alarm)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
