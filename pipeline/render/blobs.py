"""Bytes by content digest: how a render gets its photos, fonts, logo and music.

A render job carries only digests (BLAKE2b-256, as the catalogue hashes photos), so it stays small
whatever the catalogue's size; a `Blobs` source turns a digest into a local file holding those
bytes. `FileBlobs` points at the project's own files (one machine, no copies); `BlobStore` is a
content-addressed folder a worker without the project fills from bytes sent to it.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from pipeline.common.errors import RenderError


def digest_bytes(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=32).hexdigest()


def digest_file(path: Path) -> str:
    h = hashlib.blake2b(digest_size=32)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class Blobs(Protocol):
    def path(self, digest: str) -> Path:
        """A local file holding the bytes with this digest; RenderError when there is none."""
        ...


@dataclass(frozen=True)
class FileBlobs:
    """Digest -> an existing file (the project's photos, fonts, logo and music on this machine)."""

    files: Mapping[str, Path] = field(default_factory=dict)

    def path(self, digest: str) -> Path:
        try:
            return Path(self.files[digest])
        except KeyError:
            raise RenderError(f"no file for blob {digest[:12]}") from None

    def read(self, digest: str) -> bytes:
        return self.path(digest).read_bytes()

    def subset(self, digests: Iterable[str]) -> FileBlobs:
        """Only what one job needs, so a pickled job does not carry the whole catalogue's paths."""
        return FileBlobs({d: self.files[d] for d in digests if d in self.files})


@dataclass(frozen=True)
class BlobStore:
    """A content-addressed folder: <root>/<first two hex digits>/<digest>. Files are written once,
    atomically (temporary name, then rename), and checked against their digest when added."""

    root: Path

    def _file(self, digest: str) -> Path:
        if len(digest) < 8 or not all(c in "0123456789abcdef" for c in digest):
            raise RenderError(f"not a blob digest: {digest!r}")
        return self.root / digest[:2] / digest

    def path(self, digest: str) -> Path:
        path = self._file(digest)
        if not path.is_file():
            raise RenderError(f"blob {digest[:12]} is not in {self.root}")
        return path

    def has(self, digest: str) -> bool:
        return self._file(digest).is_file()

    def put(self, data: bytes, digest: str | None = None) -> str:
        actual = digest_bytes(data)
        if digest is not None and digest != actual:
            raise RenderError(f"blob {digest[:12]} arrived with other bytes ({actual[:12]})")
        path = self._file(actual)
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{actual}.{secrets.token_hex(4)}.part")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        return actual

    def fill(self, source: FileBlobs, digests: Iterable[str]) -> BlobStore:
        """Copy the named blobs in from another source (what a hub sends a worker)."""
        for digest in digests:
            if not self.has(digest):
                self.put(source.read(digest), digest)
        return self
