"""An injectable clock, so decisions, builds and the scheduler can be tested at any moment.

Every time the project stores is aware and in the configured zone (WIB by default), so a
05:00 WIB run never becomes "yesterday" on a machine whose clock is in UTC.

Testing aid: $ETALASE_NOW (an aware ISO moment, e.g. 2026-09-30T22:00:00+00:00) pins every
SystemClock of a process to that moment, so tests that run the CLI, the scheduler or the server
as real processes get the same days whenever they run, midnight WIB or not.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline.common.errors import ConfigError

DEFAULT_ZONE = "Asia/Jakarta"
NOW_VARIABLE = "ETALASE_NOW"


def zone(name: str) -> ZoneInfo:
    """The IANA zone `name`; a typo is a ConfigError, not a silent UTC."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError.single("timezone", None, "timezone", f"`{name}` is not a known time zone",
                                 "use an IANA name: Asia/Jakarta (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT)"
                                 ) from None


class Clock(Protocol):
    def now(self) -> datetime: ...


def pinned_now() -> datetime | None:
    """The moment $ETALASE_NOW pins the system clock to (tests only), or None."""
    value = os.environ.get(NOW_VARIABLE)
    if not value:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise ConfigError.single(NOW_VARIABLE, None, NOW_VARIABLE, f"`{value}` is not an aware ISO moment",
                                 "e.g. 2026-09-30T22:00:00+00:00, or unset it to use the machine's clock")
    return at


class SystemClock:
    """The machine's clock, seen from `zone_name` (pinned by $ETALASE_NOW when a test sets it)."""

    def __init__(self, zone_name: str = DEFAULT_ZONE):
        self.zone = zone(zone_name)
        self.pinned = pinned_now()

    def now(self) -> datetime:
        return datetime.now(self.zone) if self.pinned is None else self.pinned.astimezone(self.zone)


class FixedClock:
    """A clock that only moves when told: tests, catch-up runs, replay."""

    def __init__(self, at: datetime):
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self.at = at

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> datetime:
        self.at = self.at + timedelta(**delta)
        return self.at
