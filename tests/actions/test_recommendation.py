"""Ball recommendation follows the seeds' choosing rules."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.recommendation import ActionNoTool, ActionRecommendBall, recommend
from tests.actions.conftest import entity, make_tracker

pytestmark = pytest.mark.usefixtures("use_knowledge_db")


def test_plantar_fasciitis_gets_a_small_firm_ball(repo) -> None:
    rec = recommend(repo, [], [], condition_id="plantar_fasciitis")
    assert rec.tool.id in ("lacrosse_ball", "cork_ball", "spiky_ball")
    assert rec.tool.size_max_in <= 3.5
    assert any("foot" in r for r in rec.reasons)


def test_sensitive_people_get_a_softer_ball(repo) -> None:
    rec = recommend(repo, ["glute"], ["sensitive"])
    assert rec.tool.density in ("soft", "soft_medium", "medium_firm")
    assert rec.tool.id not in ("lacrosse_ball", "cork_ball", "spiky_ball")


def test_experienced_deep_pressure_for_calves_gets_a_very_firm_small_ball(repo) -> None:
    rec = recommend(repo, ["calf"], ["experienced", "firm_pressure"])
    assert rec.tool.id == "lacrosse_ball"


def test_spine_work_gets_a_peanut_ball(repo) -> None:
    assert recommend(repo, ["lower_back"], []).tool.id == "peanut_ball"


def test_first_ball_without_details_is_versatile(repo) -> None:
    rec = recommend(repo, [], [])
    assert rec.tool.beginner_friendly
    assert rec.alternative is not None and rec.alternative.density != rec.tool.density


async def test_reply_lists_type_size_density_material_texture_and_why(dispatcher: CollectingDispatcher, domain: dict) -> None:
    tracker = make_tracker(
        text="which ball for plantar fasciitis",
        intent="ask_ball_recommendation",
        entities=[entity("condition", "plantar_fasciitis", 14)],
    )
    assert await ActionRecommendBall().run(dispatcher, tracker, domain) == []
    text = dispatcher.messages[0]["text"]
    for label in ("Why:", "Size:", "Density:", "Material:", "Texture:"):
        assert label in text


async def test_no_tool_suggests_a_first_ball_and_a_tennis_ball_meanwhile(dispatcher: CollectingDispatcher, domain: dict) -> None:
    tracker = make_tracker({"areas_in_focus": ["upper_back"]}, text="I don't have a ball", intent="no_tool")
    assert await ActionNoTool().run(dispatcher, tracker, domain) == [SlotSet("tool", "tennis_ball")]
    assert "tennis ball" in dispatcher.messages[0]["text"].lower()
