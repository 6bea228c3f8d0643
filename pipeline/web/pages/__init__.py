"""One router per page of the dashboard, in menu order."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from pipeline.web.pages import artisans, days, phone, products, review

    return [days.router, review.router, products.router, artisans.router, phone.router, phone.feed_router]
