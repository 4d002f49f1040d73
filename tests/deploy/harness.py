"""What the compose stack's tests (tests/deploy/stack) and the Swarm stack's (tests/deploy/swarm)
share: commands and polling, the running containers and their processes, requests through nginx
and the load, and the session's figures (reports/deploy.json, reports/swarm.json).

Every request from here goes to 127.0.0.1 (nginx's published port); requests to one given
replica go through `docker exec` to that container's own loopback. Nothing here builds, pulls or
starts anything: tests/deploy/run.sh and tests/deploy/swarm/run.sh do, and the conftests start
the stack through `serving`.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, ClassVar, Dict, Iterator, List, Optional, Sequence, Tuple, Type, TypeVar

import requests

ROOT = Path(__file__).resolve().parents[2]
S = TypeVar("S", bound="StackUnderTest")
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
class Load:
    """What `StackUnderTest.under_load` ran: every turn, and its wall time."""

    turns: List[Turn] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class StackUnderTest:
    """A running stack: `project` names it (compose project, Swarm stack), `work` is the run's
    directory (tls/, build-seconds). Subclasses say which containers a service has and what the
    secrets are."""

    project: str
    docker: str
    work: Path
    port: int
    figures: Dict[str, Any] = field(default_factory=dict)
    #: the label every container of the stack carries, with `project` as its value
    project_label: ClassVar[str] = ""

    @classmethod
    def from_env(cls: Type[S]) -> S:
        """The stack the run script started (its variables)."""
        env = os.environ
        return cls(
            project=env["TPC_STACK_PROJECT"], docker=env["TPC_DOCKER"], work=Path(env["TPC_STACK_WORK"]), port=int(env["LB_PORT"])
        )

    # -- what differs between compose and Swarm ------------------------------------------------
    def containers(self, service: str) -> List[str]:
        """The running containers of a service, in a stable order."""
        raise NotImplementedError

    def secrets(self) -> Dict[str, str]:
        """Every secret the stack was started with, by its lower-case name (rest_auth_token...)."""
        raise NotImplementedError

    # -- containers ------------------------------------------------------------------------------
    def inspect(self, container: str, template: str) -> str:
        return run([self.docker, "inspect", "-f", template, container]).strip()

    def health(self, container: str) -> str:
        return self.inspect(container, "{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}")

    def wait_healthy(self, service: str, count: int, timeout: float = 300) -> List[str]:
        def healthy() -> Optional[List[str]]:
            ids = self.containers(service)
            return ids if len(ids) == count and all(self.health(c) == "healthy" for c in ids) else None

        return poll(f"{count} healthy {service} container(s)", healthy, timeout=timeout, interval=1)

    def processes(self, container: str) -> List[str]:
        """Every process of a container with its whole command line, as anyone on the host sees it."""
        rows = run([self.docker, "top", container, "-ww", "-o", "pid,args"]).splitlines()[1:]
        return [row.strip() for row in rows if row.strip()]

    def psql(self, sql: str, database: str = "tpc_tracker") -> List[str]:
        [postgres] = self.containers("postgres")
        out = run([self.docker, "exec", postgres, "psql", "-U", "tpc", "-d", database, "-tA", "-c", sql])
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
        session.headers["Authorization"] = f"Bearer {self.secrets()['rest_auth_token']}"  # the REST channel's token
        return session

    def say(self, sender: str, text: str, session: Optional[requests.Session] = None) -> List[Dict[str, Any]]:
        s = session or self.session()
        answer = s.post(f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=120)
        assert answer.status_code == 200, (answer.status_code, answer.text[:300])
        return answer.json()

    def answers(self) -> bool:
        """Whether a first message through nginx gets an answer."""
        hello = {"sender": "probe", "message": "hello"}
        answer = self.session().post(f"{self.url}/webhooks/rest/webhook", json=hello, timeout=30)
        return answer.status_code == 200 and bool(answer.json())

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

    @contextmanager
    def under_load(self, users: int, conversations: int) -> Iterator[Load]:
        """`load` in the background while the block runs (at most `conversations` each); the
        turns are in the yielded Load once the block is over."""
        done = threading.Event()
        result = Load()

        def background() -> None:
            result.turns, result.seconds = self.load(users, conversations, until=done.is_set)

        runner = threading.Thread(target=background)
        runner.start()
        try:
            yield result
        finally:
            done.set()
            runner.join(timeout=600)


# Asks this container's own Rasa for /status with the token read from stdin (never an argument).
API_STATUS = """
import sys, urllib.error, urllib.request
token = sys.stdin.read()
try:
    print(urllib.request.urlopen("http://127.0.0.1:5005/status" + (f"?token={token}" if token else ""), timeout=30).status)
except urllib.error.HTTPError as e:
    print(e.code)
"""


def check_no_secret_in_command_lines(stack: StackUnderTest, services: Sequence[str]) -> None:
    """No secret is in the command line of any process of the stack (`docker top`: what `ps`
    shows anyone on the host), in every running container of the project, and `services` each
    have one. Rasa's own command line is whole (its options after where the token was) and its
    HTTP API takes the token it got from the environment."""
    values = stack.secrets()
    assert values and all(len(value) >= 16 for value in values.values()), "the secrets are too short to search for"
    containers = run([stack.docker, "ps", "-q", "--no-trunc", "--filter", f"label={stack.project_label}={stack.project}"]).split()
    shown: Dict[str, List[str]] = {}
    for container in containers:
        lines = stack.processes(container)
        assert lines, f"no process listed in {container[:12]}"
        text = "\n".join(lines)
        shown[stack.inspect(container, "{{.Name}}")] = sorted(name for name, value in values.items() if value in text)
    for service in services:
        assert stack.containers(service), f"no running {service} container"
    assert len(shown) > len(services) and not any(shown.values()), shown
    rasa = stack.containers("rasa")[0]
    [server] = [line for line in stack.processes(rasa) if " run " in line]
    assert "--enable-api" in server and "--port 5005" in server and "--auth-token" not in server, server
    token = values["rasa_auth_token"]
    ask = [stack.docker, "exec", "-i", rasa, "python", "-c", API_STATUS]
    status = {given: run(ask, stdin=given).strip() for given in ("", token)}
    assert status == {"": "401", token: "200"}, status


@contextmanager
def serving(stack: StackUnderTest, start: Callable[[], None], report: str, timeout: float) -> Iterator[None]:
    """Start the stack (`start`), wait for its first answer through nginx and both servers' two
    healthy replicas, and write the figures to reports/`report` once the session is over: the
    seconds before the stack (engine, images: `build_s` each), to the first answer, and of the tests."""
    figures = stack.figures
    figures["seconds_before_stack"] = int(os.environ.get("TPC_SECONDS_BEFORE_STACK", "0"))
    build_seconds = stack.work / "build-seconds"
    if build_seconds.exists():
        figures["build_s"] = {name: int(s) for name, s in (line.split() for line in build_seconds.read_text().splitlines())}
    started = time.perf_counter()
    start()
    figures["start_returned_s"] = round(time.perf_counter() - started, 1)
    poll("the first answer through nginx", stack.answers, timeout=timeout, interval=2)
    stack.wait_healthy("rasa", 2)
    stack.wait_healthy("actions", 2)
    figures["start_to_first_answer_s"] = round(time.perf_counter() - started, 1)
    tests_started = time.perf_counter()
    try:
        yield
    finally:
        figures["tests_s"] = round(time.perf_counter() - tests_started, 1)
        figures["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        figures["cpus"] = os.cpu_count()
        reports = ROOT / "reports"
        reports.mkdir(exist_ok=True)
        (reports / report).write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
        print(f"\nfigures written to {reports / report}:\n{json.dumps(figures, indent=2, sort_keys=True)}")
