"""The gate before hands-on advice: which area, screen or deliver (exact events)."""

from __future__ import annotations

import json
import time
from typing import Any, Optional

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.advice.delivery import ActionDeliverHandsOn, ActionNextExercise
from actions.advice.hands_on import ActionNoteRequest, ActionRequestHandsOn
from actions.advice.routines import build_routine
from actions.plumbing.replying import Wording
from knowledge.repository import KnowledgeRepository
from tests.actions.conftest import entity, make_tracker, reply_of
from tests.checks import present


def screened(**extra: Any) -> dict:
    return {"screening_outcome": "clear", "screened_areas": ["lower_back"], "screened_at": time.time(), **extra}


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


async def test_no_area_at_all_offers_area_buttons_named_from_the_store(
    dispatcher: CollectingDispatcher, domain: dict, repo: KnowledgeRepository
) -> None:
    await ActionRequestHandsOn().run(dispatcher, make_tracker(text="it hurts", intent="report_pain"), domain)
    [message] = dispatcher.messages
    reply = reply_of(dispatcher, "ask_area")
    assert reply.intro == Wording(domain)("utter_ask_body_area")
    neck = present(repo.body_area("neck"))
    assert message["buttons"][0] == {"title": neck.short_name, "payload": '/inform{"body_area": "neck"}'}


async def test_the_area_question_carries_the_body_map_every_zone_sending_what_its_button_sends(
    dispatcher: CollectingDispatcher, domain: dict, repo: KnowledgeRepository
) -> None:
    await ActionRequestHandsOn().run(dispatcher, make_tracker(text="it hurts", intent="report_pain"), domain)
    reply = reply_of(dispatcher, "ask_area")
    picture = reply.picture
    assert picture is not None and picture.kind == "body_map"
    assert [z.number for z in picture.zones] == list(range(1, 16))
    assert sorted(z.area for z in picture.zones) == sorted(a.id for a in repo.body_areas())
    zones = {z.area: z for z in picture.zones}
    for button in reply.buttons:  # a zone sends exactly what the button of its area sends
        area = json.loads(button.payload[len("/inform") :])["body_area"]
        assert zones[area].payload == button.payload
    assert zones["calf"].name == present(repo.body_area("calf")).short_name
    assert f"{zones['calf'].number} {zones['calf'].name}" in picture.alt


async def test_first_hands_on_request_starts_the_whole_checklist(dispatcher: CollectingDispatcher, domain: dict) -> None:
    tracker = make_tracker(text="my lower back hurts", intent="report_pain", entities=[entity("body_area", "lower_back", 3)])
    events = await ActionRequestHandsOn().run(dispatcher, tracker, domain)
    assert events == [
        SlotSet("pending_request", "exercise"),
        SlotSet("shown_exercises", []),
        SlotSet("areas_in_focus", ["lower_back"]),
        SlotSet("worse_areas", []),
        SlotSet("flag_check", None),
        SlotSet("checklist_answer", None),
        SlotSet("checklist_item", None),
        SlotSet("checklist_items", []),
        SlotSet("checklist_scope", "general"),
        SlotSet("checklist_areas", ["lower_back"]),
        SlotSet("hands_on_next", "screen"),
    ]
    assert dispatcher.messages == []  # the checklist itself is the first thing said


async def test_a_possible_sign_asked_of_no_one_yet_comes_before_advice_even_when_screened(
    dispatcher: CollectingDispatcher, domain: dict
) -> None:
    earlier = "by the way I'm on xeralto"
    said = {
        "event": "user",
        "text": earlier,
        "parse_data": {"entities": [{"entity": "possible_flag", "value": "blood_thinners_or_clots", "start": 19, "end": 26}]},
    }
    tracker = make_tracker(
        screened(), text="lower back again", intent="ask_exercise", entities=[entity("body_area", "lower_back")], events=[said]
    )
    events = await ActionRequestHandsOn().run(dispatcher, tracker, domain)
    assert SlotSet("checklist_scope", "none") in events
    assert events[-1] == SlotSet("hands_on_next", "screen")


async def test_already_screened_area_goes_straight_to_advice(dispatcher: CollectingDispatcher, domain: dict) -> None:
    tracker = make_tracker(
        screened(), text="lower back again", intent="ask_exercise", entities=[entity("body_area", "lower_back")]
    )
    events = await ActionRequestHandsOn().run(dispatcher, tracker, domain)
    assert events[-1] == SlotSet("hands_on_next", "deliver")
    assert dispatcher.messages == []


async def test_a_new_area_asks_only_the_area_items(dispatcher: CollectingDispatcher, domain: dict) -> None:
    tracker = make_tracker(screened(), text="now my neck", intent="report_pain", entities=[entity("body_area", "neck", 8)])
    events = await ActionRequestHandsOn().run(dispatcher, tracker, domain)
    assert events[-3:] == [
        SlotSet("checklist_scope", "area"),
        SlotSet("checklist_areas", ["neck"]),
        SlotSet("hands_on_next", "screen"),
    ]


async def test_an_old_screening_is_repeated_in_full(
    dispatcher: CollectingDispatcher, domain: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCREENING_VALID_DAYS", "2")
    old = screened(screened_at=time.time() - 3 * 86400)
    tracker = make_tracker(old, text="lower back", intent="report_pain", entities=[entity("body_area", "lower_back")])
    events = await ActionRequestHandsOn().run(dispatcher, tracker, domain)
    assert SlotSet("checklist_scope", "general") in events and events[-1] == SlotSet("hands_on_next", "screen")


async def test_a_routine_is_screened_for_the_areas_it_will_work(
    dispatcher: CollectingDispatcher, domain: dict, repo: KnowledgeRepository
) -> None:
    tracker = make_tracker(text="10 minute routine for desk work", intent="ask_routine", entities=[entity("goal", "desk_work")])
    tracker.slots["goal"] = "desk_work"
    events = await ActionRequestHandsOn().run(dispatcher, tracker, domain)
    areas = next(e["value"] for e in events if e.get("name") == "checklist_areas")
    routine = build_routine(repo, "desk_work", 10, [])
    assert areas == list(dict.fromkeys(i.exercise.body_area for i in routine.items)) and len(areas) >= 2
    assert events[-1] == SlotSet("hands_on_next", "screen")


async def test_a_referral_is_never_bypassed(dispatcher: CollectingDispatcher, domain: dict) -> None:
    slots = screened(screening_outcome="refer", screening_reasons=["blood_thinners_or_clots"])
    tracker = make_tracker(
        slots, text="lower back exercises", intent="ask_exercise", entities=[entity("body_area", "lower_back")]
    )
    events = await ActionRequestHandsOn().run(dispatcher, tracker, domain)
    assert events[-1] == SlotSet("hands_on_next", "deliver")
    tracker.slots.update({e["name"]: e["value"] for e in events})
    dispatcher.messages.clear()
    events = await ActionDeliverHandsOn().run(dispatcher, tracker, domain)
    reply = reply_of(dispatcher, "referral")
    assert reply.data == {"level": "refer", "rules": ["blood_thinners_or_clots"]}
    assert (reply.intro or "").endswith(domain["responses"]["utter_not_a_clinician"][0]["text"])
    assert not any(m.get("custom", {}).get("kind") == "exercise" for m in dispatcher.messages)
    assert events[0]["value"]["kind"] == "referral"


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


async def test_how_do_i_use_it_after_a_recommendation_means_that_ball(dispatcher: CollectingDispatcher, domain: dict) -> None:
    context = {"kind": "recommendation", "entries": [["tool", "lacrosse_ball"]], "tool": "lacrosse_ball", "area": "calf"}
    tracker = make_tracker(screened(screened_areas=["calf"], context=context), text="how do I use it?", intent="ask_exercise")
    events = await ActionRequestHandsOn().run(dispatcher, tracker, domain)
    assert SlotSet("tool", "lacrosse_ball") in events
    assert SlotSet("areas_in_focus", ["calf"]) in events
    assert events[-1] == SlotSet("hands_on_next", "deliver")


async def test_during_screening_a_new_area_is_noted_and_added_to_the_check(
    dispatcher: CollectingDispatcher, domain: dict
) -> None:
    tracker = make_tracker(
        {"checklist_areas": ["lower_back"]},
        text="my neck too",
        intent="report_pain",
        entities=[entity("body_area", "neck", 3)],
        active_loop="screening_form",
    )
    events = await ActionNoteRequest().run(dispatcher, tracker, domain)
    assert events == [
        SlotSet("pending_request", "exercise"),
        SlotSet("shown_exercises", []),
        SlotSet("areas_in_focus", ["neck"]),
        SlotSet("checklist_areas", ["lower_back", "neck"]),
    ]
    assert dispatcher.messages[0]["response"] == "utter_noted_request" and dispatcher.messages[0]["areas"] == "neck"


async def test_next_exercise_walks_through_the_rest(
    dispatcher: CollectingDispatcher, domain: dict, repo: KnowledgeRepository
) -> None:
    options = repo.exercises_for_area("calf")
    assert len(options) >= 2
    tracker = make_tracker(
        screened(areas_in_focus=["calf"], shown_exercises=[options[0].id]), text="another one", intent="next_exercise"
    )
    events = await ActionNextExercise().run(dispatcher, tracker, domain)
    assert events[0] == SlotSet("shown_exercises", [options[0].id, options[1].id])
    assert reply_of(dispatcher, "exercise").steps == options[1].steps


async def test_next_exercise_when_all_were_shown_is_the_first_again_said_so(
    dispatcher: CollectingDispatcher, domain: dict, repo: KnowledgeRepository
) -> None:
    shown = [e.id for e in repo.exercises_for_area("forearm")]
    tracker = make_tracker(screened(areas_in_focus=["forearm"], shown_exercises=shown), intent="next_exercise")
    events = await ActionNextExercise().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["response"] == "utter_no_more_exercises_again"
    assert reply_of(dispatcher, "exercise").data["exercise"] == shown[0]
    assert events[0] == SlotSet("shown_exercises", [shown[0]])


AFTER_HAMSTRING = {
    **screened(screened_areas=["hamstring"]),
    "areas_in_focus": ["hamstring"],
    "shown_exercises": ["hamstring_ball_roll"],
    "context": {"kind": "exercise", "entries": [["exercise", "hamstring_ball_roll"]], "exercise": "hamstring_ball_roll"},
}


@pytest.mark.parametrize(
    ("text", "slots", "entities", "side"),
    [
        ("now the left side?", {"side": "left"}, [entity("side", "left", 8)], "left"),
        ("now the other leg please", {"side": "right"}, [], "left"),
        ("other side", {}, [], None),
    ],
)
async def test_the_other_side_after_an_exercise_is_the_same_exercise_for_that_side(
    domain: dict, text: str, slots: dict, entities: list, side: Optional[str]
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({**AFTER_HAMSTRING, **slots}, text=text, intent="inform", entities=entities)
    events = await ActionDeliverHandsOn().run(dispatcher, tracker, domain)
    reply = reply_of(dispatcher, "exercise")
    assert reply.data["exercise"] == "hamstring_ball_roll"
    assert (f"({side} side)" in (reply.title or "")) == bool(side)
    assert events[:2] == [SlotSet("side", side), SlotSet("shown_exercises", ["hamstring_ball_roll"])]
    assert events[2]["name"] == "context" and events[2]["value"]["exercise"] == "hamstring_ball_roll"


async def test_next_with_nothing_about_a_side_is_not_the_other_side(dispatcher: CollectingDispatcher, domain: dict) -> None:
    tracker = make_tracker(AFTER_HAMSTRING, text="next one", intent="next_exercise")
    await ActionNextExercise().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["response"] == "utter_no_more_exercises_again"  # not the side question


async def test_a_pain_level_after_how_does_it_feel_is_handed_to_the_session_log(
    dispatcher: CollectingDispatcher, domain: dict
) -> None:
    slots = {
        "open_session": {"exercise": "neck_ball_release", "area": "neck", "tool": "lacrosse_ball"},
        "context": {"kind": "session_rating", "entries": []},
    }
    tracker = make_tracker(slots, text="about a 3", intent="inform", entities=[entity("pain_level", "3", 8)])
    assert await ActionRequestHandsOn().run(dispatcher, tracker, domain) == [SlotSet("hands_on_next", "log")]
    # the same words with an area, or with no rating asked, are a new request
    named = [entity("body_area", "neck"), entity("pain_level", "3")]
    other = make_tracker(slots, text="neck about a 3", intent="inform", entities=named)
    assert SlotSet("hands_on_next", "log") not in await ActionRequestHandsOn().run(CollectingDispatcher(), other, domain)
    unasked = make_tracker({**slots, "context": None}, text="about a 3", intent="inform", entities=[entity("pain_level", "3", 8)])
    assert SlotSet("hands_on_next", "log") not in await ActionRequestHandsOn().run(CollectingDispatcher(), unasked, domain)
