"""Small readers for what the latest user message said (entities in order, intent)."""

from __future__ import annotations

from typing import List, Optional

from rasa_sdk import Tracker


def entity_values(tracker: Tracker, entity: str) -> List[str]:
    """Distinct values of `entity` in the latest message, in the order they were said."""
    entities = sorted(tracker.latest_message.get("entities") or [], key=lambda e: e.get("start") or 0)
    return list(dict.fromkeys(str(e["value"]) for e in entities if e.get("entity") == entity))


def first_entity(tracker: Tracker, entity: str) -> Optional[str]:
    values = entity_values(tracker, entity)
    return values[0] if values else None


def latest_intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def input_channel(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or "rest"
