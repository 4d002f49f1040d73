"""A clock tests move instead of sleeping (the user-data store takes it as `clock`)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

START = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
