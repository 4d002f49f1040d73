"""Spelling tolerance for the intent classifier's input.

Placed right after the tokenizer: each misspelt token ("hurst", "sholder", "rolller") is read
as the word of the training vocabulary it is closest to, within the bounds of
components/spelling.py, so the featurizers see the words the classifier was trained on. The
token keeps its position in the text (entity spans are not affected), and ordinary English
words are never changed.

The vocabulary is every word of the training examples plus the knowledge store's aliases; the
lookup tables' words (courtesy words of other languages) are known words it leaves alone. The
speller is built at training time and persisted in the model.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from typing import Any, Dict, List, Optional, Set

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.entity_extractor import alias_phrases, knowledge_vocabulary
from components.spelling import Speller
from components.vocabulary_component import StoredComponent, lookup_words, words_of

SPELLER_FILE = "speller.json"


def training_words(training_data: TrainingData) -> Set[str]:
    """Every word of the training examples and of the knowledge aliases."""
    examples = words_of(m.get(TEXT) or "" for m in training_data.training_examples)
    return examples | words_of(alias_phrases(knowledge_vocabulary()))


def aliases_fingerprint() -> str:
    """A digest of the knowledge aliases, for components whose training reads them."""
    return hashlib.sha256(json.dumps(sorted(alias_phrases(knowledge_vocabulary()))).encode()).hexdigest()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class SpellingNormaliser(StoredComponent):
    """Rewrites misspelt tokens to training-vocabulary words before featurization."""

    _speller: Optional[Speller] = None  # without one (no speller in the model), nothing changes

    @staticmethod
    def required_components() -> List[type]:
        return [Tokenizer]

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> str:
        """The knowledge aliases are an input too: a change there rebuilds the speller."""
        return aliases_fingerprint()

    def train(self, training_data: TrainingData) -> Resource:
        self._speller = Speller.build(training_words(training_data), known=lookup_words(training_data))
        with self._model_storage.write_to(self._resource) as path:
            (path / SPELLER_FILE).write_text(json.dumps(self._speller.to_json()), encoding="utf-8")
        return self._resource

    def restore(self) -> None:
        with contextlib.suppress(ValueError, FileNotFoundError), self._model_storage.read_from(self._resource) as path:
            self._speller = Speller.from_json(json.loads((path / SPELLER_FILE).read_text(encoding="utf-8")))

    def _normalise(self, message: Message) -> None:
        if self._speller is None:
            return
        for token in message.get(TOKENS_NAMES[TEXT]) or []:
            word = token.text.lower()
            fixed = self._speller.correct(word)
            if fixed != word:
                token.text = fixed
                token.lemma = fixed

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            self._normalise(message)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if not (message.get(TEXT) or "").startswith("/"):
                self._normalise(message)
        return messages
