"""Does a day's folder still match its inputs? The input hash the build would give a day now.

The build skips a day whose folder's `input_hash` equals the digest of its RenderInputs; the pages use
the same digest to say a ready day is stale (an approved edit, a template or brand change). One Loader
per view: the brand, templates, fonts and music are read once, each day's hash is then cheap.
"""

from __future__ import annotations

from collections.abc import Callable

from pipeline.common.errors import EtalaseError
from pipeline.export.status import InputHash
from pipeline.plan import ledger as S
from pipeline.plan.admin import Context
from pipeline.plan.planner import Slot
from pipeline.render.inputs import DaySettings, Loader
from pipeline.render.variation import post_numbers


def make_loader(ctx: Context) -> Loader | None:
    """The project's Loader (brand, templates, fonts, music read and hashed: 30-100 ms on the sample),
    None when the brand or a template cannot be read."""
    try:
        return Loader(ctx.project, ctx.catalog)
    except (EtalaseError, OSError):
        return None


class InputHashes:
    """`of(slot)` -> a function of `draft` giving the day's current input hash, None when it cannot be told
    (a broken brand or template, an unknown artisan: the build will say what is wrong)."""

    def __init__(self, ctx: Context, loader: Callable[[], Loader | None] | None = None):
        self.ctx = ctx
        self._make = loader or (lambda: make_loader(ctx))  # the dashboard shares one between its views
        self._loader: Loader | None | bool = False  # False: not tried yet; None: cannot be made
        self._history: list | None = None  # the ledger's featured days, read once per view

    def loader(self) -> Loader | None:
        if self._loader is False:
            self._loader = self._make()
        return self._loader

    def digest(self, slot: Slot, draft: bool) -> str | None:
        loader = self.loader()
        if loader is None or not slot.product or slot.product not in self.ctx.catalog.products:
            return None
        settings = self.ctx.settings
        day = DaySettings.of(slot, draft=draft, timezone=settings.timezone, channels=settings.channels,
                             post_number=self.post_number(slot))
        try:
            return loader.inputs(slot.product, day).digest()
        except (EtalaseError, OSError):
            return None

    def post_number(self, slot: Slot) -> int:
        """The slot's post number as the build counts it (a product's Nth post varies, and is a render
        input): the ledger's earlier days of the product (the build has exported the plan's earlier
        days before this one)."""
        if self._history is None:
            self._history = S.history(self.ctx.conn)
        return post_numbers([slot], self._history).get(slot.date, 1)

    def of(self, slot: Slot) -> InputHash:
        return lambda draft: self.digest(slot, draft)
