"""Follow-ups resolved against what we last talked about (exact events)."""

from __future__ import annotations

from typing import Any

from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.advice.followups import ActionAcknowledge, ActionClarifyFeeling, ActionLessPressure, ActionMorePressure
from actions.advice.questions import ANSWERS, RESPONSES, ActionAnswerQuestion
from actions.advice.sources import ActionSources
from actions.coaching.session import ActionSessionStart
from knowledge.repository import KnowledgeRepository
from tests.actions.conftest import make_tracker, reply_of
from tests.checks import present


def after_exercise(exercise_id: str, **slots: Any) -> dict:
    return {"context": {"kind": "exercise", "entries": [["exercise", exercise_id]], "exercise": exercise_id}, **slots}


async def test_too_intense_gives_that_exercises_less_pressure_options(
    dispatcher: CollectingDispatcher, domain: dict, repo: KnowledgeRepository
) -> None:
    exercise = next(e for e in repo.exercises_for_area("calf") if e.less_pressure)
    await ActionLessPressure().run(
        dispatcher, make_tracker(after_exercise(exercise.id, screening_outcome="clear"), intent="too_intense"), domain
    )
    reply = reply_of(dispatcher, "less_pressure")
    assert reply.steps == exercise.less_pressure and reply.data == {"exercise": exercise.id}
    assert present(repo.safety_rule("stop_if_sharp")).advice in reply.bullets


async def test_too_intense_without_an_exercise_still_says_how_to_ease_off(
    dispatcher: CollectingDispatcher, domain: dict, repo: KnowledgeRepository
) -> None:
    await ActionLessPressure().run(dispatcher, make_tracker({}, intent="too_intense"), domain)
    assert present(repo.safety_rule("pressure_threshold")).advice in reply_of(dispatcher, "less_pressure").bullets


async def test_more_pressure_uses_the_exercises_option(
    dispatcher: CollectingDispatcher, domain: dict, repo: KnowledgeRepository
) -> None:
    exercise = next(e for e in repo.exercises_for_area("glute") if e.more_pressure)
    await ActionMorePressure().run(
        dispatcher, make_tracker(after_exercise(exercise.id, screening_outcome="clear"), intent="more_pressure"), domain
    )
    assert reply_of(dispatcher, "more_pressure").steps == exercise.more_pressure


async def test_no_more_pressure_after_a_gentle_screening_or_on_the_neck(domain: dict, repo: KnowledgeRepository) -> None:
    glute = next(e for e in repo.exercises_for_area("glute") if e.more_pressure)
    neck = repo.exercises_for_area("neck")[0]
    assert not neck.more_pressure
    for exercise, outcome in ((glute, "caution"), (neck, "clear")):
        dispatcher = CollectingDispatcher()
        await ActionMorePressure().run(dispatcher, make_tracker(after_exercise(exercise.id, screening_outcome=outcome)), domain)
        assert reply_of(dispatcher, "more_pressure").steps == ()


async def test_i_cant_feel_anything_asks_instead_of_guessing(dispatcher: CollectingDispatcher, domain: dict) -> None:
    await ActionClarifyFeeling().run(dispatcher, make_tracker(intent="not_feeling_it"), domain)
    reply = reply_of(dispatcher, "clarify")
    assert [b.payload for b in reply.buttons] == ["/more_pressure", '/report_red_flag{"red_flag": "nerve_symptoms"}']


async def test_sources_of_an_exercise_name_its_articles_and_the_evidence_limits(
    dispatcher: CollectingDispatcher, domain: dict, repo: KnowledgeRepository
) -> None:
    exercise = repo.exercises_for_area("lower_back")[0]
    await ActionSources().run(dispatcher, make_tracker(after_exercise(exercise.id), intent="ask_source"), domain)
    reply = reply_of(dispatcher, "sources")
    titles = {s.file: s.title for s in repo.seed_articles()}
    assert reply.data["seeds"] == sorted(exercise.sources)
    assert [b for b in reply.bullets if titles[exercise.sources[0]] in b]
    assert repo.facts("evidence_limits")[0].text in (reply.outro or "")


async def test_sources_of_a_referral_name_the_guideline(
    dispatcher: CollectingDispatcher, domain: dict, repo: KnowledgeRepository
) -> None:
    context = {"kind": "referral", "entries": [["safety_rule", "dvt_signs"]]}
    await ActionSources().run(dispatcher, make_tracker({"context": context}, intent="ask_source"), domain)
    reply = reply_of(dispatcher, "sources")
    assert reply.data["guidelines"] == ["nice_ng158", "wells_dvt"]
    assert any("NICE" in b for b in reply.bullets) and reply.outro is None


async def test_sources_before_any_answer(dispatcher: CollectingDispatcher, domain: dict) -> None:
    await ActionSources().run(dispatcher, make_tracker({}, intent="ask_source"), domain)
    assert dispatcher.messages[0]["response"] == "utter_sources_nothing_yet"


async def test_every_question_intent_has_exactly_one_answer(domain: dict) -> None:
    assert not set(ANSWERS) & set(RESPONSES)
    for intent, response in RESPONSES.items():
        dispatcher = CollectingDispatcher()
        await ActionAnswerQuestion().run(dispatcher, make_tracker(intent=intent), domain)
        assert dispatcher.messages[0]["response"] == response
        assert response in domain["responses"]


async def test_session_start_shows_the_disclaimer_once_and_carries_slots_as_the_domain_says(domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({"screening_outcome": "refer", "hands_on_next": "deliver"})
    events = await ActionSessionStart().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["response"] == "utter_disclaimer"
    names = [e.get("name") for e in events if e.get("event") == "slot"]
    assert "screening_outcome" in names and "hands_on_next" not in names
    no_carry = {**domain, "session_config": {"carry_over_slots_to_new_session": False}}
    events = await ActionSessionStart().run(CollectingDispatcher(), tracker, no_carry)
    assert [e["event"] for e in events] == ["session_started", "action"]


async def test_a_bare_yes_right_after_a_referral_gets_the_referral_again(domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    slots = {
        "screening_outcome": "refer",
        "screening_reasons": ["nerve_symptoms"],
        "context": {"kind": "referral", "entries": [["safety_rule", "nerve_symptoms"]]},
    }
    events = await ActionAcknowledge().run(dispatcher, make_tracker(slots, text="/affirm", intent="affirm"), domain)
    assert events == []
    assert reply_of(dispatcher, "referral").data


async def test_a_bare_yes_otherwise_asks_what_else(domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    slots = {"screening_outcome": "refer", "context": {"kind": "dosing", "entries": []}}  # the referral was said earlier
    assert await ActionAcknowledge().run(dispatcher, make_tracker(slots, text="ok", intent="affirm"), domain) == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_anything_else"]


async def test_cant_feel_anything_read_as_a_possible_numbness_is_asked_about_by_the_gate(domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    flagged = [{"entity": "possible_flag", "value": "nerve_symptoms", "start": 2, "end": 12}]
    slots = after_exercise("calf_ball_roll")
    tracker = make_tracker(slots, text="I can't feel anything", intent="not_feeling_it", entities=flagged)
    assert await ActionClarifyFeeling().run(dispatcher, tracker, domain) == [FollowupAction("action_request_hands_on")]
    assert dispatcher.messages == []
