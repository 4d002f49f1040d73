"""components/unreadable.py: a message with no known word is the NLU fallback, whatever it scored."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.unreadable import UnreadableMessageGuard, english_words, unreadable, words_in

KNOWN = {"my", "back", "hurts", "thanks", "shukran", "mins", "ok", "дела"}
CLASSIFIED = {"name": "inform", "confidence": 0.41}


def parsed(text: str, entities: Optional[List[Dict[str, Any]]] = None) -> Message:
    message = Message(data={TEXT: text, INTENT: dict(CLASSIFIED), INTENT_RANKING_KEY: [dict(CLASSIFIED)]})
    if entities:
        message.set(ENTITIES, entities)
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process([message])
    return message


@pytest.fixture()
def guard() -> UnreadableMessageGuard:
    component = UnreadableMessageGuard({}, None, None)  # storage unused: the words are set here
    component._known = set(KNOWN)
    return component


@pytest.mark.parametrize("text", ["zqxj vlorp 4a22be7fkw", "asdfgh", "qwe rty!!", "здравствуйте", "こんにちは!"])
def test_a_message_with_no_known_word_is_the_fallback(guard: UnreadableMessageGuard, text: str) -> None:
    message = guard.process([parsed(text)])[0]
    assert message.get(INTENT) == {"name": "nlu_fallback", "confidence": 1.0}
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)] == ["nlu_fallback", "inform"]


@pytest.mark.parametrize(
    "text",
    [
        "my back hurts",  # known words
        "zqxj my back",  # one known word is enough
        "как дела?",  # a word of another script that training has seen
        "shukran!!",  # a lookup-table courtesy word
        "7",  # no word at all: a number is left to the classifier
        "👍",
        "10mins",  # a number and a word
        "/affirm",  # a button payload
    ],
)
def test_a_message_with_a_known_word_or_no_word_keeps_its_intent(guard: UnreadableMessageGuard, text: str) -> None:
    assert guard.process([parsed(text)])[0].get(INTENT) == CLASSIFIED


def test_an_entity_found_makes_the_message_readable(guard: UnreadableMessageGuard) -> None:
    entity = {"entity": "tool", "value": "foam_roller", "start": 0, "end": 5}
    assert guard.process([parsed("rolla", [entity])])[0].get(INTENT) == CLASSIFIED


def test_untrained_it_changes_nothing() -> None:
    untrained = UnreadableMessageGuard({}, None, None)
    assert untrained.process([parsed("zqxj vlorp")])[0].get(INTENT) == CLASSIFIED


def test_codes_are_one_unknown_word_and_numbered_words_are_words() -> None:
    assert words_in(["4a22be7f"]) == {"4a22be7f"}  # not "be" and "f"
    assert words_in(["10mins", "5k", "it's"]) == {"mins", "it"}
    assert unreadable(set(), KNOWN) is False  # no word: not unreadable


def test_the_english_words_are_the_common_ones() -> None:
    words = english_words()
    assert {"the", "shoulder", "tingling", "because"} <= words
    assert "zqxj" not in words and "vlorp" not in words


PHRASES = {"ndiyo": "affirm", "hapana": "deny", "nie": "deny", "nie wiem": "unsure", "asante sana": "thank", "salamat": "thank"}


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("ndiyo kabisa", "affirm"),  # a yes and a word nobody knows
        ("hapana, sina!!", "deny"),
        ("nie wiem", "unsure"),  # the longest phrase: "I don't know", not the "no" inside it
        ("asante sana coach, from Lamu", "thank"),  # address words and a place
        ("salamat po", "thank"),  # a particle of two letters
    ],
)
def test_a_message_of_one_tables_courtesy_words_is_its_intent(guard: UnreadableMessageGuard, text: str, intent: str) -> None:
    guard._courtesy, guard._plain = dict(PHRASES), set(KNOWN)
    message = guard.process([parsed(text)])[0]
    assert message.get(INTENT) == {"name": intent, "confidence": 1.0}
    assert message.get(INTENT_RANKING_KEY)[0] == {"name": intent, "confidence": 1.0}


@pytest.mark.parametrize(
    "text",
    [
        "ndiyo, my back hurts",  # a known word: the classifier decides
        "ndiyo hapana",  # two tables
        "kabisa",  # no courtesy phrase
    ],
)
def test_a_courtesy_among_known_words_or_of_two_kinds_is_left_to_the_classifier(guard: UnreadableMessageGuard, text: str) -> None:
    guard._courtesy, guard._plain = dict(PHRASES), set(KNOWN)
    guard._known = {*KNOWN, "ndiyo", "hapana", "kabisa"}  # readable: the courtesy rule alone is under test
    assert guard.process([parsed(text)])[0].get(INTENT) == CLASSIFIED


def test_a_phrase_in_two_tables_is_left_out() -> None:
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from components.unreadable import courtesy_phrases

    tables = TrainingData(
        lookup_tables=[
            {"name": "yes_word", "elements": ["ndiyo", "Tak"]},
            {"name": "thanks_word", "elements": ["tak", "Asante  Sana"]},
            {"name": "other", "elements": ["zzz"]},
        ]
    )
    assert courtesy_phrases(tables, {"yes_word": "affirm", "thanks_word": "thank"}) == {"ndiyo": "affirm", "asante sana": "thank"}


def test_a_word_with_other_letters_is_never_split_into_an_english_one(guard: UnreadableMessageGuard) -> None:
    """"quizás" had been read as the English "quiz" (and "s"), so "no sé, quizás" was left to the classifier."""
    guard._courtesy, guard._plain = {"no sé": "unsure"}, {*KNOWN, "quiz"}
    guard._known = set(guard._plain)
    assert guard.process([parsed("no sé, quizás")])[0].get(INTENT) == {"name": "unsure", "confidence": 1.0}
    assert guard.process([parsed("no sé, quiz")])[0].get(INTENT) == CLASSIFIED


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("நன்றி coach 🙏", "நன்றி coach"),  # Tamil: a virama and a vowel sign inside one word
        ("धन्यवाद!", "धन्यवाद"),  # Devanagari
        ("ආයුබෝවන්", "ආයුබෝවන්"),  # Sinhala
        ("It's ok, don't", "it's ok don't"),
    ],
)
def test_a_word_is_whole_in_any_script(text: str, expected: str) -> None:
    """`re` does not count a script's vowel signs and viramas as letters and cut "நன்றி" into "நன" and "ற"."""
    from components.unreadable import phrase_key

    assert phrase_key(text) == expected


def test_a_courtesy_in_its_own_script_is_its_tables_intent(guard: UnreadableMessageGuard) -> None:
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from components.unreadable import courtesy_phrases

    tables = TrainingData(lookup_tables=[{"name": "thanks_word", "elements": ["நன்றி", "ευχαριστώ πολύ"]}])
    guard._courtesy, guard._plain = courtesy_phrases(tables, {"thanks_word": "thank"}), set(KNOWN)
    guard._known = set(guard._plain)
    for text in ["நன்றி coach 🙏", "ευχαριστώ πολύ!"]:
        assert guard.process([parsed(text)])[0].get(INTENT) == {"name": "thank", "confidence": 1.0}
