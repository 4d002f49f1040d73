"""components/intent_classifier.py: the classifier read back from its arrays predicts exactly what
the fitted one did, and a model stored without weights loads as Rasa's own classifier does."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
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
