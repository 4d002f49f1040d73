"""Reminders: set, list, cancel, and the message a due reminder sends.

A reminder is a row in the user-data store, never an in-memory job: the scheduler of the action
server (userdata/scheduler.py) sends each due one through Rasa's `trigger_intent` API as the
intent EXTERNAL_reminder, which `action_send_reminder` answers with the person's usual area.

Absolute times need the person's time zone: the store's, else the one the widget sends in the
message metadata (`timezone`), else the bot asks once ("What time is it for you right now? Or
your city") with `timezone_form`, then schedules the request it kept. A relative time ("in 2
hours") needs none. Bad input gets a clear reply and nothing is stored: a time that does not
exist or has passed, more often than once an hour, an unknown time zone, more than
MAX_ACTIVE reminders.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Sequence
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.coaching import timezones
from actions.coaching.reminder_times import Problem, Request, clock_time, first_local_time, read
from actions.plumbing.knowledge_access import CoachAction, Events
from actions.plumbing.replying import Wording, payload, send
from actions.plumbing.tracker_reading import first_entity, latest_intent, latest_text
from actions.plumbing.userdata_access import person, with_userdata
from actions.screening.checklist import area_names
from knowledge.repository import KnowledgeRepository
from replies.model import Button, Reply
from userdata.repository import ReminderView, UserDataRepository
from userdata.schedule import Schedule

MAX_ACTIVE = 10
PENDING_SLOT = "pending_reminder"
TIMEZONE_SLOT = "timezone_answer"
DAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _clock(hour: Optional[int], minute: Optional[int]) -> str:
    return f"{hour or 0:02d}:{minute or 0:02d}"


def label(wording: Wording, request: Request, due_local: Optional[datetime]) -> str:
    """How the reminder is listed: "every day at 08:00", "on weekdays at 12:30", "Thu 3 Dec at 19:00"."""
    time_text = _clock(request.hour, request.minute)
    if request.repeat in ("daily", "weekdays", "weekends"):
        return wording(f"utter_reminder_label_{request.repeat}", time=time_text)
    if request.repeat == "weekly":
        days = ", ".join(DAY_LABELS[d - 1] for d in sorted(request.days))
        return wording("utter_reminder_label_weekly", days=days, time=time_text)
    assert due_local is not None
    return wording("utter_reminder_label_once", when=due_local.strftime("%a %d %b at %H:%M"))


def timezone_of(store: UserDataRepository, tracker: Tracker) -> Optional[str]:
    """The person's time zone: stored, sent by the widget, or just answered."""
    stored = store.timezone(*person(tracker))
    if stored:
        return stored
    metadata = tracker.latest_message.get("metadata") or {}
    for candidate in (metadata.get("timezone"), tracker.get_slot(TIMEZONE_SLOT)):
        if isinstance(candidate, str) and timezones.is_zone(candidate):
            return candidate
    return None


def schedule_request(store: UserDataRepository, tracker: Tracker, wording: Wording, request: Request, tz: Optional[str]) -> Reply:
    """Store the reminder; the confirmation (or why not) as a reply."""
    channel, sender_id = person(tracker)
    now = store.clock()
    if request.delta is not None:
        shown = wording("utter_reminder_label_in", minutes=int(request.delta.total_seconds() // 60))
        view = store.add_reminder(channel, sender_id, repeat="once", due_at=now + request.delta, label=shown)
        return _confirmation(wording, view)
    assert tz is not None
    if request.repeat == "once":
        local = first_local_time(request, now.astimezone(ZoneInfo(tz)))
        if local is None:
            return Reply(kind="reminder_problem", intro=wording("utter_reminder_past"), data={"problem": "past"})
        due, shown = local.astimezone(timezone.utc), label(wording, request, local)
    else:
        assert request.hour is not None and request.minute is not None
        due_next = Schedule(request.repeat, request.hour, request.minute, tz, request.days).next_after(now)
        assert due_next is not None
        due, shown = due_next, label(wording, request, None)
    view = store.add_reminder(
        channel,
        sender_id,
        repeat=request.repeat,
        due_at=due,
        label=shown,
        hour=request.hour,
        minute=request.minute,
        tz=tz,
        weekdays=sorted(request.days) if request.repeat == "weekly" else (),
    )
    return _confirmation(wording, view)


def _confirmation(wording: Wording, view: ReminderView) -> Reply:
    return Reply(
        kind="reminder_set",
        intro=wording("utter_reminder_set", label=view.label),
        buttons=(wording.button("utter_button_my_reminders", payload("list_reminders")),),
        data={"reminder": view.to_json()},
    )


class ActionSetReminder(CoachAction):
    """ "remind me tomorrow at 7pm": read it, find the time zone (or ask), store it, confirm."""

    NAME = "action_set_reminder"

    async def do(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> Events:
        pending = tracker.get_slot(PENDING_SLOT)
        asked_now = latest_intent(tracker) == "set_reminder"
        text = latest_text(tracker) if asked_now or not pending else str(pending)
        if text.startswith("/"):  # the "Remind me" button: ask when
            dispatcher.utter_message(response="utter_reminder_when")
            return [SlotSet(PENDING_SLOT, None)]

        def work(store: UserDataRepository) -> Events:
            channel, sender_id = person(tracker)
            if len(store.active_reminders(channel, sender_id)) >= MAX_ACTIVE:
                dispatcher.utter_message(response="utter_reminder_too_many", limit=MAX_ACTIVE)
                return [SlotSet(PENDING_SLOT, None)]
            tz = timezone_of(store, tracker)
            today = store.clock().astimezone(ZoneInfo(tz)).date() if tz else store.clock().date()
            reading = read(text, today)
            if isinstance(reading, Problem):
                dispatcher.utter_message(response=f"utter_reminder_{reading.code}")
                return [SlotSet(PENDING_SLOT, None)]
            if reading.needs_timezone and tz is None:
                if tracker.get_slot(TIMEZONE_SLOT):  # answered, but not a zone we know
                    dispatcher.utter_message(response="utter_timezone_unknown")
                    return [SlotSet(PENDING_SLOT, None), SlotSet(TIMEZONE_SLOT, None)]
                return [SlotSet(PENDING_SLOT, text), SlotSet(TIMEZONE_SLOT, None), FollowupAction("timezone_form")]
            if tz and store.timezone(channel, sender_id) != tz:
                store.set_timezone(channel, sender_id, tz)
            send(dispatcher, schedule_request(store, tracker, wording, reading, tz))
            return [SlotSet(PENDING_SLOT, None), SlotSet(TIMEZONE_SLOT, None)]

        return await with_userdata(self.name(), dispatcher, work)


class ValidateTimezoneForm(FormValidationAction):
    """ "What time is it for you right now? Or your city": a zone, or the question again."""

    def name(self) -> str:
        return "validate_timezone_form"

    def validate_timezone_answer(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        zone = timezones.resolve(str(slot_value or ""), datetime.now(timezone.utc))
        if zone is None:
            dispatcher.utter_message(response="utter_timezone_unknown")
        return {TIMEZONE_SLOT: zone}


def _matching(reminders: Sequence[ReminderView], text: str) -> List[ReminderView]:
    """The reminders "the evening one", "the 7pm one", "the weekday one" point at."""
    text = text.lower()
    parts = {
        "morning": range(4, 12), "afternoon": range(12, 17), "lunch": range(11, 15), "evening": range(17, 22),
        "night": range(19, 24), "tonight": range(17, 24),
    }  # fmt: skip
    chosen = [r for r in reminders if any(re.search(rf"\b{w}\b", text) and r.hour in hours for w, hours in parts.items())]
    clock = clock_time(text)
    if not chosen and clock:
        chosen = [r for r in reminders if r.hour is not None and r.hour % 12 == clock.hour % 12]
    for repeat, words in (("weekdays", "weekday"), ("weekends", "weekend"), ("daily", "daily|every day|each day")):
        if not chosen and re.search(rf"\b(?:{words})\b", text):
            chosen = [r for r in reminders if r.repeat == repeat]
    return chosen


def _cancel_all(wording: Wording) -> Button:
    return wording.button("utter_button_cancel_all", payload("cancel_reminder", reminder="all"))


class ActionListReminders(CoachAction):
    NAME = "action_list_reminders"

    async def do(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> Events:
        def work(store: UserDataRepository) -> Events:
            reminders = store.active_reminders(*person(tracker))
            if not reminders:
                dispatcher.utter_message(response="utter_reminders_none")
                return []
            send(
                dispatcher,
                Reply(
                    kind="reminders",
                    title=wording("utter_reminders_title"),
                    bullets=tuple(r.label for r in reminders),
                    buttons=(_cancel_all(wording),),
                    data={"reminders": [r.to_json() for r in reminders]},
                ),
            )
            return []

        return await with_userdata(self.name(), dispatcher, work)


class ActionCancelReminder(CoachAction):
    """ "stop reminding me" (all), "cancel the evening one" (that one), or which one? (buttons)."""

    NAME = "action_cancel_reminder"

    async def do(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> Events:
        text = latest_text(tracker)
        picked = first_entity(tracker, "reminder")

        def work(store: UserDataRepository) -> Events:
            channel, sender_id = person(tracker)
            reminders = store.active_reminders(channel, sender_id)
            if not reminders:
                dispatcher.utter_message(response="utter_reminders_none")
                return []
            if picked and picked.isdigit():
                targets = [r for r in reminders if r.id == int(picked)]
            elif picked == "all" or re.search(r"\b(?:all|every|stop|no more|turn (?:them |it )?off|unsubscribe|anymore)\b", text):
                targets = list(reminders)
            else:
                targets = _matching(reminders, text)
            if len(targets) == 1 or (targets and len(targets) == len(reminders)):
                store.cancel_reminders(channel, sender_id, [r.id for r in targets])
                dispatcher.utter_message(response="utter_reminders_cancelled", count=len(targets))
                return []
            picks = [Button(r.label, payload("cancel_reminder", reminder=str(r.id))) for r in targets or reminders]
            buttons = (*picks, _cancel_all(wording))
            send(dispatcher, Reply(kind="reminder_which", intro=wording("utter_reminder_which"), buttons=buttons))
            return []

        return await with_userdata(self.name(), dispatcher, work)


def usual_area(store: UserDataRepository, tracker: Tracker) -> Optional[str]:
    """The area the person logs most (the latest on a tie), for the reminder's offer."""
    sessions = [s for s in store.sessions(*person(tracker)) if s.area]
    if not sessions:
        return None
    counts = Counter(s.area for s in sessions)
    top = max(counts.values())
    return next(s.area for s in reversed(sessions) if counts[s.area] == top)


class ActionSendReminder(CoachAction):
    """What a due reminder says (triggered by the scheduler as EXTERNAL_reminder)."""

    NAME = "action_send_reminder"

    async def do(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> Events:
        def work(store: UserDataRepository) -> Events:
            send(dispatcher, reminder_reply(repo, wording, usual_area(store, tracker)))
            return []

        return await with_userdata(self.name(), dispatcher, work)


def reminder_reply(repo: KnowledgeRepository, wording: Wording, area: Optional[str]) -> Reply:
    buttons: List[Button] = []
    if area:
        name = area_names(repo, [area])[0]
        buttons.append(Button(wording("utter_button_start_area", area=name.lower()), payload("ask_exercise", body_area=area)))
        intro = wording("utter_reminder_due_area", area=name.lower())
    else:
        intro = wording("utter_reminder_due")
    buttons += [
        Button(wording("utter_button_other_area"), payload("ask_exercise")),
        Button(wording("utter_button_stop_reminders"), payload("cancel_reminder", reminder="all")),
    ]
    return Reply(kind="reminder", intro=intro, buttons=tuple(buttons), data={"area": area})


def missed_since_last_message(tracker: Tracker) -> bool:
    """A reminder was sent after the person's last message (they may not have seen it)."""
    for event in reversed(tracker.events):
        intent = str((event.get("parse_data") or {}).get("intent", {}).get("name", ""))
        if event.get("event") == "user" and not intent.startswith("EXTERNAL_"):
            return False
        if event.get("event") == "action" and event.get("name") == "action_send_reminder":
            return True
    return False
