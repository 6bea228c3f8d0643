"""Which folders under a hub's councils folder are council projects, each opened with its own paths."""

from __future__ import annotations

from pathlib import Path

from pipeline.build.cache import DEFAULT_MAX, RenderCache
from pipeline.common.errors import ConfigError
from pipeline.common.project import Project


def find_councils(folder: Path) -> list[Path]:
    """Every direct subfolder holding a `content/` folder, by name; hidden folders are left out."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ConfigError.single(str(folder), None, "", "not a folder",
                                 "give the folder that holds one project folder per council")
    found = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")
                   and (p / "content").is_dir())
    if not found:
        raise ConfigError.single(str(folder), None, "", "no council projects found here",
                                 "each council is a subfolder with its own content/ (see `etalase init`)")
    return found


def open_council(root: Path) -> Project:
    """A council's project with every path spelled out, so no ETALASE_* variable can point two councils
    at one state folder or one template folder."""
    root = Path(root).resolve()
    return Project.at(root=root, content=root / "content", templates=root / "templates",
                      state=root / "state", exports=root / "exports")


HUB_STATE = ".etalase-hub"  # a dot name without content/: find_councils never takes it for a council


def hub_state(folder: Path) -> Path:
    """The hub's own state (its lock and the render cache its councils share), inside the councils folder."""
    return Path(folder).resolve() / HUB_STATE


def hub_cache(state: Path, councils: int, size: int | None = None) -> RenderCache:
    """The render cache every council of a hub run shares; by default it keeps what each council's own
    cache would (schedule.yaml's render_cache default) times the councils."""
    return RenderCache(Path(state) / "cache" / "renders", DEFAULT_MAX * max(1, councils) if size is None else size)
