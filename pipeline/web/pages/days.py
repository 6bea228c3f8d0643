"""Hari ini, Kalender, Riwayat (filled in once the plan and export modules land)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from ..auth import viewer
from ..render import page

router = APIRouter(dependencies=[Depends(viewer)])


@router.get("/")
def today(request: Request):
    return page(request, "error.html", title="Hari ini", detail="", problems=[])


@router.get("/kalender")
def calendar(request: Request):
    return page(request, "error.html", title="Kalender", detail="", problems=[])


@router.get("/riwayat")
def history(request: Request):
    return page(request, "error.html", title="Riwayat", detail="", problems=[])
