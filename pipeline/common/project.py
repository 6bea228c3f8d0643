"""Where a project's folders are: content, templates (user-first lookup), schedule, state, exports."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pipeline.common.errors import ConfigError

PACKAGED_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@dataclass(frozen=True)
class Project:
    root: Path
    content: Path
    templates: tuple[Path, ...]  # searched in order: the council's own folder first, then the defaults
    schedule: Path
    state: Path
    exports: Path

    @classmethod
    def at(cls, root: Path | str | None = None, content: Path | str | None = None,
           templates: Path | str | None = None, exports: Path | str | None = None,
           state: Path | str | None = None) -> Project:
        root = Path(root or os.environ.get("ETALASE_ROOT") or Path.cwd()).resolve()
        own = Path(templates or os.environ.get("ETALASE_TEMPLATES") or root / "templates").resolve()
        search = tuple(dict.fromkeys(p for p in (own, PACKAGED_TEMPLATES) if p.is_dir())) or (own,)
        return cls(
            root=root,
            content=Path(content or root / "content").resolve(),
            templates=search,
            schedule=root / "schedule.yaml",
            state=Path(state or os.environ.get("ETALASE_STATE") or root / "state").resolve(),
            exports=Path(exports or root / "exports").resolve(),
        )

    def template(self, relative: str) -> Path:
        """The first match of `relative` in the template search path."""
        for base in self.templates:
            path = base / relative
            if path.exists():
                return path
        raise ConfigError.single(str(self.templates[0] / relative), None, "", "template not found",
                                 "searched: " + ", ".join(str(b) for b in self.templates))

    def template_names(self, folder: str, suffix: str) -> list[str]:
        names: set[str] = set()
        for base in self.templates:
            names.update(p.name.removesuffix(suffix) for p in (base / folder).glob("*" + suffix))
        return sorted(names)
