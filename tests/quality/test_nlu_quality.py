"""NLU quality on the held-out test set: intent accuracy and entity F1 >= 0.95.

Runs `rasa test nlu` on tests/nlu/test_nlu.yml with the trained model and reads the
reports it writes under reports/nlu (kept for humans, with the confusion matrix when
run through `make evaluate`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Dict, Set

import pytest
from rasa.shared.nlu.training_data.loading import load_data

ROOT = Path(__file__).resolve().parents[2]
TEST_FILE = ROOT / "tests" / "nlu" / "test_nlu.yml"
REPORTS = ROOT / "reports" / "nlu"
THRESHOLD = 0.95


def normalised_texts(path: Path) -> Set[str]:
    return {" ".join(m.get("text").lower().split()) for m in load_data(str(path)).training_examples}


def test_test_set_shares_no_sentence_with_training_data() -> None:
    overlap = normalised_texts(TEST_FILE) & normalised_texts(ROOT / "data" / "nlu")
    assert overlap == set()


@pytest.fixture(scope="module")
def reports() -> Dict[str, dict]:
    model = ROOT / (ROOT / "models" / "LATEST").read_text().strip()
    REPORTS.mkdir(parents=True, exist_ok=True)
    command = [
        str(Path(sys.executable).with_name("rasa")),
        "test",
        "nlu",
        "--nlu",
        str(TEST_FILE),
        "--model",
        str(model),
        "--out",
        str(REPORTS),
        "--no-plot",
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return {p.stem: json.loads(p.read_text()) for p in REPORTS.glob("*_report.json")}


def test_intent_accuracy(reports: Dict[str, dict]) -> None:
    accuracy = reports["intent_report"]["accuracy"]
    assert accuracy >= THRESHOLD, f"intent accuracy {accuracy:.3f}"


def test_every_contract_intent_is_tested(reports: Dict[str, dict]) -> None:
    contract = {
        "greet",
        "goodbye",
        "affirm",
        "deny",
        "thank",
        "bot_challenge",
        "out_of_scope",
        "inform",
        "report_pain",
        "ask_exercise",
        "ask_ball_recommendation",
        "ask_tool_info",
        "ask_routine",
        "ask_dosage",
        "ask_trigger_point_info",
        "ask_care",
        "report_red_flag",
    }
    assert contract <= set(reports["intent_report"])


def test_entity_f1(reports: Dict[str, dict]) -> None:
    report = reports["KnowledgeEntityExtractor_report"]
    f1 = report["micro avg"]["f1-score"]
    assert f1 >= THRESHOLD, (
        f"entity micro F1 {f1:.3f}: " + json.dumps({k: v for k, v in report.items() if isinstance(v, dict)}, indent=1)[:3000]
    )
