"""How tests read the bot's replies: by the structured reply's `kind`, never by wording."""

from __future__ import annotations

from typing import Any, Dict, List, Optional


def text_of(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def kinds(messages: List[Dict[str, Any]]) -> List[str]:
    return [str((m.get("custom") or {}).get("kind")) for m in messages if m.get("custom")]


def reply(messages: List[Dict[str, Any]], kind: str) -> Optional[Dict[str, Any]]:
    return next((m["custom"] for m in messages if (m.get("custom") or {}).get("kind") == kind), None)


def is_referral(messages: List[Dict[str, Any]]) -> bool:
    return "referral" in kinds(messages)


def is_emergency(messages: List[Dict[str, Any]]) -> bool:
    return "emergency" in kinds(messages)


def has_instructions(messages: List[Dict[str, Any]]) -> bool:
    """Hands-on steps: an exercise or a routine."""
    return bool({"exercise", "routine"} & set(kinds(messages)))


def is_checklist(messages: List[Dict[str, Any]]) -> bool:
    return "checklist" in kinds(messages)


def responses(tracker: Dict[str, Any]) -> List[str]:
    """The domain responses the bot said, in order: the `utter_action` of the tracker's bot events."""
    said = [(e.get("metadata") or {}).get("utter_action") for e in tracker.get("events") or [] if e.get("event") == "bot"]
    return [str(name) for name in said if name]


def payloads(messages: List[Dict[str, Any]]) -> List[str]:
    return [b["payload"] for m in messages for b in m.get("buttons") or []]
