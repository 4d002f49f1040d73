"""Finding 3 of #22: health data in logs.

An attacker (or just an operator reading logs) must find none of a person's words, slot values
or sender id in either server's log, at any level: both servers run here with --debug and the
libraries at DEBUG, hold a few ordinary turns, and one action fails with the person's words in
its exception (tests/security/failing_actions.py), as a bug would. Before the fix Rasa logged
the action server's error body (the whole tracker) at ERROR level, and every greeting logged
`rasa.core.nlg.interpolator` KeyErrors for the buttons' JSON payloads.
"""

from __future__ import annotations

import importlib
import json
import logging
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import requests
import yaml

from privacy import logs
from tests.servers import (
    ACTION_SERVER_TOKEN,
    ROOT,
    Server,
    action_server,
    base_env,
    free_port,
    rasa_server,
    say,
    sqlite_tracker,
    write_endpoints,
)

pytestmark = pytest.mark.e2e


@dataclass
class Stack:
    rasa: Server
    actions: Server
    action_url: str
    start: Dict[Path, int]  # each log's size once both servers were up: start-up lines are not checked

    def new_text(self) -> Dict[str, str]:
        servers = (self.rasa, self.actions)
        return {s.name: s.log.read_bytes()[self.start[s.log] :].decode(errors="replace") for s in servers}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("logs")
    action_port, rasa_port = free_port(), free_port()
    env = base_env(LOG_LEVEL_LIBRARIES="DEBUG")
    endpoints = write_endpoints(workdir, action_port, sqlite_tracker(workdir))
    actions = action_server(workdir, action_port, {**env, "REMINDERS_ENABLED": "false"})
    actions.argv[actions.argv.index("--actions") + 1] = "tests.security.failing_actions"
    actions.argv.append("--debug")
    rasa = rasa_server(workdir, rasa_port, endpoints, env)
    rasa.argv.append("--debug")
    actions.launch()
    rasa.launch()
    try:
        actions.wait_ready()
        rasa.wait_ready()
        yield Stack(rasa, actions, actions.url, {s.log: s.log.stat().st_size for s in (rasa, actions)})
    finally:
        rasa.stop()
        actions.stop()


#: words a person types here that no code, library or log prose contains
DISTINCTIVE = "my back feels knotted after gardening", "zebrafish quokka"


def words_of(sender: str) -> List[str]:
    """What must never be in a log: the sender id, the distinctive words typed, the slot value set."""
    return sorted({sender, "lower_back", *(w for m in DISTINCTIVE for w in re.findall(r"[a-z]{6,}", m))})


def test_a_conversation_and_a_failing_action_leave_no_trace_in_either_log(stack: Stack) -> None:
    sender = f"victim-{uuid.uuid4().hex[:10]}"
    messages = [
        "hello",
        DISTINCTIVE[0],
        '/inform{"body_area": "lower_back"}',
        DISTINCTIVE[1],
        "export my data",  # the failing action: its exception holds the sender id and this text
    ]
    replies = [say(stack.rasa.url, sender, text) for text in messages]
    assert any(r for r in replies[:2]), "the bot answered"
    # the failure really happened, and was logged, with its traceback
    written = stack.new_text()
    assert "an action failed" in written["action server"]

    def found_in(text: str) -> List[str]:
        return [w for w in words_of(sender) if re.search(rf"\b{re.escape(w)}\b", text, re.I)]

    leaks = {name: found_in(text) for name, text in written.items()}
    assert leaks == {"rasa": [], "action server": []}
    assert "RuntimeError: [redacted]" in written["action server"]
    assert "Traceback" in written["rasa"]
    assert " DEBUG " in written["rasa"], "the Rasa server logged at DEBUG level"
    assert "interpolator" not in written["rasa"]


def test_a_failing_action_answers_rasa_without_the_tracker(stack: Stack) -> None:
    """The forged call an attacker would watch: the 500 body carries no part of the request."""
    call: Dict[str, Any] = {
        "next_action": "action_export_data",
        "sender_id": "victim-forged",
        "tracker": {
            "sender_id": "victim-forged",
            "slots": {"body_area": "calf"},
            "latest_message": {"text": "my secret"},
            "events": [],
        },
        "domain": {},
        "version": "3.6.0",
    }
    headers = {"Authorization": f"Bearer {ACTION_SERVER_TOKEN}"}  # an insider's call: the secret is right
    answer = requests.post(f"{stack.action_url}/webhook", json=call, headers=headers, timeout=30)
    assert answer.status_code == 500
    assert "victim-forged" not in answer.text and "my secret" not in answer.text
    assert "my secret" not in stack.actions.log.read_text()


def test_domain_buttons_render_without_interpolation_errors(caplog: pytest.LogCaptureFixture) -> None:
    """Every response of the domain, rendered by Rasa's own templating with every slot empty: no
    interpolator error, and each `/intent{...}` button payload comes out as valid JSON."""
    from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain

    domain = Domain.load(str(ROOT / "domain"))
    generator = TemplatedNaturalLanguageGenerator(domain.responses)
    slots = {slot.name: None for slot in domain.slots}
    payloads = []
    with caplog.at_level(logging.DEBUG):
        for name in domain.responses:
            rendered = generator.generate_from_slots(name, slots, "rest") or {}
            payloads += [b["payload"] for b in rendered.get("buttons") or []]
    assert not [r for r in caplog.records if r.name.startswith("rasa.core.nlg")]
    with_entities = [p for p in payloads if "{" in p]
    assert with_entities, "the domain has entity payloads to check"
    for payload in with_entities:
        assert isinstance(json.loads(payload[payload.index("{") :]), dict), payload


@pytest.mark.parametrize(
    ("logger", "message", "args", "secret"),
    [
        ("rasa.core.processor", "Received user message 'my calf hurts' with intent 'report_pain'", (), "calf"),
        ("rasa.core.processor", "Current slot values: \n\tbody_area: calf", (), "calf"),
        ("rasa.core.lock_store", "Acquired lock for conversation %s", ("victim-1",), "victim-1"),
        ("rasa.core.nlg.interpolator", json.dumps({"event": "interpolator.interpolate.text", "response": "calf"}), (), "calf"),
        ("rasa.core.tracker_store", "Tracker for victim-1 loaded", (), "victim-1"),
    ],
)
def test_third_party_records_keep_their_prose_only(logger: str, message: str, args: tuple, secret: str) -> None:
    record = logs.redact(logging.LogRecord(logger, logging.INFO, __file__, 1, message, args, None))
    assert not secret or secret not in record.getMessage()
    assert record.getMessage()


def test_exception_messages_never_reach_the_log() -> None:
    said, sender = f"my calf hurts {uuid.uuid4().hex}", f"victim-{uuid.uuid4().hex}"
    try:
        try:
            raise KeyError(said)
        except KeyError as error:
            raise RuntimeError(f"body={{'tracker': '{sender}'}}") from error
    except RuntimeError as error:
        text = logs.traceback_without_messages(error)
    assert said not in text and sender not in text
    assert text.index("KeyError: [redacted]") < text.index("direct cause") < text.index("RuntimeError: [redacted]")


def test_the_route_of_an_access_log_line_keeps_its_fixed_words_only() -> None:
    line = "GET http://h:5005/conversations/victim-1/tracker?token=t0k3n"
    assert logs.redact_route(line) == "GET /conversations/[redacted]/tracker"


def test_project_packages_are_the_repository_packages() -> None:
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests"}
    assert packages <= logs.PROJECT_PACKAGES, "a new package: add it to privacy.logs.PROJECT_PACKAGES"


async def test_every_channel_installs_the_redaction() -> None:
    """Each channel of credentials.yml turns the redaction on when Rasa asks it for its blueprint."""

    async def on_new_message(_: object) -> None:
        return None

    given = logging.getLogRecordFactory()
    try:
        for name, config in yaml.safe_load((ROOT / "credentials.yml").read_text()).items():
            module, _, class_name = name.rpartition(".")
            channel = getattr(importlib.import_module(module), class_name).from_credentials(config)
            logging.setLogRecordFactory(logging.LogRecord)
            channel.blueprint(on_new_message)
            assert getattr(logging.getLogRecordFactory(), logs._MARK, False), name
    finally:
        logging.setLogRecordFactory(given)
