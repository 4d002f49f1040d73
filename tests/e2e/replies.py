"""How tests read the bot's replies (the wording lives in domain/*.yml)."""

from __future__ import annotations

import re
from typing import Any, Dict, List

REFER_MARK = "I won't give hands-on instructions"
STILL_REFER_MARK = "I'll stay off hands-on instructions"
EMERGENCY_MARK = "Please seek urgent care or call your local emergency number now"
_NUMBERED_STEP = re.compile(r"(^|\n)1\. ")


def text_of(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def is_referral(messages: List[Dict[str, Any]]) -> bool:
    text = text_of(messages)
    return REFER_MARK in text or STILL_REFER_MARK in text


def is_emergency(messages: List[Dict[str, Any]]) -> bool:
    return EMERGENCY_MARK in text_of(messages)


def has_instructions(messages: List[Dict[str, Any]]) -> bool:
    """Hands-on steps look like a numbered list and carry the safety line."""
    text = text_of(messages)
    return bool(_NUMBERED_STEP.search(text)) or "Safety:" in text
