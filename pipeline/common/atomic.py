"""Writing files so that a reader, a crash or a kill sees the old file or the new one, never half.

Every writer in the house goes through here: a temporary name in the same folder (so the final
rename never crosses disks), fsync, then os.replace, and the temporary removed on any failure.
Written files get the mode the umask gives any new file (0644 usually) so a second account or a
shared folder can read the exports; only secrets ask for `private` (0600).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

# Pauses between tries of a rename Windows refuses: a sync client or a virus scan lets go in a second or two.
RETRY_DELAYS = (0.1, 0.2, 0.5, 1.0)
_os_replace = os.replace  # the seam a test swaps for one that raises, since Linux cannot refuse like Windows


def write_bytes(path: Path, data: bytes, *, exclusive: bool = False, private: bool = False) -> None:
    """With `exclusive`, raises FileExistsError rather than replace a file that appeared meanwhile;
    `private` makes the file owner-only (0600) from its first byte."""
    with output(path, exclusive=exclusive, private=private) as tmp:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


@contextlib.contextmanager
def output(path: Path, *, exclusive: bool = False, private: bool = False) -> Iterator[Path]:
    """A temporary path beside `path` for the body to fill (in-process or by ffmpeg); put in place
    only when the body succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _new_temporary(path, 0o600 if private else 0o666)
    try:
        yield tmp
        if exclusive:
            _link_new(tmp, path)
        else:
            replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _new_temporary(path: Path, mode: int) -> Path:
    """An empty new file beside `path`, like tempfile.mkstemp but with `mode` less the umask: mkstemp's
    fixed 0600 would leave every export unreadable to anyone but its writer."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            os.close(os.open(tmp, flags, mode))
        except FileExistsError:
            continue
        return tmp
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(path))


def replace(src: Path, dst: Path) -> None:
    """os.replace, tried again while it raises PermissionError: Windows refuses to replace a file, or
    move a folder, while another program has it (or a file inside) open. Raises the last error."""
    for delay in (*RETRY_DELAYS, None):
        try:
            _os_replace(src, dst)
            return
        except PermissionError:
            if delay is None:
                raise
            time.sleep(delay)


def _link_new(tmp: Path, path: Path) -> None:
    """Put `tmp` at `path` only if nothing is there: a hard link where the disk has them, else an
    O_EXCL claim of the name then a replace (FAT/exFAT USB drives and some shares have no links;
    for that instant the claimed file is empty, which a reader treats like any unreadable file)."""
    try:
        os.link(tmp, path)  # fails when the name exists, unlike os.replace
        return
    except FileExistsError:
        raise
    except OSError:
        pass
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))  # FileExistsError when taken
    try:
        replace(tmp, path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def sync_dir(folder: Path) -> None:
    """Make the renames inside `folder` durable. Skipped where a folder cannot be opened (Windows,
    whose NTFS journals renames anyway) or fsynced (some network and FAT mounts): the rename itself
    is atomic either way."""
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)
