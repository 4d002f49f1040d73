"""Start and stop real Rasa and action-server processes for tests (loopback only)."""

from __future__ import annotations

import itertools
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import requests

from tests.zygote import Forked, Zygote

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TOKEN = "test-api-token"
ACTION_SERVER_TOKEN = "test-action-server-token"  # noqa: S105 - the test servers' shared secret


#: each pytest process hands out ports from a block of its own, below Linux's ephemeral range
#: (32768 up, where the kernel's port 0 lands): a port asked for and closed there could come back
#: to another worker, or to this one for its next server, before the first user had bound it
PORT_BLOCK, FIRST_PORT = 1500, 18000
_next_port = itertools.count()


def free_port() -> int:
    """A loopback port nobody listens on and that no other test process can be given."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # gw0, gw1... under xdist; unset when serial
    start = FIRST_PORT + PORT_BLOCK * (int(worker[2:]) + 1 if worker.startswith("gw") else 0)
    for _ in range(PORT_BLOCK):
        port = start + next(_next_port) % PORT_BLOCK
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue  # taken by someone else: the next one
            return port
    raise RuntimeError(f"no free port in {start}-{start + PORT_BLOCK - 1}")


def model_path() -> Path:
    return ROOT / (ROOT / "models" / "LATEST").read_text().strip()


#: the channel settings the connectors read from the environment; the servers get none of them
#: (unset = channel off, as on a fresh checkout), unless a test sets them
CHANNEL_VARIABLES = tuple(
    name
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
)


PROXY_VARIABLES = {"http_proxy", "https_proxy", "all_proxy"}


def base_env(**extra: str) -> Dict[str, str]:
    """The servers' environment: loopback only, no proxy, no channel variable from the developer's shell."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in PROXY_VARIABLES and k not in CHANNEL_VARIABLES}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "SANIC_HOST": "127.0.0.1",
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "NO_PROXY": "127.0.0.1,localhost",
        }
    )
    env.update(extra)
    return env


def sqlite_tracker(workdir: Path, name: str = "tracker") -> str:
    """endpoints.yml lines for a throw-away SQLite tracker store."""
    store = "stores.tracker_store.ForgettingSQLTrackerStore"
    return f'tracker_store:\n  type: {store}\n  dialect: "sqlite"\n  db: "{workdir / f"{name}.db"}"\n'


def write_endpoints(workdir: Path, action_port: int, *sections: str) -> Path:
    path = workdir / f"endpoints-{uuid.uuid4().hex[:6]}.yml"
    action = f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
    action += f'  headers:\n    Authorization: "Bearer {ACTION_SERVER_TOKEN}"\n'
    path.write_text(action + "".join(sections))
    return path


@dataclass
class Server:
    name: str
    argv: List[str]
    env: Dict[str, str]
    log: Path
    url: str
    health_path: str
    process: Optional[Union[subprocess.Popen, Forked]] = field(default=None)

    @property
    def health_url(self) -> str:
        return self.url + self.health_path

    def start(self, timeout: float = 240) -> Server:
        return self.launch().wait_ready(timeout)

    def launch(self) -> Server:
        """Spawn without waiting: several servers can then load their models side by side. A `rasa`
        command is forked from the worker's zygote, which has imported Rasa already (tests/zygote.py;
        TPC_TEST_ZYGOTE=0 runs each as a process of its own)."""
        if self.argv[0] == str(BIN / "rasa") and os.environ.get("TPC_TEST_ZYGOTE", "1") != "0":
            self.process = Zygote.shared().spawn(self.argv[1:], self.env, ROOT, self.log)
        else:
            log = self.log.open("a")
            self.process = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        return self

    def wait_ready(self, timeout: float = 240) -> Server:
        assert self.process is not None, "launch() first"
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

    def kill(self, sig: int = signal.SIGKILL, grace: float = 30) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 5 s: Sanic would wait 15 s for open socket.io long-polls,
        and every turn is already in the tracker store (nothing is lost by not waiting)."""
        self.kill(signal.SIGTERM, grace=5)


def start_together(*servers: Server) -> Tuple[Server, ...]:
    """Launch every server, then wait for each: their start-ups (Rasa's is mostly importing
    TensorFlow and loading the model) overlap instead of adding up."""
    for server in servers:
        server.launch()
    for server in servers:
        server.wait_ready()
    return servers


def action_server(workdir: Path, port: int, env: Dict[str, str]) -> Server:
    """An action server; its user-data store is a throw-away SQLite file in `workdir` unless `env` names one."""
    env = {
        "USERDATA_URL": f"sqlite:///{workdir / 'userdata.db'}",
        "USERDATA_KEY": "test-key",
        "RASA_AUTH_TOKEN": TOKEN,
        "ACTION_SERVER_TOKEN": ACTION_SERVER_TOKEN,
        "REMINDER_POLL_SECONDS": "1",
        **env,
    }
    return Server(
        "action server",
        [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(port)],
        env,
        workdir / f"actions-{port}.log",
        f"http://127.0.0.1:{port}",
        "/health",
    )


def rasa_server(
    workdir: Path,
    port: int,
    endpoints: Path,
    env: Dict[str, str],
    credentials: Optional[Path] = None,
    cors: Sequence[str] = (),
) -> Server:
    """A Rasa server; it shares the action server's throw-away user-data store in `workdir` by default."""
    env = {"USERDATA_URL": f"sqlite:///{workdir / 'userdata.db'}", "USERDATA_KEY": "test-key", **env}
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
            *(["--cors", *cors] if cors else []),
        ],
        env,
        workdir / f"rasa-{port}.log",
        f"http://127.0.0.1:{port}",
        f"/status?token={TOKEN}",
    )


def say(url: str, sender: str, text: str, timeout: float = 60) -> list:
    response = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=timeout)
    response.raise_for_status()
    return response.json()


def conversation(sender: str) -> str:
    """The conversation id of `sender`: as given when it names its channel (`telegram:123`),
    else the REST channel's (`rest:<sender>`, channels/identity.py)."""
    from channels.identity import conversation_id, split

    return sender if split(sender) is not None else conversation_id("rest", sender)


def tracker(url: str, sender: str, include_events: str = "AFTER_RESTART") -> dict:
    params = {"token": TOKEN, "include_events": include_events}
    response = requests.get(f"{url}/conversations/{conversation(sender)}/tracker", params=params, timeout=30)
    response.raise_for_status()
    return response.json()


@dataclass
class Bot:
    """The trained model served by `rasa run` with the real action server (tests/conftest.py `bot`)."""

    url: str
    action_url: str
    workdir: Path  # the throw-away stores: tracker.db, userdata.db

    def say(self, sender: str, text: str) -> List[Dict[str, Any]]:
        return say(self.url, sender, text)

    def tracker(self, sender: str, include_events: str = "AFTER_RESTART") -> Dict[str, Any]:
        return tracker(self.url, sender, include_events)

    @staticmethod
    def new_sender() -> str:
        return f"e2e-{uuid.uuid4().hex[:12]}"
