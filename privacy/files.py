"""Files that hold health data are readable by their owner only (mode 0600)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from sqlalchemy.engine import make_url

PRIVATE_MODE = 0o600


def private_file(path: Path) -> Path:
    """Create `path` empty with mode 0600 if it is missing; make an existing one 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE))
    except FileExistsError:
        os.chmod(path, PRIVATE_MODE)
    return path


def private_sqlite(url: str) -> Optional[Path]:
    """The SQLite database file of `url`, made private before SQLite opens it (SQLite gives its
    -wal and -shm files the database file's mode); None for other databases and :memory:."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return private_file(Path(parsed.database))
