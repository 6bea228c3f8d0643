"""An injectable clock, so decisions, builds and the scheduler can be tested at any moment.

Every time the project stores is aware and in the configured zone (WIB by default), so a
05:00 WIB run never becomes "yesterday" on a machine whose clock is in UTC.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline.common.errors import ConfigError

DEFAULT_ZONE = "Asia/Jakarta"


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


class SystemClock:
    """The machine's clock, seen from `zone_name`."""

    def __init__(self, zone_name: str = DEFAULT_ZONE):
        self.zone = zone(zone_name)

    def now(self) -> datetime:
        return datetime.now(self.zone)


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
