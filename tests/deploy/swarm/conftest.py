"""The Swarm stack under test (deploy/swarm/stack.yml), deployed once for the session by
`docker stack deploy`; tests/deploy/swarm/run.sh builds the images, makes the secrets' files and
the swarm, and removes everything afterwards. What it shares with the compose stack's tests
(requests through nginx, the load, the figures) is in tests/deploy/harness.py; here are Swarm's
services and tasks. Figures go to reports/swarm.json.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, ClassVar, Dict, Iterator, List

import pytest

from tests.deploy.harness import ROOT, StackUnderTest, run, serving

STACK_FILE = ROOT / "deploy" / "swarm" / "stack.yml"


@dataclass
class SwarmStack(StackUnderTest):
    project_label: ClassVar[str] = "com.docker.stack.namespace"

    def secrets(self) -> Dict[str, str]:
        """The files `docker stack deploy` made the Docker secrets of."""
        return {path.name: path.read_text() for path in sorted((self.work / "secrets").iterdir())}

    def service(self, name: str) -> str:
        return f"{self.project}_{name}"

    def deploy(self) -> None:
        # the images are this engine's own: no registry to ask for their digests
        files = ["-c", str(STACK_FILE), "-c", str(ROOT / "tests" / "deploy" / "swarm" / "stack.test.yml")]
        argv = [self.docker, "stack", "deploy", "--prune", "--resolve-image", "never", *files, self.project]
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


@pytest.fixture(scope="session")
def swarm() -> Iterator[SwarmStack]:
    if not os.environ.get("TPC_SWARM_STACK"):
        pytest.fail("tests/deploy/swarm runs under `make test-swarm` (tests/deploy/swarm/run.sh) only")
    stack = SwarmStack.from_env()
    with serving(stack, stack.deploy, "swarm.json", timeout=900):
        yield stack
