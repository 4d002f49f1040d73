"""The coach's data on the real services: PostgreSQL for the tracker store and the user data,
RabbitMQ as Rasa's event broker (conversation events, the deletion event), and reminders that
survive SIGKILL of both servers.

Time is injected (a reminder is made due by moving its time in the store); the test polls.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Callable, Dict, Iterator, Tuple

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from tests.reliability.conftest import broker_section, delete_queue, drain, new_rabbitmq_queue, tracker_section
from tests.servers import Server, action_server, base_env, free_port, rasa_server, say, start_together, tracker, write_endpoints

Shared = Tuple[str, str]  # Rasa's URL, the broker's queue
Restart = Tuple[int, int, Dict[str, str], Path]  # the ports, the environment and the endpoints file

pytestmark = [pytest.mark.e2e, pytest.mark.services]


def eventually(check: Callable[[], bool], timeout: float = 40, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} not reached within {timeout} s")


def steps(url: str, sender: str) -> None:
    say(url, sender, "my calves are tight")
    answer = say(url, sender, "/deny")
    assert any((m.get("custom") or {}).get("kind") == "exercise" for m in answer), answer


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory, module_postgres: Engine) -> Iterator[Shared]:
    """One action server and one Rasa server on PostgreSQL with a RabbitMQ event broker, for the module."""
    tmp_path = tmp_path_factory.mktemp("coaching-services")
    queue = new_rabbitmq_queue()
    userdata_url = module_postgres.url.render_as_string(hide_password=False)
    action_port, rasa_port = free_port(), free_port()
    env = base_env(USERDATA_URL=userdata_url, RASA_URL=f"http://127.0.0.1:{rasa_port}")
    endpoints = write_endpoints(tmp_path, action_port, tracker_section(module_postgres), broker_section(queue))
    actions, rasa = start_together(action_server(tmp_path, action_port, env), rasa_server(tmp_path, rasa_port, endpoints, env))
    try:
        yield f"http://127.0.0.1:{rasa_port}", queue
    finally:
        rasa.stop()
        actions.stop()
        asyncio.run(delete_queue(queue))


def test_conversation_events_reach_rabbitmq(shared: Shared) -> None:
    url, queue = shared
    say(url, "broker-user", "hi")
    events = asyncio.run(drain(queue, until=lambda e: e.get("event") == "user" and e.get("text") == "hi"))
    user = [e for e in events if e.get("event") == "user" and e.get("text") == "hi"]
    assert user and user[-1]["sender_id"] == "rest:broker-user", events
    assert {e.get("sender_id") for e in events} == {"rest:broker-user"}  # the first conversation on this server


def test_delete_removes_the_postgres_tracker_rows_and_publishes_the_deletion(shared: Shared, module_postgres: Engine) -> None:
    url, queue = shared
    steps(url, "keep-me")
    steps(url, "forget-me")
    say(url, "forget-me", "done, feels better")
    say(url, "forget-me", "delete my data")
    say(url, "forget-me", "/affirm")
    with module_postgres.connect() as db:
        count = "SELECT count(*) FROM events WHERE sender_id = :s"
        assert db.execute(text(count), {"s": "rest:forget-me"}).scalar_one() == 0
        assert db.execute(text(count), {"s": "rest:keep-me"}).scalar_one() > 0
        assert db.execute(text("SELECT count(*) FROM session_log")).scalar_one() == 0
    events = asyncio.run(drain(queue, until=lambda e: e.get("event") == "user_data_deleted"))
    assert {"event": "user_data_deleted", "sender_id": "rest:forget-me"}.items() <= events[-1].items()


def test_an_hour_late_reminder_is_skipped(shared: Shared, module_postgres: Engine) -> None:
    url, _ = shared
    say(url, "late", "remind me in 2 hours")
    with module_postgres.begin() as db:
        db.execute(text("UPDATE reminders SET due_at = now() - interval '2 hours' WHERE active"))
    eventually(lambda: _skipped(module_postgres) == 1, what="the skip")
    assert not [e for e in tracker(url, "late")["events"] if e.get("name") == "action_send_reminder"]


def start(tmp_path: Path, tracker_db: str, postgres_engine: Engine) -> Tuple[Server, Server, str, Restart]:
    """An action server (with its reminder scheduler) and a Rasa server, user data on PostgreSQL: the two
    servers, Rasa's URL, and what starting them again takes."""
    userdata_url = postgres_engine.url.render_as_string(hide_password=False)
    action_port, rasa_port = free_port(), free_port()
    env = base_env(USERDATA_URL=userdata_url, RASA_URL=f"http://127.0.0.1:{rasa_port}")
    endpoints = write_endpoints(tmp_path, action_port, tracker_db)
    actions, rasa = start_together(action_server(tmp_path, action_port, env), rasa_server(tmp_path, rasa_port, endpoints, env))
    return actions, rasa, f"http://127.0.0.1:{rasa_port}", (action_port, rasa_port, env, endpoints)


def test_a_pending_reminder_fires_exactly_once_after_both_servers_are_killed(
    tmp_path: Path, tracker_db: str, postgres_engine: Engine
) -> None:
    actions, rasa, url, (action_port, rasa_port, env, endpoints) = start(tmp_path, tracker_db, postgres_engine)
    try:
        say(url, "remind-me", "remind me in 2 hours")
        actions.kill()
        rasa.kill()
        with postgres_engine.begin() as db:  # the two hours passed while everything was down
            db.execute(text("UPDATE reminders SET due_at = now() - interval '5 minutes'"))
        actions, rasa = start_together(
            action_server(tmp_path, action_port, env), rasa_server(tmp_path, rasa_port, endpoints, env)
        )

        def sent() -> int:
            events = tracker(url, "remind-me")["events"]
            return sum(1 for e in events if e.get("event") == "action" and e.get("name") == "action_send_reminder")

        eventually(lambda: sent() >= 1, what="the reminder")
        with postgres_engine.connect() as db:
            assert db.execute(text("SELECT active, sent_count FROM reminders")).fetchall() == [(False, 1)]
        assert sent() == 1
    finally:
        rasa.stop()
        actions.stop()


def _skipped(engine: Engine) -> int:
    with engine.connect() as db:
        return int(db.execute(text("SELECT coalesce(sum(skipped_count), 0) FROM reminders")).scalar_one())
