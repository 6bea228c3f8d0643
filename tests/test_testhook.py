"""The test aids themselves: named pause points (pipeline/common/testhook.py) and the pinned clock ($ETALASE_NOW)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import process_env, release, wait_for_point

from pipeline.common.clock import SystemClock
from pipeline.common.errors import ConfigError

REPO = Path(__file__).resolve().parent.parent
POINTS = ("from pipeline.common import testhook; testhook.point('a', day='2026-10-01'); testhook.point('b'); "
          "print('went on')")


def test_a_process_marks_its_points_and_waits_at_the_chosen_one_until_released(tmp_path):
    env = process_env(ETALASE_TEST_PAUSE=f"b:{tmp_path}")
    proc = subprocess.Popen([sys.executable, "-c", POINTS], cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
    try:
        trail = wait_for_point(tmp_path, proc)
        assert [(m["point"], m["hit"], m["paused"], m.get("day")) for m in trail] == [
            ("a", 1, False, "2026-10-01"), ("b", 1, True, None)]
        assert proc.poll() is None and {m["pid"] for m in trail} == {proc.pid}  # it waits there
        release(tmp_path)
        assert proc.communicate(timeout=60)[0] == "went on\n"
    finally:
        proc.kill()
        proc.wait()


def test_without_the_variable_points_neither_wait_nor_write(tmp_path):
    env = process_env()
    env.pop("ETALASE_TEST_PAUSE", None)
    done = subprocess.run([sys.executable, "-c", POINTS], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.stdout == "went on\n" and list(tmp_path.iterdir()) == []


def test_etalase_now_pins_the_system_clock_in_its_zone(monkeypatch):
    monkeypatch.setenv("ETALASE_NOW", "2026-09-30T22:00:00+00:00")
    assert SystemClock().now().isoformat() == "2026-10-01T05:00:00+07:00"
    assert SystemClock("Asia/Jayapura").now().isoformat() == "2026-10-01T07:00:00+09:00"
    monkeypatch.setenv("ETALASE_NOW", "2026-09-30T22:00:00")  # naive: refused, never guessed
    with pytest.raises(ConfigError, match="not an aware ISO moment"):
        SystemClock()
    monkeypatch.delenv("ETALASE_NOW")
    before = dt.datetime.now(dt.UTC)
    assert before <= SystemClock().now() <= dt.datetime.now(dt.UTC)  # unset: the machine's clock
