"""Knowledge-driven entity extractor: canonical body areas, tools, conditions and more.

Patterns come from the knowledge store's alias vocabulary at training time and are
persisted inside the model, so the running bot never needs the knowledge store to parse a
message. Numbers (pain 0-10, routine minutes) and sides come from small, tested rules.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES
from rasa.shared.nlu.training_data.message import Message

from components.numbers import find_minutes, find_pain_levels, find_sides
from components.spelling import Speller
from components.text import Normalizer, blank_english, longest_matches, phrase_matcher
from components.vocabulary_component import VocabularyComponent


def knowledge_vocabulary() -> Dict[str, Any]:
    """entity -> {alias: canonical id}, read from the knowledge store."""
    from knowledge.repository import KnowledgeRepository

    return KnowledgeRepository.shared().vocabulary()


def alias_phrases(vocabulary: Dict[str, Any]) -> List[str]:
    return [alias for entity, aliases in vocabulary.items() if not entity.startswith("_") for alias in aliases]


class VocabularyEntityParser:
    """Finds entities in text; kept free of Rasa types so it is easy to test."""

    def __init__(self, vocabulary: Dict[str, Any], speller: Optional[Speller] = None) -> None:
        self.vocabulary = {entity: aliases for entity, aliases in vocabulary.items() if not entity.startswith("_")}
        # entities match the curated alias forms and their plurals, not every inflection:
        # with lemmas "how hard should I press" would read as the alias "harder"; a misspelt
        # alias word ("sholder", "lowr back") is read as the alias (bounded, components/spelling.py)
        self.normalizer = Normalizer(blank_english(), alias_phrases(vocabulary), use_lemmas=False, speller=speller)
        self.matcher = phrase_matcher(
            self.normalizer,
            (
                (f"{entity}|{canonical}", alias)
                for entity, aliases in self.vocabulary.items()
                for alias, canonical in aliases.items()
            ),
        )

    def parse(self, text: str) -> List[Dict[str, Any]]:
        doc = self.normalizer(text)
        entities: List[Dict[str, Any]] = []
        for span in longest_matches(doc, self.matcher):
            entity, canonical = doc.vocab.strings[span.label].split("|", 1)
            entities.append(
                {"entity": entity, "value": canonical, "start": span.start_char, "end": span.end_char, "confidence_entity": 1.0}
            )
        taken: List[Tuple[int, int]] = [(e["start"], e["end"]) for e in entities]
        area_spans = [(e["start"], e["end"]) for e in entities if e["entity"] == "body_area"]

        def free(start: int, end: int) -> bool:
            return all(end <= s or start >= e for s, e in taken)

        found: List[Tuple[str, str, int, int]] = []
        found += [("pain_level", v, s, e) for v, s, e in find_pain_levels(text)]
        found += [("minutes", v, s, e) for v, s, e in find_minutes(text)]
        found += [("side", v, s, e) for v, s, e in find_sides(text, area_spans)]
        for entity, value, start, end in found:
            if free(start, end):
                entities.append({"entity": entity, "value": value, "start": start, "end": end, "confidence_entity": 1.0})
                taken.append((start, end))
        return sorted(entities, key=lambda e: e["start"])


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class KnowledgeEntityExtractor(VocabularyComponent, EntityExtractorMixin):
    """Emits body_area, side, pain_level, condition, tool, goal, preference, minutes."""

    @staticmethod
    def read_vocabulary() -> Dict[str, Any]:
        return knowledge_vocabulary()

    @staticmethod
    def phrases(vocabulary: Dict[str, Any]) -> Iterable[str]:
        return alias_phrases(vocabulary)

    def use(self, vocabulary: Dict[str, Any]) -> None:
        self._parser = VocabularyEntityParser(vocabulary, self.speller_of(vocabulary))

    def annotate(self, message: Message, text: str) -> None:
        found = self.add_extractor_name(self._parser.parse(text))
        message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
