"""A data export holds the person's WHOLE conversation, and "delete my data" deletes all of it.

Since sessions are bounded (stores/bounded_sessions.py, MAX_SESSION_TURNS messages each), the
tracker Rasa sends the action server holds the current session only: an export built from it
held at most the last few messages. The export now reads the earlier sessions from the tracker
store (userdata/conversations.py ConversationHistory). Checked here after 20 messages, on SQLite
and on PostgreSQL: once rasa-sdk style (the real tracker store, the action run on the tracker
Rasa would send), once end to end over REST. PostgreSQL missing: skipped locally, a failure
with CI=true (tests/conftest.py).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any, Dict, Generator, Iterator, List, Tuple

import pytest
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import read_endpoint_config
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from actions.data_rights.requests import ActionExportData
from actions.plumbing.userdata_access import conversations, userdata
from replies.model import Reply
from settings import Settings, settings
from tests.conftest import fresh_postgres
from tests.e2e.replies import reply
from tests.reliability.conftest import tracker_section
from tests.servers import ROOT, action_server, base_env, free_port, rasa_server, say, sqlite_tracker, write_endpoints
from userdata.conversations import tracker_store_url
from userdata.migrate import upgrade

MESSAGES = 20
LIMIT = Settings.__fields__["max_session_turns"].default
assert 2 * LIMIT < MESSAGES  # several sessions


def endpoints_of(workdir: Path, dialect: str, postgres: Generator[Engine, None, None]) -> str:
    """The tracker_store section of an endpoints file for `dialect` (a fresh database each)."""
    return sqlite_tracker(workdir) if dialect == "sqlite" else tracker_section(next(postgres))


@pytest.fixture(params=["sqlite", "postgresql"])
def tracker_endpoints(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    """An endpoints file naming a fresh tracker store, on SQLite or PostgreSQL."""
    postgres = fresh_postgres()
    try:
        path = tmp_path / "endpoints.yml"
        path.write_text(endpoints_of(tmp_path, request.param, postgres))
        yield path
    finally:
        postgres.close()  # drops the database, when one was made


def rows_of(endpoints: Path, conversation: str) -> Tuple[int, int]:
    """(stored events, sessions) of `conversation` in the tracker store `endpoints` names."""
    engine = create_engine(str(tracker_store_url(endpoints)), future=True)
    try:
        with engine.connect() as db:
            query = (
                "SELECT count(*), sum(CASE WHEN type_name = 'session_started' THEN 1 ELSE 0 END)"
                " FROM events WHERE sender_id = :s"
            )
            count, sessions = db.execute(text(query), {"s": conversation}).one()
    finally:
        engine.dispose()
    return int(count), int(sessions or 0)


def said(document: Dict[str, Any], kind: str = "user") -> List[str]:
    return [event["text"] for event in document["conversation"] if event["event"] == kind]


# -- rasa-sdk style: the real tracker store, the action on the tracker Rasa sends -------------------


def one_turn(tracker: DialogueStateTracker, number: int) -> None:
    tracker.update(UserUttered(f"message {number}", {"name": "ask_frequency", "confidence": 1.0}, input_channel="rest"))
    tracker.update(ActionExecuted("utter_frequency"))
    tracker.update(BotUttered(f"answer {number}"))
    tracker.update(ActionExecuted("action_listen"))


async def test_the_export_holds_every_session_and_the_deletion_removes_them_all(
    tracker_endpoints: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    domain = Domain.load(str(ROOT / "domain"))
    store = TrackerStore.create(read_endpoint_config(str(tracker_endpoints), "tracker_store"), domain)
    conversation, other = f"rest:{uuid.uuid4().hex[:12]}", f"rest:{uuid.uuid4().hex[:12]}"
    for sender in (conversation, other):
        tracker = DialogueStateTracker.from_events(
            sender, [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")], domain.slots
        )
        await store.save(tracker)
        for number in range(MESSAGES):  # one turn at a time, as Rasa saves them
            tracker = await store.retrieve(sender)
            assert tracker is not None
            one_turn(tracker, number)
            await store.save(tracker)

    # what Rasa sends the action server: the current session, with the turn under way
    current = await store.retrieve(conversation)
    assert current is not None
    in_session = [e.text for e in current.events if isinstance(e, UserUttered)]
    assert 0 < len(in_session) < MESSAGES  # sessions are bounded: most of the conversation is not in it
    current.update(UserUttered("export my data", {"name": "export_data", "confidence": 1.0}, input_channel="rest"))
    sent = Tracker.from_dict(current.current_state(EventVerbosity.ALL))

    userdata_url = f"sqlite:///{tmp_path / 'userdata.db'}"
    upgrade(userdata_url)
    monkeypatch.setenv("USERDATA_URL", userdata_url)
    monkeypatch.setenv("USERDATA_KEY", "test-key")
    monkeypatch.setenv("RASA_ENDPOINTS", str(tracker_endpoints))
    settings.cache_clear()  # the tracker store read them before these variables were set
    userdata.cache_clear()
    conversations.cache_clear()
    dispatcher = CollectingDispatcher()
    try:
        assert await ActionExportData().run(dispatcher, sent, domain.as_dict()) == []
    finally:
        userdata.cache_clear()
        conversations.cache_clear()
    (export,) = [r for r in (Reply.from_json(m.get("custom")) for m in dispatcher.messages) if r and r.kind == "data_export"]
    assert export.attachment is not None
    document = json.loads(export.attachment.content)
    assert said(document) == [f"message {n}" for n in range(MESSAGES)] + ["export my data"]  # each once, in order
    assert said(document, "bot") == [f"answer {n}" for n in range(MESSAGES)]

    stored, sessions = rows_of(tracker_endpoints, conversation)
    assert stored > 0 and sessions > 2
    current.update(SlotSet("forget_conversation", True))  # "delete my data", confirmed (actions/data_rights/requests.py)
    await store.save(current)
    assert rows_of(tracker_endpoints, conversation) == (0, 0)  # every session of it
    assert rows_of(tracker_endpoints, other)[0] > 0  # nobody else's
    full = await store.retrieve_full_tracker(conversation)
    assert full is None or not [e for e in full.events if isinstance(e, UserUttered)]


# -- end to end over REST: `rasa run` and the action server on the same tracker store --------------


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[str, Path]]:
    """(Rasa's URL, the endpoints file) of a Rasa server and an action server sharing a fresh tracker store."""
    workdir = tmp_path_factory.mktemp(f"export-{request.param}")
    postgres = fresh_postgres()
    servers = []
    try:
        action_port, rasa_port = free_port(), free_port()
        endpoints = write_endpoints(workdir, action_port, endpoints_of(workdir, request.param, postgres))
        env = base_env(RASA_URL=f"http://127.0.0.1:{rasa_port}", REMINDERS_ENABLED="false")
        servers = [
            action_server(workdir, action_port, {**env, "RASA_ENDPOINTS": str(endpoints)}).launch(),
            rasa_server(workdir, rasa_port, endpoints, env).launch(),
        ]
        for server in servers:
            server.wait_ready()
        yield servers[1].url, endpoints
    finally:
        for server in servers:
            server.stop()
        postgres.close()


QUESTIONS = ("how often should I do this", "does it really work", "which ball should I get")


@pytest.mark.e2e
def test_after_twenty_messages_over_rest_the_export_holds_all_twenty_and_deleting_removes_every_session(
    served: Tuple[str, Path],
) -> None:
    url, endpoints = served
    sender = f"export-{uuid.uuid4().hex[:12]}"
    messages = [QUESTIONS[n % len(QUESTIONS)] for n in range(MESSAGES)]
    for message in messages:
        assert say(url, sender, message)
    stored, sessions = rows_of(endpoints, f"rest:{sender}")
    assert sessions > 2, sessions  # the conversation spans several sessions

    export = reply(say(url, sender, "export my data"), "data_export")
    assert export is not None
    document = json.loads(export["attachment"]["content"])
    assert said(document) == [*messages, "export my data"]

    assert reply(say(url, sender, "delete my data"), "delete_confirm") is not None
    say(url, sender, "/affirm")
    assert rows_of(endpoints, f"rest:{sender}") == (0, 0)
