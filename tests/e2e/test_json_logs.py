"""JSON logs (observability/logs.py, LOG_FORMAT=json through deploy/docker/entrypoint.sh): the real
Rasa server and action server, started with the same logging file the image uses, write only JSON
objects with time, level, logger, conversation and event; a record written during a turn carries
the person's pseudonymous key, and the sender id itself is never printed."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

from observability import logs
from tests.servers import ROOT, action_server, base_env, free_port, rasa_server, say, sqlite_tracker, write_endpoints
from userdata import keys

LOGGING_FILE = ROOT / "observability" / "logging-json.yml"
FIELDS = {"time", "level", "logger", "conversation", "event"}
PLAIN_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,?\d* +(DEBUG|INFO|WARNING|ERROR)", re.M)
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def records(log: Path) -> List[Dict[str, Any]]:
    out = []
    for line in log.read_text().splitlines():
        if not line.strip():
            continue
        record = json.loads(line)  # fails the test on any line that is not one JSON object
        assert isinstance(record, dict) and FIELDS <= set(record) <= FIELDS | {"exception"}, line
        assert TIME.match(record["time"]) and record["level"] in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
        out.append(record)
    return out


def test_the_formatter_writes_one_object_with_the_key_in_place_of_the_sender(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USERDATA_KEY", "test-key")
    record = logging.LogRecord("rasa.core.processor", logging.WARNING, __file__, 1, "no reply for %s", ("tg-4711",), None)
    token = logs.bind_conversation("telegram", "tg-4711")
    try:
        line = logs.JsonFormatter().format(record)
    finally:
        logs.unbind_conversation(token)
    assert "\n" not in line
    parsed = json.loads(line)
    key = keys.user_key("telegram", "tg-4711")
    assert parsed["level"] == "WARNING" and parsed["logger"] == "rasa.core.processor" and TIME.match(parsed["time"])
    assert parsed["conversation"] == key and parsed["event"] == f"no reply for {key}"
    assert json.loads(logs.JsonFormatter().format(record))["conversation"] is None  # outside a turn


@pytest.mark.parametrize("role", ["rasa", "actions"])
@pytest.mark.parametrize("log_format", ["json", "text", None])
def test_the_image_passes_the_logging_file_only_when_asked(tmp_path: Path, role: str, log_format: Optional[str]) -> None:
    """deploy/docker/entrypoint.sh, run with stand-ins for `rasa` and for `python` (which starts
    Rasa through deploy/docker/rasa_server.py) that print what they were given."""
    (tmp_path / "bin").mkdir()
    for command, script in (("rasa", ""), ("python", "shift\n")):  # python: drop rasa_server.py's path
        fake = tmp_path / "bin" / command
        fake.write_text(f'#!/bin/sh\n{script}echo "ARGS $*"\n')
        fake.chmod(0o755)
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "LATEST").write_text("models/m.tar.gz")
    env = {"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin", "RASA_AUTH_TOKEN": "t", "ACTION_SERVER_TOKEN": "s"}
    if log_format:
        env["LOG_FORMAT"] = log_format
    entrypoint = ROOT / "deploy" / "docker" / "entrypoint.sh"
    result = subprocess.run(["sh", str(entrypoint), role], cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    [args] = result.stdout.splitlines()
    flag = "--logging-config-file /app/observability/logging-json.yml"
    if log_format == "json":
        assert flag in args
    else:
        assert "--logging-config-file" not in args
    assert args.startswith("ARGS run " if role == "rasa" else "ARGS run actions ")
    assert (ROOT / flag.split()[1].replace("/app/", "")).exists()


@pytest.mark.e2e
def test_both_servers_log_only_json_and_name_the_person_by_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USERDATA_KEY", "test-key")  # the servers' key, for keys.user_key below
    sender = f"json-logs-{uuid.uuid4().hex[:10]}"
    env = base_env(USERDATA_KEY="test-key", LOG_LEVEL="INFO")
    action_port, rasa_port = free_port(), free_port()
    endpoints = write_endpoints(tmp_path, action_port, sqlite_tracker(tmp_path))
    actions = action_server(tmp_path, action_port, env)
    rasa = rasa_server(tmp_path, rasa_port, endpoints, env)
    for server in (actions, rasa):  # stdout to the server's log, stderr (Python's warnings) apart
        stderr_file = tmp_path / f"{server.log.stem}.stderr"
        server.argv = ["sh", "-c", f'exec "$@" 2>"{stderr_file}"', "sh", *server.argv, "--logging-config-file", str(LOGGING_FILE)]
    actions.launch()
    rasa.launch()
    try:
        actions.wait_ready()
        rasa.wait_ready()
        say(rasa.url, sender, "my lower back hurts")
        actions.kill()  # the next turn's action call fails: Rasa logs an error during the turn
        say(rasa.url, sender, "no")
    finally:
        rasa.stop()
        actions.stop()
    rasa_records, action_records = records(rasa.log), records(actions.log)
    assert rasa_records and action_records
    key = keys.user_key("rest", sender)
    during_turn = [r for r in rasa_records if r["conversation"] is not None]
    assert during_turn and {r["conversation"] for r in during_turn} == {key}
    assert any(r["level"] == "ERROR" for r in during_turn)
    for server in (rasa, actions):
        stderr = (tmp_path / f"{server.log.stem}.stderr").read_text()
        assert not PLAIN_RECORD.search(stderr), stderr[-2000:]  # no record printed a second time, in plain text
        assert sender not in server.log.read_text() and sender not in stderr
