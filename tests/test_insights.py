"""Insights on a seeded year of posts: features per posted day, medians with counts, the monthly report
(HTML by golden file, PDF by page count and text) and the dashboard's Wawasan page.

The expected numbers are worked out by hand from the seed (conftest.seed_year): day i of 2026 shows product
i % 3 with 1,000 x (i % 3 + 1) views on its latest TikTok reading, and 31 December has 500 more on Instagram.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import sys

import pytest
from conftest import REPO, Scratch, assert_golden, make_scratch, seed_year
from fastapi.testclient import TestClient

from pipeline.catalog.reader import load_catalog
from pipeline.common.clock import FixedClock, zone
from pipeline.common.errors import EtalaseError
from pipeline.common.project import Project
from pipeline.export import folders as X
from pipeline.plan import admin as P
from pipeline.plan import ledger
from pipeline.render.brand import load_brand
from pipeline.results import monthly, stats
from pipeline.results import report as R
from pipeline.results.features import PostFeatures, post_features, video_block
from pipeline.results.readings import latest_readings
from pipeline.store import db as store
from pipeline.web import create_app

WIB = zone("Asia/Jakarta")
NOW = dt.datetime(2027, 1, 3, 10, 0, tzinfo=WIB)
DEC = dt.date(2026, 12, 1)
GOLDEN = REPO / "tests" / "golden" / "insights"


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> Scratch:
    s = make_scratch(tmp_path_factory.mktemp("insights") / "project")
    (s.root / "state").mkdir()
    seed_year(s, s.root / "state" / "etalase.db")
    return s


@pytest.fixture(scope="module")
def items(year) -> list[stats.Outcome]:
    conn = store.connect(year.root / "state" / "etalase.db")
    try:
        features = post_features(ledger.posts(conn).values(), load_catalog(year.content), year.root / "exports")
        return stats.outcomes(features, latest_readings(conn))
    finally:
        conn.close()


def by(items, name: str) -> dict:
    return {g.key: (g.n, g.median) for g in stats.median_by(items, stats.GROUPINGS[name])}


# Features --------------------------------------------------------------------------------------

def test_features_come_from_the_ledger_the_catalogue_and_post_json(items):
    first = {o.day: o.features for o in items}
    assert first[dt.date(2026, 1, 1)] == PostFeatures(
        day=dt.date(2026, 1, 1), product="tas-purun", artisan="ani", craft="anyaman-purun",
        kecamatan="Tanjung Beringin",
        posted_at=dt.datetime(2026, 1, 1, 9, 5, tzinfo=dt.timezone(dt.timedelta(hours=7))), post_number=1,
        title_source="hook", photos=3, mood="ceria")
    jan2 = first[dt.date(2026, 1, 2)]
    assert (jan2.craft, jan2.kecamatan, jan2.hour, jan2.weekday, jan2.photos) == ("anyaman-purun", "Sipispis", 19, 4, 2)
    old = first[dt.date(2026, 1, 11)]  # an export without a "video" block
    assert (old.title_source, old.photos, old.mood, old.post_number) == (None, None, None, None)
    pruned = first[dt.date(2026, 6, 1)]  # no day folder left
    assert pruned.craft == "anyaman-purun" and pruned.title_source is None


def test_video_block_tolerates_broken_and_foreign_post_json(tmp_path):
    day = dt.date(2026, 3, 1)
    folder = X.day_dir(tmp_path, day)
    folder.mkdir(parents=True)
    assert video_block(tmp_path, dt.date(2026, 3, 2)) == {}
    for text in ("{not json", "[1, 2]", '{"video": "yes"}', '{"video": null}'):
        (folder / "post.json").write_text(text, encoding="utf-8")
        assert video_block(tmp_path, day) == {}
    (folder / "post.json").write_text(json.dumps({"video": {"photos": "three", "title_source": "other",
                                                            "post_number": True, "mood": ""}}), encoding="utf-8")

    class Row:
        day, product, artisan, at = dt.date(2026, 3, 1), "gone", "nobody", "not a time"

    from pipeline.results.features import features_of

    f = features_of(Row, load_catalog(make_scratch(tmp_path / "p").content), video_block(tmp_path, day))
    assert (f.craft, f.kecamatan, f.posted_at, f.hour, f.photos, f.title_source, f.post_number, f.mood) == \
        (None, None, None, None, None, None, None, None)


# Medians with counts -----------------------------------------------------------------------------

def test_every_posted_day_is_counted_once_with_its_latest_reading(items):
    assert len(items) == 365
    day = {o.day: o for o in items}
    assert day[dt.date(2026, 1, 1)].get("views") == 1000  # day-7 reading, not the day-1 half
    last = day[dt.date(2026, 12, 31)]
    assert (last.get("views"), last.get("likes"), last.channels) == (2500, 2, ("instagram", "tiktok"))
    overall = stats.summary(items)
    # 122 x 1,000 + 121 x 2,000 + 2,500 + 121 x 3,000; the 183rd of 365 sorted values is a 2,000
    assert (overall.n, overall.total, overall.median) == (365, 729_500, 2000)


def test_one_channel_alone(year):
    conn = store.connect(year.root / "state" / "etalase.db")
    try:
        features = post_features(ledger.posts(conn).values(), load_catalog(year.content), year.root / "exports")
        only = stats.outcomes(features, latest_readings(conn), channel="instagram")
        tiktok = {o.day: o for o in stats.outcomes(features, latest_readings(conn), channel="tiktok")}
    finally:
        conn.close()
    assert [(o.day, o.get("views"), o.get("likes")) for o in only] == [(dt.date(2026, 12, 31), 500, None)]
    assert tiktok[dt.date(2026, 12, 31)].get("views") == 2000


def test_medians_by_craft_kecamatan_and_artisan(items):
    # anyaman: 122 x 1,000 and 122 x 2,000 (one of them 2,500): the middle pair is 1,000 and 2,000
    assert by(items, "craft") == {"tenun": (121, 3000), "anyaman-purun": (244, 1500)}
    assert [g.key for g in stats.median_by(items, stats.GROUPINGS["craft"])] == ["tenun", "anyaman-purun"]
    # Sipispis: 121 x 2,000, then the 2,500, then 121 x 3,000: the 122nd of 243 is the 2,500
    assert by(items, "kecamatan") == {"Sipispis": (243, 2500), "Tanjung Beringin": (122, 1000)}
    assert by(items, "artisan") == {"rina": (121, 3000), "budi": (122, 2000), "ani": (122, 1000)}


def test_counts_by_weekday_and_hour(items):
    weekdays = by(items, "weekday")
    # 2026 starts on a Thursday and has 365 days: 53 Thursdays, 52 of every other day
    assert {k: n for k, (n, _) in weekdays.items()} == {0: 52, 1: 52, 2: 52, 3: 53, 4: 52, 5: 52, 6: 52}
    # even days at 09:05: 61 each of 1,000 / 2,000 (one 2,500) / 3,000; odd days at 19:05: 61, 61, 60
    assert by(items, "hour") == {9: (183, 2000), 19: (182, 2000)}


def test_medians_by_video_features_with_few_posts_marked(items):
    # days 0-3 hook: 1,000 2,000 3,000 1,000; days 4-9 derived: 2,000 3,000 1,000 2,000 3,000 1,000
    assert by(items, "title_source") == {"derived": (6, 2000), "hook": (4, 1500)}
    few = {g.key: g.few for g in stats.median_by(items, stats.GROUPINGS["title_source"])}
    assert few == {"derived": False, "hook": True}
    assert by(items, "mood") == {"ceria": (5, 2000)}  # days 0-4; no mood is left out, not a group
    assert by(items, "photos") == {3: (5, 2000), 2: (5, 2000)}


# Monthly report ----------------------------------------------------------------------------------

def december(year, exports=None) -> monthly.MonthReport:
    conn = store.connect(year.root / "state" / "etalase.db")
    try:
        return monthly.build_report(conn, load_catalog(year.content), exports or year.root / "exports", DEC,
                                    council="Dekranasda Kabupaten Serdang Bedagai", now=NOW)
    finally:
        conn.close()


def test_month_parsing():
    assert monthly.parse_month("2026-12") == DEC
    assert monthly.month_days(dt.date(2028, 2, 1)) == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))
    for bad in ("2026-13", "12-2026", "", "2026/12"):
        with pytest.raises(EtalaseError, match="tahun-bulan"):
            monthly.parse_month(bad)


def test_december_report_numbers(year):
    r = december(year)
    # 1 December is day 334 (tikar-pandan): 11 tikar-pandan, 10 kain-tenun, 10 tas-purun days
    # 31 December was also read on Instagram, so it was posted there too
    assert (r.posts, r.read, r.per_channel) == (31, 31, [("TikTok", 31), ("Instagram", 1)])
    assert r.totals["views"] == 11 * 2000 + 500 + 10 * 3000 + 10 * 1000 == 62_500
    assert r.medians["views"] == 2000  # the 16th of 10 x 1,000, 10 x 2,000, 2,500, 10 x 3,000
    assert (r.totals["likes"], r.medians["likes"], r.totals["shares"]) == (62, 2, None)
    assert [(t.day.day, t.product, t.views) for t in r.top] == [(d, "Kain Tenun Sipispis", 3000)
                                                                 for d in (2, 5, 8, 11, 14)]
    assert r.artisans == [("Budi Anyam", "Sipispis", 11), ("Kelompok Ani", "Tanjung Beringin", 10),
                          ("Rina Tenun", "Sipispis", 10)]
    assert r.districts[:2] == [("Sipispis", 21), ("Tanjung Beringin", 10)]
    assert len(r.unpromoted) == 15 and "Sei Rampah" in r.unpromoted
    assert (r.approved, r.waiting) == (3, 1)


def test_report_counts_per_channel_marks_when_the_store_has_them(year, tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(year.root, root)
    conn = store.connect(root / "state" / "etalase.db")
    with conn:  # the per-channel posted marks, as the channels migration (0004) defines them
        conn.execute("CREATE TABLE IF NOT EXISTS channel_posts (day TEXT, channel TEXT, url TEXT, actor TEXT, "
                     "at TEXT, PRIMARY KEY (day, channel))")
        conn.executemany("INSERT INTO channel_posts VALUES (?, ?, NULL, 'ayu', '2026-12-01T19:00:00+07:00')",
                         [("2026-12-01", "facebook"), ("2026-12-02", "facebook"), ("2026-11-30", "facebook")])
    try:
        r = monthly.build_report(conn, load_catalog(year.content), root / "exports", DEC, council="x", now=NOW)
    finally:
        conn.close()
    assert r.per_channel == [("TikTok", 31), ("Facebook", 2), ("Instagram", 1)]


def test_report_html_golden(year):
    project = Project.at(year.root)
    html = R.render_html(project, december(year), load_brand(project).colours)
    assert_golden(GOLDEN / "laporan-2026-12.html", html)


def december_files(year, tmp_path):
    """(a copy of the seeded year's project, December's report written into its exports/laporan/)."""
    root = tmp_path / "copy"
    shutil.copytree(year.root, root)
    ctx = P.open_context(Project.at(root), clock=FixedClock(NOW))
    try:
        return root, R.make(ctx, DEC)
    finally:
        ctx.conn.close()


def test_report_files_pdf_pages_and_text(year, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    root, written = december_files(year, tmp_path)
    assert written.html == root / "exports" / "laporan" / "2026-12.html"
    assert written.pdf == root / "exports" / "laporan" / "2026-12.pdf"
    assert "<svg" in written.html.read_text(encoding="utf-8")  # the timeline chart, inline
    reader = pypdf.PdfReader(io.BytesIO(written.pdf.read_bytes()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) == 4
    for expected in ("Laporan Bulanan Desember 2026", "62.500", "Kain Tenun Sipispis", "Budi Anyam",
                     "2 dari 17 kecamatan dipromosikan", "Sei Rampah", "Menunggu kurasi", "halaman 4/4"):
        assert expected in text, expected
    assert reader.metadata.title == "Laporan Bulanan Desember 2026"


def test_report_draws_the_group_medians_beside_their_tables(year, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    root, written = december_files(year, tmp_path)
    # December has craft, kecamatan, artisan, weekday and hour groups; no video blocks (those are January's)
    html = written.html.read_text(encoding="utf-8")
    section = html.split("<h2>Apa yang paling banyak ditonton</h2>", 1)[1].split("<h2>", 1)[0]
    assert section.count('<div class="chart"><svg') == 5 and section.count('<section class="group drawn">') == 5
    assert "<td>Sipispis</td><td class=\"n\">2.500</td><td class=\"n\">21</td>" in section
    assert section.count('<span class="few">sedikit data</span>') == 4  # Senin, Jumat, Sabtu, Minggu: 4 posts each
    assert "Belum ada angka bulan ini untuk: judul video, suasana musik, jumlah foto di video." in section
    reader = pypdf.PdfReader(io.BytesIO(written.pdf.read_bytes()))
    images = [len(page.images) for page in reader.pages]
    assert images == [1, 3, 2, 0]  # the timeline; then the five bar charts, each beside its table
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in ("Apa yang paling banyak ditonton", "Kecamatan Median n", "Tanjung Beringin 1.000 10",
                     "Minggu (sedikit data) 1.500 4", "pukul 09.00–09.59 2.000 16",
                     "Belum ada angka bulan ini untuk: judul video"):
        assert expected in text, expected
    assert "Grafik tidak digambar" not in text


def test_report_of_a_month_without_results_says_so_without_charts(year, tmp_path, capsys):
    pypdf = pytest.importorskip("pypdf")
    from pipeline.cli import main

    root = tmp_path / "copy"
    shutil.copytree(year.root, root)
    conn = store.connect(root / "state" / "etalase.db")
    try:  # January 2027: two days posted, nobody has recorded what they got yet
        for day in (dt.date(2027, 1, 1), dt.date(2027, 1, 2)):
            ledger.mark_posted(conn, day, "tas-purun", "ani", None, "ayu", NOW)
    finally:
        conn.close()
    assert main(["--root", str(root), "report", "2027-01"]) == 0
    assert capsys.readouterr().err == ""
    none_yet = "Belum ada hasil yang dicatat untuk unggahan bulan ini, jadi belum ada grafik atau median per kelompok."
    html = (root / "exports" / "laporan" / "2027-01.html").read_text(encoding="utf-8")
    assert none_yet in html and "<svg" not in html and "<h3>" not in html
    reader = pypdf.PdfReader(io.BytesIO((root / "exports" / "laporan" / "2027-01.pdf").read_bytes()))
    assert sum(len(page.images) for page in reader.pages) == 0
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert none_yet in text and "Hari diunggah 2" in text
    assert main(["--root", str(root), "report", "2027-02"]) == 0  # nothing posted at all
    html = (root / "exports" / "laporan" / "2027-02.html").read_text(encoding="utf-8")
    assert none_yet in html and "0 dari 17 kecamatan dipromosikan" in html and "<th>Kecamatan</th>" not in html
    reader = pypdf.PdfReader(io.BytesIO((root / "exports" / "laporan" / "2027-02.pdf").read_bytes()))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert none_yet in text and "Kecamatan Unggahan" not in text  # no table header over no rows


def test_few_posts_bars_are_hatched_for_a_black_and_white_print():
    from pipeline.results import charts

    many, few = stats.Group("tenun", 12, 1500.0, 18000), stats.Group("purun", 2, 900.0, 1800)
    assert "<pattern" in charts.svg(charts.bars([many, few], {}))  # the hatch, not only a paler colour
    assert "<pattern" not in charts.svg(charts.bars([many], {}))


def test_the_brand_font_is_added_to_matplotlib_once_however_many_charts_are_drawn(tmp_path):
    pytest.importorskip("matplotlib")
    from matplotlib import font_manager

    from pipeline.results import charts

    font = tmp_path / "brand-body.ttf"  # a path no other test registered
    shutil.copyfile(font_manager.findfont("DejaVu Sans"), font)
    style = charts.Style(font=font)
    groups = [stats.Group("tenun", 12, 1500.0, 18000), stats.Group("purun", 2, 900.0, 1800)]
    for _ in range(2):
        assert "<svg" in charts.svg(charts.bars(groups, {}, style=style))
    assert [e.fname for e in font_manager.fontManager.ttflist].count(str(font)) == 1


def test_report_shows_covers_of_the_top_posts(year, tmp_path):
    from conftest import make_photo

    exports = tmp_path / "exports"
    folder = X.day_dir(exports, dt.date(2026, 12, 2))
    make_photo(folder / "cover.jpg", size=(540, 960))
    (folder / "post.json").write_text(json.dumps({"date": "2026-12-02", "files": {"cover": "cover.jpg"}}))
    r = december(year, exports)
    assert r.top[0].cover == folder / "cover.jpg" and r.top[1].cover is None
    html = R.render_html(Project.at(year.root), r, load_brand(Project.at(year.root)).colours)
    assert html.count('src="data:image/jpeg;base64,') == 1 and html.count("tanpa sampul") == 4
    pypdf = pytest.importorskip("pypdf")
    from pipeline.results.pdf import report_pdf

    reader = pypdf.PdfReader(io.BytesIO(report_pdf(r, load_brand(Project.at(year.root)))))
    covers = [im for page in reader.pages for im in page.images]
    assert len(covers) == 1 and max(covers[0].image.size) <= 427  # a thumbnail, not the 540x960 cover


def test_a_damaged_cover_is_shown_as_missing_and_the_report_still_written(year, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    root = tmp_path / "copy"
    shutil.copytree(year.root, root)
    folder = X.day_dir(Project.at(root).exports, dt.date(2026, 12, 2))  # December's top post
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cover.jpg").write_bytes(b"not a jpeg at all, just garbage bytes" * 10)
    (folder / "post.json").write_text(json.dumps({"date": "2026-12-02", "files": {"cover": "cover.jpg"}}))
    ctx = P.open_context(Project.at(root), clock=FixedClock(NOW))
    try:
        written = R.make(ctx, DEC)
    finally:
        ctx.conn.close()
    html = written.html.read_text(encoding="utf-8")
    assert "data:image/jpeg;base64," not in html and html.count("tanpa sampul") == 5
    reader = pypdf.PdfReader(io.BytesIO(written.pdf.read_bytes()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert " ".join(text.split()).count("tanpa sampul") == 5 and "Laporan Bulanan Desember 2026" in text
    assert sum(len(page.images) for page in reader.pages) == 6  # the charts, no cover


def test_report_without_the_report_extra_writes_html_only(year, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "fpdf", None)  # not installed: import fails, find_spec says None
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    root, written = december_files(year, tmp_path)
    assert written.pdf is None and not (root / "exports" / "laporan" / "2026-12.pdf").exists()
    html = written.html.read_text(encoding="utf-8")
    assert "<svg" not in html and "Grafik tidak digambar" in html
    assert "<h3>Menurut kecamatan</h3>" in html and "<td>Tanjung Beringin</td>" in html  # the medians, as tables


# The dashboard ------------------------------------------------------------------------------------

def client(root, user="ayu") -> TestClient:
    return TestClient(create_app(Project.at(root), require_login=False, local_user=user, clock=FixedClock(NOW)))


def test_insights_page_shows_medians_counts_and_charts(year):
    c = client(year.root)
    html = c.get("/wawasan").text
    assert '<a href="/wawasan" aria-current="page">Wawasan</a>' in html
    assert "365 dari 365 unggahan" in html and "<strong>2.000</strong>" in html
    urls = re.findall(r'<img src="(/wawasan/grafik/[0-9a-f]{20}\.svg)"', html)
    assert len(set(urls)) == 9  # the timeline and one chart per grouping, as images: the page stays light
    assert len(html.encode("utf-8")) < 150_000
    chart = c.get(urls[0])
    assert chart.status_code == 200 and chart.headers["content-type"].startswith("image/svg+xml")
    assert chart.text.startswith("<svg") and "immutable" in chart.headers["cache-control"]
    assert c.get("/wawasan/grafik/" + "0" * 20 + ".svg").status_code == 404
    assert "Tenun Sergai</td>" in html and "Judul kait yang ditulis" in html
    hook = html.split("<td>Judul kait yang ditulis", 1)[1].split("</tr>", 1)[0]
    assert "sedikit data" in hook and '<td class="n">4</td>' in hook
    assert "pukul 19.00–19.59" in html and ">Kamis<" in html
    # the best-time rule: 09:00 posts average 2,003 views (366,500 / 183), 19:00 ones 1,995 (363,000 / 182)
    best = html.split('id="h-waktu"', 1)[1].split("</section>", 1)[0]
    assert '<strong class="big">09.00</strong>' in best
    assert "hasil 365 posting sendiri: 09.00 (rata-rata 2.003 tayangan dari 183 posting pada jam itu)" in best


def test_best_time_waits_for_enough_posts(year, tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(year.root, root)
    (root / "schedule.yaml").write_text("best_time_posts: 400\n", encoding="utf-8")
    best = client(root).get("/wawasan").text.split('id="h-waktu"', 1)[1].split("</section>", 1)[0]
    assert "masih <strong>19.00</strong>" in best and "setelah 400\n    unggahan punya hasil (sekarang 365)" in best


def test_insights_page_for_one_channel(year):
    c = client(year.root)
    assert '<option value="instagram">Instagram</option>' in c.get("/wawasan").text
    html = c.get("/wawasan?kanal=instagram").text
    assert '<option value="instagram" selected>Instagram</option>' in html
    assert "1 dari 365 unggahan" in html and "<strong>500</strong>" in html
    assert "365 dari 365 unggahan" in c.get("/wawasan?kanal=tidak-ada").text  # unknown: every channel


def test_insights_page_without_matplotlib_shows_tables_and_a_note(year, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    html = client(year.root).get("/wawasan").text
    assert "/wawasan/grafik/" not in html and "Grafik belum bisa digambar" in html
    assert '<details class="numbers" open>' in html and "Sipispis" in html


def test_report_button_writes_and_serves_the_report(year, tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(year.root, root)
    c = client(root)
    page = c.get("/wawasan").text
    assert '<option value="2026-12" selected>Desember 2026</option>' in page  # last month, as the CLI
    assert '<option value="2027-01">Januari 2027</option>' in page
    from conftest import csrf_of

    done = c.post("/wawasan/laporan", data={"bulan": "2026-12", "csrf_token": csrf_of(page)}, follow_redirects=True)
    assert "Laporan Desember 2026 sudah dibuat." in done.text
    assert 'href="/wawasan/laporan/2026-12.pdf"' in done.text
    pdf = c.get("/wawasan/laporan/2026-12.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"
    page = c.get("/wawasan/laporan/2026-12.html")
    assert "Laporan Bulanan Desember 2026" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'; style-src 'unsafe-inline'")
    assert c.get("/wawasan/laporan/..%2Fstate%2Fetalase.db").status_code == 404


def test_only_planners_make_reports(year, tmp_path):
    from conftest import csrf_of

    from pipeline.curation import users as U

    root = tmp_path / "copy"
    shutil.copytree(year.root, root)
    conn = store.connect(root / "state" / "etalase.db")
    U.ensure(conn, "dewi", "editor")
    conn.close()
    c = client(root, user="dewi")
    token = csrf_of(c.get("/produk/baru").text)
    assert 'action="/wawasan/laporan"' not in c.get("/wawasan").text
    assert c.post("/wawasan/laporan", data={"bulan": "2026-12", "csrf_token": token}).status_code == 403


# The CLI ------------------------------------------------------------------------------------------

def test_cli_report_writes_last_months_files(year, tmp_path, monkeypatch, capsys):
    from pipeline.cli import main

    root = tmp_path / "copy"
    shutil.copytree(year.root, root)
    monkeypatch.delenv("ETALASE_DB", raising=False)
    monkeypatch.setenv("ETALASE_NOW", "2027-01-03T03:00:00+00:00")  # last month is December 2026
    assert main(["--root", str(root), "report"]) == 0
    out = capsys.readouterr().out
    assert f"report written: {root / 'exports' / 'laporan' / '2026-12.html'}" in out
    assert str(root / "exports" / "laporan" / "2026-12.pdf") in out
    assert main(["--root", str(root), "report", "2026-13"]) == 1
    assert "bulan '2026-13' tidak dikenal: tulis tahun-bulan, misalnya 2026-12" in capsys.readouterr().err


def test_insights_page_before_any_post(scratch, tmp_path):
    html = client(scratch.root).get("/wawasan").text
    assert "Belum ada hari yang ditandai sudah diunggah" in html and "/wawasan/grafik/" not in html
    assert "masih <strong>19.00</strong>" in html


def test_charts_use_the_brand_font_as_registered(post, caplog):
    from pipeline.results import charts

    style = charts.Style.of(post.brand)
    assert style.font.name == "Manrope-SemiBold.ttf" and style.primary == post.brand.colours["primary"]
    groups = [stats.Group("tenun", 12, 1500.0, 18000)]
    with caplog.at_level("WARNING"):
        drawn = charts.svg(charts.bars(groups, {"tenun": "Tenun Sergai"}, "Menurut kerajinan", style))
        png = charts.png(charts.timeline([], "Tayangan", style=style))
    assert "findfont" not in caplog.text  # matplotlib found the brand's font at its own weight, no fallback
    assert drawn.startswith("<svg") and style.primary.lower() in drawn.lower()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_numbers_keep_their_sign_and_decimal_comma():
    """Follower medians can be small and negative: -0,5 must not print as 0,5."""
    assert [R.angka(v) for v in (-0.5, -1.5, 12.5, 12345, 1234.5, -2.0, 0)] == \
        ["-0,5", "-1,5", "12,5", "12.345", "1.234,5", "-2", "0"]
