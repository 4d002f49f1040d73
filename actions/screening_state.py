"""The screening's state: when it is needed, which checklist items it shows, what it resets.

The screening module owns these slots; the hands-on gate only asks `scope_needed` and
starts a screening with `start_events`:

- `checklist_answer` (yes | unsure) and `checklist_item` (an item id): the form's two slots;
- `checklist_scope` (general | area) and `checklist_areas`: which items the current
  checklist shows (all of them, or only the area items for newly named areas);
- `screening_outcome`, `screening_reasons`, `stated_flags`, `screened_areas`, `screened_at`:
  the result, written only by validate_screening_form.

A screening is needed before the first hands-on advice; again, with only the area items, for
a newly named area or one whose last logged session felt worse (`worse_areas`, set by the
hands-on gate; that screening refers, see actions/screening.py); and in full after
SCREENING_VALID_DAYS days.
"""

from __future__ import annotations

import os
import time
from typing import Any, Dict, List, Optional, Sequence, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions.safety_policy import OUTCOME_SLOT
from knowledge.views import ChecklistItemView, ChecklistView

DEFAULT_VALID_DAYS = 7
ANSWER_SLOT = "checklist_answer"
ITEM_SLOT = "checklist_item"
SCOPE_SLOT = "checklist_scope"
AREAS_SLOT = "checklist_areas"
SCREENED_AREAS_SLOT = "screened_areas"
SCREENED_AT_SLOT = "screened_at"
GENERAL, AREA = "general", "area"


def valid_days() -> float:
    """How long a screening stays valid (env SCREENING_VALID_DAYS, default 7)."""
    try:
        return float(os.environ.get("SCREENING_VALID_DAYS", DEFAULT_VALID_DAYS))
    except ValueError:
        return DEFAULT_VALID_DAYS


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
        SlotSet(ANSWER_SLOT, None),
        SlotSet(ITEM_SLOT, None),
        SlotSet(SCOPE_SLOT, scope),
        SlotSet(AREAS_SLOT, list(areas)),
    ]


def shown_items(tracker: Tracker, checklist: ChecklistView) -> Tuple[ChecklistItemView, ...]:
    """The items the current checklist shows, in order."""
    areas = tuple(tracker.get_slot(AREAS_SLOT) or tracker.get_slot("areas_in_focus") or [])
    return checklist.for_areas(areas, area_only=tracker.get_slot(SCOPE_SLOT) == AREA)
