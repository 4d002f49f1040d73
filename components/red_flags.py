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
from typing import Any, Dict, Iterable, List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message
from spacy.tokens import Span

from components import cues
from components.spelling import Speller
from components.text import Normalizer, all_matches, blank_english, phrase_matcher, source_offsets
from components.vocabulary_component import KNOWN_KEY, VocabularyComponent

RED_FLAG_INTENT = "report_red_flag"
RED_FLAG_ENTITY = "red_flag"
BLOCKING_LEVELS = ("refer", "emergency")
#: a flag of these rules keeps these classifier intents: "it got worse" after a session is the
#: session report that logs it and gives the same rule's advice (actions/session_log.py)
KEEPS_INTENT = {"report_session": frozenset({"persistent_or_worsening"})}
#: the concept of phrases in which sign words have an everyday meaning ("cancer research",
#: "chest day", "swollen ego"): a sign inside one of them does not count
EVERYDAY_SENSES = "everyday_senses"


def knowledge_red_flags() -> Dict[str, Any]:
    from knowledge.repository import KnowledgeRepository

    return dataclasses.asdict(KnowledgeRepository.shared().red_flag_vocabulary())


def detector_vocabulary(red_flags: Dict[str, Any], entity_vocabulary: Dict[str, Any]) -> Dict[str, Any]:
    """The red-flag vocabulary, with the entity aliases as words its speller must not change
    ("what do you recommend for lifters" is not about blisters)."""
    from components.entity_extractor import alias_phrases

    return {**red_flags, KNOWN_KEY: sorted(set(alias_phrases(entity_vocabulary)))}


def red_flag_phrases(vocabulary: Dict[str, Any]) -> List[str]:
    words = [t for terms in vocabulary["concepts"].values() for t in terms]
    return words + [p for pattern in vocabulary["patterns"] for p in pattern["phrases"]]


@dataclasses.dataclass(frozen=True)
class RedFlag:
    rule: str
    level: str
    start: int
    end: int
    pattern: str


class RedFlagMatcher:
    """Finds warning signs in text; free of Rasa types so it is easy to test.

    A sign does not count when it is negated ("no numbness"), when it belongs to someone
    else who is not the one doing the massage ("my grandad had cancer"), when it is the term
    of a question ("what's a blood thinner?"), when it sits inside an everyday phrase
    ("cancer research", concept `everyday_senses`), or, for patterns marked `recent_only`,
    when its sentence dates it long ago ("surgery 15 years ago"). Filler words ("a bit
    slurred") are skipped on both sides. The cues come from components/cues.py.
    """

    def __init__(self, vocabulary: Dict[str, Any], speller: Optional[Speller] = None) -> None:
        self.concepts: Dict[str, List[str]] = vocabulary["concepts"]
        self.patterns: List[Dict[str, Any]] = vocabulary["patterns"]
        self.normalizer = Normalizer(blank_english(), red_flag_phrases(vocabulary), speller=speller, skip_fillers=True)
        labelled = [(f"phrase|{p['id']}", phrase) for p in self.patterns for phrase in p["phrases"]]
        labelled += [(f"concept|{c}", term) for c, terms in self.concepts.items() for term in terms]
        self.matcher = phrase_matcher(self.normalizer, labelled)
        self._by_id = {p["id"]: p for p in self.patterns}
        self._recent_only_concepts = {c for p in self.patterns if p.get("recent_only") for c in p["all_of"]}

    def _discounted(self, text: str, span: Span, norms: List[str], flag_tokens: set, recent_only: bool) -> bool:
        if cues.negated(norms, span.start, flag_tokens):
            return True
        if cues.about_someone_else(text, span.start_char, span.end_char):
            return True
        if cues.asked_about(text, span.start_char, span.end_char):
            return True
        return recent_only and cues.in_the_past(text, span.start_char, span.end_char)

    @staticmethod
    def _combination(pattern: Dict[str, Any], hits: Dict[str, List[Span]]) -> Optional[Span]:
        """The earliest span of a match of every `all_of` concept (within `within` words), or None."""
        needed = pattern["all_of"]
        if not needed or any(c not in hits for c in needed):
            return None
        window = pattern.get("within")
        if window is None:
            return min((hits[c][0] for c in needed), key=lambda s: s.start)
        for anchor in sorted((s for c in needed for s in hits[c]), key=lambda s: s.start):
            if all(any(anchor.start <= s.start <= anchor.start + window for s in hits[c]) for c in needed):
                return anchor
        return None

    def find(self, text: str) -> List[RedFlag]:
        doc = self.normalizer(text)
        text = doc.text  # without filler words ("a bit slurred"), like the patterns; offsets map back
        norms = [token.norm_ for token in doc]
        matches = all_matches(doc, self.matcher)
        everyday = [s for s in matches if doc.vocab.strings[s.label] == f"concept|{EVERYDAY_SENSES}"]
        matches = [s for s in matches if not any(e.start <= s.start and s.end <= e.end for e in everyday)]
        flag_tokens = {i for span in matches for i in range(span.start, span.end)}
        phrase_hits: List[RedFlag] = []
        concept_hits: Dict[str, List[Span]] = {}
        for span in matches:
            kind, ident = doc.vocab.strings[span.label].split("|", 1)
            if kind == "phrase":
                pattern = self._by_id[ident]
                if not self._discounted(text, span, norms, flag_tokens, bool(pattern.get("recent_only"))):
                    phrase_hits.append(RedFlag(pattern["rule"], pattern["level"], *source_offsets(span), ident))
            elif not self._discounted(text, span, norms, flag_tokens, ident in self._recent_only_concepts):
                concept_hits.setdefault(ident, []).append(span)
        for pattern in self.patterns:
            found = self._combination(pattern, concept_hits)
            if found is not None:
                phrase_hits.append(RedFlag(pattern["rule"], pattern["level"], *source_offsets(found), pattern["id"]))
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
        from components.entity_extractor import knowledge_vocabulary

        return detector_vocabulary(knowledge_red_flags(), knowledge_vocabulary())

    @staticmethod
    def phrases(vocabulary: Dict[str, Any]) -> Iterable[str]:
        return red_flag_phrases(vocabulary)

    def use(self, vocabulary: Dict[str, Any]) -> None:
        self._matcher = RedFlagMatcher(vocabulary, self.speller_of(vocabulary))

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
        intent = str((message.get(INTENT) or {}).get("name") or "")
        if {f.rule for f in flags} <= KEEPS_INTENT.get(intent, frozenset()):
            return
        forced = {"name": RED_FLAG_INTENT, "confidence": 1.0}
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != RED_FLAG_INTENT]
        message.set(INTENT, forced, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [forced, *ranking], add_to_output=True)
