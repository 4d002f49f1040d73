"""Prometheus in the compose stack (deploy/prometheus): it scrapes every Rasa and action-server
replica, the bot's counters move after a conversation through nginx, no label holds the sender,
and killing an action server raises TPCReplicaDown within its `for:` window, which clears once
the replica is back. Runs before test_stack.py (file order) and leaves 2 + 2 healthy replicas.
Prometheus's API is reached on the loopback port tests/deploy/compose.test.yml publishes."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any, Dict, List, Set

import requests
import yaml

from tests.checks import present
from tests.deploy.harness import ROOT, poll, run
from tests.deploy.stack.conftest import ComposeStack

ALERT = "TPCReplicaDown"
SERVERS = {"rasa": 5005, "actions": 5055}
#: Prometheus's own delays (deploy/prometheus/prometheus.yml): DNS refresh, scrape and rule evaluation
DELAYS_S = 5 + 5 + 5


def prometheus(stack: ComposeStack) -> str:
    port = stack.compose("port", "prometheus", "9090").strip().rsplit(":", 1)[1]
    return f"http://127.0.0.1:{port}"


def api(stack: ComposeStack, path: str, **params: str) -> Any:
    answer = requests.get(prometheus(stack) + path, params=params, timeout=10, proxies={"http": "", "https": ""})
    answer.raise_for_status()
    body = answer.json()
    assert body["status"] == "success", body
    return body["data"]


def query(stack: ComposeStack, expr: str) -> float:
    result = api(stack, "/api/v1/query", query=expr)["result"]
    return float(result[0]["value"][1]) if result else 0.0


def addresses(stack: ComposeStack, service: str) -> Set[str]:
    """The replicas' addresses on `backend`, the network Prometheus scrapes them on (Rasa has one
    on `default` too)."""
    network = f"{stack.project}_backend"
    template = f'{{{{(index .NetworkSettings.Networks "{network}").IPAddress}}}}'
    ips = {stack.inspect(c, template) for c in stack.containers(service)}
    return {f"{ip}:{SERVERS[service]}" for ip in ips}


def for_seconds(alert: str) -> int:
    groups = yaml.safe_load((ROOT / "deploy" / "prometheus" / "alerts.yml").read_text())["groups"]
    [rule] = [r for g in groups for r in g["rules"] if r["alert"] == alert]
    amount, unit = present(re.fullmatch(r"(\d+)([smh])", rule["for"])).groups()
    return int(amount) * {"s": 1, "m": 60, "h": 3600}[unit]


def alerts(stack: ComposeStack, job: str, states: tuple) -> List[Dict[str, Any]]:
    return [
        a
        for a in api(stack, "/api/v1/alerts")["alerts"]
        if a["labels"].get("alertname") == ALERT and a["labels"].get("job") == job and a["state"] in states
    ]


def screenshot_alerts(stack: ComposeStack) -> None:
    """Prometheus's Alerts page while TPCReplicaDown fires, in headless Chromium: reports/ and
    docs/images/prometheus-alerts.png (made here, never edited by hand)."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    out = ROOT / "reports" / "prometheus-alerts.png"
    out.parent.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = chromium.new_page(viewport={"width": 1280, "height": 900})
            # "/" leads to the graph page: /graph (the official image), /classic/graph (Debian's build)
            page.goto(prometheus(stack) + "/", wait_until="networkidle", timeout=30_000)
            page.goto(page.url.rsplit("/graph", 1)[0] + "/alerts", wait_until="networkidle", timeout=30_000)
            assert ALERT in page.content()
            page.screenshot(path=str(out), full_page=True)
        finally:
            chromium.close()
    (ROOT / "docs" / "images").mkdir(parents=True, exist_ok=True)
    (ROOT / "docs" / "images" / "prometheus-alerts.png").write_bytes(out.read_bytes())


def test_prometheus_scrapes_every_replica_of_both_servers(stack: ComposeStack) -> None:
    stack.wait_healthy("rasa", 2)
    stack.wait_healthy("actions", 2)
    for service in SERVERS:
        expected = addresses(stack, service)
        assert len(expected) == 2, expected

        def scraped(service: str = service, expected: Set[str] = expected) -> bool:
            targets = api(stack, "/api/v1/targets", state="active")["activeTargets"]
            up = {t["labels"]["instance"] for t in targets if t["labels"]["job"] == service and t["health"] == "up"}
            return up == expected

        poll(f"every {service} replica scraped and up", scraped, timeout=90, interval=1)


def test_counters_move_after_a_conversation_and_no_label_holds_the_sender(stack: ComposeStack) -> None:
    exprs = {
        "turns": 'sum(tpc_turns_total{channel="rest",outcome="ok"})',
        "timed": 'sum(tpc_turn_seconds_count{channel="rest"})',
        "clear": 'sum(tpc_screening_outcomes_total{level="clear"})',
        "result_actions": 'sum(tpc_action_runs_total{action="action_screening_result"})',
    }
    before = {name: query(stack, expr) for name, expr in exprs.items()}
    sender = f"prom-{uuid.uuid4().hex[:10]}"
    assert stack.say(sender, "my lower back hurts")
    steps = stack.say(sender, "/deny")
    assert any((m.get("custom") or {}).get("steps") for m in steps), steps

    def moved() -> Dict[str, float]:
        now = {name: query(stack, expr) - before[name] for name, expr in exprs.items()}
        ok = now["turns"] >= 2 and now["timed"] >= 2 and now["clear"] >= 1 and now["result_actions"] >= 1
        return now if ok else {}

    stack.figures["prometheus_counters_moved"] = poll("the counters moved in Prometheus", moved, timeout=60, interval=1)
    for label in api(stack, "/api/v1/labels"):
        values = api(stack, f"/api/v1/label/{label}/values")
        assert not [v for v in values if sender in v or "lower back" in v], label


def test_killing_an_action_server_raises_replica_down_within_its_window_and_it_clears(stack: ComposeStack) -> None:
    window = for_seconds(ALERT)
    poll("no replica-down alert for the action servers", lambda: not alerts(stack, "actions", ("pending", "firing")), timeout=180)
    victim = stack.containers("actions")[-1]
    run([stack.docker, "kill", victim])
    killed = time.monotonic()
    assert stack.inspect(victim, "{{.State.Running}}") == "false"  # a container killed through the API stays down
    poll(f"{ALERT} firing", lambda: alerts(stack, "actions", ("firing",)), timeout=window + DELAYS_S + 60, interval=1)
    raised = time.monotonic() - killed
    assert stack.inspect(victim, "{{.State.Running}}") == "false"
    assert window <= raised <= window + DELAYS_S + 15, raised  # pending first, firing after `for:`
    screenshot_alerts(stack)

    run([stack.docker, "start", victim])
    started = time.monotonic()
    poll("the action server healthy again", lambda: stack.health(victim) == "healthy", timeout=120)
    poll(f"{ALERT} cleared", lambda: not alerts(stack, "actions", ("pending", "firing")), timeout=120, interval=1)
    stack.figures["prometheus_replica_down"] = {
        "for_s": window,
        "firing_after_kill_s": round(raised, 1),
        "cleared_after_start_s": round(time.monotonic() - started, 1),
    }
    stack.wait_healthy("actions", 2)
