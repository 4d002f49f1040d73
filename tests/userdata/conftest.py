"""The user-data store on SQLite and on PostgreSQL (a fresh database each), migrated, with a clock."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy.engine import Engine

from tests.clock import START, Clock
from userdata.db import make_engine
from userdata.migrate import upgrade
from userdata.repository import UserDataRepository


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("USERDATA_KEY", "test-key")
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'userdata.db'}"
    else:
        engine = request.getfixturevalue("postgres_engine")
        yield url_of(engine)


@pytest.fixture()
def clock() -> Clock:
    return Clock(START)


@pytest.fixture()
def store(store_url: str, clock: Clock) -> UserDataRepository:
    upgrade(store_url)
    return UserDataRepository(make_engine(store_url), clock)
