"""Video templates as data (templates/videos/<name>.yaml) and the scene plan of one product.

A template lists scenes (the cover, one scene per further photo, cards such as details and the
call to action), each drawn by a layout of the images renderer, with a duration, a motion and
the transition that hands over to the next scene; plus a length range with a cap for products
with many photos, the music bed, the story shown on screen and the encoder settings. Planning is
pure, (template, product, the bed's beat) -> scenes counted in whole frames, so the renderer, the
tests and the benchmark agree on every frame. With a beat, every cut (the middle of a transition)
is moved to the nearest beat of the music, which lands it within half a frame of it.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pipeline.common import fields as F
from pipeline.common.errors import ConfigError, Problem
from pipeline.common.models import MOODS, Photo, Product
from pipeline.common.project import Project
from pipeline.common.yamlread import YamlDoc
from pipeline.render.motion import MOTIONS
from pipeline.render.templates import TemplateTexts, as_texts

SCENE_TYPES = ("cover", "photos", "card")
TRANSITIONS = ("crossfade", "slide", "push_up", "zoom", "cut")
PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow")


@dataclass(frozen=True)
class Transition:
    kind: str = "crossfade"
    duration: float = 0.5

    def frames(self, fps: int) -> int:
        return 0 if self.kind == "cut" else round(self.duration * fps)


@dataclass(frozen=True)
class SceneSpec:
    kind: str
    layout: str
    duration: tuple[float, float]  # (shortest, longest); equal for fixed scenes
    motions: tuple[str, ...]
    transition: Transition  # how this scene hands over to the next
    line: int | None = None
    kinds: tuple[str, ...] = ()  # photo scenes: transition kinds cycled like motions (empty: transition.kind)


@dataclass(frozen=True)
class StorySettings:
    """The product's story as timed phrases over the photo scenes (story.py)."""

    show: bool = True
    layout: str = "story"  # the layout with the phrase's text box
    per_scene: int = 2  # most phrases one photo scene shows, one after the other
    fade: float = 0.2  # seconds a phrase takes to fade in or out inside a scene


@dataclass(frozen=True)
class AudioSettings:
    music: str = "auto"  # auto | none | a file name in content/music/
    loudness: float = -14.0  # LUFS, integrated
    true_peak: float = -1.5  # dBTP ceiling
    fade_in: float = 0.5
    fade_out: float = 1.5
    sample_rate: int = 48000
    bitrate: str = "128k"
    moods: tuple[str, ...] = MOODS  # the moods `auto` may choose among (content/music/beds.yaml)


@dataclass(frozen=True)
class EncodeSettings:
    preset: str = "veryfast"
    crf: int = 20
    threads: int = 0  # 0: x264 decides (about 1.5 per core)
    draft_preset: str = "ultrafast"
    workers: int = 2  # threads making frames ahead of the encoder


@dataclass(frozen=True)
class VideoTemplate:
    name: str
    source: str
    fps: int
    size: tuple[int, int]
    draft_size: tuple[int, int]
    length: tuple[float, float, float]  # min, max, cap (seconds)
    zoom: float
    repeat_photos: bool
    scenes: tuple[SceneSpec, ...]
    audio: AudioSettings
    encode: EncodeSettings
    digest: str
    warnings: tuple[Problem, ...] = ()
    lines: dict[str, int | None] = field(default_factory=dict)  # "audio.music" -> its line, for messages
    story: StorySettings = StorySettings()
    transition_kinds: tuple[str, ...] = tuple(k for k in TRANSITIONS if k != "cut")  # what a chooser may use


@dataclass(frozen=True)
class Scene:
    kind: str
    layout: str
    photo: Photo | None  # the photo this scene moves over (None: the layout's own or none)
    motion: str
    frames: int
    transition: Transition  # into the next scene
    overlap: int  # frames shared with the next scene
    number: int = 0  # photo scenes: 1, 2, ... (alternates pan directions)


@dataclass(frozen=True)
class Beat:
    """The music's beat grid: a beat every `period` seconds from `offset`."""

    period: float
    offset: float = 0.0

    @classmethod
    def of(cls, tempo: float | None, offset: float = 0.0) -> Beat | None:
        return cls(60.0 / tempo, offset) if tempo else None

    def nearest(self, t: float) -> float:
        return self.offset + round((t - self.offset) / self.period) * self.period


@dataclass(frozen=True)
class Plan:
    scenes: tuple[Scene, ...]
    fps: int
    warnings: list[Problem] = field(default_factory=list)
    beat: Beat | None = None

    @property
    def cuts(self) -> list[int]:
        """Frame of each cut between scenes: the middle of its transition (the first frame of the
        next scene for a hard cut). The text switches there and, with a beat, the music hits."""
        return [start + before.overlap // 2 for start, before in zip(self.starts[1:], self.scenes, strict=False)]

    @property
    def transitions(self) -> list[str]:
        """Transition kinds used, in order (what post.json records)."""
        return [s.transition.kind for s in self.scenes[:-1]]

    @property
    def starts(self) -> list[int]:
        out, at = [], 0
        for s in self.scenes:
            out.append(at)
            at += s.frames - s.overlap
        return out

    @property
    def frames(self) -> int:
        return sum(s.frames - s.overlap for s in self.scenes)

    @property
    def duration(self) -> float:
        return self.frames / self.fps


# Reading --------------------------------------------------------------------------------------

def _even_size(value: Any) -> tuple[int, int]:
    if not isinstance(value, list) or len(value) != 2:
        raise ValueError("size must be [width, height], e.g. [1080, 1920]")
    w, h = (F.integer(v) for v in value)
    if w < 64 or h < 64 or w % 2 or h % 2:
        raise ValueError(f"size {value}: both sides must be even and at least 64 (H.264 4:2:0 needs even sizes)")
    return (w, h)


def _between(low: float, high: float, whole: bool = False):
    def parse(value: Any) -> float:
        v = F.integer(value) if whole else F.number(value)
        if not low <= v <= high:
            raise ValueError(f"{v:g} is outside {low:g}-{high:g}")
        return v
    return parse


def _duration(value: Any) -> tuple[float, float]:
    """3.5, or [3, 4] for a range the planner may stretch within."""
    parts = value if isinstance(value, list) else [value]
    if len(parts) not in (1, 2):
        raise ValueError("duration is seconds (3.5) or a range [3, 4]")
    lo, hi = (_between(0.2, 60)(v) for v in (parts * 2)[:2])
    if lo > hi:
        raise ValueError(f"duration range [{lo:g}, {hi:g}] runs backwards")
    return (lo, hi)


def _motions(value: Any) -> tuple[str, ...]:
    names = F.text_list(value)
    if not names:
        raise ValueError("name at least one motion: " + ", ".join(MOTIONS))
    return tuple(F.choice(*MOTIONS)(n) for n in names)


def _raw(value: Any) -> Any:
    return value


def _kinds(value: Any) -> tuple[str, ...]:
    """One transition kind, or a list cycled over the photo scenes."""
    names = F.text_list(value)
    if not names:
        raise ValueError("name a transition: " + ", ".join(TRANSITIONS))
    return tuple(F.choice(*TRANSITIONS)(n) for n in names)


def _moods(value: Any) -> tuple[str, ...]:
    names = F.text_list(value)
    if not names:
        raise ValueError("name at least one mood: " + ", ".join(MOODS))
    return tuple(F.choice(*MOODS)(n) for n in names)


TRANSITION_FIELDS = [
    F.Field("type", _kinds, default=("crossfade",),
            help="crossfade, slide (push left), push_up, zoom (zoom-through) or cut; a list is cycled over photos"),
    F.Field("duration", _between(0.0, 3.0), default=0.5, help="seconds both scenes share"),
]
SCENE_FIELDS = [
    F.Field("type", F.choice(*SCENE_TYPES), required=True,
            help="cover (the hero, first), photos (one scene per further photo) or card"),
    F.Field("layout", F.nonempty_text, help="a layout in templates/layouts/ (cover, slide, details, cta)"),
    F.Field("duration", _duration, default=(3.0, 3.0), help="seconds, or [shortest, longest] for photos"),
    F.Field("motion", _motions, default=("zoom_in",), help="zoom_in, zoom_out, pan or still; a list is cycled"),
    F.Field("transition", _raw, default=None, help="how this scene hands over to the next: {type, duration}"),
]
LENGTH_FIELDS = [
    F.Field("min", _between(1, 600), default=15.0, help="shortest video; photos are repeated or held to reach it"),
    F.Field("max", _between(1, 600), default=20.0, help="longest video for a product with a few photos"),
    F.Field("cap", _between(1, 600), default=30.0, help="never longer: further photos are left out"),
]
AUDIO_FIELDS = [
    F.Field("music", F.nonempty_text, default="auto",
            help="auto (a file from content/music/, chosen per product), none, or a file name there"),
    F.Field("loudness", _between(-40, -5), default=-14.0, help="integrated loudness in LUFS"),
    F.Field("true_peak", _between(-9, 0), default=-1.5, help="ceiling in dBTP"),
    F.Field("fade_in", _between(0, 10), default=0.5),
    F.Field("fade_out", _between(0, 10), default=1.5),
    F.Field("sample_rate", F.choice("44100", "48000"), default="48000"),
    F.Field("bitrate", F.choice("96k", "128k", "160k", "192k"), default="128k"),
    F.Field("moods", _moods, default=MOODS, help="moods `auto` chooses among; a craft or product may name one"),
]
STORY_FIELDS = [
    F.Field("show", F.boolean, default=True, help="false: no story phrases on screen"),
    F.Field("layout", F.nonempty_text, default="story", help="the layout whose text box shows a phrase"),
    F.Field("per_scene", _between(1, 4, whole=True), default=2, help="most phrases one photo scene shows"),
    F.Field("fade", _between(0, 1), default=0.2, help="seconds a phrase fades in or out within a scene"),
]
ENCODE_FIELDS = [
    F.Field("preset", F.choice(*PRESETS), default="veryfast",
            help="x264 preset; veryfast was the fastest here (medium doubles the time)"),
    F.Field("crf", _between(0, 51, whole=True), default=20, help="x264 quality: lower is better and larger"),
    F.Field("threads", _between(0, 64, whole=True), default=0, help="x264 threads; 0 lets x264 decide"),
    F.Field("draft_preset", F.choice(*PRESETS), default="ultrafast", help="preset for --fast previews"),
    F.Field("workers", _between(1, 16, whole=True), default=2, help="threads making frames ahead of the encoder"),
]
TOP = [
    F.Field("description", F.text, default=""),
    F.Field("fps", _between(23, 60, whole=True), default=30, help="TikTok takes 23-60"),
    F.Field("size", _even_size, default=(1080, 1920)),
    F.Field("draft_size", _even_size, default=(540, 960), help="size of --fast previews"),
    F.Field("zoom", _between(1.0, 1.5), default=1.12, help="how far the slow zooms and pans go (1.12 = 12%)"),
    F.Field("repeat_photos", F.boolean, default=True,
            help="show photos again (with another motion) when there are too few to reach length.min"),
    F.Field("length", _raw, default=None, help="{min, max, cap} in seconds"),
    F.Field("transition", _raw, default=None, help="the default {type, duration} between scenes"),
    F.Field("transitions", _kinds, default=tuple(k for k in TRANSITIONS if k != "cut"),
            help="the transition kinds a per-post chooser may pick among"),
    F.Field("scenes", _raw, required=True, help="the scenes in order"),
    F.Field("story", _raw, default=None, help="the story on screen: {show, layout, per_scene, fade}"),
    F.Field("audio", _raw, default=None, help="the music bed: {music, moods, loudness, fade_in, fade_out}"),
    F.Field("encode", _raw, default=None, help="{preset, crf, threads, draft_preset, workers}"),
    F.Field("variation", _raw, default=None, help="later posts choose among {transitions, motions, music}"),
]


def load_video_template(source: Project | TemplateTexts, name: str = "default") -> VideoTemplate:
    """templates/videos/<name>.yaml (the council's own first); ConfigError lists every problem."""
    texts = as_texts(source)
    names = texts.template_names("videos", ".yaml")
    if name not in names:
        raise ConfigError.single(f"templates/videos/{name}.yaml", None, "", f"video template `{name}` not found",
                                 "video templates: " + (", ".join(names) or "none"))
    return parse_template(texts.doc(f"videos/{name}.yaml"), name)


def parse_template(doc: YamlDoc, name: str) -> VideoTemplate:
    r = F.FieldReader(doc)
    top = r.mapping((), TOP) or {}
    length = _section(r, top, "length", LENGTH_FIELDS)
    default = Transition(**_renamed(_section(r, top, "transition", TRANSITION_FIELDS)))
    audio = _section(r, top, "audio", AUDIO_FIELDS)
    audio["sample_rate"] = int(audio["sample_rate"])
    encode = _section(r, top, "encode", ENCODE_FIELDS)
    story = _section(r, top, "story", STORY_FIELDS)
    scenes = _scenes(r, top.get("scenes"), default)
    if length["min"] > length["max"] or length["max"] > length["cap"]:
        r.error(("length",), f"length needs min <= max <= cap, got {length['min']:g}, {length['max']:g}, "
                f"{length['cap']:g}")
    errors = [p for p in r.problems if p.is_error]
    if errors:
        raise ConfigError(errors)
    return VideoTemplate(
        name, doc.path, top["fps"], top["size"], top["draft_size"], (length["min"], length["max"], length["cap"]),
        top["zoom"], top["repeat_photos"], tuple(scenes), AudioSettings(**audio), EncodeSettings(**encode),
        hashlib.sha256(doc.text.encode("utf-8")).hexdigest(), tuple(p for p in r.problems if not p.is_error),
        {"audio.music": doc.line("audio", "music"), "story.layout": doc.line("story", "layout")},
        StorySettings(**story), top["transitions"])


def _section(r: F.FieldReader, top: dict, key: str, fields: list[F.Field]) -> dict[str, Any]:
    if top.get(key) is None:
        return {f.name: f.default for f in fields}
    return r.mapping((key,), fields) or {f.name: f.default for f in fields}


def _renamed(values: dict[str, Any]) -> dict[str, Any]:
    return {"kind": values["type"][0], "duration": values["duration"]}


def _scenes(r: F.FieldReader, raw: Any, default: Transition) -> list[SceneSpec]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not raw:
        r.error(("scenes",), "expected a list of scenes", "start each scene with `- type: cover`")
        return []
    out = []
    for i in range(len(raw)):
        key = ("scenes", i)
        v = r.mapping(key, SCENE_FIELDS)
        if not v or not v["type"]:
            continue
        if not v["layout"]:
            v["layout"] = {"cover": "cover", "photos": "slide"}.get(v["type"])
            if not v["layout"]:
                r.error(key, "`layout` is required for a card", "e.g. layout: details")
                continue
        if v["type"] == "cover" and i != 0:
            r.error((*key, "type"), "the cover scene must come first", "the first frame of the video is the cover")
        if v["type"] == "cover" and v["motion"][0] not in ("zoom_in", "still"):
            r.error((*key, "motion"), f"the cover scene cannot start with `{v['motion'][0]}`",
                    "use zoom_in or still: the video starts on exactly the cover image")
        if v["type"] != "photos" and v["duration"][0] != v["duration"][1]:
            r.warn((*key, "duration"), "only photo scenes stretch within a range; the longest value is used")
            v["duration"] = (v["duration"][1],) * 2
        transition, kinds = default, ()
        if v["transition"] is not None:
            t = r.mapping((*key, "transition"), TRANSITION_FIELDS)
            transition = Transition(**_renamed(t)) if t else default
            kinds = t["type"] if t and v["type"] == "photos" else ()
        out.append(SceneSpec(v["type"], v["layout"], v["duration"], v["motion"], transition, r.doc.line(*key),
                             kinds))
    if sum(s.kind == "cover" for s in out) > 1:
        r.error(("scenes",), "more than one cover scene", "keep one `type: cover`, first")
    return out


# Planning -------------------------------------------------------------------------------------

def plan_video(template: VideoTemplate, product: Product, *, beat: Beat | None = None,
               transitions: Sequence[str] | None = None) -> Plan:
    """Scenes for this product: photo scenes stretched within their range to land inside
    length.min-max, photos repeated to reach min, dropped (with a warning) beyond the cap.

    `beat`: move every cut onto the music's nearest beat. `transitions`: kinds (from the
    template's `transitions`) cycled over the photo scenes instead of the template's own, for a
    chooser that varies posts."""
    fps = template.fps
    if transitions is not None:
        unknown = [k for k in transitions if k not in template.transition_kinds]
        if unknown or not transitions:
            raise ConfigError.single(template.source, None, "transitions",
                                     f"transition kinds {list(transitions)} are not all in the template's "
                                     f"transitions {list(template.transition_kinds)}",
                                     "choose among the kinds the template allows")
    specs = list(template.scenes)
    has_cover = any(s.kind == "cover" for s in specs)
    own = list(product.photos[1:] if has_cover else product.photos)
    photo_specs = [s for s in specs if s.kind == "photos"]
    photos = own or ([product.hero] if photo_specs else [])
    warnings: list[Problem] = []
    lo_len, hi_len, cap = template.length

    def total(n: int, d: float) -> float:
        fixed = sum(s.duration[1] - s.transition.duration * (s.transition.kind != "cut") for s in specs
                    if s.kind != "photos")
        per_photo = sum(d - s.transition.duration * (s.transition.kind != "cut") for s in photo_specs)
        last = specs[-1].transition.duration * (specs[-1].transition.kind != "cut") if specs else 0.0
        return fixed + per_photo * n + last

    d_lo = min((s.duration[0] for s in photo_specs), default=0.0)
    d_hi = max((s.duration[1] for s in photo_specs), default=0.0)
    if photo_specs and template.repeat_photos:
        pool = itertools.cycle(own + [product.hero] if product.hero not in own else own)
        while total(len(photos), d_hi) < lo_len and len(photos) < 200:
            photos.append(next(pool))
    dropped = 0
    while photos and total(len(photos), d_lo) > cap + 1e-9:
        photos.pop()
        dropped += 1
    if dropped:
        warnings.append(Problem(template.source, None, "length.cap",
                                f"video dibatasi {cap:g} detik: {dropped} foto terakhir tidak masuk video",
                                "foto itu tetap ada di carousel; naikkan length.cap bila perlu", "warning"))
    d = d_hi
    if photos and total(len(photos), d_hi) > hi_len:
        # the photo duration that lands exactly on length.max, within the photos' own range
        span = total(len(photos), 1.0) - total(len(photos), 0.0)
        d = min(max((hi_len - total(len(photos), 0.0)) / span, d_lo), d_hi) if span else d_lo
    scenes: list[Scene] = []
    number = 0
    for spec in specs:
        if spec.kind == "photos":
            for photo in photos:
                number += 1
                motion = spec.motions[(number - 1) % len(spec.motions)]
                kinds = tuple(transitions or ()) or spec.kinds
                kind = kinds[(number - 1) % len(kinds)] if kinds else spec.transition.kind
                scenes.append(_scene(spec, photo, motion, d, fps, number, kind))
        elif spec.kind == "cover":
            scenes.append(_scene(spec, product.hero, spec.motions[0], spec.duration[1], fps, 0))
        else:
            scenes.append(_scene(spec, None, spec.motions[0], spec.duration[1], fps, 0))
    if scenes:
        last = scenes[-1]
        scenes[-1] = Scene(last.kind, last.layout, last.photo, last.motion, last.frames, Transition("cut", 0), 0,
                           last.number)
    if beat is not None and len(scenes) > 1:
        scenes = _on_beats(scenes, beat, fps, cap * fps)
    _check_overlaps(template, specs, scenes)
    return Plan(tuple(scenes), fps, warnings, beat)


def _scene(spec: SceneSpec, photo: Photo | None, motion: str, seconds: float, fps: int, number: int,
           kind: str | None = None) -> Scene:
    t = spec.transition if kind is None or kind == spec.transition.kind else Transition(kind, spec.transition.duration)
    return Scene(spec.kind, spec.layout, photo, motion, max(1, round(seconds * fps)), t, t.frames(fps), number)


def _on_beats(scenes: list[Scene], beat: Beat, fps: int, cap_frames: float) -> list[Scene]:
    """Each cut moved to the beat nearest to where it was planned (later if that would make a
    scene too short to hold its transitions); the last scene keeps its length, and the last cut
    goes a beat earlier while the video would pass the cap."""
    cuts = Plan(tuple(scenes), fps).cuts
    moved: list[int] = []
    at = 0  # start of the scene before the cut
    for k, planned in enumerate(cuts, start=1):
        before = scenes[k - 1]
        half = before.overlap // 2
        shortest = max(2 * before.overlap, 2 * (scenes[k - 2].overlap if k > 1 else 0), round(0.6 * fps))
        t = beat.nearest(planned / fps)
        while round(t * fps) - half - at + before.overlap < shortest:
            t += beat.period
        moved.append(round(t * fps))
        at = moved[-1] - half
    while len(moved) > 0 and moved[-1] - scenes[-2].overlap // 2 + scenes[-1].frames > cap_frames:
        earlier = round((moved[-1] / fps - beat.period) * fps)
        before_last = (moved[-2] - scenes[-3].overlap // 2) if len(moved) > 1 else 0
        if earlier - scenes[-2].overlap // 2 - before_last + scenes[-2].overlap < 2 * scenes[-2].overlap + 1:
            break
        moved[-1] = earlier
    out, start = [], 0
    for k, scene in enumerate(scenes[:-1]):
        next_start = moved[k] - scene.overlap // 2
        out.append(replace(scene, frames=next_start - start + scene.overlap))
        start = next_start
    out.append(scenes[-1])
    return out


def _check_overlaps(template: VideoTemplate, specs: list[SceneSpec], scenes: list[Scene]) -> None:
    by_kind = {s.layout: s for s in specs}
    for a, b in itertools.pairwise(scenes):
        if a.overlap and (a.overlap * 2 > a.frames or a.overlap * 2 > b.frames):
            spec = by_kind.get(a.layout)
            raise ConfigError.single(
                template.source, spec.line if spec else None, "transition.duration",
                f"a {a.transition.duration:g} s {a.transition.kind} is longer than half of its scenes "
                f"({a.frames / template.fps:g} s and {b.frames / template.fps:g} s)",
                "shorten the transition or lengthen the scenes")
