"""What the latest message says in answer to the checklist: never a guess.

Buttons are read as sent. A typed answer is read by components.answers.read_answer; the
intent classifier (trained on affirm / deny / unsure) can only veto a "no" it disagrees with,
which then becomes "is that a yes or a no?". A message that is not an answer at all (a
question, a new request) is an aside: the form lets the rules answer it, then asks again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Sequence

from rasa_sdk import Tracker

from actions.advice.questions import QUESTION_INTENTS
from actions.plumbing.tracker_reading import latest_intent, latest_text
from actions.screening.checklist import ITEM_ENTITY
from components.answers import CORRECTION, NO, UNSURE, YES, read_answer

if TYPE_CHECKING:
    from knowledge.schema import ChecklistItem

#: requests noted during the screening (action_note_request), then the list comes again
NOTED_REQUESTS = ("report_pain", "ask_exercise", "ask_routine", "inform")
#: intents that have their own rule during the screening (data/rules/screening.yml; restart has
#: Rasa's own): a message of one of these that is not a readable answer is answered by that rule,
#: then the list comes again. Any other unreadable message gets "is that a yes or a no?".
ASIDE_INTENTS = frozenset({*QUESTION_INTENTS, *NOTED_REQUESTS, "ask_why", "stop", "export_data", "delete_data", "restart"})
#: requests that work at any point of the checklist (issue #21): said plainly ("hang on, can I get a
#: copy of my data", "stop, I've changed my mind"), they are not a correction or an unclear answer,
#: whatever words they share with one. A clear yes or no is still read as the answer.
INTERRUPTIONS = frozenset({"stop", "export_data", "delete_data", "restart", "help"})
INTERRUPTION_CONFIDENCE = 0.8
#: a "no" is vetoed when the classifier says one of these with at least this confidence
VETO = {"affirm": 0.5, "unsure": 0.5}
BUTTON_ANSWERS = {"affirm": YES, "deny": NO, "unsure": UNSURE, "correct_answer": CORRECTION}

ASIDE, UNCLEAR, ITEM = "aside", "unclear", "item"


@dataclass(frozen=True)
class Reading:
    """kind: yes | no | unsure | correction | item | unclear | aside; item: the chosen item's id."""

    kind: str
    item: Optional[str] = None


def _intent_confidence(tracker: Tracker) -> float:
    return float((tracker.latest_message.get("intent") or {}).get("confidence") or 0.0)


def _chosen_item(tracker: Tracker, items: Sequence[ChecklistItem]) -> Optional[str]:
    ids = {item.id for item in items}
    for entity in tracker.latest_message.get("entities") or []:
        value = entity.get("value")  # a forged payload may carry any JSON here: only a known id counts
        if entity.get("entity") == ITEM_ENTITY and isinstance(value, str) and value in ids:
            return value
    return None


def read_turn(tracker: Tracker, items: Sequence[ChecklistItem]) -> Reading:
    """The latest message as an answer to the checklist whose shown items are `items`."""
    intent = latest_intent(tracker) or ""
    text = latest_text(tracker)
    chosen = _chosen_item(tracker, items)
    if chosen:
        return Reading(ITEM, chosen)
    if text.startswith("/"):  # a button: exactly what it says
        tapped = BUTTON_ANSWERS.get(intent)
        return Reading(tapped) if tapped else Reading(ASIDE if intent in ASIDE_INTENTS else UNCLEAR)
    answer = read_answer(text)
    if isinstance(answer, int):
        index = len(items) - 1 if answer == -1 else answer - 1
        return Reading(ITEM, items[index].id) if 0 <= index < len(items) else Reading(UNCLEAR)
    if answer == NO and _intent_confidence(tracker) >= VETO.get(intent, 2.0):
        return Reading(UNCLEAR)  # the reader says no, the classifier disagrees: ask
    interrupts = intent in INTERRUPTIONS and _intent_confidence(tracker) >= INTERRUPTION_CONFIDENCE
    if interrupts and answer in (CORRECTION, UNSURE, None):
        return Reading(ASIDE)
    if answer is not None:
        return Reading(answer)
    return Reading(ASIDE) if intent in ASIDE_INTENTS else Reading(UNCLEAR)
