"""Rasa's LogisticRegressionClassifier, stored as plain arrays instead of a skops file.

Training and prediction are Rasa's own (scikit-learn's LogisticRegression on the featurizers'
sparse features); only the file the model keeps differs. Rasa saves the fitted estimator with
skops, and `import skops.io` walks every module already loaded once for each numpy ufunc it trusts:
in a Rasa server, where TensorFlow has loaded about 5,600 modules, that import alone took 7.6 s of
a 32 s start (docs/architecture.md "Start-up"). A linear model is its weights, its intercepts and
its class names, so those are what is kept: one `.npz` read with `allow_pickle=False` (no code
can run from the file, the reason Rasa moved from pickle to skops) and one JSON list.

The feature matrix is built the same way, only faster. Rasa's `_create_X` asks each message for
its combined features, which also copies and joins the sequence features (one row per token) that a
sentence classifier never reads, then stacks one row at a time: on 20k training examples that took
about 30 s of a 150 s training (cProfile of `rasa train nlu`). Here each featurizer's sentence
row is stacked once for all messages, then the blocks are joined: the same matrix, column for
column (tests/components/test_intent_classifier.py).
"""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, List

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import csr_matrix, hstack, vstack

logger = logging.getLogger(__name__)

WEIGHTS_FILE = "weights.npz"
CLASSES_FILE = "classes.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(LogisticRegressionClassifier):
    """Rasa's logistic-regression intent classifier; persisted as arrays (module docstring)."""

    def _create_X(self, messages: List[Message]) -> csr_matrix:
        """Rasa's matrix (each featurizer's sparse sentence row, then the dense ones), built per block."""
        rows = [sentence_rows(message) for message in messages]
        if not rows or any(len(row) != len(rows[0]) for row in rows):
            return super()._create_X(messages)  # featurizers differ between messages: Rasa's own way
        blocks = [vstack([row[i] for row in rows], format="csr") for i in range(len(rows[0]))]
        return hstack(blocks, format="csr") if blocks else csr_matrix((len(messages), 0))

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as model_dir:
            np.savez(model_dir / WEIGHTS_FILE, coef=self.clf.coef_, intercept=self.clf.intercept_)
            (model_dir / CLASSES_FILE).write_text(json.dumps([str(c) for c in self.clf.classes_]))

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearIntentClassifier:
        component = cls(config, execution_context.node_name, model_storage, resource)
        try:
            with model_storage.read_from(resource) as model_dir:
                with np.load(model_dir / WEIGHTS_FILE, allow_pickle=False) as weights:
                    coef, intercept = weights["coef"], weights["intercept"]
                classes = json.loads((model_dir / CLASSES_FILE).read_text())
        except (ValueError, FileNotFoundError):
            # as Rasa's own classifier does: a model trained without intents has no weights
            logger.debug("no trained weights in %s: the classifier predicts nothing", resource.name)
            return component
        component.clf.coef_ = coef
        component.clf.intercept_ = intercept
        component.clf.classes_ = np.array(classes)
        component.clf.n_features_in_ = coef.shape[1]
        return component


def sentence_rows(message: Message) -> List[csr_matrix]:
    """A message's sentence features of its text, in Rasa's order: sparse ones first, then dense."""
    found = [f for f in message.features if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE]
    return [csr_matrix(f.features) for f in found if f.is_sparse()] + [csr_matrix(f.features) for f in found if f.is_dense()]
