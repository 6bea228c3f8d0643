"""Finished renders kept once under their input hash: state/cache/renders/<hash>/.

A render is made in a private folder under .tmp/ and renamed into place with its result.json
(files, caption, checks), so an entry is complete or absent. Exporting a day places the entry's
files into the day's staging folder as hard links (a copy where linking fails: another file
system, FAT), then the export's own checked, atomic publish runs. Day-specific files (manifest,
checklist page) are never in the cache. Size is bounded; the least recently used entries go first.
"""

from __future__ import annotations

import dataclasses
import json
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from pipeline.render.blobs import digest_file
from pipeline.render.post import PostResult

RESULT = "result.json"
TMP = ".tmp"
DEFAULT_MAX = 2 * 1000**3


@dataclass(frozen=True)
class Entry:
    digest: str
    path: Path
    size: int  # bytes of the entry's files
    used: float  # last use (POSIX time)


class RenderCache:
    def __init__(self, root: Path, max_bytes: int = DEFAULT_MAX):
        self.root = Path(root)
        self.max_bytes = max_bytes

    @classmethod
    def of(cls, state: Path, max_bytes: int = DEFAULT_MAX) -> RenderCache:
        return cls(Path(state) / "cache" / "renders", max_bytes)

    # Reading ---------------------------------------------------------------------------------------

    def folder(self, digest: str) -> Path:
        return self.root / digest

    def has(self, digest: str) -> bool:
        return (self.folder(digest) / RESULT).is_file()

    def get(self, digest: str) -> PostResult | None:
        """The stored result (its files lie in folder(digest)); None on a miss. Marks the entry used.

        Every file is checked against the digest recorded when it was stored: day folders hold hard
        links to these files, so a file edited in place in an export (a caption opened in Notepad)
        would otherwise come back in another day. A damaged entry is removed and counts as a miss."""
        folder = self.folder(digest)
        try:
            data = json.loads((folder / RESULT).read_text(encoding="utf-8"))
            result = PostResult(**data["result"])
            intact = all(digest_file(folder / rel) == want for rel, want in data["files"].items())
        except (OSError, ValueError, TypeError, KeyError):
            intact = False
        if not intact:
            if folder.exists():
                shutil.rmtree(folder, ignore_errors=True)
            return None
        os.utime(folder / RESULT)
        return result

    # Writing ---------------------------------------------------------------------------------------

    def reserve(self) -> Path:
        """A fresh private folder to render into (beside the entries, so the final rename stays local)."""
        base = self.root / TMP
        base.mkdir(parents=True, exist_ok=True)
        path = base / secrets.token_hex(8)
        path.mkdir()
        return path

    def store(self, digest: str, rendered: Path, result: PostResult) -> Path:
        """Move a finished render in under its hash; if another got there first, theirs is kept."""
        files = {rel: digest_file(rendered / rel) for rel in result.paths()}
        (rendered / RESULT).write_text(json.dumps({"result": dataclasses.asdict(result), "files": files},
                                                  ensure_ascii=False, indent=1), encoding="utf-8")
        _flush(rendered)
        target = self.folder(digest)
        try:
            os.rename(rendered, target)
        except OSError:
            if not (target / RESULT).is_file():
                raise
            shutil.rmtree(rendered, ignore_errors=True)
        return target

    def store_bytes(self, digest: str, result: PostResult, files: dict[str, bytes]) -> Path:
        """Keep a render that came back as bytes (from a worker without shared disk)."""
        rendered = self.reserve()
        for rel in result.paths():
            target = rendered / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[rel])
        return self.store(digest, rendered, result)

    def clear_tmp(self) -> None:
        """Remove what killed builds left half-rendered; only while no build can be rendering into
        this cache (build/inflight.py: the run's owner, under its lock)."""
        shutil.rmtree(self.root / TMP, ignore_errors=True)

    # Placing into a day folder ---------------------------------------------------------------------

    def place(self, digest: str, result: PostResult, dest: Path) -> None:
        """Hard-link (else copy) the entry's files into dest, keeping their relative paths."""
        src = self.folder(digest)
        for rel in result.paths():
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)
            try:
                os.link(src / rel, target)
            except OSError:  # another file system, FAT, or a platform without links
                shutil.copyfile(src / rel, target)

    # Size ------------------------------------------------------------------------------------------

    def entries(self) -> list[Entry]:
        out = []
        if not self.root.is_dir():
            return out
        for path in self.root.iterdir():
            result = path / RESULT
            if path.name == TMP or not result.is_file():
                continue
            size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
            out.append(Entry(path.name, path, size, result.stat().st_mtime))
        return sorted(out, key=lambda e: (e.used, e.digest))

    def prune(self, max_bytes: int | None = None, keep: set[str] | frozenset[str] = frozenset()) -> list[Entry]:
        """Remove the least recently used entries until the rest fit in max_bytes; returns the removed."""
        limit = self.max_bytes if max_bytes is None else max_bytes
        entries = self.entries()
        total = sum(e.size for e in entries)
        removed = []
        for entry in entries:
            if total <= limit:
                break
            if entry.digest in keep:
                continue
            shutil.rmtree(entry.path, ignore_errors=True)
            total -= entry.size
            removed.append(entry)
        return removed


def _flush(folder: Path) -> None:
    """Entries are trusted without re-checking later, so their bytes reach the disk before the rename."""
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb" if os.name != "nt" else "rb+") as f:  # Windows fsyncs only writable handles
                os.fsync(f.fileno())
