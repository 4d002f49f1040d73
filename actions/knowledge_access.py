"""How actions reach the knowledge store, and what people see when it is down."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from functools import lru_cache
from typing import Any, Awaitable, Callable, Dict, List, Sequence, TypeVar

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from knowledge.repository import KnowledgeRepository

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def repository() -> KnowledgeRepository:
    """The process-wide repository, created on first use (never at import time)."""
    return KnowledgeRepository.from_env()


Store = TypeVar("Store")


async def guarded(
    what: str,
    dispatcher: CollectingDispatcher,
    store: Callable[[], Store],
    work: Callable[[Store], Awaitable[List[Dict[str, Any]]]],
    unavailable: str,
    on_failure: Sequence[Dict[str, Any]] = (),
) -> List[Dict[str, Any]]:
    """`work(store())`, or, when that database fails, the `unavailable` response and
    `on_failure`'s events (nothing half-said is kept). `what` names the caller in the log."""
    try:
        return await work(store())
    except SQLAlchemyError:
        logger.exception("a store is unavailable in %s", what)
        dispatcher.messages.clear()
        dispatcher.utter_message(response=unavailable)
        return list(on_failure)


async def run_guarded(
    name: str,
    dispatcher: CollectingDispatcher,
    work: Callable[[KnowledgeRepository], Awaitable[List[Dict[str, Any]]]],
    on_failure: Sequence[Dict[str, Any]] = (),
) -> List[Dict[str, Any]]:
    """`work(repository)`, or the friendly "library unavailable" reply when the knowledge DB fails."""
    return await guarded(name, dispatcher, repository, work, "utter_service_unavailable", on_failure)


class KnowledgeAction(Action, ABC):
    """An action that reads the knowledge store; a DB failure becomes a friendly reply."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        return await run_guarded(self.name(), dispatcher, lambda repo: self.act(dispatcher, tracker, domain, repo))

    @abstractmethod
    async def act(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
        repo: KnowledgeRepository,
    ) -> List[Dict[str, Any]]:
        """The action's work, given the repository."""
