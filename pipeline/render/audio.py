"""The video's sound: a music bed from content/music/ looped or trimmed to the video, faded in and
out, at about -14 LUFS; a silent AAC track when there is no music.

The music never passes through Python or a temporary file: the encoder's own ffmpeg reads the
file and runs the filter chain, so audio costs one extra input and no extra pass over the video.
Loudness is measured first on exactly the segment that will play (ffmpeg's EBU R128 scanner,
well under a second) and applied as one linear gain, so the music keeps its dynamics; the gain
also keeps true peaks below the ceiling, so a very dynamic track may end up a little quieter.
"""

from __future__ import annotations

import re
import subprocess
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline.common.errors import ConfigError, RenderError
from pipeline.common.models import Product
from pipeline.common.project import Project
from pipeline.render.scenes import AudioSettings

EXTENSIONS = (".m4a", ".aac", ".mp3", ".wav", ".ogg", ".opus", ".flac")


@dataclass(frozen=True)
class AudioBed:
    """What the encoder mixes in: a music file with its gain, or silence."""

    music: Path | None
    duration: float
    settings: AudioSettings
    gain_db: float = 0.0
    measured_lufs: float | None = None

    def input_args(self) -> list[str]:
        if self.music is None:
            layout = f"anullsrc=channel_layout=stereo:sample_rate={self.settings.sample_rate}"
            return ["-f", "lavfi", "-t", f"{self.duration:.6f}", "-i", layout]
        return ["-stream_loop", "-1", "-i", str(self.music)]

    def filter(self) -> str:
        chain = [_segment(self.duration, self.settings)]
        if self.music is not None:
            chain.append(f"volume={self.gain_db:.2f}dB")
        chain.append(f"aresample={self.settings.sample_rate}")
        chain.append("aformat=sample_fmts=fltp:channel_layouts=stereo")
        return ",".join(chain)

    def output_args(self) -> list[str]:
        return ["-af", self.filter(), "-c:a", "aac", "-profile:a", "aac_low", "-b:a", self.settings.bitrate,
                "-ar", str(self.settings.sample_rate), "-ac", "2"]


def _segment(duration: float, s: AudioSettings) -> str:
    """Trim to the video and fade; fades shrink on very short videos so they never overlap."""
    fade_in = min(s.fade_in, duration / 3)
    fade_out = min(s.fade_out, duration / 3)
    parts = [f"atrim=end={duration:.6f}", "asetpts=PTS-STARTPTS"]
    if fade_in > 0:
        parts.append(f"afade=t=in:st=0:d={fade_in:.3f}")
    if fade_out > 0:
        parts.append(f"afade=t=out:st={duration - fade_out:.6f}:d={fade_out:.3f}")
    return ",".join(parts)


def music_files(project: Project) -> list[Path]:
    folder = project.content / "music"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in EXTENSIONS)


def choose_music(music: Project | Mapping[str, Path], settings: AudioSettings, product: Product, source: str = "",
                 line: int | None = None) -> Path | None:
    """`auto`: one of content/music/ picked by the product's slug (stable from day to day, varied
    across products); `none`: silence; otherwise that file, which must exist. `music` is a project
    or the music files already found (file name -> a local path holding its bytes)."""
    if settings.music == "none":
        return None
    files = dict(music) if not isinstance(music, Project) else {p.name: p for p in music_files(music)}
    names = sorted(files)
    if settings.music == "auto":
        return files[names[zlib.crc32(product.slug.encode()) % len(names)]] if names else None
    if Path(settings.music).suffix.lower() not in EXTENSIONS or settings.music not in files:
        raise ConfigError.single(source, line, "audio.music", f"music file `{settings.music}` not found in "
                                 "content/music/", f"files there: {', '.join(names) or 'none yet'}; "
                                 "or write `auto` or `none`")
    return files[settings.music]


def prepare(ffmpeg: str, music: Path | None, duration: float, settings: AudioSettings) -> AudioBed:
    """Measure the segment that will play and work out its gain; silence needs no measuring."""
    if music is None:
        return AudioBed(None, duration, settings)
    lufs, peak = measure(ffmpeg, music, duration, settings)
    if lufs is None:  # digital silence: nothing to normalise
        return AudioBed(music, duration, settings, 0.0, None)
    gain = min(settings.loudness - lufs, settings.true_peak - peak)
    return AudioBed(music, duration, settings, gain, lufs)


_LUFS = re.compile(r"I:\s+(-?[\d.]+|-inf) LUFS")
_PEAK = re.compile(r"Peak:\s+(-?[\d.]+|-inf) dBFS")


def measure(ffmpeg: str, music: Path, duration: float, settings: AudioSettings) -> tuple[float | None, float]:
    """(integrated loudness in LUFS, true peak in dBTP) of the trimmed, faded segment."""
    chain = f"{_segment(duration, settings)},ebur128=peak=true:framelog=quiet"
    cmd = [ffmpeg, "-nostdin", "-hide_banner", "-nostats", "-stream_loop", "-1", "-i", str(music),
           "-af", chain, "-f", "null", "-"]
    done = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=300)
    summary = done.stderr[done.stderr.rfind("Summary:"):]
    lufs, peak = _LUFS.search(summary), _PEAK.search(summary)
    if done.returncode != 0 or not lufs or not peak:
        tail = "\n".join(done.stderr.strip().splitlines()[-3:])
        raise RenderError(f"{music}: cannot read the music file: {tail}\n"
                          "    hint: use an MP3, M4A, WAV, OGG or FLAC file, or set audio.music: none")
    integrated = _number(lufs)
    return (None if integrated <= -70 else integrated), _number(peak)


def _number(match: re.Match) -> float:
    return float("-inf") if match.group(1) == "-inf" else float(match.group(1))
