""""Buka di HP": the QR code of the dashboard's office-network address, to open it on a phone in one scan, and the
calendar feed (/kalender.ics behind a secret link) that reminds the admin's phone before each suggested time."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from pipeline.build.reminders import calendar_bytes
from pipeline.common.errors import EtalaseError, NotFound
from pipeline.web import calendar_link
from pipeline.web.auth import PLANNERS, require, viewer, web
from pipeline.web.lan import qr_data_uri
from pipeline.web.pages.days import context
from pipeline.web.render import flash, page

router = APIRouter(dependencies=[Depends(viewer)], include_in_schema=False)
feed_router = APIRouter(include_in_schema=False)  # calendar apps cannot log in: the secret link is the key


def _base(request: Request) -> str:
    return request.app.state.lan_url or str(request.base_url)


@router.get("/hp")
def phone_page(request: Request):
    url = request.app.state.lan_url
    state = web(request)
    v = viewer(request)
    key = calendar_link.current(state.project.state) if v.may(PLANNERS) else None
    feed = f"{_base(request)}kalender.ics?kunci={key}" if key else None
    return page(request, "phone.html", title="Buka di HP", lan_url=url, qr=qr_data_uri(url) if url else None,
                may_plan=v.may(PLANNERS), feed=feed, webcal=feed.replace("http://", "webcal://", 1) if feed else None,
                reminder=_reminder(state))


def _reminder(state) -> int | None:
    try:
        return state.settings().reminder_minutes
    except EtalaseError:  # a broken schedule.yaml: the page still opens (Hari ini lists its problems)
        return None


@router.post("/hp/kalender/baru")
def new_feed_link(request: Request):
    require(request, PLANNERS, "mengatur tautan kalender")
    calendar_link.rotate(web(request).project.state)
    flash(request, "Tautan kalender baru sudah dibuat; tautan lama tidak berlaku lagi.")
    return RedirectResponse("/hp#kalender", status_code=303)


@router.post("/hp/kalender/matikan")
def revoke_feed_link(request: Request):
    require(request, PLANNERS, "mengatur tautan kalender")
    calendar_link.revoke(web(request).project.state)
    flash(request, "Tautan kalender dimatikan: kalender HP tidak menerima jadwal lagi.")
    return RedirectResponse("/hp#kalender", status_code=303)


@feed_router.get("/kalender.ics")
def calendar_feed(request: Request, kunci: str = ""):
    state = web(request)
    if not kunci or not calendar_link.matches(state.project.state, kunci):
        raise NotFound("kalender.ics")
    base = _base(request)
    body = calendar_bytes(context(state), lambda d: f"{base}hari/{d.isoformat()}")
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, no-store",
                             "Content-Disposition": 'inline; filename="kalender.ics"'})
