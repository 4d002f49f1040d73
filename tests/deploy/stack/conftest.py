"""The compose stack under test, started once for the session (tests/deploy/run.sh builds the
images and exports the settings; nothing here builds or pulls anything).

Every request from here goes to 127.0.0.1 (nginx's published port, the fakes' control port);
requests to one given replica go through `docker exec` to that container's own loopback.
Figures are collected in `Stack.figures` and written to reports/deploy.json at the end.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import pytest
import requests

ROOT = Path(__file__).resolve().parents[3]
NO_REPLY = "Sorry, I'm having a technical problem right now"

# Posts one request to this container's own Rasa (127.0.0.1:5005) and prints status and body.
INSIDE = """
import json, sys, urllib.request, urllib.error
a = json.load(sys.stdin)
req = urllib.request.Request("http://127.0.0.1:5005" + a["path"], data=a["body"].encode(), headers=a["headers"], method="POST")
try:
    r = urllib.request.urlopen(req, timeout=120)
    out = {"status": r.status, "body": r.read().decode(), "headers": dict(r.headers)}
except urllib.error.HTTPError as e:
    out = {"status": e.code, "body": e.read().decode(), "headers": dict(e.headers)}
print(json.dumps(out))
"""


def run(argv: Sequence[str], timeout: float = 600, check: bool = True, stdin: Optional[str] = None) -> str:
    done = subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout, input=stdin, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def poll(what: str, probe: Callable[[], Any], timeout: float = 120, interval: float = 0.5) -> Any:
    """probe() until it returns something truthy; AssertionError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        try:
            last = probe()
            if last:
                return last
        except (requests.RequestException, AssertionError, subprocess.SubprocessError) as error:
            last = error
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s (last: {last!r})")
        time.sleep(interval)


@dataclass
class Turn:
    ok: bool
    seconds: float
    status: int
    detail: str = ""


@dataclass
class Stack:
    project: str
    docker: str
    compose_argv: List[str]
    work: Path
    port: int
    figures: Dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> Stack:
        """The stack tests/deploy/run.sh started (its variables)."""
        env = os.environ
        return cls(
            project=env["TPC_DEPLOY_PROJECT"],
            docker=env["TPC_DOCKER"],
            compose_argv=shlex.split(env["TPC_COMPOSE"]),
            work=Path(env["TPC_DEPLOY_WORK"]),
            port=int(env["LB_PORT"]),
        )

    # -- docker ----------------------------------------------------------------------------
    def compose(self, *args: str, timeout: float = 600, env: Optional[Dict[str, str]] = None) -> str:
        files = ["-f", str(ROOT / "deploy" / "docker-compose.yml"), "-f", str(ROOT / "tests" / "deploy" / "compose.test.yml")]
        argv = [*self.compose_argv, "-p", self.project, *files, *args]
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})}, check=False
        )
        if done.returncode != 0:
            raise AssertionError(f"{' '.join(argv)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
        return done.stdout

    def containers(self, service: str) -> List[str]:
        ids = self.compose("ps", "-q", service).split()
        return sorted(ids, key=lambda cid: self.inspect(cid, "{{.Name}}"))

    def inspect(self, container: str, template: str) -> str:
        return run([self.docker, "inspect", "-f", template, container]).strip()

    def health(self, container: str) -> str:
        return self.inspect(container, "{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}")

    def wait_healthy(self, service: str, count: int, timeout: float = 240) -> List[str]:
        def healthy() -> Optional[List[str]]:
            ids = self.containers(service)
            return ids if len(ids) == count and all(self.health(c) == "healthy" for c in ids) else None

        return poll(f"{count} healthy {service} container(s)", healthy, timeout=timeout, interval=1)

    def psql(self, sql: str, database: str = "tpc_tracker") -> List[str]:
        out = self.compose("exec", "-T", "postgres", "psql", "-U", "tpc", "-d", database, "-tA", "-c", sql)
        return [line for line in out.splitlines() if line]

    def user_texts(self, sender: str) -> List[str]:
        """What a person said, from PostgreSQL; `sender` as tests.servers.conversation reads it."""
        from tests.servers import conversation

        safe = conversation(sender).replace("'", "''")
        sql = f"SELECT data::json->>'text' FROM events WHERE sender_id = '{safe}' AND type_name = 'user' ORDER BY id"  # noqa: S608
        return self.psql(sql)

    def post_inside(self, container: str, path: str, body: bytes, headers: Dict[str, str]) -> Dict[str, Any]:
        """POST to one replica's own loopback (docker exec): to pick the replica, not nginx."""
        payload = json.dumps({"path": path, "body": body.decode(), "headers": headers})
        return json.loads(run([self.docker, "exec", "-i", container, "python", "-c", INSIDE], stdin=payload, timeout=180))

    def rss(self) -> Dict[str, Dict[str, float]]:
        """Per running container: RSS of its processes (ps) and the cgroup's memory use (docker stats)."""
        figures: Dict[str, Dict[str, float]] = {}
        ids = self.compose("ps", "-q").split()
        stats = run([self.docker, "stats", "--no-stream", "--format", "{{.ID}} {{.MemUsage}}", *ids])
        usage = {line.split()[0]: line.split()[1] for line in stats.splitlines() if line.strip()}
        for cid in ids:
            if self.inspect(cid, "{{.State.Running}}") != "true":
                continue
            name = self.inspect(cid, "{{.Name}}").lstrip("/").removeprefix(self.project).strip("_-")
            rows = [row.split()[1] for row in run([self.docker, "top", cid, "-o", "pid,rss"]).splitlines()[1:] if row.strip()]
            mem = next((v for k, v in usage.items() if cid.startswith(k)), "")
            figures[name] = {
                "rss_mb": round(sum(int(r) for r in rows) / 1024, 1),
                "cgroup_mb": to_mb(mem),
            }
        return figures

    # -- through nginx -----------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def ca(self) -> str:
        return str(self.work / "tls" / "ca.pem")

    def session(self) -> requests.Session:
        session = requests.Session()
        session.verify = self.ca
        session.trust_env = False  # loopback only, never a proxy
        session.headers["Authorization"] = f"Bearer {os.environ['REST_AUTH_TOKEN']}"  # the REST channel's token
        return session

    def say(self, sender: str, text: str, session: Optional[requests.Session] = None) -> List[Dict[str, Any]]:
        s = session or self.session()
        answer = s.post(f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=120)
        assert answer.status_code == 200, (answer.status_code, answer.text[:300])
        return answer.json()

    def fake_calls(self, api: str) -> List[Dict[str, Any]]:
        port = self.compose("port", "fakes", "9000").strip().rsplit(":", 1)[1]
        answer = requests.get(f"http://127.0.0.1:{port}/calls/{api}", timeout=10, proxies={"http": "", "https": ""})
        answer.raise_for_status()
        return answer.json()

    # -- load ------------------------------------------------------------------------------
    def conversation(self, session: requests.Session, sender: str) -> List[Turn]:
        """The checklist to the steps and on: 4 turns, each one checked."""
        turns = []
        for text, expect in (("my lower back hurts", "/deny"), ("/deny", "steps"), ("another one", ""), ("thanks", "")):
            started = time.perf_counter()
            try:
                answer = session.post(f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)
                seconds = time.perf_counter() - started
                body = answer.json() if answer.status_code == 200 else []
                ok = answer.status_code == 200 and bool(body) and not any(NO_REPLY in (m.get("text") or "") for m in body)
                if ok and expect == "/deny":
                    ok = any(b.get("payload") == "/deny" for m in body for b in m.get("buttons") or [])
                if ok and expect == "steps":
                    ok = any((m.get("custom") or {}).get("steps") for m in body)
                turns.append(Turn(ok, seconds, answer.status_code, "" if ok else f"{text!r}: {answer.text[:200]}"))
            except requests.RequestException as error:
                turns.append(Turn(False, time.perf_counter() - started, 0, f"{text!r}: {error!r}"))
        return turns

    def load(self, users: int, conversations: int, until: Optional[Callable[[], bool]] = None) -> Tuple[List[Turn], float]:
        """`users` concurrent people, `conversations` each (or, with `until`, until it says stop,
        at most `conversations` each). Returns every turn and the wall time."""

        def person(index: int) -> List[Turn]:
            session = self.session()
            turns: List[Turn] = []
            for n in range(conversations):
                if until is not None and until():
                    break
                turns += self.conversation(session, f"load-{index}-{n}-{uuid.uuid4().hex[:6]}")
            return turns

        started = time.perf_counter()
        with ThreadPoolExecutor(users) as pool:
            results = list(pool.map(person, range(users)))
        return [t for r in results for t in r], time.perf_counter() - started


def to_mb(text: str) -> float:
    units = {"B": 1 / 2**20, "KiB": 1 / 1024, "MiB": 1.0, "GiB": 1024.0, "kB": 1e3 / 2**20, "MB": 1e6 / 2**20, "GB": 1e9 / 2**20}
    for unit in sorted(units, key=len, reverse=True):
        if text.endswith(unit):
            try:
                return round(float(text[: -len(unit)]) * units[unit], 1)
            except ValueError:
                return 0.0
    return 0.0


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    env = os.environ
    if env.get("TPC_DEPLOY_STACK") != "1":
        pytest.fail("tests/deploy/stack runs under `make test-deploy` (tests/deploy/run.sh) only")
    the_stack = Stack.from_env()
    figures = the_stack.figures
    app_image = env["TPC_IMAGE"]
    figures["image_bytes"] = {
        image: int(run([the_stack.docker, "image", "inspect", "-f", "{{.Size}}", image]))
        for image in env["TPC_DEPLOY_IMAGES"].split()
    }
    figures["app_image_mb"] = round(figures["image_bytes"][app_image] / 2**20)
    figures["seconds_before_stack"] = int(env.get("TPC_DEPLOY_SECONDS_BEFORE_STACK", "0"))
    started = time.perf_counter()
    the_stack.compose("up", "-d", "--no-build", "--scale", "rasa=2", "--scale", "actions=2", timeout=900)
    figures["compose_up_returned_s"] = round(time.perf_counter() - started, 1)

    def first_answer() -> bool:
        answer = the_stack.session().post(
            f"{the_stack.url}/webhooks/rest/webhook", json={"sender": "probe", "message": "hello"}, timeout=30
        )
        return answer.status_code == 200 and bool(answer.json())

    poll("the first answer through nginx", first_answer, timeout=300)
    figures["start_to_first_answer_s"] = round(time.perf_counter() - started, 1)
    try:
        yield the_stack
    finally:
        reports = ROOT / "reports"
        reports.mkdir(exist_ok=True)
        figures["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        figures["cpus"] = os.cpu_count()
        (reports / "deploy.json").write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
        print(f"\nfigures written to {reports / 'deploy.json'}:\n{json.dumps(figures, indent=2, sort_keys=True)}")
