"""The gate before hands-on advice: which area, screen or deliver (exact events)."""

from __future__ import annotations

import time

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.hands_on import ActionDeliverHandsOn, ActionNextExercise, ActionNoteRequest, ActionRequestHandsOn
from tests.actions.conftest import QUESTION_SLOTS, entity, make_tracker

pytestmark = pytest.mark.usefixtures("use_knowledge_db")
AREA_SPECIFIC = ["q_recent_injury", "q_skin"]


async def test_back_without_a_part_asks_which_part(dispatcher: CollectingDispatcher, domain: dict) -> None:
    tracker = make_tracker(text="my back hurts", intent="report_pain")
    events = await ActionRequestHandsOn().run(dispatcher, tracker, domain)
    assert events == [
        SlotSet("pending_request", "exercise"),
        SlotSet("shown_exercises", []),
        SlotSet("areas_in_focus", []),
        SlotSet("hands_on_next", "ask_area"),
    ]
    assert dispatcher.messages[0]["response"] == "utter_ask_body_area_back"


async def test_first_hands_on_request_screens_every_question(dispatcher: CollectingDispatcher, domain: dict) -> None:
    tracker = make_tracker(text="my lower back hurts", intent="report_pain", entities=[entity("body_area", "lower_back", 3)])
    events = await ActionRequestHandsOn().run(dispatcher, tracker, domain)
    assert events == [
        SlotSet("pending_request", "exercise"),
        SlotSet("shown_exercises", []),
        SlotSet("areas_in_focus", ["lower_back"]),
        *[SlotSet(slot, None) for slot in QUESTION_SLOTS],
        SlotSet("hands_on_next", "screen"),
    ]
    assert dispatcher.messages[0]["response"] == "utter_screening_intro"


def screened(**extra) -> dict:
    return {
        "screening_outcome": "clear",
        "screened_areas": ["lower_back"],
        "screened_at": time.time(),
        **{q: "no" for q in QUESTION_SLOTS},
        **extra,
    }


async def test_already_screened_area_goes_straight_to_advice(dispatcher: CollectingDispatcher, domain: dict) -> None:
    tracker = make_tracker(
        screened(), text="lower back again", intent="ask_exercise", entities=[entity("body_area", "lower_back")]
    )
    events = await ActionRequestHandsOn().run(dispatcher, tracker, domain)
    assert events[-1] == SlotSet("hands_on_next", "deliver")
    assert dispatcher.messages == []


async def test_a_new_area_repeats_only_the_area_questions(dispatcher: CollectingDispatcher, domain: dict) -> None:
    tracker = make_tracker(screened(), text="now my neck", intent="report_pain", entities=[entity("body_area", "neck", 8)])
    events = await ActionRequestHandsOn().run(dispatcher, tracker, domain)
    assert events[-3:] == [SlotSet("q_recent_injury", None), SlotSet("q_skin", None), SlotSet("hands_on_next", "screen")]


async def test_an_old_screening_is_repeated_in_full(
    dispatcher: CollectingDispatcher, domain: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCREENING_VALID_DAYS", "2")
    old = screened(screened_at=time.time() - 3 * 86400)
    tracker = make_tracker(old, text="lower back", intent="report_pain", entities=[entity("body_area", "lower_back")])
    events = await ActionRequestHandsOn().run(dispatcher, tracker, domain)
    assert events[-len(QUESTION_SLOTS) - 1 :] == [*[SlotSet(s, None) for s in QUESTION_SLOTS], SlotSet("hands_on_next", "screen")]


async def test_a_referral_is_never_bypassed(dispatcher: CollectingDispatcher, domain: dict) -> None:
    slots = screened(screening_outcome="refer", screening_reasons=["blood_thinners_or_clots"])
    tracker = make_tracker(
        slots, text="lower back exercises", intent="ask_exercise", entities=[entity("body_area", "lower_back")]
    )
    events = await ActionRequestHandsOn().run(dispatcher, tracker, domain)
    assert events[-1] == SlotSet("hands_on_next", "deliver")
    tracker.slots.update({e["name"]: e["value"] for e in events})
    dispatcher.messages.clear()
    assert await ActionDeliverHandsOn().run(dispatcher, tracker, domain) == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_referral_still_applies"]


async def test_several_areas_start_with_the_first_and_offer_the_rest(dispatcher: CollectingDispatcher, domain: dict) -> None:
    tracker = make_tracker(
        screened(screened_areas=["neck", "calf"]),
        text="my neck and calves",
        intent="report_pain",
        entities=[entity("body_area", "neck", 3), entity("body_area", "calf", 12)],
    )
    events = await ActionRequestHandsOn().run(dispatcher, tracker, domain)
    assert SlotSet("areas_in_focus", ["neck"]) in events
    message = dispatcher.messages[0]
    assert message["response"] == "utter_several_areas"
    assert message["buttons"] == [{"title": "Calf", "payload": '/ask_exercise{"body_area": "calf"}'}]


async def test_during_screening_a_new_area_is_noted_not_routed(dispatcher: CollectingDispatcher, domain: dict) -> None:
    tracker = make_tracker(
        text="my neck too", intent="report_pain", entities=[entity("body_area", "neck", 3)], active_loop="screening_form"
    )
    events = await ActionNoteRequest().run(dispatcher, tracker, domain)
    assert events == [SlotSet("pending_request", "exercise"), SlotSet("shown_exercises", []), SlotSet("areas_in_focus", ["neck"])]
    assert "neck" in dispatcher.messages[0]["text"]


async def test_next_exercise_walks_through_the_rest(dispatcher: CollectingDispatcher, domain: dict, repo) -> None:
    options = repo.exercises_for_area("calf")
    assert len(options) >= 2
    tracker = make_tracker(
        screened(areas_in_focus=["calf"], shown_exercises=[options[0].id]), text="another one", intent="next_exercise"
    )
    events = await ActionNextExercise().run(dispatcher, tracker, domain)
    assert events == [SlotSet("shown_exercises", [options[0].id, options[1].id])]
    assert options[1].steps[0] in dispatcher.messages[0]["text"]


async def test_next_exercise_when_all_were_shown(dispatcher: CollectingDispatcher, domain: dict, repo) -> None:
    shown = [e.id for e in repo.exercises_for_area("forearm")]
    tracker = make_tracker(screened(areas_in_focus=["forearm"], shown_exercises=shown), intent="next_exercise")
    assert await ActionNextExercise().run(dispatcher, tracker, domain) == []
    assert dispatcher.messages[0]["response"] == "utter_no_more_exercises"


async def test_knowledge_db_down_gives_a_friendly_message(
    dispatcher: CollectingDispatcher, domain: dict, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    from actions import knowledge_access

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/missing-dir/absent.db")
    knowledge_access.repository.cache_clear()
    tracker = make_tracker(text="my lower back hurts", intent="report_pain", entities=[entity("body_area", "lower_back", 3)])
    assert await ActionRequestHandsOn().run(dispatcher, tracker, domain) == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_service_unavailable"]
