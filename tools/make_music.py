"""Synthesise the music beds in content/music/ and their list, beds.yaml: royalty-free because
they are made here.

Four moods, each a loop a little longer than the longest video (so a video never hears the
seam) with a percussive hit on every beat from t = 0, which is what lets the video planner put
its cuts on the beat (the tempo is written to beds.yaml; tests detect the hits in the decoded
file):
  calm         72 bpm  soft plucked pentatonic over a pad, a quiet low tick on each beat
  cheerful    108 bpm  marimba on a major scale, kick on each beat, claps on 2 and 4
  traditional  96 bpm  saron-like plucks (inharmonic struck-bar partials), drone, kendang-like drum
  upbeat      124 bpm  four-on-the-floor kick, off-beat hats, a bass line and bright plucks
Notes that ring past the end are wrapped onto the start, so each file loops without a seam.
Deterministic (seeded generators, bit-exact AAC). Regenerate with:

    .venv/bin/python tools/make_music.py
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RATE = 48000
BITRATE = "64k"  # four beds of ~32 s stay near 1 MB together
FOLDER = Path(__file__).resolve().parent.parent / "content" / "music"


class Track:
    """A stereo loop of whole beats that sounds are added to (tails wrap onto the start)."""

    def __init__(self, bpm: int, beats: int, seed: int):
        self.bpm, self.beats = bpm, beats
        self.beat = 60 / bpm
        self.n = round(beats * self.beat * RATE)
        self.left, self.right = np.zeros(self.n), np.zeros(self.n)
        self.rng = np.random.default_rng(seed)

    def add(self, sound: np.ndarray, at: float, pan: float = 0.5) -> None:
        idx = (round(at * RATE) + np.arange(len(sound))) % self.n
        np.add.at(self.left, idx, sound * (1 - pan))
        np.add.at(self.right, idx, sound * pan)

    def mix(self) -> np.ndarray:
        stereo = np.stack([self.left, self.right], axis=1)
        return stereo / np.abs(stereo).max() * 0.7


def _t(seconds: float) -> np.ndarray:
    return np.arange(int(seconds * RATE)) / RATE


def struck(freq: float, seconds: float, rng: np.random.Generator,
           partials=((1.0, 1.0, 2.2), (2.76, 0.35, 5.0), (5.40, 0.12, 9.0))) -> np.ndarray:
    """A struck bar: partials at inharmonic ratios, each with its own decay (saron, marimba)."""
    t = _t(seconds)
    tone = np.zeros_like(t)
    for ratio, level, decay in partials:
        tone += level * np.sin(2 * np.pi * freq * ratio * t + rng.uniform(0, 2 * np.pi)) * np.exp(-decay * t)
    return tone * np.minimum(1.0, t / 0.004)


MARIMBA = ((1.0, 1.0, 6.0), (4.0, 0.25, 18.0), (9.9, 0.05, 30.0))


def kick(level: float = 1.0, low: float = 50.0, high: float = 130.0, seconds: float = 0.25) -> np.ndarray:
    t = _t(seconds)
    freq = low + (high - low) * np.exp(-t * 30)
    phase = 2 * np.pi * np.cumsum(freq) / RATE
    return level * np.sin(phase) * np.exp(-t * 14) * np.minimum(1.0, t / 0.002)


def noise_hit(rng: np.random.Generator, seconds: float, decay: float, level: float) -> np.ndarray:
    n = int(seconds * RATE)
    burst = rng.normal(0, 1, n) * np.exp(-np.linspace(0, decay, n))
    return np.convolve(burst, [1, -1], mode="same") * level  # crude high-pass: a hiss, not a thud


def pad(freqs: tuple[float, ...], seconds: float, level: float) -> np.ndarray:
    t = _t(seconds)
    env = np.minimum(1.0, t / (seconds * 0.3)) * np.minimum(1.0, (seconds - t) / (seconds * 0.3))
    return level * env * sum(np.sin(2 * np.pi * f * t) + 0.3 * np.sin(4 * np.pi * f * t) for f in freqs)


def calm() -> Track:
    tr = Track(72, 40, 11)
    scale = (261.63, 293.66, 329.63, 392.00, 440.00, 523.25)  # C major pentatonic
    chords = ((130.81, 196.00, 329.63), (110.00, 164.81, 261.63), (146.83, 220.00, 349.23), (98.00, 146.83, 246.94))
    for bar in range(tr.beats // 4):
        tr.add(pad(chords[bar % 4], 4 * tr.beat + 0.6, 0.05), bar * 4 * tr.beat)
    for k in range(tr.beats):
        tr.add(kick(0.35, 45, 90, 0.3), k * tr.beat)  # the beat: soft and low
        note = scale[tr.rng.integers(len(scale))]
        tr.add(0.18 * struck(note, 2.0, tr.rng), k * tr.beat, 0.35 + 0.3 * tr.rng.random())
        if tr.rng.random() < 0.35:
            tr.add(0.10 * struck(scale[tr.rng.integers(len(scale))], 1.5, tr.rng), (k + 0.5) * tr.beat, 0.6)
    return tr


def cheerful() -> Track:
    tr = Track(108, 56, 22)
    scale = (392.00, 440.00, 493.88, 523.25, 587.33, 659.25, 783.99)  # G major, upper
    roots = (196.00, 164.81, 130.81, 146.83)  # G Em C D
    for k in range(tr.beats):
        at = k * tr.beat
        tr.add(kick(0.8), at)
        if k % 2:
            tr.add(noise_hit(tr.rng, 0.12, 8, 0.25), at, 0.55)  # clap on 2 and 4
        tr.add(0.22 * struck(roots[(k // 4) % 4], 0.8, tr.rng, MARIMBA), at, 0.45)
        for half in (0, 1):
            if half and tr.rng.random() < 0.4:
                continue
            note = scale[tr.rng.integers(len(scale))]
            tr.add(0.20 * struck(note, 0.6, tr.rng, MARIMBA), at + half * tr.beat / 2, 0.3 + 0.4 * tr.rng.random())
    return tr


def traditional() -> Track:
    tr = Track(96, 52, 2026)
    scale = (293.66, 329.63, 369.99, 440.00, 493.88, 587.33)  # D E F# A B D'
    for k, note in enumerate(tr.rng.choice(len(scale), size=tr.beats * 2)):
        if k % 2 and tr.rng.random() < 0.45:
            continue  # leave room: not every half beat plays
        tr.add(0.22 * struck(scale[note], 1.6, tr.rng), k * tr.beat / 2, 0.3 + 0.4 * tr.rng.random())
    for bar in range(tr.beats // 4):
        root = scale[(0, 3, 4, 0)[bar % 4]] / 2
        tr.add(0.10 * struck(root, 4 * tr.beat, tr.rng), bar * 4 * tr.beat, 0.5)  # a gong-like low note
    for k in range(tr.beats):
        tr.add(kick(0.55, 70, 180, 0.18), k * tr.beat)  # kendang-like: higher and shorter than a kick
        tr.add(noise_hit(tr.rng, 0.05, 6, 0.03), (k + 0.25) * tr.beat, 0.5 + 0.3 * (-1) ** k)
    t = _t(tr.n / RATE)[: tr.n]
    drone = 0.05 * np.sin(2 * np.pi * 73.42 * t) * (0.8 + 0.2 * np.sin(2 * np.pi * t / (8 * tr.beat)))
    tr.left += drone
    tr.right += drone
    return tr


def upbeat() -> Track:
    tr = Track(124, 68, 33)
    bass = (55.00, 55.00, 65.41, 73.42, 49.00, 49.00, 58.27, 65.41)  # A A C D G G Bb C
    scale = (440.00, 523.25, 587.33, 659.25, 783.99, 880.00)
    for k in range(tr.beats):
        at = k * tr.beat
        tr.add(kick(1.0, 45, 150, 0.22), at)
        tr.add(noise_hit(tr.rng, 0.04, 5, 0.12), at + tr.beat / 2, 0.6)  # off-beat hat
        t = _t(tr.beat * 0.9)
        f = bass[(k // 2) % len(bass)]
        tone = np.sign(np.sin(2 * np.pi * f * t)) * 0.5 + np.sin(2 * np.pi * f * t)
        tr.add(0.10 * tone * np.exp(-t * 3), at + 0.01, 0.5)
        if tr.rng.random() < 0.7:
            note = scale[tr.rng.integers(len(scale))]
            tr.add(0.12 * struck(note, 0.4, tr.rng, MARIMBA), at + tr.beat * (0.5 if k % 2 else 0.75), 0.3)
    return tr


@dataclass(frozen=True)
class Bed:
    file: str
    mood: str
    title: str
    make: Callable[[], Track]


BEDS = (
    Bed("tenang-petik.m4a", "calm", "Tenang petik (synthesised calm bed)", calm),
    Bed("ceria-marimba.m4a", "cheerful", "Ceria marimba (synthesised cheerful bed)", cheerful),
    Bed("sergai-pentatonik.m4a", "traditional", "Sergai pentatonik (synthesised traditional bed)", traditional),
    Bed("semangat-ketuk.m4a", "upbeat", "Semangat ketuk (synthesised upbeat bed)", upbeat),
)

HEADER = """\
# Music beds made by tools/make_music.py (synthesised here, so licence-clean); regenerate with it.
# tempo: beats per minute; offset: seconds to the first beat. The video puts its cuts on these beats.
# mood: one of calm, cheerful, traditional, upbeat. A craft or product names a mood; `auto` rotates.
beds:
"""


def encode(track: Track, bed: Bed, folder: Path) -> Path:
    import imageio_ffmpeg

    out = folder / bed.file
    pcm = (track.mix() * 32767).astype("<i2").tobytes()
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-y", "-f", "s16le", "-ar", str(RATE),
           "-ac", "2", "-i", "pipe:0", "-c:a", "aac", "-b:a", BITRATE, "-movflags", "+faststart",
           "-map_metadata", "-1", "-metadata", f"title={bed.title}", "-fflags", "+bitexact", "-flags:a",
           "+bitexact", str(out)]
    subprocess.run(cmd, input=pcm, check=True)
    return out


def main(folder: Path = FOLDER) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [HEADER]
    for bed in BEDS:
        track = bed.make()
        out = encode(track, bed, folder)
        lines.append(f"  - file: {bed.file}\n    mood: {bed.mood}\n    tempo: {track.bpm}\n    offset: 0\n"
                     f"    beats: {track.beats}  # {track.n / RATE:.1f} s\n")
        print(f"{out} ({out.stat().st_size / 1000:.0f} kB, {bed.mood}, {track.bpm} bpm)")
    (folder / "beds.yaml").write_text("".join(lines), encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
