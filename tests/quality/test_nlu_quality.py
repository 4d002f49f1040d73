"""NLU quality on the held-out sets (tests/nlu/*.yml): intent accuracy and entity F1.

Runs Rasa's NLU evaluation (as `rasa test nlu` does) on each held-out file with the trained model
and reads the reports it writes under reports/nlu/<set> (kept for humans; `make evaluate` adds the confusion
matrices). heldout_a was written before tuning and tuned on; heldout_b after, measured once
before its own fixes (the figures are in docs/nlu.md).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Dict

import pytest
import yaml
from rasa.shared.nlu.training_data.loading import load_data

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT / "reports" / "nlu"
#: held-out file -> (intent accuracy, entity micro F1) it must reach
THRESHOLDS = {"test_nlu.yml": (0.97, 0.95), "heldout_a.yml": (0.97, 0.95), "heldout_b.yml": (0.97, 0.95)}


def domain_intents() -> set:
    return {i for p in (ROOT / "domain").glob("*.yml") for i in (yaml.safe_load(p.read_text()) or {}).get("intents", [])}


@pytest.fixture(scope="module")
def all_reports() -> Dict[str, Dict[str, dict]]:
    """What `rasa test nlu --no-plot` does, for every held-out set with one loaded model: Rasa's
    own evaluation (rasa.nlu.test.run_evaluation) writing the same reports. One process instead of
    one per set, each of which would import Rasa and load the model again (about 20 s each)."""
    from rasa.core.agent import Agent
    from rasa.nlu.test import run_evaluation

    processor = Agent.load(str(ROOT / (ROOT / "models" / "LATEST").read_text().strip())).processor
    found: Dict[str, Dict[str, dict]] = {}
    for name in sorted(THRESHOLDS):
        out = REPORTS / Path(name).stem
        out.mkdir(parents=True, exist_ok=True)
        evaluation = run_evaluation(
            str(ROOT / "tests" / "nlu" / name), processor, str(out), disable_plotting=True, domain_path=str(ROOT / "domain")
        )
        asyncio.run(evaluation)
        found[name] = {p.stem: json.loads(p.read_text()) for p in out.glob("*_report.json")}
    return found


@pytest.fixture(params=sorted(THRESHOLDS))
def held_out(request: pytest.FixtureRequest) -> str:
    """The held-out set's file name (tests/nlu/)."""
    return request.param


@pytest.fixture()
def reports(held_out: str, all_reports: Dict[str, Dict[str, dict]]) -> Dict[str, dict]:
    return all_reports[held_out]


def test_intent_accuracy(held_out: str, reports: Dict[str, dict]) -> None:
    accuracy = reports["intent_report"]["accuracy"]
    assert accuracy >= THRESHOLDS[held_out][0], f"intent accuracy {accuracy:.3f}"


def test_every_tested_intent_is_a_domain_intent(held_out: str) -> None:
    tested = {m.get("intent") for m in load_data(str(ROOT / "tests" / "nlu" / held_out)).training_examples}
    assert tested - domain_intents() - {"restart"} == set()


def test_entity_f1(held_out: str, reports: Dict[str, dict]) -> None:
    report = reports["KnowledgeEntityExtractor_report"]
    f1 = report["micro avg"]["f1-score"]
    assert f1 >= THRESHOLDS[held_out][1], (
        f"entity micro F1 {f1:.3f}: " + json.dumps({k: v for k, v in report.items() if isinstance(v, dict)}, indent=1)[:3000]
    )
