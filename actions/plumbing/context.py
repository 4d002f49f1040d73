"""What we last talked about: the state that follow-ups resolve against.

Every answer records, in the `context` slot, what kind of answer it was, the knowledge
entries behind it (for "where is that from?") and the exercise, tool, area or topic it was
about. "how do I use it", "that's too much", "another one", "I can't feel anything" and
"source?" read it back; no action keeps its own notion of "the last thing".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

CONTEXT_SLOT = "context"


@dataclass(frozen=True)
class Context:
    kind: Optional[str] = (
        None  # exercise | routine | recommendation | comparison | tool_info | dosing | facts | care | referral | ...
    )
    entries: Tuple[Tuple[str, str], ...] = ()  # (knowledge kind, entry id)
    exercise: Optional[str] = None
    tool: Optional[str] = None
    area: Optional[str] = None
    topic: Optional[str] = None
    tools: Tuple[str, ...] = field(default_factory=tuple)


def remember(kind: str, entries: Sequence[Tuple[str, str]], **about: Any) -> List[Dict[str, Any]]:
    """The event that records this answer as what we last talked about."""
    value: Dict[str, Any] = {"kind": kind, "entries": [list(e) for e in entries]}
    value.update({k: v for k, v in about.items() if v})
    return [SlotSet(CONTEXT_SLOT, value)]


def recall(tracker: Tracker) -> Context:
    raw = tracker.get_slot(CONTEXT_SLOT)
    if not isinstance(raw, dict):
        return Context()
    entries = tuple((str(k), str(i)) for k, i in (raw.get("entries") or []) if k and i)
    about = {name: raw.get(name) for name in ("kind", "exercise", "tool", "area", "topic")}
    return Context(entries=entries, tools=tuple(raw.get("tools") or ()), **about)
