"""Procedural "product photos" for the bundled sample catalogue.

The demo catalogue must not ship anyone's real photos, so its pictures are drawn from code:
woven purun and pandan, songket-like tenun and regional batik, each as an object on a soft
backdrop. Drawing is deterministic (one seeded numpy Generator per photo, no clock), cheap at
test sizes (360x480 well under 0.2 s) and JPEG-friendly: textures are softly blurred and noise is
kept low so the whole content/media folder stays small.

A development tool, not part of the installed package. Regenerate every sample photo with
``.venv/bin/python tools/make_photos.py [--out content/media]``.
"""

from __future__ import annotations

import argparse
import functools
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFilter

KINDS = ("purun", "pandan", "tenun", "batik", "detail")
CRAFT_KINDS = KINDS[:4]
VIEWS = ("front", "detail", "angle", "alt")
SUBJECTS = {
    "purun": ("tas", "tikar", "dompet"),
    "pandan": ("tikar", "keranjang", "kotak"),
    "tenun": ("kain", "selendang"),
    "batik": ("kain", "selendang"),
}
PORTRAIT = (1440, 1920)
LANDSCAPE = (1920, 1440)
SMALL = (360, 480)  # for tests: draw_photo(kind, variant, SMALL) takes well under 0.2 s
LIGHT = np.array([-0.5, 0.6, 0.62]) / np.linalg.norm([-0.5, 0.6, 0.62])  # camera space, upper left

F32 = np.float32


# ---------------------------------------------------------------- palettes

def _rgb(hexstr: str) -> np.ndarray:
    return np.array([int(hexstr[i:i + 2], 16) for i in (1, 3, 5)], F32) / 255


BACKDROPS = (("#EFE8DC", "#D6CBB8"), ("#E5EAE4", "#C4CEC6"), ("#F1E4DE", "#D8C2B8"),
             ("#E7E7EB", "#C8CAD3"), ("#F2EDE0", "#D9CFB4"))
WOODS = ("#9A6B40", "#B88A5C", "#7A5033", "#C49E72")
WOVEN = {
    "purun": (
        dict(nat=("#B89D6E", "#A98E5F", "#C2A87A"), dye="#7B2D2A", trim="#4A2F22"),
        dict(nat=("#B5A07A", "#A6916A", "#BBA582"), dye="#2F3B2E", trim="#2E2A26"),
        dict(nat=("#BFA06A", "#B0915E", "#C9AD7C"), dye="#A23B54", trim="#6A2139"),
        dict(nat=("#B49A70", "#A58B62", "#C0A67E"), dye="#3E4E7A", trim="#2A3350"),
    ),
    "pandan": (
        dict(nat=("#E2D3A2", "#D8C790", "#E8DBB0"), dye="#3F7D4E", trim="#2F5E3A"),
        dict(nat=("#CFCB8E", "#C2C082", "#D8D49C"), dye="#B8432F", trim="#7A2B20"),
        dict(nat=("#E4D6A8", "#D9C894", "#EADDB6"), dye="#6B3F8A", trim="#4A2A60"),
        dict(nat=("#DDD0A0", "#D2C38E", "#E6D9AE"), dye="#C98A1E", trim="#7A5016"),
    ),
}
TENUN = (
    dict(base="#6E1F2B", stripe="#2B1A3F", edge="#C9A03A"),
    dict(base="#1F2E55", stripe="#6E1F2B", edge="#C9A03A"),
    dict(base="#4B1E4F", stripe="#1E4B3A", edge="#D2AC48"),
    dict(base="#1E4B3A", stripe="#6E1F2B", edge="#C9A03A"),
    dict(base="#8E1B24", stripe="#1B1B2E", edge="#D8B45A"),
)
GOLD = _rgb("#D4AE4A")
BATIK = (
    dict(bg="#24395C", fill="#C45A3B", line="#F1E4C6", dot="#E2B857"),
    dict(bg="#6B3A1F", fill="#E0B04A", line="#F5EBD2", dot="#F0D28A"),
    dict(bg="#1D6B6B", fill="#F2C14E", line="#FBF3DF", dot="#F7DFA0"),
    dict(bg="#8C1C2C", fill="#2E5E4E", line="#F6E7C8", dot="#E9C46A"),
    dict(bg="#E9D8B4", fill="#2F4B7C", line="#6B3A1F", dot="#9C4A2A"),
)
BATIK_MOTIFS = ("tembakau", "padi", "ombak", "bunga")
WOVEN_MOTIFS = ("lis", "pucuk-rebung", "bunga")


# ---------------------------------------------------------------- small numeric helpers

def _smooth(e0: float, e1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - e0) / (e1 - e0), 0, 1)
    return t * t * (3 - 2 * t)


def _noise(h: int, w: int, cell: float, rng: np.random.Generator) -> np.ndarray:
    """Smooth value noise in about [-1, 1]; bicubic upscaling keeps it cheap and JPEG-friendly."""
    gh, gw = max(2, round(h / cell)) + 1, max(2, round(w / cell)) + 1
    grid = Image.fromarray(rng.random((gh, gw), dtype=F32))
    return np.asarray(grid.resize((w, h), Image.Resampling.BICUBIC), F32) * 2 - 1


def _blur(rgb: np.ndarray, radius: float) -> np.ndarray:
    """Gaussian blur (OpenCV, float); softens texture so JPEG stays small."""
    if radius < 0.3:
        return rgb
    return cv2.GaussianBlur(np.ascontiguousarray(rgb, F32), (0, 0), radius, borderType=cv2.BORDER_REFLECT)


def _rotate(img: np.ndarray, angle: float, size: tuple[int, int]) -> np.ndarray:
    """Turn an image counter-clockwise about its centre and keep the centred w x h part."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    m[:, 2] += (size[0] - w) / 2, (size[1] - h) / 2
    return cv2.warpAffine(np.ascontiguousarray(img, F32), m, size, flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REFLECT)


def _to8(rgb: np.ndarray) -> np.ndarray:
    return (np.clip(rgb, 0, 1) * 255 + 0.5).astype(np.uint8)


def _sample(tex: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Bilinear lookup of texture pixels at float coordinates (clamped at the borders)."""
    u, v = np.broadcast_arrays(np.asarray(u, F32), np.asarray(v, F32))
    return cv2.remap(np.ascontiguousarray(tex, F32), np.ascontiguousarray(u), np.ascontiguousarray(v),
                     cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _homography(src, dst) -> np.ndarray:
    """The 3x3 projective map sending four src points onto four dst points."""
    rows, rhs = [], []
    for (x, y), (X, Y) in zip(src, dst, strict=True):
        rows += [[x, y, 1, 0, 0, 0, -X * x, -X * y], [0, 0, 0, x, y, 1, -Y * x, -Y * y]]
        rhs += [X, Y]
    return np.append(np.linalg.solve(np.array(rows, float), np.array(rhs, float)), 1).reshape(3, 3)


# ---------------------------------------------------------------- layers and compositing

@dataclass
class Layer:
    """An RGB patch with coverage, placed at (x0, y0) on the canvas."""

    x0: int
    y0: int
    rgb: np.ndarray
    alpha: np.ndarray


def _bbox(pts: np.ndarray, w: int, h: int, pad: int = 2):
    x0 = max(int(math.floor(pts[:, 0].min())) - pad, 0)
    y0 = max(int(math.floor(pts[:, 1].min())) - pad, 0)
    x1 = min(int(math.ceil(pts[:, 0].max())) + pad, w)
    y1 = min(int(math.ceil(pts[:, 1].max())) + pad, h)
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def _put(canvas: np.ndarray, layer: Layer | None) -> None:
    if layer is None:
        return
    h, w = layer.alpha.shape
    region = canvas[layer.y0:layer.y0 + h, layer.x0:layer.x0 + w]
    a = layer.alpha[..., None]
    region[:] = region * (1 - a) + layer.rgb * a


def _grid(box) -> tuple[np.ndarray, np.ndarray]:
    x0, y0, x1, y1 = box
    return (np.arange(x0, x1, dtype=F32)[None, :] + 0.5, np.arange(y0, y1, dtype=F32)[:, None] + 0.5)


def _warp(tex: np.ndarray, quad: np.ndarray, wh: tuple[int, int],
          shade: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None) -> Layer | None:
    """Map a texture onto a screen quad (TL, TR, BR, BL) in perspective, edges anti-aliased."""
    th, tw = tex.shape[:2]
    box = _bbox(quad, *wh)
    if box is None:
        return None
    m = _homography(quad, [(0, 0), (tw, 0), (tw, th), (0, th)])
    xs, ys = _grid(box)
    d = m[2, 0] * xs + m[2, 1] * ys + m[2, 2]
    u = ((m[0, 0] * xs + m[0, 1] * ys + m[0, 2]) / d).astype(F32)
    v = ((m[1, 0] * xs + m[1, 1] * ys + m[1, 2]) / d).astype(F32)
    sx = tw / max(1.0, (np.linalg.norm(quad[1] - quad[0]) + np.linalg.norm(quad[2] - quad[3])) / 2)
    sy = th / max(1.0, (np.linalg.norm(quad[3] - quad[0]) + np.linalg.norm(quad[2] - quad[1])) / 2)
    edge = np.minimum(np.minimum(u, tw - u) / sx, np.minimum(v, th - v) / sy)
    rgb = _sample(tex, u - 0.5, v - 0.5)
    if shade is not None:
        rgb *= shade(u / tw, v / th)[..., None]
    return Layer(box[0], box[1], rgb, np.clip(edge + 0.5, 0, 1).astype(F32))


def _shadow(canvas: np.ndarray, polys: list[np.ndarray], blur: float, strength: float,
            offset=(0.0, 0.0)) -> None:
    """Darken the canvas under soft polygons; drawn at quarter size since shadows are blurry."""
    h, w = canvas.shape[:2]
    q = 4
    mask = Image.new("L", (w // q + 1, h // q + 1), 0)
    draw = ImageDraw.Draw(mask)
    for p in polys:
        draw.polygon([((x + offset[0]) / q, (y + offset[1]) / q) for x, y in p], fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(max(blur / q, 0.5))).resize((w, h), Image.Resampling.BILINEAR)
    canvas *= (1 - strength * np.asarray(mask, F32)[..., None] / 255)


# ---------------------------------------------------------------- backdrops

def _backdrop(w: int, h: int, rng: np.random.Generator, style: int, horizon: float | None = None) -> np.ndarray:
    """Seamless studio paper: light upper middle, darker corners; optional table below horizon."""
    top, bottom = (_rgb(c) for c in BACKDROPS[int(style) % len(BACKDROPS)])
    y = (np.arange(h, dtype=F32) / h)[:, None]
    x = (np.arange(w, dtype=F32) / w)[None, :]
    t = _smooth(0.0, 1.0, y)[..., None]
    img = top * (1 - t) + bottom * t
    glow = np.exp(-(((x - 0.45) / 0.55) ** 2 + ((y - 0.38) / 0.5) ** 2))
    img = img * (0.86 + 0.2 * glow[..., None])
    if horizon is not None:
        hy = int(h * horizon)
        img[hy:] = _wood(w, h - hy, rng, style)
        img[max(hy - 2, 0):hy + 2] *= 0.85
    return img.astype(F32)


def _wood(w: int, h: int, rng: np.random.Generator, style: int) -> np.ndarray:
    """A wooden table top receding from the viewer: planks left to right, grain along them."""
    base = _rgb(WOODS[style % len(WOODS)])
    t = (np.arange(h, dtype=F32) / max(h, 1))[:, None]
    x = (np.arange(w, dtype=F32) - w / 2)[None, :] / w
    g = 2.2 / (0.35 + t)  # plank coordinate across the planks: far rows are deep
    idx = np.floor(g).astype(int)
    frac = g - idx
    tone = rng.normal(0, 0.045, 64).astype(F32)[idx % 64]
    along = x / (0.35 + t)
    wob = 0.25 * np.sin(along * 3 + idx * 1.7) + 0.12 * _noise(h, w, w / 5, rng)
    grain = (np.sin(2 * np.pi * (frac * 7 + wob)) * 0.5 + 0.5) ** 6
    seam = 1 - 0.35 * (1 - _smooth(0.0, 0.04, frac)) * (0.3 + t)
    shade = (0.82 + tone - 0.1 * grain + 0.04 * _noise(h, w, w / 8, rng)) * seam * (0.84 + 0.24 * t)
    return _blur(base * shade[..., None], 0.8 + 0.0015 * w)


def _floor_top(w: int, h: int, rng: np.random.Generator, style: int) -> np.ndarray:
    """Wooden floor seen from above (vertical planks), for flat-lay shots."""
    base = _rgb(WOODS[style % len(WOODS)])
    x = np.arange(w, dtype=F32)[None, :] / w
    y = np.arange(h, dtype=F32)[:, None] / w
    plank = (x * 4.2) % 1.0
    idx = np.floor(x * 4.2).astype(int)
    tone = (rng.normal(0, 0.05, 16).astype(F32))[idx % 16]
    wob = 0.25 * np.sin(y * 6 + idx * 1.3) + 0.1 * _noise(h, w, w / 5, rng)
    grain = np.sin(2 * np.pi * (plank * 6 + wob)) * 0.5 + 0.5
    seam = 1 - 0.3 * (1 - _smooth(0.0, 0.012, plank))
    shade = (0.8 + tone + 0.07 * grain) * seam
    return _blur(base * shade[..., None], 1.0 + 0.002 * w)


# ---------------------------------------------------------------- textures

def _plait_cell(s: int, twill: bool) -> tuple[np.ndarray, np.ndarray]:
    """One repeat of the weave (4 x 4 strands for twill, 2 x 2 plain) as (A-on-top mask, shading).
    Every repeat shades the same, so it is computed once and tiled."""
    n = 4 if twill else 2
    p = (np.arange(n * s, dtype=F32) + 0.5) / s
    u, v = p[None, :], p[:, None]
    i, j = np.floor(u), np.floor(v)
    fu, fv = u - i, v - j
    phase = (i + j) % n
    a_top = phase < n // 2
    pos_a = ((phase % 2) + fv) / 2 if twill else fv
    pos_b = ((phase % 2) + fu) / 2 if twill else fu

    def rib(f):
        return (0.76 + 0.26 * np.sin(np.pi * f) ** 0.5) * (1 + 0.035 * np.sin(2 * np.pi * f * 3))

    def dip(f):
        return 0.78 + 0.24 * np.sin(np.pi * f) ** 0.6

    return a_top, np.where(a_top, rib(fu) * dip(pos_a), rib(fv) * dip(pos_b)).astype(F32)


def _plait(h: int, w: int, strip: float, pal: dict, rng: np.random.Generator, angle: float = 45,
           twill: bool = True, motif: Callable | None = None, soft: float = 0.6) -> np.ndarray:
    """Plaited strips (anyaman): two strand sets crossing, each strand shaded as a slightly
    rounded ribbon that dips where it passes under. `motif(x, y)` (cell centres as fractions of
    the texture) picks cells whose top strand is dyed, which is how woven motifs appear in real
    anyaman. Built axis-aligned from a tiled repeat (cheap), then turned by `angle`."""
    s = max(3, round(strip))
    a = math.radians(angle)
    ca, sa = abs(math.cos(a)), abs(math.sin(a))
    gw, gh = max(int(w * ca + h * sa), w) + 4, max(int(w * sa + h * ca), h) + 4
    cell_top, cell_shade = _plait_cell(s, twill)
    reps = (gh // cell_top.shape[0] + 1, gw // cell_top.shape[1] + 1)
    a_top = np.tile(cell_top, reps)[:gh, :gw]
    shade = np.tile(cell_shade, reps)[:gh, :gw]
    i, j = np.arange(gw) // s, np.arange(gh) // s
    tone = rng.normal(1.0, 0.045, 512).astype(F32)
    nat = np.stack([_rgb(c) for c in pal["nat"]])[rng.integers(0, len(pal["nat"]), 512)] * tone[:, None]
    sa_, sb_ = i % 512, (j + 7919) % 512
    col = np.where(a_top[..., None], nat[sa_][None, :], nat[sb_][:, None])
    if motif is not None:
        px, py = (np.arange(i[-1] + 1) + 0.5) * s - gw / 2, (np.arange(j[-1] + 1) + 0.5) * s - gh / 2
        fx = (px[None, :] * math.cos(a) + py[:, None] * math.sin(a) + w / 2) / w
        fy = (-px[None, :] * math.sin(a) + py[:, None] * math.cos(a) + h / 2) / h
        dyed = motif(fx, fy)[j[:, None], i[None, :]]
        dye = _rgb(pal["dye"]) * np.where(a_top, tone[sa_][None, :], tone[sb_][:, None])[..., None]
        col = np.where(dyed[..., None], dye, col)
    return _blur(_rotate(col * shade[..., None], angle, (w, h)), soft)


def _motif_for(name: str, band: float) -> Callable:
    """A woven motif in texture fractions: a border (lis), pucuk rebung teeth or a central
    flower (bunga); all keep the dyed border band of width `band`."""

    def border(x, y):
        d = np.minimum(np.minimum(x, 1 - x), np.minimum(y, 1 - y))
        return (d > 0.025) & (d < 0.025 + band)

    def rebung(x, y):
        p = (x * 6) % 1.0 - 0.5
        q = (y % 0.5) / 0.5
        return ((q > 0.55) & (q < 0.9) & (np.abs(p) * 2 < (q - 0.55) / 0.35)) | border(x, y)

    def star(x, y):
        p, q = np.abs(x - 0.5), np.abs(y - 0.5)
        d, s = p + q, np.maximum(p, q)
        ring = ((d > 0.16) & (d < 0.22)) | ((s > 0.11) & (s < 0.15))
        return ring | border(x, y) | ((p + q) < 0.05)

    return {"lis": border, "pucuk-rebung": rebung, "bunga": star}[name]


def _tenun(h: int, w: int, thread: float, pal: dict, rng: np.random.Generator,
           soft: float = 0.6) -> np.ndarray:
    """Songket-like cloth: warp stripes, a plain weave, gold supplementary-weft motifs
    (8-point stars in a lattice) and a pucuk rebung border; motifs snap to the thread grid."""
    X = np.arange(w, dtype=F32)[None, :]
    Y = np.arange(h, dtype=F32)[:, None]
    ti, tj = np.floor(X / thread), np.floor(Y / thread)
    base, stripe, edge = (_rgb(pal[k]) for k in ("base", "stripe", "edge"))
    xf = (ti * thread) / w
    yf = (tj * thread) / h
    margin = 0.07
    stripe_band = ((xf < margin) | (xf > 1 - margin)) & ((xf * w / thread) % 6 < 3)
    col = np.where(stripe_band[..., None], stripe, base) * np.ones((h, 1, 1), F32)
    weave = 0.92 + 0.08 * (((ti + tj) % 2) * np.sin(np.pi * ((X / thread) % 1)) +
                           ((ti + tj + 1) % 2) * np.sin(np.pi * ((Y / thread) % 1)))
    cell = max(w * 0.16, 8 * thread)
    cu = ((ti * thread) % cell) / cell - 0.5
    cv = ((tj * thread + cell * 0.5 * (np.floor(ti * thread / cell) % 2)) % cell) / cell - 0.5
    p, q = np.abs(cu), np.abs(cv)
    star = ((p + q) < 0.26) | (np.maximum(p, q) < 0.17)
    star &= ~((np.maximum(p, q) < 0.07) & ((p + q) > 0.04))
    lattice = np.abs((p + q) - 0.5) < 0.035
    body = (xf > margin + 0.02) & (xf < 1 - margin - 0.02) & (yf < 0.78)
    tooth = ((xf * 7) % 1.0 - 0.5)
    qb = (yf - 0.8) / 0.16
    rebung = (qb > 0) & (qb < 1) & (np.abs(tooth) * 2 < qb) & ~((np.abs(tooth) * 2 < qb - 0.35) & (qb > 0.5))
    lines = (np.abs(yf - 0.795) < 0.006) | (np.abs(yf - 0.965) < 0.006)
    gold = (body & (star | lattice)) | rebung | lines
    float_pos = (X / thread / 3) % 1.0
    sheen = 0.85 + 0.25 * np.sin(np.pi * float_pos) + 0.12 * _noise(h, w, w / 3, rng)
    gold_col = (GOLD * 0.75 + edge * 0.25) * sheen[..., None]
    img = np.where(gold[..., None], gold_col, col * weave[..., None])
    img *= (1 + 0.04 * _noise(h, w, w / 4, rng))[..., None]
    return _blur(img.astype(F32), soft)


@functools.lru_cache(maxsize=16)
def _batik_tile(px: int, colours: tuple[tuple[str, str], ...], motif: str) -> np.ndarray:
    """One seamless batik repeat drawn like canting work: filled shapes, pale wax outlines,
    isen-isen dots and small ceplok flowers; drawn at double size and reduced for smooth lines.
    Cached: the shots of one product and the layers of a folded stack share it (read-only)."""
    pal = dict(colours)
    s = 2 * px
    img = Image.new("RGB", (s, s), pal["bg"])
    d = ImageDraw.Draw(img)
    lw = max(2, s // 120)
    step = s // 16
    r = max(1, s // 200)
    for n, gy in enumerate(range(0, s, step)):
        for gx in range(n % 2 * step // 2, s, step):
            d.ellipse([gx - r, gy - r, gx + r, gy + r], fill=pal["dot"])
    for (fx, fy), name, size, turn in (((0.25, 0.25), motif, 0.56, 0.6), ((0.75, 0.75), motif, 0.56, -2.3),
                                       ((0.75, 0.25), "ceplok", 0.2, 0.0), ((0.25, 0.75), "ceplok", 0.2, 0.8)):
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                cx, cy = (fx + dx) * s, (fy + dy) * s
                if -0.5 * s < cx < 1.5 * s and -0.5 * s < cy < 1.5 * s:
                    BATIK_DRAW[name](d, cx, cy, s * size, turn, pal, lw)
    return np.asarray(img.resize((px, px), Image.Resampling.LANCZOS), F32) / 255


def _poly(cx, cy, pts, angle):
    c, s = math.cos(angle), math.sin(angle)
    return [(cx + x * c - y * s, cy + x * s + y * c) for x, y in pts]


def _leaf(length: float, width: float, n: int = 24, bend: float = 0.0):
    """Outline of a pointed leaf along +x (tobacco, rice grain or petal), optionally bent."""
    ts = np.linspace(0, 1, n)
    mid = [bend * length * math.sin(math.pi * t) for t in ts]
    half = [width / 2 * math.sin(math.pi * t) ** 0.8 for t in ts]
    xs = [length * t - length / 2 for t in ts]
    top = [(x, m - e) for x, m, e in zip(xs, mid, half, strict=True)]
    bot = [(x, m + e) for x, m, e in zip(xs, mid, half, strict=True)]
    return top + bot[::-1]


def _dots_along(d: ImageDraw.ImageDraw, pts, every: int, r: float, colour) -> None:
    for x, y in pts[::every]:
        d.ellipse([x - r, y - r, x + r, y + r], fill=colour)


def _tembakau(d: ImageDraw.ImageDraw, cx: float, cy: float, size: float, turn: float, pal: dict, lw: int) -> None:
    """A tobacco leaf (the Deli tobacco once grown here): stalk, midrib, veins, dotted edge."""
    line = pal["line"]
    d.line(_poly(cx, cy, [(-size * 0.62, size * 0.1), (-size * 0.45, 0)], turn), fill=line, width=lw * 2)
    d.polygon(_poly(cx, cy, _leaf(size, size * 0.46, 30, 0.05), turn), fill=pal["fill"], outline=line, width=lw)
    rib = [(size * (t - 0.5), 0.05 * size * math.sin(math.pi * t)) for t in np.linspace(0, 0.95, 12)]
    d.line(_poly(cx, cy, rib, turn), fill=line, width=lw)
    for t in np.linspace(0.18, 0.78, 6):
        x = size * (t - 0.5)
        for side in (-1, 1):
            vein = [(x, 0.04 * size), (x + 0.08 * size, side * 0.1 * size), (x + 0.16 * size, side * 0.17 * size)]
            d.line(_poly(cx, cy, vein, turn), fill=line, width=max(1, lw // 2), joint="curve")
    _dots_along(d, _poly(cx, cy, _leaf(size * 0.86, size * 0.34, 30, 0.05), turn), 2, lw * 0.7, pal["dot"])


def _padi(d: ImageDraw.ImageDraw, cx: float, cy: float, size: float, turn: float, pal: dict, lw: int) -> None:
    """Two ripe rice stalks with alternating grains and a curved leaf."""
    line, fill = pal["line"], pal["fill"]
    for lean in (-0.35, 0.25):
        a = turn * 0.3 + lean
        stem = [(size * (0.14 * math.sin(t * 2.0) + lean * t * 0.3), size * (0.5 - t)) for t in np.linspace(0, 1, 16)]
        stem = _poly(cx, cy, stem, a * 0.3)
        d.line(stem, fill=line, width=lw, joint="curve")
        for n, (x, y) in enumerate(stem[6:]):
            side = 1 if n % 2 else -1
            grain = _poly(x + side * size * 0.05, y, _leaf(size * 0.12, size * 0.055, 12), side * 0.7 + 1.5)
            d.polygon(grain, fill=fill, outline=line, width=max(1, lw // 2))
        d.polygon(_poly(cx, cy + size * 0.35, _leaf(size * 0.55, size * 0.09, 20, 0.2), a - 0.4),
                  outline=line, fill=fill, width=max(1, lw // 2))


def _ombak(d: ImageDraw.ImageDraw, cx: float, cy: float, size: float, turn: float, pal: dict, lw: int) -> None:
    """Rows of curling waves (the Pantai Cermin coast) with dotted foam."""
    r = size * 0.13
    for row in (-0.28, 0.0, 0.28):
        y = cy + row * size
        for col in (-0.5, -0.25, 0.0, 0.25):
            x = cx + col * size + row * size * 0.5
            crest = [(x - r * 1.2 + r * 2.4 * t, y + r * 0.5 - r * 1.1 * math.sin(math.pi * t) ** 1.5 * (t < 0.8)
                      - r * 0.6 * (t >= 0.8) * math.sin(math.pi * (t - 0.8) * 2.5)) for t in np.linspace(0, 1, 16)]
            d.polygon(crest + [(x + r * 1.2, y + r * 0.5)], fill=pal["fill"], outline=pal["line"], width=lw)
            d.arc([x + r * 0.1, y - r * 0.7, x + r * 0.9, y + r * 0.1], 90, 400, fill=pal["line"], width=lw)
            _dots_along(d, [(x - r * 0.6 + r * 0.4 * k, y + r * 0.85) for k in range(4)], 1, lw * 0.7, pal["dot"])


def _petals(d, cx, cy, size, turn, count, reach, length, breadth, **style) -> list:
    """Draw `count` petals around a centre; returns each petal's (x, y, angle) for extra detail."""
    out = []
    for n in range(count):
        a = turn + 2 * math.pi * n / count
        px, py = cx + math.cos(a) * size * reach, cy + math.sin(a) * size * reach
        d.polygon(_poly(px, py, _leaf(size * length, size * breadth), a), **style)
        out.append((px, py, a))
    return out


def _ceplok(d: ImageDraw.ImageDraw, cx: float, cy: float, size: float, turn: float, pal: dict, lw: int) -> None:
    """A small four-petal ceplok flower that fills the gaps between the main motifs."""
    _petals(d, cx, cy, size, turn, 4, 0.25, 0.5, 0.32, fill=pal["bg"], outline=pal["line"], width=max(1, lw // 2))
    r = size * 0.12
    d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=pal["dot"], outline=pal["line"], width=max(1, lw // 2))


def _bunga(d: ImageDraw.ImageDraw, cx: float, cy: float, size: float, turn: float, pal: dict, lw: int) -> None:
    """An eight-petal flower with dotted petal veins."""
    for px, py, a in _petals(d, cx, cy, size, turn, 8, 0.22, 0.4, 0.2, fill=pal["fill"], outline=pal["line"], width=lw):
        _dots_along(d, _poly(px, py, [(-size * 0.08, 0), (size * 0.02, 0), (size * 0.12, 0)], a), 1, lw * 0.7,
                    pal["line"])
    for r, colour in ((size * 0.1, pal["line"]), (size * 0.05, pal["dot"])):
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=colour)


BATIK_DRAW = {"tembakau": _tembakau, "padi": _padi, "ombak": _ombak, "bunga": _bunga, "ceplok": _ceplok}


def _batik(h: int, w: int, tile: int, pal: dict, motif: str, rng: np.random.Generator,
           soft: float = 0.5) -> np.ndarray:
    """A batik cloth: the tile repeated, with gentle hand-dyed unevenness."""
    t = _batik_tile(tile, tuple((k, pal[k]) for k in ("bg", "fill", "line", "dot")), motif)
    reps = (h // tile + 2, w // tile + 2)
    oy, ox = rng.integers(tile), rng.integers(tile)
    img = np.tile(t, (*reps, 1))[oy:oy + h, ox:ox + w]
    img = img * (1 + 0.05 * _noise(h, w, w / 3, rng))[..., None]
    return _blur(img.astype(F32), soft)


# ---------------------------------------------------------------- a tiny 3-D camera for boxes

@dataclass
class Camera:
    """Orthographic-ish camera with mild perspective; (x right, y up, z toward viewer)."""

    yaw: float
    pitch: float
    scale: float = 1.0
    cx: float = 0.0
    cy: float = 0.0
    f: float = 8.0

    def _rot(self, p: np.ndarray, yaw_extra: float = 0.0) -> np.ndarray:
        yw, pt = math.radians(self.yaw + yaw_extra), math.radians(self.pitch)
        x, y, z = p[..., 0], p[..., 1], p[..., 2]
        x1, z1 = x * math.cos(yw) + z * math.sin(yw), -x * math.sin(yw) + z * math.cos(yw)
        y2, z2 = y * math.cos(pt) - z1 * math.sin(pt), y * math.sin(pt) + z1 * math.cos(pt)
        return np.stack([x1, y2, z2], -1)

    def project(self, pts, yaw_extra: float = 0.0) -> np.ndarray:
        r = self._rot(np.asarray(pts, float), yaw_extra)
        k = self.f / (self.f - r[..., 2])
        return np.stack([self.cx + self.scale * r[..., 0] * k, self.cy - self.scale * r[..., 1] * k], -1)

    def facing(self, normal, yaw_extra: float = 0.0) -> np.ndarray:
        return self._rot(np.asarray(normal, float), yaw_extra)

    def fit(self, pts: np.ndarray, box: tuple[float, float, float, float]) -> None:
        """Scale and centre so the projected points fill box (x0, y0, x1, y1) bottom-aligned."""
        self.scale, self.cx, self.cy = 1.0, 0.0, 0.0
        p = self.project(pts)
        span = p.max(0) - p.min(0)
        self.scale = min((box[2] - box[0]) / span[0], (box[3] - box[1]) / span[1])
        p = self.project(pts)
        self.cx = (box[0] + box[2]) / 2 - (p[:, 0].min() + p[:, 0].max()) / 2
        self.cy = box[3] - p[:, 1].max()


def _box_faces(w: float, d: float, h: float, y0: float = 0.0, taper: float = 1.0):
    """Corners (TL, TR, BR, BL seen from outside) and normals of a box's visible-side faces."""
    hw, hd, tw, td, y1 = w / 2, d / 2, w / 2 * taper, d / 2 * taper, y0 + h
    return {
        "front": ([(-tw, y1, td), (tw, y1, td), (hw, y0, hd), (-hw, y0, hd)], (0, 0, 1)),
        "right": ([(tw, y1, td), (tw, y1, -td), (hw, y0, -hd), (hw, y0, hd)], (1, 0, 0)),
        "left": ([(-tw, y1, -td), (-tw, y1, td), (-hw, y0, hd), (-hw, y0, -hd)], (-1, 0, 0)),
        "top": ([(-tw, y1, -td), (tw, y1, -td), (tw, y1, td), (-tw, y1, td)], (0, 1, 0)),
    }


def _lambert(n_cam: np.ndarray) -> float:
    return float(0.5 + 0.55 * max(float(n_cam @ LIGHT), 0.0))


def _draw_box(canvas, cam: Camera, faces: dict, textures: dict, yaw_extra: float = 0.0,
              shades: dict | None = None) -> list[np.ndarray]:
    """Draw the visible faces of a box; returns the screen footprint for the shadow."""
    wh = (canvas.shape[1], canvas.shape[0])
    for name, (corners, normal) in faces.items():
        n = cam.facing(normal, yaw_extra)
        if n[2] <= 0.03 or name not in textures:
            continue
        quad = cam.project(corners, yaw_extra)
        base = _lambert(n)
        custom = (shades or {}).get(name)

        def shade(u, v, base=base, custom=custom):
            s = base * (0.9 + 0.1 * (1 - v)) if custom is None else base * custom(u, v)
            return s.astype(F32)

        _put(canvas, _warp(textures[name], quad, wh, shade))
    front, right, left = faces["front"][0], faces["right"][0], faces["left"][0]
    return [cam.project([front[3], front[2], right[2], left[3]], yaw_extra)]


# ---------------------------------------------------------------- ropes, rims and other strokes

def _rope(canvas: np.ndarray, pts: np.ndarray, width: float, colour: np.ndarray,
          twist: bool = True) -> None:
    """A braided handle along a screen polyline: rounded shading and diagonal twists."""
    h, w = canvas.shape[:2]
    box = _bbox(pts, w, h, pad=int(width) + 4)
    if box is None:
        return
    x0, y0, x1, y1 = box
    size = (x1 - x0, y1 - y0)
    local = [(float(x - x0), float(y - y0)) for x, y in pts]
    masks = [Image.new("L", size, 0) for _ in range(3)]
    d0, d1, d2 = (ImageDraw.Draw(m) for m in masks)
    d0.line(local, fill=255, width=max(2, int(width)), joint="curve")
    off = width * 0.18
    d1.line([(x - off, y - off) for x, y in local], fill=255, width=max(1, int(width * 0.35)), joint="curve")
    if twist:
        seg = np.cumsum([0] + [math.dist(a, b) for a, b in zip(local, local[1:], strict=False)])
        for s in np.arange(width * 0.5, seg[-1], width * 0.55):
            k = int(np.searchsorted(seg, s)) - 1
            k = min(max(k, 0), len(local) - 2)
            (ax, ay), (bx, by) = local[k], local[k + 1]
            t = (s - seg[k]) / max(seg[k + 1] - seg[k], 1e-6)
            px, py = ax + (bx - ax) * t, ay + (by - ay) * t
            dx, dy = (bx - ax), (by - ay)
            n = math.hypot(dx, dy) or 1.0
            dx, dy = dx / n, dy / n
            r = width * 0.5
            d2.line([(px - dy * r + dx * r * 0.5, py + dx * r + dy * r * 0.5),
                     (px + dy * r - dx * r * 0.5, py - dx * r - dy * r * 0.5)], fill=255,
                    width=max(1, int(width * 0.12)))
    blur = max(0.6, width * 0.06)
    a, hi, tw = (np.asarray(m.filter(ImageFilter.GaussianBlur(r)), F32) / 255
                 for m, r in zip(masks, (0.7, width * 0.2, blur), strict=True))
    rgb = colour * (0.72 + 0.45 * hi - 0.28 * tw * (a > 0.5))[..., None]
    _put(canvas, Layer(x0, y0, rgb.astype(F32), a))


# ---------------------------------------------------------------- subjects

@dataclass
class Ctx:
    """What one drawing needs: canvas size, unit length, the shot's and the product's random streams."""

    w: int
    h: int
    rng: np.random.Generator  # composition of this shot; colours and motifs come from pal
    kind: str
    pal: dict

    @property
    def k(self) -> float:
        return min(self.w, self.h) / 1440


def _woven_tex(c: Ctx, h: int, w: int, ppu: float, motif: bool | Callable = True, soft: float | None = None,
               seed: int = 0, tilt: float = 0.0, window: float = 1.0) -> np.ndarray:
    """Anyaman texture for a face of ppu pixels per object unit (purun narrow, pandan wider).
    A close-up passes tilt (degrees) and window (< 1: the frame shows that fraction of the
    object, near a corner, so the motif's border runs through the shot)."""
    strip = ppu * (0.032 if c.kind == "purun" else 0.058)
    rng = np.random.default_rng([seed, int(c.pal["seed"])])
    band = 0.06 + 0.03 * (c.pal["seed"] % 97) / 97
    fn = motif if callable(motif) else _motif_for(c.pal["motif"], band) if motif else None
    if fn is not None and window != 1.0:
        fn = (lambda f: lambda x, y: f(0.015 + x * window, 0.015 + y * window))(fn)
    twill = c.kind == "purun" or c.pal["seed"] % 2 == 0
    angle = 45 if c.kind == "purun" else (0 if c.pal["seed"] % 2 else 45)
    return _plait(max(h, 4), max(w, 4), max(strip, 2.5), c.pal, rng, angle + tilt, twill, fn,
                  soft=0.5 * c.k + 0.2 if soft is None else soft)


def _trimmed(tex: np.ndarray, colour: str, top: float = 0.0, bottom: float = 0.0) -> np.ndarray:
    """Add binding bands (cloth or dyed strip) at the top and bottom of a face texture."""
    out = tex.copy()
    h = tex.shape[0]
    col = _rgb(colour)
    for a, b in ((0, int(h * top)), (h - int(h * bottom), h)):
        if b > a:
            rows = np.linspace(0, np.pi, b - a, dtype=F32)[:, None, None]
            out[a:b] = col * (0.75 + 0.3 * np.sin(rows)) * (0.9 + 0.1 * tex[a:b] / tex[a:b].max())
    return out


def _cast(canvas: np.ndarray, c: Ctx, foot: list[np.ndarray], reach: float) -> None:
    """Shadow of an object standing on the floor: a soft one thrown away from the upper-left
    light, plus a tight dark contact shadow right under it."""
    _shadow(canvas, foot, 40 * c.k, 0.35, offset=(reach, -0.4 * reach))
    _shadow(canvas, foot, 8 * c.k, 0.5)


def _bag(c: Ctx, canvas: np.ndarray, cam: Camera, box, shoulder: bool = False) -> None:
    """A bag: tapered box, dark interior, two braided handles (tas jinjing) or one long strap."""
    W, D, H, taper = 1.0, 0.36, 0.78, 1.08
    faces = _box_faces(W, D, H, taper=taper)
    handle_h = 0.75 if shoulder else 0.42
    pts = [p for f in faces.values() for p in f[0]] + [(0, H + handle_h, 0)]
    cam.fit(np.array(pts), box)
    ppu = cam.scale
    front = _trimmed(_woven_tex(c, int(H * ppu), int(W * taper * ppu), ppu, seed=1), c.pal["trim"], top=0.09)
    side = _trimmed(_woven_tex(c, int(H * ppu), int(D * ppu), ppu, motif=False, seed=2), c.pal["trim"], top=0.09)
    inside = _trimmed(_woven_tex(c, int(D * ppu), int(W * ppu), ppu, motif=False, seed=3) * 0.4, c.pal["trim"],
                      top=0.06, bottom=0.06)
    _cast(canvas, c, _draw_box(canvas, cam, faces, {}), 0.12 * ppu)
    rope = _rgb(c.pal["trim"]) * 1.2
    ts = W * taper / 2
    if shoulder:
        arc = [(ts * 0.97 * math.cos(t), H * 0.92 + handle_h * math.sin(t)) for t in np.linspace(0, math.pi, 32)]
        _rope(canvas, cam.project([(x, y, 0.0) for x, y in arc]), 0.028 * ppu, rope, twist=False)
    else:
        arc = [(ts * 0.45 * math.cos(t), H + handle_h * math.sin(t)) for t in np.linspace(0, math.pi, 24)]
        _rope(canvas, cam.project([(x, y, -D / 2 * taper * 0.8) for x, y in arc]), 0.035 * ppu, rope * 0.85)
    _draw_box(canvas, cam, faces, {"front": front, "right": side, "left": side, "top": inside},
              shades={"top": lambda u, v: (0.35 + 1.6 * (1 - _smooth(0.0, 0.45, v))) * np.ones_like(u)})
    if not shoulder:
        _rope(canvas, cam.project([(x, y, D / 2 * taper * 0.95) for x, y in arc]), 0.035 * ppu, rope)


def _flap(c: Ctx, tex: np.ndarray) -> np.ndarray:
    """Draw a purse flap onto a face texture: soft shadow under a V edge, binding, a button."""
    th, tw = tex.shape[:2]
    flap = [(0, 0), (tw, 0), (tw, th * 0.42), (tw * 0.5, th * 0.64), (0, th * 0.42)]
    masks = [Image.new("L", (tw, th), 0) for _ in range(2)]
    ImageDraw.Draw(masks[0]).polygon(flap, fill=255)
    ImageDraw.Draw(masks[1]).polygon([(x, y + th * 0.04) for x, y in flap], fill=255)
    inside = np.asarray(masks[0].filter(ImageFilter.GaussianBlur(0.8)), F32)[..., None] / 255
    under = np.asarray(masks[1].filter(ImageFilter.GaussianBlur(th * 0.025)), F32)[..., None] / 255
    out = tex * (1 - 0.55 * under * (1 - inside)) * (1 + 0.06 * inside)
    img = Image.fromarray(_to8(out))
    d = ImageDraw.Draw(img)
    d.line(flap[2:], fill=c.pal["trim"], width=max(2, int(th * 0.04)), joint="curve")
    d.line([(0, th * 0.025), (tw, th * 0.025)], fill=c.pal["trim"], width=max(2, int(th * 0.05)))
    r = th * 0.05
    bx, by = tw * 0.5, th * 0.6
    d.ellipse([bx - r, by - r, bx + r, by + r], fill=c.pal["trim"])
    d.ellipse([bx - r * 0.6, by - r * 0.7, bx - r * 0.1, by - r * 0.2], fill=(225, 210, 180))
    return _blur(np.asarray(img, F32) / 255, 0.6 * c.k)


def _clutch(c: Ctx, canvas: np.ndarray, cam: Camera, box) -> None:
    """A purse (dompet) with a flap edged in binding and a round button."""
    W, D, H = 1.0, 0.12, 0.58
    faces = _box_faces(W, D, H)
    cam.fit(np.array([p for f in faces.values() for p in f[0]]), box)
    ppu = cam.scale
    th, tw = int(H * ppu), int(W * ppu)
    front = _flap(c, _woven_tex(c, th, tw, ppu, seed=1))
    side = _trimmed(_woven_tex(c, th, max(int(D * ppu), 4), ppu, motif=False, seed=2), c.pal["trim"], top=0.05)
    top = _woven_tex(c, max(int(D * ppu), 4), tw, ppu, motif=False, seed=3) * _rgb(c.pal["trim"]) * 1.6
    _cast(canvas, c, _draw_box(canvas, cam, faces, {}), 0.08 * ppu)
    _draw_box(canvas, cam, faces, {"front": front, "right": side, "left": side, "top": top})


def _crate(c: Ctx, canvas: np.ndarray, cam: Camera, box, second: bool = False) -> None:
    """A lidded pandan box (kotak serbaguna); optionally a smaller one stacked on top."""
    parts = [(1.0, 0.8, 0.5, 0.0, 0.0)]
    if second:
        parts.append((0.7, 0.56, 0.36, 0.54, 18.0))
    all_pts = []
    for W, D, H, y0, _ in parts:
        for p in _box_faces(W * 1.05, D * 1.05, H + 0.08, y0).values():
            all_pts += p[0]
    cam.fit(np.array(all_pts), box)
    ppu = cam.scale
    for n, (W, D, H, y0, yaw) in enumerate(parts):
        base = _box_faces(W, D, H, y0)
        lid = _box_faces(W * 1.05, D * 1.05, 0.16 * H / 0.5, y0 + H * 0.75)
        tex = {f: _woven_tex(c, int(H * ppu), int((W if f == "front" else D) * ppu), ppu, motif=False,
                             seed=10 * n + 1) for f in ("front", "right", "left")}
        lh = int(0.16 * H / 0.5 * ppu)
        lid_tex = {f: _trimmed(_woven_tex(c, lh, int((W if f == "front" else D) * 1.05 * ppu), ppu, motif=False,
                                          seed=10 * n + 2), c.pal["trim"], top=0.25, bottom=0.25)
                   for f in ("front", "right", "left")}
        lid_tex["top"] = _woven_tex(c, int(D * 1.05 * ppu), int(W * 1.05 * ppu), ppu, seed=10 * n + 3)
        foot = _draw_box(canvas, cam, base, {}, yaw)
        if n == 0:
            _cast(canvas, c, foot, 0.12 * ppu)
        _draw_box(canvas, cam, base, tex, yaw)
        _draw_box(canvas, cam, lid, lid_tex, yaw)


def _basket(c: Ctx, canvas: np.ndarray, cx: float, yb: float, r: float, hs: float, pitch: float,
            handle: bool = True) -> None:
    """A round basket (keranjang): textured cylinder, dark inside seen over the rim, braided handle."""
    e = math.sin(math.radians(pitch))
    cp = math.cos(math.radians(pitch))
    top_y = yb - hs * cp
    box = (cx - r - 4, top_y - e * r - 4 - (hs * 0.7 if handle else 0), cx + r + 4, yb + e * r + 4)
    _shadow(canvas, [np.array([(cx - r * 1.05, yb), (cx + r * 1.1, yb), (cx + r * 1.2, yb + e * r * 1.2),
                               (cx - r, yb + e * r * 1.1)])], 22 * c.k, 0.5, offset=(r * 0.08, -e * r * 0.1))
    if handle:
        arc = [(cx + r * 0.9 * math.cos(t), top_y - hs * 0.65 * math.sin(t)) for t in np.linspace(0, math.pi, 28)]
        _rope(canvas, np.array(arc), r * 0.07, _rgb(c.pal["trim"]) * 1.1)
    ppu = r * 1.6

    def bands(x, y):  # two dyed rings around the body
        return (np.abs(y - 0.3) < 0.045) | (np.abs(y - 0.7) < 0.045)

    tex = _trimmed(_woven_tex(c, int(hs), int(math.pi * r), ppu, bands, seed=5), c.pal["trim"], top=0.07, bottom=0.05)
    inner = _woven_tex(c, int(hs), int(math.pi * r), ppu, motif=False, seed=6)
    b = _bbox(np.array([[box[0], box[1]], [box[2], box[3]]]), c.w, c.h, 0)
    xs, ys = _grid(b)
    s = np.clip((xs - cx) / r, -1, 1)
    cz = np.sqrt(1 - s * s)
    theta = np.arcsin(s)
    rgb = np.zeros((*np.broadcast_shapes(xs.shape, ys.shape), 3), F32)
    alpha = np.zeros(rgb.shape[:2], F32)
    ell = ((xs - cx) / r) ** 2 + ((ys - top_y) / max(e * r, 1)) ** 2
    hin = (yb - e * r * cz - ys) / cp
    back_in = (ell < 1) & (hin >= 0)
    u = (theta / math.pi + 0.5) * tex.shape[1]
    inside = _sample(inner, u + 0 * ys, (hs - hin) / hs * inner.shape[0]) * (0.25 + 0.3 * (hin / hs))[..., None]
    rgb = np.where(back_in[..., None], inside, rgb)
    rgb = np.where(((ell < 1) & ~back_in)[..., None], _rgb(c.pal["nat"][0]) * 0.18, rgb)
    alpha = np.where(ell < 1, 1.0, alpha)
    hf = (yb + e * r * cz - ys) / cp
    lam = 0.5 + 0.55 * np.clip(s * LIGHT[0] + cz * LIGHT[2], 0, 1)
    body = _sample(tex, u + 0 * ys, (hs - hf) / hs * tex.shape[0]) * (lam * (0.85 + 0.15 * hf / hs))[..., None]
    cover = np.clip(np.minimum(hf, r - np.abs(xs - cx)) + 0.5, 0, 1) * (hf <= hs)
    rgb = np.where((cover > 0)[..., None], body, rgb)
    alpha = np.maximum(alpha, cover)
    rim = np.abs(np.sqrt(ell) - 1) < 0.05
    rim_light = 0.75 + 0.35 * np.clip(-(ys - top_y) / max(e * r, 1), -1, 1) * 0.5 + 0.2 * (xs < cx)
    rgb = np.where(rim[..., None], _rgb(c.pal["trim"]) * rim_light[..., None], rgb)
    alpha = np.maximum(alpha, rim.astype(F32))
    _put(canvas, Layer(b[0], b[1], _blur(rgb, 0.5 * c.k), alpha))


def _hanging(c: Ctx, canvas: np.ndarray, tex: np.ndarray, x0: float, x1: float, y0: float, y1: float,
             fringe: bool) -> None:
    """Cloth hanging from a wooden rod: folds compress the pattern and shade ridges and valleys."""
    rng = c.rng
    wpx = x1 - x0
    spread = wpx * 0.04
    b = _bbox(np.array([[x0 - spread, y0], [x1 + spread, y1 + wpx * 0.08]]), c.w, c.h, 2)
    xs, ys = _grid(b)
    t = np.clip((ys - y0) / (y1 - y0), 0, 1)
    grow = 0.25 + 0.75 * t ** 1.3
    waves = [(rng.uniform(2.5, 6.5), rng.uniform(0, 6.3), rng.uniform(0.5, 1.0)) for _ in range(3)]
    z = np.zeros(np.broadcast_shapes(xs.shape, ys.shape), F32)
    dz = np.zeros_like(z)
    for f, ph, a in waves:
        om = 2 * math.pi * f / wpx
        z += a * np.sin(om * (xs - x0) + ph) * grow
        dz += a * om * np.cos(om * (xs - x0) + ph) * grow
    amp = wpx * 0.018
    z, dz = z * amp, dz * amp
    left = x0 - spread * t
    right = x1 + spread * t
    u = np.cumsum(np.sqrt(1 + dz * dz), axis=1)
    ends = [np.take_along_axis(u, np.clip(np.round(e - b[0]).astype(int), 0, u.shape[1] - 1), 1)
            for e in (left, right)]
    u = (u - ends[0]) / (ends[1] - ends[0]) * tex.shape[1]
    hem = y1 + z * 0.6
    v = (ys - y0) / (y1 - y0) * tex.shape[0]
    rgb = _sample(tex, u, v)
    light = 0.86 - 0.55 * dz / np.sqrt(1 + dz * dz) + 0.06 * z / amp
    rgb *= np.clip(light, 0.35, 1.2)[..., None]
    alpha = np.clip(np.minimum(np.minimum(xs - left, right - xs), hem - ys) + 0.5, 0, 1) * (ys >= y0)
    _shadow(canvas, [np.array([(x0, y0), (x1, y0), (x1 + spread, y1), (x0 - spread, y1)])], 30 * c.k, 0.35,
            offset=(wpx * 0.04, wpx * 0.03))
    _put(canvas, Layer(b[0], b[1], rgb.astype(F32), alpha.astype(F32)))
    if fringe:
        _fringe(canvas, c, tex, left, right, hem, b)
    _rod(canvas, c, x0 - wpx * 0.08, x1 + wpx * 0.08, y0)


def _paint(canvas: np.ndarray, box, draw: Callable[[ImageDraw.ImageDraw], None], colour, opacity: float = 1.0,
           blur: float = 0.7) -> None:
    """Blend a colour through a mask that `draw` makes with Pillow shapes in canvas coordinates;
    only the box (x0, y0, x1, y1) is touched, which keeps small strokes cheap on big photos."""
    b = _bbox(np.asarray(box, float).reshape(2, 2), canvas.shape[1], canvas.shape[0], 2)
    if b is None:
        return
    x0, y0, x1, y1 = b
    img = Image.new("L", (x1 - x0, y1 - y0), 0)
    draw(ImageDraw.Draw(img, None), x0, y0)
    m = np.asarray(img.filter(ImageFilter.GaussianBlur(blur)), F32)[..., None] / 255 * opacity
    region = canvas[y0:y1, x0:x1]
    region[:] = region * (1 - m) + np.asarray(colour, F32) * m


def _fringe(canvas, c: Ctx, tex, left, right, hem, b) -> None:
    """Rumbai: loose warp threads below the hem of a tenun cloth."""
    row = hem.shape[0] - 1
    ln = (right[row, 0] - left[row, 0]) * 0.05
    lines = []
    for x in range(b[0], b[2], max(2, int(5 * c.k))):
        if left[row, 0] + 3 < x < right[row, 0] - 3:
            yh = float(hem[-1, x - b[0]])
            lines.append([(x, yh - 2), (x + c.rng.uniform(-2, 2) * c.k, yh + ln * c.rng.uniform(0.85, 1.1))])

    def draw(d, ox, oy):
        for line in lines:
            d.line([(x - ox, y - oy) for x, y in line], fill=255, width=max(1, int(2 * c.k)))

    _paint(canvas, (b[0], hem.min() - 4, b[2], hem.max() + ln * 1.2), draw, tex[-1].mean(0) * 0.9, blur=0.6)


def _rod(canvas, c: Ctx, x0: float, x1: float, y: float) -> None:
    """A round wooden rod with a hanging cord, drawn as a shaded cylinder."""
    r = 0.012 * c.w
    wood = _rgb("#7A4E2C")
    peg = (c.w * 0.5, y - c.h * 0.07)
    cord = [(x0 + r * 4, y), peg, (x1 - r * 4, y)]
    _paint(canvas, (x0, peg[1], x1, y), lambda d, ox, oy: d.line([(px - ox, py - oy) for px, py in cord], fill=255,
                                                                  width=max(1, int(2.5 * c.k))), _rgb("#5B4636"))
    b = _bbox(np.array([[x0 - r, y - r], [x1 + r, y + r]]), c.w, c.h, 1)
    xs, ys = _grid(b)
    s = np.clip((ys - y) / r, -1, 1)
    shade = 0.55 + 0.5 * np.sqrt(1 - s * s) - 0.25 * s
    rgb = wood * (shade * np.ones_like(xs))[..., None]
    a = np.clip(np.minimum(r - np.abs(ys - y), np.minimum(xs - x0, x1 - xs)) + 0.5, 0, 1)
    _shadow(canvas, [np.array([(x0, y + r), (x1, y + r), (x1, y + 2 * r), (x0, y + 2 * r)])], 8 * c.k, 0.3)
    _put(canvas, Layer(b[0], b[1], rgb.astype(F32), a.astype(F32)))


def _spread(c: Ctx, canvas: np.ndarray, tex: np.ndarray, cam: Camera, box, W: float, D: float,
            roll: float) -> None:
    """A mat or cloth laid flat with its far end rolled up, as shops show tikar and kain."""
    faces = _box_faces(W, D, 0.004)
    cam.fit(np.array(faces["top"][0] + [(-W / 2, roll * 2, -D / 2), (W / 2, roll * 2, -D / 2)]), box)
    top = cam.project(faces["top"][0])
    _shadow(canvas, [top], 14 * c.k, 0.35, offset=(6 * c.k, 6 * c.k))
    _put(canvas, _warp(tex, top, (c.w, c.h), lambda u, v: (0.92 + 0.1 * v) * np.ones_like(u)))
    far_l, far_r = cam.project([(-W / 2, 0, -D / 2 + roll), (W / 2, 0, -D / 2 + roll)])
    up = cam.project([(-W / 2, 2 * roll, -D / 2 + roll)])[0] - far_l
    quad = np.array([far_l + up, far_r + up, far_r, far_l])
    n = tex.shape[0] // 3
    rows = ((np.arcsin(np.linspace(-0.999, 0.999, n)) / math.pi + 0.5) * (n - 1)).astype(int)
    roll_tex = tex[rows]
    _shadow(canvas, [quad], 10 * c.k, 0.45, offset=(0, 0.15 * float(np.linalg.norm(up))))
    _put(canvas, _warp(roll_tex, quad, (c.w, c.h),
                       lambda u, v: (0.45 + 0.75 * np.clip(np.sin(np.pi * np.clip(v * 0.95 + 0.05, 0, 1)), 0, 1) ** 0.7
                                     - 0.15 * v) * np.ones_like(u)))
    _roll_end(canvas, c, far_r + up / 2, float(np.linalg.norm(up)) / 2, tex)


def _roll_end(canvas, c: Ctx, centre, radius: float, tex) -> None:
    """The spiral seen at the end of a rolled mat or cloth."""
    rx, (x, y) = radius * 0.32, centre
    box = (x - rx, y - radius, x + rx, y + radius)

    def disc(d, ox, oy):
        d.ellipse([x - rx - ox, y - radius - oy, x + rx - ox, y + radius - oy], fill=255)

    def rings(d, ox, oy):
        for f in np.linspace(0.25, 0.95, 5):
            d.ellipse([x - rx * f - ox, y - radius * f - oy, x + rx * f - ox, y + radius * f - oy], outline=255,
                      width=max(1, int(2 * c.k)))

    _paint(canvas, box, disc, tex.reshape(-1, 3).mean(0) * 0.7, blur=0.8)
    _paint(canvas, box, rings, (0, 0, 0), opacity=0.5, blur=0.8)


def _folded(c: Ctx, canvas: np.ndarray, cam: Camera, box, cloth: Callable[[int, int, int], np.ndarray]) -> None:
    """A stack of folded cloths: soft patterned tops, rounded fold edges, layered open sides."""
    layers, th, depth = 3, 0.09, 0.62
    all_pts = []
    for n in range(layers):
        faces = _box_faces(1.0, depth, th, n * th)
        all_pts += faces["top"][0] + faces["front"][0]
    cam.fit(np.array(all_pts), box)
    ppu = cam.scale

    def rounded(u, v):
        return (0.5 + 0.6 * np.clip(np.sin(np.pi * np.clip(v, 0, 1)), 0, 1) ** 0.6) * np.ones_like(u)

    def layered(u, v):
        return rounded(u, v) * (0.85 + 0.15 * np.cos(2 * np.pi * 4 * v))

    def pillow(u, v):
        return 0.9 + 0.14 * np.clip(np.sin(np.pi * u) * np.sin(np.pi * v), 0, 1) ** 0.5

    shades = {"front": rounded, "left": layered, "right": layered, "top": pillow}
    for n in range(layers):
        yaw = float(c.rng.uniform(-2.5, 2.5)) if n else 0.0
        faces = _box_faces(1.0, depth, th, n * th)
        edge = cloth(max(int(th * ppu), 6), int(ppu), n + 5)
        side = edge[:, : max(4, int(depth * ppu))]
        foot = _draw_box(canvas, cam, faces, {}, yaw)
        if n == 0:
            _cast(canvas, c, foot, 0.1 * ppu)
        else:
            _shadow(canvas, foot, 5 * c.k, 0.3)
        _draw_box(canvas, cam, faces, {"top": cloth(int(depth * ppu), int(ppu), n), "front": edge, "left": side,
                                       "right": side}, yaw, shades=shades)


# ---------------------------------------------------------------- views

def _cloth_tex(c: Ctx, h: int, w: int, zoom: float = 1.0, seed: int = 0) -> np.ndarray:
    """This product's cloth (tenun or batik) at zoom times the usual scale."""
    if c.kind == "tenun":
        return _tenun(h, w, max(2.0, 3.2 * c.k * zoom * (w / (0.6 * c.w))), c.pal,
                      np.random.default_rng([seed, c.pal["seed"]]), soft=0.45 * c.k + 0.2)
    tile = max(24, int(c.w * (0.2 if c.pal["seed"] % 2 else 0.25)))
    return _batik(h, w, tile, c.pal, c.pal["motif"], np.random.default_rng([seed, c.pal["seed"]]),
                  soft=0.4 * c.k + 0.2)


def _detail(c: Ctx, canvas: np.ndarray) -> None:
    """Close-up: the texture fills the frame, turned a little, with a shallow depth of field."""
    tilt = float(c.rng.uniform(-14, 14))
    if c.kind in ("purun", "pandan"):
        sharp = _woven_tex(c, c.h, c.w, c.w * (2.8 if c.kind == "purun" else 1.9), soft=0.7 * c.k + 0.3, seed=9,
                           tilt=tilt, window=0.4)
    else:
        diag = int(math.hypot(c.w, c.h)) + 4
        rng = np.random.default_rng([9, c.pal["seed"]])
        if c.kind == "tenun":
            tex = _tenun(diag, diag, 9 * c.k, c.pal, rng, soft=0.8 * c.k)
        else:
            tex = _batik(diag, diag, int(c.w * 0.75), c.pal, c.pal["motif"], rng, soft=0.8 * c.k)
        sharp = _rotate(tex, tilt, (c.w, c.h))
    y = (np.arange(c.h, dtype=F32) / c.h)[:, None]
    x = (np.arange(c.w, dtype=F32) / c.w)[None, :]
    cloth = c.kind in ("tenun", "batik")
    fold = 1 + 0.07 * np.sin(2 * np.pi * (x * 0.8 + y * 0.5) + c.rng.uniform(0, 6)) if cloth else 1
    focus = float(c.rng.uniform(0.4, 0.6))
    depth = _smooth(0.12, 0.45, np.abs(y - focus)) * np.ones_like(x)
    soft = _blur(sharp, 7 * c.k)
    out = sharp * (1 - depth[..., None]) + soft * depth[..., None]
    vign = 1 - 0.35 * (((x - 0.5) ** 2 + (y - focus) ** 2) * 1.6)
    canvas[:] = out * (vign * fold)[..., None]


def _front_box(c: Ctx) -> tuple[float, float, float, float]:
    """Where the object sits on the page: centred, a little below the middle."""
    w, h = c.w, c.h
    if w > h:
        return (w * 0.25, h * 0.16, w * 0.75, h * 0.8)
    return (w * 0.14, h * 0.26, w * 0.86, h * 0.74)


def _draw_subject(c: Ctx, subject: str, view: str) -> np.ndarray:
    """Compose one shot: backdrop, shadow and object for the subject seen from the view."""
    rng = c.rng
    if view == "detail":
        canvas = np.zeros((c.h, c.w, 3), F32)
        _detail(c, canvas)
        return canvas
    table = view == "angle"
    if view == "alt" and subject in ("tikar", "kain", "selendang"):
        canvas = _floor_top(c.w, c.h, rng, c.pal["studio"])
    else:
        canvas = _backdrop(c.w, c.h, rng, c.pal["studio"], horizon=0.42 if table else None)
    box = _front_box(c)
    if table:
        box = (box[0] + c.w * 0.02, c.h * 0.3, box[2] - c.w * 0.02, c.h * 0.82)
    yaw = {"front": float(rng.uniform(-10, 10)), "angle": float(rng.choice([-1, 1]) * rng.uniform(26, 36)),
           "alt": float(rng.choice([-1, 1]) * rng.uniform(14, 24))}[view]
    pitch = {"front": 9.0, "angle": 22.0, "alt": 14.0}[view]
    if subject == "tas":
        shoulder = c.pal["seed"] % 2 == 1
        if view == "alt":  # the same bag in two sizes, as sellers show a set
            _bag(c, canvas, Camera(yaw, pitch), (c.w * 0.04, c.h * 0.26, c.w * 0.66, c.h * 0.7), shoulder)
            _bag(c, canvas, Camera(yaw, pitch), (c.w * 0.5, c.h * 0.5, c.w * 0.94, c.h * 0.8), shoulder)
        else:
            _bag(c, canvas, Camera(yaw, pitch), box, shoulder)
    elif subject == "dompet":
        inset = (c.w * 0.04, c.h * 0.05, -c.w * 0.04, -c.h * 0.03)
        _clutch(c, canvas, Camera(yaw, pitch + (6 if view != "front" else 0)), tuple(np.add(box, inset)))
    elif subject == "kotak":
        _crate(c, canvas, Camera(yaw, pitch + 8), box, second=view == "alt")
    elif subject == "keranjang":
        _baskets(c, canvas, view)
    elif subject in ("tikar", "kain", "selendang"):
        _flat_goods(c, canvas, subject, view, yaw, box)
    return canvas


def _baskets(c: Ctx, canvas: np.ndarray, view: str) -> None:
    pitch = {"front": 16.0, "angle": 30.0, "alt": 26.0}[view]
    r = min(c.w, c.h) * 0.3
    if view == "alt":
        _basket(c, canvas, c.w * 0.62, c.h * 0.72, r * 0.9, r * 1.05, pitch)
        _basket(c, canvas, c.w * 0.34, c.h * 0.78, r * 0.62, r * 0.7, pitch, handle=False)
    else:
        _basket(c, canvas, c.w * 0.5, c.h * (0.7 if view == "front" else 0.74), r, r * 1.15, pitch)


def _flat_goods(c: Ctx, canvas: np.ndarray, subject: str, view: str, yaw: float, box) -> None:
    """Mats and cloths: hung from a rod (front), folded on a table (angle), spread and rolled (alt)."""
    woven = c.kind in ("purun", "pandan")
    narrow = subject == "selendang"
    if view == "front":
        w_frac = 0.46 if narrow else 0.66
        x0, x1 = c.w * (0.5 - w_frac / 2), c.w * (0.5 + w_frac / 2)
        y0, y1 = c.h * 0.17, c.h * (0.86 if narrow else 0.8)
        tw, th = int(x1 - x0), int(y1 - y0)
        tex = _woven_tex(c, th, tw, tw / 1.2, seed=1) if woven else _cloth_tex(c, th, tw)
        _hanging(c, canvas, tex, x0, x1, y0, y1, fringe=c.kind == "tenun")
    elif view == "angle" and not woven:
        wide = (c.w * 0.08, c.h * 0.36, c.w * 0.92, c.h * 0.8)
        _folded(c, canvas, Camera(yaw * 0.6, 24.0), wide, lambda h, w, s: _cloth_tex(c, h, w, seed=s))
    else:
        W, D = (1.0, 1.5) if not narrow else (0.6, 1.6)
        cam = Camera(yaw * 0.3, 62.0 if view == "alt" else 30.0)
        th, tw = int(c.h * 0.9), int(c.w * 0.9 * W)
        tex = _woven_tex(c, th, tw, tw / W, seed=2) if woven else _cloth_tex(c, th, tw, seed=2)
        margin = (c.w * 0.12, c.h * 0.14, c.w * 0.88, c.h * 0.9)
        _spread(c, canvas, tex, cam, margin, W, D, 0.09)


# ---------------------------------------------------------------- public API

def palette(kind: str, seed: int) -> dict:
    """The colours and motif one product keeps across all its shots (chosen by seed)."""
    rng = np.random.default_rng([seed, CRAFT_KINDS.index(kind), 7])
    if kind in WOVEN:
        pal = dict(WOVEN[kind][seed % len(WOVEN[kind])], motif=WOVEN_MOTIFS[seed % len(WOVEN_MOTIFS)])
    elif kind == "tenun":
        pal = dict(TENUN[seed % len(TENUN)])
    else:
        pal = dict(BATIK[seed % len(BATIK)], motif=BATIK_MOTIFS[(seed // len(BATIK) + seed) % len(BATIK_MOTIFS)])
    pal["seed"] = int(rng.integers(1 << 30)) * 2 + seed % 2
    pal["studio"] = int(rng.integers(1 << 10))
    return pal


def draw_photo(kind: str, variant: int = 0, size: tuple[int, int] = PORTRAIT, seed: int = 0,
               subject: str | None = None) -> Image.Image:
    """Draw one sample product photo (RGB).

    kind: purun, pandan, tenun, batik or detail (a close-up of the craft picked by variant).
    variant: the shot, VIEWS[variant % 4]: front, detail close-up, angle on a table, alt (in use/set).
    seed: the product; all shots with the same kind, subject and seed share colours and motifs.
    subject: what is drawn (SUBJECTS[kind]); by default picked from the seed.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    view = VIEWS[variant % len(VIEWS)]
    if kind == "detail":
        kind, view = CRAFT_KINDS[variant % len(CRAFT_KINDS)], "detail"
    subjects = SUBJECTS[kind]
    subject = subject or subjects[seed % len(subjects)]
    if subject not in subjects:
        raise ValueError(f"unknown subject {subject!r} for {kind}; expected one of {', '.join(subjects)}")
    w, h = size
    c = Ctx(w, h, np.random.default_rng([seed, CRAFT_KINDS.index(kind), variant, 1]), kind, palette(kind, seed))
    canvas = _draw_subject(c, subject, view)
    return Image.fromarray(_to8(canvas))


# ---------------------------------------------------------------- the bundled sample set

@dataclass(frozen=True)
class SamplePhoto:
    """One file of the sample catalogue and how to draw it."""

    file: str
    kind: str
    subject: str
    variant: int
    seed: int
    size: tuple[int, int] = PORTRAIT


def _set(stem: str, kind: str, subject: str, seed: int, variants, ext: str = "jpg", sizes=None):
    sizes = sizes or {}
    return [SamplePhoto(f"{stem}-{n + 1}.{ext if n == 0 else 'jpg'}", kind, subject, v, seed,
                        sizes.get(n, PORTRAIT)) for n, v in enumerate(variants)]


SAMPLES: tuple[SamplePhoto, ...] = tuple(
    _set("purun-tas-jinjing", "purun", "tas", 0, (0, 2, 1, 3))
    + _set("purun-dompet", "purun", "dompet", 12, (0, 2))
    + _set("purun-tikar", "purun", "tikar", 1, (3, 0, 1, 2), sizes={3: LANDSCAPE})
    + _set("purun-tas-bahu", "purun", "tas", 7, (2, 0, 3))
    + _set("pandan-tikar", "pandan", "tikar", 8, (0, 3, 1, 2))
    + _set("pandan-keranjang", "pandan", "keranjang", 1, (0, 2, 3, 1))
    + _set("pandan-kotak", "pandan", "kotak", 2, (2, 0, 3))
    + _set("tenun-kain-songket", "tenun", "kain", 0, (0, 2, 1, 3))
    + _set("tenun-selendang", "tenun", "selendang", 1, (0, 1, 3))
    + _set("tenun-kain-sipispis", "tenun", "kain", 2, (2, 0, 1), ext="png")
    + _set("batik-tembakau", "batik", "kain", 4, (0, 1, 2, 3), sizes={2: LANDSCAPE})
    + _set("batik-padi", "batik", "selendang", 1, (0, 1, 3))
    + _set("batik-ombak", "batik", "kain", 2, (2, 0, 1), ext="webp")
)


def save_photo(img: Image.Image, path: Path) -> None:
    """Save like a phone would, minus metadata: JPEG q80 progressive, or PNG / WebP by suffix."""
    suffix = path.suffix.lower()
    if suffix == ".png":
        img.save(path, "PNG", optimize=True)
    elif suffix == ".webp":
        img.save(path, "WEBP", quality=80, method=6)
    else:
        img.save(path, "JPEG", quality=80, optimize=True, progressive=True)


def generate(out: Path, only: set[str] | None = None, log=print) -> list[Path]:
    """Draw every sample photo into out (content/media); returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for s in SAMPLES:
        if only and s.file not in only:
            continue
        t0 = time.perf_counter()
        path = out / s.file
        save_photo(draw_photo(s.kind, s.variant, s.size, s.seed, s.subject), path)
        written.append(path)
        log(f"{s.file:34} {s.size[0]}x{s.size[1]} {path.stat().st_size / 1024:7.0f} KB "
            f"{time.perf_counter() - t0:5.2f} s")
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="tools/make_photos.py", description="Regenerate the sample photos.")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "content" / "media",
                    help="folder for the photos (default: the sample content/media)")
    ap.add_argument("--only", nargs="*", help="file names to redraw (default: all)")
    args = ap.parse_args(argv)
    files = generate(args.out, set(args.only) if args.only else None)
    total = sum(p.stat().st_size for p in files)
    print(f"{len(files)} photos, {total / 1e6:.2f} MB in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
