"""The screening form validation: answers, red flags and the outcome (exact events)."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.screening import ActionExplainScreeningQuestion, ActionScreeningResult, ValidateScreeningForm
from tests.actions.conftest import QUESTION_SLOTS, entity, make_tracker

pytestmark = pytest.mark.usefixtures("use_knowledge_db")


def answered(value: str = "no", upto: int = len(QUESTION_SLOTS)) -> dict:
    return {slot: value for slot in QUESTION_SLOTS[:upto]}


def form_tracker(slots: dict, requested: str, text: str, intent: str = "inform", entities=None, candidate=None):
    """The tracker the form sends: slot candidate already set by the mapping."""
    values = {**slots, "requested_slot": requested}
    if candidate is not None:
        values[requested] = candidate
    tracker = make_tracker(values, text=text, intent=intent, entities=entities, active_loop="screening_form")
    if candidate is not None:
        tracker.events.append({"event": "slot", "name": requested, "value": candidate})
    return tracker, []


BUTTONS = ["/affirm", "/deny", "/ask_why"]


def question_text(repo, slot: str) -> str:  # type: ignore[no-untyped-def]
    return next(q.question for q in repo.screening_questions() if q.slot == slot)


async def test_a_clear_answer_asks_the_next_question(dispatcher: CollectingDispatcher, domain: dict, repo) -> None:
    tracker, _ = form_tracker({}, "q_recent_injury", "no", intent="deny", candidate="no")
    events = await ValidateScreeningForm().run(dispatcher, tracker, domain)
    assert events == [SlotSet("q_recent_injury", "no"), SlotSet("requested_slot", "q_bone_joint")]
    [message] = dispatcher.messages
    assert message["text"] == question_text(repo, "q_bone_joint")
    assert [b["payload"] for b in message["buttons"]] == BUTTONS


async def test_activation_asks_the_first_question_naming_the_area(dispatcher: CollectingDispatcher, domain: dict, repo) -> None:
    tracker = make_tracker({"areas_in_focus": ["neck"]}, text="my neck hurts", intent="report_pain")
    events = await ValidateScreeningForm().run(dispatcher, tracker, domain)
    assert events == [SlotSet("requested_slot", "q_recent_injury")]
    [message] = dispatcher.messages
    assert message["text"] == f"{question_text(repo, 'q_recent_injury')} (your neck)"
    assert [b["payload"] for b in message["buttons"]] == BUTTONS


async def test_free_text_hedge_is_understood_as_partial(dispatcher: CollectingDispatcher, domain: dict) -> None:
    tracker, _ = form_tracker(answered(upto=3), "q_skin", "only a bit of bruising", candidate="only a bit of bruising")
    events = await ValidateScreeningForm().run(dispatcher, tracker, domain)
    assert events == [SlotSet("q_skin", "partial"), SlotSet("requested_slot", "q_diabetes_sensation")]


async def test_unclear_answer_is_asked_again(dispatcher: CollectingDispatcher, domain: dict, repo) -> None:
    tracker, _ = form_tracker({}, "q_recent_injury", "purple elephants", candidate="purple elephants")
    events = await ValidateScreeningForm().run(dispatcher, tracker, domain)
    assert events == [SlotSet("q_recent_injury", None), SlotSet("requested_slot", "q_recent_injury")]
    assert dispatcher.messages[0]["response"] == "utter_answer_yes_no"
    assert dispatcher.messages[1]["text"] == question_text(repo, "q_recent_injury")


async def test_yes_to_a_refer_question_ends_the_screening_with_refer(dispatcher: CollectingDispatcher, domain: dict) -> None:
    tracker, _ = form_tracker(answered(upto=2), "q_blood_clotting", "yes", intent="affirm", candidate="yes")
    events = await ValidateScreeningForm().run(dispatcher, tracker, domain)
    assert events == [
        SlotSet("q_blood_clotting", "yes"),
        SlotSet("screening_outcome", "refer"),
        SlotSet("screening_reasons", ["blood_thinners_or_clots"]),
        SlotSet("requested_slot", None),
    ]


async def test_red_flag_in_free_text_wins_whatever_the_question(dispatcher: CollectingDispatcher, domain: dict) -> None:
    text = "well I'm on warfarin"
    tracker, _ = form_tracker(
        {},
        "q_recent_injury",
        text,
        intent="report_red_flag",
        entities=[entity("red_flag", "blood_thinners_or_clots", 13)],
        candidate=text,
    )
    events = await ValidateScreeningForm().run(dispatcher, tracker, domain)
    assert events == [
        SlotSet("screening_outcome", "refer"),
        SlotSet("screening_reasons", ["blood_thinners_or_clots"]),
        SlotSet("requested_slot", None),
    ]


async def test_emergency_red_flag_outranks_an_earlier_referral(dispatcher: CollectingDispatcher, domain: dict) -> None:
    tracker = make_tracker(
        {"screening_outcome": "refer", "screening_reasons": ["nerve_symptoms"]},
        text="my calf is swollen red and hot",
        intent="report_red_flag",
        entities=[entity("red_flag", "dvt_signs", 3)],
        active_loop="screening_form",
    )
    events = await ValidateScreeningForm().run(dispatcher, tracker, domain)
    assert events == [
        SlotSet("screening_outcome", "emergency"),
        SlotSet("screening_reasons", ["dvt_signs", "nerve_symptoms"]),
        SlotSet("requested_slot", None),
    ]


async def test_all_no_gives_clear_and_records_the_screened_areas(dispatcher: CollectingDispatcher, domain: dict) -> None:
    slots = {**answered(upto=7), "areas_in_focus": ["lower_back"]}
    tracker, _ = form_tracker(slots, "q_pregnancy", "no", intent="deny", candidate="no")
    events = await ValidateScreeningForm().run(dispatcher, tracker, domain)
    assert events[:4] == [
        SlotSet("q_pregnancy", "no"),
        SlotSet("screening_outcome", "clear"),
        SlotSet("screening_reasons", []),
        SlotSet("screened_areas", ["lower_back"]),
    ]
    assert events[4]["name"] == "screened_at" and isinstance(events[4]["value"], float)
    assert len(events) == 5


async def test_partial_skin_answer_and_high_pain_give_caution(dispatcher: CollectingDispatcher, domain: dict) -> None:
    slots = {**answered(upto=7), "q_skin": "partial", "pain_level": "8"}
    tracker, _ = form_tracker(slots, "q_pregnancy", "no", intent="deny", candidate="no")
    events = await ValidateScreeningForm().run(dispatcher, tracker, domain)
    assert SlotSet("screening_outcome", "caution") in events


async def test_screening_outcome_is_not_a_user_settable_slot(domain: dict) -> None:
    for slot in ("screening_outcome", "screening_reasons", "screened_areas", "screened_at"):
        assert domain["slots"][slot]["mappings"] == [{"type": "custom"}], slot
    assert "screening_outcome" not in domain["entities"]


async def test_return_after_an_interruption_asks_the_same_question(dispatcher: CollectingDispatcher, domain: dict, repo) -> None:
    tracker = make_tracker(
        {**answered(upto=5), "requested_slot": "q_nerve", "areas_in_focus": ["neck"]},
        text="why do you ask?",
        intent="ask_why",
        active_loop="screening_form",
    )
    events = await ValidateScreeningForm().run(dispatcher, tracker, domain)
    assert events == [SlotSet("requested_slot", "q_nerve")]
    assert dispatcher.messages[0]["text"].startswith(question_text(repo, "q_nerve"))


async def test_why_do_you_ask_explains_the_current_question(dispatcher: CollectingDispatcher, domain: dict, repo) -> None:
    tracker = make_tracker(
        {"requested_slot": "q_blood_clotting"}, text="why do you ask?", intent="ask_why", active_loop="screening_form"
    )
    assert await ActionExplainScreeningQuestion().run(dispatcher, tracker, domain) == []
    expected = next(q.why for q in repo.screening_questions() if q.slot == "q_blood_clotting")
    assert dispatcher.messages[0]["text"] == expected


async def test_referral_says_why_and_whom_to_see_and_gives_no_steps(dispatcher: CollectingDispatcher, domain: dict) -> None:
    tracker = make_tracker(
        {
            "screening_outcome": "refer",
            "screening_reasons": ["blood_thinners_or_clots"],
            "pending_request": "exercise",
            "areas_in_focus": ["calf"],
        }
    )
    events = await ActionScreeningResult().run(dispatcher, tracker, domain)
    assert events == [SlotSet("pending_request", None)]
    assert len(dispatcher.messages) == 1
    message = dispatcher.messages[0]
    assert message["response"] == "utter_refer"
    assert message["see"] and message["reason"] and message["advice"]


async def test_emergency_says_only_to_get_urgent_care(dispatcher: CollectingDispatcher, domain: dict) -> None:
    tracker = make_tracker(
        {
            "screening_outcome": "emergency",
            "screening_reasons": ["dvt_signs"],
            "pending_request": "exercise",
            "areas_in_focus": ["calf"],
        }
    )
    events = await ActionScreeningResult().run(dispatcher, tracker, domain)
    assert events == [SlotSet("pending_request", None)]
    assert [m["response"] for m in dispatcher.messages] == ["utter_emergency"]


async def test_clear_outcome_goes_on_to_the_exercise(dispatcher: CollectingDispatcher, domain: dict, repo) -> None:
    tracker = make_tracker({"screening_outcome": "clear", "pending_request": "exercise", "areas_in_focus": ["lower_back"]})
    events = await ActionScreeningResult().run(dispatcher, tracker, domain)
    first = repo.exercises_for_area("lower_back")[0]
    assert events == [SlotSet("shown_exercises", [first.id])]
    assert dispatcher.messages[0]["response"] == "utter_screening_clear"
    assert first.steps[0] in dispatcher.messages[1]["text"]
    assert "Safety:" in dispatcher.messages[1]["text"]
