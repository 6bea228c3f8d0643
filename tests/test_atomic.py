"""Atomic writes: the old file or the new one, never half, and no temporary left behind."""

from __future__ import annotations

import pytest

from pipeline.common import atomic


def test_write_replaces_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "sub" / "caption.txt"
    atomic.write_text(path, "lama\n")
    atomic.write_text(path, "baru\n")
    assert path.read_text(encoding="utf-8") == "baru\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["caption.txt"]


def test_a_failing_body_keeps_the_old_file(tmp_path):
    path = tmp_path / "video.mp4"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic.output(path) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("encoder died")
    assert path.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["video.mp4"]


def test_exclusive_refuses_an_existing_name(tmp_path):
    path = tmp_path / "tas.yaml"
    atomic.write_bytes(path, b"a: 1\n", exclusive=True)
    with pytest.raises(FileExistsError):
        atomic.write_bytes(path, b"a: 2\n", exclusive=True)
    assert path.read_bytes() == b"a: 1\n" and [p.name for p in tmp_path.iterdir()] == ["tas.yaml"]
