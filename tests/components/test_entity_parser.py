"""The knowledge-driven entity extractor emits canonical values with exact spans."""

from __future__ import annotations

from typing import List, Tuple

import pytest

from components.entity_extractor import KnowledgeEntityExtractor, VocabularyEntityParser
from components.numbers import find_minutes, find_pain_levels
from knowledge.repository import KnowledgeRepository


@pytest.fixture(scope="session")
def parser(repo: KnowledgeRepository) -> VocabularyEntityParser:
    vocabulary = KnowledgeEntityExtractor.with_speller(repo.vocabulary())
    return VocabularyEntityParser(vocabulary, KnowledgeEntityExtractor.speller_of(vocabulary))


def found(parser: VocabularyEntityParser, text: str) -> List[Tuple[str, str, str]]:
    return [(e["entity"], e["value"], text[e["start"] : e["end"]]) for e in parser.parse(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my lower back hurts", [("body_area", "lower_back", "lower back")]),
        ("tight traps, desk job", [("body_area", "shoulder", "traps"), ("goal", "desk_work", "desk job")]),
        (
            "knot between my shoulder blades",
            [("condition", "muscle_knots", "knot"), ("body_area", "upper_back", "between my shoulder blades")],
        ),
        ("my psoas is tight", [("body_area", "hip_flexor", "psoas")]),
        ("front of my hip aches", [("body_area", "hip_flexor", "front of my hip")]),
        ("piriformis pain", [("body_area", "glute", "piriformis")]),
        ("sore butt", [("body_area", "glute", "butt")]),
        ("my arches hurt", [("body_area", "foot", "arches")]),
        ("plantar fascia is sore", [("body_area", "foot", "plantar fascia")]),
        ("outer thigh is tight", [("body_area", "it_band", "outer thigh")]),
        ("both calves are sore", [("side", "both", "both"), ("body_area", "calf", "calves")]),
        ("my left hamstring", [("side", "left", "left"), ("body_area", "hamstring", "hamstring")]),
        ("which ball for plantar fasciitis", [("condition", "plantar_fasciitis", "plantar fasciitis")]),
        ("I only have a foam roller", [("tool", "foam_roller", "foam roller")]),
        ("give me a 10 minute routine for desk work", [("minutes", "10", "10"), ("goal", "desk_work", "desk work")]),
        ("the pain is about a 7", [("pain_level", "7", "7")]),
        ("it hurts 6/10", [("pain_level", "6", "6/10")]),
        ("seven out of ten pain", [("pain_level", "7", "seven out of ten")]),
        ("it hurts 7 of 10", [("pain_level", "7", "7 of 10")]),
        (
            "I'm new to this and very sensitive",
            [("preference", "beginner", "new to this"), ("preference", "sensitive", "very sensitive")],
        ),
    ],
)
def test_canonical_entities(parser: VocabularyEntityParser, text: str, expected: List[Tuple[str, str, str]]) -> None:
    assert found(parser, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "right now it's fine",
        "that's right",
        "I left it at home",
        "a 10 minute routine please",
        "how hard should I press",
        "9 of 10 times it's fine",
        "done 3 of 10 exercises",
    ],
)
def test_no_false_sides_pain_levels_or_preferences(parser: VocabularyEntityParser, text: str) -> None:
    assert [e for e in parser.parse(text) if e["entity"] in ("side", "pain_level", "preference")] == []


def test_plurals_the_lemmatizer_gets_wrong_still_match(parser: VocabularyEntityParser) -> None:
    # the lookup lemmatizer turns "calves" into "calve"; the vocabulary plural map fixes it
    assert found(parser, "calves")[0][:2] == ("body_area", "calf")


def test_number_rules() -> None:
    assert find_pain_levels("pain 8 out of 10") == [("8", 5, 16)]
    assert find_pain_levels("I need 5 minutes") == []
    assert find_minutes("a fifteen-minute routine") == [("15", 2, 9)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my lowr back hurst", [("body_area", "lower_back", "lowr back")]),
        ("sholder knot", [("body_area", "shoulder", "sholder"), ("condition", "muscle_knots", "knot")]),
        ("tight hamstirngs", [("body_area", "hamstring", "hamstirngs")]),
        ("which foam rolller", [("tool", "foam_roller", "foam rolller")]),
    ],
)
def test_misspelt_aliases_get_their_canonical_value(
    parser: VocabularyEntityParser, text: str, expected: List[Tuple[str, str, str]]
) -> None:
    assert found(parser, text) == expected


@pytest.mark.parametrize(("text", "value"), [("about a 7", "7"), ("maybe a six", "6"), ("a 4 now", "4"), ("3", "3")])
def test_a_bare_rating_is_a_pain_level(parser: VocabularyEntityParser, text: str, value: str) -> None:
    assert [(e["entity"], e["value"]) for e in parser.parse(text)] == [("pain_level", value)]


@pytest.mark.parametrize(
    ("text", "topic"),
    [("does it really work", "evidence"), ("how do I clean it", "cleaning"), ("what is referred pain", "referred_pain")],
)
def test_topics_are_entities(parser: VocabularyEntityParser, text: str, topic: str) -> None:
    assert ("topic", topic) in [(e["entity"], e["value"]) for e in parser.parse(text)]


def test_a_courtesy_word_in_a_lookup_table_is_a_word_not_a_misspelt_alias() -> None:
    """"ale gute" (German, goodbye) had been read as "glute"; the lookup tables' words are known."""
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from components.vocabulary_component import with_lookup_words

    vocabulary = {"body_area": {"glute": "glute", "glutes": "glute"}}
    tables = TrainingData(lookup_tables=[{"name": "goodbye_word", "elements": ["ale gute"]}])
    before = KnowledgeEntityExtractor.speller_of(KnowledgeEntityExtractor.with_speller(vocabulary))
    after = KnowledgeEntityExtractor.speller_of(KnowledgeEntityExtractor.with_speller(with_lookup_words(vocabulary, tables)))
    assert before.correct("gute") == "glute"
    assert after.correct("gute") == "gute" and after.correct("glutess") == "glutes"
