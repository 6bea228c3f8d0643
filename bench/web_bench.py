"""p95 latency of the dashboard's main pages: 1,000 products, a year of ledger, 20 concurrent clients.

Builds a throwaway project (1,000 approved products on hard-linked photos, 40 artisans across the
regency's kecamatan, 365 posted days), starts the real `etalase serve --no-scheduler` on loopback,
logs in once (the clients share the session, so every request pays the session check), warms up,
then loads each page with 20 concurrent keep-alive clients, all on loopback. The floor, measured in
the same run under the same load, is the static stylesheet: what the server itself costs per request
(wrk: measured again between pages, each page set against the floors either side of it, since other
work on a shared machine moves it; threads: every client cycles through all pages and the floor).
Each page's weight is what a phone downloads for it besides media: the HTML plus the stylesheets and
scripts it links (fetched once each, as sent, headers excluded).
Targets per page: p95 <= 1.5 x the floor, and weight < 150 KB.
`--no-page-cache` serves with ETALASE_PAGE_CACHE=off, so every request renders its page (the views'
memos still hold): what the first phones after a write wait for, not the steady state.

Load generators: `wrk` (Debian's package, `apt-get install wrk`) when it is installed, else Python
threads. They share these 2 cores with the server; 20 Python threads spend much of the CPU on
their own GIL and parsing, so the thread mode measures the generator as much as the server (its
p95s come out ~2x wrk's). `--load threads` forces the thread mode.

    .venv/bin/python bench/web_bench.py [--products 1000] [--clients 20] [--load wrk|threads] [--no-page-cache]
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.catalog.reader import load_catalog, load_region  # noqa: E402
from pipeline.common.clock import SystemClock  # noqa: E402
from pipeline.curation import passwords, reviews  # noqa: E402
from pipeline.curation import users as U  # noqa: E402
from pipeline.plan import ledger as planstate  # noqa: E402
from pipeline.store import db as store  # noqa: E402

CRAFTS = ["anyaman-purun", "anyaman-pandan", "tenun", "batik"]
PASSWORD = "bench-password-2026"
TARGET_RATIO = 1.5  # a page's p95 over the static file's p95, measured in the same run
TARGET_KB = 150.0  # HTML + CSS + JS, media excluded
FLOOR = "floor: /static/style.css"


def make_project(root: Path, products: int) -> None:
    content = root / "content"
    for folder in ("artisans", "products", "media"):
        (content / folder).mkdir(parents=True)
    (content / "crafts.yaml").write_text("crafts:\n" + "".join(
        f"  - slug: {c}\n    name: {c.replace('-', ' ').title()}\n" for c in CRAFTS), encoding="utf-8")
    bases = []
    for i, colour in enumerate([(150, 110, 60), (60, 120, 90), (150, 40, 60), (40, 60, 140)]):
        im = Image.new("RGB", (1080, 1440), (235, 228, 215))
        d = ImageDraw.Draw(im)
        for x in range(0, 1080, 18):
            d.rectangle([x, 200, x + 9, 1240], fill=colour)
        path = content / "media" / f"base-{i}.jpg"
        im.save(path, quality=85)
        bases.append(path)
    shutil.copy2(REPO / "content" / "region.yaml", content / "region.yaml")  # the sample's districts
    kecamatan = load_region(content).kecamatan
    for a in range(40):
        (content / "artisans" / f"pengrajin-{a:02d}.yaml").write_text(
            f"name: Kelompok Pengrajin {a:02d}\nkecamatan: {kecamatan[a % len(kecamatan)]}\n"
            f"crafts: [{CRAFTS[a % len(CRAFTS)]}]\nphoto_consent: true\n", encoding="utf-8")
    for p in range(products):
        a = p % 40
        photo = f"produk-{p:04d}.jpg"
        os.link(bases[p % 4], content / "media" / photo)
        (content / "products" / f"produk-{p:04d}.yaml").write_text(
            f"name: Produk Kerajinan {p:04d}\nartisan: pengrajin-{a:02d}\ncraft: {CRAFTS[a % len(CRAFTS)]}\n"
            f"price: {50_000 + 1000 * (p % 300)}\nmaterials: [purun, pewarna alami]\nsize: 30 x 20 cm\n"
            f"story: Dibuat dengan tangan di Serdang Bedagai. Produk nomor {p}.\ntags: [contoh]\n"
            f"photos:\n  - {photo}\n", encoding="utf-8")


def make_state(root: Path) -> int:
    cat = load_catalog(root / "content")
    assert not cat.errors, cat.errors[:3]
    conn = store.connect(root / "state" / "etalase.db")
    admin = U.ensure(conn, "admin", "admin")
    curator = U.ensure(conn, "kurator", "curator")
    passwords.set_password(conn, "admin", PASSWORD)
    slugs = sorted(cat.products)
    for slug in slugs:
        reviews.approve(conn, cat, slug, curator, checks=reviews.all_checks())
    now = SystemClock().now()
    today = now.date()
    for i in range(365):
        day = today - dt.timedelta(days=365 - i)
        product = cat.products[slugs[(i * 7) % len(slugs)]]
        planstate.mark_posted(conn, day, product.slug, product.artisan,
                              f"https://www.tiktok.com/@dekranasda.sergai/video/{7400000000000000000 + i}",
                              admin.name, now)
    conn.close()
    return len(slugs)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(conn: http.client.HTTPConnection, path: str, cookie: str) -> tuple[int, float]:
    started = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
    response = conn.getresponse()
    response.read()
    return response.status, (time.perf_counter() - started) * 1000


def weight(port: int, path: str, cookie: str) -> float:
    """KB a phone downloads for `path` besides media: the page, its stylesheets and its scripts."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookie, "Host": "127.0.0.1"}
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    total = len(body)
    if "text/html" in (response.getheader("content-type") or ""):
        html = body.decode("utf-8", "replace")
        links = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="(/[^"]+)"', html)
        links += re.findall(r'<script[^>]+src="(/[^"]+)"', html)
        for link in dict.fromkeys(links):
            conn.request("GET", link, headers=headers)
            total += len(conn.getresponse().read())
    conn.close()
    return total / 1024


def verdict(name: str, value: float, floor: float, kb: float) -> str:
    if name.startswith("floor"):
        return ""
    misses = ([f"p95 over {TARGET_RATIO}x floor"] if value > TARGET_RATIO * floor else []) + \
        ([f"over {TARGET_KB:.0f} KB"] if kb >= TARGET_KB else [])
    return "  " + ("; ".join(misses) if misses else "ok")


def summary(rows: list[tuple[str, float, float]]) -> str:
    """rows: (page, p95/floor, KB) for every page but the floor."""
    worst = max(rows, key=lambda r: r[1])
    heaviest = max(rows, key=lambda r: r[2])
    over = [r[0] for r in rows if r[1] > TARGET_RATIO or r[2] >= TARGET_KB]
    return (f"worst p95/floor: {worst[1]:.2f} ({worst[0]}); heaviest: {heaviest[2]:.1f} KB ({heaviest[0]}); "
            f"targets p95 <= {TARGET_RATIO}x floor and < {TARGET_KB:.0f} KB: "
            + (f"missed by {', '.join(over)}" if over else "all pages meet them"))


def login(port: int) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/masuk", headers={"Host": "127.0.0.1"})
    r = conn.getresponse()
    html = r.read().decode()
    cookie = r.getheader("set-cookie").split(";")[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    body = f"name=admin&password={PASSWORD}&csrf_token={token}&lanjut=/"
    conn.request("POST", "/masuk", body=body, headers={"Cookie": cookie, "Host": "127.0.0.1",
                                                       "Content-Type": "application/x-www-form-urlencoded"})
    r = conn.getresponse()
    r.read()
    assert r.status == 303, r.status
    cookie = r.getheader("set-cookie").split(";")[0]
    # The login's cookie still carries its "Selamat datang" flash; a browser shows it on the next page and
    # keeps the cookie that page sets, without it. Replaying the login's cookie would show the flash (and
    # skip the page cache) on every request.
    conn.request("GET", r.getheader("location") or "/", headers={"Cookie": cookie, "Host": "127.0.0.1"})
    r = conn.getresponse()
    assert "Selamat datang" in r.read().decode(), "the login's flash was not shown"
    return r.getheader("set-cookie").split(";")[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=30, help="threads mode: requests per client per page")
    parser.add_argument("--seconds", type=int, default=5, help="wrk mode: seconds of load per page and per floor")
    parser.add_argument("--load", choices=("wrk", "threads"), default="wrk" if shutil.which("wrk") else "threads",
                        help="load generator (default: wrk when installed)")
    parser.add_argument("--no-page-cache", action="store_true",
                        help="render every page (ETALASE_PAGE_CACHE=off): the cost of a page after a write")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="etalase-web-bench-") as tmp:
        root = Path(tmp) / "project"
        started = time.perf_counter()
        make_project(root, args.products)
        approved = make_state(root)
        print(f"project: {args.products} products ({approved} approved), 40 artisans, 365 posted days; "
              f"built in {time.perf_counter() - started:.1f} s")
        port = free_port()
        env = {k: v for k, v in os.environ.items() if k not in ("ETALASE_DB", "ETALASE_USER", "ETALASE_PAGE_CACHE")}
        if args.no_page_cache:
            env["ETALASE_PAGE_CACHE"] = "off"
        print("page cache: " + ("off, every request renders its page" if args.no_page_cache else "on"))
        server = subprocess.Popen([sys.executable, "-m", "pipeline", "--root", str(root), "serve", "--no-scheduler",
                                   "--port", str(port)], env=env, stdout=subprocess.DEVNULL, cwd=REPO)
        try:
            return run(port, args)
        finally:
            server.terminate()
            server.wait(timeout=20)


def run(port: int, args: argparse.Namespace) -> int:
    for _ in range(600):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    cookie = login(port)
    slug = "produk-0007"
    pages = {FLOOR: "/static/style.css", "Hari ini": "/", "Kalender": "/kalender",
             "Kurasi": "/kurasi", "Kurasi: produk": f"/kurasi/{slug}", "Produk": "/produk",
             "Produk: cari": "/produk?q=0042", "Produk: ubah": f"/produk/{slug}", "Pengrajin": "/pengrajin",
             "Riwayat": "/riwayat"}
    warm = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    first, kb = {}, {}
    for name, path in pages.items():
        status, ms = request(warm, path, cookie)
        assert status == 200, (path, status)
        first[name] = ms
        kb[name] = weight(port, path, cookie)
    if args.load == "wrk":
        return run_wrk(port, args, cookie, pages, first, kb)
    times: dict[str, list[float]] = {name: [] for name in pages}
    lock = threading.Lock()
    errors: list[str] = []

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        order = list(pages.items())
        order = order[offset % len(order):] + order[:offset % len(order)]
        for _ in range(args.requests):
            for name, path in order:
                status, ms = request(conn, path, cookie)
                with lock:
                    times[name].append(ms)
                    if status != 200:
                        errors.append(f"{path}: {status}")

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    total = sum(len(v) for v in times.values())
    print(f"{args.clients} clients x {args.requests} rounds x {len(pages)} pages = {total} requests in {wall:.1f} s "
          f"({total / wall:.0f} req/s); errors: {len(errors)}")
    floor = p95(times[FLOOR])
    print(f"{'page':<32}{'first ms':>10}{'p50 ms':>10}{'p95 ms':>10}{'/floor':>8}{'KB':>8}")
    rows = []
    for name, values in times.items():
        value = p95(values)
        if not name.startswith("floor"):
            rows.append((name, value / floor, kb[name]))
        print(f"{name:<32}{first[name]:>10.1f}{statistics.median(values):>10.1f}{value:>10.1f}{value / floor:>8.2f}"
              f"{kb[name]:>8.1f}{verdict(name, value, floor, kb[name])}")
    print(summary(rows))
    return 1 if errors else 0


WRK_REPORT = """done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("ETALASE p50=%.3f p95=%.3f requests=%d errors=%d\\n", latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, summary.requests, e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def run_wrk(port: int, args: argparse.Namespace, cookie: str, pages: dict[str, str], first: dict[str, float],
            kb: dict[str, float]) -> int:
    """Each page in turn under `clients` keep-alive connections from wrk (2 threads), the floor measured
    again between pages: on a shared, loaded machine the floor moves within a run, so each page is set
    against the mean of the floors just before and just after it."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_REPORT)
    print(f"load: wrk, {args.clients} connections, {args.seconds} s per page and per floor between pages, loopback")
    print(f"{'page':<32}{'first ms':>10}{'p50 ms':>10}{'p95 ms':>10}{'floor ms':>10}{'/floor':>8}{'KB':>8}"
          f"{'req/s':>8}")
    errors, rows = 0, []

    def load(path: str) -> tuple[float, float, int]:
        nonlocal errors
        out = subprocess.run(["wrk", "-t2", f"-c{args.clients}", f"-d{args.seconds}s", "-s", f.name,
                              "-H", f"Cookie: {cookie}", "-H", "Host: 127.0.0.1",
                              f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True)
        m = re.search(r"ETALASE p50=([\d.]+) p95=([\d.]+) requests=(\d+) errors=(\d+)", out.stdout)
        errors += int(m[4])
        return float(m[1]), float(m[2]), int(m[3])

    try:
        measured = [(name, path, *load(path)) for name, path in [(FLOOR, pages[FLOOR])]]
        floors = [measured[0][3]]
        for name, path in pages.items():
            if name.startswith("floor"):
                continue
            measured.append((name, path, *load(path)))
            floors.append(load(pages[FLOOR])[1])
        for i, (name, _path, p50, value, count) in enumerate(measured):
            floor = floors[0] if i == 0 else (floors[i - 1] + floors[i]) / 2
            if i:
                rows.append((name, value / floor, kb[name]))
            print(f"{name:<32}{first[name]:>10.1f}{p50:>10.1f}{value:>10.1f}{floor:>10.1f}{value / floor:>8.2f}"
                  f"{kb[name]:>8.1f}{count / args.seconds:>8.0f}{verdict(name, value, floor, kb[name])}")
        print(f"floor p95 across the run: {min(floors):.1f} to {max(floors):.1f} ms")
    finally:
        os.unlink(f.name)
    print(summary(rows) + f"; non-2xx or socket errors: {errors}")
    return 1 if errors else 0


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


if __name__ == "__main__":
    sys.exit(main())
