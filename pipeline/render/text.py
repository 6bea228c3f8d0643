"""Fonts by name and text fitting: wrap by measured width, shrink from a maximum to a minimum size.

Fonts are looked up by the name they carry inside the file ("Manrope ExtraBold"), so a council
adds a face by dropping its .ttf into templates/fonts/. A missing font is an error listing what
is available, never a silent substitute. Glyphs a font lacks (emoji, mostly) are found by
comparing against the font's .notdef box, so they are dropped with a warning instead of being
drawn as empty boxes.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FONT_SUFFIXES = (".ttf", ".otf")
# Invisible joiners that only mean something to an emoji font; dropped together with the emoji.
_EMOJI_GLUE = re.compile("[\u200d\ufe0e\ufe0f\u20e3]|[\U0001f3fb-\U0001f3ff]")
_SPACES = re.compile(r"[ \t]{2,}")
_BREAKS = re.compile(r"[ \t]+")


@dataclass(frozen=True)
class FontBook:
    """Font display names -> files, first folder wins (the council's own folder before the defaults)."""

    paths: dict[str, Path]

    def names(self) -> list[str]:
        return sorted(self.paths)

    def find(self, name: str) -> Path | None:
        if name in self.paths:
            return self.paths[name]
        folded = {k.casefold(): v for k, v in self.paths.items()}
        folded.update({v.stem.casefold(): v for v in self.paths.values()})
        return folded.get(name.strip().casefold())

    def missing(self, name: str) -> tuple[str, str]:
        """(message, hint) for a font that is not there."""
        near = difflib.get_close_matches(name, self.names(), n=1, cutoff=0.6)
        message = f'font "{name}" not found (have: {", ".join(self.names()) or "none"})'
        hint = f'did you mean "{near[0]}"? ' if near else ""
        return message, hint + "or put the .ttf/.otf file and its licence in templates/fonts/"


def font_book(template_dirs: Iterable[Path]) -> FontBook:
    files = []
    for base in template_dirs:
        folder = Path(base) / "fonts"
        if folder.is_dir():
            files += [p for p in sorted(folder.iterdir()) if p.suffix.lower() in FONT_SUFFIXES]
    return _font_book(tuple((str(p), p.stat().st_mtime_ns) for p in files))


@lru_cache(maxsize=8)
def _font_book(files: tuple[tuple[str, int], ...]) -> FontBook:
    paths: dict[str, Path] = {}
    for name, _mtime in files:
        path = Path(name)
        try:
            family, style = ImageFont.truetype(name, 12).getname()
        except OSError:
            continue  # not a usable font file; it simply is not offered
        for label in (f"{family} {style}", family if style == "Regular" else None):
            if label and label not in paths:
                paths[label] = path
    return FontBook(paths)


def forget_fonts() -> None:
    """Drop every font cached by path. A shipped job's fonts live in its own temporary blob store, so
    each job's paths are new: left cached, a Dask worker grew ~15 MB a job (1.05 GB after 70 full-size
    jobs in bench/hub_bench.py), the measured-length cache keeping faces alive past load_font's limit."""
    for cached in (load_font, _notdef, has_glyph, _length, _font_book):
        cached.cache_clear()


@lru_cache(maxsize=512)
def load_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    # Pillow picks raqm (HarfBuzz) where it is installed: measured 40-70x faster than the BASIC
    # engine for getlength here, with proper kerning. Output is identical run to run on a machine.
    return ImageFont.truetype(path, size)


# Glyph coverage -------------------------------------------------------------------------------

@lru_cache(maxsize=64)
def _notdef(path: str) -> bytes:
    return bytes(load_font(path, 32).getmask("\ue000"))


@lru_cache(maxsize=8192)
def has_glyph(path: str, char: str) -> bool:
    if char.isspace():
        return True
    return bytes(load_font(path, 32).getmask(char)) != _notdef(path)


def drop_missing_glyphs(text: str, path: str) -> tuple[str, str]:
    """(text without characters the font cannot draw, the dropped characters)."""
    dropped = []
    kept = []
    for ch in _EMOJI_GLUE.sub("", text):
        if has_glyph(path, ch):
            kept.append(ch)
        else:
            dropped.append(ch)
    if not dropped and len(kept) == len(text):
        return text, ""
    clean = "\n".join(_SPACES.sub(" ", line).strip() for line in "".join(kept).split("\n"))
    return clean.strip(), "".join(dict.fromkeys(dropped))


# Fitting --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Fitted:
    """Text laid out at one size: lines top to bottom, each placed by its baseline."""

    size: int
    lines: tuple[str, ...]
    widths: tuple[float, ...]
    ascent: int
    descent: int
    line_height: int

    @property
    def width(self) -> float:
        return max(self.widths, default=0)

    @property
    def height(self) -> int:
        return self.ascent + self.descent + self.line_height * (len(self.lines) - 1)


@lru_cache(maxsize=65536)
def _length(font: ImageFont.FreeTypeFont, text: str) -> float:
    return font.getlength(text)


def wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str] | None:
    """Greedy wrap by measured width; explicit newlines kept; None when one word is too wide."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words = _BREAKS.split(paragraph.strip(" \t"))  # not str.split(): no-break spaces hold words together
        words = [w for w in words if w]
        if not words:
            lines.append("")
            continue
        line = words[0]
        if _length(font, line) > width:
            return None
        for word in words[1:]:
            candidate = f"{line} {word}"
            if _length(font, candidate) <= width:
                line = candidate
                continue
            if _length(font, word) > width:
                return None
            lines.append(line)
            line = word
        lines.append(line)
    return lines


def layout_at(text: str, path: str, size: int, width: float, height: float, *, line_spacing: float = 1.15,
              max_lines: int = 0, balance: bool = False) -> Fitted | None:
    """The text at `size` if it fits width x height (and max_lines), else None."""
    font = load_font(path, size)
    lines = wrap(text, font, width)
    if lines is None or (max_lines and len(lines) > max_lines):
        return None
    if balance and len(lines) > 1 and "\n" not in text:
        lines = _balanced(text, font, width, len(lines))
    ascent, descent = font.getmetrics()
    fitted = Fitted(size, tuple(lines), tuple(_length(font, t) for t in lines), ascent, descent,
                    max(1, round(size * line_spacing)))
    return fitted if fitted.height <= height else None


def _balanced(text: str, font: ImageFont.FreeTypeFont, width: float, count: int) -> list[str]:
    """The narrowest wrap with the same number of lines: no lonely last word on a title."""
    lo, hi = 1.0, width
    best = wrap(text, font, width) or []
    while hi - lo > 2:
        mid = (lo + hi) / 2
        lines = wrap(text, font, mid)
        if lines is not None and len(lines) <= count:
            hi, best = mid, lines
        else:
            lo = mid
    return best


def fit(text: str, path: str, width: float, height: float, *, max_size: int, min_size: int,
        line_spacing: float = 1.15, max_lines: int = 0, balance: bool = False) -> Fitted | None:
    """The largest size from max_size down to min_size at which the text fits; None if none does."""
    def at(size: int) -> Fitted | None:
        return layout_at(text, path, size, width, height, line_spacing=line_spacing, max_lines=max_lines,
                         balance=balance)

    best = at(min_size)
    if best is None:
        return None
    top = at(max_size)
    if top is not None:
        return top
    lo, hi = min_size, max_size  # invariant: lo fits, hi does not
    while hi - lo > 1:
        mid = (lo + hi) // 2
        got = at(mid)
        if got is not None:
            lo, best = mid, got
        else:
            hi = mid
    return best
