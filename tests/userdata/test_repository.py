"""The user-data repository: the same results on SQLite and PostgreSQL (see conftest.py)."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any, Dict, List

import pytest
from sqlalchemy import text

from tests.clock import START, Clock
from userdata import keys
from userdata.db import make_engine
from userdata.migrate import current, head, upgrade
from userdata.repository import DueReminder, UserDataRepository


def test_migrations_apply_from_empty_and_again_change_nothing(store_url: str) -> None:
    assert current(store_url) is None
    assert upgrade(store_url) == head()
    assert upgrade(store_url) == head()
    assert current(store_url) == head()


SESSION = {"area": "calf", "exercise": "calf_ball_roll", "tool": "lacrosse_ball", "pain_before": 6, "pain_after": 3}


def log(store: UserDataRepository, sender: str = "u1", **fields: Any) -> None:
    values: Dict[str, Any] = {**SESSION, **fields}
    store.log_session("telegram", sender, feeling=values.pop("feeling", "better"), **values)


def test_sessions_are_logged_and_read_back_oldest_first(store: UserDataRepository, clock: Clock) -> None:
    log(store, pain_after=4)
    clock.advance(days=3)
    log(store, pain_before=5, pain_after=2)
    sessions = store.sessions("telegram", "u1")
    assert [(s.pain_before, s.pain_after) for s in sessions] == [(6, 4), (5, 2)]
    assert sessions[1].logged_at - sessions[0].logged_at == timedelta(days=3)
    assert store.last_session("telegram", "u1", "calf") == sessions[1]
    assert store.sessions("slack", "u1") == []  # the same id on another channel is another person


def test_a_pain_outside_0_to_10_is_refused(store: UserDataRepository) -> None:
    with pytest.raises(ValueError):
        log(store, pain_after=12)
    assert store.sessions("telegram", "u1") == []


def test_no_channel_id_is_stored_in_clear(store: UserDataRepository) -> None:
    log(store, "tg-chat-424242")
    store.add_reminder("telegram", "tg-chat-424242", repeat="once", due_at=START + timedelta(hours=1), label="in 60 minute(s)")
    with store.engine.connect() as connection:
        dump = " ".join(
            str(row)
            for table in ("users", "session_log", "reminders")
            for row in connection.execute(text(f"SELECT * FROM {table}"))  # noqa: S608 - fixed table names
        )
    assert "424242" not in dump
    assert keys.user_key("telegram", "tg-chat-424242") in dump


def test_a_due_reminder_is_claimed_once_and_moves_to_its_next_time(store: UserDataRepository, clock: Clock) -> None:
    store.set_timezone("telegram", "u1", "Europe/Berlin")
    first = START + timedelta(minutes=5)
    store.add_reminder(
        "telegram", "u1", repeat="daily", due_at=first, label="every day at 10:05", hour=10, minute=5, tz="Europe/Berlin"
    )
    assert store.claim_due() == ([], 0)
    clock.advance(minutes=6)
    claimed, skipped = store.claim_due()
    assert [(r.sender_id, r.channel) for r in claimed] == [("u1", "telegram")] and skipped == 0
    assert store.claim_due() == ([], 0)  # once
    [reminder] = store.active_reminders("telegram", "u1")
    assert reminder.due_at == first + timedelta(days=1)


def test_a_reminder_more_than_an_hour_late_is_skipped_and_a_failed_send_is_put_back(
    store: UserDataRepository, clock: Clock
) -> None:
    store.add_reminder("rest", "u2", repeat="once", due_at=START, label="now")
    clock.advance(hours=2)
    assert store.claim_due() == ([], 1)
    assert store.active_reminders("rest", "u2") == []
    store.add_reminder("rest", "u2", repeat="once", due_at=clock(), label="now")
    [claimed], _ = store.claim_due()
    store.unclaim(claimed)
    [again], _ = store.claim_due()
    assert again.id == claimed.id


def test_twenty_due_reminders_claimed_by_two_servers_at_once_go_out_exactly_once(store_url: str, clock: Clock) -> None:
    upgrade(store_url)
    stores = [UserDataRepository(make_engine(store_url), clock) for _ in range(2)]
    for n in range(20):
        stores[0].add_reminder("rest", f"user-{n}", repeat="once", due_at=START, label="now")
    clock.advance(minutes=1)
    barrier = threading.Barrier(2)
    got: List[List[DueReminder]] = [[], []]

    def claim(i: int) -> None:
        barrier.wait()
        while True:
            claimed, _ = stores[i].claim_due(limit=3)
            if not claimed:
                return
            got[i].extend(claimed)

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    ids = [r.id for batch in got for r in batch]
    assert sorted(ids) == sorted(set(ids)) and len(ids) == 20


def test_cancel_one_or_all(store: UserDataRepository) -> None:
    a = store.add_reminder("rest", "u3", repeat="once", due_at=START + timedelta(hours=1), label="a")
    store.add_reminder("rest", "u3", repeat="once", due_at=START + timedelta(hours=2), label="b")
    assert store.cancel_reminders("rest", "u3", [a.id]) == 1
    assert [r.label for r in store.active_reminders("rest", "u3")] == ["b"]
    assert store.cancel_reminders("rest", "u3") == 1
    assert store.active_reminders("rest", "u3") == []


def test_delete_removes_everything_of_that_person_only(store: UserDataRepository) -> None:
    log(store, "u4")
    log(store, "someone-else")
    store.add_reminder("telegram", "u4", repeat="once", due_at=START + timedelta(hours=1), label="a")
    assert store.delete_user("telegram", "u4") == {"sessions": 1, "reminders": 1, "users": 1}
    assert store.export_user("telegram", "u4") == {
        "channel": "telegram",
        "timezone": None,
        "first_seen": None,
        "sessions": [],
        "reminders": [],
    }
    assert len(store.sessions("telegram", "someone-else")) == 1


def test_export_is_the_persons_log_and_reminders(store: UserDataRepository) -> None:
    log(store, "u5")
    store.add_reminder("telegram", "u5", repeat="once", due_at=START + timedelta(hours=1), label="in 60 minute(s)")
    exported = store.export_user("telegram", "u5")
    assert [s["pain_after"] for s in exported["sessions"]] == [3]
    assert [r["label"] for r in exported["reminders"]] == ["in 60 minute(s)"]


def test_purge_removes_exactly_what_is_older_than_the_window(store: UserDataRepository, clock: Clock) -> None:
    log(store, "old")
    clock.advance(days=400)
    log(store, "recent")
    counts = store.purge(older_than=clock() - timedelta(days=365))
    assert counts == {"sessions": 1, "reminders": 0, "users": 1}
    assert store.sessions("telegram", "old") == []
    assert len(store.sessions("telegram", "recent")) == 1
