"""Go Global per post (issue 14 item 4): an English caption as its own file, only when the day or the
product asks for it; a day is marked in the plan (CLI, dashboard) and the mark is a render input.

Regenerate the golden file with: UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_go_global.py
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

from conftest import assert_golden

from pipeline.build import orchestrate as B
from pipeline.catalog.reader import load_catalog
from pipeline.common.clock import FixedClock
from pipeline.common.project import Project
from pipeline.plan import admin as P
from pipeline.plan import ledger as S
from pipeline.render.captions import ENGLISH_FILE
from pipeline.render.inputs import DaySettings, Loader, inputs_for
from pipeline.render.post import render

GOLDEN = Path(__file__).parent / "golden" / "captions"
DAY1 = dt.date(2026, 10, 1)
CLOCK = FixedClock(dt.datetime(2026, 9, 30, 22, 0, tzinfo=dt.UTC))  # 05:00 WIB on 1 October
STORY_EN = "Hand-woven from swamp sedge by the women of Desa Contoh."
CAROUSEL = DaySettings(formats="carousel", draft=True)  # no video: the caption files are what is tested


def cli(scratch, *argv) -> tuple[int, str, str]:
    import contextlib
    import io

    from pipeline.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--root", str(scratch.root), *argv])
    return code, out.getvalue(), err.getvalue()


def _render(post, slug: str, day: DaySettings, out: Path):
    inputs, blobs = inputs_for(post.project, post.catalog, slug, day)
    return render(inputs, out, blobs)


def test_english_caption_file_only_when_the_product_asks(post, tmp_path):
    post.scratch.product("tikar", f"story_en: \"{STORY_EN}\"\ngo_global: true\n", name="Tikar Purun",
                         story="Dianyam tangan oleh ibu-ibu Desa Contoh.")
    post = post.reload()
    plain = _render(post, "tas-purun", CAROUSEL, tmp_path / "plain")
    assert not (tmp_path / "plain" / ENGLISH_FILE).exists() and plain.english is None
    assert "caption_en" not in plain.files
    asked = _render(post, "tikar", CAROUSEL, tmp_path / "asked")
    text = (tmp_path / "asked" / ENGLISH_FILE).read_text(encoding="utf-8")
    assert_golden(GOLDEN / "go-global-product.txt", text)
    assert asked.files["caption_en"] == ENGLISH_FILE and asked.english["asked_by"] == ["product"]
    assert asked.english["caption"] + "\n" == text and asked.english["caption_length"] <= 2200
    assert any(c["file"] == ENGLISH_FILE and c["name"] == "caption_length" and c["ok"] for c in asked.checks)
    for name in ["caption.txt", *(f"caption-{c['name']}.txt" for c in asked.channels)]:  # none glued
        indonesian = (tmp_path / "asked" / name).read_text(encoding="utf-8")
        assert "handmade" not in indonesian and STORY_EN not in indonesian


def test_go_global_is_a_validated_product_field(scratch):
    scratch.product("tikar", "go_global: ya\n")
    scratch.product("tas-inggris", "go_global: true\n")
    cat = load_catalog(scratch.content)
    bad = [p for p in cat.problems if p.field == "go_global"]
    assert [(Path(p.path).name, p.line, p.is_error) for p in bad] == [("tas-inggris.yaml", 7, False),
                                                                       ("tikar.yaml", 7, True)]
    assert "expected true or false" in next(p.message for p in bad if p.is_error)
    assert "no story_en" in next(p.message for p in bad if not p.is_error)
    assert cat.products["tas-inggris"].go_global and not cat.products["tas-purun"].go_global


def test_a_day_marked_go_global_changes_the_input_hash(shop):
    project = Project.at(shop.root)
    loader = Loader(project, load_catalog(project.content))
    plain = loader.inputs("tas-purun", DaySettings())
    marked = loader.inputs("tas-purun", dataclasses.replace(DaySettings(), go_global=True))
    assert plain.digest() != marked.digest()
    ctx = P.open_context(project, CLOCK)
    slot = P.slot_for(ctx, DAY1)
    assert not slot.go_global
    assert P.go_global(ctx, DAY1, "ayu").go_global
    assert S.overrides(ctx.conn)[DAY1].go_global
    assert DaySettings.of(P.slot_for(ctx, DAY1), draft=False, timezone="Asia/Jakarta").go_global
    ctx.conn.close()


def test_go_global_day_from_the_cli_writes_the_english_file_and_unmarking_renders_again(shop, pinned_now):
    code, out, err = cli(shop, "plan", "global", "today")
    assert code == 0, err
    assert out.startswith(f"{DAY1} marked Go Global")
    code, out, _ = cli(shop, "plan", "--days", "1")
    assert "[Go Global]" in out.splitlines()[-1]
    assert cli(shop, "plan", "global", "today")[0] == 1  # already marked: said, not silently repeated
    code, _, err = cli(shop, "plan", "global", "2026-09-30")
    assert code == 1 and "in the past" in err
    project = Project.at(shop.root)
    report = B.build(project, B.Options(draft=True, only=DAY1), clock=CLOCK)
    assert [d.status for d in report.days] == [B.BUILT]
    folder = shop.root / "exports" / DAY1.isoformat()
    post = json.loads((folder / "post.json").read_text(encoding="utf-8"))
    assert post["files"]["caption_en"] == ENGLISH_FILE and post["go_global"] is True
    assert post["english"]["asked_by"] == ["day"]
    assert (folder / ENGLISH_FILE).read_text(encoding="utf-8") == post["english"]["caption"] + "\n"
    page = (folder / "checklist.html").read_text(encoding="utf-8")
    block = page.split('id="kanal-en"')[1].split("</section>")[0]
    assert 'data-copy="caption-en"' in block and "hari ini ditandai Go Global" in block
    assert B.build(project, B.Options(draft=True, only=DAY1), clock=CLOCK).days[0].status == B.UNCHANGED
    code, out, err = cli(shop, "plan", "unglobal", "today")
    assert code == 0 and "no longer Go Global" in out, err
    assert B.build(project, B.Options(draft=True, only=DAY1), clock=CLOCK).days[0].status == B.BUILT
    assert not (folder / ENGLISH_FILE).exists()
    assert "caption_en" not in json.loads((folder / "post.json").read_text(encoding="utf-8"))["files"]


def test_undoing_a_swap_or_a_skip_keeps_the_go_global_mark(shop):
    from pipeline.plan.planner import SWAPPED, Override
    from pipeline.store import db as store

    conn = store.connect(shop.root / "state" / "etalase.db")
    now = CLOCK.now()
    try:
        assert S.set_go_global(conn, DAY1, True, "ayu", now)
        assert not S.set_go_global(conn, DAY1, True, "ayu", now)  # already marked: nothing changed
        S.set_product(conn, DAY1, "kain-tenun", SWAPPED, "ayu", now)
        assert S.clear_product(conn, DAY1, "ayu", now)
        assert S.set_skipped(conn, DAY1, True, "ayu", now) and S.set_skipped(conn, DAY1, False, "ayu", now)
        assert S.overrides(conn)[DAY1] == Override(DAY1, go_global=True)
        assert S.set_go_global(conn, DAY1, False, "ayu", now)
        assert DAY1 not in S.overrides(conn)
        assert [r["action"] for r in S.log(conn, DAY1)] == ["global", "swap", "unpin", "skip", "unskip", "unglobal"]
    finally:
        conn.close()
