"""Shared fixtures: a scratch project in tmp_path built from small, real photos."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parent.parent
# A switch for measuring (bench/web_bench.py --no-page-cache) left on in a shell must not change what tests see.
os.environ.pop("ETALASE_PAGE_CACHE", None)


def make_photo(path: Path, size=(360, 480), colour=(170, 130, 80), fmt: str | None = None) -> Path:
    """A small striped 'weave' photo; real pixels so decoding and rendering are exercised."""
    im = Image.new("RGB", size, (235, 228, 215))
    draw = ImageDraw.Draw(im)
    w, h = size
    for i in range(0, w, 12):
        draw.rectangle([i, h // 6, i + 6, h * 5 // 6], fill=colour)
    for j in range(h // 6, h * 5 // 6, 12):
        draw.rectangle([w // 8, j, w * 7 // 8, j + 4], fill=tuple(max(0, c - 50) for c in colour))
    path.parent.mkdir(parents=True, exist_ok=True)
    im.save(path, format=fmt)
    return path


TWO_CRAFTS = """\
    crafts:
      - slug: anyaman-purun
        name: Anyaman Purun
      - slug: tenun
        name: Tenun Sergai
"""  # two crafts, names only: what the results and browser fixtures need


@dataclass
class Scratch:
    """A throwaway project: root/content/{crafts.yaml,artisans,products,media}."""

    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    def write(self, relative: str, text: str) -> Path:
        path = self.content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def photo(self, name: str, **kw) -> Path:
        return make_photo(self.content / "media" / name, **kw)

    def product(self, slug: str, extra: str = "", photos: tuple[str, ...] = ("p1.jpg",), **fields) -> Path:
        for name in photos:
            if not (self.content / "media" / name).exists():
                self.photo(name, size=(1080, 1440))
        body = {"name": f"Produk {slug}", "artisan": "ani", "craft": "anyaman-purun", "price": "Rp 150.000"}
        body.update(fields)
        lines = [f"{k}: {v!r}" if isinstance(v, str) else f"{k}: {v}" for k, v in body.items()]
        lines.append("photos:")
        lines += [f"  - {name}" for name in photos]
        return self.write(f"products/{slug}.yaml", "\n".join(lines) + "\n" + textwrap.dedent(extra))


@pytest.fixture
def scratch(tmp_path: Path) -> Scratch:
    """A valid minimal catalogue: one craft, one artisan, one product with one photo, the sample's region
    and brand."""
    return make_scratch(tmp_path / "project")


def make_scratch(root: Path) -> Scratch:
    """The `scratch` fixture's catalogue at any folder."""
    s = Scratch(root)
    s.write("crafts.yaml", """
        crafts:
          - slug: anyaman-purun
            name: Anyaman Purun
            name_en: Purun Weaving
            hashtags: ["#AnyamanPurun"]
            color: "#8A6D3B"
          - slug: tenun
            name: Tenun Sergai
            name_en: Sergai Handwoven Cloth
    """)
    s.write("artisans/ani.yaml", """
        name: Kelompok Ani
        kecamatan: Tanjung Beringin
        village: Desa Contoh
        crafts: [anyaman-purun]
        story: Kelompok pengrajin fiktif untuk pengujian.
        whatsapp: "+62 812-0000-0001"
        photo_consent: true
    """)
    s.product("tas-purun")
    # The sample council's own identity: its regency and districts, and its brand.yaml (name, handle,
    # hashtags); everything else comes from the packaged default templates.
    shutil.copy2(REPO / "content" / "region.yaml", s.content / "region.yaml")
    (s.root / "templates").mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "templates" / "brand.yaml", s.root / "templates" / "brand.yaml")
    return s


@pytest.fixture
def sample_project(tmp_path: Path) -> Path:
    """A copy of the bundled sample project (content, templates, schedule) to change freely."""
    dest = tmp_path / "sample"
    dest.mkdir()
    for name in ("content", "templates"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, dest / name)
    if (REPO / "schedule.yaml").exists():
        shutil.copy2(REPO / "schedule.yaml", dest / "schedule.yaml")
    return dest


# --- Rendering (issue 3: templates and images) ---------------------------------------------------

@dataclass
class Post:
    """A scratch project read back for rendering: the project, its catalogue and brand."""

    scratch: Scratch
    project: object
    catalog: object
    brand: object

    def reload(self) -> Post:
        return make_post(self.scratch)


def make_post(s: Scratch) -> Post:
    from pipeline.catalog.reader import load_catalog
    from pipeline.common.project import Project
    from pipeline.render.brand import load_brand

    project = Project.at(root=s.root)
    catalog = load_catalog(project.content)
    assert not catalog.errors, catalog.errors
    return Post(s, project, catalog, load_brand(project))


@pytest.fixture
def post(scratch: Scratch) -> Post:
    """The scratch catalogue with the packaged templates (brand, fonts, layouts, captions)."""
    return make_post(scratch)


# --- Dashboard (issue 7: tests/test_web_*.py, tests/test_browser.py) -----------------------------

WEB_PASSWORDS = {"ayu": "ayu-admin-2026", "siti": "siti-kurator-2026", "budi": "budi-editor-2026"}
WEB_ROLES = {"ayu": "admin", "siti": "curator", "budi": "editor"}


@pytest.fixture(scope="session")
def web_people_db(tmp_path_factory) -> Path:
    """A state database with the council's people and their passwords, made once (scrypt is slow on purpose)."""
    from pipeline.curation import passwords
    from pipeline.curation import users as U
    from pipeline.store import db as store

    path = tmp_path_factory.mktemp("web-people") / "etalase.db"
    conn = store.connect(path)
    for name, role in WEB_ROLES.items():
        U.ensure(conn, name, role)
        passwords.set_password(conn, name, WEB_PASSWORDS[name])
    conn.close()
    return path


@pytest.fixture
def web_office(scratch: Scratch, web_people_db: Path, monkeypatch) -> Scratch:
    """The scratch catalogue plus a state database holding admin ayu, curator siti and editor budi."""
    monkeypatch.delenv("ETALASE_DB", raising=False)
    monkeypatch.delenv("ETALASE_USER", raising=False)
    (scratch.root / "state").mkdir(parents=True, exist_ok=True)
    shutil.copy2(web_people_db, scratch.root / "state" / "etalase.db")
    return scratch


def csrf_of(html: str) -> str:
    """The CSRF token a dashboard page put in its forms."""
    import re

    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token on the page"
    return m.group(1)


def web_login(client, name: str, password: str | None = None):
    """Log in through the real form (token, password check, redirect); returns the last response."""
    token = csrf_of(client.get("/masuk").text)
    return client.post("/masuk", data={"name": name, "password": password or WEB_PASSWORDS[name],
                                       "csrf_token": token, "lanjut": "/"}, follow_redirects=False)


def web_approve(root: Path, *slugs: str, curator: str = "siti") -> None:
    """Curator approval through the real review use-case, every checklist item confirmed."""
    from pipeline.catalog.reader import load_catalog
    from pipeline.curation import reviews
    from pipeline.curation import users as U
    from pipeline.store import db as store

    cat = load_catalog(root / "content")
    conn = store.connect(root / "state" / "etalase.db")
    try:
        for slug in slugs:
            reviews.approve(conn, cat, slug, U.get(conn, curator), checks=reviews.all_checks())
    finally:
        conn.close()


def web_built_day(root: Path, day, slug: str, seconds: float = 2.0) -> Path:
    """A published day folder made the way a build makes one: rendered images and caption, an H.264 video
    (ffmpeg from imageio-ffmpeg, over the cover), a manifest, the export module's atomic publish, and the
    build recorded in the state database (so the planner keeps the day's product, invariant 4)."""
    import datetime as dt
    import subprocess

    import imageio_ffmpeg

    from pipeline.catalog.reader import load_catalog
    from pipeline.common.project import Project
    from pipeline.export import folders as X
    from pipeline.plan import ledger as planstate
    from pipeline.render.images import render_post_images
    from pipeline.store import db as store

    project = Project.at(root)
    cat = load_catalog(project.content)
    product = cat.products[slug]
    staged = X.staging_dir(project.exports, day)
    images = render_post_images(project, cat, product, staged, size=(540, 960))
    (staged / "caption.txt").write_text(f"{product.name} dari Sergai.\n#BanggaBuatanIndonesia\n", encoding="utf-8")
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-loop", "1", "-i", str(staged / "cover.jpg"),
                    "-f", "lavfi", "-i", "anullsrc=r=44100:cl=stereo", "-t", str(seconds), "-r", "30",
                    "-vf", "scale=540:960,format=yuv420p", "-c:v", "libx264", "-preset", "ultrafast",
                    "-c:a", "aac", "-shortest", "-movflags", "+faststart", str(staged / "video.mp4")], check=True)
    slides = [p.relative_to(staged).as_posix() for p in images.slides]
    X.write_manifest(staged, {
        "date": day.isoformat(), "suggested_time": dt.datetime.combine(day, dt.time(19, 0)).isoformat() + "+07:00",
        "product": {"slug": slug, "name": product.name}, "artisan": {"slug": product.artisan},
        "input_hash": "test-" + product.content_hash,
        "files": {"video": "video.mp4", "cover": "cover.jpg", "caption": "caption.txt", "slides": slides}})
    X.publish(project.exports, day, staged, dt.datetime.now(dt.UTC))
    conn = store.connect(root / "state" / "etalase.db")
    try:
        planstate.record_build(conn, day, slug, product.artisan, "test-" + product.content_hash, "ok", "",
                               dt.datetime.now(dt.UTC))
    finally:
        conn.close()
    _stamp_input_hash(project, day, slug)
    return X.day_dir(project.exports, day)


def _stamp_input_hash(project, day, slug: str) -> None:
    """Give a hand-made day the input hash the build would give it now (the ledger keeps its product, so the
    plan can tell it), so pages do not call it "perlu dibuat ulang" for a made-up hash."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from pipeline.build.freshness import InputHashes
    from pipeline.common.clock import FixedClock
    from pipeline.export import folders as X
    from pipeline.plan import ledger as planstate
    from pipeline.plan.admin import open_context, slot_for

    noon = dt.datetime.combine(day, dt.time(12, 0), ZoneInfo("Asia/Jakarta"))
    ctx = open_context(project, FixedClock(noon))
    try:
        slot = slot_for(ctx, day)
        assert slot.product == slug, f"the plan gives {day} to {slot.product}, not {slug}: build the planned one"
        digest = InputHashes(ctx).digest(slot, draft=False)
        assert digest is not None, f"{slug} on {day}: its input hash cannot be told (a broken template?)"
        folder = X.day_dir(project.exports, day)
        X.write_manifest(folder, {**X.read_manifest(folder), "input_hash": digest})
        planstate.record_build(ctx.conn, day, slug, slot.artisan, digest, "ok", "", dt.datetime.now(dt.UTC))
    finally:
        ctx.conn.close()


# --- Plan, build and scheduler (issue 6: tests/test_build.py, tests/test_scheduler.py) ------------

@pytest.fixture
def utc_process(monkeypatch):
    """The machine's own clock in UTC, as on many servers; plans and builds must still count in WIB."""
    import time

    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is POSIX only: Windows cannot switch a running process's zone")
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


SHOP_SCHEDULE = """
horizon_days: 2
post_at: "19:00"
weekdays:
  wednesday: {theme: tenun}
rotation: {product_days: 2, artisan_days: 1}
"""

# A 3.5 s video (the shortest TikTok takes is 3 s): the build machinery is what these tests exercise.
SHORT_VIDEO = """
description: short test video
fps: 30
zoom: 1.1
repeat_photos: false
length: {min: 3, max: 4, cap: 6}
transition: {type: cut}
scenes:
  - {type: cover, layout: cover, duration: 2, motion: zoom_in}
  - {type: card, layout: cta, duration: 1.5, motion: still}
audio: {music: none}
"""


@pytest.fixture
def shop(scratch: Scratch, monkeypatch) -> Scratch:
    """The scratch catalogue with two artisans, three approved products and one in the queue, a two-day
    horizon and a short draft-friendly video template in the project's own templates folder."""
    monkeypatch.delenv("ETALASE_USER", raising=False)
    monkeypatch.delenv("ETALASE_DB", raising=False)
    return make_shop(scratch)


def make_shop(scratch: Scratch) -> Scratch:
    """The `shop` fixture's project, made on any scratch project (the hub tests make several)."""
    scratch.write("artisans/budi.yaml", "name: Budi\nkecamatan: Sipispis\ncrafts: [tenun]\nphoto_consent: true\n")
    scratch.product("tikar-purun", photos=("p1.jpg",))
    scratch.product("kain-tenun", artisan="budi", craft="tenun", photos=("p2.jpg",))
    scratch.product("selendang", artisan="budi", craft="tenun", photos=("p2.jpg",))
    (scratch.root / "schedule.yaml").write_text(textwrap.dedent(SHOP_SCHEDULE).lstrip(), encoding="utf-8")
    video = scratch.root / "templates" / "videos" / "default.yaml"
    video.parent.mkdir(parents=True)
    video.write_text(textwrap.dedent(SHORT_VIDEO).lstrip(), encoding="utf-8")
    from pipeline.curation import users as U
    from pipeline.store import db as store

    conn = store.connect(scratch.root / "state" / "etalase.db")
    U.ensure(conn, "siti", "curator")
    conn.close()
    web_approve(scratch.root, "tas-purun", "tikar-purun", "kain-tenun")
    return scratch


CHANNELS_DAY = "2026-10-01"  # the shop's first day (05:00 WIB on 1 October is PINNED_NOW)
CHANNELS_SCHEDULE = """
channels:
  tiktok: {handle: "@dekranasda.sergai"}
  instagram: {takes: carousel}
  youtube: {}
  whatsapp: {}
"""


def make_channels_day(scratch: Scratch) -> dt.date:
    """The shop with four channels and its first day marked Go Global, built for real (a draft video):
    the day folder has a caption per channel, an English caption and one video (issue 14)."""
    from pipeline.build import orchestrate as B
    from pipeline.common.clock import FixedClock
    from pipeline.common.project import Project
    from pipeline.plan import admin as P

    schedule = scratch.root / "schedule.yaml"
    schedule.write_text(schedule.read_text(encoding="utf-8") + textwrap.dedent(CHANNELS_SCHEDULE), encoding="utf-8")
    day = dt.date.fromisoformat(CHANNELS_DAY)
    clock = FixedClock(dt.datetime.fromisoformat(PINNED_NOW))
    project = Project.at(scratch.root)
    ctx = P.open_context(project, clock)
    try:
        P.go_global(ctx, day, "ayu")
    finally:
        ctx.conn.close()
    report = B.build(project, B.Options(draft=True, only=day), clock=clock)
    assert [d.status for d in report.days] == [B.BUILT] and report.renders == 1, report.days  # one video for all
    return day


def outside_details(html: str) -> str:
    """A page without its <details> elements: what the admin sees before opening "detail teknis"."""
    import re

    return re.sub(r"<details\b.*?</details>", "", html, flags=re.S)


# --- Real processes: a pinned clock and the build's named points (issue 10: no test races the clock) ---------

# 05:00 WIB on Thursday 1 October 2026 (22:00 UTC the day before), for processes whose clock a test cannot pass in.
PINNED_NOW = "2026-09-30T22:00:00+00:00"


def process_env(**extra: str) -> dict[str, str]:
    """The environment for a real `python -m pipeline` process: this one's, with its clock pinned to PINNED_NOW
    ($ETALASE_NOW, pipeline/common/clock.py), so its days are the same whether or not midnight WIB passes mid-test."""
    import os

    return {**os.environ, "ETALASE_NOW": PINNED_NOW, **extra}


@pytest.fixture
def pinned_now(monkeypatch) -> str:
    """The same pinned clock for the CLI run in this process (`main([...])` makes its own SystemClock)."""
    monkeypatch.setenv("ETALASE_NOW", PINNED_NOW)
    return PINNED_NOW


def points_reached(markers: Path) -> list[dict]:
    """The named points (pipeline/common/testhook.py) a process reached, in order, from its marker files."""
    import json

    found = [json.loads(p.read_text(encoding="utf-8")) for p in markers.glob("*.json")]
    return sorted(found, key=lambda m: (m["pid"], m["seq"]))


def wait_for_point(markers: Path, proc, name: str = "", timeout: float = 120.0) -> list[dict]:
    """Wait until `proc` has reached point `name` (by default: the one it pauses at); returns the points so far.

    The deadline only bounds a hang: the wait ends as soon as the marker is there, on any machine."""
    import time

    def arrived(trail: list[dict]) -> bool:
        return any(m["point"] == name if name else m["paused"] for m in trail)

    deadline = time.monotonic() + timeout
    while True:
        ended = proc.poll() is not None  # asked first: markers written before it ended are read next
        trail = points_reached(markers)
        if arrived(trail):
            return trail
        assert not ended, f"the process ended ({proc.returncode}) before {name or 'its pause'}: {trail}"
        assert time.monotonic() < deadline, f"no {name or 'pause'} within {timeout} s: {trail}"
        time.sleep(0.05)


def release(markers: Path) -> None:
    """Let a process paused at its point go on."""
    (markers / "release").touch()


@contextlib.contextmanager
def served(app, timeout: float = 120.0):
    """The app in a real uvicorn server on 127.0.0.1 (a free port, a thread of this process); yields its URL.
    The deadline only bounds a hang: the wait ends as soon as uvicorn says it has started."""
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def assert_golden(path: Path, text: str) -> None:
    """`text` equals the golden file at `path`, byte for byte (CRLF kept); `UPDATE_GOLDEN=1` rewrites it.
    The one golden-file rule for every module that keeps golden files."""
    import os

    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    assert path.exists(), f"missing golden file {path}: run the test with UPDATE_GOLDEN=1"
    assert text == path.read_bytes().decode("utf-8")


# --- Results and insights (issue 17: tests/test_insights.py, tests/test_insights_browser.py) -------

YEAR = 2026


def seed_year(s: Scratch, db: Path) -> None:
    """A year of posts (every day of 2026) with two readings each, in a real state database.

    Day i (0 = 1 January) shows product i % 3: tas-purun (Kelompok Ani, anyaman, Tanjung Beringin), tikar-pandan
    (Budi Anyam, anyaman, Sipispis), kain-tenun (Rina Tenun, tenun, Sipispis). Marked posted at 09:00 on even i,
    19:00 on odd i. TikTok read on day 1 (half) and day 7 (1,000 x (i % 3 + 1) views, i % 3 + 1 likes); 31
    December also has an Instagram reading of 500 views. The first 11 days have post.json "video" blocks: days
    0-3 a written hook, 4-9 a derived title (photos 3 on even days, 2 on odd, mood "ceria" on days 0-4), day 10
    an old export without a "video" block.
    """
    import datetime as dt
    import json

    from pipeline.common.clock import zone
    from pipeline.curation import reviews
    from pipeline.curation import users as U
    from pipeline.export import folders as X
    from pipeline.plan import ledger
    from pipeline.results.readings import Reading, add_readings
    from pipeline.store import db as store

    s.write("crafts.yaml", TWO_CRAFTS)
    s.write("artisans/budi.yaml", "name: Budi Anyam\nkecamatan: Sipispis\ncrafts: [anyaman-purun]\n")
    s.write("artisans/rina.yaml", "name: Rina Tenun\nkecamatan: Sipispis\ncrafts: [tenun]\nphoto_consent: true\n")
    s.product("tikar-pandan", photos=("p2.jpg",), name="Tikar Pandan", artisan="budi")
    s.product("kain-tenun", photos=("p3.jpg",), name="Kain Tenun Sipispis", artisan="rina", craft="tenun")
    s.product("belum-disetujui", photos=("p4.jpg",), name="Belum Disetujui")
    wib = zone("Asia/Jakarta")
    products = (("tas-purun", "ani"), ("tikar-pandan", "budi"), ("kain-tenun", "rina"))
    from pipeline.catalog.reader import load_catalog

    catalog = load_catalog(s.content)
    conn = store.connect(db)
    try:
        U.ensure(conn, "ayu", "admin")
        U.ensure(conn, "siti", "curator")
        for slug in ("tas-purun", "tikar-pandan", "kain-tenun"):
            reviews.approve(conn, catalog, slug, U.get(conn, "siti"), checks=reviews.all_checks())
        first = dt.date(YEAR, 1, 1)
        batch = []
        for i in range(365):
            day = first + dt.timedelta(days=i)
            slug, artisan = products[i % 3]
            at = dt.datetime.combine(day, dt.time(9 if i % 2 == 0 else 19, 5), tzinfo=wib)
            ledger.mark_posted(conn, day, slug, artisan, None, "ayu", at)
            views = 1000 * (i % 3 + 1)
            batch += [Reading(day, "tiktok", day + dt.timedelta(days=after), views=views // part, likes=(i % 3 + 1))
                      for after, part in ((1, 2), (7, 1))]
            if i < 11:
                folder = X.day_dir(s.root / "exports", day)
                folder.mkdir(parents=True)
                video = {"post_number": i // 3 + 1, "title_source": "hook" if i < 4 else "derived",
                         "photos": 3 if i % 2 == 0 else 2, "mood": "ceria" if i < 5 else None}
                manifest = {"date": day.isoformat(), "files": {}, **({"video": video} if i < 10 else {})}
                (folder / "post.json").write_text(json.dumps(manifest), encoding="utf-8")
        last = dt.date(YEAR, 12, 31)
        batch.append(Reading(last, "instagram", last + dt.timedelta(days=2), views=500))
        add_readings(conn, batch, actor="ayu", now=dt.datetime(YEAR + 1, 1, 8, 8, tzinfo=wib))  # one transaction
    finally:
        conn.close()
