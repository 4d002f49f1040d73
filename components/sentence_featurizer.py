"""Rasa's sparse featurizers, giving sentence features only.

The sentence classifier (components/intent_classifier.py) is the only part of this pipeline that
reads features, and it reads one sentence row per message. Rasa's featurizers also build a
sequence matrix (one row per token) for every attribute of every message, and its regex
featurizer marks every token with every pattern's name. In a training those were built,
fingerprinted for Rasa's cache more than once, and never read (docs/architecture.md "Training
time"). Here:

- `SentenceCountVectorsFeaturizer`: Rasa's CountVectorsFeaturizer, each attribute's sentences
  through scikit-learn in one call instead of two calls per message;
- `SentenceRegexFeaturizer`: Rasa's RegexFeaturizer (the lookup tables' patterns), one 1 per
  pattern a match of which overlaps a token, as Rasa's sentence row has it.

Patterns, vocabularies, their training and their persistence are Rasa's. Each sentence row is the
one Rasa's featurizer gives, column for column (tests/components/test_sentence_featurizer.py).
"""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

import numpy as np
import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES, TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.featurizers.sparse_featurizer.regex_featurizer import RegexFeaturizer
from rasa.shared.nlu.training_data.message import Message

Rows = List[Optional[scipy.sparse.spmatrix]]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceCountVectorsFeaturizer(CountVectorsFeaturizer):
    """Rasa's count-vector featurizer without sequence features (module docstring)."""

    def process(self, messages: List[Message]) -> List[Message]:
        if self.vectorizers is None:
            return super().process(messages)  # Rasa's own error message for an untrained featurizer
        for attribute in self._attributes:
            tokens = [self._get_processed_message_tokens_by_attribute(message, attribute) for message in messages]
            _, sentences = self._create_features(attribute, tokens)
            for message, sentence in zip(messages, sentences, strict=True):
                self.add_features_to_message(None, sentence, attribute, message)
        return messages

    def _create_features(self, attribute: str, all_tokens: List[List[str]]) -> Tuple[Rows, Rows]:
        """No sequence rows; a sentence row for each message with tokens of a sentence-level attribute."""
        no_sequences: Rows = [None] * len(all_tokens)
        sentences: Rows = [None] * len(all_tokens)
        vectorizer = self.vectorizers.get(attribute)
        present = [i for i, tokens in enumerate(all_tokens) if tokens]
        if vectorizer is not None and attribute in DENSE_FEATURIZABLE_ATTRIBUTES and present:
            matrix = vectorizer.transform([" ".join(all_tokens[i]) for i in present]).tocsr()
            for row, i in enumerate(present):
                sentence = matrix[row]
                sentence.sort_indices()
                sentences[i] = sentence.tocoo()
        return no_sequences, sentences


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceRegexFeaturizer(RegexFeaturizer):
    """Rasa's regex featurizer without sequence features or marks on the tokens (module docstring)."""

    def _features_for_patterns(
        self, message: Message, attribute: str
    ) -> Tuple[Optional[scipy.sparse.coo_matrix], Optional[scipy.sparse.coo_matrix]]:
        text = message.get(attribute)
        tokens = message.get(TOKENS_NAMES[attribute], [])
        if not text or not tokens:
            return None, None
        flags = 0 if self.case_sensitive else re.IGNORECASE
        sentence = np.zeros([1, len(self.known_patterns)])
        for index, pattern in enumerate(self.known_patterns):
            spans = [match.span() for match in re.finditer(pattern["pattern"], text, flags=flags)]
            if any(token.start < end and token.end > start for start, end in spans for token in tokens):
                sentence[0, index] = 1.0
        return None, scipy.sparse.coo_matrix(sentence)
