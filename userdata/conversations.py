"""The tracker store's conversations, for retention: where Rasa keeps them and how old they are.

Reads the tracker store from the same endpoints file Rasa uses (RASA_ENDPOINTS, default
endpoints.yml, environment variables expanded by Rasa's own reader) and builds its database URL
with Rasa's own SQLTrackerStore.get_db_url, so both always point at the same database.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Optional

from sqlalchemy import text
from sqlalchemy.engine import Engine, create_engine

from settings import settings
from userdata.db import ROOT


def tracker_store_url(endpoints: Optional[Path] = None) -> Optional[str]:
    """The SQL tracker store's URL, or None when the endpoints file configures no SQL store."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.utils.endpoints import read_endpoint_config

    path = endpoints or ROOT / settings().rasa_endpoints
    # Rasa's reader expands every ${VAR} of the file; the action server's secret is not needed here
    os.environ.setdefault("ACTION_SERVER_TOKEN", "")
    config = read_endpoint_config(str(path), "tracker_store")
    if config is None or "SQL" not in str(config.type or ""):
        return None
    kwargs = config.kwargs
    db = str(kwargs.get("db", "rasa.db"))
    if kwargs.get("dialect", "sqlite") == "sqlite" and not Path(db).is_absolute():
        db = str(ROOT / db)  # Rasa resolves it from its working directory, the project root
    return str(
        SQLTrackerStore.get_db_url(
            dialect=kwargs.get("dialect", "sqlite"),
            host=config.url,
            port=kwargs.get("port"),
            db=db,
            username=kwargs.get("username"),
            password=kwargs.get("password"),
            login_db=kwargs.get("login_db"),
            query=kwargs.get("query"),
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
