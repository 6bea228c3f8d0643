"""Writing a moviepy clip to an MP4 TikTok accepts, as fast as the encoder allows.

moviepy's own writer (moviepy.video.io.ffmpeg_writer) pipes RGB24, and for even sizes appends
`-pix_fmt yuva420p` after any parameters we pass; its write_videofile makes frames one at a
time and muxes audio from a temporary file. This writer speaks the same protocol (raw frames on
ffmpeg's stdin, the bundled ffmpeg from imageio-ffmpeg) but pipes I420, half the bytes, which
clips from pipeline.render.video hand over ready-made (`frame_i420`); other moviepy clips go
through get_frame and one conversion. Frames are made ahead in a small thread pool (OpenCV and
Pillow release the GIL), so both cores stay busy while x264 encodes. Audio is one more ffmpeg
input (see audio.py); the result is H.264 High, yuv420p, BT.709, AAC-LC, faststart.
"""

from __future__ import annotations

import contextlib
import ctypes
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np
from tqdm import tqdm

from pipeline.common.errors import RenderError
from pipeline.render.audio import AudioBed
from pipeline.render.motion import Planes, rgb_to_i420

try:
    import fcntl
except ImportError:  # Windows: ModuleNotFoundError, not the OSError a failing call raises
    fcntl = None

Progress = Callable[[int, int], None]  # (frames written, total)
_F_SETPIPE_SZ = 1031  # Linux: a larger pipe means fewer wake-ups per 3 MB frame


def _widen_pipe(fd: int) -> None:
    """Linux only: a 1 MB pipe. Windows has no fcntl and macOS refuses the call; both work with the default."""
    if fcntl is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, _F_SETPIPE_SZ, 1 << 20)


def ffmpeg_exe() -> str:
    return imageio_ffmpeg.get_ffmpeg_exe()


def return_freed_memory() -> None:
    """Make glibc give large freed blocks back to the system (Linux only; a no-op elsewhere).

    glibc raises its mmap threshold each time a big block is freed, up to 32 MB, so the
    decoded photos and 3 MB frames of a video end up in heaps it never shrinks: 400 MB
    resident for 60 MB in use. A fixed 1 MB threshold keeps the process near what it uses,
    for a few page faults per frame.
    """
    global _TUNED
    if _TUNED or not sys.platform.startswith("linux"):
        return
    _TUNED = True
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(_M_MMAP_THRESHOLD, 1 << 20)


_TUNED = False
_M_MMAP_THRESHOLD = -3


@dataclass(frozen=True)
class Encoding:
    fps: int
    preset: str = "veryfast"
    crf: int = 20
    threads: int = 0
    workers: int = 2


def command(size: tuple[int, int], enc: Encoding, audio: AudioBed | None, out: Path) -> list[str]:
    w, h = size
    cmd = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
           "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{w}x{h}", "-framerate", str(enc.fps),
           "-color_range", "tv", "-colorspace", "bt709", "-i", "pipe:0"]
    if audio is not None:
        cmd += audio.input_args()
    cmd += ["-map", "0:v:0"] + (["-map", "1:a:0"] if audio is not None else [])
    cmd += ["-c:v", "libx264", "-preset", enc.preset, "-crf", str(enc.crf), "-profile:v", "high",
            "-pix_fmt", "yuv420p", "-color_range", "tv", "-colorspace", "bt709", "-color_primaries", "bt709",
            "-color_trc", "bt709"]
    if enc.threads:
        cmd += ["-threads", str(enc.threads)]
    if audio is not None:
        cmd += audio.output_args()
    cmd += ["-movflags", "+faststart", "-f", "mp4", str(out)]
    return cmd


def frame_source(clip, fps: int) -> tuple[Callable[[int], Planes], int, bool]:
    """(frame i -> I420, frame count, safe to call from several threads)."""
    if hasattr(clip, "frame_i420"):
        return clip.frame_i420, clip.n_frames, True
    n = round(clip.duration * fps)
    return (lambda i: rgb_to_i420(np.clip(clip.get_frame(i / fps), 0, 255).astype(np.uint8))), n, False


def write_clip(clip, out: Path, enc: Encoding, audio: AudioBed | None = None,
               progress: bool | Progress = False, label: str = "video") -> int:
    """Encode `clip` (a moviepy VideoClip) to `out`; returns the number of frames written."""
    make, total, parallel = frame_source(clip, enc.fps)
    size = tuple(clip.size)
    if size[0] % 2 or size[1] % 2:
        raise RenderError(f"video size {size[0]}x{size[1]} must be even on both sides for yuv420p")
    proc = subprocess.Popen(command(size, enc, audio, out), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, bufsize=0)
    errors: list[bytes] = []
    reader = threading.Thread(target=lambda: errors.append(proc.stderr.read()), daemon=True)
    reader.start()
    _widen_pipe(proc.stdin.fileno())
    bar = _bar(progress, total, label)
    written = 0
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)  # our workers are the parallelism; OpenCV's own pool would oversubscribe 2 cores
    pool = ThreadPoolExecutor(enc.workers if parallel else 1, thread_name_prefix="frames")
    try:
        ahead: deque = deque()
        depth = max(2, enc.workers * 3)
        for i in range(total):
            while len(ahead) < depth and i + len(ahead) < total:
                ahead.append(pool.submit(make, i + len(ahead)))
            frame = ahead.popleft().result()
            proc.stdin.write(memoryview(frame.buf))
            written += 1
            bar(written, total)
        proc.stdin.close()
    except BrokenPipeError:
        pass  # ffmpeg stopped early: its own message follows
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        cv2.setNumThreads(threads)
        bar(-1, total)
    code = proc.wait()
    reader.join(timeout=10)
    if code != 0 or written != total:
        message = b"".join(errors).decode("utf-8", "replace").strip() or f"ffmpeg exited with {code}"
        raise RenderError(f"the video encoder failed: {message[-1500:]}")
    return written


def _bar(progress: bool | Progress, total: int, label: str) -> Progress:
    if callable(progress):
        return lambda done, n: progress(done, n) if done >= 0 else None
    if not progress:
        return lambda done, n: None
    bar = tqdm(total=total, unit="frame", desc=label, file=sys.stderr, leave=False, dynamic_ncols=True)

    def update(done: int, n: int) -> None:
        if done < 0:
            bar.close()
        else:
            bar.update(done - bar.n)
    return update
