"""The template texts a render uses (layouts, captions, video templates), loaded once into a value.

Renderers look templates up here instead of on disk, so a render job can carry them to a worker
that has no project folder. `template_texts(project)` reads the effective set (the council's own
folder first, then the packaged defaults), keyed by relative path such as `layouts/cover.yaml`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.common.errors import ConfigError, ContentError
from pipeline.common.project import Project
from pipeline.common.yamlread import YamlDoc, loads, read_text

FOLDERS = {"layouts": ".yaml", "captions": ".j2", "videos": ".yaml"}


@dataclass(frozen=True)
class TemplateTexts:
    """Relative template path -> text, and how messages name each file (its path as users see it)."""

    texts: dict[str, str] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)

    def template_names(self, folder: str, suffix: str) -> list[str]:
        prefix = folder.rstrip("/") + "/"
        return sorted(rel[len(prefix):].removesuffix(suffix) for rel in self.texts
                      if rel.startswith(prefix) and rel.endswith(suffix) and "/" not in rel[len(prefix):])

    def text(self, relative: str) -> str | None:
        return self.texts.get(relative)

    def name_of(self, relative: str) -> str:
        return self.shown.get(relative, f"templates/{relative}")

    def doc(self, relative: str) -> YamlDoc:
        """A YAML template with line marks; syntax errors are ConfigErrors naming the file."""
        text = self.texts.get(relative)
        if text is None:
            raise ConfigError.single(f"templates/{relative}", None, "", "template not found")
        try:
            return loads(text, self.name_of(relative))
        except ContentError as exc:
            raise ConfigError(exc.problems) from None


def shown(project: Project, path: Path) -> str:
    """A path as users see it in messages: relative to the project when it lies inside."""
    try:
        return path.resolve().relative_to(project.root).as_posix()
    except ValueError:
        return str(path)


def template_texts(project: Project) -> TemplateTexts:
    """Every layout, caption and video template on the search path, the council's own first."""
    texts: dict[str, str] = {}
    names: dict[str, str] = {}
    for base in project.templates:
        for folder, suffix in FOLDERS.items():
            for path in sorted((base / folder).glob("*" + suffix)):
                rel = f"{folder}/{path.name}"
                if rel in texts or not path.is_file():
                    continue
                names[rel] = shown(project, path)
                try:
                    texts[rel] = read_text(path, names[rel])
                except ContentError as exc:
                    raise ConfigError(exc.problems) from None
    return TemplateTexts(texts, names)


def as_texts(source: Project | TemplateTexts) -> TemplateTexts:
    """Renderers accept either; a Project is read once here."""
    return source if isinstance(source, TemplateTexts) else template_texts(source)
