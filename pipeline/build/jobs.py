"""Render jobs and the executors they run on.

A job is RenderInputs (pipeline/render/inputs.py: everything one post depends on, its digest the
day's input hash) plus a blob source and an output folder; it reads nothing from the project, so
it pickles small and runs anywhere. Jobs go to a `concurrent.futures` executor: in-process and
lazy by default, a process pool with `workers > 1`, or whatever a larger installation passes in.
"""

from __future__ import annotations

import concurrent.futures as cf
import functools
import multiprocessing
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.common import testhook
from pipeline.render.blobs import Blobs, BlobStore, FileBlobs
from pipeline.render.draw import forget_logos
from pipeline.render.inputs import RENDER_VERSION, RenderInputs
from pipeline.render.post import PostResult, render
from pipeline.render.text import forget_fonts

# Executors ----------------------------------------------------------------------------------------

class LazyExecutor(cf.Executor):
    """Runs each job in the calling thread when its result is first asked for.

    So the build publishes day by day, a stop request between days cancels the rest, and
    tracebacks and the video's own progress bar stay in one place.
    """

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any) -> cf.Future:
        return _LazyFuture(fn, args, kwargs)


class _LazyFuture(cf.Future):
    def __init__(self, fn: Callable, args: tuple, kwargs: dict):
        super().__init__()
        self._job = (fn, args, kwargs)

    def result(self, timeout: float | None = None) -> Any:
        if not self.done() and self.set_running_or_notify_cancel():
            fn, args, kwargs = self._job
            try:
                self.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # KeyboardInterrupt too: the build decides what to do
                self.set_exception(exc)
        return super().result(timeout)

    def exception(self, timeout: float | None = None) -> BaseException | None:
        try:
            self.result(timeout)
        except BaseException:  # noqa: BLE001 - the stored exception is returned below
            pass
        return super().exception(timeout)


def process_pool(workers: int) -> cf.ProcessPoolExecutor:
    """Worker processes started fresh ("spawn", as Windows always does): a forked child of a process
    with threads running (the dashboard's watcher, the scheduler, a video's frame pool) can inherit a
    lock some thread held and hang for ever."""
    return cf.ProcessPoolExecutor(max_workers=max(1, workers), mp_context=multiprocessing.get_context("spawn"))


def make_executor(workers: int) -> cf.Executor:
    """In-process for one worker; else a spawned pool that replaces a worker that died (build/pool.py)."""
    from pipeline.build.pool import RecoveringPool

    return LazyExecutor() if workers <= 1 else RecoveringPool(lambda: process_pool(workers))


# Render jobs --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RenderJob:
    """What a worker needs for one post: the inputs (a small value, blobs by digest), where the blobs'
    bytes are, and where to render (None: a private temporary folder, the files come back as bytes)."""

    inputs: RenderInputs
    blobs: Blobs
    out_dir: Path | None = None
    video_progress: bool | Callable[[int, int], None] = False  # a callable only in-process (it does not pickle)


def run_job(job: RenderJob) -> PostResult:
    """Render one post into job.out_dir (a folder the caller owns) and check it; reads no project."""
    if job.out_dir is None:
        raise ValueError("run_job needs an out_dir; use render_bytes for a worker without shared disk")
    testhook.point("job-render", inputs=job.inputs.digest()[:16])  # in a pool's worker (tests kill it here)
    return render(job.inputs, job.out_dir, job.blobs, progress=job.video_progress)


def render_bytes(job: RenderJob) -> tuple[PostResult, dict[str, bytes]]:
    """Render in a private temporary folder and return the result with every file's bytes (for a
    worker whose disk the publisher cannot see); nothing is left behind."""
    with tempfile.TemporaryDirectory(prefix="etalase-render-") as tmp:
        result = render(job.inputs, tmp, job.blobs, progress=job.video_progress)
        return result, {rel: (Path(tmp) / rel).read_bytes() for rel in result.paths()}


@dataclass(frozen=True)
class ShippedJob:
    """A job for a worker that shares no disk with the publisher (a Dask cluster of other machines):
    the inputs plus the bytes of every blob they name. Nothing in it points at the project."""

    inputs: RenderInputs
    blobs: dict[str, bytes]

    @classmethod
    def of(cls, inputs: RenderInputs, source: FileBlobs) -> ShippedJob:
        return cls(inputs, {digest: source.read(digest) for digest in source.files})


def render_shipped(job: ShippedJob) -> tuple[PostResult, dict[str, bytes]]:
    """Unpack the blobs into a private store (checked against their digests), render, return the bytes."""
    testhook.point("shipped-render", inputs=job.inputs.digest()[:16])  # on the worker (tests kill it here)
    try:
        with tempfile.TemporaryDirectory(prefix="etalase-blobs-") as tmp:
            store = BlobStore(Path(tmp))
            for digest, data in job.blobs.items():
                store.put(data, digest)
            return render_bytes(RenderJob(job.inputs, store))
    finally:  # the fonts and logo cached by their paths in that store are gone with it
        forget_fonts()
        forget_logos()


@functools.cache  # `ffmpeg -version` is a subprocess: once per build process, not once per day
def _versions() -> dict[str, str]:
    import imageio_ffmpeg
    import moviepy
    import PIL

    return {"etalase": __version__, "renderer": RENDER_VERSION, "python": sys.version.split()[0],
            "moviepy": getattr(moviepy, "__version__", "?"), "pillow": PIL.__version__,
            "ffmpeg": imageio_ffmpeg.get_ffmpeg_version()}
