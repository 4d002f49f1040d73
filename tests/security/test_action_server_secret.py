"""Finding 2 of issue #22: the action server was open.

Plain `rasa run actions` listened on every interface, and a forged `POST /webhook` naming
`action_export_data` or `action_delete_data` with a made-up tracker exported or deleted a person's
data: the user-data key is computed from channel and sender id, so the caller needed nothing
secret. Now every call but the health check and the metrics page needs `Authorization: Bearer <ACTION_SERVER_TOKEN>`
(rasa_sdk_plugins/access.py), which Rasa sends from endpoints.yml; the server listens on
localhost by default; compose keeps the action servers on an internal network.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest
import requests
import yaml

from tests.deploy.k8s_manifests import k8s_secret_of
from tests.security.test_security import listening_addresses
from tests.servers import ACTION_SERVER_TOKEN, BIN, ROOT, Server, action_server, base_env, free_port

VICTIM = ("telegram", "42")


def forged_call(action: str) -> Dict[str, Any]:
    """What an attacker posts: a made-up tracker of the victim's conversation."""
    sender = ":".join(VICTIM)
    user = {
        "event": "user",
        "text": "/affirm",
        "parse_data": {"intent": {"name": "affirm", "confidence": 1.0}, "entities": [], "text": "/affirm"},
        "input_channel": VICTIM[0],
    }
    tracker = {
        "sender_id": sender,
        "slots": {},
        "latest_message": user["parse_data"],
        "events": [user],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    }
    return {"next_action": action, "sender_id": sender, "tracker": tracker, "domain": {"responses": {}}, "version": "3.6.21"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    workdir = tmp_path_factory.mktemp("action-secret")
    started = action_server(workdir, free_port(), base_env(REMINDERS_ENABLED="false")).start()
    try:
        yield started
    finally:
        started.stop()


def store(server: Server, monkeypatch: pytest.MonkeyPatch) -> Any:
    from userdata.db import make_engine
    from userdata.repository import UserDataRepository

    monkeypatch.setenv("USERDATA_KEY", server.env["USERDATA_KEY"])
    return UserDataRepository(make_engine(server.env["USERDATA_URL"]))


@pytest.mark.e2e
def test_a_call_without_the_secret_gets_401_and_changes_nothing(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    repository = store(server, monkeypatch)
    repository.log_session(*VICTIM, area="neck", exercise=None, tool=None, pain_before=7, pain_after=4, feeling="better")
    forged_headers = [
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Bearer {ACTION_SERVER_TOKEN}x"},
        {"Authorization": f"Basic {ACTION_SERVER_TOKEN}"},
        {"Authorization": ACTION_SERVER_TOKEN},
    ]
    for action in ("action_export_data", "action_delete_data"):
        for headers in forged_headers:
            answer = requests.post(f"{server.url}/webhook", json=forged_call(action), headers=headers, timeout=30)
            assert answer.status_code == 401, (action, headers, answer.text[:200])
            assert "neck" not in answer.text
        # Rasa's `token` option (a query parameter) is not what this server reads either
        query = {"token": ACTION_SERVER_TOKEN}
        answer = requests.post(f"{server.url}/webhook", params=query, json=forged_call(action), timeout=30)
        assert answer.status_code == 401
    assert requests.get(f"{server.url}/actions", timeout=10).status_code == 401
    assert requests.get(f"{server.url}/health", timeout=10).status_code == 200  # the probes stay open
    scrape = requests.get(f"{server.url}/metrics", timeout=10)  # and Prometheus, which holds no secret
    assert scrape.status_code == 200 and "tpc_action_runs_total" in scrape.text
    assert requests.post(f"{server.url}/metrics", json=forged_call("action_delete_data"), timeout=10).status_code == 401
    assert [(s.area, s.pain_before) for s in repository.sessions(*VICTIM)] == [("neck", 7)]

    # the secret is the only thing that was missing: with it, the same call goes through
    answer = requests.post(
        f"{server.url}/webhook",
        json=forged_call("action_delete_data"),
        headers={"Authorization": f"Bearer {ACTION_SERVER_TOKEN}"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text[:300]
    assert repository.sessions(*VICTIM) == []


@pytest.mark.e2e
def test_plain_rasa_run_actions_listens_on_localhost_and_is_never_open(tmp_path: Path) -> None:
    """As the README runs it from a checkout: no SANIC_HOST, no ACTION_SERVER_TOKEN."""
    port = free_port()
    env = {k: v for k, v in base_env(USERDATA_URL=f"sqlite:///{tmp_path / 'u.db'}", REMINDERS_ENABLED="false").items()}
    env.pop("SANIC_HOST", None)
    env.pop("ACTION_SERVER_TOKEN", None)
    argv = [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(port)]
    plain = Server("plain action server", argv, env, tmp_path / "actions.log", f"http://127.0.0.1:{port}", "/health").start()
    try:
        assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1 only
        assert requests.post(f"{plain.url}/webhook", json=forged_call("action_delete_data"), timeout=30).status_code == 401
        secret_file = ROOT / "var" / "action-server-token"  # made once, readable by its owner only
        assert secret_file.stat().st_mode & 0o077 == 0
        token = secret_file.read_text().strip()
        answer = requests.get(f"{plain.url}/actions", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert answer.status_code == 200
    finally:
        plain.stop()


# -- the files that run it -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["endpoints.yml", "endpoints.production.yml"])
def test_rasa_sends_the_secret_from_the_environment(name: str) -> None:
    endpoint = yaml.safe_load((ROOT / name).read_text())["action_endpoint"]
    assert endpoint["headers"] == {"Authorization": "Bearer ${ACTION_SERVER_TOKEN}"}


def test_make_run_makes_the_secret_once_and_hands_it_to_both_servers() -> None:
    script = (ROOT / "scripts" / "run.sh").read_text()
    assert "var/action-server-token" in script and "export ACTION_SERVER_TOKEN" in script
    assert "ACTION_SERVER_TOKEN:?" in (ROOT / "scripts" / "run_production.sh").read_text()


def test_compose_keeps_the_action_servers_on_an_internal_network_with_the_secret() -> None:
    text = (ROOT / "deploy" / "docker-compose.yml").read_text()
    compose = yaml.safe_load(text)
    services, networks = compose["services"], compose["networks"]
    assert networks["backend"] == {"internal": True}
    for name in ("actions", "actions-lb", "postgres", "redis", "migrate"):
        assert services[name]["networks"] == ["backend"], name
    assert "backend" not in services["lb"].get("networks", ["default"])  # nginx never reaches them
    assert sorted(services["rasa"]["networks"]) == ["backend", "default"]
    for name in ("actions", "rasa"):
        assert services[name]["environment"]["ACTION_SERVER_TOKEN"] == "${ACTION_SERVER_TOKEN:?set ACTION_SERVER_TOKEN}"
    assert re.search(r"ACTION_SERVER_TOKEN:\?", (ROOT / "deploy" / "docker" / "entrypoint.sh").read_text())


def test_kubernetes_gives_both_deployments_the_secret() -> None:
    for name in ("rasa", "actions"):
        assert k8s_secret_of(name, "ACTION_SERVER_TOKEN") == ("action-server-token", False)
