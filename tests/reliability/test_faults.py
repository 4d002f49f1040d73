"""Action server down, knowledge DB unreachable: a short friendly message, no stack
trace, and the conversation works again once the service is back."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from channels.guard import NO_REPLY_TEXT
from tests.e2e.replies import is_checklist, text_of
from tests.servers import ROOT, action_server, base_env, free_port, rasa_server, say, sqlite_tracker, write_endpoints

pytestmark = pytest.mark.e2e
DEFAULT_REPLY = yaml.safe_load((ROOT / "domain" / "core.yml").read_text())["responses"]["utter_default"][0]["text"]


def test_action_server_down_then_back(tmp_path: Path, knowledge_db_url: str) -> None:
    env = base_env(DATABASE_URL=knowledge_db_url)
    action_port, rasa_port = free_port(), free_port()
    rasa = rasa_server(tmp_path, rasa_port, write_endpoints(tmp_path, action_port, sqlite_tracker(tmp_path)), env).start()
    url = f"http://127.0.0.1:{rasa_port}"
    actions = action_server(tmp_path, action_port, env)
    try:
        down = say(url, "fault-user", "my lower back hurts")
        # Rasa's core fallback answers with utter_default; if nothing at all came back the
        # REST channel apologises (channels/guard.py): either way short and friendly
        assert text_of(down) in (NO_REPLY_TEXT, DEFAULT_REPLY)
        assert "Traceback" not in str(down)
        actions.start()
        back = say(url, "fault-user", "my lower back hurts")
        assert is_checklist(back), text_of(back)
    finally:
        rasa.stop()
        actions.stop()


def test_knowledge_db_unreachable_then_back(tmp_path: Path, knowledge_db_url: str) -> None:
    broken = base_env(DATABASE_URL=f"postgresql://postgres@127.0.0.1:{free_port()}/nothing")
    action_port, rasa_port = free_port(), free_port()
    endpoints = write_endpoints(tmp_path, action_port, sqlite_tracker(tmp_path))
    actions = action_server(tmp_path, action_port, broken).start()
    rasa = rasa_server(tmp_path, rasa_port, endpoints, base_env(DATABASE_URL=knowledge_db_url)).start()
    url = f"http://127.0.0.1:{rasa_port}"
    try:
        replies = say(url, "db-user", "which ball for plantar fasciitis")
        assert "can't reach my exercise library" in text_of(replies)
        actions.stop()
        actions = action_server(tmp_path, action_port, base_env(DATABASE_URL=knowledge_db_url)).start()
        assert "Why:" in text_of(say(url, "db-user", "which ball for plantar fasciitis"))
    finally:
        rasa.stop()
        actions.stop()
