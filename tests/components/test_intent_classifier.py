"""components/intent_classifier.py: the classifier read back from its arrays predicts exactly what
the fitted one did, a model stored without weights loads as Rasa's own classifier does, and the
feature matrix is Rasa's own, column for column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import csr_matrix

from components.intent_classifier import CLASSES_FILE, WEIGHTS_FILE, LinearIntentClassifier

CONFIG = {"solver": "liblinear", "tol": 0.001, "max_iter": 200, "random_state": 42}


def made(storage: LocalModelStorage, resource: Resource) -> LinearIntentClassifier:
    return LinearIntentClassifier.create(CONFIG, storage, resource, ExecutionContext(GraphSchema({}), "test"))


@pytest.fixture()
def storage(tmp_path: Path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


def test_the_loaded_classifier_gives_the_fitted_ones_probabilities(storage: LocalModelStorage) -> None:
    rng = np.random.default_rng(7)
    features = csr_matrix(rng.poisson(0.3, size=(60, 40)).astype(float))
    intents = [("greet", "affirm", "deny")[i % 3] for i in range(60)]
    resource = Resource("classifier")
    fitted = made(storage, resource)
    fitted.clf.fit(features, intents)
    fitted.persist()

    loaded = LinearIntentClassifier.load(CONFIG, storage, resource, ExecutionContext(GraphSchema({}), "test"))

    assert list(loaded.clf.classes_) == ["affirm", "deny", "greet"]
    np.testing.assert_array_equal(loaded.clf.predict_proba(features), fitted.clf.predict_proba(features))
    with storage.read_from(resource) as model_dir:
        assert sorted(p.name for p in model_dir.iterdir()) == sorted([CLASSES_FILE, WEIGHTS_FILE])


def test_a_resource_never_written_loads_an_untrained_classifier(storage: LocalModelStorage) -> None:
    loaded = LinearIntentClassifier.load(CONFIG, storage, Resource("missing"), ExecutionContext(GraphSchema({}), "test"))

    assert not hasattr(loaded.clf, "coef_")


def featurized(rng: np.random.Generator, tokens: int, dense: bool) -> Message:
    """A message as the pipeline leaves it: two sparse featurizers (a row per token and one for
    the sentence each), optionally a dense one, with a feature of another attribute in between."""
    message = Message(data={TEXT: "x " * tokens})
    for origin, width in (("words", 5), ("chars", 7)):
        for kind, rows in ((FEATURE_TYPE_SEQUENCE, tokens), (FEATURE_TYPE_SENTENCE, 1)):
            message.add_features(Features(csr_matrix(rng.poisson(0.5, (rows, width)).astype(float)), kind, TEXT, origin))
        message.add_features(Features(csr_matrix(np.ones((1, 3))), FEATURE_TYPE_SENTENCE, "intent", origin))
    if dense:
        message.add_features(Features(rng.normal(size=(1, 4)), FEATURE_TYPE_SENTENCE, TEXT, "dense"))
    return message


@pytest.mark.parametrize("dense", [False, True], ids=["sparse only", "with dense"])
def test_the_feature_matrix_is_rasas_own(storage: LocalModelStorage, dense: bool) -> None:
    rng = np.random.default_rng(3)
    messages = [featurized(rng, tokens, dense) for tokens in (1, 4, 2, 7)]
    rasas = LogisticRegressionClassifier(CONFIG, "rasa", storage, Resource("rasa"))._create_X(messages)

    ours = made(storage, Resource("ours"))._create_X(messages)

    assert ours.shape == rasas.shape == (4, 12 + (4 if dense else 0))
    np.testing.assert_array_equal(ours.toarray(), rasas.toarray())
