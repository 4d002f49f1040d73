"""The screening's state: when it is needed, which checklist items it shows, what it resets.

The screening module owns these slots; the hands-on gate only asks `scope_needed` and
starts a screening with `start_events`:

- `flag_check` (the rule asked about), `checklist_answer` (yes | unsure) and `checklist_item`
  (an item id): the form's three steps; `checklist_items`: every item tapped so far (the most
  serious decides); `flags_checked`: possible signs the person answered "no" to;
- `checklist_scope` (general | area | none) and `checklist_areas`: which items the current
  checklist shows (all of them, only the area items for newly named areas, or none when only a
  possible sign has to be asked about);
- `screening_outcome`, `screening_reasons`, `stated_flags`, `screened_areas`, `screened_at`:
  the result, written only by validate_screening_form.

A screening is needed before the first hands-on advice; again, with only the area items, for
a newly named area or one whose last logged session felt worse (`worse_areas`, set by the
hands-on gate; that screening refers, see actions/screening/form.py); in full after
SCREENING_VALID_DAYS days; and, with no list at all, whenever a possible sign the person has not
answered is pending (the red-flag detector's `possible_flag` entities, in any earlier message).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions.screening.policy import LEVELS, OUTCOME_SLOT, STATED_SLOT
from knowledge.views import ChecklistView
from settings import settings

if TYPE_CHECKING:
    from knowledge.schema import ChecklistItem

ANSWER_SLOT = "checklist_answer"
ITEM_SLOT = "checklist_item"
SCOPE_SLOT = "checklist_scope"
AREAS_SLOT = "checklist_areas"
SCREENED_AREAS_SLOT = "screened_areas"
SCREENED_AT_SLOT = "screened_at"
FLAG_SLOT = "flag_check"
CHECKED_SLOT = "flags_checked"
ITEMS_SLOT = "checklist_items"
GENERAL, AREA, NONE = "general", "area", "none"
POSSIBLE_ENTITY = "possible_flag"
QUOTE_CHARACTERS = 80


def valid_days() -> float:
    """How long a screening stays valid, in days (SCREENING_VALID_DAYS)."""
    return settings().screening_valid_days


def scope_needed(
    tracker: Tracker, areas: Sequence[str], now: Optional[float] = None, must_screen: Sequence[str] = ()
) -> Optional[Tuple[str, List[str]]]:
    """(scope, areas the checklist is about) when a screening is needed for `areas`, else None.

    `must_screen`: areas screened again even when already screened (their last session felt worse).
    """
    screened_at = tracker.get_slot(SCREENED_AT_SLOT)
    now = time.time() if now is None else now
    expired = screened_at is None or now - float(screened_at) > valid_days() * 86400
    if expired or tracker.get_slot(OUTCOME_SLOT) is None:
        return GENERAL, list(areas)
    screened = set(tracker.get_slot(SCREENED_AREAS_SLOT) or []) - set(must_screen)
    new = [area for area in areas if area not in screened]
    return (AREA, new) if new else None


def start_events(scope: str, areas: Sequence[str]) -> List[Dict[str, Any]]:
    """Events that start a (new) checklist of `scope` about `areas`."""
    return [
        SlotSet(FLAG_SLOT, None),
        SlotSet(ANSWER_SLOT, None),
        SlotSet(ITEM_SLOT, None),
        SlotSet(ITEMS_SLOT, []),
        SlotSet(SCOPE_SLOT, scope),
        SlotSet(AREAS_SLOT, list(areas)),
    ]


@dataclass(frozen=True)
class PossibleFlag:
    """A possible sign the red-flag detector found, not yet answered: its rule and the words."""

    rule: str
    quote: str


def pending_flags(tracker: Tracker, levels: Dict[str, str]) -> List[PossibleFlag]:
    """Possible signs from any message of the conversation the person has not answered yet,
    the most serious first (`levels`: rule -> level). A rule already stated, or answered "no",
    is not asked again."""
    done = set(tracker.get_slot(CHECKED_SLOT) or []) | set(tracker.get_slot(STATED_SLOT) or [])
    found: Dict[str, PossibleFlag] = {}
    for event in tracker.events:
        if event.get("event") != "user":
            continue
        text = str(event.get("text") or "")
        for entity in (event.get("parse_data") or {}).get("entities") or []:
            rule = entity.get("value")
            if entity.get("entity") != POSSIBLE_ENTITY or not isinstance(rule, str) or rule in done or rule not in levels:
                continue
            start, end = entity.get("start"), entity.get("end")
            whole = not isinstance(start, int) or not isinstance(end, int) or (start == 0 and end >= len(text))
            quote = "" if whole else text[start:end][:QUOTE_CHARACTERS]
            found.setdefault(rule, PossibleFlag(rule, quote))
    rank = {level: i for i, level in enumerate(LEVELS)}
    return sorted(found.values(), key=lambda f: -rank.get(levels[f.rule], 0))


def shown_items(tracker: Tracker, checklist: ChecklistView) -> Tuple[ChecklistItem, ...]:
    """The items the current checklist shows, in order."""
    areas = tuple(tracker.get_slot(AREAS_SLOT) or tracker.get_slot("areas_in_focus") or [])
    return checklist.for_areas(areas, area_only=tracker.get_slot(SCOPE_SLOT) == AREA)
