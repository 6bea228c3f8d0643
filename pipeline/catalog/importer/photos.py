"""The photo files a sheet names: found case- and space-insensitively (`IMG 001.JPG` is `img001.jpg`) in
the --photos folder or in content/media/, probed as `check` probes them, and, for a --photos folder,
known by their bytes' digest so a dry run can tell an unchanged photo without re-encoding it."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.catalog import reader as C
from pipeline.catalog.importer.record import PhotoCache
from pipeline.catalog.media import MIN_SHORT_SIDE, MediaError, probe
from pipeline.common.errors import Problem


@dataclass(frozen=True)
class PhotoSource:
    typed: str  # as the cell names it
    path: Path
    digest: str = ""  # of the source bytes, when it comes from --photos
    media: str | None = None  # its name in content/media/, when known without taking it in


class PhotoFinder:
    def __init__(self, content: Path, folder: Path | None, cache: PhotoCache):
        self.content, self.folder, self.cache = content, folder, cache
        self._index: dict[str, Path] | None = None

    def find(self, slug: str, names: list[str], at: str) -> tuple[list[PhotoSource], list[Problem]]:
        """The sources of one product's photos, and the problems (at cell `at`) with those not usable."""
        index = self.index()
        shown = str(self.folder) if self.folder else "content/media/"
        out: list[PhotoSource] = []
        problems: list[Problem] = []
        for typed in names:
            path = index.get(key(typed))
            if path is None:
                near = difflib.get_close_matches(typed, sorted(p.name for p in index.values()), n=1)
                problems.append(Problem(at, None, "photos", f"photo `{typed}` not found in {shown}",
                                        f"did you mean `{near[0]}`?" if near else
                                        "check the spelling and the file extension"))
                continue
            try:
                info = probe(path)
            except MediaError as exc:
                problems.append(Problem(at, None, "photos", f"photo `{typed}`: {exc}",
                                        "replace the file with a good JPEG, PNG, WebP or HEIC photo"))
                continue
            if min(info.width, info.height) < MIN_SHORT_SIDE:  # check's warning, word for word
                problems.append(Problem(
                    at, None, "photos", f"photo `{typed}` is {info.width}x{info.height}, under {MIN_SHORT_SIDE} px "
                    "on its short side", "it will look soft on TikTok; use a larger original if there is one",
                    "warning"))
            if self.folder is None:
                out.append(PhotoSource(typed, path, media=path.relative_to(self.content / "media").as_posix()))
            else:
                digest = C.photo_digest(path)
                out.append(PhotoSource(typed, path, digest, self.cache.get(f"{slug}:{digest}")))
        return out, problems

    def index(self) -> dict[str, Path]:
        if self._index is None:
            folder = Path(self.folder or self.content / "media")
            self._index = {}
            for path in sorted(folder.iterdir()) if folder.is_dir() else ():
                if path.is_file():
                    self._index.setdefault(key(path.name), path)
        return self._index


def key(name: str) -> str:
    return re.sub(r"\s+", "", name).lower()


def photo_names(raw: Any) -> list[str]:
    """A YAML `photos` value as file names (an entry with a focus point by its `file`)."""
    items = raw if isinstance(raw, list) else [raw] if raw else []
    return [str(i.get("file")) if isinstance(i, dict) else str(i) for i in items]
