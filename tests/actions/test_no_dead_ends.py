"""No dead ends (issue #21): for every area x tool of the knowledge store (and no tool), once the
screening is clear, a hands-on request ends in steps, either with the tool owned or, said so,
with another tool (kind alternative), never in "I don't have instructions" alone."""

from __future__ import annotations

from typing import List, Optional

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.advice.exercises import deliver_next_exercise
from knowledge.repository import KnowledgeRepository
from tests.actions.conftest import make_tracker, replies, wording

REPO = KnowledgeRepository.shared()
AREAS = [a.id for a in REPO.body_areas()]
TOOLS: List[Optional[str]] = [None, *(t.id for t in REPO.tools())]


@pytest.mark.parametrize("tool", TOOLS, ids=lambda t: t or "no_tool")
@pytest.mark.parametrize("area", AREAS)
def test_every_area_and_tool_ends_in_steps(area: str, tool: Optional[str]) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({"areas_in_focus": [area], "tool": tool, "shown_exercises": []})
    events = deliver_next_exercise(dispatcher, tracker, REPO, wording(), "clear")
    kinds = [r.kind for r in replies(dispatcher)]
    if not REPO.exercises_for_area(area):
        pytest.fail(f"the store has no exercise at all for {area}")
    assert "exercise" in kinds, f"{area} with {tool}: {kinds}"
    assert "no_exercise_for_tool" not in kinds
    owned = tool is not None and bool(REPO.exercises_for_area(area, tool))
    assert ("alternative" in kinds) == (tool is not None and not owned), kinds
    assert events and events[0]["name"] == "shown_exercises"
