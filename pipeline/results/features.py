"""What each posted day was, for grouping its results: one PostFeatures record per day in the ledger.

The ledger (`posts`: day, product, artisan, when it was marked posted) gives the post; the catalogue adds
the craft and the artisan's kecamatan; the day's post.json "video" block adds what the video did (hook or
derived title, music mood, photos used). Exports made before those keys existed, products since removed
from the catalogue and day folders already pruned give None for what they cannot tell, never an error.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.common.models import Catalog
from pipeline.export.folders import MANIFEST, day_dir


@dataclass(frozen=True)
class PostFeatures:
    day: dt.date
    product: str
    artisan: str
    craft: str | None = None          # slug; None when the product left the catalogue
    kecamatan: str | None = None
    posted_at: dt.datetime | None = None  # when the admin marked it posted, in the zone it was stored with
    post_number: int | None = None    # 1 = the product's first post (video-variety)
    title_source: str | None = None   # "hook" (written) or "derived"
    photos: int | None = None         # distinct photos the video used
    mood: str | None = None           # music mood (video-story); None also when the video had no music

    @property
    def weekday(self) -> int:
        """0 = Monday, as datetime counts; the day the post was planned for."""
        return self.day.weekday()

    @property
    def hour(self) -> int | None:
        return self.posted_at.hour if self.posted_at else None


def video_block(exports: Path, day: dt.date) -> Mapping[str, Any]:
    """The "video" block of a day's post.json; empty when the folder, the file or the block is missing or
    unreadable (an old or pruned export says nothing about its video)."""
    try:
        data = json.loads((day_dir(exports, day) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    video = data.get("video") if isinstance(data, dict) else None
    return video if isinstance(video, dict) else {}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _moment(text: str | None) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def features_of(post, catalog: Catalog, video: Mapping[str, Any]) -> PostFeatures:
    """One ledger row (pipeline.plan.ledger.Post or any object with day, product, artisan, at) as features."""
    product = catalog.products.get(post.product)
    artisan = catalog.artisans.get(post.artisan)
    return PostFeatures(
        day=post.day, product=post.product, artisan=post.artisan,
        craft=product.craft if product else None,
        kecamatan=artisan.kecamatan if artisan and artisan.kecamatan else None,
        posted_at=_moment(post.at),
        post_number=_int(video.get("post_number")),
        title_source=video.get("title_source") if video.get("title_source") in ("hook", "derived") else None,
        photos=_int(video.get("photos")),
        mood=_text(video.get("mood")),
    )


def post_features(posts: Iterable, catalog: Catalog, exports: Path) -> dict[dt.date, PostFeatures]:
    """Features of every posted day, by day (pass `ledger.posts(conn).values()`)."""
    return {p.day: features_of(p, catalog, video_block(exports, p.day)) for p in posts}
