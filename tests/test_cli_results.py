"""`etalase results add|import|list` on a real project and state database (clock pinned: pinned_now)."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest

from pipeline.cli import main
from pipeline.plan import ledger
from pipeline.results.readings import readings
from pipeline.store import db as store

WIB = ZoneInfo("Asia/Jakarta")
TODAY = dt.date(2026, 10, 1)  # PINNED_NOW in WIB
POSTED = dt.date(2026, 9, 28)
URL = "https://www.tiktok.com/@dekranasda.sergai/video/7430000000000000001"


def cli(root, *argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--root", str(root), *argv])
    return code, out.getvalue(), err.getvalue()


def posted(root):
    conn = store.connect(root / "state" / "etalase.db")
    ledger.mark_posted(conn, POSTED, "tikar-purun", "ani", URL, "rina", dt.datetime(2026, 9, 28, 19, 10, tzinfo=WIB))
    return conn


def test_results_add_keeps_every_reading_and_list_shows_them(shop, pinned_now):
    conn = posted(shop.root)
    code, out, err = cli(shop.root, "results", "add", str(POSTED), "--channel", "tiktok", "--views", "1,2rb",
                         "--likes", "85", "--read-on", "2026-09-29")
    assert (code, err) == (0, "") and out == "2026-09-28 tiktok read on 2026-09-29: views 1.200, likes 85\n"
    code, out, _ = cli(shop.root, "results", "add", str(POSTED), "--channel", "TikTok", "--views", "3,4jt",
                       "--followers", "-2")
    assert code == 0 and "read on 2026-10-01: views 3.400.000, followers -2" in out
    assert [(r.read_on, r.views, r.source) for r in readings(conn)] == [
        (dt.date(2026, 9, 29), 1200, "cli"), (TODAY, 3400000, "cli")]

    code, out, _ = cli(shop.root, "results", "list", "--month", "2026-09")
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["DAY", "CHANNEL", "READ", "ON", "VIEWS", "LIKES", "COMMENTS", "SHARES",
                                              "SAVES", "FOLLOWERS", "SOURCE"]
    assert lines[1].split() == ["2026-09-28", "tiktok", "2026-09-29", "1.200", "85", "-", "-", "-", "-", "cli"]
    assert lines[2].split()[3:] == ["3.400.000", "-", "-", "-", "-", "-2", "cli"]
    code, out, _ = cli(shop.root, "results", "list", "--month", "2026-10")
    assert (code, out) == (0, "no results stored for posts of 2026-10\n")
    conn.close()


def test_results_add_refuses_bad_numbers_unposted_days_and_future_reads(shop, pinned_now):
    conn = posted(shop.root)
    code, _, err = cli(shop.root, "results", "add", str(POSTED), "--channel", "tiktok", "--views", "12,5",
                       "--likes", "banyak")
    assert code == 1 and "tayangan: `12,5` bukan angka bulat" in err and "suka: `banyak` bukan angka" in err
    code, _, err = cli(shop.root, "results", "add", "2026-09-27", "--channel", "tiktok", "--views", "5")
    assert code == 1 and "belum ditandai diposting" in err and "etalase posted 2026-09-27" in err
    code, _, err = cli(shop.root, "results", "add", str(POSTED), "--channel", "tiktok", "--views", "5",
                       "--read-on", "tomorrow")
    assert code == 1 and "belum tiba" in err
    code, _, err = cli(shop.root, "results", "add", str(POSTED), "--channel", "friendster", "--views", "5")
    assert code == 1 and "kanal `friendster` tidak dikenal" in err
    assert readings(conn) == []
    conn.close()


def test_results_import_is_a_dry_run_until_apply_and_lists_unmatched_rows(shop, pinned_now, tmp_path):
    conn = posted(shop.root)
    good = tmp_path / "tiktok.csv"
    good.write_text("Video link,Post time,Video views,Likes\n"
                    f"{URL},2026-09-28 19:10,\"12,345\",321\n"
                    "https://www.tiktok.com/@x/video/9,2026-09-20,5,1\n", encoding="utf-8")
    bad = tmp_path / "broken.xls"
    bad.write_bytes(b"not excel")
    code, out, err = cli(shop.root, "results", "import", str(bad), str(good), "--channel", "tiktok")
    assert code == 1  # the .xls is an error; the CSV beside it is still read
    assert "error: broken.xls" in err and "warning: tiktok.csv:A3: url: baris 3 tidak cocok" in err
    assert "tiktok.csv: 1 new reading(s), 0 already stored, 1 row(s) matching no post, 0 problem(s)" in out
    assert "row 2: 2026-09-28 tiktok (by url): views 12.345, likes 321" in out and "dry run" in out
    assert readings(conn) == []

    code, out, _ = cli(shop.root, "results", "import", str(good), "--channel", "tiktok", "--apply",
                       "--read-on", "2026-09-30")
    assert code == 0 and "stored: 1 reading(s)" in out
    assert [(r.day, r.read_on, r.views, r.source) for r in readings(conn)] == [
        (POSTED, dt.date(2026, 9, 30), 12345, "import:tiktok.csv")]
    code, out, _ = cli(shop.root, "results", "import", str(good), "--channel", "tiktok", "--apply",
                       "--read-on", "2026-09-30")
    assert code == 0 and "0 new reading(s), 1 already stored" in out and len(readings(conn)) == 1
    conn.close()


def test_results_list_refuses_a_month_that_is_not_yyyy_mm(shop):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), pytest.raises(SystemExit) as exit_:
        main(["--root", str(shop.root), "results", "list", "--month", "2026-13"])
    assert exit_.value.code == 2
    assert "bulan '2026-13' tidak dikenal: tulis tahun-bulan, misalnya 2026-12" in err.getvalue()
