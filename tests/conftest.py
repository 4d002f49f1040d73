"""Shared fixtures: the knowledge repository over the real content, the bot, and service URLs.

Tests that need PostgreSQL (or other services) skip locally when the service is absent,
but fail when CI=true: CI machines always run them.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Generator, Iterator, List

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from knowledge.repository import KnowledgeRepository
from settings import settings
from tests.servers import Bot, action_server, base_env, free_port, rasa_server, sqlite_tracker, write_endpoints
from userdata.db import make_engine

if TYPE_CHECKING:  # the fixtures import it when used: it loads Rasa, which most tests never need
    from components.red_flags import RedFlagMatcher

ROOT = Path(__file__).resolve().parent.parent
ON_CI = os.environ.get("CI", "").lower() == "true"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """settings() reads the environment once per process: each test reads it afresh, after
    its own monkeypatch.setenv (autouse fixtures run before the fixtures a test asks for)."""
    settings.cache_clear()
    yield
    settings.cache_clear()


def require_service(reason: str) -> None:
    """Skip locally, fail on CI: a missing service must never pass silently there."""
    if ON_CI:
        pytest.fail(f"required service unavailable on CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def repo() -> KnowledgeRepository:
    """The repository the actions use: knowledge/content/, loaded once per process."""
    return KnowledgeRepository.shared()


def fresh_postgres() -> Generator[Engine, None, None]:
    """A fresh, empty PostgreSQL database, dropped afterwards (or when the generator is closed)."""
    admin_url = os.environ.get("TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL
    admin = make_engine(admin_url).execution_options(isolation_level="AUTOCOMMIT")
    name = f"tpc_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))  # name is generated above, not user input
    except Exception as exc:  # noqa: BLE001 - any connection failure means "service missing"
        admin.dispose()
        require_service(f"PostgreSQL at {admin_url} unavailable: {exc}")
    engine = make_engine(admin.url.set(database=name).render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture()
def postgres_engine() -> Iterator[Engine]:
    yield from fresh_postgres()


@pytest.fixture(scope="module")
def module_postgres() -> Iterator[Engine]:
    """The same, shared by a module's tests (servers that several tests talk to)."""
    yield from fresh_postgres()


@pytest.fixture(scope="session")
def page_origin() -> str:
    """Where tests/browser serves the demo page; the bot lets this origin's socket in."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="session")
def bot_cors_origins(page_origin: str) -> List[str]:
    return [page_origin]


@pytest.fixture(scope="session")
def bot(tmp_path_factory: pytest.TempPathFactory, bot_cors_origins: List[str]) -> Iterator[Bot]:
    """One Rasa server and one action server for the whole session (tests/e2e, tests/browser), on
    free local ports, with a throw-away SQLite tracker store. Tests talk to it over HTTP like a
    channel, each as a new sender; suites that restart or break servers start their own."""
    workdir = tmp_path_factory.mktemp("bot")
    action_port, rasa_port = free_port(), free_port()
    env = base_env()
    endpoints = write_endpoints(workdir, action_port, sqlite_tracker(workdir))
    # the action server reads whole conversations (data exports) from the same tracker store
    actions_env = {**env, "RASA_URL": f"http://127.0.0.1:{rasa_port}", "RASA_ENDPOINTS": str(endpoints)}
    actions = action_server(workdir, action_port, actions_env).launch()
    public = {"RASA_PUBLIC_URL": f"http://127.0.0.1:{rasa_port}"}  # the widget's export links
    rasa = rasa_server(workdir, rasa_port, endpoints, {**env, **public}, cors=bot_cors_origins).launch()
    try:
        actions.wait_ready()
        rasa.wait_ready()
        yield Bot(rasa.url, actions.url, workdir)
    finally:
        rasa.stop()
        actions.stop()


@pytest.fixture(scope="session")
def red_flag_vocabulary() -> dict:
    """The red-flag detector's vocabulary with its speller, as training builds it (once per session)."""
    from components.entity_extractor import knowledge_vocabulary
    from components.red_flags import RedFlagDetector, detector_vocabulary, knowledge_red_flags

    return RedFlagDetector.with_speller(detector_vocabulary(knowledge_red_flags(), knowledge_vocabulary()))


@pytest.fixture(scope="session")
def rule_matcher(red_flag_vocabulary: dict) -> RedFlagMatcher:
    """The red-flag detector's rules alone (no learned backstop)."""
    from components.red_flags import RedFlagDetector, RedFlagMatcher

    return RedFlagMatcher(red_flag_vocabulary, RedFlagDetector.speller_of(red_flag_vocabulary))


@pytest.fixture(scope="session")
def detector(red_flag_vocabulary: dict) -> RedFlagMatcher:
    """The whole detector as the bot runs it: the rules of the working tree, then the learned
    backstop of the trained model (models/LATEST: `make test` trains first when anything it is
    trained from changed) with the thresholds it was trained with."""
    from bench.safety_batch import model_parts
    from components.red_flags import RedFlagDetector, RedFlagMatcher
    from tests.servers import model_path

    _, backstop, possible_from, certain_from = model_parts(model_path())
    speller = RedFlagDetector.speller_of(red_flag_vocabulary)
    return RedFlagMatcher(red_flag_vocabulary, speller, backstop, possible_from, certain_from)
