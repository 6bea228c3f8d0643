""""Buka di HP": the QR code of the dashboard's office-network address, to open it on a phone in one scan."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from pipeline.web.auth import viewer
from pipeline.web.lan import qr_data_uri
from pipeline.web.render import page

router = APIRouter(dependencies=[Depends(viewer)], include_in_schema=False)


@router.get("/hp")
def phone_page(request: Request):
    url = request.app.state.lan_url
    return page(request, "phone.html", title="Buka di HP", lan_url=url, qr=qr_data_uri(url) if url else None)
