"""How fast curation decisions, the approved set and backups are, against references from the same run.

    .venv/bin/python bench/curation_bench.py [--ops 300] [--products 1000]

References: a bare SQLite insert committed with synchronous=FULL (the floor for a durable write on
this disk), and a plain file copy of the same bytes a backup reads. Ratios are what to compare
between machines; absolute numbers depend on the disk and on who else uses the two cores.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.catalog.reader import load_catalog  # noqa: E402
from pipeline.common.models import Catalog, Product  # noqa: E402
from pipeline.curation import reviews as R  # noqa: E402
from pipeline.curation import users as U  # noqa: E402
from pipeline.store import backup as B  # noqa: E402
from pipeline.store import db as store  # noqa: E402

WORKER = r"""
import sys, time
from pipeline.store import db as store
from pipeline.curation import reviews as R
from pipeline.curation import users as U
from pipeline.catalog.reader import load_catalog
from pipeline.curation.rules import DecisionRefused
db, content, who, n, slug = sys.argv[1:6]
conn = store.connect(db); cat = load_catalog(content); user = U.get(conn, who)
print("ready", flush=True); sys.stdin.readline()
done = 0
while done < int(n):
    for action in ("retire", "restore"):
        try:
            R.decide(conn, cat, slug, action, user, "bench"); done += 1; break
        except DecisionRefused:
            pass
"""


def make_project(root: Path, products: int = 4) -> Path:
    content = root / "content"
    (content / "artisans").mkdir(parents=True)
    (content / "products").mkdir()
    (content / "media").mkdir()
    (content / "crafts.yaml").write_text("crafts:\n  - slug: anyaman-purun\n    name: Anyaman Purun\n")
    (content / "artisans" / "ani.yaml").write_text("name: Kelompok Ani\nkecamatan: Tanjung Beringin\n"
                                                   "crafts: [anyaman-purun]\nphoto_consent: true\n")
    rng = np.random.default_rng(1)
    for i in range(products):
        photo = f"p{i}.jpg"
        Image.fromarray(rng.integers(0, 255, (1440, 1080, 3), dtype=np.uint8)).save(content / "media" / photo,
                                                                                    quality=85)
        (content / "products" / f"produk-{i}.yaml").write_text(
            f"name: Produk {i}\nartisan: ani\ncraft: anyaman-purun\nprice: 150000\nphotos: [{photo}]\n")
    return content


def timed(fn, repeat: int = 3) -> float:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def bare_commits(db: Path, n: int) -> float:
    conn = store.connect(db)
    conn.execute("CREATE TABLE IF NOT EXISTS bench (id INTEGER PRIMARY KEY, payload TEXT)")
    payload = json.dumps({"note": "bench", "checks": dict.fromkeys("abcde", True)}) * 3

    def run():
        for _ in range(n):
            with store.transaction(conn):
                conn.execute("INSERT INTO bench (payload) VALUES (?)", (payload,))
    return n / timed(run)


def decisions(content: Path, db: Path, n: int, synchronous: str) -> float:
    conn = store.connect(db)
    conn.execute(f"PRAGMA synchronous = {synchronous}")
    cat = load_catalog(content)
    user = U.ensure(conn, "siti", "curator")
    slug = sorted(cat.products)[0]
    if R.status(conn, cat, slug).state != "approved":
        R.approve(conn, cat, slug, user, checks=R.all_checks())

    def run():
        for i in range(n):
            R.decide(conn, cat, slug, "retire" if i % 2 == 0 else "restore", user, "bench")
    return n / timed(run)


def concurrent(content: Path, db: Path, n: int, processes: int) -> float:
    conn = store.connect(db)
    cat = load_catalog(content)
    slugs = sorted(cat.products)
    for i in range(processes):
        user = U.ensure(conn, f"kurator{i}", "curator")
        if R.status(conn, cat, slugs[i % len(slugs)]).state != "approved":
            R.approve(conn, cat, slugs[i % len(slugs)], user, checks=R.all_checks())
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(db), str(content), f"kurator{i}", str(n),
                               slugs[i % len(slugs)]], cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True) for i in range(processes)]
    for p in procs:
        assert p.stdout.readline().strip() == "ready"
    start = time.perf_counter()  # start-up and catalogue loading are not counted
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    for p in procs:
        p.wait()
    return processes * n / (time.perf_counter() - start)


def approved_set(db: Path, count: int) -> float:
    """approved_products over `count` products with three decisions each (approve, retire, restore)."""
    conn = store.connect(db)
    U.ensure(conn, "siti", "curator")
    products = {}
    with store.transaction(conn):
        for i in range(count):
            slug, digest = f"massal-{i}", f"{i:064x}"
            conn.execute("INSERT INTO snapshots VALUES (?, ?, '', '{}', '[]')", (slug, digest))
            for action, a, b in (("approve", "submitted", "approved"), ("retire", "approved", "retired"),
                                 ("restore", "retired", "approved")):
                conn.execute("INSERT INTO decisions (product, action, from_state, to_state, user_name, role, at, "
                             "content_hash) VALUES (?, ?, ?, ?, 'siti', 'curator', '2026-11-27T09:00:00+07:00', ?)",
                             (slug, action, a, b, digest))
            products[slug] = Product(slug, slug, "ani", "anyaman-purun", (), content_hash=digest)
    cat = Catalog(root=Path("."), products=products)
    assert len(R.approved_products(conn, cat)) >= count
    return timed(lambda: R.approved_products(conn, cat)) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ops", type=int, default=300)
    ap.add_argument("--products", type=int, default=1000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        content = make_project(tmp / "p")
        floor = bare_commits(tmp / "bare.db", args.ops)
        full = decisions(content, tmp / "full.db", args.ops, "FULL")
        normal = decisions(content, tmp / "normal.db", args.ops, "NORMAL")
        conc = concurrent(content, tmp / "conc.db", args.ops // 2, 4)
        print(f"bare durable commit (reference)      {floor:8.0f} commits/s")
        print(f"decide(), synchronous=FULL (shipped) {full:8.0f} decisions/s  = {full / floor:.2f} x reference")
        print(f"decide(), synchronous=NORMAL         {normal:8.0f} decisions/s  = {normal / floor:.2f} x reference")
        print(f"decide(), 4 processes, FULL          {conc:8.0f} decisions/s  = {conc / floor:.2f} x reference "
              f"({4 * (args.ops // 2)} decisions, contention on 4 products)")
        ms = approved_set(tmp / "set.db", args.products)
        print(f"approved_products, {args.products} products x 3 decisions {ms:8.1f} ms per call")

        big = make_project(tmp / "big", products=40)
        place = B.Place(big, tmp / "big" / "state" / "etalase.db", None)
        store.connect(place.db).close()
        size = sum(p.stat().st_size for p in big.rglob("*") if p.is_file())
        copy = timed(lambda: shutil.copytree(big, tmp / "copy", dirs_exist_ok=True))
        took = timed(lambda: B.backup(place, tmp / "b.zip"))
        print(f"plain copy of content (reference)    {size / 1e6 / copy:8.1f} MB/s ({size / 1e6:.1f} MB)")
        print(f"backup (zip + online DB copy)        {size / 1e6 / took:8.1f} MB/s  = {copy / took:.2f} x reference")


if __name__ == "__main__":
    main()
