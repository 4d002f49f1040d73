"""Two Rasa instances sharing PostgreSQL (tracker store) and Redis (lock store).

Messages of one conversation alternate between the instances, some concurrently; every
message is answered once and the tracker holds each user message exactly once, in order.
Many conversations run in parallel.
"""

from __future__ import annotations

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
