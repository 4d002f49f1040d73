"""The safety levels, the named thresholds, and how a referral or an emergency is worded.

Levels rank clear < caution < refer < urgent < emergency. Refer (see a clinician first), urgent
(a GP or urgent care today) and emergency (the emergency number now) block hands-on advice for
the rest of the conversation (unless the referral came from a checklist answer and the person
answers the checklist again, see actions/screening/form.py).

Every referral and emergency reply is whole sentences from the store: the rule's advice, where
to go (one destination, one timescale, from the rule), and the not-a-clinician line; the rules'
names are the title, never spliced into a sentence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, List, Optional, Sequence

from rasa_sdk import Tracker

from actions.plumbing.replying import Wording, payload, send
from knowledge.repository import KnowledgeRepository
from replies.model import Reply

if TYPE_CHECKING:
    from knowledge.schema import SafetyRule

LEVELS = ("clear", "caution", "refer", "urgent", "emergency")
BLOCKING = ("refer", "urgent", "emergency")
OUTCOME_SLOT = "screening_outcome"
REASONS_SLOT = "screening_reasons"
STATED_SLOT = "stated_flags"  # safety rules the person stated themselves (never cleared by re-answering)

#: pain (0-10) from which the screening refers (rule severe_persistent_pain), however it was
#: given: a typed "9/10" is caught by the red-flag detector, a rating slot from earlier here
SEVERE_FROM_PAIN = 8
SEVERE_PAIN_RULE = "severe_persistent_pain"
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
    """Safety rule ids the red-flag detector (or a red-flag button) put in the latest message.
    A value that is not text (a forged payload) is kept as "unknown", never dropped: it must not
    clear the screening (see `known_or_unsure`)."""
    entities = tracker.latest_message.get("entities") or []
    values = [e.get("value") for e in entities if e.get("entity") == "red_flag"]
    return list(dict.fromkeys(v if isinstance(v, str) and v else UNKNOWN_RULE for v in values))


#: what an unknown red-flag code stands for: not a sign the store knows, and never a clear
UNKNOWN_RULE = "checklist_unsure"


def known_or_unsure(repo: KnowledgeRepository, rule_ids: Iterable[str]) -> List[str]:
    """The rule ids, with any the store does not know read as "not sure" (which refers)."""
    return list(dict.fromkeys(r if repo.safety_rule(r) else UNKNOWN_RULE for r in rule_ids))


def _rules(repo: KnowledgeRepository, rule_ids: Iterable[str]) -> List[SafetyRule]:
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
    """The referral, same-day or emergency message for these safety rules (the most serious first).

    `still`: a later hands-on request after the referral; `can_reanswer`: the referral came
    from a checklist answer, so the person may answer the checklist again.
    """
    rules = _rules(repo, rule_ids)
    opening = [wording("utter_referral_still_applies")] if still else []
    if level == "emergency":
        urgent = [r for r in rules if r.level == "emergency"] or rules
        top = urgent[0] if urgent else None
        advice = top.advice if top else wording("utter_emergency_default")
        return Reply(
            kind="emergency",
            title=top.name if top else None,
            intro=" ".join([*opening, advice, wording("utter_emergency"), wording("utter_not_a_clinician")]),
            data={"level": "emergency", "rules": [r.id for r in urgent]},
        )
    shown = [r for r in rules if r.level == level] or rules
    top = shown[0] if shown else None
    advice = top.advice if top else wording("utter_advice_default")
    see = wording("utter_see", see=top.see if top and top.see else wording("utter_see_default"))
    buttons = (wording.button("utter_button_reanswer", payload("correct_answer")),) if can_reanswer else ()
    return Reply(
        kind="referral",
        title=" · ".join(r.name for r in shown[:2]) or None,
        intro=" ".join([*opening, advice, see, wording("utter_not_a_clinician")]),
        buttons=buttons,
        data={"level": level if level in BLOCKING else "refer", "rules": [r.id for r in rules]},
    )


def conditional_emergency(repo: KnowledgeRepository, rule_id: str, template: str, wording: Wording) -> Reply:
    """A possible emergency, worded conditionally ("If this is happening to you now: call...")."""
    rule = repo.safety_rule(rule_id)
    advice = rule.advice if rule else wording("utter_emergency_default")
    return Reply(
        kind="emergency",
        title=rule.name if rule else None,
        intro=" ".join([template.replace("{advice}", advice), wording("utter_not_a_clinician")]),
        data={"level": "emergency", "rules": [rule_id], "conditional": True},
    )


def emergency_stands(dispatcher: Any, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> bool:
    """After an emergency, advice on how to roll ("should I keep rolling?", "how long per spot?")
    repeats the emergency instead: True when it did."""
    if tracker.get_slot(OUTCOME_SLOT) != "emergency":
        return False
    send(dispatcher, referral_reply(repo, wording, tracker.get_slot(REASONS_SLOT) or [], "emergency", still=True))
    return True


def referral_stands(dispatcher: Any, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> bool:
    """After any referral (or an emergency), how much or how long to roll ("should I keep
    rolling?", "how often?") is hands-on advice: the referral is repeated instead. True when it was."""
    outcome = tracker.get_slot(OUTCOME_SLOT)
    if not is_blocking(outcome):
        return False
    stated = [r for r in tracker.get_slot(STATED_SLOT) or [] if r]
    reasons = tracker.get_slot(REASONS_SLOT) or []
    send(dispatcher, referral_reply(repo, wording, reasons, outcome, still=True, can_reanswer=not stated))
    return True
