"""Retention: `python -m userdata.purge` (or `make purge`, a cron job, the Kubernetes CronJob).

Deletes what is older than RETENTION_DAYS (default 365): conversation events in the tracker
store, session-log entries, finished reminders, unused export links, and people not seen for
that long (unless a reminder of theirs is still active). Prints what it deleted (counts only).
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from typing import Dict

from settings import settings
from userdata.conversations import purge_events, tracker_engine
from userdata.repository import UserDataRepository, utcnow


def retention_days() -> int:
    return settings().retention_days


def purge(store: UserDataRepository, days: int) -> Dict[str, int]:
    cutoff = store.clock() - timedelta(days=days)
    counts = store.purge(cutoff)
    engine = tracker_engine()
    counts["conversation_events"] = purge_events(engine, cutoff) if engine is not None else 0
    return counts


def main() -> int:
    days = retention_days()
    counts = purge(UserDataRepository.from_env(utcnow), days)
    print(json.dumps({"retention_days": days, "deleted": counts}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
