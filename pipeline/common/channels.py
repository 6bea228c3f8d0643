"""The channels a council posts to from one render: each one's published limits and its settings.

`SPECS` holds what each platform publishes (sources in docs/channels.md); `Channel` is what
schedule.yaml says about one channel the council uses. Where sources disagree the spec holds the
cautious value and the setting may override it (YouTube Shorts' length, hashtag caps).
Lengths are counted in UTF-16 units everywhere: TikTok counts so, and it is never fewer than
the characters another platform counts, so it is the cautious measure for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

TAKES = ("video", "carousel", "both")


@dataclass(frozen=True)
class ChannelSpec:
    """One platform's published limits (docs/channels.md gives the source of each)."""

    name: str
    label: str  # as the admin knows it
    caption_max: int  # the caption (YouTube: the description)
    title_max: int | None = None  # YouTube Shorts: the first line of its caption file is the title
    max_hashtags: int = 5
    min_seconds: float = 3
    max_seconds: float = 180
    min_fps: float = 23
    max_fps: float = 60
    min_size: tuple[int, int] = (720, 1280)
    max_bytes: int = 287 * 1024 * 1024
    takes: str = "both"  # what it takes by default
    carousel: bool = True  # whether the platform takes a photo carousel at all


SPECS: dict[str, ChannelSpec] = {s.name: s for s in (
    ChannelSpec("tiktok", "TikTok", 2200, max_hashtags=5, max_seconds=180),
    ChannelSpec("instagram", "Instagram", 2200, max_hashtags=5, max_seconds=15 * 60, min_fps=23,
                max_bytes=300 * 1024 * 1024),
    ChannelSpec("facebook", "Facebook", 2200, max_hashtags=3, max_seconds=90, min_fps=24, min_size=(540, 960)),
    ChannelSpec("youtube", "YouTube Shorts", 5000, title_max=100, max_hashtags=3, max_seconds=60, min_fps=23,
                takes="video", carousel=False),
    ChannelSpec("whatsapp", "WhatsApp Status", 700, max_hashtags=0, max_seconds=30, min_fps=23,
                min_size=(540, 960), takes="video", carousel=False),
)}
KNOWN = tuple(SPECS)


@dataclass(frozen=True)
class Channel:
    """One channel as schedule.yaml sets it; None: the spec's value."""

    name: str
    handle: str = ""
    max_hashtags: int | None = None  # TikTok: None means brand.yaml's max_hashtags, as before channels
    takes: str | None = None
    max_seconds: float | None = None

    @property
    def spec(self) -> ChannelSpec:
        return SPECS[self.name]

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def wants(self) -> str:
        return self.takes or self.spec.takes

    @property
    def seconds(self) -> tuple[float, float]:
        return self.spec.min_seconds, self.max_seconds or self.spec.max_seconds

    def caption_file(self) -> str:
        return f"caption-{self.name}.txt"


DEFAULT_CHANNELS = (Channel("tiktok"),)
