"""End-to-end fixtures: the trained model served by `rasa run` with the real action server.

One Rasa server and one action server per test session, on free local ports, with a
throw-away SQLite tracker store. Tests talk to them over HTTP like a channel would.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import requests

from tests.servers import BIN, CHANNEL_ENV_DEFAULTS, ROOT, free_port, model_path

TOKEN = "e2e-test-token"


def wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 240) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError(f"{url} not up after {timeout}s:\n{log.read_text()[-3000:]}")


@dataclass
class Bot:
    url: str
    action_url: str
    knowledge_db_url: str

    def say(self, sender: str, text: str) -> List[Dict[str, Any]]:
        response = requests.post(f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> Dict[str, Any]:
        response = requests.get(f"{self.url}/conversations/{sender}/tracker", params={"token": TOKEN}, timeout=30)
        response.raise_for_status()
        return response.json()

    @staticmethod
    def new_sender() -> str:
        return f"e2e-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def bot_cors_origins() -> List[str]:
    """Origins passed to `rasa run --cors` (none here); a suite serving a page overrides this fixture."""
    return []


@pytest.fixture(scope="session")
def bot(tmp_path_factory: pytest.TempPathFactory, knowledge_db_url: str, bot_cors_origins: List[str]) -> Iterator[Bot]:
    workdir = tmp_path_factory.mktemp("bot")
    rasa_port, action_port = free_port(), free_port()
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
        f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{workdir / "tracker.db"}"\n'
    )
    env = {
        **os.environ,
        **CHANNEL_ENV_DEFAULTS,  # never a real token from the developer's shell
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": knowledge_db_url,
        "SANIC_HOST": "127.0.0.1",
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    action_log, rasa_log = workdir / "actions.log", workdir / "rasa.log"
    actions = subprocess.Popen(
        [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(action_port)],
        cwd=ROOT,
        env=env,
        stdout=action_log.open("w"),
        stderr=subprocess.STDOUT,
    )
    rasa = subprocess.Popen(
        [
            str(BIN / "rasa"),
            "run",
            "--model",
            str(model_path()),
            "--endpoints",
            str(endpoints),
            "--credentials",
            str(ROOT / "credentials.yml"),
            "--interface",
            "127.0.0.1",
            "--port",
            str(rasa_port),
            "--enable-api",
            "--auth-token",
            TOKEN,
            *(["--cors", *bot_cors_origins] if bot_cors_origins else []),
        ],
        cwd=ROOT,
        env=env,
        stdout=rasa_log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{action_port}/health", actions, action_log)
        wait_until_up(f"http://127.0.0.1:{rasa_port}/status?token={TOKEN}", rasa, rasa_log)
        yield Bot(f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{action_port}", knowledge_db_url)
    finally:
        for process in (rasa, actions):
            process.terminate()
        for process in (rasa, actions):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
