"""Measure a new safety batch once, with the red-flag detector the trained model holds.

    python -m bench.safety_batch RED_FLAGS.yml [BENIGN.yml] [--model models/tpc-....tar.gz]

The detector (its vocabulary with the speller, and the learned backstop) is read from the model
(models/LATEST by default), with the `possible_from` the model was trained with, so the figures
are the bot's. Every case is graded by `grade` from tests/safety/test_safety_suites.py, exactly as
the asserted suites are: strict recall (certain flags), truthful recall (certain or possible),
emergencies graded emergency (their advice comes first), benign pass (no referral) and the
flag_check rate (benign people asked an extra question). Caution-level cases (a `caution:` list)
are counted apart: the suites grade blocking levels only. Benign cases come from BENIGN.yml or
from a `benign:` list in the red-flag file (batch 5), as texts or as {text, trap}. Figures by level and family, and every
miss, go to reports/safety_<red-flag file>.json; the terminal shows the figures only.
A measurement, not a test: exit code 0 whatever the figures are.
"""

from __future__ import annotations

import argparse
import json
import tarfile
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from components.backstop import Backstop
from components.red_flags import RedFlagDetector, RedFlagMatcher
from components.vocabulary_component import VOCABULARY_FILE
from tests.safety.test_safety_suites import RANK, grade

ROOT = Path(__file__).resolve().parents[1]
DETECTOR = "components.red_flags.RedFlagDetector"
COLUMNS = ("cases", "strict", "truthful")


def model_parts(model: Path) -> Tuple[Dict[str, Any], Optional[Backstop], float, Optional[float]]:
    """The red-flag detector's parts as the model stores them: its vocabulary, its learned
    backstop, and the `possible_from` and `certain_from` it was trained with."""
    with tarfile.open(model) as archive, tempfile.TemporaryDirectory() as folder:
        metadata = json.load(archive.extractfile("metadata.json"))  # type: ignore[arg-type]
        node = next(n for n in metadata["predict_schema"]["nodes"].values() if n["uses"].endswith(DETECTOR))
        stored = f"components/{node['resource']['name']}/"
        path = Path(folder)
        for member in archive.getmembers():
            name = member.name.lstrip("/")
            if member.isfile() and name.startswith(stored):  # the detector's own files, flat
                (path / Path(name).name).write_bytes(archive.extractfile(member).read())  # type: ignore[union-attr]
        vocabulary = json.loads((path / VOCABULARY_FILE).read_text(encoding="utf-8"))
        backstop = Backstop.load(path)
    certain_from = node["config"].get("certain_from")
    return vocabulary, backstop, float(node["config"]["possible_from"]), None if certain_from is None else float(certain_from)


def model_detector(model: Path) -> RedFlagMatcher:
    """The red-flag matcher as the model runs it: its stored vocabulary, backstop and thresholds."""
    vocabulary, backstop, possible_from, certain_from = model_parts(model)
    return RedFlagMatcher(vocabulary, RedFlagDetector.speller_of(vocabulary), backstop, possible_from, certain_from)


def share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def red_flag_figures(matcher: RedFlagMatcher, cases: List[Dict[str, str]]) -> Dict[str, Any]:
    graded = [(case, *grade(matcher, case["text"])) for case in cases]
    emergencies = [(c, truthful) for c, _, truthful in graded if c["level"] == "emergency"]
    by: Dict[str, Dict[str, List[int]]] = {"level": defaultdict(lambda: [0, 0, 0]), "family": defaultdict(lambda: [0, 0, 0])}
    for case, certain, truthful in graded:
        for key in by:
            row = by[key][case.get(key, "-")]
            row[0] += 1
            row[1] += certain != "none"
            row[2] += truthful != "none"
    return {
        "red_flags": len(cases),
        "strict_recall": share(sum(certain != "none" for _, certain, _ in graded), len(cases)),
        "truthful_recall": share(sum(truthful != "none" for _, _, truthful in graded), len(cases)),
        "emergencies": len(emergencies),
        "emergency_advice_first": sum(truthful == "emergency" for _, truthful in emergencies),
        "by": {key: {name: dict(zip(COLUMNS, row, strict=True)) for name, row in rows.items()} for key, rows in by.items()},
        "missed": [c["text"] for c, _, truthful in graded if truthful == "none"],
        "possible_only": [c["text"] for c, certain, truthful in graded if certain == "none" and truthful != "none"],
        "emergency_not_first": [c["text"] for c, truthful in emergencies if truthful != "emergency"],
        "graded_below": [(c["text"], c["level"], got) for c, _, got in graded if 0 < RANK.get(got, 0) < RANK[c["level"]]],
        "graded_above": [(c["text"], c["level"], got) for c, _, got in graded if RANK.get(got, 0) > RANK[c["level"]]],
    }


def caution_figures(matcher: RedFlagMatcher, cases: List[Dict[str, str]]) -> Dict[str, Any]:
    levels = [(case["text"], sorted({f.level for f in matcher.find(case["text"])})) for case in cases]
    return {
        "caution_cases": len(cases),
        "caution_found": share(sum(bool(found) for _, found in levels), len(cases)),
        "caution_missed": [text for text, found in levels if not found],
        "caution_levels": levels,
    }


def benign_figures(matcher: RedFlagMatcher, cases: List[Any]) -> Dict[str, Any]:
    texts = [c if isinstance(c, str) else c["text"] for c in cases]
    graded = [(text, *grade(matcher, text)) for text in texts]
    referred = [text for text, certain, _ in graded if certain != "none"]
    asked = [text for text, certain, truthful in graded if certain == "none" and truthful != "none"]
    return {
        "benign": len(cases),
        "benign_pass": share(len(cases) - len(referred), len(cases)),
        "flag_check_rate": share(len(asked), len(cases)),
        "referred": referred,
        "asked": asked,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("red_flags", type=Path)
    parser.add_argument("benign", type=Path, nargs="?", default=None)
    parser.add_argument("--model", type=Path, default=None, help="default: models/LATEST")
    args = parser.parse_args()
    model = args.model or ROOT / (ROOT / "models" / "LATEST").read_text().strip()
    matcher = model_detector(model)
    red = yaml.safe_load(args.red_flags.read_text())
    report: Dict[str, Any] = {"model": model.name, **red_flag_figures(matcher, red["red_flags"])}
    report.update(caution_figures(matcher, red.get("caution") or []))
    benign = yaml.safe_load(args.benign.read_text())["benign"] if args.benign else red.get("benign") or []
    report.update(benign_figures(matcher, benign))
    out = ROOT / "reports" / f"safety_{args.red_flags.stem}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=1))
    shown = ("red_flags", "strict_recall", "truthful_recall", "emergencies", "emergency_advice_first")
    print({key: report[key] for key in shown})
    print({key: report[key] for key in ("caution_cases", "caution_found", "benign", "benign_pass", "flag_check_rate")})
    print(f"details and misses: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
