"""Exercise replies: steps, timing, pressure, variations, cautions, tool, safety line."""

from __future__ import annotations

from typing import Dict

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.advice.exercises import deliver_next_exercise, exercise_reply, gentle_hold_max
from knowledge.repository import KnowledgeRepository
from replies.model import Reply
from tests.actions.conftest import make_tracker, reply_of, wording
from tests.checks import present


def facts(reply: Reply) -> Dict[str, str]:
    return {f.label: f.text for f in reply.facts}


def test_every_exercise_reply_carries_its_own_steps_pressure_and_the_safety_line(repo: KnowledgeRepository) -> None:
    words = wording()
    for area in repo.body_areas():
        for exercise in repo.exercises_for_area(area.id):
            reply = exercise_reply(exercise, repo, words, "clear")
            assert reply.kind == "exercise" and reply.steps == exercise.steps
            assert reply.safety == words("utter_safety_reminder")
            assert facts(reply)["Pressure"] == exercise.pressure
            assert reply.data == {"exercise": exercise.id, "area": exercise.body_area, "tool": exercise.tool}


def test_caution_means_lighter_pressure_shorter_holds_and_no_deeper_variation(repo: KnowledgeRepository) -> None:
    exercise = next(
        e
        for area in repo.body_areas()
        for e in repo.exercises_for_area(area.id)
        if e.hold_seconds and e.hold_seconds.max > 30 and e.more_pressure
    )
    normal, gentle = (exercise_reply(exercise, repo, wording(), level) for level in ("clear", "caution"))
    limit, longest = gentle_hold_max(repo), present(exercise.hold_seconds).max
    assert f"{longest:g}" in facts(normal)["Hold"] and f"{longest:g}" not in facts(gentle)["Hold"]
    assert f"{limit:g}" in facts(gentle)["Hold"]
    assert facts(gentle)["Pressure"] == wording()("utter_gentle_pressure")
    assert any(b.startswith("More pressure") for b in normal.bullets)
    assert not any(b.startswith("More pressure") for b in gentle.bullets)
    assert wording()("utter_exercise_gentle") in (gentle.intro or "")


def test_every_exercise_reply_carries_its_placement_picture_with_its_position_sentence_as_alt(repo: KnowledgeRepository) -> None:
    for area in repo.body_areas():
        for exercise in repo.exercises_for_area(area.id):
            picture = exercise_reply(exercise, repo, wording(), "clear").picture
            assert picture is not None and picture.kind == "placement", exercise.id
            assert (picture.exercise, picture.area, picture.title) == (exercise.id, exercise.body_area, exercise.name)
            assert picture.alt.startswith(exercise.steps[0])


def test_a_hold_time_gets_a_timer_of_its_middle_and_none_without_one(repo: KnowledgeRepository) -> None:
    exercises = [e for a in repo.body_areas() for e in repo.exercises_for_area(a.id)]
    held = next(e for e in exercises if e.hold_seconds and (e.hold_seconds.min, e.hold_seconds.max) == (30, 60))
    timer = exercise_reply(held, repo, wording(), "clear").timer
    assert timer is not None and timer.seconds == 45
    assert timer.label == wording()("utter_timer_start", seconds=45) and timer.done == wording()("utter_timer_done")
    gentle = exercise_reply(held, repo, wording(), "caution").timer  # caution: holds end at the default (30 s)
    assert gentle is not None and gentle.seconds == gentle_hold_max(repo) == 30
    other = next(e for e in exercises if e.hold_seconds and (e.hold_seconds.min, e.hold_seconds.max) == (15, 30))
    assert present(exercise_reply(other, repo, wording(), "clear").timer).seconds == 25  # nearest 5 s
    rolled = next(e for e in exercises if e.hold_seconds is None)
    assert exercise_reply(rolled, repo, wording(), "clear").timer is None


def test_an_estimated_figure_is_shown_as_typical(repo: KnowledgeRepository) -> None:
    estimated = [
        e for a in repo.body_areas() for e in repo.exercises_for_area(a.id) if "hold_seconds" in e.estimates and e.hold_seconds
    ]
    for exercise in estimated:
        assert facts(exercise_reply(exercise, repo, wording(), "clear"))["Hold"].endswith("(typical)")


async def test_only_a_foam_roller_gets_foam_roller_instructions(repo: KnowledgeRepository, domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({"areas_in_focus": ["quad"], "tool": "foam_roller", "shown_exercises": []})
    events = deliver_next_exercise(dispatcher, tracker, repo, wording(), "clear")
    reply = reply_of(dispatcher, "exercise")
    assert "foam_roller" in present(repo.exercise(reply.data["exercise"])).tools
    assert events[0] == SlotSet("shown_exercises", [reply.data["exercise"]])
    assert events[1]["name"] == "context" and events[1]["value"]["exercise"] == reply.data["exercise"]
    assert "/no_tool" not in {b.payload.split("{")[0] for b in reply.buttons}  # they said what they own


async def test_a_tool_with_no_instructions_for_the_area_offers_an_exercise_with_another_tool(
    repo: KnowledgeRepository, domain: dict
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({"areas_in_focus": ["neck"], "tool": "massage_stick", "shown_exercises": []})
    assert not repo.exercises_for_area("neck", "massage_stick")
    events = deliver_next_exercise(dispatcher, tracker, repo, wording(), "clear")
    intro = reply_of(dispatcher, "alternative")
    shown = reply_of(dispatcher, "exercise")
    other = present(repo.exercise(shown.data["exercise"]))
    assert "massage stick" in (intro.intro or "") and present(repo.tool(other.tool)).name.lower() in (intro.intro or "")
    assert events[0] == SlotSet("shown_exercises", [other.id])
    assert f'/no_tool{{"tool": "{other.tool}"}}' in [b.payload for b in shown.buttons]  # they may not own it


async def test_when_the_owned_tool_has_nothing_more_the_next_is_with_another_tool(
    repo: KnowledgeRepository, domain: dict
) -> None:
    owned = [e for e in repo.exercises_for_area("quad", "foam_roller")]
    others = [e for e in repo.exercises_for_area("quad") if e not in owned]
    assert owned and others
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({"areas_in_focus": ["quad"], "tool": "foam_roller", "shown_exercises": [e.id for e in owned]})
    events = deliver_next_exercise(dispatcher, tracker, repo, wording(), "clear")
    assert reply_of(dispatcher, "alternative")
    assert reply_of(dispatcher, "exercise").data["exercise"] == others[0].id
    assert events[0] == SlotSet("shown_exercises", [*(e.id for e in owned), others[0].id])


async def test_an_area_without_any_instructions_says_so(repo: KnowledgeRepository, domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({"areas_in_focus": ["neck"], "tool": "massage_stick", "shown_exercises": []})
    everything = [e.id for e in repo.exercises_for_area("neck")]
    tracker = make_tracker({"areas_in_focus": ["neck"], "tool": "massage_stick", "shown_exercises": everything})
    events = deliver_next_exercise(dispatcher, tracker, repo, wording(), "clear")
    assert dispatcher.messages[0]["response"] == "utter_no_more_exercises_again"  # all shown: the first again
    assert events[0] == SlotSet("shown_exercises", everything[:1])


async def test_without_a_tool_the_reply_offers_i_dont_have_that_for_its_tool(repo: KnowledgeRepository, domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    deliver_next_exercise(
        dispatcher, make_tracker({"areas_in_focus": ["lower_back"], "shown_exercises": []}), repo, wording(), "clear"
    )
    reply = reply_of(dispatcher, "exercise")
    exercise = present(repo.exercise(reply.data["exercise"]))
    assert f'/no_tool{{"tool": "{exercise.tool}"}}' in [b.payload for b in reply.buttons]
