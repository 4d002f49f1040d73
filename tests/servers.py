"""Start and stop real Rasa and action-server processes for tests (loopback only)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TOKEN = "test-api-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def model_path() -> Path:
    return ROOT / (ROOT / "models" / "LATEST").read_text().strip()


#: credentials.yml placeholders; empty means "channel not configured" (it refuses all traffic)
CHANNEL_ENV_DEFAULTS = {
    name: ""
    for name in (
        "TELEGRAM_ACCESS_TOKEN",
        "TELEGRAM_BOT_NAME",
        "TELEGRAM_WEBHOOK_URL",
        "TELEGRAM_SECRET_TOKEN",
        "TELEGRAM_API_URL",
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_CHANNEL",
        "SLACK_API_URL",
    )
}


def base_env(**extra: str) -> Dict[str, str]:
    env = {
        **os.environ,
        **CHANNEL_ENV_DEFAULTS,  # never a real token from the developer's shell
        "PYTHONPATH": str(ROOT),
        "SANIC_HOST": "127.0.0.1",
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }
    env.update(extra)
    return env


@dataclass
class Server:
    name: str
    argv: List[str]
    env: Dict[str, str]
    log: Path
    health_url: str
    process: Optional[subprocess.Popen] = field(default=None)

    def start(self, timeout: float = 240) -> Server:
        self.process = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=self.log.open("a"), stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.log.read_text()[-3000:]}")
            try:
                if requests.get(self.health_url, timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{self.name} not up after {timeout}s:\n{self.log.read_text()[-3000:]}")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def stop(self) -> None:
        self.kill(signal.SIGTERM)


def action_server(workdir: Path, port: int, env: Dict[str, str]) -> Server:
    return Server(
        "action server",
        [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(port)],
        env,
        workdir / f"actions-{port}.log",
        f"http://127.0.0.1:{port}/health",
    )


def rasa_server(workdir: Path, port: int, endpoints: Path, env: Dict[str, str], credentials: Optional[Path] = None) -> Server:
    return Server(
        "rasa",
        [
            str(BIN / "rasa"),
            "run",
            "--model",
            str(model_path()),
            "--endpoints",
            str(endpoints),
            "--credentials",
            str(credentials or ROOT / "credentials.yml"),
            "--interface",
            "127.0.0.1",
            "--port",
            str(port),
            "--enable-api",
            "--auth-token",
            TOKEN,
        ],
        env,
        workdir / f"rasa-{port}.log",
        f"http://127.0.0.1:{port}/status?token={TOKEN}",
    )


def say(url: str, sender: str, text: str, timeout: float = 60) -> list:
    response = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=timeout)
    response.raise_for_status()
    return response.json()


def tracker(url: str, sender: str) -> dict:
    response = requests.get(f"{url}/conversations/{sender}/tracker", params={"token": TOKEN}, timeout=30)
    response.raise_for_status()
    return response.json()
