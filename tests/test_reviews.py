"""Review use-cases on a real SQLite file and a real scratch catalogue: approvals bound to content."""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3

import pytest

from pipeline.catalog.reader import load_catalog
from pipeline.common.clock import FixedClock, zone
from pipeline.common.errors import NotFound, PermissionDenied
from pipeline.curation import reviews as R
from pipeline.curation import rules as C
from pipeline.curation import users as U
from pipeline.store import db as store

WIB = zone("Asia/Jakarta")
ALL = R.all_checks()


@pytest.fixture
def env(scratch, tmp_path):
    """A catalogue with three products, a database, a curator, an editor and a ticking clock."""
    scratch.product("tikar-pandan", photos=("p2.jpg", "p3.jpg"))
    scratch.product("dompet-purun")
    conn = store.connect(tmp_path / "state" / "etalase.db")
    clock = FixedClock(dt.datetime(2026, 11, 27, 9, 0, tzinfo=WIB))
    e = Env(scratch, conn, clock, U.ensure(conn, "siti", "curator", clock), U.ensure(conn, "budi", "editor", clock))
    yield e
    conn.close()


class Env:
    def __init__(self, scratch, conn, clock, curator, editor):
        self.scratch, self.conn, self.clock, self.curator, self.editor = scratch, conn, clock, curator, editor

    def cat(self):
        return load_catalog(self.scratch.content)

    def decide(self, slug, action, user=None, note="catatan", checks=None, **kw):
        self.clock.advance(minutes=1)
        checks = ALL if checks is None and action == "approve" else checks
        return R.decide(self.conn, self.cat(), slug, action, user or self.curator, note, checks, clock=self.clock, **kw)

    def state(self, slug):
        return R.status(self.conn, self.cat(), slug).state

    def approved(self):
        return [p.slug for p in R.approved_products(self.conn, self.cat())]


def test_never_reviewed_products_wait_in_the_queue(env):
    assert {s.product: s.state for s in R.statuses(env.conn, env.cat())} == dict.fromkeys(
        ["dompet-purun", "tas-purun", "tikar-pandan"], "submitted")
    assert env.approved() == []


def test_draft_mode_needs_an_explicit_submit(env):
    draft = C.CurationSettings(new_products="draft")
    assert R.status(env.conn, env.cat(), "tas-purun", draft).state == "draft"
    with pytest.raises(C.DecisionRefused, match="cannot approve a product that is draft"):
        R.decide(env.conn, env.cat(), "tas-purun", "approve", env.curator, "", ALL, settings=draft, clock=env.clock)
    R.submit(env.conn, env.cat(), "tas-purun", env.editor, settings=draft, clock=env.clock)
    R.approve(env.conn, env.cat(), "tas-purun", env.curator, checks=ALL, settings=draft, clock=env.clock)
    assert env.approved() == ["tas-purun"]


def test_a_decision_records_who_when_note_checks_and_hash(env):
    d = env.decide("tas-purun", "approve", note="rapi dan asli")
    cat = env.cat()
    assert (d.user, d.role, d.note, d.from_state, d.to_state) == ("siti", "curator", "rapi dan asli", "submitted",
                                                                   "approved")
    assert d.at == "2026-11-27T09:01:00+07:00"
    assert dt.datetime.fromisoformat(d.at).utcoffset() == dt.timedelta(hours=7)
    assert d.checks == dict.fromkeys(C.CurationSettings().ids(), True)
    assert d.content_hash == cat.products["tas-purun"].content_hash
    assert R.history(env.conn, "tas-purun") == [d]


def test_walk_through_every_state_and_the_approved_set(env):
    env.decide("tas-purun", "request_changes", note="foto kurang terang")
    assert env.state("tas-purun") == "changes_requested"
    env.decide("tas-purun", "submit", env.editor, note="foto diganti")
    env.decide("tas-purun", "approve")
    env.decide("tikar-pandan", "reject", note="bukan produk Sergai")
    assert env.approved() == ["tas-purun"]
    env.decide("tas-purun", "retire", note="stok habis")
    assert env.state("tas-purun") == "retired" and env.approved() == []
    env.decide("tas-purun", "restore", note="stok ada lagi")
    assert env.approved() == ["tas-purun"]
    trail = [(d.product, d.action, d.from_state, d.to_state) for d in R.trail(env.conn)]
    assert trail == [
        ("tas-purun", "request_changes", "submitted", "changes_requested"),
        ("tas-purun", "submit", "changes_requested", "submitted"),
        ("tas-purun", "approve", "submitted", "approved"),
        ("tikar-pandan", "reject", "submitted", "rejected"),
        ("tas-purun", "retire", "approved", "retired"),
        ("tas-purun", "restore", "retired", "approved"),
    ]


def test_editing_one_yaml_field_sends_the_product_back(env):
    env.decide("tas-purun", "approve")
    env.decide("dompet-purun", "approve")
    env.scratch.product("tas-purun", price="Rp 175.000")
    assert env.state("tas-purun") == "needs_review"
    assert env.approved() == ["dompet-purun"]
    changes = R.what_changed(env.conn, env.cat(), "tas-purun")
    assert [(c.field, c.before, c.after) for c in changes.fields] == [("price", "Rp 150.000", "Rp 175.000")]
    assert not (changes.photos_added or changes.photos_removed or changes.photos_changed)
    assert changes.since.action == "approve"
    d = env.decide("tas-purun", "approve")
    assert d.from_state == "needs_review"
    assert env.approved() == ["dompet-purun", "tas-purun"]
    assert not R.what_changed(env.conn, env.cat(), "tas-purun")


def test_changing_one_byte_of_a_photo_sends_the_product_back(env):
    env.decide("tikar-pandan", "approve")
    photo = env.scratch.content / "media" / "p3.jpg"
    data = bytearray(photo.read_bytes())
    data[-3] ^= 0x01  # inside the JPEG's entropy data, before the EOI marker
    photo.write_bytes(bytes(data))
    assert env.state("tikar-pandan") == "needs_review"
    assert env.approved() == []
    changes = R.what_changed(env.conn, env.cat(), "tikar-pandan")
    assert changes.photos_changed == ("p3.jpg",) and not changes.fields and not changes.hero_changed


def test_photo_added_removed_and_hero_changed(env):
    env.decide("tikar-pandan", "approve")
    env.scratch.photo("p9.jpg", size=(1080, 1440))
    env.scratch.product("tikar-pandan", photos=("p3.jpg", "p9.jpg"))
    changes = R.what_changed(env.conn, env.cat(), "tikar-pandan")
    assert changes.photos_added == ("p9.jpg",)
    assert changes.photos_removed == ("p2.jpg",)
    assert changes.hero_changed and not changes.fields


def test_a_comment_only_edit_still_needs_review_and_says_so(env):
    env.decide("tas-purun", "approve")
    path = env.scratch.content / "products" / "tas-purun.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# dicek ulang\n", encoding="utf-8")
    assert env.state("tas-purun") == "needs_review"
    changes = R.what_changed(env.conn, env.cat(), "tas-purun")
    assert changes.text_only and not changes.fields


def test_a_yes_no_field_the_file_left_out_compares_as_its_default(env):
    env.decide("tas-purun", "approve")
    path = env.scratch.content / "products" / "tas-purun.yaml"
    original = path.read_text(encoding="utf-8")
    path.write_text(original + "go_global: true\n", encoding="utf-8")
    changes = R.what_changed(env.conn, env.cat(), "tas-purun")
    assert [(c.field, c.before, c.after) for c in changes.fields] == [("go_global", False, True)]  # not None -> True
    path.write_text(original + "go_global: false\n", encoding="utf-8")  # what was meant all along, written out
    changes = R.what_changed(env.conn, env.cat(), "tas-purun")
    assert changes.text_only and not changes.fields


def test_restoring_an_edited_product_needs_review_again(env):
    env.decide("tas-purun", "approve")
    env.decide("tas-purun", "retire", note="stok habis")
    env.scratch.product("tas-purun", name="Tas Purun Baru")
    env.decide("tas-purun", "restore")
    assert env.state("tas-purun") == "needs_review"
    assert env.approved() == []
    assert [c.field for c in R.what_changed(env.conn, env.cat(), "tas-purun").fields] == ["name"]


def test_an_editor_may_submit_but_not_decide(env):
    for action in ("approve", "request_changes", "reject"):
        with pytest.raises(PermissionDenied, match="budi is an editor; only curators or admins"):
            env.decide("tas-purun", action, env.editor)
    assert list(R.trail(env.conn)) == []


def test_a_role_taken_away_mid_command_is_respected(env):
    stale = env.curator  # the command started while siti was a curator
    admin = U.ensure(env.conn, "ayu", "admin", env.clock)
    U.set_role(env.conn, "siti", "editor", admin)
    with pytest.raises(PermissionDenied):
        env.decide("tas-purun", "approve", stale)


def test_approving_a_product_with_errors_is_refused_with_the_reasons(env):
    env.scratch.write("products/rusak.yaml", "name: Rusak\nartisan: nobody\ncraft: anyaman-purun\nphotos: [p1.jpg]\n")
    with pytest.raises(C.DecisionRefused) as exc:
        env.decide("rusak", "approve")
    assert "fails `etalase check`" in str(exc.value)
    assert "content/products/rusak.yaml:2: artisan: unknown artisan `nobody`" in str(exc.value)
    st = R.status(env.conn, env.cat(), "rusak")
    assert not st.valid and st.problems[0].field == "artisan"


def test_an_approved_product_that_breaks_leaves_the_approved_set(env):
    env.decide("tas-purun", "approve")
    env.scratch.product("tas-purun", artisan="nobody")
    assert env.approved() == []
    assert env.state("tas-purun") == "needs_review"
    assert R.what_changed(env.conn, env.cat(), "tas-purun") is None  # nothing loadable to compare


def test_unknown_product_suggests_the_nearest(env):
    with pytest.raises(NotFound, match="did you mean `tas-purun`"):
        env.decide("tas-purunn", "approve")


def test_decision_on_a_stale_view_is_refused(env):
    seen = env.cat().products["tas-purun"].content_hash
    env.scratch.product("tas-purun", price="Rp 99.000")
    with pytest.raises(C.DecisionRefused, match="not the version you looked at"):
        env.decide("tas-purun", "approve", expected_hash=seen[:12])
    env.decide("tas-purun", "approve", expected_hash=env.cat().products["tas-purun"].content_hash[:12])


def test_file_changed_after_the_catalogue_was_loaded_is_refused(env):
    cat = env.cat()
    env.scratch.product("tas-purun", price="Rp 99.000")
    with pytest.raises(C.DecisionRefused, match="changed on disk after it was loaded"):
        R.approve(env.conn, cat, "tas-purun", env.curator, checks=ALL, clock=env.clock)
    assert list(R.trail(env.conn)) == []


def test_the_snapshot_is_what_the_curator_saw(env):
    d = env.decide("tas-purun", "approve")
    row = env.conn.execute("SELECT * FROM snapshots WHERE content_hash = ?", (d.content_hash,)).fetchone()
    path = env.scratch.content / "products" / "tas-purun.yaml"
    assert row["yaml"] == path.read_text(encoding="utf-8")
    assert json.loads(row["fields"])["price"] == "Rp 150.000"
    assert [f for f, _ in json.loads(row["photos"])] == ["p1.jpg"]


@pytest.mark.parametrize("sql", ["UPDATE decisions SET note = 'x'", "DELETE FROM decisions",
                                 "UPDATE snapshots SET yaml = ''", "DELETE FROM snapshots"])
def test_the_trail_is_append_only(env, sql):
    env.decide("tas-purun", "approve")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        env.conn.execute(sql)
    assert len(list(R.trail(env.conn))) == 1


def test_export_json_and_csv_carry_the_whole_trail(env):
    env.decide("tas-purun", "approve")
    env.decide("tikar-pandan", "reject", note="tidak asli, \"tiruan\"")
    buf = io.StringIO()
    assert R.export(env.conn, "json", buf) == 2
    rows = json.loads(buf.getvalue())
    assert [r["action"] for r in rows] == ["approve", "reject"]
    assert rows[1]["note"] == 'tidak asli, "tiruan"' and rows[0]["checks"]["photo_quality"] is True
    buf = io.StringIO()
    R.export(env.conn, "csv", buf)
    lines = buf.getvalue().splitlines()
    assert lines[0] == ",".join(R.EXPORT_COLUMNS)
    assert len(lines) == 3 and '"tidak asli, ""tiruan"""' in lines[2]


def test_counts_per_state(env):
    env.decide("tas-purun", "approve")
    env.scratch.product("tas-purun", price="Rp 1")
    counts = R.counts(R.statuses(env.conn, env.cat()))
    assert counts["needs_review"] == 1 and counts["submitted"] == 2 and counts["approved"] == 0


def test_a_deleted_product_shows_as_missing_and_is_never_approved(env):
    env.decide("tas-purun", "approve")
    (env.scratch.content / "products" / "tas-purun.yaml").unlink()
    st = R.status(env.conn, env.cat(), "tas-purun")
    assert st.missing and st.last.action == "approve"
    assert env.approved() == []


def test_a_resubmission_shows_what_changed_since_the_request(env):
    env.decide("tas-purun", "request_changes", note="harga terlalu murah")
    env.scratch.product("tas-purun", price="Rp 250.000")
    env.decide("tas-purun", "submit", env.editor, note="harga diperbaiki")
    changes = R.what_changed(env.conn, env.cat(), "tas-purun")
    assert changes.since.action == "request_changes"
    assert [(c.field, c.after) for c in changes.fields] == [("price", "Rp 250.000")]


# What changed tells the truth: values compared as the catalogue reads them ---------------------------

def test_a_price_written_another_way_is_no_change(env):
    env.scratch.product("tas-purun", price="210rb")
    env.decide("tas-purun", "approve")
    env.scratch.product("tas-purun", price=210000)
    assert env.state("tas-purun") == "needs_review"  # the bytes moved, so a curator looks again ...
    changes = R.what_changed(env.conn, env.cat(), "tas-purun")
    assert changes.fields == () and changes.text_only  # ... and is told only the writing changed
    env.scratch.product("tas-purun", price=220000)
    changes = R.what_changed(env.conn, env.cat(), "tas-purun")
    assert [(c.field, c.before, c.after, c.words) for c in changes.fields] == [("price", "210rb", 220000, ())]


def test_reordered_lists_and_rewrapped_text_are_no_change(env):
    env.scratch.product("tas-purun", extra="materials: [purun, rotan]\ntags: [tas, hadiah]\nstory: Tas  kecil.\n")
    env.decide("tas-purun", "approve")
    env.scratch.product("tas-purun",
                        extra="materials: [rotan, purun]\ntags: [hadiah, tas]\nstory: |\n  Tas\n  kecil.\n")
    changes = R.what_changed(env.conn, env.cat(), "tas-purun")
    assert changes.fields == () and changes.text_only
    env.scratch.product("tas-purun", extra="materials: [rotan, purun, kulit]\n")
    fields = {c.field for c in R.what_changed(env.conn, env.cat(), "tas-purun").fields}
    assert fields == {"materials", "tags", "story"}


def test_a_story_change_is_a_word_diff(env):
    env.scratch.product("tas-purun", story="Tas purun dianyam oleh ibu-ibu di Pantai Cermin dengan motif lama.")
    env.decide("tas-purun", "approve")
    env.scratch.product("tas-purun", story="Tas purun dianyam oleh ibu-ibu di Pantai Cermin dengan motif bunga baru.")
    (change,) = R.what_changed(env.conn, env.cat(), "tas-purun").fields
    assert change.field == "story"
    assert change.words == (("same", "Tas purun dianyam oleh ibu-ibu di Pantai Cermin dengan motif"),
                            ("removed", "lama."), ("added", "bunga baru."))


def test_review_show_marks_added_and_removed_words(env, capsys):
    from pipeline.cli.review import _print_changes

    env.scratch.product("tas-purun", story="Dianyam dengan motif lama.")
    env.decide("tas-purun", "approve")
    env.scratch.product("tas-purun", story="Dianyam rapi dengan motif baru.")
    _print_changes(R.what_changed(env.conn, env.cat(), "tas-purun"))
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "  story: Dianyam {+rapi+} dengan motif [-lama.-] {+baru.+}"
