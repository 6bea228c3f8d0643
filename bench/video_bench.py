"""Etalase's product video against the fastest hand-written ffmpeg filtergraph of the same scenes,
and against the encode-only floor.

All render one ~15 s, 1080x1920, 30 fps video of a product with four 3000x4000 photos, with the
story, music and transition features on: a cover with a slow zoom under the cover layout's
text, three photo scenes (pan, zoom in, zoom out) under the slide layout with the story's
phrases, the details card (the hero zooming in the card's lower box) and the call-to-action
card; a 0.5 s crossfade, then slide, zoom-through, push-up and slide (0.4 s); cuts on the beats
of the upbeat music bed, which is mixed in at its measured gain; x264 with the same preset, crf
and threads; faststart.

(a) Etalase: `render_video` in a child process (so the child's whole tree, ffmpeg included, is
    what the RSS sampler sees); timed around the call, plus the process's total wall.
(b) ffmpeg alone: each photo decoded once and pre-scaled once in the graph, zoompan for zooms,
    crop with a per-frame x for pans (the cheapest pan there is), loop for still cards,
    overlay of the very same text layers (RGBA PNGs cropped to what they cover), xfade for
    the transitions, story phrases as PNG overlays enabled in their frames, the same audio
    filter. Its inputs (PNGs, the music's gain) are made beforehand and not timed.
(c) the encode-only floor: Etalase's own frames, made beforehand into a raw I420 file, read by
    the very encoder command Etalase runs (same x264 settings, same audio): what encoding alone
    costs, so (a)'s CPU over (c)'s is what making the frames adds.

Runs alternate a, b, c, a, b, c ... (--rounds, default 3) so all see the same machine load;
prints each run, the median ratio a/b of wall times per second of video, the CPU ratio a/c,
Etalase's peak RSS (Python + ffmpeg), and a jitter figure for each: the frame-to-frame change of
the apparent motion of image patches during a zoom and a pan (px; 0 is perfectly even motion).

    .venv/bin/python bench/video_bench.py [--rounds 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from dataclasses import replace
from pathlib import Path

import av
import cv2
import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tools"))  # the sample photo drawer is a development tool

from make_photos import draw_photo  # noqa: E402

from pipeline.catalog.reader import load_catalog  # noqa: E402
from pipeline.common.project import Project  # noqa: E402
from pipeline.render import audio as sound  # noqa: E402
from pipeline.render.brand import load_brand  # noqa: E402
from pipeline.render.context import post_context  # noqa: E402
from pipeline.render.draw import render  # noqa: E402
from pipeline.render.encode import Encoding, command, ffmpeg_exe  # noqa: E402
from pipeline.render.layout import load_layout  # noqa: E402
from pipeline.render.motion import PAD, Pan, Zoom, plan_motion  # noqa: E402
from pipeline.render.photo import crop_box, upright_size  # noqa: E402
from pipeline.render.scenes import load_video_template, plan_video  # noqa: E402
from pipeline.render.video import build_clip, photo_box, photo_layer  # noqa: E402

SIZE = (1080, 1920)
PHOTO = (3000, 4000)
TEMPLATE = """
description: benchmark scene list, 15 s
fps: 30
zoom: 1.12
length: {min: 15, max: 15, cap: 16}
transition: {type: crossfade, duration: 0.5}
scenes:
  - {type: cover, layout: cover, duration: 3, motion: zoom_in}
  - type: photos
    layout: slide
    duration: [3, 3]
    motion: [pan, zoom_in, zoom_out]
    transition: {type: [slide, zoom, push_up], duration: 0.4}
  - {type: card, layout: details, duration: 3, motion: zoom_in, transition: {type: slide, duration: 0.4}}
  - {type: card, layout: cta, duration: 2.4}
story: {show: true}
audio: {music: BED}
encode: {preset: veryfast, crf: 20, threads: 0, workers: 2}
"""
BED = "semangat-ketuk.m4a"  # upbeat, 124 bpm: the most cuts moved
STORY = ("Tas jinjing dari purun yang dijemur dan diwarnai sendiri, dianyam rapat dengan motif pucuk rebung. "
         "Kuat untuk belanja ke pasar, ringan dibawa ke mana saja. Setiap tas dibuat satu per satu.")
XFADE = {"crossfade": "fade", "slide": "slideleft", "push_up": "slideup", "zoom": "zoomin"}


# The scratch project --------------------------------------------------------------------------

def make_project(root: Path) -> Project:
    content = root / "content"
    if (content / "products" / "bench-product.yaml").exists():  # --keep: reuse the photos made last time
        return Project.at(root)
    shutil.copytree(REPO / "content", content, ignore=shutil.ignore_patterns("products", "media"))
    (content / "products").mkdir()
    media = content / "media"
    media.mkdir()
    rng = np.random.default_rng(7)
    names = []
    for i, (kind, variant) in enumerate((("purun", 0), ("purun", 1), ("pandan", 2), ("detail", 0))):
        small = draw_photo(kind, variant, size=(PHOTO[0] // 2, PHOTO[1] // 2), seed=i)
        big = np.asarray(small.resize(PHOTO, Image.Resampling.LANCZOS), np.float32)
        big += rng.normal(0, 1.6, big.shape[:2] + (1,)).astype(np.float32)  # a phone sensor's grain
        Image.fromarray(np.clip(big, 0, 255).astype(np.uint8)).save(media / f"bench-{i}.jpg", quality=92)
        names.append(f"bench-{i}.jpg")
    artisan = sorted((content / "artisans").glob("*.yaml"))[0].stem
    craft = load_catalog(content).artisans[artisan].crafts[0]
    photos = "\n".join(f"  - {n}" for n in names)
    (content / "products" / "bench-product.yaml").write_text(textwrap.dedent(f"""\
        name: Tas Purun Motif Pucuk Rebung
        artisan: {artisan}
        craft: {craft}
        price: 185000
        materials: [purun, pewarna alami]
        size: 35 x 28 x 12 cm
        story: "{STORY}"
        photos:
        """) + photos + "\n", encoding="utf-8")
    videos = root / "templates" / "videos"
    videos.mkdir(parents=True)
    (videos / "bench.yaml").write_text(TEMPLATE.replace("BED", BED).lstrip(), encoding="utf-8")
    return Project.at(root)


# (a) Etalase, in a child process ----------------------------------------------------------------

def process_cpu() -> float:
    """This process's CPU seconds and those of the children it waited for (ffmpeg; 0 on Windows)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def child(root: str, out: str) -> None:
    from pipeline.render.video import render_video

    project = Project.at(root)
    catalog = load_catalog(project.content)
    start_cpu = process_cpu()  # the interpreter, this script's imports (av and the bench's own too)
    t = time.perf_counter()
    result = render_video(project, catalog, catalog.products["bench-product"], Path(out), template="bench",
                          progress=False, check=False)
    print(json.dumps({"render_s": time.perf_counter() - t, "frames": result.frames, "start_cpu": start_cpu,
                      "render_cpu": process_cpu() - start_cpu}))


# (b) the hand-written filtergraph -------------------------------------------------------------

def bench_plan(project: Project):
    """The plan render_video makes: the template's scenes with the bed's beats."""
    catalog = load_catalog(project.content)
    product = catalog.products["bench-product"]
    tpl = load_video_template(project, "bench")
    bed, _ = sound.choose_bed(project, tpl.audio, product)
    return catalog, product, tpl, bed, plan_video(tpl, product, beat=bed.beat)


def audio_bed(project: Project):
    catalog, product, tpl, bed, plan = bench_plan(project)
    return sound.prepare(ffmpeg_exe(), bed.path, plan.duration, tpl.audio)


def floor_command(project: Project, frames: Path, out: Path) -> list[str]:
    """Etalase's own encoder command, reading the frames from a file instead of its pipe."""
    _, _, tpl, _, _ = bench_plan(project)
    enc = Encoding(tpl.fps, tpl.encode.preset, tpl.encode.crf, tpl.encode.threads, tpl.encode.workers)
    cmd = command(SIZE, enc, audio_bed(project), out)
    cmd[cmd.index("pipe:0")] = str(frames)
    return cmd


def make_frames(project: Project, path: Path) -> int:
    """Etalase's frames for the bench video, raw I420 on disk (the floor's input; not timed)."""
    catalog, product, tpl, _, plan = bench_plan(project)
    clip, _, _ = build_clip(project, catalog, product, template=tpl, plan=plan)
    with open(path, "wb") as f:
        for i in range(plan.frames):
            f.write(memoryview(clip.frame_i420(i).buf))
    clip.timeline.pool.shutdown(wait=True)
    return plan.frames


def reference_command(project: Project, work: Path, out: Path) -> list[str]:
    catalog, product, tpl, bed, plan = bench_plan(project)
    brand = load_brand(project)
    ctx = post_context(product, catalog, brand)
    _, _, prep = build_clip(project, catalog, product, template=tpl, plan=plan)  # for the story's phrases
    story = load_layout(project, tpl.story.layout, brand)
    audio = audio_bed(project)
    fps, zoom = tpl.fps, tpl.zoom
    inputs: list[str] = []
    graph: list[str] = []

    def add_input(path: Path, lowres: int = 0) -> int:
        inputs.extend(["-lowres", str(lowres), "-framerate", str(fps), "-i", str(path)])
        return len(inputs) // 6 - 1

    def png(image: Image.Image, name: str) -> tuple[int, int, int]:
        """An RGBA layer cropped to what it covers: (input index, x, y)."""
        bbox = image.getbbox() or (0, 0, 2, 2)
        path = work / f"{name}.png"
        image.crop(bbox).save(path)
        return add_input(path), bbox[0], bbox[1]

    labels = []
    for k, scene in enumerate(plan.scenes):
        layout = load_layout(project, scene.layout, brand)
        photo = scene.photo or product.hero
        n = scene.frames
        found = photo_layer(layout, ctx)
        timing = f"settb=1/{fps},setpts=N"
        if found is None or scene.motion == "still":
            card = add_input(work / f"card{k}.png")
            render(layout, ctx, photo=photo, size=SIZE).image.save(work / f"card{k}.png")
            graph.append(f"[{card}:v]scale=out_color_matrix=bt709:out_range=tv,format=yuv420p,"
                         f"loop=loop={n - 1}:size=1:start=0,{timing}[s{k}]")
            labels.append(f"s{k}")
            continue
        index, layer = found
        source = product.hero if layer["source"] == "hero" else photo
        x0, y0, x1, y1 = photo_box(layout, layer, SIZE)
        bw, bh = x1 - x0, y1 - y0
        src = upright_size(Path(source.path))
        cover = max(bw / src[0], bh / src[1])
        picture = (round(src[0] * cover * zoom), round(src[1] * cover * zoom))
        picture = (picture[0] - picture[0] % 2, picture[1] - picture[1] % 2)
        base = picture[0] / (src[0] * cover)
        motion, shift = plan_motion(scene.motion, picture, (bw, bh), source.focus, zoom, base, n,
                                    1 if scene.number % 2 else -1)
        # JPEG DCT scaling, as Etalase uses it: decode at 1/2, 1/4 or 1/8 while that keeps the zoom-1 detail
        lowres = max([k for k in range(4) if cover <= 1 / 2**k], default=0)
        photo_in = add_input(Path(source.path), lowres)
        lo = 2**lowres
        prescale = "scale=out_color_matrix=bt709:out_range=tv:flags=area"
        if isinstance(motion, Zoom):
            # zoompan needs the box's aspect: the zoom-1 crop of the photo, pre-scaled once to box x zoom
            cl, ct, cr, cb = (v / lo for v in crop_box(src, (bw, bh), source.focus))
            w1, h1 = round(bw * zoom / 2) * 2, round(bh * zoom / 2) * 2
            (ax, ay), (u, v) = motion.anchor_box, motion.anchor_src
            k_in = w1 / ((cr - cl) * lo * picture[0] / src[0])  # zoompan input px per picture px
            ux = (u - PAD - shift[0] - cl * lo * picture[0] / src[0]) * k_in
            vy = (v - PAD - shift[1] - ct * lo * picture[1] / src[1]) * k_in
            z = f"pow({zoom},on/{n - 1})" if motion.s0 > motion.s1 else f"pow({zoom},1-on/{n - 1})"
            graph.append(
                f"[{photo_in}:v]crop={cr - cl:.0f}:{cb - ct:.0f}:{cl:.0f}:{ct:.0f},{prescale}:w={w1}:h={h1},"
                f"format=yuv420p,zoompan=z='{z}':x='{ux:.3f}-{ax / bw:.5f}*iw/zoom':"
                f"y='{vy:.3f}-{ay / bh:.5f}*ih/zoom':d={n}:s={bw}x{bh}:fps={fps},setsar=1,{timing}[m{k}]")
        else:
            assert isinstance(motion, Pan)
            sx, sy = motion.start[0] - PAD, motion.start[1] - PAD
            dx = (motion.end[0] - motion.start[0]) / (n - 1)
            dy = (motion.end[1] - motion.start[1]) / (n - 1)
            graph.append(
                f"[{photo_in}:v]{prescale}:w={picture[0]}:h={picture[1]},format=yuv420p,"
                f"loop=loop={n - 1}:size=1:start=0,{timing},"
                f"crop={bw}:{bh}:x='{sx}+{dx}*n':y='{sy}+{dy}*n',setsar=1[m{k}]")
        moving = f"m{k}"
        if (x0, y0, x1, y1) != (0, 0, *SIZE):
            under = add_input(work / f"under{k}.png")
            render(replace(layout, layers=layout.layers[:index]), ctx, photo=photo, size=SIZE).image.save(
                work / f"under{k}.png")
            graph.append(f"[{under}:v]scale=out_color_matrix=bt709:out_range=tv,format=yuv420p,"
                         f"loop=loop={n - 1}:size=1:start=0,{timing}[u{k}]")
            graph.append(f"[u{k}][{moving}]overlay=x={x0}:y={y0}:format=yuv420[b{k}]")
            moving = f"b{k}"
        over = render(replace(layout, layers=layout.layers[index:]), ctx, photo=photo, size=SIZE,
                      overlay=True).image
        ov, ox, oy = png(over, f"over{k}")
        graph.append(f"[{ov}:v]scale=out_color_matrix=bt709:out_range=tv,format=yuva420p[o{k}]")
        graph.append(f"[{moving}][o{k}]overlay=x={ox}:y={oy}:format=yuv420:eof_action=repeat,{timing}[t{k}]")
        last = f"t{k}"
        for m, phrase in enumerate(p for p in prep.phrases if p.scene == k):
            pctx = {key: v for key, v in ctx.items() if key != "product"} | {"phrase": phrase.text}
            ph, px, py = png(render(story, pctx, photo=None, size=SIZE, overlay=True).image, f"phrase{k}-{m}")
            graph.append(f"[{ph}:v]scale=out_color_matrix=bt709:out_range=tv,format=yuva420p[p{k}-{m}]")
            graph.append(f"[{last}][p{k}-{m}]overlay=x={px}:y={py}:format=yuv420:eof_action=repeat:"
                         f"enable='between(n,{phrase.start},{phrase.end - 1})'[t{k}-{m}]")
            last = f"t{k}-{m}"
        graph.append(f"[{last}]{timing}[s{k}]")
        labels.append(f"s{k}")
    current, at = labels[0], 0
    for k in range(1, len(labels)):
        before = plan.scenes[k - 1]
        at += before.frames - before.overlap
        kind = XFADE[before.transition.kind]
        graph.append(f"[{current}][{labels[k]}]xfade=transition={kind}:duration={before.overlap / fps:.4f}:"
                     f"offset={at / fps:.4f}[x{k}]")
        current = f"x{k}"
    graph.append(f"[{current}]format=yuv420p[vout]")
    audio_index = len(inputs) // 6
    enc = tpl.encode
    return [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *inputs, *audio.input_args(),
            "-filter_complex", ";".join(graph), "-map", "[vout]", "-map", f"{audio_index}:a",
            "-c:v", "libx264", "-preset", enc.preset, "-crf", str(enc.crf), "-profile:v", "high",
            "-pix_fmt", "yuv420p", "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709",
            "-color_range", "tv", *(["-threads", str(enc.threads)] if enc.threads else []),
            *audio.output_args(), "-frames:v", str(plan.frames),
            "-movflags", "+faststart", str(out)]


# Measuring ------------------------------------------------------------------------------------

def tree_rss(pid: int) -> int:
    """Resident set of `pid` and all its descendants, in bytes (Linux /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
        except OSError:
            continue
        parents[int(entry)] = int(fields.get("PPid", "0").strip() or 0)
        rss[int(entry)] = int(fields.get("VmRSS", "0 kB").split()[0]) * 1024
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        for p, pp in parents.items():
            if pp == parent and p not in tree:
                tree.add(p)
                frontier.append(p)
    return sum(rss.get(p, 0) for p in tree)


def run(cmd: list[str]) -> dict:
    """Run cmd; wall seconds, CPU seconds of the whole tree, peak RSS of the tree, stdout."""
    before = os.times()
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], tree_rss(proc.pid))
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - t
    stop.set()
    sampler.join()
    after = os.times()
    if proc.returncode:
        raise SystemExit(f"failed: {' '.join(cmd[:3])}...\n{err[-3000:]}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return {"wall": wall, "cpu": cpu, "rss": peak[0], "stdout": out}


def bare_resample_cpu(project: Project) -> float:
    """CPU seconds of the least any renderer must add to the floor for this plan's moving scenes:
    one bilinear resize per plane per zoom frame, from the picture at that frame's scale to the
    frame (no overlay, no transition, no copy into the pipe, one OpenCV thread, as the renderer)."""
    _, _, tpl, _, plan = bench_plan(project)
    w, h = SIZE
    zooms = [s for s in plan.scenes if s.motion in ("zoom_in", "zoom_out")]
    big = np.random.default_rng(1).integers(0, 255, (round(h * tpl.zoom) + 8, round(w * tpl.zoom) + 8), np.uint8)
    outs = [np.empty((h // k, w // k), np.uint8) for k in (1, 2, 2)]
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    t = time.thread_time()
    for scene in zooms:
        for j in range(scene.frames):
            s = tpl.zoom ** (j / max(1, scene.frames - 1))
            for out, k in zip(outs, (1, 2, 2), strict=True):
                cv2.resize(big[:round(h * s / k) + 2, :round(w * s / k) + 2], (w // k, h // k), dst=out,
                           interpolation=cv2.INTER_LINEAR)
    cpu = time.thread_time() - t
    cv2.setNumThreads(threads)
    return cpu


def luma_frames(path: Path, first: int, last: int) -> list[np.ndarray]:
    out = []
    with av.open(str(path)) as box:
        for i, frame in enumerate(box.decode(video=0)):
            if i > last:
                break
            if i >= first:
                out.append(frame.to_ndarray()[: frame.height].astype(np.float32))
    return out


def jitter(path: Path, first: int, last: int) -> float:
    """Std of the frame-to-frame change of patch motion (px); even motion gives ~0."""
    frames = luma_frames(path, first, last)
    h, w = frames[0].shape
    patches = [(int(w * x), int(h * y)) for x in (0.2, 0.6) for y in (0.35, 0.7)]
    size = int(w * 0.18)
    changes = []
    for px, py in patches:
        moves = np.array([cv2.phaseCorrelate(a[py:py + size, px:px + size], b[py:py + size, px:px + size])[0]
                          for a, b in zip(frames, frames[1:], strict=False)])
        changes.append(np.diff(moves, axis=0))
    return float(np.std(np.concatenate(changes)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the scratch project and both videos here")
    parser.add_argument("--child", nargs=2, metavar=("ROOT", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    root = Path(args.keep or tempfile.mkdtemp(prefix="etalase-video-bench-"))
    try:
        root.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        project = make_project(root / "project")
        work = root / "layers"
        work.mkdir(exist_ok=True)
        out_a, out_b, out_c = root / "etalase.mp4", root / "ffmpeg.mp4", root / "floor.mp4"
        ref = reference_command(project, work, out_b)
        frames_file = root / "frames.yuv"
        n_frames = make_frames(project, frames_file)
        floor = floor_command(project, frames_file, out_c)
        seconds = n_frames / 30
        print(f"setup {time.perf_counter() - t:.1f} s (photos {PHOTO[0]}x{PHOTO[1]}, layers as PNG, "
              f"{n_frames} frames made for the floor); video {seconds:.2f} s")
        a_cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(project.root), str(out_a)]
        rows = []
        for r in range(args.rounds):
            a = run(a_cmd)
            a.update(json.loads(a["stdout"]))
            b = run(ref)
            c = run(floor)
            rows.append((a, b, c))
            print(f"round {r + 1}: etalase {a['wall']:.2f} s wall (render call {a['render_s']:.2f} s), "
                  f"{a['cpu']:.1f} s CPU (start-up {a['start_cpu']:.1f}, render call {a['render_cpu']:.1f}), "
                  f"peak RSS {a['rss'] / 1e6:.0f} MB | ffmpeg {b['wall']:.2f} s wall, "
                  f"{b['cpu']:.1f} s CPU | floor {c['wall']:.2f} s wall, {c['cpu']:.1f} s CPU | "
                  f"ratio {a['render_s'] / b['wall']:.3f}, CPU / floor {a['cpu'] / c['cpu']:.3f}", flush=True)
        ratio = statistics.median(a["render_s"] / b["wall"] for a, b, _ in rows)
        ratio_process = statistics.median(a["wall"] / b["wall"] for a, b, _ in rows)
        cpu_ratio = statistics.median(a["cpu"] / b["cpu"] for a, b, _ in rows)
        floor_ratio = statistics.median(a["cpu"] / c["cpu"] for a, _, c in rows)
        peak = max(a["rss"] for a, _, _ in rows)
        per_a = statistics.median(a["render_s"] for a, _, _ in rows) / seconds
        per_b = statistics.median(b["wall"] for _, b, _ in rows) / seconds
        print(f"Etalase / zoompan reference, wall s per s of video: {per_a:.3f} / {per_b:.3f}; "
              f"median ratio {ratio:.3f}  (target <= 1.0)")
        print(f"median ratio a/b (whole process incl. Python start and imports): {ratio_process:.3f}")
        print(f"median CPU ratio a/b: {cpu_ratio:.3f}")
        print(f"Etalase CPU s / encode-only floor CPU s: {floor_ratio:.3f}  (target <= 1.15)")
        call_ratio = statistics.median(a["render_cpu"] / c["cpu"] for a, _, c in rows)
        floor_cpu = statistics.median(c["cpu"] for _, _, c in rows)
        bare = bare_resample_cpu(project)
        print(f"  the render call alone (no interpreter start, no imports) / floor: {call_ratio:.3f}; "
              f"start-up {statistics.median(a['start_cpu'] for a, _, _ in rows):.1f} s CPU")
        print(f"  the target leaves {0.15 * floor_cpu:.1f} s CPU beyond encoding; one bare bilinear resample per "
              f"zoom frame (nothing else) costs {bare:.1f} s: floor + that = {(floor_cpu + bare) / floor_cpu:.3f}")
        print(f"Etalase peak RSS (Python + ffmpeg): {peak / 1e6:.0f} MB  (target <= 600 MB)")
        _, _, _, _, plan = bench_plan(project)
        starts = plan.starts
        for k, scene in enumerate(plan.scenes[:4]):
            lo = starts[k] + (plan.scenes[k - 1].overlap if k else 0)
            hi = starts[k] + scene.frames - scene.overlap - 1
            print(f"jitter, scene {k} ({scene.motion}), frames {lo}-{hi}: etalase {jitter(out_a, lo, hi):.3f} px, "
                  f"ffmpeg {jitter(out_b, lo, hi):.3f} px")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
