"""rasa-sdk style helpers: build a Tracker from slots and a latest message, run an action."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.plumbing.replying import Wording
from actions.plumbing.userdata_access import conversations, userdata
from replies.model import Reply
from tests.clock import Clock
from userdata.db import make_engine
from userdata.migrate import upgrade
from userdata.repository import UserDataRepository

ROOT = Path(__file__).resolve().parents[2]


def load_domain() -> Dict[str, Any]:
    """The merged domain as the action server receives it (slots, forms, responses)."""
    merged: Dict[str, Any] = {"slots": {}, "forms": {}, "responses": {}, "intents": [], "entities": [], "actions": []}
    for path in sorted((ROOT / "domain").glob("*.yml")):
        data = yaml.safe_load(path.read_text()) or {}
        for key in ("slots", "forms", "responses"):
            merged[key].update(data.get(key) or {})
        if "session_config" in data:
            merged["session_config"] = data["session_config"]
        for key in ("intents", "entities", "actions"):
            merged[key] += data.get(key) or []
    return merged


DOMAIN = load_domain()


def make_tracker(
    slots: Optional[Dict[str, Any]] = None,
    text: str = "",
    intent: str = "inform",
    entities: Optional[List[Dict[str, Any]]] = None,
    active_loop: Optional[str] = None,
    events: Optional[List[Dict[str, Any]]] = None,
    channel: str = "rest",
    confidence: float = 1.0,
) -> Tracker:
    all_slots = {name: None for name in DOMAIN["slots"]}
    all_slots["requested_slot"] = None
    all_slots.update(slots or {})
    latest = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": entities or []}
    history = list(events or []) + [{"event": "user", "text": text, "parse_data": latest, "input_channel": channel}]
    return Tracker(
        sender_id="test-user",
        slots=all_slots,
        latest_message=latest,
        events=history,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def entity(name: str, value: str, start: int = 0) -> Dict[str, Any]:
    return {"entity": name, "value": value, "start": start, "end": start + len(value)}


def replies(dispatcher: CollectingDispatcher) -> List[Reply]:
    """The structured replies the action sent, in order."""
    return [r for r in (Reply.from_json(m.get("custom")) for m in dispatcher.messages) if r is not None]


def reply_of(dispatcher: CollectingDispatcher, kind: str) -> Reply:
    found = [r for r in replies(dispatcher) if r.kind == kind]
    assert found, f"no {kind!r} reply in {[r.kind for r in replies(dispatcher)]}"
    return found[0]


def wording() -> Wording:
    return Wording(DOMAIN)


@pytest.fixture()
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture()
def domain() -> Dict[str, Any]:
    return DOMAIN


@pytest.fixture(autouse=True)
def user_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[UserDataRepository]:
    """Every action test gets an empty, migrated user-data store with a clock it controls."""
    url = f"sqlite:///{tmp_path / 'userdata.db'}"
    monkeypatch.setenv("USERDATA_URL", url)
    monkeypatch.setenv("USERDATA_KEY", "test-key")
    upgrade(url)
    store = UserDataRepository(make_engine(url), Clock())
    monkeypatch.setattr(UserDataRepository, "from_env", classmethod(lambda cls, clock=None: store))
    # no tracker store: an export holds the tracker's events (never the checkout's var/tracker.db)
    monkeypatch.setenv("RASA_ENDPOINTS", str(tmp_path / "no-endpoints.yml"))
    userdata.cache_clear()
    conversations.cache_clear()
    yield store
    userdata.cache_clear()
    conversations.cache_clear()
