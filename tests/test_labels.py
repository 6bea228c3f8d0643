"""The one label table (pipeline/common/labels.py): dates, times, zones and check names as the admin reads them,
shared by the export pages and the dashboard (the pages themselves: tests/test_phone_loop.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline.common import labels as L
from pipeline.common.project import Project
from pipeline.export import folders as X
from pipeline.export import status as ST
from pipeline.web import labels as web_labels
from pipeline.web.render import ENV

DAY1 = dt.date(2026, 10, 1)


def test_times_read_the_indonesian_way_from_one_table():
    wib = dt.timezone(dt.timedelta(hours=7))
    assert L.waktu(dt.datetime(2026, 12, 20, 20, 45, tzinfo=wib)) == "20 Des 2026, 20.45 WIB"
    assert L.waktu("2026-12-20T20:45:00+07:00") == "20 Des 2026, 20.45 WIB"
    assert L.waktu("2026-12-20T13:45:00+00:00", "Asia/Jakarta") == "20 Des 2026, 20.45 WIB"
    assert L.waktu("2026-12-20T21:45:00+08:00") == "20 Des 2026, 21.45 WITA"
    assert L.jam_zona("2026-12-20T19:00:00+07:00") == "19.00 WIB"
    assert L.jam_zona("2026-12-20T12:00:00+00:00", "Asia/Jakarta") == "19.00 WIB"  # the clock of the zone it names
    assert L.jam_zona("2026-12-20T19:00:00+07:00", "Asia/Makassar") == "20.00 WITA"
    assert L.tanggal(DAY1) == "Kamis, 1 Oktober 2026"
    # the dashboard and the export pages format through the same functions, not copies of them
    env = X.environment(Project.at(Path(__file__).resolve().parent.parent))
    assert web_labels.waktu is L.waktu and env.filters["waktu"] is L.waktu and env.filters["jam"] is L.jam_zona
    assert ENV.filters["waktu"] is L.waktu and ENV.filters["tanggal"] is L.tanggal


def test_check_names_and_day_statuses_read_as_words():
    assert L.check_label("file_size") == "Ukuran file"
    assert L.check_label("faststart") == "Bisa diputar sebelum terunduh penuh"
    assert L.check_label("something_new") == "Something new"  # never the raw identifier
    assert L.check_line({"name": "faststart", "ok": True, "message": "moov di depan (faststart)"}) == \
        "Bisa diputar sebelum terunduh penuh"  # a passed check's technical value is not shown
    assert L.check_line({"name": "duration", "ok": False, "message": "2.0 detik, kurang dari 3"}) == \
        "Durasi: 2.0 detik, kurang dari 3"
    assert ST.LABELS is L.DAY_STATUS and ST.DayStatus("ready", None, None).label == "siap diunggah"


def test_zones_by_name_or_by_offset():
    assert L.zone_label("Asia/Jayapura") == "WIT" and L.zone_label("Europe/Berlin") == "Europe/Berlin"
    assert L.zone_label(dt.timezone(dt.timedelta(hours=5, minutes=30))) == "UTC+05.30"
    assert L.waktu("bukan tanggal") == "bukan tanggal" and L.waktu(None) == "" and L.jam("") == ""
