"""Results imported from the platforms' own analytics exports (pipeline/results/imports.py)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import xlsxwriter

from pipeline.plan import ledger
from pipeline.results.imports import apply_import, plan_import
from pipeline.results.readings import Reading, readings
from pipeline.store import db as store

WIB = ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2026, 12, 8, 9, 0, tzinfo=WIB)
READ = dt.date(2026, 12, 8)
TODAY = dt.date(2026, 12, 14)  # the day the tests import on
D1, D2, D3 = dt.date(2026, 12, 1), dt.date(2026, 12, 2), dt.date(2026, 12, 3)
URL1 = "https://www.tiktok.com/@dekranasda.sergai/video/7441000000000000001"
URL2 = "https://www.tiktok.com/@dekranasda.sergai/video/7441000000000000002"


@pytest.fixture
def conn(tmp_path):
    c = store.connect(tmp_path / "etalase.db")
    at = dt.datetime(2026, 12, 1, 19, 5, tzinfo=WIB)
    ledger.mark_posted(c, D1, "tikar-purun", "ani", URL1, "rina", at)
    ledger.mark_posted(c, D2, "kain-tenun", "budi", URL2 + "?is_from_webapp=1", "rina", at + dt.timedelta(days=1))
    ledger.mark_posted(c, D3, "selendang", "budi", None, "rina", at + dt.timedelta(days=2))
    yield c
    c.close()


def test_a_tiktok_studio_xlsx_matches_by_link_and_date_and_names_unmatched_rows(conn, tmp_path):
    path = tmp_path / "tiktok-studio.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Content"
    ws.append(["TikTok Studio: content, last 7 days"])  # a title line above the headers
    ws.append(["Video title", "Video link", "Post time", "Video views", "Likes", "Comments", "Shares"])
    ws.append(["Tikar purun", "tiktok.com/@dekranasda.sergai/video/7441000000000000001/", "Dec 1, 2026", 12345,
               "1,2K", 40, 7])
    ws.append(["Kain tenun", URL2, dt.datetime(2026, 12, 2, 19, 0), "3,4rb", 210, 12, 3])  # link has no query
    ws.append(["Selendang", "", "2026-12-03", "980", 55, 2, 0])  # no link: its date was posted
    ws.append(["Someone else's", "https://www.tiktok.com/@other/video/1", "2026-11-20", 99, 1, 0, 0])
    ws.append(["No post that day", "", "2026-11-25", 50, 1, 0, 0])
    ws.append(["Typo", URL1, "2026-12-01", "banyak", 1, 0, 0])
    ws.append(["Another video that day", "https://www.tiktok.com/@dekranasda.sergai/video/7441000000000000099",
               "2026-12-01", 77, 1, 0, 0])  # D1's post has its own link: a date cannot make this row D1's
    ws.append(["Unlinked post's video", "https://www.tiktok.com/@dekranasda.sergai/video/7441000000000000003",
               "2026-12-03", 66, 1, 0, 0])  # D3's post has no link recorded: matched by its date
    wb.save(path)

    plan = plan_import(conn, path, read_on=READ, today=TODAY, channel="tiktok", zone=WIB)

    got = [(m.row, m.reading.day, m.how, m.reading.views, m.reading.likes) for m in plan.matched]
    assert got == [(3, D1, "url", 12345, 1200), (4, D2, "url", 3400, 210), (5, D3, "date", 980, 55),
                   (10, D3, "date", 66, 1)]
    assert [(p.path, p.field, p.severity) for p in plan.unmatched] == [
        ("tiktok-studio.xlsx:Content!A6", "url", "warning"), ("tiktok-studio.xlsx:Content!A7", "tanggal", "warning"),
        ("tiktok-studio.xlsx:Content!A9", "url", "warning")]
    assert "baris 6 tidak cocok" in plan.unmatched[0].message and "@other" in plan.unmatched[0].message
    assert "baris 7" in plan.unmatched[1].message and "2026-11-25" in plan.unmatched[1].message
    assert [(p.path, p.field) for p in plan.problems] == [("tiktok-studio.xlsx:Content!D8", "tayangan")]
    assert readings(conn) == []  # a plan writes nothing

    assert apply_import(conn, plan, actor="rina", now=NOW) == 4
    assert readings(conn)[0] == Reading(D1, "tiktok", READ, views=12345, likes=1200, comments=40, shares=7,
                                        source="import:tiktok-studio.xlsx")
    again = plan_import(conn, path, read_on=READ, today=TODAY, channel="tiktok", zone=WIB)
    assert again.new == [] and len(again.matched) == 4  # the same file twice adds nothing
    later = plan_import(conn, path, read_on=READ + dt.timedelta(days=6), today=TODAY, channel="tiktok", zone=WIB)
    assert apply_import(conn, later, actor="rina", now=NOW) == 4  # a week later: kept beside the first reading
    assert [r.read_on for r in readings(conn) if r.day == D1] == [READ, READ + dt.timedelta(days=6)]


def test_an_indonesian_csv_from_excel_with_bom_semicolons_and_a_channel_column(conn, tmp_path):
    path = tmp_path / "hasil.csv"
    text = ("Tanggal posting;Kanal;Tautan;Tayangan;Suka;Komentar;Dibagikan;Disimpan;Pengikut baru\r\n"
            "01/12/2026;Instagram;;1.234;56;3;2;9;-1\r\n"
            "02/12/2026;TikTok;" + URL2 + ";1,5jt;12.000;340;120;800;35\r\n"
            "15/11/2026;TikTok;;100;1;0;0;0;0\r\n"
            "03/12/2026;Myspace;;100;1;0;0;0;0\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))

    plan = plan_import(conn, path, read_on=READ, today=TODAY, zone=WIB)

    assert [m.reading for m in plan.matched] == [
        Reading(D1, "instagram", READ, 1234, 56, 3, 2, 9, -1, source="import:hasil.csv"),
        Reading(D2, "tiktok", READ, 1500000, 12000, 340, 120, 800, 35, source="import:hasil.csv")]
    assert [(p.path, "baris 4" in p.message) for p in plan.unmatched] == [("hasil.csv:A4", True)]
    assert [(p.path, p.field) for p in plan.problems] == [("hasil.csv:B5", "channel")]


def test_a_file_without_a_channel_or_headers_is_refused_with_a_hint(conn, tmp_path):
    path = tmp_path / "export.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Data")
    for r, row in enumerate([["Video link", "Video views"], [URL1, 10]]):
        sheet.write_row(r, 0, row)
    book.add_worksheet("Notes").write_row(0, 0, ["nothing", "here"])
    book.close()
    plan = plan_import(conn, path, read_on=READ, today=TODAY, zone=WIB)
    assert [(p.path, p.field) for p in plan.problems] == [("export.xlsx:Data!A1", "channel")]
    assert "--channel" in plan.problems[0].hint
    again = plan_import(conn, path, read_on=READ, today=TODAY, channel="TikTok", zone=WIB)
    assert [m.reading.views for m in again.matched] == [10]

    blank = tmp_path / "blank.csv"
    blank.write_text("a,b\n1,2\n", encoding="utf-8")
    assert [p.message for p in plan_import(conn, blank, read_on=READ, today=TODAY, channel="tiktok").problems] == [
        "tidak ada baris judul kolom yang dikenali"]
    missing = plan_import(conn, tmp_path / "nope.xlsx", read_on=READ, today=TODAY, channel="tiktok")
    assert missing.problems and missing.problems[0].path == "nope.xlsx"


def test_per_channel_links_match_only_their_own_channel(conn, tmp_path):
    """The channels engineer's migration 0004 (channel_posts) is not on this branch: its table, as agreed."""
    conn.execute("CREATE TABLE IF NOT EXISTS channel_posts (day TEXT, channel TEXT, url TEXT, actor TEXT, at TEXT, "
                 "PRIMARY KEY (day, channel))")
    reel = "https://www.instagram.com/reel/C0ffee123/"
    conn.execute("INSERT INTO channel_posts VALUES (?, 'instagram', ?, 'rina', '2026-12-03T19:00:00+07:00')",
                 (D3.isoformat(), reel))
    path = tmp_path / "instagram.csv"
    path.write_text(f"Permalink,Plays,Likes\n{reel}?igsh=abc,\"2,5rb\",40\n", encoding="utf-8")
    plan = plan_import(conn, path, read_on=READ, today=TODAY, channel="instagram")
    assert [(m.reading.day, m.how, m.reading.views) for m in plan.matched] == [(D3, "url", 2500)]
    other = plan_import(conn, path, read_on=READ, today=TODAY, channel="facebook")  # a link not a Facebook post's
    assert other.matched == [] and len(other.unmatched) == 1


def test_a_row_read_after_today_is_a_problem_and_the_other_rows_still_import(conn, tmp_path):
    path = tmp_path / "hasil.csv"
    path.write_text("Tanggal posting,Tanggal baca,Tayangan,Suka\n"
                    "01/12/2026,2026-12-14,500,5\n"  # read today: fine
                    "02/12/2026,2026-12-15,900,9\n"  # read tomorrow: not yet
                    "03/12/2026,,300,3\n", encoding="utf-8")  # no read date: the import's own (READ)
    plan = plan_import(conn, path, read_on=READ, today=TODAY, channel="tiktok", zone=WIB)
    assert [(m.reading.day, m.reading.read_on, m.reading.views) for m in plan.matched] == [
        (D1, TODAY, 500), (D3, READ, 300)]
    assert [(p.path, p.field, p.message, p.hint) for p in plan.problems] == [
        ("hasil.csv:B3", "tanggal baca", "tanggal baca 2026-12-15 belum tiba", "hari ini 2026-12-14")]
    early = plan_import(conn, path, read_on=READ, today=dt.date(2026, 12, 7), channel="tiktok", zone=WIB)
    assert early.matched == [] and [p.path for p in early.problems] == ["hasil.csv:B2", "hasil.csv:B3", "hasil.csv:A4"]
    assert apply_import(conn, plan, actor="rina", now=NOW) == 2
