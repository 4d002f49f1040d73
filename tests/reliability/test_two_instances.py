"""Two Rasa instances sharing PostgreSQL (tracker store) and Redis (lock store).

Messages of one conversation alternate between the instances, some concurrently; every
message is answered once and the tracker holds each user message exactly once, in order.
Many conversations run in parallel.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import List, Tuple

import pytest

from tests.e2e.replies import has_instructions, text_of
from tests.servers import action_server, base_env, free_port, rasa_server, say, tracker, write_endpoints

pytestmark = [pytest.mark.e2e, pytest.mark.services]
# Rasa's redis lock store with atomic ticket changes: the stock one loses events here.
LOCK_STORE = "stores.redis_lock_store.AtomicRedisLockStore"
SIMULTANEOUS_ROUNDS = 6
SCRIPT = [
    "my lower back hurts",
    "what is a trigger point?",  # an aside during the checklist: the checklist comes back
    "why do you ask?",
    "none of these",
    "/next_exercise",
    "that's way too intense",
    "how often should I do this",
    "which ball should I get",
    "thanks",
]
STEPS_AT = 3  # the reply to "none of these" carries the steps


def user_texts(events: list) -> List[str]:
    return [e["text"] for e in events if e["event"] == "user"]


def run_conversation(urls: Tuple[str, str], sender: str) -> List[list]:
    replies = []
    for i, text in enumerate(SCRIPT):
        replies.append(say(urls[i % 2], sender, text))
    return replies


def start_pair(tmp_path: Path, knowledge_db_url: str, tracker_db: str, redis_prefix: str):  # type: ignore[no-untyped-def]
    """The action server and two Rasa instances on one PostgreSQL tracker store and one Redis lock store."""
    env = base_env(DATABASE_URL=knowledge_db_url)
    action_port = free_port()
    lock = f"lock_store:\n  type: {LOCK_STORE}\n  url: 127.0.0.1\n  port: 6379\n  db: 0\n  key_prefix: {redis_prefix}\n"
    endpoints = write_endpoints(tmp_path, action_port, tracker_db, lock)
    actions = action_server(tmp_path, action_port, env).launch()
    a = rasa_server(tmp_path, free_port(), endpoints, env).launch()
    b = rasa_server(tmp_path, free_port(), endpoints, env).launch()
    try:
        for server in (actions, a, b):
            server.wait_ready()
    except RuntimeError:
        for server in (actions, a, b):
            server.stop()
        raise
    return actions, a, b, (a.url, b.url)


def test_simultaneous_messages_of_one_conversation(
    tmp_path: Path, knowledge_db_url: str, tracker_db: str, redis_prefix: str
) -> None:
    actions, a, b, urls = start_pair(tmp_path, knowledge_db_url, tracker_db, redis_prefix)
    try:
        # pairs of messages of one conversation at the same moment, one to each instance
        say(urls[0], "concurrent", "my calves are tight")
        expected = ["my calves are tight"]
        for round_number in range(SIMULTANEOUS_ROUNDS):
            pair = [f"what is a peanut ball ({round_number})", f"how do I clean my ball ({round_number})"]
            with ThreadPoolExecutor(max_workers=2) as pool:
                replies = list(pool.map(say, urls, ["concurrent", "concurrent"], pair))
            assert all(replies), f"round {round_number}: a message got no reply"
            texts = user_texts(tracker(urls[round_number % 2], "concurrent")["events"])
            assert texts[: len(expected)] == expected and sorted(texts[len(expected) :]) == sorted(pair), texts
            expected = texts
    finally:
        a.stop()
        b.stop()
        actions.stop()


def test_alternating_and_concurrent_messages(tmp_path: Path, knowledge_db_url: str, tracker_db: str, redis_prefix: str) -> None:
    actions, a, b, urls = start_pair(tmp_path, knowledge_db_url, tracker_db, redis_prefix)
    try:
        # one conversation, alternating instances: the screening state moves between them
        replies = run_conversation(urls, "alternating")
        assert all(r for r in replies), "a message got no reply"
        assert has_instructions(replies[STEPS_AT]), text_of(replies[STEPS_AT])
        assert user_texts(tracker(urls[0], "alternating")["events"]) == SCRIPT

        # many conversations in parallel, each alternating instances
        senders = [f"parallel-{i}" for i in range(8)]
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda s: run_conversation(urls, s), senders))
        for sender, conversation in zip(senders, results, strict=True):
            assert all(conversation), sender
            events = tracker(urls[1], sender)["events"]
            assert user_texts(events) == SCRIPT, sender
            timestamps = [e["timestamp"] for e in events]
            assert timestamps == sorted(timestamps), sender
    finally:
        a.stop()
        b.stop()
        actions.stop()


def start_two_by_two(tmp_path: Path, knowledge_db_url: str, tracker_db: str, redis_prefix: str, userdata_url: str):  # type: ignore[no-untyped-def]
    """Two Rasa instances, each with its own action server (and reminder scheduler), sharing
    PostgreSQL (tracker store and user data) and Redis (lock store)."""
    lock = f"lock_store:\n  type: {LOCK_STORE}\n  url: 127.0.0.1\n  port: 6379\n  db: 0\n  key_prefix: {redis_prefix}\n"
    servers = []
    urls = []
    for _ in range(2):
        action_port, rasa_port = free_port(), free_port()
        env = base_env(DATABASE_URL=knowledge_db_url, USERDATA_URL=userdata_url, RASA_URL=f"http://127.0.0.1:{rasa_port}")
        endpoints = write_endpoints(tmp_path, action_port, tracker_db, lock)
        servers.append(action_server(tmp_path, action_port, env).launch())
        servers.append(rasa_server(tmp_path, rasa_port, endpoints, env).launch())
        urls.append(f"http://127.0.0.1:{rasa_port}")
    try:
        for server in servers:
            server.wait_ready()
    except RuntimeError:
        for server in servers:
            server.stop()
        raise
    return servers, (urls[0], urls[1])


def test_concurrent_done_messages_log_once_and_twenty_reminders_fire_once_each(
    tmp_path: Path, knowledge_db_url: str, tracker_db: str, redis_prefix: str, postgres_engine
) -> None:
    from sqlalchemy import text

    userdata_url = postgres_engine.url.render_as_string(hide_password=False)
    servers, urls = start_two_by_two(tmp_path, knowledge_db_url, tracker_db, redis_prefix, userdata_url)
    try:
        for round_number in range(3):  # a session, then two reports of it at the same moment
            say(urls[0], "done-twice", "my calves are tight")
            say(urls[1], "done-twice", "/deny")
            with ThreadPoolExecutor(max_workers=2) as pool:
                replies = list(pool.map(say, urls, ["done-twice"] * 2, ["done, it's a 3 now", "done, it's a 3 now"]))
            kinds = sorted(str((m.get("custom") or {}).get("kind")) for r in replies for m in r if m.get("custom"))
            assert kinds == ["session_logged", "session_none"], (round_number, kinds)
        with postgres_engine.connect() as db:
            assert db.execute(text("SELECT count(*) FROM session_log")).scalar_one() == 3

        senders = [f"reminded-{n}" for n in range(20)]
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda s: say(urls[hash(s) % 2], s, "remind me in 2 hours"), senders))
        with postgres_engine.begin() as db:
            assert db.execute(text("SELECT count(*) FROM reminders WHERE active")).scalar_one() == 20
            db.execute(text("UPDATE reminders SET due_at = now() - interval '1 minute'"))

        def sent(sender: str) -> int:
            events = tracker(urls[0], sender)["events"]
            return sum(1 for e in events if e.get("event") == "action" and e.get("name") == "action_send_reminder")

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not all(sent(s) for s in senders):
            time.sleep(0.5)
        assert [sent(s) for s in senders] == [1] * 20
        with postgres_engine.connect() as db:
            assert db.execute(text("SELECT sum(sent_count) FROM reminders")).scalar_one() == 20
    finally:
        for server in servers:
            server.stop()
