"""schedule.yaml: defaults, every problem at once with its line, and dates in the configured zone."""

from __future__ import annotations

import datetime as dt
import os
import re
import textwrap
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pipeline.common.errors import ConfigError
from pipeline.plan.schedule import HARI, Rotation, documented, load_settings

REPO = Path(__file__).resolve().parent.parent
WIB = ZoneInfo("Asia/Jakarta")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "schedule.yaml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def test_missing_file_means_defaults(tmp_path):
    s = load_settings(tmp_path / "schedule.yaml")
    assert (s.timezone, s.prepare_at, s.post_at, s.horizon_days, s.formats) == (
        "Asia/Jakarta", dt.time(5), dt.time(19), 7, "both")
    assert s.rotation == Rotation(14, 3, ("craft", "kecamatan"))
    assert {(d.month, d.day) for d in s.special_days} == {(4, 21), (8, 12), (8, 17), (10, 2), (10, 28), (12, 22)}


def test_bundled_schedule_loads_cleanly_and_documents_every_setting():
    s = load_settings(REPO / "schedule.yaml")
    assert not s.warnings
    text = (REPO / "schedule.yaml").read_text(encoding="utf-8")
    for section, fields in documented().items():
        for f in fields:
            assert f.help, f"{section}.{f.name} has no help"
            if section in ("", "rotation"):
                assert re.search(rf"^\s*{f.name}:", text, re.M), f"schedule.yaml does not show `{f.name}`"


def test_weekdays_themes_special_days_and_blackout(tmp_path):
    s = load_settings(write(tmp_path, """
        timezone: Asia/Makassar
        prepare_at: 5:30          # YAML 1.1 reads this as 330 (base 60)
        post_at: "19.15"
        formats: video
        weekdays:
          rabu: tenun
          Friday: {theme: batik, formats: carousel, post_at: "20:00"}
        special_days:
          "08-17": HUT RI ke-81
          2026-10-02: {name: Hari Batik 2026, template: batik, intro: Selamat!}
        blackout: [2026-12-24..2026-12-26, 2027-01-01]
    """))
    assert (s.timezone, s.prepare_at, s.post_at) == ("Asia/Makassar", dt.time(5, 30), dt.time(19, 15))
    wed, fri = s.day(dt.date(2026, 9, 30)), s.day(dt.date(2026, 10, 2))
    assert (wed.weekday, wed.theme.name, wed.formats) == ("Rabu", "tenun", "video")
    assert (fri.theme.name, fri.formats, fri.post_at, fri.template, fri.intro) == (
        "batik", "carousel", dt.time(20), "batik", "Selamat!")
    assert fri.special.name == "Hari Batik 2026"
    assert s.day(dt.date(2027, 10, 1)).special is None
    assert s.day(dt.date(2027, 10, 2)).special.name == "Hari Batik Nasional"  # the built-in one, other years
    assert s.day(dt.date(2026, 8, 17)).special.name == "HUT RI ke-81"
    assert [s.is_blackout(dt.date(2026, 12, d)) for d in (23, 24, 26, 27)] == [False, True, True, False]
    assert s.is_blackout(dt.date(2027, 1, 1))
    assert s.post_time(dt.date(2026, 9, 30)).isoformat() == "2026-09-30T19:15:00+08:00"


def test_every_problem_at_once_with_lines(tmp_path):
    path = write(tmp_path, """
        timezone: Asia/Jakartaa
        prepare_at: "25:00"
        horizon_days: 0
        formats: reels
        weekdays:
          funday: {theme: batik}
          senin: {thme: anyaman}
        special_days:
          "13-40": {name: Nope}
          "12-25": {theme: natal}
        rotation: {product_days: -1, balance: [craft, desa]}
        blackout: [2026-12-26..2026-12-24, besok]
        horizon: 3
    """)
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    found = {(p.line, p.field, p.severity) for p in info.value.problems}
    expected = {
        (1, "timezone", "error"), (2, "prepare_at", "error"), (3, "horizon_days", "error"),
        (4, "formats", "error"), (6, "weekdays.funday", "error"), (7, "weekdays.senin.thme", "warning"),
        (9, "special_days.13-40", "error"), (10, "special_days.12-25", "error"),
        (11, "rotation.product_days", "error"), (11, "rotation.balance", "error"),
        (12, "blackout[0]", "error"), (12, "blackout[1]", "error"), (13, "horizon", "warning"),
    }
    assert found == expected
    text = str(info.value)
    assert "schedule.yaml:4: formats: `reels` is not one of: video, carousel, both" in text
    assert "did you mean `horizon_days`?" in text and "did you mean `theme`?" in text
    assert "Asia/Jakartaa` is not a time zone name" in text


def test_syntax_error_is_a_config_error_with_line(tmp_path):
    path = write(tmp_path, "timezone: Asia/Jakarta\nweekdays:\n  monday: {theme: [\n")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert info.value.problems[0].path == "schedule.yaml" and info.value.problems[0].line


def test_national_days_can_be_switched_off(tmp_path):
    s = load_settings(write(tmp_path, "national_days: false\n"))
    assert s.special_days == ()


def test_a_0500_wib_run_is_the_wib_date_not_the_utc_one(utc_process):
    s = load_settings(REPO / "schedule.yaml")
    run = dt.datetime(2026, 10, 1, 22, 0, tzinfo=dt.UTC)  # = 2 Oct 05:00 WIB
    assert time.localtime(run.timestamp()).tm_mday == 1 and os.environ["TZ"] == "UTC"
    assert s.today(run) == dt.date(2026, 10, 2)
    assert HARI[s.today(run).weekday()] == "Jumat"
    with pytest.raises(ValueError):
        s.today(dt.datetime(2026, 10, 1, 22, 0))  # naive: refused, never guessed
    assert s.post_time(s.today(run)) == dt.datetime(2026, 10, 2, 12, 0, tzinfo=dt.UTC)
