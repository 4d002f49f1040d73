"""tests/zygote.py: a forked `rasa` command runs Rasa's own command line, logs to its file and
is seen to end; a killed one is seen gone."""

from __future__ import annotations

import signal
from pathlib import Path

import rasa

from tests.servers import ROOT, base_env
from tests.zygote import Forked, Zygote


def test_a_forked_rasa_command_writes_its_log_and_ends(tmp_path: Path) -> None:
    log = tmp_path / "version.log"
    child = Zygote.shared().spawn(["--version"], base_env(), ROOT, log)
    assert child.wait(timeout=60) is not None
    assert f"Rasa Version      :         {rasa.__version__}" in log.read_text()


def test_a_killed_child_is_seen_gone(tmp_path: Path) -> None:
    child = Zygote.shared().spawn(["data", "validate", "--help"], base_env(PYTHONUNBUFFERED="1"), ROOT, tmp_path / "x.log")
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.poll() is not None
    assert Forked(child.pid).poll() is not None  # a handle made afterwards agrees
