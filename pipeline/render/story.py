"""The product's story on screen, for viewers who watch muted: short phrases, timed over the
photo scenes.

The story is split at sentence ends, then at clause marks (, ; : and dashes), then between words,
into phrases that each fit the story layout's box in at most its max_lines at its min_size (never
cut mid-word); neighbouring clauses are joined again while they fit, so a phrase fills its two
lines. Phrases go to the photo scenes in order, one each, two in a scene when there are more
phrases than scenes (the template's `story.per_scene`); what still does not fit is left out
with a warning, from the end of the last sentence that fits. Inside a scene phrases follow each
other with a short fade, never together.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.render.scenes import Plan

_SENTENCE = re.compile(r"(?<=[.!?…])\s+")
_ENDS_SENTENCE = re.compile(r"[.!?…][\"'”’)\]»]*$")
_CLAUSE = re.compile(r"(?<=[,;:])\s+|\s+(?=[—–]\s)|(?<=\s[—–])\s+")


@dataclass(frozen=True)
class Phrase:
    text: str
    scene: int  # index into plan.scenes
    start: int  # scene frames [start, end) it shows in
    end: int
    fade_in: int  # frames of fade at each end (0 at the scene's own edges: the transition fades it)
    fade_out: int

    def opacity(self, j: int) -> float:
        if not self.start <= j < self.end:
            return 0.0
        up = (j - self.start + 1) / (self.fade_in + 1) if self.fade_in else 1.0
        down = (self.end - j) / (self.fade_out + 1) if self.fade_out else 1.0
        return min(1.0, up, down)


def split(story: str, fits: Callable[[str], bool]) -> list[str]:
    """The story as phrases for which `fits` holds (a single word that does not is kept alone)."""
    out: list[str] = []
    for sentence in _SENTENCE.split(" ".join(story.split())):
        if not sentence:
            continue
        if fits(sentence):
            out.append(sentence)
            continue
        clauses = (c for c in _CLAUSE.split(sentence) if c)
        out += _greedy([p for c in clauses for p in ([c] if fits(c) else _by_words(c, fits))], fits)
    return out


def _greedy(pieces: list[str], fits: Callable[[str], bool]) -> list[str]:
    """The pieces joined with spaces, each phrase as long as `fits` allows (a piece too long stays alone)."""
    out, current = [], ""
    for piece in pieces:
        joined = f"{current} {piece}".strip()
        if current and not fits(joined):
            out.append(current)
            current = piece
        else:
            current = joined
    return out + ([current] if current else [])


def _by_words(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Between words, in as few pieces as greedy filling needs, but evened out: a long clause becomes
    two halves rather than a full phrase and a lone last word ("... di Sei" / "Rampah.")."""
    words = text.split()
    greedy = _greedy(words, fits)
    k = len(greedy)
    if k < 2:
        return greedy
    bounds = [round(i * len(words) / k) for i in range(k + 1)]
    even = [" ".join(words[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]
    return even if all(piece and fits(piece) for piece in even) else greedy


def _whole_sentences(phrases: list[str], room: int) -> list[str]:
    """The first `room` phrases, ended at the last sentence end among them: a muted viewer never sees
    the story stop mid-sentence ("Dianyam oleh ibu-ibu," and nothing after it). When even the first
    sentence is longer than the room, its first phrases are shown."""
    if len(phrases) <= room:
        return phrases
    ends = [n for n in range(room, 0, -1) if _ENDS_SENTENCE.search(phrases[n - 1])]
    return phrases[: ends[0] if ends else room]


def timed(plan: Plan, phrases: list[str], per_scene: int, fade: int) -> tuple[list[Phrase], int]:
    """(phrases placed on the photo scenes, how many were left out)."""
    scenes = [k for k, s in enumerate(plan.scenes) if s.kind == "photos"]
    if not scenes or not phrases:
        return [], len(phrases)
    per = min(per_scene, math.ceil(len(phrases) / len(scenes)))
    shown = _whole_sentences(phrases, per * len(scenes))
    base, extra = divmod(len(shown), len(scenes))
    counts = [base + (t < extra) for t in range(len(scenes))]  # the earlier scenes take the extra ones
    out, i = [], 0
    for k, count in zip(scenes, counts, strict=True):
        frames = plan.scenes[k].frames
        edges = [round(frames * n / count) for n in range(count + 1)] if count else []
        for a, b in zip(edges, edges[1:], strict=False):
            f = min(fade, (b - a) // 4)
            out.append(Phrase(shown[i], k, a, b, f if a > 0 else 0, f if b < frames else 0))
            i += 1
    return out, len(phrases) - len(shown)
