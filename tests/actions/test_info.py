"""Dosing, tool info, trigger point facts and care tips come from the store."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.info import ActionCareTips, ActionDosage, ActionToolInfo, ActionTriggerPointInfo
from tests.actions.conftest import entity, make_tracker

pytestmark = pytest.mark.usefixtures("use_knowledge_db")


async def test_dosage_gives_the_default_figures(dispatcher: CollectingDispatcher, domain: dict, repo) -> None:
    tracker = make_tracker(text="how often should I do this", intent="ask_dosage")
    assert await ActionDosage().run(dispatcher, tracker, domain) == []
    text = dispatcher.messages[0]["text"]
    defaults = repo.default_dosing()
    assert defaults["frequency"].summary in text and defaults["pressure"].summary in text


async def test_one_tool_is_described(dispatcher: CollectingDispatcher, domain: dict, repo) -> None:
    tracker = make_tracker(text="what is a peanut ball", intent="ask_tool_info", entities=[entity("tool", "peanut_ball", 10)])
    await ActionToolInfo().run(dispatcher, tracker, domain)
    assert repo.tool("peanut_ball").good_to_know in dispatcher.messages[0]["text"]


async def test_two_tools_are_compared(dispatcher: CollectingDispatcher, domain: dict) -> None:
    tracker = make_tracker(
        text="lacrosse ball vs tennis ball",
        intent="ask_tool_info",
        entities=[entity("tool", "lacrosse_ball", 0), entity("tool", "tennis_ball", 17)],
    )
    await ActionToolInfo().run(dispatcher, tracker, domain)
    text = dispatcher.messages[0]["text"]
    assert "Lacrosse ball" in text and "Tennis ball" in text


async def test_trigger_point_facts_include_an_honest_evidence_line(dispatcher: CollectingDispatcher, domain: dict, repo) -> None:
    tracker = make_tracker(text="what is a trigger point", intent="ask_trigger_point_info")
    await ActionTriggerPointInfo().run(dispatcher, tracker, domain)
    assert repo.facts("evidence_limits")[0].text in dispatcher.messages[0]["text"]


async def test_referred_pain_question_gets_the_referred_pain_fact(dispatcher: CollectingDispatcher, domain: dict, repo) -> None:
    tracker = make_tracker(text="what is referred pain", intent="ask_trigger_point_info")
    await ActionTriggerPointInfo().run(dispatcher, tracker, domain)
    assert repo.facts("referred_pain")[0].text in dispatcher.messages[0]["text"]


async def test_cleaning_question_gets_cleaning_tips(dispatcher: CollectingDispatcher, domain: dict, repo) -> None:
    tracker = make_tracker(text="how do I clean my ball", intent="ask_care")
    await ActionCareTips().run(dispatcher, tracker, domain)
    text = dispatcher.messages[0]["text"]
    assert all(t.text in text for t in repo.care_tips("cleaning"))
    assert not any(t.text in text for t in repo.care_tips("travel"))
