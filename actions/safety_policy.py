"""The safety vocabulary actions share: level order, the reminder line, referral wording."""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

from rasa_sdk import Tracker

from knowledge.repository import KnowledgeRepository
from knowledge.views import SafetyRuleView

LEVELS = ("clear", "caution", "refer", "emergency")
BLOCKING = ("refer", "emergency")
REMINDER = (
    "stay at about 5-6/10 discomfort, breathe slowly, keep off bone and the spine, "
    "and stop at any sharp, shooting or tingling pain."
)
OUTCOME_SLOT = "screening_outcome"
REASONS_SLOT = "screening_reasons"


def worst(levels: Iterable[Optional[str]]) -> str:
    """The most serious of `levels` ("clear" when there are none)."""
    ranked = [LEVELS.index(level) for level in levels if level in LEVELS]
    return LEVELS[max(ranked)] if ranked else "clear"


def is_blocking(level: Optional[str]) -> bool:
    return level in BLOCKING


def red_flag_rules(tracker: Tracker) -> List[str]:
    """Safety rule ids the red-flag detector found in the latest message."""
    entities = tracker.latest_message.get("entities") or []
    return list(dict.fromkeys(str(e["value"]) for e in entities if e.get("entity") == "red_flag"))


def referral_kwargs(repo: KnowledgeRepository, rule_ids: Iterable[str]) -> Dict[str, Any]:
    """Template values for utter_refer / utter_emergency from the most serious rule."""
    rules: List[SafetyRuleView] = [r for r in (repo.safety_rule(i) for i in rule_ids) if r]
    if not rules:
        return {
            "reason": "what you told me",
            "advice": "Self-massage isn't the right first step here.",
            "see": "a physical therapist or sports medicine doctor",
        }
    rules.sort(key=lambda r: LEVELS.index(r.level), reverse=True)
    top = rules[0]
    names = [r.name[0].lower() + r.name[1:] for r in rules[:2]]
    return {
        "reason": " and ".join(names),
        "advice": top.advice,
        "see": top.see or "a physical therapist or sports medicine doctor",
    }
