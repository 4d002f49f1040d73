"""Deterministic red-flag detector: safety wins over the classifier.

Runs on every message, last in the NLU pipeline, whatever DIET or the FallbackClassifier
decided. When a message names a refer/emergency warning sign (a phrase, or all concepts
of a combination such as calf + swelling + warmth), it adds `red_flag` entities whose
value is the safety rule id and sets the intent to `report_red_flag` with confidence 1.
Patterns come from the knowledge store (red_flags.yml and conditions with a safety rule)
and are persisted in the model at training time.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Dict, List, Set

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message
from spacy.tokens import Doc, Span

from components.text import Normalizer, all_matches, blank_english, phrase_matcher
from components.vocabulary_component import VocabularyComponent

RED_FLAG_INTENT = "report_red_flag"
RED_FLAG_ENTITY = "red_flag"
BLOCKING_LEVELS = ("refer", "emergency")

#: words that cancel a following warning sign ("no numbness", "without any tingling")
NEGATIONS = {"no", "not", "without", "never", "nor", "none", "deny", "denies", "negative"}
#: words that may stand between a negation and the sign it cancels
NEGATION_BRIDGE = {
    "or",
    "and",
    "any",
    "real",
    "a",
    "an",
    ",",
    "/",
    "other",
    "signs",
    "of",
    "have",
    "has",
    "had",
    "do",
    "does",
    "did",
    "feel",
    "felt",
    "get",
    "got",
}
#: "not sure if it's numbness" is a hedge, not a denial
HEDGES = {"sure", "certain", "know", "tell"}


def knowledge_red_flags() -> Dict[str, Any]:
    from knowledge.repository import KnowledgeRepository

    return dataclasses.asdict(KnowledgeRepository.from_env().red_flag_vocabulary())


@dataclasses.dataclass(frozen=True)
class RedFlag:
    rule: str
    level: str
    start: int
    end: int
    pattern: str


class RedFlagMatcher:
    """Finds warning signs in text; free of Rasa types so it is easy to test."""

    def __init__(self, vocabulary: Dict[str, Any]) -> None:
        self.concepts: Dict[str, List[str]] = vocabulary["concepts"]
        self.patterns: List[Dict[str, Any]] = vocabulary["patterns"]
        words: List[str] = [t for terms in self.concepts.values() for t in terms]
        words += [p for pattern in self.patterns for p in pattern["phrases"]]
        self.normalizer = Normalizer(blank_english(), words)
        labelled = [(f"phrase|{p['id']}", phrase) for p in self.patterns for phrase in p["phrases"]]
        labelled += [(f"concept|{c}", term) for c, terms in self.concepts.items() for term in terms]
        self.matcher = phrase_matcher(self.normalizer, labelled)
        self._by_id = {p["id"]: p for p in self.patterns}

    @staticmethod
    def _negated(doc: Doc, span: Span, flag_tokens: Set[int]) -> bool:
        """True when a negation cue governs the span: "no numbness or tingling"."""
        i = span.start - 1
        steps = 0
        while i >= 0 and steps < 6:
            token = doc[i]
            norm = token.norm_
            if norm in NEGATIONS:
                nxt = doc[i + 1].norm_ if i + 1 < len(doc) else ""
                return nxt not in HEDGES
            if norm in {".", "!", "?", ";", "but", "though", "however"}:
                return False
            if norm not in NEGATION_BRIDGE and i not in flag_tokens:
                return False
            i -= 1
            steps += 1
        return False

    def find(self, text: str) -> List[RedFlag]:
        doc = self.normalizer(text)
        matches = all_matches(doc, self.matcher)
        flag_tokens = {i for span in matches for i in range(span.start, span.end)}
        phrase_hits: List[RedFlag] = []
        concept_hits: Dict[str, Span] = {}
        for span in matches:
            if self._negated(doc, span, flag_tokens):
                continue
            kind, ident = doc.vocab.strings[span.label].split("|", 1)
            if kind == "phrase":
                pattern = self._by_id[ident]
                phrase_hits.append(RedFlag(pattern["rule"], pattern["level"], span.start_char, span.end_char, ident))
            else:
                concept_hits.setdefault(ident, span)
        for pattern in self.patterns:
            needed = pattern["all_of"]
            if needed and all(c in concept_hits for c in needed):
                first = min((concept_hits[c] for c in needed), key=lambda s: s.start)
                phrase_hits.append(RedFlag(pattern["rule"], pattern["level"], first.start_char, first.end_char, pattern["id"]))
        unique: Dict[str, RedFlag] = {}
        for flag in sorted(phrase_hits, key=lambda f: (f.level != "emergency", f.start)):
            unique.setdefault(flag.rule, flag)
        return list(unique.values())


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER],
    is_trainable=True,
)
class RedFlagDetector(VocabularyComponent, EntityExtractorMixin):
    """Marks warning signs and forces the `report_red_flag` intent."""

    @staticmethod
    def read_vocabulary() -> Dict[str, Any]:
        return knowledge_red_flags()

    def use(self, vocabulary: Dict[str, Any]) -> None:
        self._matcher = RedFlagMatcher(vocabulary)

    def annotate(self, message: Message, text: str) -> None:
        flags = [f for f in self._matcher.find(text) if f.level in BLOCKING_LEVELS]
        if not flags:
            return
        entities = self.add_extractor_name(
            [
                {"entity": RED_FLAG_ENTITY, "value": f.rule, "start": f.start, "end": f.end, "confidence_entity": 1.0}
                for f in flags
            ]
        )
        message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        forced = {"name": RED_FLAG_INTENT, "confidence": 1.0}
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != RED_FLAG_INTENT]
        message.set(INTENT, forced, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [forced, *ranking], add_to_output=True)
