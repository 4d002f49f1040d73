"""ask_source: "where is that from?", "source?", "is that proven?" after any answer.

Names the articles (by title) and, for safety advice, the clinical guidelines behind the
last answer (actions/plumbing/context.py), and says what the evidence shows and what it does not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Tuple

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.plumbing.context import recall
from actions.plumbing.knowledge_access import CoachAction, Events
from actions.plumbing.replying import Wording, send
from knowledge.repository import KnowledgeRepository
from knowledge.views import Citations
from replies.model import Reply

if TYPE_CHECKING:
    from knowledge.schema import Guideline, Source

SAFETY_KINDS = ("safety_rule", "checklist_item")


def citations_of(repo: KnowledgeRepository, entries: Tuple[Tuple[str, str], ...]) -> Citations:
    seeds: Dict[str, Source] = {}
    guidelines: Dict[str, Guideline] = {}
    for kind in dict.fromkeys(kind for kind, _ in entries):
        found = repo.citations(kind, [entry_id for k, entry_id in entries if k == kind])
        seeds.update({s.file: s for s in found.seeds})
        guidelines.update({g.id: g for g in found.guidelines})
    return Citations(tuple(seeds[k] for k in sorted(seeds)), tuple(guidelines[k] for k in sorted(guidelines)))


class ActionSources(CoachAction):
    NAME = "action_sources"

    async def do(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> Events:
        context = recall(tracker)
        if not context.entries:
            dispatcher.utter_message(response="utter_sources_nothing_yet")
            return []
        cited = citations_of(repo, context.entries)
        bullets = [wording("utter_source_article", title=s.title) for s in cited.seeds]
        bullets += [
            wording("utter_source_guideline", title=g.title, publisher=g.publisher, year=str(g.year)) for g in cited.guidelines
        ]
        safety = all(kind in SAFETY_KINDS for kind, _ in context.entries)
        evidence = [] if safety else repo.facts("evidence")[:1] + repo.facts("evidence_limits")[:1]
        send(
            dispatcher,
            Reply(
                kind="sources",
                title=wording("utter_sources_title"),
                intro=wording("utter_sources_safety_intro" if safety else "utter_sources_intro"),
                bullets=tuple(bullets),
                outro=" ".join(f.text for f in evidence) or None,
                data={"seeds": [s.file for s in cited.seeds], "guidelines": [g.id for g in cited.guidelines]},
            ),
        )
        return []
