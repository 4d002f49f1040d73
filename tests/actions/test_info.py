"""Dosing, tool info, trigger point facts and care tips come from the store; topics are entities."""

from __future__ import annotations

from typing import Tuple

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.advice.info import ActionCareTips, ActionDosage, ActionToolInfo, ActionTriggerPointInfo, ActionWarningSigns
from knowledge.repository import KnowledgeRepository
from tests.actions.conftest import entity, make_tracker, replies, reply_of
from tests.checks import present


async def test_dosage_gives_the_default_figures(
    dispatcher: CollectingDispatcher, domain: dict, repo: KnowledgeRepository
) -> None:
    events = await ActionDosage().run(dispatcher, make_tracker(text="how often should I do this", intent="ask_dosage"), domain)
    reply = reply_of(dispatcher, "dosing")
    defaults = repo.default_dosing()
    texts = [f.text for f in reply.facts]
    assert defaults["frequency"].summary in texts and defaults["pressure"].summary in texts
    assert ["dosing", defaults["frequency"].id] in events[0]["value"]["entries"]


@pytest.mark.parametrize(("outcome", "kind"), [("refer", "referral"), ("urgent", "referral"), ("emergency", "emergency")])
async def test_after_a_referral_how_much_to_roll_repeats_the_referral(domain: dict, outcome: str, kind: str) -> None:
    dispatcher = CollectingDispatcher()
    slots = {"screening_outcome": outcome, "screening_reasons": ["disc_herniation"]}
    tracker = make_tracker(slots, text="should I keep rolling?", intent="ask_dosage")
    events = await ActionDosage().run(dispatcher, tracker, domain)
    assert [r.kind for r in replies(dispatcher)] == [kind]
    assert events == [SlotSet("context", {"kind": "referral", "entries": [["safety_rule", "disc_herniation"]]})]


async def test_one_tool_is_described(dispatcher: CollectingDispatcher, domain: dict, repo: KnowledgeRepository) -> None:
    tracker = make_tracker(text="what is a peanut ball", intent="ask_tool_info", entities=[entity("tool", "peanut_ball", 10)])
    await ActionToolInfo().run(dispatcher, tracker, domain)
    reply = reply_of(dispatcher, "tool_info")
    assert reply.intro == present(repo.tool("peanut_ball")).good_to_know


async def test_two_tools_are_compared_side_by_side(dispatcher: CollectingDispatcher, domain: dict) -> None:
    tracker = make_tracker(
        text="lacrosse ball vs tennis ball",
        intent="ask_tool_info",
        entities=[entity("tool", "lacrosse_ball", 0), entity("tool", "tennis_ball", 17)],
    )
    await ActionToolInfo().run(dispatcher, tracker, domain)
    reply = reply_of(dispatcher, "comparison")
    assert [f.label for f in reply.facts] == ["Lacrosse ball", "Tennis ball"]


@pytest.mark.parametrize(("text", "topics"), [("what is a trigger point", ()), ("what is referred pain", ("referred_pain",))])
async def test_the_topic_entity_picks_the_fact(
    dispatcher: CollectingDispatcher, domain: dict, repo: KnowledgeRepository, text: str, topics: Tuple[str, ...]
) -> None:
    entities = [entity("topic", t) for t in topics]
    await ActionTriggerPointInfo().run(
        dispatcher, make_tracker(text=text, intent="ask_trigger_point_info", entities=entities), domain
    )
    reply = reply_of(dispatcher, "facts")
    expected = repo.facts(topics[0])[0] if topics else repo.facts("what_is")[0]
    assert expected.text in (reply.intro or "")
    assert any(repo.facts("evidence_limits")[0].text in b for b in reply.bullets)


async def test_a_button_and_a_sentence_get_the_same_evidence_answer(domain: dict, repo: KnowledgeRepository) -> None:
    typed, tapped = CollectingDispatcher(), CollectingDispatcher()
    await ActionTriggerPointInfo().run(
        typed,
        make_tracker(text="does it really work?", intent="ask_trigger_point_info", entities=[entity("topic", "evidence")]),
        domain,
    )
    await ActionTriggerPointInfo().run(
        tapped,
        make_tracker(
            text='/ask_trigger_point_info{"topic": "evidence"}',
            intent="ask_trigger_point_info",
            entities=[entity("topic", "evidence")],
        ),
        domain,
    )
    assert reply_of(typed, "facts") == reply_of(tapped, "facts")
    assert repo.facts("evidence")[0].text in (reply_of(typed, "facts").intro or "")
    button = next(b for b in reply_of(typed, "facts").buttons if "evidence" in b.payload)
    assert button.payload == '/ask_trigger_point_info{"topic": "evidence"}'


async def test_cleaning_question_gets_cleaning_tips(
    dispatcher: CollectingDispatcher, domain: dict, repo: KnowledgeRepository
) -> None:
    tracker = make_tracker(text="how do I clean my ball", intent="ask_care", entities=[entity("topic", "cleaning")])
    await ActionCareTips().run(dispatcher, tracker, domain)
    reply = reply_of(dispatcher, "care")
    assert list(reply.bullets) == [t.text for t in repo.care_tips("cleaning")]


async def test_a_plane_question_gets_travel_tips(
    dispatcher: CollectingDispatcher, domain: dict, repo: KnowledgeRepository
) -> None:
    tracker = make_tracker(text="can I take it on a plane", intent="ask_care", entities=[entity("preference", "travel")])
    await ActionCareTips().run(dispatcher, tracker, domain)
    assert list(reply_of(dispatcher, "care").bullets) == [t.text for t in repo.care_tips("travel")]


async def test_warning_signs_are_the_stores_stop_signs(
    dispatcher: CollectingDispatcher, domain: dict, repo: KnowledgeRepository
) -> None:
    tracker = make_tracker(text="which signs mean I should stop?", intent="ask_warning_signs")
    events = await ActionWarningSigns().run(dispatcher, tracker, domain)
    reply = reply_of(dispatcher, "warning_signs")
    stop_signs = {r.id for r in repo.safety_rules() if r.stop_sign}
    assert set(reply.data["rules"]) == stop_signs and len(stop_signs) >= 5
    nerve = present(repo.safety_rule("nerve_symptoms"))
    assert any(nerve.name in line and nerve.description in line for line in reply.bullets)
    emergencies = [rule for rule in (present(repo.safety_rule(r)) for r in stop_signs) if rule.level == "emergency"]
    assert all(r.name.lower() in reply.bullets[-1] for r in emergencies)  # named together, last
    assert events[0]["value"]["kind"] == "warning_signs"
