"""Writing files so that a reader, a crash or a kill sees the old file or the new one, never half.

Every writer in the house goes through here: a temporary name in the same folder (so the final
rename never crosses disks), fsync, then os.replace, and the temporary removed on any failure.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


def write_bytes(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """With `exclusive`, raises FileExistsError rather than replace a file that appeared meanwhile."""
    with output(path, exclusive=exclusive) as tmp:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


@contextlib.contextmanager
def output(path: Path, *, exclusive: bool = False) -> Iterator[Path]:
    """A temporary path beside `path` for the body to fill (in-process or by ffmpeg); put in place
    only when the body succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        if exclusive:
            _link_new(tmp, path)
        else:
            os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _link_new(tmp: Path, path: Path) -> None:
    try:
        os.link(tmp, path)  # fails when the name exists, unlike os.replace
    except FileExistsError:
        raise
    except OSError:  # file systems without hard links
        if path.exists():
            raise FileExistsError(path) from None
        os.replace(tmp, path)
