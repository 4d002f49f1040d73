"""The Swarm stack (deploy/swarm/stack.yml) on a one-node swarm, through nginx (TLS): 2 Rasa
replicas, 2 action servers, PostgreSQL, Redis, Prometheus, every token and key a Docker secret.
The tests share the stack, in this order; each leaves it serving. Figures: reports/swarm.json.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import time
import uuid
from typing import Any

from tests.deploy.harness import NO_REPLY, check_no_secret_in_command_lines, poll, run
from tests.deploy.swarm.conftest import SwarmStack

SECRET_NAME = re.compile(r"PASSWORD|TOKEN|SECRET|KEY")


def test_secrets_are_files_in_the_tasks_and_never_in_docker_inspect(swarm: SwarmStack) -> None:
    values = swarm.secrets()
    assert len(values) == 6 and all(len(v) >= 32 for v in values.values())
    services = run([swarm.docker, "stack", "services", "-q", swarm.project]).split()
    containers = run([swarm.docker, "ps", "-aq", "--filter", f"label=com.docker.stack.namespace={swarm.project}"]).split()
    secrets = run([swarm.docker, "secret", "ls", "-q", "--filter", f"label=com.docker.stack.namespace={swarm.project}"]).split()
    assert len(services) == 7 and len(containers) >= 9 and len(secrets) == 8  # the six, nginx's certificate and key
    shown = {
        "services": run([swarm.docker, "service", "inspect", *services]),
        "containers": run([swarm.docker, "inspect", *containers]),
        "secrets": run([swarm.docker, "secret", "inspect", *secrets]),
    }
    for what, text in shown.items():
        for name, value in values.items():
            assert value not in text, f"{name} is visible in docker inspect of the {what}"
    assert all("Data" not in s["Spec"] for s in json.loads(shown["secrets"]))  # Swarm never hands a secret back
    for container in json.loads(shown["containers"]):
        env = dict(e.split("=", 1) for e in container["Config"]["Env"])
        for name, value in env.items():
            if SECRET_NAME.search(name):
                assert name.endswith("_FILE") and value.startswith("/run/secrets/"), (container["Name"], name)
    # the files are in the tasks, readable by the app's user, and Rasa serves with them: the REST
    # token it requires is the file's (the entrypoint reads it; `docker exec` does not see it)
    rasa = swarm.containers("rasa")[0]
    assert run([swarm.docker, "exec", rasa, "cat", "/run/secrets/rest_auth_token"]) == values["rest_auth_token"]
    assert run([swarm.docker, "exec", rasa, "sh", "-c", 'echo "${REST_AUTH_TOKEN:-unset}"']).strip() == "unset"
    anonymous = swarm.session()
    del anonymous.headers["Authorization"]
    assert (
        anonymous.post(f"{swarm.url}/webhooks/rest/webhook", json={"sender": "x", "message": "hi"}, timeout=30).status_code == 401
    )
    assert swarm.say(f"secret-{uuid.uuid4().hex[:8]}", "hello")


def test_no_secret_is_in_any_command_line(swarm: SwarmStack) -> None:
    check_no_secret_in_command_lines(swarm, ("lb", "rasa", "actions", "actions-lb", "postgres", "redis", "prometheus"))


def test_the_action_servers_are_on_the_internal_network_only(swarm: SwarmStack) -> None:
    backend = json.loads(run([swarm.docker, "network", "inspect", f"{swarm.project}_backend"]))[0]
    assert backend["Internal"] is True and backend["Driver"] == "overlay"
    spec = json.loads(run([swarm.docker, "service", "inspect", swarm.service("actions")]))[0]["Spec"]
    networks = [n["Target"] for n in spec["TaskTemplate"]["Networks"]]
    assert networks == [backend["Id"]]
    assert not spec.get("EndpointSpec", {}).get("Ports")
    [lb] = swarm.containers("lb")  # nginx, on the edge network: Rasa's replicas yes, action servers no
    assert len(run([swarm.docker, "exec", lb, "getent", "hosts", "rasa"]).splitlines()) == 2  # dnsrr: each task
    unknown = subprocess.run(
        [swarm.docker, "exec", lb, "getent", "hosts", "actions"], capture_output=True, timeout=30, check=False
    )
    assert unknown.returncode == 2 and unknown.stdout == b""


def test_a_rolling_update_of_rasa_under_load_fails_no_turn(swarm: SwarmStack) -> None:
    new_image = os.environ["TPC_NEXT_IMAGE"]
    before = set(swarm.wait_healthy("rasa", 2))
    with swarm.under_load(4, 500) as load:
        started = time.perf_counter()
        update = [swarm.docker, "service", "update", "--detach=false", "--quiet", "--no-resolve-image", "--image", new_image]
        run([*update, swarm.service("rasa")], timeout=900)
        updated = time.perf_counter() - started
        after = set(swarm.wait_healthy("rasa", 2))
    afterwards, _ = swarm.load(2, 1)  # the new replicas alone
    turns = load.turns
    failed = [t for t in turns + afterwards if not t.ok]
    state = run([swarm.docker, "service", "inspect", "-f", "{{.UpdateStatus.State}}", swarm.service("rasa")]).strip()
    images = {swarm.inspect(c, "{{.Config.Image}}") for c in after}
    swarm.figures["rolling_update"] = {
        "update_s": round(updated, 1),
        "turns": len(turns),
        "failed": len(failed),
        "turn_p50_s": round(statistics.median(t.seconds for t in turns), 2) if turns else None,
        "turn_max_s": round(max(t.seconds for t in turns), 2) if turns else None,
        "load_s": round(load.seconds, 1),
    }
    assert state == "completed"
    assert not before & after and images == {new_image}
    assert len(turns) >= 40, "the load hardly ran during the update"
    assert not failed, [t.detail for t in failed[:5]]


def test_a_killed_rasa_task_is_replaced_and_the_conversation_keeps_every_event(swarm: SwarmStack) -> None:
    sender = f"kill-{uuid.uuid4().hex[:8]}"
    conversation = f"rest:{sender}"
    events_sql = f"SELECT id, type_name, data FROM events WHERE sender_id = '{conversation}' ORDER BY id"  # noqa: S608 - a generated id
    checklist = swarm.say(sender, "my lower back hurts")
    assert any(b.get("payload") == "/deny" for m in checklist for b in m.get("buttons") or []), checklist
    events_before = swarm.psql(events_sql)
    before = swarm.wait_healthy("rasa", 2)
    victim = before[0]
    killed_at = time.perf_counter()
    run([swarm.docker, "kill", victim])
    steps = swarm.say(sender, "/deny")  # the other replica, while the orchestrator replaces the first
    assert any((m.get("custom") or {}).get("steps") for m in steps), steps

    def replaced() -> Any:
        now = swarm.containers("rasa")
        return now if len(now) == 2 and victim not in now and all(swarm.health(c) == "healthy" for c in now) else None

    now = poll("the killed task replaced by a healthy one", replaced, timeout=600, interval=1)
    replacement_s = time.perf_counter() - killed_at
    [new] = [c for c in now if c not in before]
    victim_task = next(t for t in swarm.tasks("rasa") if swarm.container_of(t) == victim)
    assert victim_task["DesiredState"] == "shutdown" and victim_task["Status"]["State"] == "failed"
    # the replacement itself serves the next turn, from the conversation kept in PostgreSQL
    body = json.dumps({"sender": sender, "message": "another one"}).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {swarm.secrets()['rest_auth_token']}"}
    answer = swarm.post_inside(new, "/webhooks/rest/webhook", body, headers)
    assert answer["status"] == 200, answer
    replies = json.loads(answer["body"])
    assert replies and not any(NO_REPLY in (m.get("text") or "") for m in replies), replies
    assert swarm.say(sender, "thanks")
    assert swarm.user_texts(sender) == ["my lower back hurts", "/deny", "another one", "thanks"]
    events_after = swarm.psql(events_sql)
    assert events_after[: len(events_before)] == events_before  # nothing lost or rewritten
    assert len(events_after) > len(events_before) + 6
    swarm.figures["killed_task"] = {"replaced_healthy_s": round(replacement_s, 1), "events": len(events_after)}
