"""Ball recommendation: area, condition, sensitivity, experience, pressure -> a ball and why.

Scoring follows the seeds' choosing guidance: match the area, respect preferences
(sensitive/beginner -> softer, smooth, medium or larger; experienced/deep -> small, firm),
and default to the versatile medium, smooth ball for a first purchase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.formatting import Reply, button, render
from actions.info import tool_facts
from actions.knowledge_access import KnowledgeAction
from actions.tracker_reading import entity_values, first_entity, input_channel, latest_text
from knowledge.repository import KnowledgeRepository
from knowledge.views import PreferenceView, ToolView

BALL_KINDS = ("ball", "double_ball", "handheld")
SENSITIVE_PAIN = 7
_BALL_WORD = re.compile(r"\bballs?\b", re.I)


@dataclass(frozen=True)
class Recommendation:
    tool: ToolView
    reasons: Tuple[str, ...]
    alternative: Optional[ToolView]


def recommend(
    repo: KnowledgeRepository,
    areas: Sequence[str],
    preferences: Sequence[str],
    balls_only: bool = True,
    condition_id: Optional[str] = None,
) -> Recommendation:
    """Best tool for the person, with the reasons that picked it."""
    areas = list(areas)
    reasons: List[str] = []
    if condition_id:
        condition = repo.condition(condition_id)
        if condition and not areas:
            areas = list(condition.body_areas[:1])
    prefs: List[PreferenceView] = repo.preferences(preferences)
    tools = [t for t in repo.tools() if not balls_only or t.kind in BALL_KINDS]

    def score(tool: ToolView) -> float:
        value = 0.0
        for area in areas:
            if area in tool.best_for_areas:
                value += 4 - 0.3 * tool.best_for_areas.index(area)
        for pref in prefs:
            if tool.id in pref.prefer_tools:
                value += 3 - 0.5 * pref.prefer_tools.index(tool.id)
            if tool.id in pref.avoid_tools:
                value -= 5
        if not prefs and tool.beginner_friendly:
            value += 0.5 if areas else 1  # a first ball: versatile and forgiving
        return value

    ranked = sorted(tools, key=lambda t: (-score(t), t.id))
    best = ranked[0]
    for area in areas:
        if area in best.best_for_areas:
            area_view = repo.body_area(area)
            reasons.append(f"it suits your {(area_view.short_name if area_view else area.replace('_', ' ')).lower()}")
    reasons += [p.reason for p in prefs if best.id in p.prefer_tools]
    if not reasons:
        reasons.append("a smooth, medium-firm ball is the most versatile first tool; add a firmer or larger one later")
    alternative = next((t for t in ranked[1:] if t.density != best.density), None)
    return Recommendation(best, tuple(reasons), alternative)


def recommendation_reply(rec: Recommendation) -> Reply:
    tool = rec.tool
    why = rec.reasons[0]
    why = why[0].upper() + why[1:]
    bullets = [tool.good_to_know, *tool.cautions[:1]]
    if rec.alternative:
        bullets.append(
            f"Also worth a look: {rec.alternative.name} ({rec.alternative.best_for[0].lower()}{rec.alternative.best_for[1:]})"
        )
    return Reply(title=f"Try a {tool.name.lower()}", intro=f"Why: {why.rstrip('.')}.", facts=tool_facts(tool), bullets=bullets)


class ActionRecommendBall(KnowledgeAction):
    def name(self) -> str:
        return "action_recommend_ball"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any], repo: KnowledgeRepository
    ) -> List[Dict[str, Any]]:
        areas = entity_values(tracker, "body_area") or list(tracker.get_slot("areas_in_focus") or [])
        preferences = list(tracker.get_slot("preference") or [])
        pain = tracker.get_slot("pain_level")
        if (pain and str(pain).isdigit() and int(pain) >= SENSITIVE_PAIN) or tracker.get_slot("screening_outcome") == "caution":
            preferences.append("sensitive")
        text = latest_text(tracker)
        balls_only = bool(_BALL_WORD.search(text)) or not text.strip() or text.startswith("/")
        rec = recommend(repo, areas, preferences, balls_only, first_entity(tracker, "condition") or tracker.get_slot("condition"))
        dispatcher.utter_message(
            text=render(recommendation_reply(rec), input_channel(tracker)),
            buttons=[
                button(f"How to use a {rec.tool.name.lower()}", f'/ask_exercise{{"tool": "{rec.tool.id}"}}'),
                button("Compare balls", "/ask_tool_info"),
            ],
        )
        return []


class ActionNoTool(KnowledgeAction):
    """ "I don't have a ball": what to start with, and that a wall or a tennis ball works."""

    def name(self) -> str:
        return "action_no_tool"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any], repo: KnowledgeRepository
    ) -> List[Dict[str, Any]]:
        areas = list(tracker.get_slot("areas_in_focus") or [])
        rec = recommend(repo, areas, ["beginner"])
        tennis = repo.tool("tennis_ball")
        lines = [f"No problem. A good first buy is a {rec.tool.name.lower()}: {rec.reasons[0].rstrip('.')}."]
        if tennis:
            lines.append(f"Until then, a {tennis.name.lower()} works: {tennis.good_to_know[0].lower()}{tennis.good_to_know[1:]}")
        dispatcher.utter_message(text=" ".join(lines), buttons=[button("Compare balls", "/ask_tool_info")])
        return [SlotSet("tool", "tennis_ball" if tennis else None)]
