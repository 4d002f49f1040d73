"""End-to-end fixtures: the trained model served by `rasa run` with the real action server.

One Rasa server and one action server per test session, on free local ports, with a
throw-away SQLite tracker store. Tests talk to them over HTTP like a channel would.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from tests import servers
from tests.servers import action_server, base_env, free_port, rasa_server, sqlite_tracker, write_endpoints


@dataclass
class Bot:
    url: str
    action_url: str
    knowledge_db_url: str
    workdir: Path  # the throw-away stores: tracker.db, userdata.db

    def say(self, sender: str, text: str) -> List[Dict[str, Any]]:
        return servers.say(self.url, sender, text)

    def tracker(self, sender: str) -> Dict[str, Any]:
        return servers.tracker(self.url, sender)

    @staticmethod
    def new_sender() -> str:
        return f"e2e-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def bot_cors_origins() -> List[str]:
    """Origins passed to `rasa run --cors` (none here); a suite serving a page overrides this fixture."""
    return []


@pytest.fixture(scope="session")
def bot(tmp_path_factory: pytest.TempPathFactory, knowledge_db_url: str, bot_cors_origins: List[str]) -> Iterator[Bot]:
    workdir = tmp_path_factory.mktemp("bot")
    action_port, rasa_port = free_port(), free_port()
    env = base_env(DATABASE_URL=knowledge_db_url)
    endpoints = write_endpoints(workdir, action_port, sqlite_tracker(workdir))
    actions = action_server(workdir, action_port, {**env, "RASA_URL": f"http://127.0.0.1:{rasa_port}"}).launch()
    rasa = rasa_server(workdir, rasa_port, endpoints, env, cors=bot_cors_origins).launch()
    try:
        actions.wait_ready()
        rasa.wait_ready()
        yield Bot(rasa.url, actions.url, knowledge_db_url, workdir)
    finally:
        rasa.stop()
        actions.stop()
