"""The compose stack under test, started once for the session (tests/deploy/run.sh builds the
images and exports the settings; nothing here builds or pulls anything). What it shares with the
Swarm stack's tests is in tests/deploy/harness.py. Figures go to reports/deploy.json.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from dataclasses import dataclass
from typing import Any, ClassVar, Dict, Iterator, List, Optional

import pytest
import requests

from tests.deploy.harness import ROOT, StackUnderTest, run, serving

#: The secrets tests/deploy/run.sh exports for the compose file.
SECRET_VARIABLES = (
    "POSTGRES_PASSWORD",
    "REDIS_PASSWORD",
    "RASA_AUTH_TOKEN",
    "USERDATA_KEY",
    "REST_AUTH_TOKEN",
    "ACTION_SERVER_TOKEN",
    "TELEGRAM_ACCESS_TOKEN",
    "TELEGRAM_SECRET_TOKEN",
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
)


@dataclass
class ComposeStack(StackUnderTest):
    project_label: ClassVar[str] = "com.docker.compose.project"

    @property
    def compose_argv(self) -> List[str]:
        return shlex.split(os.environ["TPC_COMPOSE"])

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

    def secrets(self) -> Dict[str, str]:
        return {name.lower(): os.environ[name] for name in SECRET_VARIABLES}

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

    def fake_calls(self, api: str) -> List[Dict[str, Any]]:
        port = self.compose("port", "fakes", "9000").strip().rsplit(":", 1)[1]
        answer = requests.get(f"http://127.0.0.1:{port}/calls/{api}", timeout=10, proxies={"http": "", "https": ""})
        answer.raise_for_status()
        return answer.json()


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
def stack() -> Iterator[ComposeStack]:
    env = os.environ
    if env.get("TPC_DEPLOY_STACK") != "1":
        pytest.fail("tests/deploy/stack runs under `make test-deploy` (tests/deploy/run.sh) only")
    the_stack = ComposeStack.from_env()
    figures = the_stack.figures
    figures["image_bytes"] = {
        image: int(run([the_stack.docker, "image", "inspect", "-f", "{{.Size}}", image]))
        for image in env["TPC_DEPLOY_IMAGES"].split()
    }
    figures["app_image_mb"] = round(figures["image_bytes"][env["TPC_IMAGE"]] / 2**20)

    def up() -> None:
        the_stack.compose("up", "-d", "--no-build", "--scale", "rasa=2", "--scale", "actions=2", timeout=900)

    with serving(the_stack, up, "deploy.json", timeout=300):
        yield the_stack
