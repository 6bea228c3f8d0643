"""The renders of one run, by input hash: every build sharing a run renders each input hash once.

A council's own build has a run of its own. A hub gives all its councils one run over one render
cache, so two councils (or two days) with identical inputs render once even while both builds are
in flight: the second joins the first's job instead of submitting its own. A job that fails is not
shared further: a build that joined it makes its own (its own files, its own error message), and a
build that stops cancels only a job nobody else waits for. The run also owns the cache's
housekeeping (clearing half-made renders, pruning): those may only happen while no build of the run
can be rendering into the cache, so the builds of a shared run never do them themselves.
"""

from __future__ import annotations

import concurrent.futures as cf
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.build.cache import RenderCache
from pipeline.export import folders as X
from pipeline.render.post import PostResult

# where a day's render came from, as the build counts it
RENDERED = "rendered"  # this build submitted the job
CACHED = "cached"  # a finished entry in the render cache
JOINED = "joined"  # another build of the run had submitted the same inputs


@dataclass(eq=False)
class Job:
    future: cf.Future
    rendered: Path | None  # the cache's private folder the job renders into; None for a hit or shipped job
    owner: object  # the build that made the job, or CACHED
    joined: int = 0  # other builds waiting for it
    abandoned: bool = False  # its owner stopped: cancelled once the last build waiting for it stops too
    keeping: threading.Lock = field(default_factory=threading.Lock, repr=False)


class RenderRun:
    def __init__(self, cache: RenderCache):
        self.cache = cache
        self._jobs: dict[str, Job] = {}
        self._making: dict[str, threading.Event] = {}  # a job being made (a cache lookup, a submit)
        self._used: set[str] = set()
        self._lock = threading.Lock()

    def begin(self) -> None:
        """Remove what killed runs left half-rendered; only while the run's lock is held (no build runs)."""
        self.cache.clear_tmp()

    def end(self) -> None:
        """After the last build: drop failed renders' leftovers, then trim the cache to its bound,
        never removing an entry this run used."""
        self.cache.clear_tmp()
        self.cache.prune(keep=self.digests())

    def digests(self) -> set[str]:
        with self._lock:
            return set(self._used)

    def job(self, digest: str, owner: object, make: Callable[[], Job]) -> tuple[Job, str]:
        """The run's one job for these inputs, made on first asking; with where it came from for `owner`.

        Making one (a cache lookup re-digests the entry's files; a shipped job reads its blobs) runs
        outside the run's lock, so only builds asking for the same inputs wait for each other."""
        while True:
            with self._lock:
                job = self._jobs.get(digest)
                if job is not None:
                    if job.owner is CACHED:
                        return job, CACHED
                    if job.owner is owner:
                        return job, RENDERED
                    job.joined += 1
                    return job, JOINED
                gate = self._making.get(digest)
                if gate is None:
                    gate = self._making[digest] = Gate()
                    break
            gate.wait()  # another build is making this job: join it once made
        job = None
        try:
            job = make()
        finally:
            with self._lock:
                del self._making[digest]
                self._used.add(digest)
                if job_ok(job):  # a job that failed at once (a refused submit) is not shared
                    self._jobs[digest] = job
            gate.set()
        return job, CACHED if job.owner is CACHED else RENDERED

    def again(self, digest: str, failed: Job, owner: object, make: Callable[[], Job]) -> tuple[Job, str]:
        """A build that joined a job which then failed gets a job of its own (or joins a newer one)."""
        with self._lock:
            failed.joined -= 1
            if self._jobs.get(digest) is failed:
                del self._jobs[digest]
        return self.job(digest, owner, make)

    def cancel(self, digest: str, job: Job) -> bool:
        """Its owner stops: the job is cancelled and its folder removed, or, while other builds wait for
        it, once the last of them stops too (`leave`)."""
        with self._lock:
            job.abandoned = True
            if job.joined:
                return False
            self._forget(digest, job)
        self._drop(job)
        return True

    def leave(self, digest: str, job: Job) -> None:
        """A build that joined a job stops waiting for it."""
        with self._lock:
            job.joined -= 1
            if job.joined or not job.abandoned:
                return
            self._forget(digest, job)
        self._drop(job)

    def _forget(self, digest: str, job: Job) -> None:
        if self._jobs.get(digest) is job:
            del self._jobs[digest]

    @staticmethod
    def _drop(job: Job) -> None:
        job.future.cancel()
        with job.keeping:
            if job.rendered is not None:
                X.discard(job.rendered)

    def keep(self, digest: str, job: Job, result: PostResult | tuple) -> PostResult:
        """Make sure a finished render is in the cache, once, whichever of the builds sharing it comes
        first: a folder rendered in place is moved in, files that came back as bytes are written.

        The job then holds only the result: the table lives as long as the run (every council of a
        hub), and a shipped job's bytes, or a Dask future keeping them in a worker's memory, must not."""
        files = None
        if isinstance(result, tuple):  # a shipped job: the files came back as bytes
            result, files = result
        with job.keeping:  # one job's sharers in turn; the cache itself tolerates two stores of an entry
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


def job_ok(job: Job | None) -> bool:
    """Whether a job may be shared: made, and not already failed."""
    if job is None:
        return False
    future = job.future  # done() first: asking a lazy future for its exception would run it
    return not future.done() or (not future.cancelled() and future.exception() is None)


Gate = threading.Event  # what a build asking for inputs being made waits on (a test watches it)


def finished(result: PostResult) -> cf.Future:
    """A future that is already done: a cache hit, or a render kept."""
    future: cf.Future = cf.Future()
    future.set_result(result)
    return future


def raised(exc: BaseException) -> cf.Future:
    """A future that has already failed: a day whose job could not even be submitted."""
    future: cf.Future = cf.Future()
    future.set_exception(exc)
    return future
