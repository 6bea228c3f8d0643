"""The video's sound: a music bed from content/music/ looped or trimmed to the video, faded in and
out, at about -14 LUFS; a silent AAC track when there is no music.

The music never passes through Python or a temporary file: the encoder's own ffmpeg reads the
file and runs the filter chain, so audio costs one extra input and no extra pass over the video.
Loudness is measured first on exactly the segment that will play (ffmpeg's EBU R128 scanner,
well under a second) and applied as one linear gain, so the music keeps its dynamics; the gain
also keeps true peaks below the ceiling, so a very dynamic track may end up a little quieter.

content/music/beds.yaml (written by tools/make_music.py) gives each bed a mood and a tempo: a
craft or product names a mood, `auto` otherwise rotates through the beds the template allows,
and the planner puts the video's cuts on the chosen bed's beats.
"""

from __future__ import annotations

import re
import subprocess
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline.common import fields as F
from pipeline.common.errors import ConfigError, ContentError, Problem, RenderError
from pipeline.common.models import MOODS, Product
from pipeline.common.project import Project
from pipeline.common.yamlread import loads
from pipeline.render.scenes import AudioSettings, Beat

EXTENSIONS = (".m4a", ".aac", ".mp3", ".wav", ".ogg", ".opus", ".flac")
BEDS = "beds.yaml"  # beside the music files: mood and tempo of each
BEDS_SHOWN = "content/music/" + BEDS


@dataclass(frozen=True)
class MusicBed:
    """One music file and what is known about it (nothing, for a file beds.yaml does not list)."""

    file: str
    path: Path
    mood: str | None = None
    tempo: float | None = None  # beats per minute
    offset: float = 0.0  # seconds to the first beat

    @property
    def beat(self) -> Beat | None:
        return Beat.of(self.tempo, self.offset)


BED_FIELDS = [
    F.Field("file", F.nonempty_text, required=True, help="a music file in content/music/"),
    F.Field("mood", F.choice(*MOODS), required=True, help=", ".join(MOODS)),
    F.Field("tempo", lambda v: _tempo(v), default=None, help="beats per minute, 40-220"),
    F.Field("offset", lambda v: _offset(v), default=0.0, help="seconds to the first beat"),
    F.Field("beats", F.integer, default=None, help="the loop's length in beats (informative)"),
    F.Field("title", F.text, default=""),
]


def _tempo(value) -> float:
    v = F.number(value)
    if not 40 <= v <= 220:
        raise ValueError(f"tempo {v:g} is outside 40-220 beats per minute")
    return v


def _offset(value) -> float:
    v = F.number(value)
    if not 0 <= v < 10:
        raise ValueError(f"offset {v:g} must be 0 up to 10 seconds")
    return v


def load_beds(files: Mapping[str, Path]) -> tuple[list[MusicBed], list[Problem]]:
    """Every music file as a bed, with mood and tempo from beds.yaml; a bad entry is a problem
    (file, line, field) and its file stays usable without them."""
    audio = {name: path for name, path in files.items() if Path(name).suffix.lower() in EXTENSIONS}
    known: dict[str, MusicBed] = {}
    problems: list[Problem] = []
    if BEDS in files:
        try:
            doc = loads(Path(files[BEDS]).read_text(encoding="utf-8-sig"), BEDS_SHOWN)
        except ContentError as exc:
            return [MusicBed(n, p) for n, p in sorted(audio.items())], list(exc.problems)
        r = F.FieldReader(doc)
        top = r.mapping((), [F.Field("beds", lambda v: v, required=True)]) or {}
        items = top.get("beds")
        if items is not None and not isinstance(items, list):
            r.error(("beds",), "expected a list of beds", "start each with `- file: name.m4a`")
            items = []
        for i, _ in enumerate(items or []):
            v = r.mapping(("beds", i), BED_FIELDS)
            if not v or not v["file"] or not v["mood"]:
                continue
            if v["file"] not in audio:
                r.error(("beds", i, "file"), f"`{v['file']}` is not in content/music/",
                        "run tools/make_music.py, or remove this entry")
                continue
            known[v["file"]] = MusicBed(v["file"], audio[v["file"]], v["mood"], v["tempo"], v["offset"])
        problems = r.problems
    return [known.get(n) or MusicBed(n, p) for n, p in sorted(audio.items())], problems


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
    """content/music/'s music files and its beds.yaml: everything a video's sound depends on."""
    folder = project.content / "music"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and (p.suffix.lower() in EXTENSIONS or p.name == BEDS))


def choose_bed(music: Project | Mapping[str, Path], settings: AudioSettings, product: Product,
               craft_mood: str | None = None, turn: int = 0, source: str = "",
               line: int | None = None) -> tuple[MusicBed | None, list[Problem]]:
    """(the bed, warnings). `none`: silence; a file name: that file, which must exist; `auto`: a
    bed of the product's mood (else its craft's) among the template's `moods`, else any of those,
    rotating by the product's slug plus `turn` (a later post of the product takes the next one),
    so a rebuild picks the same bed. `music` is a project or content/music/'s files already found
    (file name -> a local path holding its bytes)."""
    if settings.music == "none":
        return None, []
    files = dict(music) if not isinstance(music, Project) else {p.name: p for p in music_files(music)}
    beds, problems = load_beds(files)
    problems = [Problem(p.path, p.line, p.field, p.message, p.hint, "warning") for p in problems]
    if settings.music != "auto":
        found = [b for b in beds if b.file == settings.music]
        if not found:
            raise ConfigError.single(source, line, "audio.music", f"music file `{settings.music}` not found in "
                                     "content/music/", f"files there: {', '.join(b.file for b in beds) or 'none yet'}"
                                     "; or write `auto` or `none`")
        return found[0], problems
    allowed = [b for b in beds if b.mood is None or b.mood in settings.moods]
    mood = product.mood or craft_mood
    fitting = [b for b in allowed if b.mood == mood] if mood else []
    if mood and not fitting:
        problems.append(Problem(product.source, None, "mood", f"tidak ada musik bersuasana `{mood}`: video memakai "
                                "musik lain", f"buat musiknya dengan tools/make_music.py (daftar di {BEDS_SHOWN}), "
                                "atau pilih mood lain", "warning"))
    pool = fitting or allowed
    if not pool:
        return None, problems
    return pool[(zlib.crc32(product.slug.encode()) + turn) % len(pool)], problems


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
