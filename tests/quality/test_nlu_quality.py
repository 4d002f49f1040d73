"""NLU quality on the held-out sets (tests/nlu/*.yml): intent accuracy and entity F1.

Runs `rasa test nlu` on each held-out file with the trained model (side by side) and reads the
reports it writes under reports/nlu/<set> (kept for humans; `make evaluate` adds the confusion
matrices). heldout_a was written before tuning and tuned on; heldout_b after, measured once
before its own fixes (the figures are in docs/nlu.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
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
    """`rasa test nlu` on every held-out set, the runs side by side (one process per set)."""
    model = ROOT / (ROOT / "models" / "LATEST").read_text().strip()
    rasa = str(Path(sys.executable).with_name("rasa"))
    runs = {}
    for name in sorted(THRESHOLDS):
        out = REPORTS / Path(name).stem
        out.mkdir(parents=True, exist_ok=True)
        command = [
            rasa,
            "test",
            "nlu",
            "--nlu",
            str(ROOT / "tests" / "nlu" / name),
            "--model",
            str(model),
            "--out",
            str(out),
            "--no-plot",
        ]
        runs[name] = (out, subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    found: Dict[str, Dict[str, dict]] = {}
    for name, (out, process) in runs.items():
        output, _ = process.communicate(timeout=900)
        assert process.returncode == 0, output[-4000:]
        found[name] = {p.stem: json.loads(p.read_text()) for p in out.glob("*_report.json")}
        found[name]["_name"] = name  # type: ignore[assignment]
    return found


@pytest.fixture(params=sorted(THRESHOLDS))
def reports(request, all_reports: Dict[str, Dict[str, dict]]) -> Dict[str, dict]:  # type: ignore[no-untyped-def]
    return all_reports[request.param]


def test_intent_accuracy(reports: Dict[str, dict]) -> None:
    accuracy = reports["intent_report"]["accuracy"]
    assert accuracy >= THRESHOLDS[reports["_name"]][0], f"intent accuracy {accuracy:.3f}"  # type: ignore[index]


def test_every_tested_intent_is_a_domain_intent(reports: Dict[str, dict]) -> None:
    tested = {m.get("intent") for m in load_data(str(ROOT / "tests" / "nlu" / reports["_name"])).training_examples}  # type: ignore[arg-type]
    assert tested - domain_intents() - {"restart"} == set()


def test_entity_f1(reports: Dict[str, dict]) -> None:
    report = reports["KnowledgeEntityExtractor_report"]
    f1 = report["micro avg"]["f1-score"]
    assert f1 >= THRESHOLDS[reports["_name"]][1], (
        f"entity micro F1 {f1:.3f}: " + json.dumps({k: v for k, v in report.items() if isinstance(v, dict)}, indent=1)[:3000]
    )
