"""The launch scripts hand Rasa its HTTP API token whole, whatever its first character.

`make run` makes a random token with `secrets.token_urlsafe`, which starts with "-" about one
time in 32. Given as `--auth-token <token>`, such a token is read by Rasa's argument parser as an
option, and Rasa exits before it starts ("expected one argument"). Here scripts/run.sh runs in a
copy of the tree whose `.venv/bin/rasa` and `.venv/bin/python` only record what they were given;
Rasa's own parser then reads the recorded command line.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import List

import pytest

from tests.servers import ROOT, free_port

DASH_TOKEN = "-Xk2_dash-first-token"
#: records its arguments; deaf to the TERM that run.sh's clean-up sends once the first stand-in has
#: exited, so a stand-in started a moment later still records before the script's `wait` returns
RECORDER = '#!/bin/sh\ntrap "" TERM\nprintf "%s\\0" "$@" > "$(dirname "$0")/../../calls/$(basename "$0")-$$"\n'


def recorded_calls(calls: Path, program: str) -> List[List[str]]:
    return [path.read_bytes().decode().split("\0")[:-1] for path in sorted(calls.glob(f"{program}-*"))]


def test_make_run_gives_rasa_a_token_that_starts_with_a_dash_whole(tmp_path: Path) -> None:
    from rasa.__main__ import create_argument_parser

    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "run.sh", tmp_path / "scripts" / "run.sh")
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "LATEST").write_text("models/m.tar.gz")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / "calls").mkdir()
    for program in ("rasa", "python"):
        stand_in = tmp_path / ".venv" / "bin" / program
        stand_in.write_text(RECORDER)
        stand_in.chmod(0o755)
    env = {
        **os.environ,
        "RASA_AUTH_TOKEN": DASH_TOKEN,
        "ACTION_SERVER_TOKEN": "action-secret",
        "RASA_PORT": str(free_port()),  # nothing answers there: the script stops once its stand-ins exit
        "ACTIONS_PORT": str(free_port()),
        "WEB_PORT": str(free_port()),
    }
    done = subprocess.run(
        [str(tmp_path / "scripts" / "run.sh")], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert "a process exited during start-up" in done.stdout, done.stdout + done.stderr

    servers = [argv for argv in recorded_calls(tmp_path / "calls", "rasa") if argv[:2] == ["run", "--model"]]
    assert len(servers) == 1, recorded_calls(tmp_path / "calls", "rasa")
    parsed = create_argument_parser().parse_args(servers[0])
    assert parsed.auth_token == DASH_TOKEN and parsed.enable_api


@pytest.mark.parametrize("name", ["run.sh", "run_production.sh"])
def test_no_launch_script_gives_the_token_as_a_separate_argument(name: str) -> None:
    script = (ROOT / "scripts" / name).read_text()
    assert '--auth-token="$RASA_AUTH_TOKEN"' in script
    assert not re.search(r"--auth-token\s", script)
