"""Where a project's folders are: content, templates (user-first lookup), schedule, state, database, exports.

A Project is a plain value: everything about where one council's files live, with nothing read from
the environment, so one process (a national hub) can hold many councils' projects side by side. The
CLI alone turns $ETALASE_* variables into arguments (pipeline/cli/common.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.common.errors import ConfigError

# The default templates ship inside the package (pipeline/defaults/templates/), so a wheel installed
# without the repository still renders; a council's own templates/ folder is searched first.
PACKAGED_TEMPLATES = Path(__file__).resolve().parents[1] / "defaults" / "templates"
DB_NAME = "etalase.db"


@dataclass(frozen=True)
class Project:
    root: Path
    content: Path
    templates: tuple[Path, ...]  # searched in order: the council's own folder first, then the defaults
    schedule: Path
    state: Path
    exports: Path
    db: Path  # the state database; state/etalase.db unless this project names another

    @classmethod
    def at(cls, root: Path | str | None = None, content: Path | str | None = None,
           templates: Path | str | None = None, exports: Path | str | None = None,
           state: Path | str | None = None, db: Path | str | None = None) -> Project:
        root = Path(root or Path.cwd()).resolve()
        own = Path(templates or root / "templates").resolve()
        search = tuple(dict.fromkeys(p for p in (own, PACKAGED_TEMPLATES) if p.is_dir())) or (own,)
        state = Path(state or root / "state").resolve()
        return cls(
            root=root,
            content=Path(content or root / "content").resolve(),
            templates=search,
            schedule=root / "schedule.yaml",
            state=state,
            exports=Path(exports or root / "exports").resolve(),
            db=Path(db or state / DB_NAME).resolve(),
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
