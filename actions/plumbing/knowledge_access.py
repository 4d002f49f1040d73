"""How actions reach the knowledge store: one process-wide repository, loaded on first use."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from knowledge.repository import KnowledgeRepository


def repository() -> KnowledgeRepository:
    """The process-wide repository (knowledge/content/ read and validated on first use, never at import time)."""
    return KnowledgeRepository.shared()


class KnowledgeAction(Action, ABC):
    """An action that reads the knowledge store: `act` gets the repository."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        return await self.act(dispatcher, tracker, domain, repository())

    @abstractmethod
    async def act(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
        repo: KnowledgeRepository,
    ) -> List[Dict[str, Any]]:
        """The action's work, given the repository."""
