"""Drops entities that mean something only with another intent (`INTENT_SCOPED`).

Runs after the intent classifiers (and the FallbackClassifier), before the red-flag detector:
"feels better" in a session report is a `feeling`; "better" in "which ball is better?" is not.
Nothing to train; the rule itself lives in components/entity_extractor.py, next to the
extractor that finds the entities, so the annotation script and its test share it.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message

from components.entity_extractor import in_scope


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
