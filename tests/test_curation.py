"""The pure review rules: every transition, the derived needs-review state, the checklist."""

from __future__ import annotations

import itertools
import textwrap
from pathlib import Path

import pytest

from pipeline.common.errors import ConfigError
from pipeline.curation import rules as C

# Written out by hand from the issue, so the table in curation.py is checked, not restated.
ALLOWED = {
    ("draft", "submit"): "submitted",
    ("changes_requested", "submit"): "submitted",
    ("rejected", "submit"): "submitted",
    ("submitted", "approve"): "approved",
    ("submitted", "request_changes"): "changes_requested",
    ("submitted", "reject"): "rejected",
    ("needs_review", "approve"): "approved",
    ("needs_review", "request_changes"): "changes_requested",
    ("needs_review", "reject"): "rejected",
    ("approved", "retire"): "retired",
    ("needs_review", "retire"): "retired",
    ("retired", "restore"): "approved",
}
ALL_ACTIONS = ("submit", "approve", "request_changes", "reject", "retire", "restore")


@pytest.mark.parametrize("state,action", list(itertools.product(C.SHOWN_STATES, ALL_ACTIONS)))
def test_every_transition_allowed_or_refused(state, action):
    if (state, action) in ALLOWED:
        assert C.transition(state, action) == ALLOWED[(state, action)]
        assert action in C.allowed_actions(state)
    else:
        with pytest.raises(C.DecisionRefused) as exc:
            C.transition(state, action)
        assert state.replace("_", " ") in exc.value.message
        assert action not in C.allowed_actions(state)


def test_refusal_names_what_is_allowed_instead():
    with pytest.raises(C.DecisionRefused) as exc:
        C.transition("approved", "approve")
    assert exc.value.hint == "allowed now: retire"


def test_unknown_action_refused():
    with pytest.raises(C.DecisionRefused, match="unknown action"):
        C.transition("submitted", "publish")


def test_every_state_has_an_indonesian_label():
    assert set(C.STATE_LABELS_ID) == set(C.SHOWN_STATES)
    assert C.STATE_LABELS_ID["needs_review"] == "perlu ditinjau ulang"


@pytest.mark.parametrize("stored,approved,current,new,expected", [
    (None, None, "h1", "submitted", "submitted"),
    (None, None, "h1", "draft", "draft"),
    ("approved", "h1", "h1", "submitted", "approved"),
    ("approved", "h1", "h2", "submitted", "needs_review"),
    ("approved", None, "h1", "submitted", "needs_review"),
    ("retired", "h1", "h2", "submitted", "retired"),
    ("rejected", "h1", "h2", "submitted", "rejected"),
    ("changes_requested", None, "h2", "submitted", "changes_requested"),
])
def test_effective_state(stored, approved, current, new, expected):
    assert C.effective_state(stored, approved, current, new) == expected


def test_only_curators_and_admins_decide():
    assert C.ACTIONS["submit"].roles == ("admin", "curator", "editor")
    for name in ("approve", "request_changes", "reject", "retire", "restore"):
        assert set(C.ACTIONS[name].roles) == {"admin", "curator"}


# Checklist ---------------------------------------------------------------------------------

S = C.CurationSettings()


def test_parse_checks_all_single_and_no():
    assert C.parse_checks(S, ["all"]) == dict.fromkeys(S.ids(), True)
    got = C.parse_checks(S, ["photo_quality", "price_sensible=no"])
    assert got["photo_quality"] is True and got["price_sensible"] is False and got["info_complete"] is None
    assert C.parse_checks(S, ["all", "price_sensible=tidak"])["price_sensible"] is False


@pytest.mark.parametrize("raw,message", [("photo", "not on the checklist"), ("photo_quality=maybe", "not yes or no")])
def test_parse_checks_refuses_bad_values(raw, message):
    with pytest.raises(C.DecisionRefused, match=message):
        C.parse_checks(S, [raw])


def test_approval_needs_every_item_confirmed():
    checks = {**C.parse_checks(S, ["all"]), "artisan_consent": False}
    with pytest.raises(C.DecisionRefused, match="not confirmed: artisan_consent"):
        C.validate(S, "approve", "", checks)
    C.validate(S, "approve", "", C.parse_checks(S, ["all"]))
    relaxed = C.CurationSettings(approval_needs_all_checks=False)
    C.validate(relaxed, "approve", "", checks)


@pytest.mark.parametrize("action", ["request_changes", "reject", "retire"])
def test_notes_required_where_the_editor_needs_a_reason(action):
    with pytest.raises(C.DecisionRefused, match="needs a note"):
        C.validate(S, action, "  ", {})
    C.validate(S, action, "foto buram", {})


# curation.yaml ------------------------------------------------------------------------------

def test_settings_default_without_file(tmp_path):
    assert C.load_settings(tmp_path) == C.CurationSettings()


def test_settings_from_file(tmp_path):
    (tmp_path / "curation.yaml").write_text(textwrap.dedent("""
        new_products: draft
        checklist:
          - id: photo_quality
            label: Foto jelas
          - id: halal
            label: Bahan aman
            help: no harmful dyes
        colour: red
    """).lstrip(), encoding="utf-8")
    s = C.load_settings(tmp_path)
    assert s.new_products == "draft"
    assert s.ids() == ["photo_quality", "halal"]
    assert s.checklist[1].help == "no harmful dyes"
    assert [(w.field, w.line) for w in s.warnings] == [("colour", 8)]


def test_settings_report_every_problem_with_lines(tmp_path):
    (tmp_path / "curation.yaml").write_text(textwrap.dedent("""
        new_products: waiting
        checklist:
          - id: Photo Quality
            label: Foto
          - id: a
          - id: b
            label: B
          - id: b
            label: B lagi
    """).lstrip(), encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        C.load_settings(tmp_path)
    got = [(p.line, p.field) for p in exc.value.problems]
    assert got == [(1, "new_products"), (3, "checklist[0].id"), (5, "checklist[1]"), (8, "checklist[3].id")]
    assert all(p.path == f"{tmp_path.name}/curation.yaml" for p in exc.value.problems)


def test_the_bundled_curation_yaml_states_the_defaults():
    """content/curation.yaml documents the defaults (in the sample regency's words); it must load cleanly
    and say the same."""
    content = Path(__file__).resolve().parent.parent / "content"
    assert C.load_settings(content) == C.CurationSettings(C.default_checklist(content))
    assert C.default_checklist(content)[-1].label == "Kerajinan asli Serdang Bedagai"


def test_the_default_checklist_names_the_councils_own_regency(tmp_path):
    """No regency is built in: the default authenticity item names the project's region.yaml regency."""
    assert C.default_checklist(tmp_path)[-1].label == "Kerajinan asli daerah ini"  # no region.yaml
    (tmp_path / "region.yaml").write_text("regency: Deli Serdang\nkecamatan: [Lubuk Pakam]\n", encoding="utf-8")
    assert C.load_settings(tmp_path).checklist[-1].label == "Kerajinan asli Deli Serdang"
