"""Build hook: the wheel carries the bundled sample project (content/, schedule.yaml, templates/).

The repository root is itself the sample council project, so its files live outside the package;
this copies them into pipeline/defaults/sample/ of the build so `etalase init --sample` works from an
installed wheel, far from any checkout. Everything else is declared in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SAMPLE = ("content", "templates", "schedule.yaml")


class BuildWithSample(build_py):
    def run(self) -> None:
        super().run()
        dest = Path(self.build_lib) / "pipeline" / "defaults" / "sample"
        for name in SAMPLE:
            src = ROOT / name
            if src.is_dir():
                shutil.copytree(src, dest / name, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            elif src.is_file():
                dest.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dest / name)


setup(cmdclass={"build_py": BuildWithSample})
