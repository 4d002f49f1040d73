"""The safety levels, the named thresholds, and how a referral or an emergency is worded.

Levels rank clear < caution < refer < emergency. Refer and emergency block hands-on advice
for the rest of the conversation (unless the referral came from a checklist answer and the
person answers the checklist again, see actions/screening.py).
"""

from __future__ import annotations

from typing import Iterable, List, Optional, Sequence

from rasa_sdk import Tracker

from actions.replying import Wording, payload
from knowledge.repository import KnowledgeRepository
from knowledge.views import SafetyRuleView
from replies.model import Button, Reply

LEVELS = ("clear", "caution", "refer", "emergency")
BLOCKING = ("refer", "emergency")
OUTCOME_SLOT = "screening_outcome"
REASONS_SLOT = "screening_reasons"
STATED_SLOT = "stated_flags"  # safety rules the person stated themselves (never cleared by re-answering)

#: pain (0-10) from which a clear screening becomes a gentle (caution) session
GENTLE_FROM_PAIN = 8
#: pain from which the ball recommendation treats the person as sensitive
SENSITIVE_FROM_PAIN = 7


def worst(levels: Iterable[Optional[str]]) -> str:
    """The most serious of `levels` ("clear" when there are none)."""
    ranked = [LEVELS.index(level) for level in levels if level in LEVELS]
    return LEVELS[max(ranked)] if ranked else "clear"


def is_blocking(level: Optional[str]) -> bool:
    return level in BLOCKING


def pain_at_least(value: object, threshold: int) -> bool:
    """`value` is a pain level (0-10, as slot text) at or above `threshold`."""
    return isinstance(value, str | int) and str(value).isdigit() and int(value) >= threshold


def red_flag_rules(tracker: Tracker) -> List[str]:
    """Safety rule ids the red-flag detector (or a red-flag button) put in the latest message."""
    entities = tracker.latest_message.get("entities") or []
    return list(dict.fromkeys(str(e["value"]) for e in entities if e.get("entity") == "red_flag"))


def _rules(repo: KnowledgeRepository, rule_ids: Iterable[str]) -> List[SafetyRuleView]:
    rules = [r for r in (repo.safety_rule(i) for i in rule_ids) if r]
    return sorted(rules, key=lambda r: LEVELS.index(r.level), reverse=True)


def referral_reply(
    repo: KnowledgeRepository,
    wording: Wording,
    rule_ids: Sequence[str],
    level: str,
    still: bool = False,
    can_reanswer: bool = False,
) -> Reply:
    """The referral or emergency message for these safety rules (the most serious first).

    `still`: a later hands-on request after the referral; `can_reanswer`: the referral came
    from a checklist answer, so the person may answer the checklist again.
    """
    rules = _rules(repo, rule_ids)
    if level == "emergency":
        urgent = [r for r in rules if r.level == "emergency"] or rules
        reason = urgent[0].name[0].lower() + urgent[0].name[1:] if urgent else wording("utter_reason_default")
        return Reply(
            kind="emergency",
            intro=wording("utter_emergency", reason=reason, advice=urgent[0].advice if urgent else ""),
            data={"level": "emergency", "rules": [r.id for r in urgent]},
        )
    names = [r.name[0].lower() + r.name[1:] for r in rules[:2]]
    top = rules[0] if rules else None
    values = {
        "reason": f" {wording('utter_word_and')} ".join(names) if names else wording("utter_reason_default"),
        "advice": top.advice if top else wording("utter_advice_default"),
        "see": (top.see if top and top.see else wording("utter_see_default")),
    }
    buttons = (Button(wording("utter_button_reanswer"), payload("correct_answer")),) if can_reanswer else ()
    return Reply(
        kind="referral",
        intro=wording("utter_referral_still_applies" if still else "utter_refer", **values),
        buttons=buttons,
        data={"level": "refer", "rules": [r.id for r in rules]},
    )
