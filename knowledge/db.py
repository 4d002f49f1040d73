"""Where the knowledge DB lives and how to open it.

`DATABASE_URL` selects the database (SQLite file by default, PostgreSQL works with the
same code). Nothing is opened at import time: callers ask for an engine when they need one.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, create_engine

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "var" / "knowledge.db"
CONTENT_DIR = Path(__file__).resolve().parent / "content"


DEFAULT_URL = f"sqlite:///{DEFAULT_SQLITE_PATH}"


def database_url() -> str:
    """The knowledge DB URL from the environment, or the embedded SQLite default."""
    return os.environ.get("DATABASE_URL") or DEFAULT_URL


def make_engine(url: str | None = None) -> Engine:
    """A new engine for `url` (default: `database_url()`)."""
    url = url or database_url()
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, future=True)
        event.listen(engine, "connect", _sqlite_foreign_keys)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True, pool_size=5, max_overflow=5)


@lru_cache(maxsize=8)
def shared_engine(url: str) -> Engine:
    """One engine per URL per process (engines own connection pools)."""
    return make_engine(url)


def _sqlite_foreign_keys(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
