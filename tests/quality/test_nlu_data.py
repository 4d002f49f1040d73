"""The NLU data keeps its promises: no held-out sentence is trained on, every contract intent is
trained and tested, and the training examples carry no entity annotations: entities come from the
knowledge extractor, never from training, so annotations there would only be a second copy of the
vocabulary that could drift from it (the held-out sets keep theirs, written by hand, to test it)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import FrozenSet, List, Set

import pytest
import yaml
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from scripts.join_training import backstop_texts, normalised, safety_texts

ROOT = Path(__file__).resolve().parents[2]
HELD_OUT_NLU = sorted((ROOT / "tests" / "nlu").glob("*.yml"))
HELD_OUT_SAFETY = sorted((ROOT / "tests" / "safety").glob("*.yml"))


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
        texts = safety_texts(path)
    assert texts & training_texts() == set()


@functools.lru_cache(maxsize=1)
def in_backstop() -> FrozenSet[str]:
    return frozenset(backstop_texts())


@pytest.mark.parametrize("path", HELD_OUT_SAFETY, ids=lambda p: p.name)
def test_no_safety_suite_sentence_trains_the_backstop(path: Path) -> None:
    assert safety_texts(path) & in_backstop() == set()


def test_every_domain_intent_has_training_data() -> None:
    trained = {m.get("intent") for m in training_examples()}
    external = {i for i in domain_intents() if i.startswith("EXTERNAL_")}  # sent by the scheduler, never typed
    assert domain_intents() - trained - external == set()


def test_training_examples_carry_no_entity_annotations() -> None:
    annotated = [m.get("text") for m in training_examples() if m.get("entities")]
    assert annotated == []


def test_a_measured_set_joins_training_as_plain_text_without_held_out_sentences(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scripts import join_training

    monkeypatch.setattr(join_training, "NLU_TARGET", tmp_path / "measured")
    (tmp_path / "measured").mkdir()
    source = tmp_path / "heldout_zz.yml"
    source.write_text(
        'version: "3.1"\n# Batch ZZ\nnlu:\n- intent: report_pain\n  examples: |\n'
        '    - my [heel]{"entity": "body_area", "value": "foot"} hurts\n    - Hello there!\n    - my heel hurts\n'
    )
    join_training.join_nlu(source, {"hello there"})

    joined = (tmp_path / "measured" / "heldout_zz.yml").read_text().split("\n")
    assert joined[1] == join_training.NLU_HEADER
    assert [line for line in joined if line.startswith("    - ")] == ["    - my heel hurts"]
    assert not source.exists()
