"""The NLU data keeps its promises: no held-out sentence is trained on, every contract intent is
trained and tested, and the training examples carry no entity annotations: entities come from the
knowledge extractor, never from training, so annotations there would only be a second copy of the
vocabulary that could drift from it (the held-out sets keep theirs, written by hand, to test it)."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import FrozenSet, List, Set

import pytest
import yaml
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

ROOT = Path(__file__).resolve().parents[2]
HELD_OUT_NLU = sorted((ROOT / "tests" / "nlu").glob("*.yml"))
HELD_OUT_SAFETY = sorted((ROOT / "tests" / "safety").glob("*.yml"))


def normalised(text: str) -> str:
    """Lower case, punctuation and extra spaces gone: "Yes, I am" == "yes i am"."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


@functools.lru_cache(maxsize=1)
def training_examples() -> List[Message]:
    """data/nlu, read once per process by every test here (about 10 s a read on 20k examples)."""
    return load_data(str(ROOT / "data" / "nlu")).training_examples


@functools.lru_cache(maxsize=1)
def training_texts() -> FrozenSet[str]:
    return frozenset(normalised(m.get("text")) for m in training_examples())


def domain_intents() -> Set[str]:
    return {i for p in (ROOT / "domain").glob("*.yml") for i in (yaml.safe_load(p.read_text()) or {}).get("intents", [])}


@pytest.mark.parametrize("path", HELD_OUT_NLU + HELD_OUT_SAFETY, ids=lambda p: p.name)
def test_no_held_out_sentence_is_in_the_training_data(path: Path) -> None:
    if path.parent.name == "nlu":
        texts = {normalised(m.get("text")) for m in load_data(str(path)).training_examples}
    else:
        texts = {normalised(c["text"]) for cases in yaml.safe_load(path.read_text()).values() for c in cases}
    assert texts & training_texts() == set()


def test_every_domain_intent_has_training_data() -> None:
    trained = {m.get("intent") for m in training_examples()}
    external = {i for i in domain_intents() if i.startswith("EXTERNAL_")}  # sent by the scheduler, never typed
    assert domain_intents() - trained - external == set()


def test_training_examples_carry_no_entity_annotations() -> None:
    annotated = [m.get("text") for m in training_examples() if m.get("entities")]
    assert annotated == []
