"""One router per page of the dashboard, in menu order."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from pipeline.web.pages import artisans, days, imports, insights, phone, products, results, review

    # imports before products: /produk/impor must not be taken for a product named "impor"
    return [days.router, results.router, review.router, imports.router, products.router, artisans.router,
            insights.router, phone.router, phone.feed_router]
