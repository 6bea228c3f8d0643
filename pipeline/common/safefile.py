"""Opening a user's file defensively: regular files only, under a size limit, inside their folder.

Content folders get copied around on USB sticks and shared drives, so a product file may be a
dangling link, a link loop, a folder named `x.yaml`, a FIFO or a link to /dev/zero or /etc/passwd.
Each must become one readable problem for that file, never a hang, a MemoryError or a traceback
that stops every other product. The file is stat'ed before it is opened, so a FIFO or a device
is refused without opening it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

DEFAULT_MAX_KB = 256  # a product file is ~1 KB; the biggest settings file a few KB
MAX_KB_ENV = "ETALASE_MAX_FILE_KB"


class FileRefused(Exception):
    """A file that is not read: `message` says what it is, `hint` what to do."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message, self.hint = message, hint


class Within:
    """A folder files must stay inside, with its real path and its subfolders' resolved once per use
    (a thousand products would otherwise resolve every path component of every file)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.real = self.root.resolve()
        self._dirs: dict[Path, Path] = {}

    def real_path(self, path: Path) -> Path:
        """Where `path` really is; OSError or RuntimeError on a link loop, FileNotFoundError when dangling."""
        if not path.is_symlink():
            parent = self._dirs.get(path.parent)
            if parent is None:
                parent = self._dirs[path.parent] = path.parent.resolve(strict=True)
            return parent / path.name
        return path.resolve(strict=True)


def max_file_bytes() -> int:
    """The size limit for YAML files: $ETALASE_MAX_FILE_KB kilobytes, else 256 KB."""
    raw = os.environ.get(MAX_KB_ENV, "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw) * 1024
    return DEFAULT_MAX_KB * 1024


def check(path: Path, within: Within | Path | None = None, limit: int | None = None) -> os.stat_result:
    """The file's stat when it may be read; FileRefused otherwise. Never opens the file."""
    if within is not None:
        _inside(path, within)
    try:
        st = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            raise FileRefused(f"is a link to `{os.readlink(path)}`, which does not exist",
                              "delete the link or copy the real file here") from None
        raise FileRefused("file not found") from None
    except OSError as exc:
        raise FileRefused(_os_message(exc), "delete the link or copy the real file here") from None
    if stat.S_ISDIR(st.st_mode):
        raise FileRefused("is a folder, not a file", "rename the folder or move it out of here")
    if not stat.S_ISREG(st.st_mode):
        raise FileRefused("is not a regular file (a device, pipe or socket)", "delete it and save a real file here")
    if limit is not None and st.st_size > limit:
        raise FileRefused(f"file is {_kb(st.st_size)}, over the {_kb(limit)} limit for one file",
                          f"a product file is normally about 1 KB: check it is the right file "
                          f"(or raise ${MAX_KB_ENV})")
    return st


def read_bytes(path: Path, within: Within | Path | None = None, limit: int | None = None) -> bytes:
    """The file's bytes after `check`; reads at most `limit` bytes even if the file grows meanwhile."""
    check(path, within, limit)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise FileRefused(_os_message(exc)) from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped since the check
            raise FileRefused("is not a regular file (a device, pipe or socket)")
        data = f.read() if limit is None else f.read(limit + 1)
    if limit is not None and len(data) > limit:
        raise FileRefused(f"file is over the {_kb(limit)} limit for one file", f"or raise ${MAX_KB_ENV}")
    return data


def _inside(path: Path, within: Within | Path) -> None:
    """Refuse a link that leads out of `within` (a link inside it, to another file in it, is fine)."""
    within = within if isinstance(within, Within) else Within(within)
    try:
        real = within.real_path(path)
    except FileNotFoundError:
        return  # dangling: check() says so
    except (OSError, RuntimeError):  # a link loop: RuntimeError before Python 3.13
        raise FileRefused("is a link that leads back to itself (a link loop)",
                          "delete the link and copy the real file here") from None
    if real != within.real and within.real not in real.parents:
        name = within.root.name
        raise FileRefused(f"is a link to `{real}`, outside {name}/",
                          f"copy the file into {name}/ instead of linking to it")


def _os_message(exc: OSError) -> str:
    if exc.errno == 40 or "symbolic links" in str(exc).lower():  # ELOOP
        return "is a link that leads back to itself (a link loop)"
    if isinstance(exc, PermissionError):
        return "cannot be read: permission denied"
    return f"cannot be read: {exc.strerror or exc}"


def _kb(n: int) -> str:
    return f"{n / 1024:,.0f} KB" if n < 10 * 1024 * 1024 else f"{n / 1024 / 1024:,.0f} MB"
