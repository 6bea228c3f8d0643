"""The day page's quick results form: one small form per channel, numbers as the admin types them
("12.345", "1,2rb", "3,4jt"); each send is a new reading (day 1, day 7 ...), never an overwrite.

The rules are pipeline/results/record.py's, shared with `etalase results add`; a refused send shows
the day page again with what was typed and what to fix, so nothing typed on the phone is lost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from pipeline.common.channels import SPECS
from pipeline.common.errors import ContentError, Problem
from pipeline.plan import admin as P
from pipeline.results.readings import Reading, readings
from pipeline.results.record import LABELS_ID, reading_from_text, record
from pipeline.web.auth import PLANNERS, require, safe_path, viewer, web
from pipeline.web.labels import tanggal
from pipeline.web.render import flash


@dataclass
class Block:
    """What the day page shows under "Hasil": the channels' forms and the readings so far."""

    channels: list[tuple[str, str]]  # (slug, label)
    readings: list[Reading]
    today: dt.date
    channel: str = ""  # the form a refused send came from
    values: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def value(self, channel: str, name: str) -> str:
        return self.values.get(name, "") if channel == self.channel else ""

    def error(self, channel: str, name: str) -> str:
        if channel != self.channel:
            return ""
        return next((p.message for p in self.problems if p.field == LABELS_ID.get(name, name)), "")


def block(ctx: P.Context, date: dt.date, **refused) -> Block:
    channels = [(c.name, SPECS[c.name].label) for c in ctx.settings.channels]
    return Block(channels, readings(ctx.conn, since=date, until=date), ctx.today, **refused)


router = APIRouter(dependencies=[Depends(viewer)], include_in_schema=False)


@router.post("/hari/{date}/hasil")
def add_result(request: Request, date: str, channel: str = Form(...), read_on: str = Form(""),
               views: str = Form(""), likes: str = Form(""), comments: str = Form(""), shares: str = Form(""),
               saves: str = Form(""), followers: str = Form(""), kembali: str = Form("")):
    from pipeline.web.pages import days

    state = web(request)
    user = require(request, PLANNERS, "mencatat hasil")
    day = days.parse_date(date)
    ctx = days.context(state)
    values = {"views": views, "likes": likes, "comments": comments, "shares": shares, "saves": saves,
              "followers": followers}
    try:
        when = dt.date.fromisoformat(read_on) if read_on else ctx.today
    except ValueError:
        when = None
    try:
        if when is None:
            raise ContentError.single(date, None, "tanggal baca", f"`{read_on}` bukan tanggal", "pilih tanggal")
        reading = record(ctx, reading_from_text(day, channel, when, values, source="form",
                                                where=f"{date} {channel}"), user.name)
    except ContentError as exc:
        refused = block(ctx, day, channel=channel, values={**values, "read_on": read_on}, problems=exc.problems)
        return days.day_page_response(request, ctx, days.cached_day(state, day), results=refused, status_code=400)
    state.wrote()
    flash(request, f"Hasil {SPECS[reading.channel].label} untuk {tanggal(day)} tersimpan.")
    back = safe_path(kembali, f"/hari/{date}")
    back = back if not back.endswith("/hasil") else f"/hari/{date}"  # a refused send's page was this POST's path
    return RedirectResponse(back + "#hasil", status_code=303)
