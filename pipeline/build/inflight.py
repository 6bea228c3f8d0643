"""The renders of one run, by input hash: every build sharing a run renders each input hash once.

A council's own build has a run of its own. A hub gives all its councils one run over one render
cache, so two councils (or two days) with identical inputs render once even while both builds are
in flight: the second joins the first's job instead of submitting its own. The run also owns the
cache's housekeeping (clearing half-made renders, pruning): those may only happen while no build of
the run can be rendering into the cache, so the builds of a shared run never do them themselves.
"""

from __future__ import annotations

import concurrent.futures as cf
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.build.cache import RenderCache
from pipeline.export import folders as X
from pipeline.render.post import PostResult

# where a day's render came from, as the build counts it
RENDERED = "rendered"  # this build submitted the job
CACHED = "cached"  # a finished entry in the render cache
JOINED = "joined"  # another build of the run had submitted the same inputs


@dataclass
class Job:
    future: cf.Future
    rendered: Path | None  # the cache's private folder the job renders into; None for a hit or shipped job
    owner: object  # the build that made the job


class RenderRun:
    def __init__(self, cache: RenderCache):
        self.cache = cache
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def begin(self) -> None:
        """Remove what killed runs left half-rendered; only while the run's lock is held (no build runs)."""
        self.cache.clear_tmp()

    def end(self) -> None:
        """After the last build: drop failed renders' leftovers, then trim the cache to its bound,
        keeping every entry this run used."""
        self.cache.clear_tmp()
        self.cache.prune(keep=self.digests())

    def digests(self) -> set[str]:
        with self._lock:
            return set(self._jobs)

    def job(self, digest: str, owner: object, make: Callable[[], Job]) -> tuple[Job, str]:
        """The run's one job for these inputs, made on first asking; with where it came from for `owner`."""
        with self._lock:
            job = self._jobs.get(digest)
            if job is None:
                job = self._jobs[digest] = make()
                return job, CACHED if job.owner is CACHED else RENDERED
            return job, CACHED if job.owner is CACHED else RENDERED if job.owner is owner else JOINED

    def keep(self, digest: str, job: Job, result: PostResult | tuple) -> PostResult:
        """Make sure a finished render is in the cache, once, whichever of the builds sharing it comes
        first: a folder rendered in place is moved in, files that came back as bytes are written.

        The job then holds only the result: the table lives as long as the run (every council of a
        hub), and a shipped job's bytes, or a Dask future keeping them in a worker's memory, must not."""
        files = None
        if isinstance(result, tuple):  # a shipped job: the files came back as bytes
            result, files = result
        with self._lock:
            if result.failed_checks:
                pass
            elif self.cache.has(digest):
                if job.rendered is not None and job.rendered.exists():
                    X.discard(job.rendered)
            elif files is not None:
                self.cache.store_bytes(digest, result, files)
            elif job.rendered is not None and job.rendered.exists():
                self.cache.store(digest, job.rendered, result)
            job.future, job.rendered = finished(result), None
        return result


def finished(result: PostResult) -> cf.Future:
    """A future that is already done: a cache hit, or a render kept."""
    future: cf.Future = cf.Future()
    future.set_result(result)
    return future
