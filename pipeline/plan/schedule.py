"""schedule.yaml -> frozen Settings: every setting declared once, with its default and help.

Read through pipeline/common/fields.py so a bad schedule reports every problem at once with file:line,
exactly like the catalogue does. A missing schedule.yaml is not an error: the defaults describe
a sensible week for the council (WIB, prepare 05:00, suggest 19:00, seven days ahead).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline.common import fields as F
from pipeline.common.channels import DEFAULT_CHANNELS, KNOWN, SPECS, TAKES, Channel
from pipeline.common.errors import ConfigError, ContentError
from pipeline.common.yamlread import YamlDoc, load

FORMATS = ("video", "carousel", "both")
BALANCE = ("craft", "kecamatan")
# Monday first, as datetime.weekday() counts. Both English and Indonesian names are accepted.
WEEKDAYS_EN = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAYS_ID = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")
HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")

# Dates that suit themed posts (DOMAIN.md); `national_days: false` turns them off. The intros name no
# regency: a council's schedule.yaml gives its own wording under special_days (same date replaces).
NATIONAL_DAYS = {
    (4, 21): ("Hari Kartini", None, "Selamat Hari Kartini! Hari ini kami merayakan perempuan pengrajin daerah kita."),
    (8, 12): ("Hari UMKM Nasional", None, "Selamat Hari UMKM Nasional! Dukung usaha kecil pengrajin daerah."),
    (8, 17): ("HUT RI", None, "Dirgahayu Republik Indonesia! Bangga memakai buatan Indonesia."),
    (10, 2): ("Hari Batik Nasional", "batik", "Selamat Hari Batik Nasional! Kenali batik khas daerah kita."),
    (10, 28): ("Hari Sumpah Pemuda", None, "Selamat Hari Sumpah Pemuda! Pemuda bangga kerajinan daerahnya."),
    (12, 22): ("Hari Ibu", None, "Selamat Hari Ibu! Terima kasih untuk para ibu pengrajin daerah kita."),
}


@dataclass(frozen=True)
class Theme:
    """What a theme matches: products of these crafts or with these tags."""

    name: str
    label: str
    crafts: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    craft_prefix: bool = False  # an undeclared theme `anyaman` also matches crafts `anyaman-*`

    def matches(self, craft: str, tags: tuple[str, ...]) -> bool:
        if craft in self.crafts or any(t in self.tags for t in tags):
            return True
        return self.craft_prefix and craft.startswith(self.name + "-")


@dataclass(frozen=True)
class SpecialDay:
    month: int
    day: int
    name: str
    year: int | None = None  # None: every year
    theme: str | None = None
    template: str | None = None
    intro: str | None = None

    def falls_on(self, date: dt.date) -> bool:
        return (date.month, date.day) == (self.month, self.day) and self.year in (None, date.year)


@dataclass(frozen=True)
class DayRule:
    """What one weekday asks for; unset values fall back to the top-level settings."""

    theme: str | None = None
    post_at: dt.time | None = None
    formats: str | None = None


@dataclass(frozen=True)
class Rotation:
    product_days: int = 14
    artisan_days: int = 3
    balance: tuple[str, ...] = BALANCE
    learn: bool = False  # better-performing crafts and artisans get a bounded extra share (planner.py)
    learn_share: float = 0.25  # at most this fraction of the days in a rotation window goes to them


@dataclass(frozen=True)
class DayPlan:
    """The settings that apply to one calendar date."""

    date: dt.date
    weekday: str  # Indonesian name, for reasons and pages
    theme: Theme | None
    special: SpecialDay | None
    post_at: dt.time
    formats: str
    template: str
    intro: str | None
    blackout: bool


@dataclass(frozen=True)
class Settings:
    timezone: str = "Asia/Jakarta"
    prepare_at: dt.time = dt.time(5, 0)
    post_at: dt.time = dt.time(19, 0)
    horizon_days: int = 7
    max_days_ahead: int = 366
    max_days_back: int = 3660
    keep_replaced: int = 3
    formats: str = "both"
    template: str = "default"
    weekdays: tuple[DayRule, ...] = (DayRule(),) * 7
    themes: tuple[Theme, ...] = ()
    special_days: tuple[SpecialDay, ...] = ()
    rotation: Rotation = field(default_factory=Rotation)
    blackout: tuple[tuple[dt.date, dt.date], ...] = ()
    render_cache: int = 2 * 1000**3  # bytes the render cache may keep
    reminder_minutes: int = 30  # the calendar feed's alarm, this long before each suggested time
    channels: tuple[Channel, ...] = DEFAULT_CHANNELS  # where the council posts the same render
    best_time_posts: int = 20  # posts with results before post_at follows the council's best hour (0: never)
    post_at_reason: str = field(default="", compare=False)  # why post_at is what it is (pipeline/results/besttime)
    source: str = "schedule.yaml"
    digest: str = ""  # sha256 of the file's text (a day's input hash takes only that day's settings)
    warnings: tuple = field(default=(), compare=False)  # Problems worth showing (unknown keys)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def today(self, now: dt.datetime) -> dt.date:
        """The calendar date in the configured zone (a 05:00 WIB run is 22:00 UTC the day before)."""
        if now.tzinfo is None:
            raise ValueError("naive datetime: pass an aware one (invariant 7)")
        return now.astimezone(self.zone).date()

    def theme(self, name: str | None) -> Theme | None:
        if not name:
            return None
        for t in self.themes:
            if t.name == name:
                return t
        return Theme(name, name, crafts=(name,), tags=(name,), craft_prefix=True)

    def special_day(self, date: dt.date) -> SpecialDay | None:
        dated = [s for s in self.special_days if s.falls_on(date)]
        return max(dated, key=lambda s: s.year is not None) if dated else None  # a dated entry beats a yearly one

    def is_blackout(self, date: dt.date) -> bool:
        return any(start <= date <= end for start, end in self.blackout)

    def day(self, date: dt.date) -> DayPlan:
        rule = self.weekdays[date.weekday()]
        special = self.special_day(date)
        theme_name = (special.theme if special and special.theme else None) or rule.theme
        return DayPlan(
            date=date, weekday=HARI[date.weekday()], theme=self.theme(theme_name), special=special,
            post_at=rule.post_at or self.post_at, formats=rule.formats or self.formats,
            template=(special.template if special and special.template else None) or self.template,
            intro=special.intro if special else None, blackout=self.is_blackout(date))

    def post_time(self, date: dt.date) -> dt.datetime:
        """The suggested posting moment as an aware datetime in the configured zone."""
        return dt.datetime.combine(date, self.day(date).post_at, tzinfo=self.zone)


# Parsers ---------------------------------------------------------------------------------------

def clock_time(value: Any) -> dt.time:
    """"19:00" -> time(19, 0). YAML 1.1 reads unquoted 19:00 as 1140 (base 60): accept that too."""
    if isinstance(value, int) and not isinstance(value, bool) and 60 <= value < 24 * 60:
        return dt.time(value // 60, value % 60)
    v = F.text(value)
    m = re.fullmatch(r"([01]?\d|2[0-3])[:.]([0-5]\d)", v)
    if not m:
        raise ValueError(f"`{v}` is not a time like \"05:00\" (24-hour HH:MM, in quotes)")
    return dt.time(int(m.group(1)), int(m.group(2)))


def timezone(value: Any) -> str:
    v = F.nonempty_text(value)
    try:
        ZoneInfo(v)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"`{v}` is not a time zone name") from None
    return v


def positive(limit: int) -> F.Parser:
    def parse(value: Any) -> int:
        v = F.integer(value)
        if not 1 <= v <= limit:
            raise ValueError(f"{v} is out of range: use 1 to {limit}")
        return v
    return parse


def bounded(low: int, high: int) -> F.Parser:
    def parse(value: Any) -> int:
        v = F.integer(value)
        if not low <= v <= high:
            raise ValueError(f"{v} is out of range: use {low} to {high}")
        return v
    return parse


def fraction(high: float) -> F.Parser:
    """0.25 or "25%" -> 0.25, within 0.05..high."""
    def parse(value: Any) -> float:
        text = str(value).strip().replace(",", ".")
        try:
            v = float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            raise ValueError(f"`{value}` is not a share: write e.g. 0.25 or 25%") from None
        if isinstance(value, bool) or not 0.05 <= v <= high:
            raise ValueError(f"`{value}` is out of range: use 0.05 to {high} (5% to {round(high * 100)}%)")
        return v
    return parse


def non_negative(value: Any) -> int:
    v = F.integer(value)
    if v < 0:
        raise ValueError(f"{v} must be 0 or more")
    return v


_UNITS = {"": 1, "b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3, "tb": 1000**4,
          "kib": 1024, "mib": 1024**2, "gib": 1024**3, "tib": 1024**4}


def byte_size(value: Any) -> int:
    """2147483648, "2 GB", "500MB", "1.5 GiB" -> bytes (GB = 10^9, as file managers show sizes)."""
    text = str(value).strip().lower().replace(" ", "").replace(",", ".")
    number = text.rstrip("abcdefghijklmnopqrstuvwxyz")
    unit = text[len(number):]
    try:
        amount = float(number)
    except ValueError:
        amount = -1.0
    if unit not in _UNITS or amount < 0:
        raise ValueError(f"`{value}` is not a size: write e.g. 2 GB, 500 MB or a number of bytes")
    return int(amount * _UNITS[unit])


def calendar_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    v = F.text(value)
    try:
        return dt.date.fromisoformat(v)
    except ValueError:
        raise ValueError(f"`{v}` is not a date like 2026-12-25") from None


def date_range(value: Any) -> tuple[dt.date, dt.date]:
    """A date, or `start..end` (both included)."""
    if isinstance(value, str) and ".." in value:
        a, _, b = value.partition("..")
        start, end = calendar_date(a.strip()), calendar_date(b.strip())
        if end < start:
            raise ValueError(f"`{value}` ends before it starts")
        return start, end
    d = calendar_date(value)
    return d, d


def month_day(value: Any) -> tuple[int | None, int, int]:
    """Special-day keys: "10-02" (every year) or 2026-10-02 (that year only)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year, value.month, value.day
    v = F.text(value)
    m = re.fullmatch(r"(\d{1,2})-(\d{1,2})", v)
    if m:
        month, day = int(m.group(1)), int(m.group(2))
        try:
            dt.date(2024, month, day)  # a leap year, so 02-29 is allowed
        except ValueError:
            raise ValueError(f"`{v}` is not a day of the year (MM-DD)") from None
        return None, month, day
    d = calendar_date(v)
    return d.year, d.month, d.day


def weekday_name(value: str) -> int:
    v = str(value).strip().lower().replace("'", "")  # jum'at -> jumat
    for names in (WEEKDAYS_EN, WEEKDAYS_ID):
        if v in names:
            return names.index(v)
    if v == "ahad":
        return 6
    raise ValueError(v)


def choice_list(*options: str) -> F.Parser:
    one = F.choice(*options)

    def parse(value: Any) -> tuple[str, ...]:
        return tuple(one(v) for v in F.text_list(value))
    return parse


# Declarations -----------------------------------------------------------------------------------

TOP_FIELDS = [
    F.Field("timezone", timezone, default="Asia/Jakarta",
            help="IANA zone the plan's dates and times live in: Asia/Jakarta (WIB), Asia/Makassar (WITA), "
                 "Asia/Jayapura (WIT)"),
    F.Field("prepare_at", clock_time, default=dt.time(5, 0), help="when the scheduler builds the coming days"),
    F.Field("post_at", clock_time, default=dt.time(19, 0), help="suggested posting time on the checklist"),
    F.Field("horizon_days", positive(31), default=7, help="how many days ahead are kept ready"),
    F.Field("max_days_ahead", positive(3660), default=366,
            help="how far ahead a plan, a build or a dashboard page may look; later dates are refused at once"),
    F.Field("max_days_back", positive(36600), default=3660,
            help="how far back the plan and the dashboard go; earlier dates are refused at once"),
    F.Field("keep_replaced", non_negative, default=3,
            help="replaced day folders kept per day in exports/.replaced/ (the newest); older ones are deleted"),
    F.Field("formats", F.choice(*FORMATS), default="both",
            help="what each day exports: video, carousel (photo slides) or both"),
    F.Field("template", F.nonempty_text, default="default",
            help="caption and video template used unless a special day names another"),
    F.Field("weekdays", lambda v: v, default=None, help="per-weekday theme, post_at and formats"),
    F.Field("themes", lambda v: v, default=None, help="what each theme matches: crafts and tags"),
    F.Field("national_days", F.boolean, default=True,
            help="include Hari Kartini, Hari UMKM, HUT RI, Hari Batik, Sumpah Pemuda and Hari Ibu"),
    F.Field("special_days", lambda v: v, default=None, help="date -> name, theme, template, intro"),
    F.Field("rotation", lambda v: v, default=None, help="cooldowns and balance rules"),
    F.Field("blackout", lambda v: v, default=None, help="dates (or start..end ranges) with no post"),
    F.Field("render_cache", byte_size, default=2 * 1000**3,
            help="how much disk finished renders may keep under state/cache/renders/ (oldest use goes first)"),
    F.Field("reminder_minutes", non_negative, default=30,
            help="the calendar feed (kalender.ics) reminds this many minutes before each suggested time"),
    F.Field("best_time_posts", bounded(0, 10_000), default=20,
            help="once this many posts have results, post_at becomes the council's own best posting hour "
                 "(learned from its posts' views; weekdays with their own post_at keep it); 0 keeps post_at"),
    F.Field("channels", lambda v: v, default=None,
            help="where the council posts the same video and slides: " + ", ".join(KNOWN) + " (default tiktok)"),
]

CHANNEL_FIELDS = [
    F.Field("handle", F.text, default="", help="the council's account on that channel, e.g. @dekranasda.sergai"),
    F.Field("max_hashtags", non_negative, default=None,
            help="hashtags kept in that channel's caption (instagram 5, facebook 3, youtube 3, whatsapp 0; "
                 "tiktok: brand.yaml's max_hashtags)"),
    F.Field("takes", F.choice(*TAKES), default=None,
            help="what is uploaded there: video, carousel (the slides) or both (youtube and whatsapp: video)"),
    F.Field("max_seconds", positive(15 * 60), default=None,
            help="longest video that channel accepts, where sources disagree (youtube 60, whatsapp 30)"),
]

WEEKDAY_FIELDS = [
    F.Field("theme", F.nonempty_text, default=None, help="a theme name, a craft slug or a tag"),
    F.Field("post_at", clock_time, default=None, help="suggested posting time on this weekday"),
    F.Field("formats", F.choice(*FORMATS), default=None, help="video, carousel or both on this weekday"),
]

THEME_FIELDS = [
    F.Field("label", F.nonempty_text, default=None, help="the name shown in reasons, e.g. anyaman"),
    F.Field("crafts", F.text_list, default=(), help="craft slugs this theme matches"),
    F.Field("tags", F.text_list, default=(), help="product tags this theme matches"),
]

SPECIAL_FIELDS = [
    F.Field("name", F.nonempty_text, required=True, help="e.g. Hari Batik Nasional"),
    F.Field("theme", F.nonempty_text, default=None, help="a theme name, a craft slug or a tag"),
    F.Field("template", F.nonempty_text, default=None, help="caption/video template for the day"),
    F.Field("intro", F.text, default=None, help="a line opening the caption, in Bahasa Indonesia"),
]

ROTATION_FIELDS = [
    F.Field("product_days", non_negative, default=14, help="a product appears at most once per this many days"),
    F.Field("artisan_days", non_negative, default=3, help="an artisan appears at most once per this many days"),
    F.Field("balance", choice_list(*BALANCE), default=BALANCE,
            help="spread posts across these when artisans tie: craft, kecamatan"),
    F.Field("learn", F.boolean, default=False,
            help="give crafts and artisans whose posts drew more views a bounded extra share of the days; every "
                 "approved artisan still appears within the rotation window"),
    F.Field("learn_share", fraction(0.5), default=0.25,
            help="at most this share of the days (0.05 to 0.5, or 25%) goes to better performers; the rotation window "
                 "is the number of approved artisans divided by (1 - learn_share), rounded up"),
]


def documented() -> dict[str, list[F.Field]]:
    """Every declared setting by section, for docs and the test that keeps them documented."""
    return {"": TOP_FIELDS, "weekdays.<day>": WEEKDAY_FIELDS, "themes.<name>": THEME_FIELDS,
            "special_days.<date>": SPECIAL_FIELDS, "rotation": ROTATION_FIELDS, "channels.<name>": CHANNEL_FIELDS}


def load_settings(path: Path | str, shown: str | None = None) -> Settings:
    """Read schedule.yaml (defaults when absent); raises ConfigError listing every problem."""
    path = Path(path)
    shown = shown or path.name
    if not path.exists():
        return Settings(special_days=_national(), source=shown, digest=_digest(""))
    try:
        doc = load(path, shown)
    except ContentError as exc:  # a YAML syntax problem: same message, config flavour
        raise ConfigError(exc.problems) from None
    settings, problems = parse(doc)
    if any(p.is_error for p in problems):
        raise ConfigError(problems)
    return settings


def parse(doc: YamlDoc) -> tuple[Settings, list]:
    """(settings, problems); settings use defaults wherever a value was bad."""
    r = F.FieldReader(doc)
    top = r.mapping((), TOP_FIELDS) or {f.name: f.default for f in TOP_FIELDS}
    themes = _themes(r, top["themes"])
    weekdays = _weekdays(r, top["weekdays"])
    special = _special_days(r, top["special_days"])
    if top["national_days"]:
        special = _national(exclude={(s.month, s.day) for s in special if s.year is None}) + special
    rotation = _rotation(r, top["rotation"])
    blackout = _blackout(r, top["blackout"])
    channels = _channels(r, top["channels"])
    if top["horizon_days"] - 1 > top["max_days_ahead"]:
        r.error(("horizon_days",), f"{top['horizon_days']} days reach beyond max_days_ahead ({top['max_days_ahead']})",
                "raise max_days_ahead or lower horizon_days")
    settings = Settings(
        timezone=top["timezone"], prepare_at=top["prepare_at"], post_at=top["post_at"],
        horizon_days=top["horizon_days"], max_days_ahead=top["max_days_ahead"], max_days_back=top["max_days_back"],
        keep_replaced=top["keep_replaced"], formats=top["formats"], template=top["template"],
        weekdays=weekdays, themes=themes, special_days=special, rotation=rotation, blackout=blackout,
        render_cache=top["render_cache"], reminder_minutes=top["reminder_minutes"], channels=channels,
        best_time_posts=top["best_time_posts"],
        source=doc.path, digest=_digest(doc.text),
        warnings=tuple(p for p in r.problems if not p.is_error))
    return settings, r.problems


def _digest(text: str) -> str:
    return hashlib.sha256(text.replace("\r\n", "\n").encode("utf-8")).hexdigest()


def _section(r: F.FieldReader, key: str, raw: Any, hint: str) -> dict | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        r.error((key,), f"expected a mapping, got {F.type_name(raw)}", hint)
        return None
    return raw


def _themes(r: F.FieldReader, raw: Any) -> tuple[Theme, ...]:
    data = _section(r, "themes", raw, "e.g.\n      themes:\n        anyaman: {crafts: [anyaman-purun]}")
    out = []
    for name in data or {}:
        v = r.mapping(("themes", name), THEME_FIELDS)
        if v is None:
            continue
        if not v["crafts"] and not v["tags"]:
            r.error(("themes", name), "a theme needs `crafts` or `tags` to match products",
                    "e.g. crafts: [tenun]")
        out.append(Theme(str(name), v["label"] or str(name), v["crafts"], v["tags"]))
    return tuple(out)


def _weekdays(r: F.FieldReader, raw: Any) -> tuple[DayRule, ...]:
    rules = [DayRule()] * 7
    data = _section(r, "weekdays", raw, "e.g.\n      weekdays:\n        wednesday: {theme: tenun}")
    for name in data or {}:
        try:
            index = weekday_name(name)
        except ValueError:
            r.error(("weekdays", name), f"`{name}` is not a weekday",
                    "use monday..sunday or senin, selasa, rabu, kamis, jumat, sabtu, minggu")
            continue
        value = data[name]
        if isinstance(value, str):  # `wednesday: tenun` is short for `{theme: tenun}`
            rules[index] = DayRule(theme=value.strip() or None)
            continue
        v = r.mapping(("weekdays", name), WEEKDAY_FIELDS)
        if v is not None:
            rules[index] = DayRule(v["theme"], v["post_at"], v["formats"])
    return tuple(rules)


def _special_days(r: F.FieldReader, raw: Any) -> tuple[SpecialDay, ...]:
    data = _section(r, "special_days", raw,
                    'e.g.\n      special_days:\n        "10-02": {name: Hari Batik Nasional, theme: batik}')
    out = []
    for key in data or {}:
        try:
            year, month, day = month_day(key)
        except ValueError as exc:
            r.error(("special_days", key), str(exc), 'write "MM-DD" for every year or 2026-10-02 for one year')
            continue
        value = data[key]
        if isinstance(value, str):  # `"10-02": Hari Batik Nasional`
            out.append(SpecialDay(month, day, value.strip(), year))
            continue
        v = r.mapping(("special_days", key), SPECIAL_FIELDS)
        if v is not None and v["name"]:
            out.append(SpecialDay(month, day, v["name"], year, v["theme"], v["template"], v["intro"] or None))
    return tuple(out)


def _national(exclude: set[tuple[int, int]] = frozenset()) -> tuple[SpecialDay, ...]:
    return tuple(SpecialDay(m, d, name, None, theme, None, intro)
                 for (m, d), (name, theme, intro) in sorted(NATIONAL_DAYS.items()) if (m, d) not in exclude)


def _rotation(r: F.FieldReader, raw: Any) -> Rotation:
    if _section(r, "rotation", raw, "e.g.\n      rotation:\n        product_days: 14") is None:
        return Rotation()
    v = r.mapping(("rotation",), ROTATION_FIELDS)
    return Rotation(v["product_days"], v["artisan_days"], v["balance"], v["learn"], v["learn_share"]) if v \
        else Rotation()


def _channels(r: F.FieldReader, raw: Any) -> tuple[Channel, ...]:
    """`channels: [tiktok, instagram]` or a mapping of name -> settings; unknown names are errors."""
    if raw is None:
        return DEFAULT_CHANNELS
    hint = "known channels: " + ", ".join(KNOWN)
    if isinstance(raw, list):
        names = {item: ("channels", i) for i, item in enumerate(raw)}
    elif isinstance(raw, dict):
        names = {name: ("channels", name) for name in raw}
    else:
        r.error(("channels",), f"expected a list or a mapping, got {F.type_name(raw)}",
                "e.g.\n      channels:\n        tiktok: {handle: \"@dekranasda\"}\n"
                "        instagram: {max_hashtags: 5}")
        return DEFAULT_CHANNELS
    out = []
    for name, key in names.items():
        if not isinstance(name, str) or name.strip().lower() not in SPECS:
            r.error(key, f"`{name}` is not a channel Etalase knows", hint)
            continue
        slug = name.strip().lower()
        value = raw[name] if isinstance(raw, dict) else None
        v = r.mapping(key, CHANNEL_FIELDS) if value is not None else {f.name: f.default for f in CHANNEL_FIELDS}
        if v is None:
            continue
        if v["takes"] in ("carousel", "both") and not SPECS[slug].carousel:
            r.error((*key, "takes"), f"{SPECS[slug].label} takes no photo carousel", "use takes: video")
            continue
        out.append(Channel(slug, v["handle"] or "", v["max_hashtags"], v["takes"], v["max_seconds"]))
    if not out and not any(p.is_error for p in r.problems):
        r.error(("channels",), "no channel listed", hint)
    return tuple(out) or DEFAULT_CHANNELS


def _blackout(r: F.FieldReader, raw: Any) -> tuple[tuple[dt.date, dt.date], ...]:
    if raw is None:
        return ()
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for i, item in enumerate(items):
        key = ("blackout", i) if isinstance(raw, list) else ("blackout",)
        try:
            out.append(date_range(item))
        except ValueError as exc:
            r.error(key, str(exc), "e.g. 2026-12-25 or 2026-12-24..2026-12-26")
    return tuple(out)


def zone_label(timezone: str) -> str:
    return {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA",
            "Asia/Jayapura": "WIT"}.get(timezone, timezone)
