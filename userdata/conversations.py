"""The tracker store's conversations: where Rasa keeps them, how old they are, and a person's
whole conversation (every session) for their data export.

Reads the tracker store from the same endpoints file Rasa uses (RASA_ENDPOINTS, default
endpoints.yml, environment variables expanded by Rasa's own reader) and builds its database URL
with Rasa's own SQLTrackerStore.get_db_url, so both always point at the same database.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml
from sqlalchemy import text
from sqlalchemy.engine import Engine, create_engine

from settings import settings
from userdata.db import ROOT


def tracker_store_section(path: Path) -> Optional[Dict[str, Any]]:
    """The endpoints file's `tracker_store` section, its `${VAR}`s expanded from the environment.

    Only this section is read and expanded, the way Rasa's reader expands the whole file: a process
    that reads the tracker store (the action server, the purge) needs its variables only, not
    the lock store's or the action endpoint's. An unset variable is an error, as in Rasa."""
    if not path.is_file():
        return None
    content = yaml.load(path.read_text(), Loader=yaml.BaseLoader)  # noqa: S506 - BaseLoader builds only str, list, dict
    section = content.get("tracker_store") if isinstance(content, dict) else None
    if not isinstance(section, dict):
        return None

    def expand(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: expand(item) for key, item in value.items()}
        if not isinstance(value, str):
            return value
        expanded = os.path.expandvars(value)
        if "${" in expanded:
            raise ValueError(f"{path}: tracker_store needs the environment variables of {value!r}")
        return expanded

    return {key: expand(value) for key, value in section.items()}


def tracker_store_url(endpoints: Optional[Path] = None) -> Optional[str]:
    """The SQL tracker store's URL, or None when the endpoints file configures no SQL store."""
    from rasa.core.tracker_store import SQLTrackerStore

    section = tracker_store_section(endpoints or ROOT / settings().rasa_endpoints)
    if section is None or "SQL" not in str(section.get("type") or ""):
        return None
    dialect = section.get("dialect") or "sqlite"
    db = str(section.get("db") or "rasa.db")
    if dialect == "sqlite" and not Path(db).is_absolute():
        db = str(ROOT / db)  # Rasa resolves it from its working directory, the project root
    return str(
        SQLTrackerStore.get_db_url(
            dialect=dialect,
            host=section.get("url"),
            port=section.get("port"),
            db=db,
            username=section.get("username"),
            password=section.get("password"),
            login_db=section.get("login_db"),
            query=section.get("query"),
        )
    )


def purge_events(engine: Engine, older_than: datetime) -> int:
    """Delete every conversation event older than `older_than` (Rasa's `events` table)."""
    with engine.begin() as connection:
        if not engine.dialect.has_table(connection, "events"):
            return 0
        result = connection.execute(text("DELETE FROM events WHERE timestamp < :cutoff"), {"cutoff": older_than.timestamp()})
        return int(result.rowcount or 0)


def tracker_engine(endpoints: Optional[Path] = None) -> Optional[Engine]:
    url = tracker_store_url(endpoints)
    return create_engine(url, future=True) if url else None


class ConversationHistory:
    """Read-only view of the tracker store's `events` table (Rasa's SQL tracker store): every
    stored event of one conversation, across its sessions. Rasa itself loads only the current
    session (stores/bounded_sessions.py), so this is where the rest of a conversation is read.
    Blocking calls: run them off the event loop (asyncio.to_thread)."""

    def __init__(self, engine: Optional[Engine]) -> None:
        self.engine = engine

    @classmethod
    def from_env(cls) -> ConversationHistory:
        """The tracker store of the endpoints file Rasa uses; an empty history when it is not SQL."""
        return cls(tracker_engine())

    def events(self, conversation: str, before: Optional[float] = None) -> List[Dict[str, Any]]:
        """The stored events of `conversation` (its id as Rasa keys it, `telegram:123`), oldest first,
        as Rasa serialised them; only those older than `before` (a timestamp) when given."""
        if self.engine is None:
            return []
        query = "SELECT data FROM events WHERE sender_id = :sender"
        parameters: Dict[str, Any] = {"sender": conversation}
        if before is not None:
            query += " AND timestamp < :before"
            parameters["before"] = before
        with self.engine.connect() as connection:
            if not self.engine.dialect.has_table(connection, "events"):
                return []
            rows = connection.execute(text(query + " ORDER BY id"), parameters).fetchall()
        out: List[Dict[str, Any]] = []
        for (data,) in rows:
            try:
                event = json.loads(data) if data else None
            except ValueError:
                continue
            if isinstance(event, dict):
                out.append(event)
        return out
