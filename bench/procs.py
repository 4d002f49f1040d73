"""Start, watch and stop one bot (Rasa server + action server) on free loopback ports.

Also reads what the kernel knows about those processes: resident memory (VmRSS, summed over
the process and its descendants) and CPU time, plus machine-wide CPU use so a report can say
how busy the machine was with other work during a measurement.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CLK_TCK = os.sysconf("SC_CLK_TCK")
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def server_env(pythonpath: Path, **extra: str) -> Dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(pythonpath),
        "SANIC_HOST": LOOPBACK,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }
    env.update(extra)
    return env


# ---------------------------------------------------------------- /proc readers


def _children_map() -> Dict[int, List[int]]:
    children: Dict[int, List[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # the command name is in parentheses and may contain spaces: split after the last ')'
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


def process_tree(pid: int) -> List[int]:
    """pid and all its live descendants."""
    children = _children_map()
    tree: List[int] = []
    todo = [pid]
    while todo and len(tree) < 1000:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def memory_mb(pid: int) -> Dict[str, float]:
    """VmRSS of the process and its descendants (MB), and the main process's peak (VmHWM)."""
    tree = process_tree(pid)
    rss = sum(_status_kb(p, "VmRSS") for p in tree)
    return {"rss_mb": round(rss / 1024, 1), "peak_rss_mb": round(_status_kb(pid, "VmHWM") / 1024, 1), "processes": len(tree)}


def cpu_seconds(pid: int) -> float:
    """user + system CPU time of the process and its live descendants."""
    total = 0
    for p in process_tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        except (OSError, ValueError, IndexError):
            continue
    return total / CLK_TCK


def machine_cpu() -> Tuple[float, float]:
    """(busy, total) CPU seconds since boot, summed over all CPUs."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values) - idle) / CLK_TCK, sum(values) / CLK_TCK


def load_average() -> List[float]:
    return [float(v) for v in Path("/proc/loadavg").read_text().split()[:3]]


# ---------------------------------------------------------------- one bot


#: the tracker store our bot runs on (endpoints.yml): bounded sessions, forgetting, metrics
OUR_TRACKER_STORE = "stores.tracker_store.ForgettingSQLTrackerStore"


@dataclass
class Bot:
    """A Rasa server and its action server, as `scripts/run.sh` starts them, on free ports."""

    name: str
    cwd: Path
    model: Path
    credentials: Path
    workdir: Path
    env: Dict[str, str]
    tracker: str = "sqlite"  # or "memory"
    token: str = ""  # the HTTP API token (random per run)
    store_type: str = "SQL"  # the SQLite tracker store's class: Rasa's, or ours (OUR_TRACKER_STORE)
    rasa_prefix: List[str] = field(default_factory=list)  # e.g. a profiler to run the Rasa server under
    rasa_port: int = field(default_factory=free_port)
    actions_port: int = field(default_factory=free_port)
    rasa: Optional[subprocess.Popen] = None
    actions: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.rasa_port}"

    def endpoints(self) -> Path:
        path = self.workdir / f"{self.name}-endpoints.yml"
        text = f'action_endpoint:\n  url: "http://{LOOPBACK}:{self.actions_port}/webhook"\n'
        text += f'  headers:\n    Authorization: "Bearer {self.token}"\n'  # our action server's secret (the bare one ignores it)
        if self.tracker == "sqlite":
            db = self.workdir / f"{self.name}-tracker.db"
            text += f'tracker_store:\n  type: {self.store_type}\n  dialect: "sqlite"\n  db: "{db}"\n'
        path.write_text(text)
        return path

    def _spawn(self, argv: List[str], log_name: str) -> subprocess.Popen:
        # own session: a Ctrl-C reaches the benchmark, which then stops these processes itself
        with (self.workdir / log_name).open("a") as log:
            return subprocess.Popen(
                argv,
                cwd=self.cwd,
                env={**self.env, "ACTION_SERVER_TOKEN": self.token},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def start(self, first_message: str, is_answer: Callable[[Any], bool], timeout: float = 300) -> Dict[str, float]:
        """Spawn both processes and wait for the first answered message.

        Cold start = spawn to the first webhook reply that `is_answer` accepts, given while the
        action server already answers its health check (so a reply built without the action
        server never counts). Each attempt uses a new sender id.
        """
        endpoints = self.endpoints()
        started = time.perf_counter()
        rasa = str(BIN / "rasa")
        self.actions = self._spawn(
            [rasa, "run", "actions", "--actions", "actions", "--port", str(self.actions_port)], f"{self.name}-actions.log"
        )
        self.rasa = self._spawn(
            [
                *self.rasa_prefix,
                rasa,
                "run",
                "--model",
                str(self.model),
                "--endpoints",
                str(endpoints),
                "--credentials",
                str(self.credentials),
                "--interface",
                LOOPBACK,
                "--port",
                str(self.rasa_port),
                "--enable-api",
                "--auth-token",
                self.token,
            ],
            f"{self.name}-rasa.log",
        )
        actions_ready: Optional[float] = None
        rasa_up: Optional[float] = None
        attempt = 0
        deadline = started + timeout
        while time.perf_counter() < deadline:
            for proc, label in ((self.actions, "actions"), (self.rasa, "rasa")):
                if proc.poll() is not None:
                    raise RuntimeError(f"{self.name} {label} exited early (code {proc.returncode}):\n{self.log_tail(label)}")
            if actions_ready is None:
                try:
                    if requests.get(f"http://{LOOPBACK}:{self.actions_port}/health", timeout=2).status_code == 200:
                        actions_ready = time.perf_counter() - started
                except requests.RequestException:
                    pass
            try:
                attempt += 1
                reply = requests.post(
                    f"{self.url}/webhooks/rest/webhook",
                    timeout=30,
                    json={"sender": f"coldstart-{self.name}-{attempt}", "message": first_message},
                )
                if rasa_up is None:
                    rasa_up = time.perf_counter() - started
                if reply.status_code == 200 and actions_ready is not None and is_answer(reply.json()):
                    return {
                        "cold_start_s": round(time.perf_counter() - started, 2),
                        "actions_ready_s": round(actions_ready, 2),
                        "rasa_http_up_s": round(rasa_up, 2),
                        "attempts": attempt,
                    }
            except (requests.RequestException, ValueError):
                pass
            if attempt % 8 == 0 and "Could not load model" in self.log_tail("rasa", 20000):
                raise RuntimeError(f"{self.name}: Rasa could not load {self.model.name}:\n{self.log_tail('rasa')}")
            time.sleep(0.25)
        raise RuntimeError(f"{self.name}: no answer after {timeout:.0f}s:\n{self.log_tail('rasa')}")

    def log_tail(self, label: str, chars: int = 3000) -> str:
        path = self.workdir / f"{self.name}-{label}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else "(no log)"

    def pids(self) -> Dict[str, int]:
        return {label: p.pid for label, p in (("rasa", self.rasa), ("actions", self.actions)) if p is not None}

    def alive(self) -> bool:
        return all(p is not None and p.poll() is None for p in (self.rasa, self.actions))

    def stop(self) -> None:
        """SIGTERM each process we started (and any descendant of it), then SIGKILL what is left."""
        for proc in (self.rasa, self.actions):
            if proc is None or proc.poll() is not None:
                continue
            descendants = [p for p in process_tree(proc.pid) if p != proc.pid]
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
            for pid in descendants:
                try:
                    if os.getsid(pid) == proc.pid:  # still in the session we created: ours
                        os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
