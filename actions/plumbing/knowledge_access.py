"""How actions reach the knowledge store: one process-wide repository, loaded on first use."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.plumbing.replying import Wording
from knowledge.repository import KnowledgeRepository

#: what an action returns: the events it records
Events = List[Dict[str, Any]]


def repository() -> KnowledgeRepository:
    """The process-wide repository (knowledge/content/ read and validated on first use, never at import time)."""
    return KnowledgeRepository.shared()


class CoachAction(Action, ABC):
    """The usual knowledge action: named by `NAME`; `do` gets the repository and the domain's wording."""

    NAME: ClassVar[str]

    def name(self) -> str:
        return self.NAME

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> Events:
        return await self.do(dispatcher, tracker, repository(), Wording(domain))

    @abstractmethod
    async def do(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> Events:
        """The action's work."""
