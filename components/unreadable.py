"""A message nobody could read goes to the NLU fallback, whatever the classifier scored.

Character n-grams give any string some score, so "zqxj vlorp 4a22kw" could clear the fallback
threshold as `inform` or `out_of_scope` (5 of 60 such strings did, `docs/nlu.md`), and the bot
then answered something it was never told. Here a message is unreadable when none of its words
(two letters or more, after the spelling normaliser) is a known word, and no entity was found.
Known words: pyspellchecker's English frequency list (the words the speller also treats as real,
count >= MIN_COUNT), every word of the training examples and of the knowledge aliases, and the
lookup tables' courtesy words (data/nlu/lookups.yml). Numbers and emoji are not words: a message
of only those is left to the classifier ("7", "👍"). The known words are collected at training
time and persisted inside the model; parsing reads neither the dictionary nor the network.
"""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any, Dict, Iterable, List, Set

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.spelling import MIN_COUNT
from components.spelling_normaliser import aliases_fingerprint, training_words
from components.vocabulary_component import StoredComponent, lookup_words, words_of

KNOWN_FILE = "known_words.json"
#: shorter runs of letters ("s" of "it's", the "a" of "4a22") are not words
MIN_WORD = 2


def english_words() -> Set[str]:
    """pyspellchecker's English words seen at least MIN_COUNT times (read at training time only)."""
    from spellchecker import SpellChecker

    return {w for w, count in SpellChecker(language="en").word_frequency.dictionary.items() if count >= MIN_COUNT}


_RUNS = re.compile(r"[a-z]+|[0-9]+")


def words_in(tokens: Iterable[str]) -> Set[str]:
    """The words of the tokens, two letters or more. A token where letters and digits alternate
    more than once ("4a22be7f") is a code, one unknown word, not the short words inside it;
    "10mins" or "5k" are a number and a word."""
    words: Set[str] = set()
    for token in tokens:
        runs = _RUNS.findall(token.lower())
        if sum(run[0].isdigit() for run in runs) > 1 and sum(run[0].isalpha() for run in runs) > 1:
            words.add(token.lower())
        else:
            words |= {w for w in words_of([token]) if len(w) >= MIN_WORD}
    return words


def unreadable(words: Set[str], known: Set[str]) -> bool:
    """No word of the message is known (and it has at least one word)."""
    return bool(words) and not (words & known)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class UnreadableMessageGuard(StoredComponent, IntentClassifier):
    """After the FallbackClassifier: an unreadable message is `nlu_fallback` with confidence 1."""

    _known: Set[str] = set()  # empty (untrained): no message is ever unreadable

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> str:
        """The knowledge aliases are an input too: a change there collects the words again."""
        return aliases_fingerprint()

    def train(self, training_data: TrainingData) -> Resource:
        self._known = english_words() | training_words(training_data) | lookup_words(training_data)
        with self._model_storage.write_to(self._resource) as path:
            (path / KNOWN_FILE).write_text(json.dumps(sorted(self._known)), encoding="utf-8")
        return self._resource

    def restore(self) -> None:
        with contextlib.suppress(ValueError, FileNotFoundError), self._model_storage.read_from(self._resource) as path:
            self._known = set(json.loads((path / KNOWN_FILE).read_text(encoding="utf-8")))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not self._known or text.startswith("/") or message.get(ENTITIES):
                continue
            tokens = message.get(TOKENS_NAMES[TEXT]) or []
            words = words_in(t.text for t in tokens)
            if unreadable(words, self._known):
                fallback: Dict[str, Any] = {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME, PREDICTED_CONFIDENCE_KEY: 1.0}
                message.data[INTENT] = fallback
                ranking = message.data.get(INTENT_RANKING_KEY) or []
                ranking = [r for r in ranking if r.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME]
                message.data[INTENT_RANKING_KEY] = [dict(fallback), *ranking]
        return messages
