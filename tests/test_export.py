"""Day folders: staged, published whole, replaced into .replaced/, and the pages the admin reads.

Regenerate the golden pages with: UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_export.py
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import assert_golden, outside_details

from pipeline.common.project import PACKAGED_TEMPLATES, Project
from pipeline.export import failed as F
from pipeline.export import folders as X

GOLDEN = Path(__file__).resolve().parent / "golden" / "export"
WIB = ZoneInfo("Asia/Jakarta")
DAY = dt.date(2026, 10, 2)
NOW = dt.datetime(2026, 10, 1, 5, 0, tzinfo=WIB)


def golden(name: str, text: str) -> None:
    assert_golden(GOLDEN / name, text)


def stage(exports: Path, day: dt.date, product: str = "tas-purun") -> Path:
    staged = X.staging_dir(exports, day)
    (staged / "cover.jpg").write_bytes(b"jpeg")
    (staged / "caption.txt").write_text("caption\n", encoding="utf-8")
    X.write_manifest(staged, {"date": day.isoformat(), "product": {"slug": product},
                              "files": {"cover": "cover.jpg", "caption": "caption.txt", "slides": []}})
    return staged


def test_publish_moves_a_whole_folder_and_keeps_the_replaced_one(tmp_path):
    exports = tmp_path / "exports"
    F.write(exports, DAY, "tas-purun", F.Failure(F.UNEXPECTED, "gagal", "hubungi IT", "boom"), NOW)
    first = stage(exports, DAY)
    assert X.publish(exports, DAY, first, NOW) is None
    assert not first.exists() and not X.failed_note(exports, DAY).exists()
    assert X.read_manifest(exports / "2026-10-02")["product"]["slug"] == "tas-purun"

    second = stage(exports, DAY, "tikar-purun")
    replaced = X.publish(exports, DAY, second, NOW)
    assert replaced == exports / ".replaced" / "2026-10-02--20261001-050000"
    assert X.read_manifest(replaced)["product"]["slug"] == "tas-purun"
    assert X.read_manifest(exports / "2026-10-02")["product"]["slug"] == "tikar-purun"
    third = X.publish(exports, DAY, stage(exports, DAY), NOW)  # same second: a second name, nothing lost
    assert third.name == "2026-10-02--20261001-050000-2"
    assert X.day_folders(exports) == [DAY]
    assert sorted(p.name for p in (exports / ".building").iterdir()) == []


def test_retire_and_clear_staging(tmp_path):
    exports = tmp_path / "exports"
    X.publish(exports, DAY, stage(exports, DAY), NOW)
    leftover = stage(exports, DAY + dt.timedelta(days=1))  # what a killed build leaves
    (exports / ".index.html.1234.tmp").write_text("half", encoding="utf-8")
    assert X.clear_staging(exports) == [leftover]
    assert not leftover.exists() and not list(exports.glob(".*.tmp"))
    gone = X.retire(exports, DAY, NOW)
    assert gone.parent.name == ".replaced" and not (exports / "2026-10-02").exists()
    assert X.retire(exports, DAY, NOW) is None


def test_prune_replaced_keeps_the_newest_per_day_and_nothing_else_is_touched(tmp_path):
    exports = tmp_path / "exports"
    day, other = dt.date(2026, 10, 2), dt.date(2026, 10, 3)
    at = dt.datetime(2026, 10, 1, 5, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    for i in range(5):
        for d in (day, other) if i < 2 else (day,):
            X.day_dir(exports, d).mkdir(parents=True)
            X.retire(exports, d, at + dt.timedelta(minutes=i // 2))  # two per minute: the second gets -2
    names = sorted(p.name for p in (exports / X.REPLACED).iterdir())
    assert "2026-10-02--20261001-050000-2" in names
    (exports / X.REPLACED / "notes.txt").write_text("mine", encoding="utf-8")  # not ours: left alone
    removed = X.prune_replaced(exports, 2)
    assert [p.name for p in removed] == ["2026-10-02--20261001-050000", "2026-10-02--20261001-050000-2",
                                         "2026-10-02--20261001-050100"]
    left = sorted(p.name for p in (exports / X.REPLACED).iterdir())
    assert left == ["2026-10-02--20261001-050100-2", "2026-10-02--20261001-050200",
                    "2026-10-03--20261001-050000", "2026-10-03--20261001-050000-2", "notes.txt"]
    assert [p.name for p in X.prune_replaced(exports, 0)] == [n for n in left if n != "notes.txt"]
    assert X.prune_replaced(tmp_path / "nothing", 3) == []


def test_manifest_of_an_incomplete_or_damaged_folder_is_none(tmp_path):
    folder = tmp_path / "2026-10-02"
    folder.mkdir()
    assert X.read_manifest(folder) is None
    (folder / "post.json").write_text("{not json", encoding="utf-8")
    assert X.read_manifest(folder) is None
    X.write_manifest(folder, {"files": {"video": "video.mp4", "slides": ["slides/01.jpg"]}})
    assert X.read_manifest(folder) is None  # lists files that are not there
    (folder / "video.mp4").write_bytes(b"x")
    (folder / "slides").mkdir()
    (folder / "slides" / "01.jpg").write_bytes(b"x")
    assert X.read_manifest(folder)["files"]["video"] == "video.mp4"


def test_failed_note_says_what_to_do_in_bahasa_indonesia_and_keeps_the_detail_apart(tmp_path):
    failure = F.Failure(F.PHOTO, "Foto `p1.jpg` untuk produk Tas Purun tidak bisa dibaca.",
                        "Ganti foto itu, lalu minta kurator menyetujui lagi.",
                        "PhotoError: p1.jpg: cannot decode photo: truncated\nTraceback (most recent call last): ...")
    path = F.write(tmp_path, DAY, "tas-purun", failure, NOW)
    text = path.read_text(encoding="utf-8")
    assert path.name == "2026-10-02.FAILED.txt"
    assert text.startswith("GAGAL: posting untuk 2026-10-02 belum bisa dibuat.")
    assert text.index("Yang perlu dilakukan:") < text.index(F.DETAIL_MARK) < text.index("Traceback")
    assert X.failed_days(tmp_path) == [DAY]
    note = F.read(tmp_path, DAY)
    assert (note.product, note.at, note.failure) == ("tas-purun", "2026-10-01T05:00:00+07:00", failure)
    assert F.read(tmp_path, DAY + dt.timedelta(days=1)) is None


def test_a_note_from_before_the_detail_marker_is_all_detail(tmp_path):
    X.failed_note(tmp_path, DAY).write_text("GAGAL: ...\nProduk: tas-purun\n\nPenyebab (teknis):\nTraceback (most "
                                            "recent call last):\n  boom\n", encoding="utf-8")
    note = F.read(tmp_path, DAY)
    assert note.product == "tas-purun" and "Traceback" in note.failure.detail
    assert "Traceback" not in note.failure.pesan + note.failure.todo and "petugas IT" in note.failure.todo


def test_write_atomic_leaves_no_temporary_file(tmp_path):
    X.write_atomic(tmp_path / "index.html", "one")
    X.write_atomic(tmp_path / "index.html", "two")
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == "two"


def test_tanggal():
    assert X.tanggal(DAY) == "Jumat, 2 Oktober 2026"
    assert X.tanggal("2026-12-28T19:00:00+07:00") == "Senin, 28 Desember 2026"


MANIFEST = {
    "date": "2026-10-02", "suggested_time": "2026-10-02T19:00:00+07:00", "timezone": "Asia/Jakarta",
    "zone_label": "WIB", "formats": "both",
    "product": {"slug": "kain-batik-sergai", "name": "Kain Batik Sergai <Motif Daun>", "price": 350000},
    "artisan": {"slug": "sanggar-melati", "name": "Sanggar Melati", "kecamatan": "Sei Rampah"},
    "craft": {"slug": "batik", "name": "Batik Sergai"},
    "special_day": "Hari Batik Nasional", "reason": "Hari Batik Nasional; tema batik; pengrajin belum tampil 9 hari",
    "hashtags": ["#BatikSergai", "#HariBatikNasional"], "caption_length": 48,
    "files": {"cover": "cover.jpg", "caption": "caption.txt", "slides": ["slides/01.jpg", "slides/02.jpg"],
              "video": "video.mp4", "checklist": "checklist.html"},
    "checks": [{"file": "video.mp4", "name": "video_codec", "ok": True, "message": "h264", "severity": "error"},
               {"file": "video.mp4", "name": "profile", "ok": False, "message": "H.264 profil Main (bukan High)",
                "severity": "warning"},
               {"file": "caption.txt", "name": "hashtags", "ok": True, "message": "2 tagar", "severity": "warning"}],
    "warnings": ["photo p2.jpg is small"], "built_at": "2026-10-01T05:00:12+07:00", "draft": False,
    "versions": {"etalase": "0.1.0"},
}


def test_checklist_page_golden():
    project = Project.at(Path(__file__).resolve().parent.parent)
    html = X.render_checklist(project, json.loads(json.dumps(MANIFEST)), "Selamat Hari Batik! <b>Kain</b>\n#Batik")
    assert "Kain Batik Sergai &lt;Motif Daun&gt;" in html and "&lt;b&gt;Kain&lt;/b&gt;" in html  # escaped
    assert "Semua pemeriksaan wajib lulus" in html and "1 peringatan (tidak menghalangi unggah)" in html
    assert 'src="video.mp4"' in html and 'href="../index.html"' in html and "http" not in html.replace(
        "https://", "")  # nothing fetched from the network: works as file://
    golden("checklist.html", html)


CHANNELS = [
    {"name": "tiktok", "label": "TikTok", "handle": "@dekranasda.sergai", "takes": "both",
     "files": {"video": "video.mp4", "slides": ["slides/01.jpg", "slides/02.jpg"]},
     "caption_file": "caption-tiktok.txt",
     "caption": "Selamat Hari Batik!\n#Batik", "caption_length": 48, "caption_limit": 2200, "hashtags": ["#Batik"],
     "ready": True, "problems": []},
    {"name": "instagram", "label": "Instagram", "handle": "", "takes": "carousel",
     "files": {"slides": ["slides/01.jpg", "slides/02.jpg"]}, "caption_file": "caption-instagram.txt",
     "caption": "Kain <Batik> Instagram\n#Batik", "caption_length": 30, "caption_limit": 2200, "hashtags": ["#Batik"],
     "ready": True, "problems": []},
    {"name": "youtube", "label": "YouTube Shorts", "handle": "", "takes": "video", "files": {"video": "video.mp4"},
     "caption_file": "caption-youtube.txt", "caption": "Deskripsi YouTube", "caption_length": 17,
     "caption_limit": 5000, "hashtags": [], "title": "Kain Batik Sergai #Shorts", "title_length": 25,
     "title_limit": 100, "ready": False,
     "problems": ["YouTube Shorts: 95.00 detik; YouTube Shorts menerima 3-60 detik"]},
]


def test_checklist_page_shows_one_block_per_channel():
    project = Project.at(Path(__file__).resolve().parent.parent)
    html = X.render_checklist(project, {**json.loads(json.dumps(MANIFEST)), "channels": CHANNELS}, "Selamat")
    blocks = {name: html.split(f'id="kanal-{name}"')[1].split("</section>")[0]
              for name in ("tiktok", "instagram", "youtube")}
    assert "video.mp4" not in blocks["instagram"] and "2 foto <code>slides/01.jpg</code>" in blocks["instagram"]
    assert "slides/" not in blocks["youtube"] and "<code>video.mp4</code>" in blocks["youtube"]
    assert 'data-copy="caption-instagram"' in blocks["instagram"] and "Kain &lt;Batik&gt; Instagram" in blocks[
        "instagram"]
    assert "30 dari 2.200 karakter" in blocks["instagram"] and "17 dari 5.000 karakter deskripsi" in blocks["youtube"]
    assert 'data-copy="judul-youtube"' in blocks["youtube"] and "25 dari 100 karakter judul" in blocks["youtube"]
    assert "belum siap" in blocks["youtube"] and "3-60 detik" in blocks["youtube"] and "siap" in blocks["instagram"]
    assert "data-copy" not in blocks["tiktok"]  # TikTok's caption is the page's main one
    golden("checklist-channels.html", html)
    single = X.render_checklist(project, {**json.loads(json.dumps(MANIFEST)), "channels": CHANNELS[:1]}, "Selamat")
    assert "Per kanal" not in single  # TikTok alone: the page as before


def test_index_page_golden():
    project = Project.at(Path(__file__).resolve().parent.parent)
    base = {"past": False, "today": False, "warning": "", "note": None, "post": None, "suggested": "19.00 WIB"}
    note = F.Note(dt.date(2026, 10, 3), "tikar-pandan", "2026-10-01T05:00:00+07:00", F.Failure(
        F.UNEXPECTED, "Terjadi kesalahan tak terduga.", "Hubungi petugas IT kantor.",
        "Traceback (most recent call last):\n  boom"), "2026-10-03.FAILED.txt")
    rows = [
        {**base, "date": "2026-10-01", "today": True, "status": "posted", "status_label": "sudah diunggah",
         "manifest": MANIFEST, "folder": "2026-10-01", "reason": "dipilih admin", "product": "Tas Purun",
         "post": {"url": "https://www.tiktok.com/@dekranasda.sergai/video/1"}},
        {**base, "date": "2026-10-02", "status": "ready", "status_label": "siap diunggah", "manifest": MANIFEST,
         "folder": "2026-10-02", "reason": MANIFEST["reason"], "product": "Kain Batik Sergai"},
        {**base, "date": "2026-10-03", "status": "failed", "status_label": "gagal dibuat", "manifest": None,
         "folder": "2026-10-03", "reason": "", "product": "Tikar Pandan", "note": note},
        {**base, "date": "2026-10-04", "status": "skipped", "status_label": "tanpa unggahan", "manifest": None,
         "folder": "2026-10-04", "reason": "dilewati admin", "product": None},
    ]
    html = X.render_index(project, rows, NOW)
    assert 'src="2026-10-02/cover.jpg"' in html and 'href="2026-10-02/checklist.html"' in html
    assert html.count("<article") == 4 and "Hari ini" in html
    assert "Traceback" in html and "Traceback" not in outside_details(html)
    golden("index.html", html)


@pytest.mark.parametrize("name", ["checklist.html.j2", "index.html.j2", "_style.html.j2"])
def test_page_templates_use_no_external_resources(name):
    text = (PACKAGED_TEMPLATES / "export" / name).read_text(encoding="utf-8")
    assert "<link" not in text and "<script src" not in text and "@import" not in text


def test_page_hash_covers_every_export_template_the_pages_include(tmp_path):
    """Editing the shared _style rewrites the checklist pages of unchanged days too."""
    before = X.page_templates_digest(Project.at(tmp_path))
    own = tmp_path / "templates" / "export"
    own.mkdir(parents=True)
    packaged = PACKAGED_TEMPLATES / "export" / "_style.html.j2"
    (own / "_style.html.j2").write_text(packaged.read_text(encoding="utf-8") + "<!-- dewan -->\n", encoding="utf-8")
    assert X.page_templates_digest(Project.at(tmp_path)) != before
