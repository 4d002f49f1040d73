"""Where the user-data store lives: `USERDATA_URL`, by default an SQLite file under var/."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Optional

from sqlalchemy import event
from sqlalchemy.engine import Engine, create_engine

from privacy.files import private_sqlite
from settings import settings

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = ROOT / "var" / "userdata.db"


def database_url() -> str:
    return settings().userdata_url or f"sqlite:///{DEFAULT_PATH}"


def make_engine(url: Optional[str] = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite"):
        DEFAULT_PATH.parent.mkdir(parents=True, exist_ok=True)
        private_sqlite(url)  # mode 0600: it holds health data
        engine = create_engine(url, future=True, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection: sqlite3.Connection, _record: object) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    return create_engine(url, future=True, pool_pre_ping=True)
