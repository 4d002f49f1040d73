"""Turns per second through nginx on the compose stack, with 2 Rasa replicas and then 1.

A measurement, not a test: on 2 shared cores the ratio is noise around a small gain (README,
"Production"), so nothing asserts it. It runs on the stack `make test-deploy` starts, after
the stack tests, when TPC_DEPLOY_BENCH=1 (tests/deploy/run.sh); writes
reports/deploy_throughput.json and exits 1 when a turn failed.
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from typing import Any, Dict

from tests.deploy.harness import ROOT, poll
from tests.deploy.stack.conftest import ComposeStack

USERS = 8
CONVERSATIONS = 12  # per user: 8 x 12 x 4 = 384 turns per figure
# one client address sends every request: the per-client limits would measure nginx's limit
MEASURE_LIMITS = str(ROOT / "tests" / "deploy" / "limits-measure.conf")


def serve_with(stack: ComposeStack, replicas: int) -> None:
    """`replicas` healthy Rasa containers behind nginx, with the measurement limits."""
    limits = {"NGINX_LIMITS": MEASURE_LIMITS}
    stack.compose("up", "-d", "--no-deps", "--no-build", "--scale", f"rasa={replicas}", "rasa", env=limits)
    stack.wait_healthy("rasa", replicas)
    stack.compose("up", "-d", "--no-deps", "--no-build", "--force-recreate", "lb", env=limits)
    poll("nginx serving", lambda: stack.session().get(stack.url + "/webhooks/rest/", timeout=5).status_code == 200, timeout=60)


def throughput(stack: ComposeStack, replicas: int) -> Dict[str, Any]:
    for user in range(USERS):  # warm-up: one conversation per user, not counted
        stack.conversation(stack.session(), f"warm-{replicas}-{user}-{uuid.uuid4().hex[:6]}")
    turns, seconds = stack.load(USERS, CONVERSATIONS)
    latencies = sorted(t.seconds for t in turns)
    return {
        "rasa_replicas": replicas,
        "users": USERS,
        "turns": len(turns),
        "failed": sum(not t.ok for t in turns),
        "seconds": round(seconds, 2),
        "turns_per_second": round(len(turns) / seconds, 2),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000),
        "p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000),
    }


def main() -> int:
    stack = ComposeStack.from_env()
    figures: Dict[str, Any] = {"measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    serve_with(stack, 2)
    figures["throughput_2_replicas"] = throughput(stack, 2)
    figures["memory_after_load"] = stack.rss()
    serve_with(stack, 1)
    figures["throughput_1_replica"] = throughput(stack, 1)
    two, one = (figures[f"throughput_{n}"]["turns_per_second"] for n in ("2_replicas", "1_replica"))
    figures["two_over_one"] = round(two / one, 2)
    reports = ROOT / "reports"
    reports.mkdir(exist_ok=True)
    (reports / "deploy_throughput.json").write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
    print(json.dumps(figures, indent=2, sort_keys=True))
    return 1 if figures["throughput_2_replicas"]["failed"] or figures["throughput_1_replica"]["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
