"""`/metrics` on the real Rasa server and action server (observability/): after a scripted
conversation the counters moved, neither page holds the sender id or any message text, and a
turn whose action server is gone is counted as an error."""

from __future__ import annotations

import uuid
from typing import Dict, Iterator, Tuple

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.servers import Server, action_server, base_env, free_port, rasa_server, say, sqlite_tracker, write_endpoints

pytestmark = [pytest.mark.e2e]

NONCE = uuid.uuid4().hex[:10]
SENDER = f"metrics-person-{NONCE}"
#: the script: a screening that clears, then a message nobody could read (the NLU fallback)
SCRIPT = ("my lower back hurts", "/deny", f"zqxj vlorp {NONCE}kw")


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[Server, Server]]:
    workdir = tmp_path_factory.mktemp("metrics")
    action_port, rasa_port = free_port(), free_port()
    env = base_env()
    endpoints = write_endpoints(workdir, action_port, sqlite_tracker(workdir))
    actions = action_server(workdir, action_port, {**env, "RASA_URL": f"http://127.0.0.1:{rasa_port}"}).launch()
    rasa = rasa_server(workdir, rasa_port, endpoints, env).launch()
    try:
        actions.wait_ready()
        rasa.wait_ready()
        yield rasa, actions
    finally:
        rasa.stop()
        actions.stop()


def page(server: Server) -> str:
    answer = requests.get(f"{server.url}/metrics", timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/plain")
    return answer.text


def samples(text: str) -> Dict[str, float]:
    out: Dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            out[f"{sample.name}{{{labels}}}"] = sample.value
    return out


def test_counters_move_and_no_page_names_the_person_or_their_words(servers: Tuple[Server, Server]) -> None:
    rasa, actions = servers
    before_rasa, before_actions = samples(page(rasa)), samples(page(actions))
    for text in SCRIPT:
        assert say(rasa.url, SENDER, text)
    rasa_page, actions_page = page(rasa), page(actions)
    after_rasa, after_actions = samples(rasa_page), samples(actions_page)

    def moved(before: Dict[str, float], after: Dict[str, float], key: str) -> float:
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert moved(before_rasa, after_rasa, "tpc_turns_total{channel=rest,outcome=ok}") == len(SCRIPT)
    assert moved(before_rasa, after_rasa, "tpc_turns_total{channel=rest,outcome=error}") == 0
    assert moved(before_rasa, after_rasa, "tpc_turn_seconds_count{channel=rest}") == len(SCRIPT)
    assert moved(before_rasa, after_rasa, "tpc_fallbacks_total{channel=rest}") == 1
    assert moved(before_actions, after_actions, "tpc_screening_outcomes_total{family=none,level=clear}") == 1
    assert moved(before_actions, after_actions, "tpc_action_runs_total{action=action_screening_result}") == 1
    assert sum(v for k, v in after_actions.items() if k.startswith("tpc_action_errors_total")) == 0

    for text in (rasa_page, actions_page):
        assert SENDER not in text and NONCE not in text
        for message in SCRIPT:
            assert message not in text
        assert "lower back" not in text


def test_a_turn_without_its_action_server_is_an_error(servers: Tuple[Server, Server]) -> None:
    rasa, actions = servers
    errors = "tpc_turns_total{channel=rest,outcome=error}"
    before = samples(page(rasa)).get(errors, 0.0)
    actions.kill()  # the checklist is an action: this turn cannot be answered
    say(rasa.url, f"metrics-other-{NONCE}", "my lower back hurts")
    assert samples(page(rasa)).get(errors, 0.0) - before == 1
