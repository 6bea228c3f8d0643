"""WCAG 2 contrast between a text colour and the real pixels behind it.

A photo is not one colour, so the measure is a low percentile of the per-pixel contrast: the
text must stand out against nearly all of what is behind it, not against its average.
"""

from __future__ import annotations

import numpy as np

AA = 4.5  # WCAG AA for normal text
PERCENTILE = 10  # share of background pixels allowed to fall below the measure
MAX_SAMPLES = 40_000


def hex_rgb(colour: str) -> tuple[int, int, int]:
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def luminance(rgb: np.ndarray) -> np.ndarray:
    """Relative luminance of sRGB values 0-255 (last axis = channels)."""
    c = np.asarray(rgb, dtype=np.float32) / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return lin[..., 0] * 0.2126 + lin[..., 1] * 0.7152 + lin[..., 2] * 0.0722


def ratio(l1: np.ndarray | float, l2: np.ndarray | float) -> np.ndarray:
    hi, lo = np.maximum(l1, l2), np.minimum(l1, l2)
    return (hi + 0.05) / (lo + 0.05)


def colour_ratio(a: str, b: str) -> float:
    return float(ratio(luminance(np.array(hex_rgb(a))), luminance(np.array(hex_rgb(b)))))


def sample(pixels: np.ndarray) -> np.ndarray:
    """Up to MAX_SAMPLES RGB rows from an (h, w, 3+) array, evenly strided (deterministic)."""
    flat = pixels.reshape(-1, pixels.shape[-1])[:, :3]
    step = max(1, len(flat) // MAX_SAMPLES)
    return flat[::step]


def measure(text_rgb: tuple[int, int, int], background: np.ndarray) -> float:
    """Contrast of the text against the background pixels (N x 3), at the low percentile."""
    if not len(background):
        return 21.0
    per_pixel = ratio(luminance(np.array(text_rgb)), luminance(background))
    return float(np.percentile(per_pixel, PERCENTILE))


def scrim_opacity(text_rgb: tuple[int, int, int], background: np.ndarray, scrim_rgb: tuple[int, int, int],
                  target: float = AA, start: float = 0.35) -> float | None:
    """The lightest scrim (0-1, in 0.05 steps) that lifts the contrast to `target`; None if none does."""
    bg = background.astype(np.float32)
    scrim = np.array(scrim_rgb, dtype=np.float32)
    for step in range(round(start * 20), 21):
        a = step / 20
        if measure(text_rgb, bg * (1 - a) + scrim * a) >= target:
            return a
    return None
