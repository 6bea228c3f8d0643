"""The dashboard's colours keep WCAG AA contrast (4.5:1 for text) in every pair the stylesheet uses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parent.parent / "pipeline" / "web" / "static" / "style.css").read_text()
VARS = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", CSS))
PAIRS = [  # (text, background): body, muted, links, buttons, header, badges, notices, menu
    ("ink", "paper"), ("muted", "paper"), ("muted", "card"), ("info", "paper"), ("info", "card"),
    ("accent", "card"), ("accent-ink", "accent"), ("ok", "card"), ("warn", "card"), ("bad", "card"),
    ("#164d27", "#e7f3ea"), ("#7d1a17", "#fbe9e8"), ("#5c3d00", "#fbe9e8"), ("ink", "#efe7da"), ("ok", "#e7f3ea"),
    ("#5c3d00", "#fdf4e3"), ("ink", "#fdf4e3"), ("muted", "#fdf4e3"), ("muted", "#fbe9e8"),  # failure notices
]


def luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("text, background", PAIRS)
def test_text_contrast_meets_wcag_aa(text, background):
    fg, bg = (VARS.get(c, c) for c in (text, background))
    assert fg.startswith("#") and bg.startswith("#"), (text, background)
    hi, lo = sorted([luminance(fg), luminance(bg)], reverse=True)
    assert (hi + 0.05) / (lo + 0.05) >= 4.5, (text, background)


def test_the_stylesheet_uses_the_pairs_checked_here():
    for literal in ("#e7f3ea", "#fbe9e8", "#efe7da", "#164d27", "#7d1a17", "#5c3d00", "#fdf4e3"):
        assert literal in CSS
    assert ":focus-visible" in CSS and "outline: 3px" in CSS  # keyboard focus stays visible
