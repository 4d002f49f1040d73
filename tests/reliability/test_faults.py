"""Action server down: a short friendly message, no stack trace, and the conversation works
again once the action server is back."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
import yaml

from channels.guard import NO_REPLY_TEXT
from tests.e2e.replies import is_checklist, text_of
from tests.servers import ROOT, action_server, base_env, free_port, rasa_server, say, sqlite_tracker, write_endpoints

pytestmark = pytest.mark.e2e
DEFAULT_REPLY = yaml.safe_load((ROOT / "domain" / "core.yml").read_text())["responses"]["utter_default"][0]["text"]


@dataclass
class Stack:
    url: str
    action_port: int
    workdir: Path


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """One Rasa server for the module; each test starts (and stops) its own action server on the
    action endpoint's port, so every test begins with no action server."""
    workdir = tmp_path_factory.mktemp("faults")
    action_port, rasa_port = free_port(), free_port()
    endpoints = write_endpoints(workdir, action_port, sqlite_tracker(workdir))
    rasa = rasa_server(workdir, rasa_port, endpoints, base_env()).start()
    try:
        yield Stack(rasa.url, action_port, workdir)
    finally:
        rasa.stop()


def test_action_server_down_then_back(stack: Stack) -> None:
    actions = action_server(stack.workdir, stack.action_port, base_env())
    try:
        down = say(stack.url, "fault-user", "my lower back hurts")
        # Rasa's core fallback answers with utter_default; if nothing at all came back the
        # REST channel apologises (channels/guard.py): either way short and friendly
        assert text_of(down) in (NO_REPLY_TEXT, DEFAULT_REPLY)
        assert "Traceback" not in str(down)
        actions.start()
        back = say(stack.url, "fault-user", "my lower back hurts")
        assert is_checklist(back), text_of(back)
    finally:
        actions.stop()
