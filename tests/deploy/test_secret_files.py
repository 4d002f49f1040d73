"""deploy/docker/entrypoint.sh takes secrets as files (NAME_FILE: Docker secrets under /run/secrets,
Kubernetes Secret volumes): run with stand-ins for `rasa` and `python` that print what they were
given and the secrets they see. No secret is ever on a command line: Rasa's API token reaches it
through deploy/docker/rasa_server.py, from the environment."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Dict, List

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "deploy" / "docker" / "entrypoint.sh"
RASA_SERVER = ENTRYPOINT.parent / "rasa_server.py"
SHOWN = (
    "RASA_AUTH_TOKEN",
    "ACTION_SERVER_TOKEN",
    "USERDATA_KEY",
    "PGPASSWORD",
    "REDIS_PASSWORD",
    "RASA_AUTH_TOKEN_FILE",
    "REST_AUTH_TOKEN",
    "SLACK_BOT_TOKEN",
)


def start(tmp_path: Path, role: str, env: Dict[str, str]) -> subprocess.CompletedProcess:
    (tmp_path / "bin").mkdir(exist_ok=True)
    lines = "".join(f'echo "{name}=${{{name}:-<unset>}}"\n' for name in SHOWN)
    for command in ("rasa", "python"):
        fake = tmp_path / "bin" / command
        fake.write_text(f'#!/bin/sh\necho "{command.upper()} $*"\n{lines}')
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
    assert out[0].startswith(f"PYTHON {RASA_SERVER} run --model models/m.tar.gz ") and "--enable-api" in out[0]
    assert "api-token" not in out[0] and "--auth-token" not in out[0]  # the command line anyone sees
    assert out[1:] == [
        "RASA_AUTH_TOKEN=api-token",
        "ACTION_SERVER_TOKEN=shared",
        "USERDATA_KEY= key with blanks ",
        "PGPASSWORD=pg-secret",
        "REDIS_PASSWORD=from-the-environment",
        "RASA_AUTH_TOKEN_FILE=<unset>",
        "REST_AUTH_TOKEN=<unset>",
        "SLACK_BOT_TOKEN=<unset>",
    ]


def test_the_action_server_starts_with_its_token_from_a_file_and_not_without_it(tmp_path: Path) -> None:
    done = start(tmp_path, "actions", {"ACTION_SERVER_TOKEN_FILE": secret(tmp_path, "t", "shared")})
    out = done.stdout.splitlines()
    assert done.returncode == 0 and out[0] == "RASA run actions --actions actions --port 5055", done.stderr
    assert "ACTION_SERVER_TOKEN=shared" in out
    missing = start(tmp_path, "actions", {"ACTION_SERVER_TOKEN_FILE": str(tmp_path / "absent")})
    assert missing.returncode == 66 and "cannot read" in missing.stderr and missing.stdout == ""


def test_a_channel_key_with_no_file_leaves_that_channel_off(tmp_path: Path) -> None:
    """A Kubernetes Secret without a channel's key (an optional item) mounts no file for it."""
    env = {
        "RASA_AUTH_TOKEN": "api-token",
        "REST_AUTH_TOKEN_FILE": str(tmp_path / "absent"),
        "SLACK_BOT_TOKEN_FILE": secret(tmp_path, "slack", "xoxb-1"),
    }
    done = start(tmp_path, "rasa", env)
    assert done.returncode == 0, done.stderr
    assert {"REST_AUTH_TOKEN=<unset>", "SLACK_BOT_TOKEN=xoxb-1"} <= set(done.stdout.splitlines())
    required = start(tmp_path, "rasa", {**env, "USERDATA_KEY_FILE": str(tmp_path / "absent")})
    assert required.returncode == 66 and "USERDATA_KEY_FILE: cannot read" in required.stderr


@pytest.mark.parametrize("role", ["rasa", "actions"])
def test_a_secret_given_both_ways_stops_the_start(tmp_path: Path, role: str) -> None:
    env = {"ACTION_SERVER_TOKEN": "a", "ACTION_SERVER_TOKEN_FILE": secret(tmp_path, "t", "b"), "RASA_AUTH_TOKEN": "t"}
    done = start(tmp_path, role, env)
    assert done.returncode == 64 and "not both" in done.stderr and done.stdout == ""


def rasa_server() -> ModuleType:
    spec = importlib.util.spec_from_file_location("rasa_server", RASA_SERVER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rasa_gets_its_api_token_from_the_environment_only() -> None:
    argv = rasa_server().rasa_argv(["run", "--enable-api", "--port", "5005"], {"RASA_AUTH_TOKEN": "api-token"})
    assert argv == ["rasa", "run", "--enable-api", "--port", "5005", "--auth-token=api-token"]


def test_a_token_that_starts_with_a_dash_reaches_rasa_whole() -> None:
    """A random URL-safe token starts with "-" about one time in 32; Rasa's own parser must still read it."""
    from rasa.__main__ import create_argument_parser

    token = "-Xk2_token"
    argv = rasa_server().rasa_argv(["run", "--enable-api"], {"RASA_AUTH_TOKEN": token})
    assert create_argument_parser().parse_args(argv[1:]).auth_token == token


@pytest.mark.parametrize(
    ("args", "environ", "message"),
    [
        (["run"], {}, "set RASA_AUTH_TOKEN"),
        (["run"], {"RASA_AUTH_TOKEN": ""}, "set RASA_AUTH_TOKEN"),
        (["run", "--auth-token", "t"], {"RASA_AUTH_TOKEN": "t"}, "never given as an argument"),
        (["run", "--auth-token=t"], {"RASA_AUTH_TOKEN": "t"}, "never given as an argument"),
    ],
)
def test_rasa_does_not_start_without_a_token_or_with_one_on_the_command_line(
    args: List[str], environ: Dict[str, str], message: str
) -> None:
    with pytest.raises(SystemExit, match=message):
        rasa_server().rasa_argv(args, environ)
