"""Frames as I420 planes, and a photo moving slowly inside a box with sub-pixel precision.

Why I420 (planar YUV 4:2:0, BT.709 limited range, the encoder's own input): composing in it
warps 1.5 bytes per pixel instead of 3, needs no per-frame RGB->YUV conversion, and halves the
bytes piped to ffmpeg. Conversions happen once per picture (photo, card, text overlay), never
per frame. BT.709 because players assume it for untagged HD as well as for tagged files. Chroma
is the 2x2 average, as swscale makes it; OpenCV's own RGB->I420 keeps only the top-left pixel
of each block (which frays coloured text edges) and knows only BT.601.

Motion is sub-pixel: a zoom of a few pixels per second glides. zoompan crops at whole pixels and
then scales, which is why its slow zooms wobble. See Zoom and Pan for how it stays cheap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

# R'G'B' -> Y'CbCr, ITU-R BT.709, limited range (Y 16-235, Cb/Cr 16-240), on 0-255 values.
_KR, _KB = 0.2126, 0.0722
_M = np.array([[_KR, 1 - _KR - _KB, _KB],
               [-_KR / (2 - 2 * _KB), -(1 - _KR - _KB) / (2 - 2 * _KB), 0.5],
               [0.5, -(1 - _KR - _KB) / (2 - 2 * _KR), -_KB / (2 - 2 * _KR)]]) * np.array([[219], [224], [224]]) / 255
_OFFSET = np.array([16.0, 128.0, 128.0])
TO_YUV = np.hstack([_M, _OFFSET[:, None]]).astype(np.float32)
TO_RGB = np.hstack([np.linalg.inv(_M), -np.linalg.inv(_M) @ _OFFSET[:, None]]).astype(np.float32)
MOTIONS = ("zoom_in", "zoom_out", "pan", "still")


class Planes:
    """One frame (or picture) in I420: a contiguous buffer with Y, U and V views into it."""

    __slots__ = ("buf", "w", "h", "y", "u", "v")

    def __init__(self, w: int, h: int, buf: np.ndarray | None = None):
        if w % 2 or h % 2:
            raise ValueError(f"I420 needs an even size, got {w}x{h}")
        n = w * h
        self.w, self.h = w, h
        self.buf = np.empty(n * 3 // 2, np.uint8) if buf is None else buf
        self.y = self.buf[:n].reshape(h, w)
        self.u = self.buf[n:n + n // 4].reshape(h // 2, w // 2)
        self.v = self.buf[n + n // 4:].reshape(h // 2, w // 2)

    @property
    def size(self) -> tuple[int, int]:
        return (self.w, self.h)

    def copy(self) -> Planes:
        return Planes(self.w, self.h, self.buf.copy())

    def planes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.y, self.u, self.v


def even_crop(rgb: np.ndarray) -> np.ndarray:
    h, w = rgb.shape[:2]
    return rgb[: h - h % 2, : w - w % 2]


def yuv444(rgb: np.ndarray) -> np.ndarray:
    """Full-resolution Y'CbCr (uint8, rounded and clipped) of an RGB array."""
    return cv2.transform(np.ascontiguousarray(rgb), TO_YUV)


def halve(plane: np.ndarray) -> np.ndarray:
    """2x2 box average, the chroma siting x264 and swscale expect by default."""
    h, w = plane.shape[:2]
    return cv2.resize(plane, (w // 2, h // 2), interpolation=cv2.INTER_AREA)


def rgb_to_i420(rgb: np.ndarray) -> Planes:
    rgb = even_crop(np.asarray(rgb)[..., :3])
    h, w = rgb.shape[:2]
    out = Planes(w, h)
    yuv = yuv444(rgb)
    out.y[:] = yuv[..., 0]
    out.u[:] = halve(yuv[..., 1])
    out.v[:] = halve(yuv[..., 2])
    return out


def i420_to_rgb(frame: Planes) -> np.ndarray:
    """For previews, tests and moviepy's get_frame; the encoder never needs it."""
    size = (frame.w, frame.h)
    u = cv2.resize(frame.u, size, interpolation=cv2.INTER_LINEAR)
    v = cv2.resize(frame.v, size, interpolation=cv2.INTER_LINEAR)
    return cv2.transform(cv2.merge([frame.y, u, v]), TO_RGB)


PAD = 4  # replicated border around a moving picture: resampling near its edge never runs out


class Zoom:
    """A zoom about one fixed point, the classic Ken Burns move, exact to 1/2048 pixel.

    The frame is split at the fixed point into up to four quadrants; each is one cv2.resize of
    the picture from the fixed point outward (flipped for the quadrants left of or above it).
    cv2.resize honours a float scale exactly when given fx/fy, but always starts at a pixel
    edge of its input: anchoring every quadrant at the fixed point, placed on even pixel edges
    of both the picture and the box, turns a sub-pixel affine warp into plain resizes, about 3x
    cheaper per frame than warpAffine here. The picture's quadrants are flipped once per scene
    (`cut`), so a frame flips only its own resized quadrants back.
    """

    def __init__(self, anchor_box: tuple[int, int], anchor_src: tuple[int, int], s0: float, s1: float):
        self.anchor_box, self.anchor_src = anchor_box, anchor_src  # even, in box / picture pixels
        self.s0, self.s1 = s0, s1  # picture pixels per box pixel at the start and the end

    def scale(self, p: float) -> float:
        return self.s0 * (self.s1 / self.s0) ** min(max(p, 0.0), 1.0)

    def rect(self, p: float, box: tuple[int, int]) -> tuple[float, float, float, float]:
        """The crop at progress p as (left, top, width, height) in picture pixels (for tests and tools)."""
        s = self.scale(p)
        (bx, by), (u, v) = self.anchor_box, self.anchor_src
        return (u - bx * s, v - by * s, box[0] * s, box[1] * s)

    def cut(self, src: Planes, box: tuple[int, int]) -> list[list[_Quadrant]]:
        """Per plane, the picture's quadrants around the fixed point, each flipped so the point is
        its top-left corner and cropped to the most any frame reads (copies: `src` may go)."""
        (bx, by), (u, v) = self.anchor_box, self.anchor_src
        s = max(self.s0, self.s1)
        return [_quadrants(plane, (u // k, v // k), s, (box[0] // k, box[1] // k), (bx // k, by // k))
                for plane, k in zip(src.planes(), (1, 2, 2), strict=True)]

    def draw(self, src: Planes | list[list[_Quadrant]], p: float, dst: Planes, at: tuple[int, int, int, int]) -> None:
        """Frame at progress p into `dst` at box `at`; `src` is the picture or, cheaper, its `cut`."""
        x0, y0, x1, y1 = at
        cut = self.cut(src, (x1 - x0, y1 - y0)) if isinstance(src, Planes) else src
        s = self.scale(p)
        inv = 1 / s
        for quadrants, out, k in zip(cut, dst.planes(), (1, 2, 2), strict=True):
            view = out[y0 // k:y1 // k, x0 // k:x1 // k]
            for q in quadrants:
                nw, nh = math.ceil(q.w * s) + 2, math.ceil(q.h * s) + 2  # +2: the far neighbours
                part = cv2.resize(q.pixels[:nh, :nw], None, fx=inv, fy=inv, interpolation=cv2.INTER_LINEAR)
                part = part[:q.h, :q.w]
                if q.flip is None:
                    view[q.y:q.y + q.h, q.x:q.x + q.w] = part
                else:
                    cv2.flip(part, q.flip, dst=view[q.y:q.y + q.h, q.x:q.x + q.w])


@dataclass(frozen=True)
class _Quadrant:
    x: int  # where it goes in the box (plane pixels)
    y: int
    w: int
    h: int
    flip: int | None  # cv2.flip code that turns it back, None for the lower right one
    pixels: np.ndarray  # the picture from the fixed point outward


def _quadrants(src: np.ndarray, anchor: tuple[int, int], s: float, size: tuple[int, int],
               at: tuple[int, int]) -> list[_Quadrant]:
    u, v = anchor
    w, h = size
    out = []
    for flip_x, (qx0, qx1) in ((True, (0, at[0])), (False, (at[0], w))):
        qw = qx1 - qx0
        if qw <= 0:
            continue
        nw = math.ceil(qw * s) + 2
        cols = slice(max(0, u - nw), u) if flip_x else slice(u, u + nw)
        for flip_y, (qy0, qy1) in ((True, (0, at[1])), (False, (at[1], h))):
            qh = qy1 - qy0
            if qh <= 0:
                continue
            nh = math.ceil(qh * s) + 2
            roi = src[slice(max(0, v - nh), v) if flip_y else slice(v, v + nh), cols]
            code = -1 if flip_x and flip_y else 1 if flip_x else 0 if flip_y else None
            out.append(_Quadrant(qx0, qy0, qw, qh, code, roi.copy() if code is None else cv2.flip(roi, code)))
    return out


class Pan:
    """A slide across the picture at one picture pixel per box pixel.

    When the travel allows it the speed is a whole, even number of pixels per frame: every
    frame is then a plain copy at the same sub-pixel phase, perfectly even motion with no
    resampling at all. (A bilinear shift by a fraction that changes from frame to frame makes
    fine texture pulse between sharp and soft; cv2.getRectSubPix, the obvious call, rounds
    8-bit positions to whole pixels, which judders.) Short travels fall back to the bilinear
    shift.
    """

    def __init__(self, start: tuple[float, float], end: tuple[float, float]):
        self.start, self.end = start, end  # top-left corner of the crop, picture pixels

    def rect(self, p: float, box: tuple[int, int]) -> tuple[float, float, float, float]:
        p = min(max(p, 0.0), 1.0)
        return (self.start[0] + (self.end[0] - self.start[0]) * p,
                self.start[1] + (self.end[1] - self.start[1]) * p, float(box[0]), float(box[1]))

    def draw(self, src: Planes, p: float, dst: Planes, at: tuple[int, int, int, int]) -> None:
        x0, y0, x1, y1 = at
        left, top, _, _ = self.rect(p, (x1 - x0, y1 - y0))
        wx, wy = round(left), round(top)
        exact = abs(left - wx) < 1e-6 and abs(top - wy) < 1e-6 and wx % 2 == wy % 2 == 0
        for plane, out, k in zip(src.planes(), dst.planes(), (1, 2, 2), strict=True):
            view = out[y0 // k:y1 // k, x0 // k:x1 // k]
            if exact:
                view[:] = plane[wy // k:wy // k + view.shape[0], wx // k:wx // k + view.shape[1]]
            else:
                _shift_plane(plane, left / k, top / k, view)


def _shift_plane(src: np.ndarray, left: float, top: float, dst: np.ndarray) -> None:
    h, w = dst.shape
    ix, iy = math.floor(left), math.floor(top)
    a, b = left - ix, top - iy
    rows = cv2.addWeighted(src[iy:iy + h + 1, ix:ix + w], 1 - a, src[iy:iy + h + 1, ix + 1:ix + w + 1], a, 0)
    cv2.addWeighted(rows[:h], 1 - b, rows[1:], b, 0, dst=dst)


Motion = Zoom | Pan


def _clamp(v: float, lo: float, hi: float) -> float:
    return (lo + hi) / 2 if lo > hi else min(max(v, lo), hi)


def _even(v: float) -> int:
    return 2 * round(v / 2)


def plan_motion(kind: str, src: tuple[int, int], box: tuple[int, int], focus: tuple[float, float], zoom: float,
                base: float, frames: int, direction: int = 1) -> tuple[Motion | None, tuple[float, float]]:
    """(the motion, the shift to apply to the picture first) for a picture of size `src` whose
    zoom-1 crop (what the still image shows) is `box` x `base` pixels around the focus.

    zoom_in: from the zoom-1 crop toward the focal point, to `zoom`; zoom_out: the reverse.
    Both move about the fixed point of that pair of crops; the picture is shifted by under a
    pixel so the point lands on an even pixel edge. pan: at one picture pixel per box pixel,
    from the far side of the roomier axis to the focal point (`direction` breaks ties).
    Returns (None, (0, 0)) for still, or when there is no room to move.
    """
    fx, fy = focus[0] * src[0], focus[1] * src[1]
    bw, bh = box

    def corner(w: float, h: float) -> tuple[float, float]:
        return (_clamp(fx, w / 2, src[0] - w / 2) - w / 2, _clamp(fy, h / 2, src[1] - h / 2) - h / 2)

    if kind in ("zoom_in", "zoom_out") and zoom > 1.0001:
        s0, s1 = base, base / zoom
        (ax, ay), (bx_, by_) = corner(bw * s0, bh * s0), corner(bw * s1, bh * s1)
        px = _even(min(max((bx_ - ax) / (s0 - s1), 0), bw))
        py = _even(min(max((by_ - ay) / (s0 - s1), 0), bh))
        u, v = ax + px * s0, ay + py * s0
        shift = (_even(u) - u, _even(v) - v)
        ends = (s0, s1) if kind == "zoom_in" else (s1, s0)
        return Zoom((px, py), (_even(u) + PAD, _even(v) + PAD), *ends), shift
    if kind == "pan" and (src[0] - bw > 1 or src[1] - bh > 1):
        rooms = (src[0] - bw, src[1] - bh)
        axis = 0 if rooms[0] >= rooms[1] else 1
        # the end: the crop around the focus, on even pixels inside the picture
        end = [min(max(_even(v), 0), r - r % 2) for v, r in zip(corner(bw, bh), rooms, strict=True)]
        here, room = end[axis], rooms[axis]
        toward_low = here > room - here or (math.isclose(here, room - here) and direction > 0)
        far = 0 if toward_low else room - room % 2
        steps = max(1, frames - 1)
        speed = 2 * math.floor(abs(here - far) / steps / 2)  # whole even pixels per frame
        begin = list(end)
        begin[axis] = (here + (-1 if toward_low else 1) * speed * steps) if speed else far
        return Pan((begin[0] + PAD, begin[1] + PAD), (end[0] + PAD, end[1] + PAD)), (0.0, 0.0)
    return None, (0.0, 0.0)


def shifted(picture: Planes, shift: tuple[float, float]) -> Planes:
    """The picture moved by a sub-pixel `shift` and given a replicated border of PAD pixels."""
    out = Planes(picture.w + 2 * PAD, picture.h + 2 * PAD)
    for plane, dst, k in zip(picture.planes(), out.planes(), (1, 2, 2), strict=True):
        m = np.array([[1, 0, shift[0] / k + PAD / k], [0, 1, shift[1] / k + PAD / k]], np.float64)
        cv2.warpAffine(plane, m, (dst.shape[1], dst.shape[0]), dst=dst, flags=cv2.INTER_LINEAR,
                       borderMode=cv2.BORDER_REPLICATE)
    return out


@dataclass(frozen=True)
class _Strip:
    y0: int  # luma rows y0..y1, columns x0..x1 (all even)
    y1: int
    x0: int
    x1: int
    opaque: bool
    pm: Planes  # premultiplied colour of the strip
    inv: Planes  # 255 - alpha, at luma and chroma resolution


class Overlay:
    """A text/graphics layer (RGBA) premultiplied into I420 once, laid over frames cheaply.

    The layer is cut into horizontal strips trimmed to where alpha is not zero, so a frame only
    pays for the pixels the layer covers; fully opaque strips are copied instead of blended.
    """

    STRIP = 32  # luma rows per strip

    def __init__(self, rgba: np.ndarray):
        rgba = even_crop(np.asarray(rgba))
        self.h, self.w = rgba.shape[:2]
        alpha = rgba[..., 3]
        self.strips: list[_Strip] = []
        rows = np.flatnonzero(alpha.any(axis=1))
        if rows.size == 0:
            return
        for y0 in range(int(rows[0]) // self.STRIP * self.STRIP, int(rows[-1]) + 1, self.STRIP):
            y1 = min(y0 + self.STRIP, self.h)
            cols = np.flatnonzero(alpha[y0:y1].any(axis=0))
            if cols.size:
                x0, x1 = int(cols[0]) // 2 * 2, min(self.w, (int(cols[-1]) + 2) // 2 * 2)
                self.strips.append(self._strip(rgba[y0:y1, x0:x1], (x0, y0, x1, y1)))

    @staticmethod
    def _strip(rgba: np.ndarray, at: tuple[int, int, int, int]) -> _Strip:
        x0, y0, x1, y1 = at
        a = rgba[..., 3].astype(np.float32) / 255
        pm444 = yuv444(rgba[..., :3]).astype(np.float32) * a[..., None]
        pm, inv = Planes(x1 - x0, y1 - y0), Planes(x1 - x0, y1 - y0)
        pm.y[:] = np.rint(pm444[..., 0])
        pm.u[:] = np.rint(halve(pm444[..., 1]))
        pm.v[:] = np.rint(halve(pm444[..., 2]))
        inv.y[:] = np.rint(255 * (1 - a))
        inv.u[:] = np.rint(255 * (1 - halve(a)))
        inv.v[:] = inv.u
        return _Strip(y0, y1, x0, x1, bool((inv.y == 0).all() and (inv.u == 0).all()), pm, inv)

    @property
    def box(self) -> tuple[int, int, int, int] | None:
        """Where the overlay has pixels (x0, y0, x1, y1, strip-aligned rows), None when empty."""
        if not self.strips:
            return None
        return (min(s.x0 for s in self.strips), self.strips[0].y0, max(s.x1 for s in self.strips),
                self.strips[-1].y1)

    def apply(self, frame: Planes, opacity: float = 1.0) -> None:
        """Lay the overlay over `frame` in place: out = frame * (1 - alpha) + premultiplied colour,
        mixed in at `opacity` (text fading in or out)."""
        if opacity <= 0:
            return
        for s in self.strips:
            for dst, pm, inv, k in zip(frame.planes(), s.pm.planes(), s.inv.planes(), (1, 2, 2), strict=True):
                roi = dst[s.y0 // k:s.y1 // k, s.x0 // k:s.x1 // k]
                if opacity < 1:
                    laid = cv2.add(cv2.multiply(roi, inv, scale=1 / 255), pm)
                    cv2.addWeighted(roi, 1 - opacity, laid, opacity, 0, dst=roi)
                elif s.opaque:
                    roi[:] = pm
                else:
                    cv2.multiply(roi, inv, dst=roi, scale=1 / 255)
                    cv2.add(roi, pm, dst=roi)
