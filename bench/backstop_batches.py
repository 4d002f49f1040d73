"""How the learned backstop does on safety batches it has never seen, trained as the bot trains it.

    python -m bench.backstop_batches [--last 13]

Forward-chained over the measured batches (data/safety/measured/, numbered in the order they
were written): for each of the last N batches, the backstop is trained on the written corpus,
the measured batches written before it and the benign NLU examples (as at training time), and
the whole detector (the rules of the working tree, then that backstop) grades the batch with the
suites' `grade`. Per `certain_from` (the score from which a corroborated learned signal is
certain, config.yml) it prints pooled strict and truthful recall, benign pass and the flag_check
rate, plus how often the benign NLU examples of the asserted held-out sets (tests/nlu, never
trained on) would be referred. The rules were tuned on these batches, so recall here is a
ceiling for the rules; what changes between columns is the backstop's part alone.
Writes reports/backstop_batches.json. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from bench.backstop_threshold import benign_examples, benign_nlu_examples
from components.backstop import Backstop, Corpus
from components.entity_extractor import knowledge_vocabulary
from components.red_flags import RedFlagDetector, RedFlagMatcher, detector_vocabulary, knowledge_red_flags
from tests.quality.test_nlu_quality import THRESHOLDS as ASSERTED_NLU
from tests.safety.test_safety_suites import grade

ROOT = Path(__file__).resolve().parents[1]
MEASURED = ROOT / "data" / "safety" / "measured"
CERTAIN_FROM: Tuple[Optional[float], ...] = (None, 0.99, 0.98, 0.95, 0.9)
POSSIBLE_FROM = 0.7


def batch(number: int) -> Tuple[List[str], List[str]]:
    """(red-flag texts, benign texts) of one measured batch."""
    red: List[str] = []
    benign: List[str] = []
    for name in (f"red_flags_batch{number}.yml", f"benign_batch{number}.yml"):
        path = MEASURED / name
        if path.exists():
            data = yaml.safe_load(path.read_text()) or {}
            red += [c["text"] for c in data.get("red_flags") or []]
            benign += [c["text"] if isinstance(c, dict) else c for c in data.get("benign") or []]
    return red, benign


def held_out_benign() -> List[str]:
    """Benign examples of the asserted NLU sets: never trained on, by the classifier or the backstop."""
    return benign_examples(ROOT / "tests" / "nlu" / name for name in sorted(ASSERTED_NLU))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--last", type=int, default=13, help="how many of the newest batches to hold out in turn")
    args = parser.parse_args()
    numbers = sorted({int(m.group(1)) for p in MEASURED.glob("*.yml") if (m := re.search(r"batch(\d+)", p.name))})
    corpus = Corpus.read(ROOT / "data" / "safety")
    vocabulary = RedFlagDetector.with_speller(detector_vocabulary(knowledge_red_flags(), knowledge_vocabulary()))
    speller = RedFlagDetector.speller_of(vocabulary)
    benign_nlu = benign_nlu_examples()
    nlu_benign = held_out_benign()
    counts = ("red", "strict", "truthful", "benign", "passed", "asked", "nlu_referred")
    pooled: Dict[str, Dict[str, int]] = {str(t): dict.fromkeys(counts, 0) for t in CERTAIN_FROM}
    rows: List[Dict[str, Any]] = []
    for number in numbers[-args.last :]:
        later = {text for n in numbers if n >= number for part in batch(n) for text in part}
        part = Corpus(tuple(s for s in corpus.sentences if s[0] not in later), corpus.rules)
        backstop = Backstop.train(part, benign_nlu)
        red, benign = batch(number)
        for certain_from in CERTAIN_FROM:
            matcher = RedFlagMatcher(vocabulary, speller, backstop, POSSIBLE_FROM, certain_from)
            graded_red = [grade(matcher, t) for t in red]
            graded_benign = [grade(matcher, t) for t in benign]
            row = pooled[str(certain_from)]
            row["red"] += len(red)
            row["strict"] += sum(c != "none" for c, _ in graded_red)
            row["truthful"] += sum(t != "none" for _, t in graded_red)
            row["benign"] += len(benign)
            row["passed"] += sum(c == "none" for c, _ in graded_benign)
            row["asked"] += sum(c == "none" and t != "none" for c, t in graded_benign)
            if number == numbers[-1]:  # the NLU sets once, with the backstop that knows every batch but the newest
                row["nlu_referred"] = sum(grade(matcher, t)[0] != "none" for t in nlu_benign)
            rows.append(
                {
                    "batch": number,
                    "certain_from": certain_from,
                    "strict": sum(c != "none" for c, _ in graded_red),
                    "red": len(red),
                    "benign_referred": sum(c != "none" for c, _ in graded_benign),
                }
            )
        latest = rows[-len(CERTAIN_FROM) :]
        cells = (f"{r['certain_from']}: {r['strict']}/{r['red']}, {r['benign_referred']} referred" for r in latest)
        print(f"batch {number}: " + ", ".join(cells), flush=True)
    summary = {
        str(t): {
            "strict_recall": round(r["strict"] / r["red"], 4),
            "truthful_recall": round(r["truthful"] / r["red"], 4),
            "benign_pass": round(r["passed"] / r["benign"], 4),
            "flag_check_rate": round(r["asked"] / r["benign"], 4),
            "held_out_nlu_benign_referred": f"{r['nlu_referred']}/{len(nlu_benign)}",
        }
        for t, r in pooled.items()
    }
    for t, figures in summary.items():
        print(f"certain_from {t}: {figures}")
    out = ROOT / "reports" / "backstop_batches.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"summary": summary, "batches": rows}, indent=1))


if __name__ == "__main__":
    main()
