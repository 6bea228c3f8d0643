"""Synthesise the sample music bed, sergai-pentatonik.m4a: royalty-free because it is made here.

A 20 s loop at 96 beats a minute: metallic plucks on a pentatonic scale (partials at the
inharmonic ratios of a struck bar, as in a gamelan's saron), a soft drone and a light shaker.
Notes that ring past the end are wrapped onto the start, so the file loops without a seam.
Deterministic (one seeded generator). Regenerate with:

    .venv/bin/python tools/make_music.py
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

RATE = 48000
BPM = 96
BEATS = 32  # 20 s
SCALE = (293.66, 329.63, 369.99, 440.00, 493.88, 587.33)  # D E F# A B D'
OUT = Path(__file__).resolve().parent.parent / "content" / "music" / "sergai-pentatonik.m4a"


def pluck(freq: float, seconds: float, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    tone = np.zeros_like(t)
    for ratio, level, decay in ((1.0, 1.0, 2.2), (2.76, 0.35, 5.0), (5.40, 0.12, 9.0)):
        tone += level * np.sin(2 * np.pi * freq * ratio * t + rng.uniform(0, 2 * np.pi)) * np.exp(-decay * t)
    attack = np.minimum(1.0, t / 0.004)
    return tone * attack


def bed() -> np.ndarray:
    rng = np.random.default_rng(2026)
    beat = 60 / BPM
    n = int(BEATS * beat * RATE)
    left, right = np.zeros(n), np.zeros(n)

    def add(sound: np.ndarray, at: float, pan: float) -> None:
        start = int(at * RATE)
        idx = (start + np.arange(len(sound))) % n  # wrap tails onto the start: a seamless loop
        np.add.at(left, idx, sound * (1 - pan))
        np.add.at(right, idx, sound * pan)

    melody = rng.choice(len(SCALE), size=BEATS * 2)
    for k, note in enumerate(melody):
        if k % 2 and rng.random() < 0.45:
            continue  # leave room: not every half beat plays
        add(0.22 * pluck(SCALE[note], 1.6, rng), k * beat / 2, 0.3 + 0.4 * rng.random())
    for bar in range(BEATS // 4):
        root = SCALE[(0, 3, 4, 0)[bar % 4]] / 2
        add(0.10 * pluck(root, 4 * beat, rng), bar * 4 * beat, 0.5)
    t = np.arange(n) / RATE
    drone = 0.05 * np.sin(2 * np.pi * 73.42 * t) * (0.8 + 0.2 * np.sin(2 * np.pi * t / (8 * beat)))
    left += drone
    right += drone
    shaker = rng.normal(0, 1, int(0.05 * RATE)) * np.exp(-np.linspace(0, 6, int(0.05 * RATE)))
    shaker = np.convolve(shaker, [1, -1], mode="same") * 0.03  # crude high-pass: a hiss, not a thud
    for k in range(BEATS * 2):
        add(shaker * (1.0 if k % 2 else 0.5), k * beat / 2 + beat / 4, 0.5 + 0.3 * (-1) ** k)
    stereo = np.stack([left, right], axis=1)
    return stereo / np.abs(stereo).max() * 0.7


def main() -> int:
    import imageio_ffmpeg

    pcm = (bed() * 32767).astype("<i2").tobytes()
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-y", "-f", "s16le", "-ar", str(RATE),
           "-ac", "2", "-i", "pipe:0", "-c:a", "aac", "-b:a", "96k", "-movflags", "+faststart",
           "-metadata", "title=Sergai pentatonik (synthesised sample bed)", "-map_metadata", "-1", "-fflags",
           "+bitexact", "-flags:a", "+bitexact", str(OUT)]
    subprocess.run(cmd, input=pcm, check=True)
    print(f"{OUT} ({OUT.stat().st_size / 1000:.0f} kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
