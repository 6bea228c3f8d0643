"""The review state machine and the curators' checklist: pure rules, no storage.

A product's stored state is the `to_state` of its latest decision. One state is derived, never
stored: `needs_review`, an approval whose content hash no longer matches the product (someone
edited the text or a photo after the curator looked). It behaves like `submitted`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pipeline.catalog.reader import load_region
from pipeline.common import fields as F
from pipeline.common.errors import ConfigError, EtalaseError
from pipeline.common.yamlread import load

DRAFT, SUBMITTED, APPROVED = "draft", "submitted", "approved"
CHANGES_REQUESTED, REJECTED, RETIRED = "changes_requested", "rejected", "retired"
NEEDS_REVIEW = "needs_review"  # derived: approved at an older content hash
STATES = (DRAFT, SUBMITTED, APPROVED, CHANGES_REQUESTED, REJECTED, RETIRED)
SHOWN_STATES = (*STATES, NEEDS_REVIEW)
QUEUE = (SUBMITTED, NEEDS_REVIEW)  # what curators work through

STATE_LABELS_ID = {
    DRAFT: "draf",
    SUBMITTED: "menunggu kurasi",
    APPROVED: "disetujui",
    CHANGES_REQUESTED: "perlu perbaikan",
    REJECTED: "ditolak",
    RETIRED: "diarsipkan",
    NEEDS_REVIEW: "perlu ditinjau ulang",
}

ADMIN, CURATOR, EDITOR = "admin", "curator", "editor"
ROLES = (ADMIN, CURATOR, EDITOR)
DECIDERS = (CURATOR, ADMIN)


@dataclass(frozen=True)
class Action:
    name: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    needs_note: bool
    label_id: str


ACTIONS = {a.name: a for a in (
    Action("submit", (DRAFT, CHANGES_REQUESTED, REJECTED), SUBMITTED, ROLES, False, "ajukan"),
    Action("approve", QUEUE, APPROVED, DECIDERS, False, "setujui"),
    Action("request_changes", QUEUE, CHANGES_REQUESTED, DECIDERS, True, "minta perbaikan"),
    Action("reject", QUEUE, REJECTED, DECIDERS, True, "tolak"),
    Action("retire", (APPROVED, NEEDS_REVIEW), RETIRED, DECIDERS, True, "arsipkan"),
    # Back to `approved`; the approval still counts only if the content is what was approved.
    Action("restore", (RETIRED,), APPROVED, DECIDERS, False, "aktifkan lagi"),
)}


class DecisionRefused(EtalaseError):
    """A decision the rules do not allow; says why and what would be allowed instead."""

    def __init__(self, message: str, hint: str = ""):
        self.message, self.hint = message, hint
        super().__init__(f"{message}\n    hint: {hint}" if hint else message)


def effective_state(stored: str | None, approved_hash: str | None, current_hash: str,
                    new_products: str = SUBMITTED) -> str:
    """The state a product is in now: `new_products` when never reviewed, `needs_review` when edited
    after approval."""
    if stored is None:
        return new_products
    if stored == APPROVED and approved_hash != current_hash:
        return NEEDS_REVIEW
    return stored


def allowed_actions(state: str) -> list[str]:
    return [a.name for a in ACTIONS.values() if state in a.sources]


def action_named(action: str) -> Action:
    """The action called `action`, or DecisionRefused listing the actions there are."""
    act = ACTIONS.get(action)
    if act is None:
        raise DecisionRefused(f"unknown action `{action}`", "actions: " + ", ".join(ACTIONS))
    return act


def transition(state: str, action: str) -> str:
    """The state `action` leads to from `state`, or DecisionRefused."""
    act = action_named(action)
    if state not in act.sources:
        allowed = allowed_actions(state)
        raise DecisionRefused(
            f"cannot {action.replace('_', ' ')} a product that is {state.replace('_', ' ')}",
            "allowed now: " + ", ".join(allowed) if allowed else f"nothing can follow {state}")
    return act.target


# The checklist ---------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckItem:
    id: str
    label: str  # Bahasa Indonesia: curators read it in the dashboard
    help: str = ""


DEFAULT_CHECKLIST = (
    CheckItem("photo_quality", "Foto jelas, terang, dan layak tayang",
              "tajam, cukup cahaya, produk memenuhi bingkai, tanpa tanda air"),
    CheckItem("info_complete", "Informasi produk lengkap dan benar",
              "nama, bahan, ukuran, dan cerita sesuai dengan produknya"),
    CheckItem("price_sensible", "Harga wajar", "sesuai mutu dan harga pasar kerajinan sejenis"),
    CheckItem("artisan_consent", "Pengrajin setuju produk dan namanya ditampilkan",
              "persetujuan tercatat (photo_consent di berkas pengrajin)"),
    CheckItem("craft_authentic", "Kerajinan asli daerah ini",
              "dibuat oleh pengrajin yang disebut, dengan teknik dan bahan lokal"),
)


@dataclass(frozen=True)
class CurationSettings:
    checklist: tuple[CheckItem, ...] = DEFAULT_CHECKLIST
    new_products: str = SUBMITTED  # or DRAFT: editors must `review submit` before curators see them
    approval_needs_all_checks: bool = True
    warnings: tuple = ()  # Problems that did not stop loading (unknown keys), for the CLI to show

    def ids(self) -> list[str]:
        return [c.id for c in self.checklist]


Checks = dict[str, bool | None]  # item id -> yes / no / not answered

YES, NO = ("yes", "y", "ya", "true", "1"), ("no", "n", "tidak", "false", "0")


def parse_checks(settings: CurationSettings, given: Iterable[str]) -> Checks:
    """`--check` values: `all`, `ID` (yes) or `ID=yes|no`; every item not named stays unanswered."""
    out: Checks = dict.fromkeys(settings.ids())
    for raw in given:
        item, _, answer = raw.partition("=")
        item, answer = item.strip(), answer.strip().lower() or "yes"
        if answer not in YES + NO:
            raise DecisionRefused(f"--check {raw}: `{answer}` is not yes or no", "write ID, ID=yes or ID=no")
        names = settings.ids() if item == "all" else [item]
        for name in names:
            if name not in out:
                raise DecisionRefused(f"--check {raw}: `{name}` is not on the checklist",
                                      "items: all, " + ", ".join(settings.ids()))
            out[name] = answer in YES
    return out


def validate(settings: CurationSettings, action: str, note: str, checks: Checks) -> None:
    """Refuse a decision that lacks its note, or an approval with checklist items not confirmed."""
    act = ACTIONS[action]
    if act.needs_note and not note.strip():
        raise DecisionRefused(f"{action.replace('_', ' ')} needs a note",
                              "say what is wrong or why, e.g. --note \"foto kurang terang\"")
    unknown = sorted(set(checks) - set(settings.ids()))
    if unknown:
        raise DecisionRefused("unknown checklist items: " + ", ".join(unknown), "items: " + ", ".join(settings.ids()))
    if action == "approve" and settings.approval_needs_all_checks:
        missing = [i for i in settings.ids() if checks.get(i) is not True]
        if missing:
            raise DecisionRefused("approval needs every checklist item confirmed; not confirmed: " + ", ".join(missing),
                                  "check each item, then pass --check all (or --check ID for each)")


# curation.yaml (the council's own rules, next to its content) -----------------------------

ITEM_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def item_id(value: Any) -> str:
    v = F.text(value)
    if not ITEM_ID.match(v):
        raise ValueError(f"`{v}` is not an item id: lowercase letters, digits and _, e.g. photo_quality")
    return v


SETTINGS_FIELDS = [
    F.Field("checklist", lambda v: v, default=None, help="items a curator confirms before approving"),
    F.Field("new_products", F.choice(SUBMITTED, DRAFT), default=SUBMITTED,
            help="state of a product never reviewed: submitted (in the queue) or draft (waits for `review submit`)"),
    F.Field("approval_needs_all_checks", F.boolean, default=True,
            help="refuse an approval unless every checklist item is confirmed"),
]
ITEM_FIELDS = [
    F.Field("id", item_id, required=True, help="short id used with --check, e.g. photo_quality"),
    F.Field("label", F.nonempty_text, required=True, help="the question curators see, in Bahasa Indonesia"),
    F.Field("help", F.text, default="", help="what to look at"),
]


def default_checklist(content: Path | str) -> tuple[CheckItem, ...]:
    """The default checklist in the council's words: "Kerajinan asli <its regency>" (content/region.yaml)."""
    regency = load_region(content).regency
    if not regency:
        return DEFAULT_CHECKLIST
    return tuple(replace(c, label=f"Kerajinan asli {regency}") if c.id == "craft_authentic" else c
                 for c in DEFAULT_CHECKLIST)


def load_settings(content: Path | str) -> CurationSettings:
    """content/curation.yaml, or the defaults when there is none; every problem at once."""
    path = Path(content) / "curation.yaml"
    defaults = default_checklist(content)
    if not path.exists():
        return CurationSettings(defaults)
    doc = load(path, f"{Path(content).name}/curation.yaml")
    r = F.FieldReader(doc)
    v = r.mapping((), SETTINGS_FIELDS)
    items: list[CheckItem] = []
    raw = (v or {}).get("checklist")
    if raw is not None and (not isinstance(raw, list) or not raw):
        r.error(("checklist",), "expected a list of checklist items", "e.g.\n  checklist:\n    - id: photo_quality\n"
                "      label: Foto jelas dan layak tayang")
        raw = None
    for i, _ in enumerate(raw or []):
        item = r.mapping(("checklist", i), ITEM_FIELDS)
        if item and item["id"] and item["label"]:
            if item["id"] in {c.id for c in items}:
                r.error(("checklist", i, "id"), f"duplicate item `{item['id']}`", "give each item its own id")
            items.append(CheckItem(item["id"], item["label"], item["help"]))
    if any(p.is_error for p in r.problems):
        raise ConfigError(r.problems)
    return CurationSettings(tuple(items) or defaults, v["new_products"], v["approval_needs_all_checks"],
                            tuple(r.problems))
