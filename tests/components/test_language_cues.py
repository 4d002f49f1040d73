"""The one implementation of negation, hedges, history and other people (components/cues.py),
the bounded speller (components/spelling.py) and the checklist-answer reader (components/answers.py)."""

from __future__ import annotations

from typing import Optional

import pytest

from components import cues
from components.answers import CORRECTION, NO, UNSURE, YES, Answer, read_answer
from components.spelling import Speller

DICTIONARY = {"tinkling": 500, "numbers": 5000, "lumber": 300, "parents": 4000, "calves": 800, "swallow": 900}


@pytest.fixture(scope="module")
def speller() -> Speller:
    return Speller.build(["numbness", "tingling", "hamstring", "lower", "lumbar", "calves", "calve", "parts"], DICTIONARY)


@pytest.mark.parametrize(
    ("typed", "read"),
    [("numbnes", "numbness"), ("tinglin", "tingling"), ("hamstirng", "hamstring"), ("lowr", "lower"), ("calvs", "calves")],
)
def test_a_misspelling_within_the_bound_is_read_as_the_word(speller: Speller, typed: str, read: str) -> None:
    assert speller.correct(typed) == read


@pytest.mark.parametrize("word", ["tinkling", "numbers", "lumber", "parents", "cat", "2nd", "xyzzyq"])
def test_real_words_short_words_and_far_words_never_change(speller: Speller, word: str) -> None:
    assert speller.correct(word) == word


def test_a_speller_round_trips_as_plain_data(speller: Speller) -> None:
    assert Speller.from_json(speller.to_json()).correct("numbnes") == "numbness"


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        ("no numbness or tingling", True),
        ("I dont have any tingling", True),
        ("not sure if it's tingling", False),
        ("it's tingling", False),
    ],
)
def test_negation(text: str, negated: bool) -> None:
    tokens = cues.words(text)
    signs = {i for i, t in enumerate(tokens) if t in ("numbness", "tingling")}  # other signs bridge a list
    assert cues.negated(tokens, tokens.index("tingling"), signs) is negated


@pytest.mark.parametrize("text", ["not sure", "I dont think so", "not really", "maybe", "hard to tell", "no idea"])
def test_hedges(text: str) -> None:
    assert cues.hedged(text)


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("no", NO),
        ("nope, none of them", NO),
        ("I'm healthy", NO),
        ("I have never had one", NO),
        ("I didn't have any", NO),
        ("definitely not", NO),
        ("yes", YES),
        ("yeah a couple of those", YES),
        ("none except I'm on aspirin", YES),
        ("no, but I'm on eliquis", YES),
        ("not really", UNSURE),
        ("I don't think so", UNSURE),
        ("no?", UNSURE),
        ("nope, can we start?", NO),  # the question is after the answer
        ("negatory", NO),
        ("mhm one applies", YES),
        ("50/50 tbh", UNSURE),
        ("sorry I meant no", CORRECTION),
        ("wrong button", CORRECTION),
        ("wait, actually yes", CORRECTION),
        ("scratch my last message, none of them apply", CORRECTION),
        ("wait what", None),
        ("the second one", 2),
        ("number 3", 3),
        ("ok", None),
        ("go ahead", None),
        ("sure let's start", None),
        ("I'm male", None),
        ("hmm", None),
    ],
)
def test_checklist_answers_are_read_never_guessed(text: str, answer: Optional[Answer]) -> None:
    assert read_answer(text) == answer
