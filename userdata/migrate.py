"""Bring the user-data store's schema up to date: `python -m userdata.migrate` (idempotent).

`make run`, the test servers and the deploy stack call it before the action server starts.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from userdata.db import database_url, make_engine

INI = Path(__file__).resolve().parent / "alembic.ini"
#: the PostgreSQL advisory lock the upgrade holds (an arbitrary constant of this project)
MIGRATION_LOCK = 741_105


def _config() -> Config:
    config = Config(str(INI))
    config.attributes["skip_logging"] = True
    return config


def head() -> str:
    return str(ScriptDirectory.from_config(_config()).get_current_head())


def current(url: Optional[str] = None) -> Optional[str]:
    with make_engine(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(url: Optional[str] = None) -> str:
    """Apply every migration not applied yet; returns the revision the store is at."""
    engine = make_engine(url)
    config = _config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # replicas starting together migrate one at a time
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    engine.dispose()
    return head()


def main() -> int:
    revision = upgrade()
    url = database_url()
    shown = url.split("@")[-1] if "@" in url else url  # no password in the output
    print(f"user-data store at revision {revision} ({shown})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
