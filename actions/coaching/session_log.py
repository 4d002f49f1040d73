"""The session log: "done, it's a 3 now" after the steps, and what a session that felt worse changes.

When exercise steps are shown, `open_session_events` notes what the session is (area,
exercise, tool, the pain before it when the person gave one) in the `open_session` slot. A
report ("done", "finished, it's a 3 now", "that helped", "no change", "worse") logs one entry in
the user-data store and closes it:

- better / same: a short acknowledgement with the numbers;
- worse (said so, or pain went up): the knowledge store's advice for the rule
  `persistent_or_worsening` (stop; see a professional if it lasts). The next time that area is
  asked for within WORSE_HOLDS, the screening refers instead of clearing (actions/screening/form.py);
- a bare "done": how does it feel now? (buttons), and the session stays open.

A report with no open session, or a pain outside 0-10, gets a clear reply and stores nothing.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, Dict, List, Optional, Sequence

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.coaching.progress import start_button
from actions.plumbing.context import remember
from actions.plumbing.knowledge_access import CoachAction, Events
from actions.plumbing.replying import Wording, payload, send
from actions.plumbing.tracker_reading import entity_values, first_entity, latest_text
from actions.plumbing.userdata_access import person, with_userdata
from actions.screening.checklist import area_names
from actions.screening.policy import red_flag_rules
from actions.screening.state import POSSIBLE_ENTITY
from knowledge.repository import KnowledgeRepository
from replies.model import Button, Reply
from userdata.repository import UserDataRepository

OPEN_SLOT = "open_session"
WORSE_SLOT = "worse_areas"
WORSE_RULE = "persistent_or_worsening"
#: after a session that felt worse, the area is referred for this long (then screened as usual)
WORSE_HOLDS = timedelta(days=14)
FEELINGS = ("better", "same", "worse")
#: the context kind after "how does it feel now?": a pain level typed next is its answer
RATING_ASKED = "session_rating"
_OUT_OF_RANGE = re.compile(r"(?<![\d.])(?:-\s*\d+|1[1-9]|[2-9]\d|\d{3,})\s*(?:/|out\s+of)\s*10\b|\bminus\s+\d+\b", re.I)


def pain_number(value: Any) -> Optional[int]:
    return int(value) if isinstance(value, str | int) and str(value).isdigit() and 0 <= int(value) <= 10 else None


def open_session_events(tracker: Tracker, exercise: str, area: str, tool: str) -> List[Dict[str, Any]]:
    """The session the steps just shown start: what to log when the person reports back."""
    value = {"exercise": exercise, "area": area, "tool": tool, "pain_before": pain_number(tracker.get_slot("pain_level"))}
    return [SlotSet(OPEN_SLOT, value)]


def feeling_of(tracker: Tracker, before: Optional[int], after: Optional[int]) -> Optional[str]:
    """How it felt: said so, a red flag for worsening, or read from the numbers."""
    said = first_entity(tracker, "feeling")
    if said in FEELINGS:
        return said
    if WORSE_RULE in red_flag_rules(tracker):
        return "worse"
    if before is not None and after is not None:
        return "better" if after < before else "worse" if after > before else "same"
    return None


def worse_areas(store: UserDataRepository, channel: str, sender_id: str, areas: Sequence[str]) -> List[str]:
    """Areas whose last logged session felt worse, within WORSE_HOLDS."""
    now = store.clock()
    found = []
    for area in areas:
        last = store.last_session(channel, sender_id, area)
        if last and last.feeling == "worse" and now - last.logged_at <= WORSE_HOLDS:
            found.append(area)
    return found


def _pain_text(wording: Wording, before: Optional[int], after: Optional[int]) -> str:
    if before is not None and after is not None:
        return wording("utter_pain_change", before=before, after=after)
    if after is not None:
        return wording("utter_pain_now", after=after)
    return ""


class ActionLogSession(CoachAction):
    """Logs the open session with how it felt (see the module docstring)."""

    NAME = "action_log_session"

    async def do(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> Events:
        if _OUT_OF_RANGE.search(latest_text(tracker)):
            dispatcher.utter_message(response="utter_session_pain_range")
            return []
        session = tracker.get_slot(OPEN_SLOT)
        if not isinstance(session, dict) and first_entity(tracker, POSSIBLE_ENTITY):
            # "my hip feels a bit numbish after rolling it", with no session open: a possible sign
            # to ask about before anything else, as the hands-on gate does
            return [FollowupAction("action_request_hands_on")]
        if not isinstance(session, dict):
            send(dispatcher, Reply(kind="session_none", intro=wording("utter_session_none"), buttons=(start_button(wording),)))
            return []
        pains = [p for p in (pain_number(v) for v in entity_values(tracker, "pain_level")) if p is not None]
        before = pains[0] if len(pains) >= 2 else pain_number(session.get("pain_before"))
        after = pains[-1] if pains else None
        feeling = feeling_of(tracker, before, after)
        about = {k: session.get(k) for k in ("exercise", "area", "tool")}
        if feeling is None and after is None:  # a bare "done": ask how it feels, keep it open
            send(dispatcher, self._how_does_it_feel(wording))
            # a typed answer ("about a 3") comes back here through the gate (actions/advice/hands_on.py)
            return remember(RATING_ASKED, [], **about)

        def log(store: UserDataRepository) -> Events:
            channel, sender_id = person(tracker)
            store.log_session(channel, sender_id, **about, pain_before=before, pain_after=after, feeling=feeling)
            send(dispatcher, self._logged_reply(repo, wording, about["area"], feeling, before, after))
            return [SlotSet(OPEN_SLOT, None), SlotSet("pain_level", None if after is None else str(after))]

        return await with_userdata(self.name(), dispatcher, log)

    @staticmethod
    def _how_does_it_feel(wording: Wording) -> Reply:
        return Reply(
            kind="session_rating",
            intro=wording("utter_session_how_now"),
            buttons=tuple(Button(wording(f"utter_button_feel_{f}"), payload("report_session", feeling=f)) for f in FEELINGS),
        )

    @staticmethod
    def _logged_reply(
        repo: KnowledgeRepository,
        wording: Wording,
        area: Optional[str],
        feeling: Optional[str],
        before: Optional[int],
        after: Optional[int],
    ) -> Reply:
        name = (area_names(repo, [area])[0] if area else wording("utter_this_area")).lower()
        numbers = _pain_text(wording, before, after)
        progress = Button(wording("utter_button_progress"), payload("ask_progress"))
        if feeling == "worse":
            rule = repo.safety_rule(WORSE_RULE)
            return Reply(
                kind="session_worse",
                intro=wording("utter_session_worse", area=name, numbers=numbers),
                bullets=(rule.advice,) if rule else (),
                outro=wording("utter_session_worse_see", see=rule.see) if rule and rule.see else None,
                data={"feeling": "worse", "rule": WORSE_RULE, "area": area},
            )
        response = "utter_session_better" if feeling == "better" else "utter_session_same"
        buttons = [progress, Button(wording("utter_button_remind"), payload("set_reminder"))]
        if feeling == "same":
            buttons.insert(0, Button(wording("utter_button_another"), payload("next_exercise")))
        return Reply(
            kind="session_logged",
            intro=wording(response, area=name, numbers=numbers),
            buttons=tuple(buttons),
            data={"feeling": feeling, "area": area, "pain_before": before, "pain_after": after},
        )
