"""Drops entities that mean something only with another intent (`INTENT_SCOPED`).

Runs after the intent classifiers (and the FallbackClassifier), before the red-flag detector:
"feels better" in a session report is a `feeling`; "better" in "which ball is better?" is not.
Nothing to train.
"""

from __future__ import annotations

from typing import Any, Dict, FrozenSet, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message

#: entities that only mean something with one of these intents: "better" is how a session felt
#: in "that helped, much better", not in "which ball is better?"
INTENT_SCOPED: Dict[str, FrozenSet[str]] = {"feeling": frozenset({"report_session"})}


def in_scope(entities: List[Dict[str, Any]], intent: Optional[str]) -> List[Dict[str, Any]]:
    """`entities` without those that `INTENT_SCOPED` keeps for other intents."""
    return [e for e in entities if intent in INTENT_SCOPED.get(e["entity"], {intent})]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class IntentScopedEntities(GraphComponent):
    """Keeps an intent-scoped entity only when the message has that intent."""

    @classmethod
    def create(
        cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext
    ) -> IntentScopedEntities:
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            entities = message.get(ENTITIES) or []
            kept = in_scope(entities, intent)
            if len(kept) != len(entities):
                message.set(ENTITIES, kept, add_to_output=True)
        return messages
