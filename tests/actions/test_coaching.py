"""The coach that remembers, rasa-sdk style: session log, progress, welcome back, reminders and
data rights, each action run on a built Tracker with the exact events asserted."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, Dict, List

import pytest
from rasa_sdk.events import FollowupAction, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.coaching.progress import ActionShowProgress
from actions.coaching.reminders import ActionCancelReminder, ActionListReminders, ActionSendReminder, ActionSetReminder
from actions.coaching.session import ActionSessionStart
from actions.coaching.session_log import ActionLogSession
from actions.data_rights.requests import ActionDeleteData, ActionExportData
from knowledge.repository import KnowledgeRepository
from tests.actions.conftest import entity, make_tracker, reply_of
from tests.checks import present
from tests.clock import Clock
from userdata.repository import UserDataRepository

OPEN = {"open_session": {"exercise": "calf_ball_roll", "area": "calf", "tool": "lacrosse_ball", "pain_before": 6}}


async def test_a_report_with_a_number_is_logged_and_closes_the_session(
    dispatcher: CollectingDispatcher, domain: dict, user_store: UserDataRepository
) -> None:
    tracker = make_tracker(OPEN, text="done, it's a 3 now", intent="report_session", entities=[entity("pain_level", "3", 11)])
    events = await ActionLogSession().run(dispatcher, tracker, domain)
    assert events == [SlotSet("open_session", None), SlotSet("pain_level", "3")]
    logged = reply_of(dispatcher, "session_logged")
    assert logged.data == {"feeling": "better", "area": "calf", "pain_before": 6, "pain_after": 3}
    [entry] = user_store.sessions("rest", "test-user")
    assert (entry.area, entry.exercise, entry.pain_before, entry.pain_after, entry.feeling) == (
        "calf",
        "calf_ball_roll",
        6,
        3,
        "better",
    )


async def test_worse_gets_the_stores_advice_and_is_logged(
    dispatcher: CollectingDispatcher, domain: dict, repo: KnowledgeRepository, user_store: UserDataRepository
) -> None:
    tracker = make_tracker(OPEN, text="it got worse", intent="report_session", entities=[entity("feeling", "worse", 7)])
    assert await ActionLogSession().run(dispatcher, tracker, domain) == [
        SlotSet("open_session", None),
        SlotSet("pain_level", None),
    ]
    worse = reply_of(dispatcher, "session_worse")
    assert worse.bullets == (present(repo.safety_rule("persistent_or_worsening")).advice,)
    assert present(user_store.last_session("rest", "test-user")).feeling == "worse"


async def test_a_bare_done_asks_how_it_feels_and_keeps_the_session_open(
    dispatcher: CollectingDispatcher, domain: dict, user_store: UserDataRepository
) -> None:
    events = await ActionLogSession().run(dispatcher, make_tracker(OPEN, text="done", intent="report_session"), domain)
    context = {"kind": "session_rating", "entries": [], "exercise": "calf_ball_roll", "area": "calf", "tool": "lacrosse_ball"}
    assert events == [SlotSet("context", context)]  # a typed "about a 3" next is its answer (the gate's "log")
    assert [b.payload for b in reply_of(dispatcher, "session_rating").buttons] == [
        '/report_session{"feeling": "better"}',
        '/report_session{"feeling": "same"}',
        '/report_session{"feeling": "worse"}',
    ]
    assert user_store.sessions("rest", "test-user") == []


async def test_a_possible_sign_with_no_session_open_goes_to_the_gate(dispatcher: CollectingDispatcher, domain: dict) -> None:
    tracker = make_tracker(
        text="my hip feels a bit numbish after rolling it",
        intent="report_session",
        entities=[entity("body_area", "hip"), entity("possible_flag", "nerve_symptoms")],
    )
    events = await ActionLogSession().run(dispatcher, tracker, domain)
    assert events == [FollowupAction("action_request_hands_on")]
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("slots", "text", "kind"),
    [({}, "done", "session_none"), (OPEN, "done, it's 12/10 now", None)],
)
async def test_no_session_or_a_pain_outside_0_10_stores_nothing(
    dispatcher: CollectingDispatcher, domain: dict, user_store: UserDataRepository, slots: dict, text: str, kind: str
) -> None:
    assert await ActionLogSession().run(dispatcher, make_tracker(slots, text=text, intent="report_session"), domain) == []
    if kind:
        reply_of(dispatcher, kind)
    else:
        assert dispatcher.messages[0]["response"] == "utter_session_pain_range"
    assert user_store.sessions("rest", "test-user") == []


async def test_progress_summarises_the_log_with_a_chart(
    dispatcher: CollectingDispatcher, domain: dict, user_store: UserDataRepository
) -> None:
    clock = user_store.clock
    assert isinstance(clock, Clock)  # the fixture's, which the test moves
    for before, after, days in ((6, 4, 20), (5, 3, 3), (4, 2, 0)):
        clock.advance(days=-days)
        user_store.log_session(
            "rest",
            "test-user",
            area="calf",
            exercise="calf_ball_roll",
            tool=None,
            pain_before=before,
            pain_after=after,
            feeling=None,
        )
        clock.advance(days=days)
    user_store.log_session(
        "rest", "test-user", area="neck", exercise=None, tool=None, pain_before=None, pain_after=None, feeling="same"
    )
    assert await ActionShowProgress().run(dispatcher, make_tracker(intent="ask_progress"), domain) == []
    progress = reply_of(dispatcher, "progress")
    assert progress.data == {"sessions": 4, "week": 3, "month": 4, "average_before": 5.0, "average_after": 3.0}
    chart = present(progress.chart)
    assert [(s.name, [(p.before, p.after) for p in s.points]) for s in chart.series] == [
        ("Calf", [(6, 4), (5, 3), (4, 2)]),
        ("Neck", [(None, None)]),
    ]
    trend = dict((f.label, f.text) for f in progress.facts)["Trend"]
    assert "calf: down 2 point(s)" in trend and "neck: not enough sessions yet" in trend
    assert chart.alt.startswith("4 session(s) logged")


async def test_progress_for_a_new_user(dispatcher: CollectingDispatcher, domain: dict) -> None:
    await ActionShowProgress().run(dispatcher, make_tracker(intent="ask_progress"), domain)
    reply_of(dispatcher, "progress_empty")


async def test_a_returning_user_is_welcomed_back_with_the_last_session(
    dispatcher: CollectingDispatcher, domain: dict, user_store: UserDataRepository
) -> None:
    user_store.log_session(
        "rest", "test-user", area="calf", exercise=None, tool=None, pain_before=6, pain_after=3, feeling="better"
    )
    tracker = make_tracker(events=[{"event": "session_started"}], intent="session_start")
    events = await ActionSessionStart().run(dispatcher, tracker, domain)
    assert events[0] == SessionStarted()
    welcome = reply_of(dispatcher, "welcome_back")
    assert welcome.data == {"area": "calf"} and "6 → 3" in (welcome.intro or "")
    assert [b.payload for b in welcome.buttons] == ['/ask_exercise{"body_area": "calf"}', "/ask_exercise", "/ask_progress"]


async def test_a_relative_reminder_needs_no_time_zone(
    dispatcher: CollectingDispatcher, domain: dict, user_store: UserDataRepository
) -> None:
    tracker = make_tracker(text="remind me in 2 hours", intent="set_reminder")
    assert await ActionSetReminder().run(dispatcher, tracker, domain) == [
        SlotSet("pending_reminder", None),
        SlotSet("timezone_answer", None),
    ]
    [reminder] = user_store.active_reminders("rest", "test-user")
    assert reminder.due_at == user_store.clock() + timedelta(hours=2)


async def test_an_absolute_time_without_a_zone_asks_for_it_and_keeps_the_request(
    dispatcher: CollectingDispatcher, domain: dict, user_store: UserDataRepository
) -> None:
    tracker = make_tracker(text="remind me every day at 8", intent="set_reminder")
    assert await ActionSetReminder().run(dispatcher, tracker, domain) == [
        SlotSet("pending_reminder", "remind me every day at 8"),
        SlotSet("timezone_answer", None),
        FollowupAction("timezone_form"),
    ]
    answered = make_tracker({"pending_reminder": "remind me every day at 8", "timezone_answer": "Europe/Berlin"}, text="Berlin")
    await ActionSetReminder().run(dispatcher, answered, domain)
    [reminder] = user_store.active_reminders("rest", "test-user")
    assert (reminder.repeat, reminder.hour, reminder.timezone) == ("daily", 8, "Europe/Berlin")
    assert user_store.timezone("rest", "test-user") == "Europe/Berlin"


@pytest.mark.parametrize(
    ("text", "response"),
    [
        ("remind me at 25:99", "utter_reminder_impossible_time"),
        ("remind me every 10 minutes", "utter_reminder_too_often"),
        ("remind me yesterday at 5", "utter_reminder_past"),
        ("set a daily reminder", "utter_reminder_no_time"),
    ],
)
async def test_bad_reminder_requests_get_a_clear_reply_and_store_nothing(
    dispatcher: CollectingDispatcher, domain: dict, user_store: UserDataRepository, text: str, response: str
) -> None:
    user_store.set_timezone("rest", "test-user", "UTC")
    await ActionSetReminder().run(dispatcher, make_tracker(text=text, intent="set_reminder"), domain)
    assert dispatcher.messages[0]["response"] == response
    assert user_store.active_reminders("rest", "test-user") == []


async def test_an_unknown_time_zone_stores_nothing(
    dispatcher: CollectingDispatcher, domain: dict, user_store: UserDataRepository
) -> None:
    tracker = make_tracker({"pending_reminder": "remind me tomorrow at 7pm", "timezone_answer": "Atlantis/Nowhere"}, text="x")
    await ActionSetReminder().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["response"] == "utter_timezone_unknown"
    assert user_store.active_reminders("rest", "test-user") == []


async def test_more_than_ten_active_reminders_is_refused(
    dispatcher: CollectingDispatcher, domain: dict, user_store: UserDataRepository
) -> None:
    for n in range(10):
        user_store.add_reminder(
            "rest", "test-user", repeat="once", due_at=user_store.clock() + timedelta(hours=n + 1), label=str(n)
        )
    await ActionSetReminder().run(dispatcher, make_tracker(text="remind me in 2 hours", intent="set_reminder"), domain)
    assert dispatcher.messages[0]["response"] == "utter_reminder_too_many"
    assert len(user_store.active_reminders("rest", "test-user")) == 10


async def test_list_then_cancel_the_evening_one(
    dispatcher: CollectingDispatcher, domain: dict, user_store: UserDataRepository
) -> None:
    due = user_store.clock() + timedelta(hours=1)
    user_store.add_reminder(
        "rest", "test-user", repeat="daily", due_at=due, label="every day at 08:00", hour=8, minute=0, tz="UTC"
    )
    user_store.add_reminder(
        "rest", "test-user", repeat="daily", due_at=due, label="every day at 19:00", hour=19, minute=0, tz="UTC"
    )
    await ActionListReminders().run(dispatcher, make_tracker(intent="list_reminders"), domain)
    assert reply_of(dispatcher, "reminders").bullets == ("every day at 08:00", "every day at 19:00")
    await ActionCancelReminder().run(dispatcher, make_tracker(text="cancel the evening one", intent="cancel_reminder"), domain)
    assert [r.label for r in user_store.active_reminders("rest", "test-user")] == ["every day at 08:00"]


async def test_a_due_reminder_offers_the_usual_area(
    dispatcher: CollectingDispatcher, domain: dict, user_store: UserDataRepository
) -> None:
    for area in ("calf", "neck", "calf"):
        user_store.log_session(
            "rest", "test-user", area=area, exercise=None, tool=None, pain_before=None, pain_after=None, feeling=None
        )
    assert await ActionSendReminder().run(dispatcher, make_tracker(intent="EXTERNAL_reminder"), domain) == []
    reminder = reply_of(dispatcher, "reminder")
    assert reminder.data == {"area": "calf"} and reminder.buttons[0].payload == '/ask_exercise{"body_area": "calf"}'


async def test_delete_removes_the_store_data_and_tells_the_tracker_store(
    dispatcher: CollectingDispatcher, domain: dict, user_store: UserDataRepository
) -> None:
    user_store.log_session(
        "rest", "test-user", area="calf", exercise=None, tool=None, pain_before=None, pain_after=None, feeling=None
    )
    user_store.log_session(
        "rest", "someone", area="calf", exercise=None, tool=None, pain_before=None, pain_after=None, feeling=None
    )
    assert await ActionDeleteData().run(dispatcher, make_tracker(intent="affirm"), domain) == [
        SlotSet("forget_conversation", True)
    ]
    assert user_store.sessions("rest", "test-user") == [] and len(user_store.sessions("rest", "someone")) == 1


async def test_export_is_json_of_the_log_reminders_and_conversation(
    dispatcher: CollectingDispatcher, domain: dict, user_store: UserDataRepository
) -> None:
    user_store.log_session("rest", "test-user", area="calf", exercise=None, tool=None, pain_before=5, pain_after=2, feeling=None)
    await ActionExportData().run(dispatcher, make_tracker(text="export my data", intent="export_data"), domain)
    export = reply_of(dispatcher, "data_export")
    document = json.loads(present(export.attachment).content)
    assert [s["pain_after"] for s in document["sessions"]] == [2]
    assert [e["text"] for e in document["conversation"] if e["event"] == "user"] == ["export my data"]


async def test_the_widget_gets_a_stored_one_time_export_and_only_its_token(
    dispatcher: CollectingDispatcher, domain: dict, user_store: UserDataRepository
) -> None:
    """Issue #23 item 3: the action stores the export; the widget channel only renders the link."""
    user_store.log_session(
        "socketio", "test-user", area="neck", exercise=None, tool=None, pain_before=6, pain_after=3, feeling=None
    )
    tracker = make_tracker(text="export my data", intent="export_data", channel="socketio")
    await ActionExportData().run(dispatcher, tracker, domain)
    attachment = present(reply_of(dispatcher, "data_export").attachment)
    assert attachment.content == "" and attachment.link_token
    document = json.loads(present(user_store.take_export(attachment.link_token)))
    assert [s["pain_after"] for s in document["sessions"]] == [3]
    assert user_store.take_export(attachment.link_token) is None  # once


async def test_a_reminder_sent_since_the_last_message_is_mentioned_at_the_next_session(
    dispatcher: CollectingDispatcher, domain: dict
) -> None:
    events: List[Dict[str, Any]] = [
        {"event": "session_started"},
        {"event": "user", "text": "remind me in 2 hours", "parse_data": {"intent": {"name": "set_reminder"}}},
        {"event": "user", "text": "EXTERNAL: EXTERNAL_reminder", "parse_data": {"intent": {"name": "EXTERNAL_reminder"}}},
        {"event": "action", "name": "action_send_reminder"},
    ]
    tracker = make_tracker(events=events, intent="session_start")
    tracker.events.pop()  # make_tracker appends the latest user message; a session start has none
    await ActionSessionStart().run(dispatcher, tracker, domain)
    assert [m.get("response") for m in dispatcher.messages] == ["utter_missed_reminder"]
