"""Retention: `python -m userdata.purge` removes exactly what is older than RETENTION_DAYS,
in the user-data store and in Rasa's tracker store (the one the endpoints file names)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from settings import settings
from tests.clock import Clock
from userdata.purge import purge
from userdata.repository import UserDataRepository


def tracker_db(path: Path, now: float) -> None:
    engine = create_engine(f"sqlite:///{path}", future=True)
    with engine.begin() as db:
        db.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, timestamp FLOAT)"))
        for sender, age_days in (("old", 400), ("old", 380), ("recent", 10), ("mixed", 500), ("mixed", 1)):
            db.execute(
                text("INSERT INTO events (sender_id, type_name, timestamp) VALUES (:s, 'user', :t)"),
                {"s": sender, "t": now - age_days * 86400},
            )


def test_purge_removes_what_is_older_than_the_window_in_both_stores(
    store: UserDataRepository, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.log_session("rest", "old", area="calf", exercise=None, tool=None, pain_before=None, pain_after=None, feeling=None)
    clock.advance(days=400)
    store.log_session("rest", "recent", area="neck", exercise=None, tool=None, pain_before=None, pain_after=None, feeling=None)
    tracker_db(tmp_path / "tracker.db", clock().timestamp())
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{tmp_path / "tracker.db"}"\n')
    monkeypatch.setenv("RASA_ENDPOINTS", str(endpoints))
    settings.cache_clear()  # the store fixture read the settings before this variable was set

    assert purge(store, 365) == {"sessions": 1, "reminders": 0, "users": 1, "conversation_events": 3}
    with create_engine(f"sqlite:///{tmp_path / 'tracker.db'}").connect() as db:
        left = db.execute(text("SELECT sender_id, timestamp FROM events ORDER BY id")).fetchall()
    assert [s for s, _ in left] == ["recent", "mixed"]
    assert all(clock().timestamp() - t < timedelta(days=365).total_seconds() for _, t in left)
    assert [s.area for s in store.sessions("rest", "recent")] == ["neck"]
