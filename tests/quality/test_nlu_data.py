"""The NLU data keeps its promises: no held-out sentence is trained on, every contract intent is
trained and tested, and the entity annotations in data/nlu are exactly what the extractor finds
(they are not used for training, so they must not drift: scripts/annotate_nlu.py rewrites them)."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Dict, FrozenSet, List, Set

import pytest
import yaml
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from components.entity_extractor import KnowledgeEntityExtractor, VocabularyEntityParser, in_scope
from knowledge.repository import KnowledgeRepository

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


@pytest.fixture(scope="module")
def parser(repo: KnowledgeRepository) -> VocabularyEntityParser:
    vocabulary = KnowledgeEntityExtractor.with_speller(repo.vocabulary())
    return VocabularyEntityParser(vocabulary, KnowledgeEntityExtractor.speller_of(vocabulary))


def test_training_annotations_are_what_the_extractor_finds(parser: VocabularyEntityParser) -> None:
    drift: Dict[str, list] = {}
    for message in training_examples():
        text = message.get("text")
        annotated = sorted((e["entity"], str(e["value"]), e["start"], e["end"]) for e in message.get("entities") or [])
        entities = in_scope(parser.parse(text), message.get("intent"))
        found = sorted((e["entity"], str(e["value"]), e["start"], e["end"]) for e in entities)
        if annotated != found:
            drift[text] = [annotated, found]
    assert drift == {}, f"{len(drift)} examples drifted; run `python scripts/annotate_nlu.py data/nlu`: {list(drift.items())[:5]}"


def test_the_annotator_leaves_lookup_tables_alone(tmp_path: Path) -> None:
    """A courtesy word of another language may look like an alias to the speller ("heel erg
    bedankt"): lookup tables are word lists, never annotated; an intent's examples are."""
    from scripts.annotate_nlu import main

    path = tmp_path / "nlu.yml"
    path.write_text(
        'version: "3.1"\nnlu:\n- intent: report_pain\n  examples: |\n    - my heel hurts\n'
        "- lookup: thanks_word\n  examples: |\n    - heel erg bedankt\n"
    )
    main([str(path)])
    text = path.read_text()
    assert '- my [heel]{"entity": "body_area", "value": "foot"} hurts' in text
    assert "    - heel erg bedankt\n" in text
