"""Messages the classifier cannot read: none of it, or nothing but courtesy words.

Character n-grams give any string some score, so "zqxj vlorp 4a22kw" could clear the fallback
threshold as `inform` or `out_of_scope` (5 of 60 such strings did, `docs/nlu.md`), and the bot
then answered something it was never told. Here a message is unreadable when none of its words
(two letters or more, after the spelling normaliser) is a known word, and no entity was found.
Known words: pyspellchecker's English frequency list (the words the speller also treats as real,
count >= MIN_COUNT), every word of the training examples and of the knowledge aliases, and the
lookup tables' courtesy words (data/nlu/lookups.yml). Numbers and emoji are not words: a message
of only those is left to the classifier ("7", "👍"). The known words are collected at training
time and persisted inside the model; parsing reads neither the dictionary nor the network.

The lookup tables also say what a message made of courtesy words means. Their feature is one
column among thousands of n-grams, so "ndiyo kabisa" (Swahili: yes, absolutely) scored
`out_of_scope` and "hapana, sina" (no, I don't have any) too: the classifier knew the table's
word and read the unknown one as noise it had never seen. A message whose words are the phrases
of one table (`courtesy_intents` maps each table to its intent; the longest phrase wins, so "nie
wiem" is "I don't know", not "no") plus words nobody knows, words that address the bot ("coach",
"from") and particles of two letters ("po", "ji") is that table's intent. One known English word
leaves the message to the classifier ("ndiyo, my neck hurts").
"""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any, Dict, Iterable, List, Optional, Set

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

from components.language import LETTER_RUNS
from components.spelling import english_words
from components.spelling_normaliser import aliases_fingerprint, training_words
from components.vocabulary_component import StoredComponent, lookup_words, words_of

KNOWN_FILE = "known_words.json"
COURTESY_FILE = "courtesy_phrases.json"
#: shorter runs of letters ("s" of "it's", the "a" of "4a22") are not words
MIN_WORD = 2


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


def other_script_words(texts: Iterable[str]) -> Set[str]:
    """Words with letters outside a-z, whole and lower-case ("привіт", "ありがとう", "quizás"):
    `words_in` reads a-z runs only, so a message in another script would have no word at all and
    would never be unreadable."""
    return {w.lower() for text in texts for w in LETTER_RUNS.findall(text) if not w.isascii()}


#: words that address the bot or place the writer without changing what a courtesy says
#: ("asante sana coach", "salamat po, from Vigan")
ADDRESS_WORDS = frozenset(
    "coach bot friend friends mate buddy bro sis dear sir maam madam everyone everybody guys team amigo amiga "
    "again too very much so from here".split()
)
#: two-letter English words that carry meaning; other two-letter words are particles ("po", "ji", "na")
_ENGLISH_SHORT = frozenset("no ok is it me my do go up to on of or if we us he an am as be by in at".split())


#: the most words a courtesy phrase has ("kaore au i te mohio"); longer ones are left out of the tables' phrases
LONGEST_PHRASE = 6


def phrase_key(text: str) -> str:
    return " ".join(LETTER_RUNS.findall(text.lower()))


def courtesy_phrases(training_data: TrainingData, intents: Dict[str, str]) -> Dict[str, str]:
    """{phrase: intent} of the lookup tables named in `intents`; a phrase in two tables is left out."""
    found: Dict[str, Set[str]] = {}
    for table in training_data.lookup_tables:
        intent = intents.get(str(table.get("name")))
        elements = table.get("elements")
        if intent and isinstance(elements, list):
            for element in elements:
                found.setdefault(phrase_key(str(element)), set()).add(intent)
    return {
        phrase: kinds.pop()
        for phrase, kinds in found.items()
        if phrase and len(kinds) == 1 and phrase.count(" ") < LONGEST_PHRASE
    }


def courtesy_of(text: str, phrases: Dict[str, str], known: Set[str]) -> Optional[str]:
    """The one intent of the courtesy phrases that make up `text` (with unknown words, address
    words and particles around them), or None."""
    words = phrase_key(text).split()
    kinds: Set[str] = set()
    rest: List[str] = []
    i = 0
    while i < len(words):
        for n in range(min(LONGEST_PHRASE, len(words) - i), 0, -1):
            kind = phrases.get(" ".join(words[i : i + n]))
            if kind:
                kinds.add(kind)
                i += n
                break
        else:
            rest.append(words[i])
            i += 1
    if len(kinds) != 1:
        return None
    for word in rest:
        if word in ADDRESS_WORDS or (len(word) <= 2 and word not in _ENGLISH_SHORT):
            continue
        # an ASCII word is known whole or by its parts ("don't"); a word with other letters ("quizás")
        # is never split into an English word ("quiz")
        if word in known or (word.isascii() and words_of([word]) & known):
            return None
    return kinds.pop()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class UnreadableMessageGuard(StoredComponent, IntentClassifier):
    """After the FallbackClassifier: an unreadable message is `nlu_fallback` with confidence 1, a
    message of one table's courtesy words is that table's intent (module docstring)."""

    _known: Set[str] = set()  # empty (untrained): no message is ever unreadable
    _courtesy: Dict[str, str] = {}
    _plain: Set[str] = set()  # the known words but those known only from a lookup phrase ("sina" of "sina uhakika")

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        # lookup table -> intent (config.yml); none by default
        return {"courtesy_intents": {}}

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> str:
        """The knowledge aliases are an input too: a change there collects the words again."""
        return aliases_fingerprint()

    def train(self, training_data: TrainingData) -> Resource:
        words = english_words() | training_words(training_data)
        words |= other_script_words(m.get(TEXT) or "" for m in training_data.training_examples)
        lookup = lookup_words(training_data)
        self._known = words | lookup
        self._courtesy = courtesy_phrases(training_data, self._config.get("courtesy_intents") or {})
        self._plain = words
        courtesy = {"phrases": self._courtesy, "lookup_only": sorted(lookup - words)}
        with self._model_storage.write_to(self._resource) as path:
            (path / KNOWN_FILE).write_text(json.dumps(sorted(self._known)), encoding="utf-8")
            (path / COURTESY_FILE).write_text(json.dumps(courtesy, sort_keys=True), encoding="utf-8")
        return self._resource

    def restore(self) -> None:
        with contextlib.suppress(ValueError, FileNotFoundError), self._model_storage.read_from(self._resource) as path:
            self._known = set(json.loads((path / KNOWN_FILE).read_text(encoding="utf-8")))
            courtesy = json.loads((path / COURTESY_FILE).read_text(encoding="utf-8"))
            self._courtesy = courtesy["phrases"]
            self._plain = self._known - set(courtesy["lookup_only"])

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not self._known or text.startswith("/") or message.get(ENTITIES):
                continue
            courtesy = courtesy_of(text, self._courtesy, self._plain) if self._courtesy else None
            if courtesy:
                self._decide(message, courtesy)
                continue
            tokens = [t.text for t in message.get(TOKENS_NAMES[TEXT]) or []]
            if unreadable(words_in(tokens) | other_script_words(tokens), self._known):
                self._decide(message, DEFAULT_NLU_FALLBACK_INTENT_NAME)
        return messages

    @staticmethod
    def _decide(message: Message, intent: str) -> None:
        """`intent` with confidence 1, first in the ranking."""
        decided: Dict[str, Any] = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
        message.data[INTENT] = decided
        ranking = message.data.get(INTENT_RANKING_KEY) or []
        message.data[INTENT_RANKING_KEY] = [dict(decided), *(r for r in ranking if r.get(INTENT_NAME_KEY) != intent)]
