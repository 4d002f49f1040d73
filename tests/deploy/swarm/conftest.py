"""The Swarm stack under test (deploy/swarm/stack.yml), deployed once for the session by
`docker stack deploy`; tests/deploy/swarm/run.sh builds the images, makes the secrets' files and
the swarm, and removes everything afterwards. Requests go through nginx's published port on
127.0.0.1; one given task is reached through `docker exec` on its own loopback. The load and the
conversation checks are the compose tests' own (tests/deploy/stack/conftest.py).
Figures go to reports/swarm.json.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import requests

from tests.deploy.stack.conftest import ROOT, Stack, poll, run

STACK_FILE = ROOT / "deploy" / "swarm" / "stack.yml"


@dataclass
class SwarmStack(Stack):
    """The compose test's Stack, with Swarm's services and tasks in place of compose's."""

    @classmethod
    def from_env(cls) -> SwarmStack:
        env = os.environ
        return cls(
            project=env["TPC_SWARM_STACK"],
            docker=env["TPC_DOCKER"],
            compose_argv=[],
            work=Path(env["TPC_SWARM_WORK"]),
            port=int(env["LB_PORT"]),
        )

    def secret(self, name: str) -> str:
        """A secret's value, from the file `docker stack deploy` made the Docker secret of."""
        return (self.work / "secrets" / name).read_text()

    def secrets(self) -> Dict[str, str]:
        return {path.name: path.read_text() for path in sorted((self.work / "secrets").iterdir())}

    def session(self) -> requests.Session:
        session = requests.Session()
        session.verify = self.ca
        session.trust_env = False  # loopback only, never a proxy
        session.headers["Authorization"] = f"Bearer {self.secret('rest_auth_token')}"
        return session

    def service(self, name: str) -> str:
        return f"{self.project}_{name}"

    def deploy(self) -> None:
        # the images are this engine's own: no registry to ask for their digests
        argv = [self.docker, "stack", "deploy", "--prune", "--resolve-image", "never", "-c", str(STACK_FILE), self.project]
        run(argv, timeout=300)

    def tasks(self, name: str) -> List[Dict[str, Any]]:
        """The service's tasks (running or not), newest first, as `docker inspect` shows them."""
        ids = run([self.docker, "service", "ps", "-q", "--no-trunc", self.service(name)]).split()
        tasks = json.loads(run([self.docker, "inspect", *ids])) if ids else []
        return sorted(tasks, key=lambda t: t["CreatedAt"], reverse=True)

    def containers(self, service: str) -> List[str]:
        """The running containers of a service's tasks."""
        argv = [self.docker, "ps", "-q", "--no-trunc", "--filter", f"label=com.docker.swarm.service.name={self.service(service)}"]
        ids = run([*argv, "--filter", "status=running"]).split()
        return sorted(ids, key=lambda cid: self.inspect(cid, "{{.Name}}"))

    def container_of(self, task: Dict[str, Any]) -> str:
        return str(task["Status"]["ContainerStatus"]["ContainerID"])

    def wait_healthy(self, service: str, count: int, timeout: float = 300) -> List[str]:
        def healthy() -> Any:
            ids = self.containers(service)
            return ids if len(ids) == count and all(self.health(c) == "healthy" for c in ids) else None

        return poll(f"{count} healthy {service} task(s)", healthy, timeout=timeout, interval=1)

    def psql(self, sql: str, database: str = "tpc_tracker") -> List[str]:
        [postgres] = self.containers("postgres")
        out = run([self.docker, "exec", postgres, "psql", "-U", "tpc", "-d", database, "-tA", "-c", sql])
        return [line for line in out.splitlines() if line]


@pytest.fixture(scope="session")
def swarm() -> Iterator[SwarmStack]:
    env = os.environ
    if not env.get("TPC_SWARM_STACK"):
        pytest.fail("tests/deploy/swarm runs under `make test-swarm` (tests/deploy/swarm/run.sh) only")
    stack = SwarmStack.from_env()
    figures = stack.figures
    figures["seconds_before_stack"] = int(env.get("TPC_SWARM_SECONDS_BEFORE_STACK", "0"))
    started = time.perf_counter()
    stack.deploy()
    figures["stack_deploy_returned_s"] = round(time.perf_counter() - started, 1)

    def first_answer() -> bool:
        answer = stack.session().post(
            f"{stack.url}/webhooks/rest/webhook", json={"sender": "probe", "message": "hello"}, timeout=30
        )
        return answer.status_code == 200 and bool(answer.json())

    poll("the first answer through nginx", first_answer, timeout=420, interval=2)
    stack.wait_healthy("rasa", 2)
    stack.wait_healthy("actions", 2)
    figures["deploy_to_first_answer_s"] = round(time.perf_counter() - started, 1)
    try:
        yield stack
    finally:
        reports = ROOT / "reports"
        reports.mkdir(exist_ok=True)
        figures["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        figures["cpus"] = os.cpu_count()
        (reports / "swarm.json").write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
        print(f"\nfigures written to {reports / 'swarm.json'}:\n{json.dumps(figures, indent=2, sort_keys=True)}")
