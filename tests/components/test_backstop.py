"""The learned backstop's scoring reads the models at a message's own features only; it must give
what the whole sparse-by-dense product gives (components/backstop.py `score`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from components.backstop import Backstop
from components.red_flags import RedFlagMatcher

ROOT = Path(__file__).resolve().parents[2]


def matrix_score(backstop: Backstop, text: str) -> tuple:
    """The textbook form: every feature column, zeros included."""
    features = backstop._features([text])
    coef, intercept = backstop._red
    likely = 1.0 / (1.0 + np.exp(-(features @ coef + intercept)[0]))
    family_coef, family_intercept = backstop._family
    family = backstop.families[int(np.argmax(features @ family_coef.T + family_intercept))]
    return float(likely), family


def sample_texts() -> list:
    texts = ["", "zzzz qqqq", "my lower back hurts", "I can't feel my legs and I wet myself"]
    for path in sorted((ROOT / "tests" / "safety").glob("*.yml"))[:3]:
        data = yaml.safe_load(path.read_text()) or {}
        for value in data.values():
            if isinstance(value, list):
                texts += [str(item["text"]) for item in value if isinstance(item, dict) and "text" in item][:40]
    return texts


@pytest.mark.parametrize("text", sample_texts())
def test_score_equals_the_matrix_product(detector: RedFlagMatcher, text: str) -> None:
    backstop = detector.backstop
    assert backstop is not None
    likely, family = backstop.score(text)
    expected_likely, expected_family = matrix_score(backstop, text)
    assert likely == pytest.approx(expected_likely, abs=1e-6)
    assert family == expected_family
