"""Ball recommendation follows the seeds' choosing rules; comparisons; "I don't have that"."""

from __future__ import annotations

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.advice.recommendation import ActionNoTool, ActionRecommendBall, recommend
from knowledge.repository import KnowledgeRepository
from tests.actions.conftest import entity, make_tracker, reply_of, wording
from tests.checks import present


def test_plantar_fasciitis_gets_a_small_firm_ball(repo: KnowledgeRepository) -> None:
    rec = recommend(repo, wording(), [], [], condition_id="plantar_fasciitis")
    assert rec.tool.id in ("lacrosse_ball", "cork_ball", "spiky_ball")
    assert rec.tool.size_max_in <= 3.5
    assert any("foot" in r for r in rec.reasons)


def test_sensitive_people_get_a_softer_ball(repo: KnowledgeRepository) -> None:
    rec = recommend(repo, wording(), ["glute"], ["sensitive"])
    assert rec.tool.density in ("soft", "soft_medium", "medium", "medium_firm")
    assert rec.tool.id not in ("lacrosse_ball", "cork_ball", "spiky_ball")


def test_experienced_deep_pressure_for_calves_gets_a_very_firm_small_ball(repo: KnowledgeRepository) -> None:
    assert recommend(repo, wording(), ["calf"], ["experienced", "firm_pressure"]).tool.id == "lacrosse_ball"


def test_spine_work_gets_a_peanut_ball_never_a_home_made_one(repo: KnowledgeRepository) -> None:
    assert recommend(repo, wording(), ["lower_back"], []).tool.id == "peanut_ball"


def test_first_ball_without_details_is_versatile(repo: KnowledgeRepository) -> None:
    rec = recommend(repo, wording(), [], [])
    assert rec.tool.beginner_friendly
    assert rec.alternative is not None and rec.alternative.density != rec.tool.density


async def test_reply_lists_size_density_material_texture_and_why(dispatcher: CollectingDispatcher, domain: dict) -> None:
    tracker = make_tracker(
        text="which ball for plantar fasciitis",
        intent="ask_ball_recommendation",
        entities=[entity("condition", "plantar_fasciitis", 14)],
    )
    await ActionRecommendBall().run(dispatcher, tracker, domain)
    reply = reply_of(dispatcher, "recommendation")
    assert [f.label for f in reply.facts] == ["Size", "Density", "Material", "Texture", "Best for"]
    assert (reply.intro or "").startswith("Why:")
    assert reply.buttons[0].payload == f'/ask_exercise{{"tool": "{reply.data["tool"]}"}}'


async def test_the_projects_estimates_are_shown_as_typical(
    dispatcher: CollectingDispatcher, domain: dict, repo: KnowledgeRepository
) -> None:
    estimated = next(t for t in repo.tools() if "size" in t.estimates)
    tracker = make_tracker(
        text=f"what about the {estimated.name}", intent="ask_tool_info", entities=[entity("tool", estimated.id)]
    )
    from actions.advice.info import ActionToolInfo

    await ActionToolInfo().run(dispatcher, tracker, domain)
    size = next(f.text for f in reply_of(dispatcher, "tool_info").facts if f.label == "Size")
    assert size.endswith("(typical)")


async def test_x_or_y_for_an_area_is_compared_not_answered_with_a_third_tool(
    dispatcher: CollectingDispatcher, domain: dict, repo: KnowledgeRepository
) -> None:
    tracker = make_tracker(
        text="foam roller or massage ball for my calves?",
        intent="ask_ball_recommendation",
        entities=[entity("tool", "foam_roller", 0), entity("tool", "lacrosse_ball", 15), entity("body_area", "calf", 36)],
    )
    events = await ActionRecommendBall().run(dispatcher, tracker, domain)
    reply = reply_of(dispatcher, "comparison")
    assert reply.data["tools"] == ["foam_roller", "lacrosse_ball"] and reply.data["area"] == "calf"
    calf_ball = repo.exercises_for_area("calf", "lacrosse_ball")
    assert calf_ball[0].name in reply.facts[1].text
    assert [f.text for f in repo.facts("ball_choice")] == list(reply.bullets)
    assert events[0]["value"]["kind"] == "comparison"


async def test_no_tool_suggests_a_first_ball_and_a_tennis_ball_meanwhile(dispatcher: CollectingDispatcher, domain: dict) -> None:
    tracker = make_tracker({"areas_in_focus": ["upper_back"]}, text="I don't have a ball", intent="no_tool")
    events = await ActionNoTool().run(dispatcher, tracker, domain)
    assert events[0] == SlotSet("tool", "tennis_ball")
    assert "tennis ball" in (reply_of(dispatcher, "no_tool").intro or "").lower()


async def test_no_peanut_ball_gets_the_home_made_double_ball_not_a_shopping_tip(
    dispatcher: CollectingDispatcher, domain: dict, repo: KnowledgeRepository
) -> None:
    tracker = make_tracker(text="I don't have a peanut ball", intent="no_tool", entities=[entity("tool", "peanut_ball", 15)])
    events = await ActionNoTool().run(dispatcher, tracker, domain)
    reply = reply_of(dispatcher, "alternative")
    assert reply.data == {"missing": "peanut_ball", "alternative": "diy_double_ball"}
    assert present(repo.tool("diy_double_ball")).good_to_know in (reply.intro or "")
    assert events[0] == SlotSet("tool", "diy_double_ball")
