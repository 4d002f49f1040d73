"""Two Rasa instances, each with its own action server, sharing PostgreSQL (tracker store and
user data) and Redis (lock store); one stack for the module.

Messages of one conversation alternate between the instances, some concurrently; every
message is answered once and the tracker holds each user message exactly once, in order.
Many conversations run in parallel. Concurrent session reports log once; twenty due reminders
go out exactly once each although both action servers' schedulers look for them.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator, List, Tuple

import pytest
from sqlalchemy import text as sql
from sqlalchemy.engine import Engine

from tests.e2e.replies import has_instructions, text_of
from tests.reliability.conftest import new_redis_prefix, tracker_section
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


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, module_postgres: Engine) -> Iterator[Tuple[str, str]]:
    """Two Rasa instances, each with its own action server (and reminder scheduler), sharing
    PostgreSQL (tracker store and user data) and Redis (the lock store); started once for the module."""
    tmp_path = tmp_path_factory.mktemp("two-instances")
    userdata_url = module_postgres.url.render_as_string(hide_password=False)
    tracker = tracker_section(module_postgres)
    lock = f"lock_store:\n  type: {LOCK_STORE}\n  url: 127.0.0.1\n  port: 6379\n  db: 0\n  key_prefix: {new_redis_prefix()}\n"
    servers = []
    urls = []
    for _ in range(2):
        action_port, rasa_port = free_port(), free_port()
        env = base_env(USERDATA_URL=userdata_url, RASA_URL=f"http://127.0.0.1:{rasa_port}")
        endpoints = write_endpoints(tmp_path, action_port, tracker, lock)
        servers.append(action_server(tmp_path, action_port, env).launch())
        servers.append(rasa_server(tmp_path, rasa_port, endpoints, env).launch())
        urls.append(f"http://127.0.0.1:{rasa_port}")
    try:
        for server in servers:
            server.wait_ready()
        yield (urls[0], urls[1])
    finally:
        for server in servers:
            server.stop()


def test_simultaneous_messages_of_one_conversation(stack: Tuple[str, str]) -> None:
    urls = stack
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


def test_alternating_and_concurrent_messages(stack: Tuple[str, str]) -> None:
    urls = stack
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


def count(engine: Engine, query: str) -> int:
    with engine.connect() as db:
        return int(db.execute(sql(query)).scalar_one() or 0)


def test_concurrent_done_messages_log_once_and_twenty_reminders_fire_once_each(
    stack: Tuple[str, str], module_postgres: Engine
) -> None:
    urls = stack
    logged_before = count(module_postgres, "SELECT count(*) FROM session_log")
    for round_number in range(3):  # a session, then two reports of it at the same moment
        say(urls[0], "done-twice", "my calves are tight")
        say(urls[1], "done-twice", "/deny")
        with ThreadPoolExecutor(max_workers=2) as pool:
            replies = list(pool.map(say, urls, ["done-twice"] * 2, ["done, it's a 3 now", "done, it's a 3 now"]))
        kinds = sorted(str((m.get("custom") or {}).get("kind")) for r in replies for m in r if m.get("custom"))
        assert kinds == ["session_logged", "session_none"], (round_number, kinds)
    assert count(module_postgres, "SELECT count(*) FROM session_log") == logged_before + 3

    senders = [f"reminded-{n}" for n in range(20)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda s: say(urls[hash(s) % 2], s, "remind me in 2 hours"), senders))
    assert count(module_postgres, "SELECT count(*) FROM reminders WHERE active") == 20
    with module_postgres.begin() as db:
        db.execute(sql("UPDATE reminders SET due_at = now() - interval '1 minute'"))

    def sent(sender: str) -> int:
        events = tracker(urls[0], sender)["events"]
        return sum(1 for e in events if e.get("event") == "action" and e.get("name") == "action_send_reminder")

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not all(sent(s) for s in senders):
        time.sleep(0.5)
    assert [sent(s) for s in senders] == [1] * 20
    assert count(module_postgres, "SELECT sum(sent_count) FROM reminders") == 20
