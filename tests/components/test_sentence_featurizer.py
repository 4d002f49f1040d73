"""components/sentence_featurizer.py: the same sentence rows as Rasa's CountVectorsFeaturizer (words,
character n-grams) and RegexFeaturizer (lookup tables and regexes), column for column, and no
sequence rows or token marks at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Type

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.featurizers.sparse_featurizer.regex_featurizer import RegexFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.sentence_featurizer import SentenceCountVectorsFeaturizer, SentenceRegexFeaturizer

EXAMPLES = [
    ("my lower back hurts", "report_pain"),
    ("which ball for plantar fasciitis", "ask_recommendation"),
    ("a 10 minute routine for desk work", "ask_routine"),
    ("my calf hurts after running", "report_pain"),
    ("hello there", "greet"),
    ("hi", "greet"),
    ("which roller for my back", "ask_recommendation"),
]
#: a message with no known word, an empty one, and known words
UNSEEN = ["zzz qqq", "", "my back hurts, which ball?", "routine for running"]


def tokenized(messages: List[Message]) -> List[Message]:
    return WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process(messages)


def created(cls: Type[Any], config: Dict[str, Any], tmp_path: Path, name: str) -> Any:
    """A featurizer of `cls` with its defaults and `config`, stored under `name`."""
    return cls.create(
        {**cls.get_default_config(), **config},
        LocalModelStorage(tmp_path),
        Resource(name),
        ExecutionContext(GraphSchema({}), name),
    )


def trained(cls: Type[CountVectorsFeaturizer], config: Dict[str, Any], tmp_path: Path, name: str) -> CountVectorsFeaturizer:
    featurizer: CountVectorsFeaturizer = created(cls, config, tmp_path, name)
    data = TrainingData(tokenized([Message(data={TEXT: text, INTENT: intent}) for text, intent in EXAMPLES]))
    featurizer.train(data)
    return featurizer


def featurized(featurizer: CountVectorsFeaturizer) -> List[Message]:
    messages = tokenized([Message(data={TEXT: text}) for text in [text for text, _ in EXAMPLES] + UNSEEN])
    return featurizer.process(messages)


@pytest.mark.parametrize(
    "config",
    [{}, {"analyzer": "char_wb", "min_ngram": 2, "max_ngram": 4}, {"min_df": 2}],
    ids=["words", "character n-grams", "seen twice"],
)
def test_each_sentence_row_is_rasas_and_there_are_no_sequence_rows(config: Dict[str, Any], tmp_path: Path) -> None:
    rasas = featurized(trained(CountVectorsFeaturizer, config, tmp_path, "rasa"))
    ours = featurized(trained(SentenceCountVectorsFeaturizer, config, tmp_path, "ours"))

    compared = 0
    for theirs, mine in zip(rasas, ours, strict=True):
        their_sentence = theirs.get_sparse_features(TEXT)[1]
        my_sentence = mine.get_sparse_features(TEXT)[1]
        assert (their_sentence is None) == (my_sentence is None), theirs.get(TEXT)
        if their_sentence is not None and my_sentence is not None:
            np.testing.assert_array_equal(my_sentence.features.toarray(), their_sentence.features.toarray())
            compared += 1
        assert not [f for f in mine.features if f.type == FEATURE_TYPE_SEQUENCE]
    assert compared == len(EXAMPLES) + len(UNSEEN)


def test_a_message_alone_gets_the_row_it_gets_in_a_batch(tmp_path: Path) -> None:
    featurizer = trained(SentenceCountVectorsFeaturizer, {}, tmp_path, "ours")
    batch = featurized(featurizer)
    alone = featurizer.process(tokenized([Message(data={TEXT: "my back hurts, which ball?"})]))[0]

    in_batch = batch[len(EXAMPLES) + 2]
    assert in_batch.get(TEXT) == alone.get(TEXT)
    rows = [m.get_sparse_features(TEXT)[1] for m in (in_batch, alone)]
    assert all(row is not None and row.type == FEATURE_TYPE_SENTENCE for row in rows)
    np.testing.assert_array_equal(rows[0].features.toarray(), rows[1].features.toarray())


#: lookup tables as data/nlu/lookups.yml has them: phrases, other scripts, a leading apostrophe;
#: and a regex, which the featurizer reads the same way
LOOKUPS = [
    {"name": "thanks_word", "elements": ["thanks", "thank you", "நன்றி", "ரொம்ப நன்றி", "danke", "'siyo"]},
    {"name": "yes_word", "elements": ["yes", "yep", "हाँ", "sí", "ja"]},
]
REGEXES = [{"name": "minutes", "pattern": "\\d+\\s*min"}]
TEXTS = [
    "Thank you so much",
    "ரொம்ப நன்றி!",
    "yep, 10 min please",
    "ja danke",
    "thanksgiving yesterday",  # a word that starts with an element: no match at a word boundary
    "o'siyo friend",
    "हाँ",
    "nothing here",
    "Sí, claro",
]


def regex_trained(cls: Type[RegexFeaturizer], case_sensitive: bool, tmp_path: Path, name: str) -> RegexFeaturizer:
    featurizer: RegexFeaturizer = created(cls, {"case_sensitive": case_sensitive}, tmp_path, name)
    featurizer.train(TrainingData(lookup_tables=LOOKUPS, regex_features=REGEXES))
    return featurizer


@pytest.mark.parametrize("case_sensitive", [False, True], ids=["any case", "case sensitive"])
def test_each_pattern_row_is_rasas_and_no_token_is_marked(case_sensitive: bool, tmp_path: Path) -> None:
    def featurized_by(featurizer: RegexFeaturizer) -> List[Message]:
        return featurizer.process(tokenized([Message(data={TEXT: text}) for text in TEXTS]))

    rasas = featurized_by(regex_trained(RegexFeaturizer, case_sensitive, tmp_path, "rasa"))
    ours = featurized_by(regex_trained(SentenceRegexFeaturizer, case_sensitive, tmp_path, "ours"))

    matched = 0
    for theirs, mine in zip(rasas, ours, strict=True):
        their_sentence, my_sentence = theirs.get_sparse_features(TEXT)[1], mine.get_sparse_features(TEXT)[1]
        assert their_sentence is not None and my_sentence is not None
        np.testing.assert_array_equal(my_sentence.features.toarray(), their_sentence.features.toarray())
        matched += int(my_sentence.features.sum())
        assert not [f for f in mine.features if f.type == FEATURE_TYPE_SEQUENCE]
        assert all(token.get("pattern") is None for token in mine.get("text_tokens"))
    assert matched == (5 if case_sensitive else 7)  # the rows are not all zero
