"""deploy/docker/entrypoint.sh takes secrets as files (NAME_FILE, Docker Swarm's /run/secrets):
run with a stand-in `rasa` that prints what it was given and the secrets it sees."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Dict

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "deploy" / "docker" / "entrypoint.sh"
SHOWN = ("RASA_AUTH_TOKEN", "ACTION_SERVER_TOKEN", "USERDATA_KEY", "PGPASSWORD", "REDIS_PASSWORD", "RASA_AUTH_TOKEN_FILE")


def start(tmp_path: Path, role: str, env: Dict[str, str]) -> subprocess.CompletedProcess:
    (tmp_path / "bin").mkdir(exist_ok=True)
    fake = tmp_path / "bin" / "rasa"
    lines = "".join(f'echo "{name}=${{{name}:-<unset>}}"\n' for name in SHOWN)
    fake.write_text(f'#!/bin/sh\necho "ARGS $*"\n{lines}')
    fake.chmod(0o755)
    (tmp_path / "models").mkdir(exist_ok=True)
    (tmp_path / "models" / "LATEST").write_text("models/m.tar.gz")
    return subprocess.run(
        ["sh", str(ENTRYPOINT), role],
        cwd=tmp_path,
        env={"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )


def secret(tmp_path: Path, name: str, content: str) -> str:
    path = tmp_path / name
    path.write_text(content)
    return str(path)


def test_every_secret_can_come_from_a_file_and_only_the_value_reaches_the_server(tmp_path: Path) -> None:
    env = {
        "RASA_AUTH_TOKEN_FILE": secret(tmp_path, "rasa", "api-token\n"),  # `echo ... | docker secret create`
        "ACTION_SERVER_TOKEN_FILE": secret(tmp_path, "actions", "shared"),
        "USERDATA_KEY_FILE": secret(tmp_path, "key", " key with blanks "),  # used byte for byte
        "PGPASSWORD_FILE": secret(tmp_path, "pg", "pg-secret"),
        "REDIS_PASSWORD": "from-the-environment",  # the two ways mix
    }
    done = start(tmp_path, "rasa", env)
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert out[0].startswith("ARGS run ") and "--auth-token api-token" in out[0]
    assert out[1:] == [
        "RASA_AUTH_TOKEN=api-token",
        "ACTION_SERVER_TOKEN=shared",
        "USERDATA_KEY= key with blanks ",
        "PGPASSWORD=pg-secret",
        "REDIS_PASSWORD=from-the-environment",
        "RASA_AUTH_TOKEN_FILE=<unset>",
    ]


def test_the_action_server_starts_with_its_token_from_a_file_and_not_without_it(tmp_path: Path) -> None:
    done = start(tmp_path, "actions", {"ACTION_SERVER_TOKEN_FILE": secret(tmp_path, "t", "shared")})
    assert done.returncode == 0 and "ACTION_SERVER_TOKEN=shared" in done.stdout.splitlines(), done.stderr
    missing = start(tmp_path, "actions", {"ACTION_SERVER_TOKEN_FILE": str(tmp_path / "absent")})
    assert missing.returncode == 66 and "cannot read" in missing.stderr and "ARGS" not in missing.stdout


@pytest.mark.parametrize("role", ["rasa", "actions"])
def test_a_secret_given_both_ways_stops_the_start(tmp_path: Path, role: str) -> None:
    env = {"ACTION_SERVER_TOKEN": "a", "ACTION_SERVER_TOKEN_FILE": secret(tmp_path, "t", "b"), "RASA_AUTH_TOKEN": "t"}
    done = start(tmp_path, role, env)
    assert done.returncode == 64 and "not both" in done.stderr and done.stdout == ""
