"""Errors the core raises; only the CLI and the web layer turn them into exit codes or pages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or doubtful) in a user's file, precise enough to fix without reading code."""

    path: str
    line: int | None
    field: str
    message: str
    hint: str = ""
    severity: str = "error"  # "error" or "warning"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        where = f"{self.location()}: {self.field}" if self.field else self.location()
        text = f"{where}: {self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text


class EtalaseError(Exception):
    """Base of every error a user can cause; never shown as a traceback."""


class ContentError(EtalaseError):
    """One or more problems in content or template files."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, path: str, line: int | None, field: str, message: str, hint: str = "") -> ContentError:
        return cls(Problem(str(path), line, field, message, hint))


class ConfigError(ContentError):
    """Problems in schedule.yaml, brand.yaml or other settings files."""


class RenderError(EtalaseError):
    """A post could not be rendered (bad photo, text that cannot fit, encoder failure)."""


class PhotoError(RenderError):
    """A photo that cannot be read while rendering; `path` names it so the admin can be told which."""

    def __init__(self, path: Path | str, message: str):
        self.path = Path(path)
        super().__init__(f"{path}: {message}")


class CheckError(EtalaseError):
    """An output fails a TikTok constraint."""


class PermissionDenied(EtalaseError):
    """The acting user's role does not allow the action."""


class NotFound(EtalaseError):
    """A product, artisan, date or user the user named does not exist."""
