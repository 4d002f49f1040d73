"""Bases for NLU components that keep what they learn inside the model.

`StoredComponent`: a trainable component that writes its trained state to its resource of the
model; a loaded one is built empty and takes that state back (`restore`).

`VocabularyComponent`: one whose patterns come from the knowledge store. The vocabulary is
read from the repository at training time, persisted inside the model (the running bot never
needs the knowledge store to parse a message) and added to Rasa's cache fingerprint, so a
vocabulary change retrains the component. A speller for the vocabulary's words
(components/spelling.py) is built at training time and persisted with it.
"""

from __future__ import annotations

import hashlib
import json
import re
from abc import ABC, abstractmethod
from typing import Any, Dict, Iterable, List, Optional, Set

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.spelling import Speller

VOCABULARY_FILE = "vocabulary.json"
#: key of the persisted vocabulary that holds the component's speller (built at training time)
SPELLER_KEY = "_speller"
#: optional key of a vocabulary: words the speller must never change (they mean something else)
KNOWN_KEY = "_known"
_WORD = re.compile(r"[a-z]+")


def words_of(phrases: Iterable[str]) -> Set[str]:
    """The lower-case words of `phrases`."""
    return {w for phrase in phrases for w in _WORD.findall(phrase.lower())}


def lookup_words(training_data: TrainingData) -> Set[str]:
    """The words of the training data's lookup tables (courtesy words of other languages)."""
    tables = [t["elements"] for t in training_data.lookup_tables if isinstance(t.get("elements"), list)]
    return words_of(str(element) for elements in tables for element in elements)


def with_lookup_words(vocabulary: Dict[str, Any], training_data: TrainingData) -> Dict[str, Any]:
    """`vocabulary` with the lookup tables' words as known words: a courtesy word of another
    language ("ale gute", "stora takk") is a word, not a misspelt alias."""
    lookup = lookup_words(training_data)
    if not lookup:
        return vocabulary
    return {**vocabulary, KNOWN_KEY: sorted({*(vocabulary.get(KNOWN_KEY) or ()), *lookup})}


class StoredComponent(GraphComponent, ABC):
    """Built empty by `create` (then trained) and by `load` (then restored from the model)."""

    @classmethod
    def create(
        cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext
    ) -> StoredComponent:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> StoredComponent:
        component = cls(config, model_storage, resource)
        component.restore()
        return component

    def __init__(self, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource

    @abstractmethod
    def restore(self) -> None:
        """Take back the state that `train` wrote to the component's resource."""


class VocabularyComponent(StoredComponent, ABC):
    """Reads, persists and fingerprints a knowledge vocabulary; subclasses match with it."""

    ready = False  # until trained or restored: messages pass unchanged

    @staticmethod
    @abstractmethod
    def read_vocabulary() -> Dict[str, Any]:
        """The vocabulary from the knowledge store (JSON-serialisable)."""

    @abstractmethod
    def use(self, vocabulary: Dict[str, Any]) -> None:
        """Build the matcher from `vocabulary` (with its speller under SPELLER_KEY)."""

    @staticmethod
    @abstractmethod
    def phrases(vocabulary: Dict[str, Any]) -> Iterable[str]:
        """Every phrase the component matches: its words are what misspellings are read as."""

    @classmethod
    def speller_of(cls, vocabulary: Dict[str, Any]) -> Speller:
        return Speller.from_json(vocabulary.get(SPELLER_KEY) or {})

    @classmethod
    def with_speller(cls, vocabulary: Dict[str, Any]) -> Dict[str, Any]:
        """`vocabulary` plus the speller for its words (reads the English dictionary: training time only)."""
        words = words_of(cls.phrases(vocabulary))
        known = words_of(str(phrase) for phrase in vocabulary.get(KNOWN_KEY) or ())
        return {**vocabulary, SPELLER_KEY: Speller.build(words, known=known - words).to_json()}

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        return hashlib.sha256(json.dumps(cls.read_vocabulary(), sort_keys=True).encode()).hexdigest()

    def train(self, training_data: TrainingData) -> Resource:
        vocabulary = self.with_speller(with_lookup_words(self.read_vocabulary(), training_data))
        self.use(vocabulary)
        self.ready = True
        with self._model_storage.write_to(self._resource) as path:
            (path / VOCABULARY_FILE).write_text(json.dumps(vocabulary, sort_keys=True), encoding="utf-8")
        return self._resource

    def restore(self) -> None:
        with self._model_storage.read_from(self._resource) as path:
            self.use(json.loads((path / VOCABULARY_FILE).read_text(encoding="utf-8")))
        self.ready = True

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    @abstractmethod
    def annotate(self, message: Message, text: str) -> None:
        """Add what the vocabulary finds in `text` to `message`."""

    def process(self, messages: List[Message]) -> List[Message]:
        if not self.ready:
            return messages
        for message in messages:
            text = message.get(TEXT) or ""
            if not text.startswith("/"):  # intent payloads (buttons) carry no free text
                self.annotate(message, text)
        return messages
