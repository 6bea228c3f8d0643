"""Render inputs: one value holds everything a post depends on; its digest is the day's input hash.

The table test changes each input in turn and expects the day rebuilt, and unrelated files left
alone; the pure render runs from a pickled value after the project folder is gone.
"""

from __future__ import annotations

import pickle
import shutil
import subprocess
import textwrap
from pathlib import Path

import av
import pytest
from conftest import web_approve
from PIL import Image
from test_build import CLOCK_AT, DAY1

from pipeline.build import jobs as J
from pipeline.build import orchestrate as B
from pipeline.build.cache import RenderCache
from pipeline.catalog.reader import load_catalog
from pipeline.common.clock import FixedClock
from pipeline.common.project import PACKAGED_TEMPLATES, Project
from pipeline.export import folders as X
from pipeline.render import inputs as I
from pipeline.render.blobs import BlobStore
from pipeline.render.encode import ffmpeg_exe
from pipeline.render.post import render

PACKAGED = PACKAGED_TEMPLATES  # the packaged defaults (pipeline/defaults/templates)


def run_build(root: Path) -> B.BuildReport:
    return B.build(Project.at(root), B.Options(draft=True, only=DAY1), clock=FixedClock(CLOCK_AT))


def tone(path: Path, hz: int) -> Path:
    """A short AAC music bed made by the bundled ffmpeg."""
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i", f"sine=frequency={hz}:duration=4",
                    "-ac", "2", "-c:a", "aac", str(path)], check=True)
    return path


def with_music(shop) -> None:
    """The shop's short video with a music bed picked from content/music/ (one file)."""
    video = shop.root / "templates" / "videos" / "default.yaml"
    video.write_text(video.read_text(encoding="utf-8").replace("audio: {music: none}", "audio: {music: auto}"),
                     encoding="utf-8")
    tone(shop.content / "music" / "bed.m4a", 440)


@pytest.fixture
def day_one(shop, tmp_path_factory):
    """The shop with music, after a draft build of 1 October; built once per session, copied per test."""
    base = tmp_path_factory.getbasetemp() / "inputs-day-one"
    if base.exists():
        shutil.rmtree(shop.root)
        shutil.copytree(base, shop.root)
    else:
        with_music(shop)
        report = run_build(shop.root)
        assert [d.status for d in report.days] == [B.BUILT], report.days[0].message
        shutil.copytree(shop.root, base)
    return shop


def _day_product(shop) -> str:
    return X.read_manifest(shop.root / "exports" / DAY1.isoformat())["product"]["slug"]


def _own(shop, relative: str) -> Path:
    """The council's own copy of a packaged template file (user-first lookup picks it)."""
    own = shop.root / "templates" / relative
    if not own.exists():
        own.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PACKAGED / relative, own)
    return own


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _edit_product(shop):
    slug = _day_product(shop)
    _append(shop.content / "products" / f"{slug}.yaml", "size: 40 x 30 cm\n")
    web_approve(shop.root, slug)  # approved again at the new hash: the same product stays planned


def _edit_photo(shop):
    slug = _day_product(shop)
    file = load_catalog(shop.content).products[slug].hero.file
    photo = shop.content / "media" / file
    with Image.open(photo) as im:
        im = im.convert("RGB")
    im.putpixel((0, 0), (255, 0, 0))
    im.save(photo, "JPEG", quality=90)
    sharing = [p.slug for p in load_catalog(shop.content).products.values() if file in [ph.file for ph in p.photos]]
    web_approve(shop.root, *[s for s in sharing if s in ("tas-purun", "tikar-purun", "kain-tenun")])


def _edit_artisan(shop):
    artisan = X.read_manifest(shop.root / "exports" / DAY1.isoformat())["artisan"]["slug"]
    path = shop.content / "artisans" / f"{artisan}.yaml"
    text = path.read_text(encoding="utf-8")
    changed = text.replace("Desa Contoh", "Desa Baru") if "Desa Contoh" in text else text + "village: Desa Baru\n"
    path.write_text(changed, encoding="utf-8")


def _edit_craft(shop):
    """Both crafts get another colour, whichever the day's product is."""
    path = shop.content / "crafts.yaml"
    text = path.read_text(encoding="utf-8").replace('"#8A6D3B"', '"#6A4D2B"')
    tenun = "    name_en: Sergai Handwoven Cloth\n"
    path.write_text(text.replace(tenun, tenun + '    color: "#334455"\n'), encoding="utf-8")


def _edit_font(shop):
    brand_font = "Manrope-ExtraBold.ttf"
    src = PACKAGED / "fonts" / brand_font
    own = shop.root / "templates" / "fonts" / brand_font
    own.parent.mkdir(parents=True, exist_ok=True)
    own.write_bytes(src.read_bytes() + b"\0\0\0\0")  # the same face, other bytes (a council's newer release)


def _edit_logo(shop):
    own = _own(shop, "logo.png")
    with Image.open(own) as im:
        im = im.convert("RGBA")
    im.putpixel((im.width // 2, im.height // 2), (1, 2, 3, 255))
    im.save(own)


def _replace_music(shop):
    tone(shop.content / "music" / "bed.m4a", 660)


def _schedule(text: str):
    def change(shop):
        _append(shop.root / "schedule.yaml", textwrap.dedent(text))
    return change


def _other_template(shop):
    (shop.root / "templates" / "captions").mkdir(parents=True, exist_ok=True)
    shutil.copy2(PACKAGED / "captions" / "default.j2", shop.root / "templates" / "captions" / "lain.j2")
    _append(shop.root / "schedule.yaml", "template: lain\n")


def _renderer_version(shop, monkeypatch):
    monkeypatch.setattr(I, "RENDER_VERSION", "test-next")


CHANGES = {
    "product yaml": _edit_product,
    "photo bytes": _edit_photo,
    "artisan": _edit_artisan,
    "craft": _edit_craft,
    "layout": lambda shop: _append(_own(shop, "layouts/cover.yaml"), "# edited\n"),
    "caption template": lambda shop: _append(_own(shop, "captions/default.j2"), "Salam dari Sergai.\n"),
    "video template": lambda shop: _append(shop.root / "templates" / "videos" / "default.yaml", "# edited\n"),
    "brand.yaml": lambda shop: _append(_own(shop, "brand.yaml"), "# edited\n"),
    "font file": _edit_font,
    "logo": _edit_logo,
    "music bed": _replace_music,
    "post time": lambda shop: (shop.root / "schedule.yaml").write_text(
        (shop.root / "schedule.yaml").read_text(encoding="utf-8").replace('"19:00"', '"20:00"'), encoding="utf-8"),
    "intro (special day)": _schedule("""
        special_days:
          "10-01": {name: Hari Contoh, intro: "Selamat Hari Contoh!"}
        """),
    "day template": _other_template,
    "formats": _schedule("formats: video\n"),
}

UNRELATED = {
    "a product not planned that day": lambda shop: _append(shop.content / "products" / "selendang.yaml",
                                                           "size: 2 m\n"),
    "a README in content/": lambda shop: (shop.content / "README.md").write_text("Catatan\n", encoding="utf-8"),
    "another day's special day": _schedule("""
        special_days:
          "12-25": {name: Natal, intro: "Selamat Natal!"}
        """),
    "an export page template": lambda shop: _append(_own(shop, "export/checklist.html.j2"), "\n"),
}


@pytest.mark.parametrize("change", [*CHANGES, "renderer version"])
def test_changing_any_input_rebuilds_the_day(day_one, change, monkeypatch):
    before = X.read_manifest(day_one.root / "exports" / DAY1.isoformat())
    if change == "renderer version":
        _renderer_version(day_one, monkeypatch)
    else:
        CHANGES[change](day_one)
    report = run_build(day_one.root)
    day = report.days[0]
    assert (day.status, day.product) == (B.BUILT, before["product"]["slug"]), day.message
    assert report.renders == 1
    after = X.read_manifest(day_one.root / "exports" / DAY1.isoformat())
    assert after["input_hash"] != before["input_hash"]


@pytest.mark.parametrize("change", list(UNRELATED))
def test_an_unrelated_change_leaves_the_day_alone(day_one, change):
    UNRELATED[change](day_one)
    report = run_build(day_one.root)
    assert [d.status for d in report.days] == [B.UNCHANGED] and report.renders == 0


def test_the_input_hash_is_the_digest_of_the_inputs(day_one):
    project = Project.at(day_one.root)
    catalog = load_catalog(project.content)
    post = X.read_manifest(day_one.root / "exports" / DAY1.isoformat())
    day = I.DaySettings(template="default", formats="both", draft=True, caption="default")
    inputs, _ = I.inputs_for(project, catalog, post["product"]["slug"], day)
    assert inputs.digest() == post["input_hash"]
    assert I.RenderInputs(**{**inputs.__dict__, "music": {}}).digest() != inputs.digest()


def _inputs(shop, slug: str = "tas-purun") -> tuple[I.RenderInputs, object]:
    project = Project.at(shop.root)
    return I.inputs_for(project, load_catalog(project.content), slug, I.DaySettings(draft=True))


def test_render_reads_nothing_from_the_project(shop, tmp_path):
    """Pickled inputs plus a blob store filled from them render after the project folder is gone."""
    with_music(shop)
    inputs, files = _inputs(shop)
    store = BlobStore(tmp_path / "worker-blobs").fill(files, inputs.blob_digests())
    job = pickle.dumps(J.RenderJob(inputs, store, tmp_path / "out"))
    shutil.rmtree(shop.root)
    result = J.run_job(pickle.loads(job))
    out = tmp_path / "out"
    assert not result.failed_checks
    assert sorted(result.paths()) == ["caption-tiktok.txt", "caption.txt", "cover.jpg", "slides/01.jpg",
                                      "slides/02.jpg", "video.mp4"]
    assert (out / "caption.txt").read_text(encoding="utf-8").startswith(result.caption)
    assert "Produk tas-purun" in result.caption
    with av.open(str(out / "video.mp4")) as box:
        assert box.streams.audio and box.streams.video[0].codec_context.width == 540
    assert result.video["frames"] > 90
    # what the video did, for post.json: this shop's one bed has no beds.yaml entry, so no mood or tempo
    assert (result.video["bed"], result.video["mood"], result.video["tempo"]) == ("bed.m4a", None, None)
    assert result.video["transitions"]

    again, payload = J.render_bytes(J.RenderJob(inputs, store))  # the hub's way: files come back as bytes
    assert sorted(payload) == sorted(result.paths()) and again.caption == result.caption
    assert payload["cover.jpg"] == (out / "cover.jpg").read_bytes()  # images are deterministic
    cache = RenderCache(tmp_path / "hub-cache")  # the publisher keeps what came back
    cache.store_bytes(inputs.digest(), again, payload)
    assert cache.get(inputs.digest()) == again and [e.digest for e in cache.entries()] == [inputs.digest()]


def test_pickled_inputs_stay_small_whatever_the_catalogue_size(shop):
    small = pickle.dumps(_inputs(shop)[0])
    for i in range(60):
        shop.product(f"produk-{i:03d}", photos=("p1.jpg", "p2.jpg"), story="Cerita panjang. " * 40)
    big = pickle.dumps(_inputs(shop)[0])
    assert abs(len(big) - len(small)) < 64 and len(big) < 24_000
    assert b"\xff\xd8" not in big  # no JPEG bytes: photos travel as digests


def test_a_missing_blob_is_a_clear_render_error(shop, tmp_path):
    from pipeline.common.errors import RenderError

    inputs, _ = _inputs(shop)
    with pytest.raises(RenderError, match="is not in"):
        render(inputs, tmp_path / "out", BlobStore(tmp_path / "empty"))


def test_the_preview_command_goes_through_the_same_inputs(shop, tmp_path, capsys):
    from pipeline.cli import main

    out = tmp_path / "preview"
    assert main(["--root", str(shop.root), "preview", "tas-purun", "--out", str(out), "--fast"]) == 0
    printed = capsys.readouterr().out.split()
    assert printed[-1] == str(out / "video.mp4")
    with av.open(str(out / "video.mp4")) as box:
        assert box.streams.video[0].codec_context.width == 540
