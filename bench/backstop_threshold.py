"""Choose the red-flag backstop's threshold by cross-validation on its own corpus.

    python -m bench.backstop_threshold [--folds 5]

For each fold the backstop (components/backstop.py) is trained on the other folds plus the
benign NLU examples, and the whole detector is graded on the held-back sentences as the bot
runs it: the rules first; where no rule fires, the backstop. Per threshold it prints, on the
red-flag sentences, the share the rules state (certain) and the share caught with truthful
answers to the flag_check question (certain or possible), and on the benign sentences the share
asked an extra flag_check and the share referred. Writes reports/backstop_threshold.json.
A benchmark, not a test: the corpus is training data, so these are cross-validated estimates;
the held-out safety suites (tests/safety) give the figures that count.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Dict, List, Tuple

import numpy as np

from components.backstop import BENIGN, Backstop, Corpus
from components.entity_extractor import knowledge_vocabulary
from components.red_flags import BLOCKING_LEVELS, RedFlagDetector, RedFlagMatcher, detector_vocabulary, knowledge_red_flags

ROOT = Path(__file__).resolve().parents[1]
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)


def benign_nlu_examples() -> List[str]:
    import re

    import yaml

    texts = []
    for path in sorted((ROOT / "data" / "nlu").rglob("*.yml")):  # measured/ too, as training reads it
        for block in (yaml.safe_load(path.read_text()) or {}).get("nlu") or []:
            if block.get("intent") and block["intent"] != "report_red_flag":
                for line in str(block.get("examples") or "").splitlines():
                    if line.strip().startswith("- "):
                        texts.append(re.sub(r"\[([^\]]+)\]\{[^}]*\}", r"\1", line.strip()[2:]))
    return texts


def rule_grades(matcher: RedFlagMatcher, texts: List[str]) -> List[Tuple[bool, bool]]:
    """(a certain flag, any flag) per text, from the rules alone."""
    out = []
    for text in texts:
        flags = [f for f in matcher.find(text) if f.level in BLOCKING_LEVELS]
        out.append((any(f.certain for f in flags), bool(flags)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    corpus = Corpus.read(ROOT / "data" / "safety")
    vocabulary = RedFlagDetector.with_speller(detector_vocabulary(knowledge_red_flags(), knowledge_vocabulary()))
    matcher = RedFlagMatcher(vocabulary, RedFlagDetector.speller_of(vocabulary))
    texts = [t for t, _ in corpus.sentences]
    labels = np.array([label for _, label in corpus.sentences])
    rules = rule_grades(matcher, texts)
    scores = np.zeros(len(texts))
    order = np.random.default_rng(0).permutation(len(texts))
    benign = benign_nlu_examples()
    started = time.perf_counter()
    for fold in range(args.folds):
        held = order[fold :: args.folds]
        train = np.setdiff1d(order, held)
        part = Corpus(tuple(corpus.sentences[i] for i in train), corpus.rules)
        backstop = Backstop.train(part, benign)
        for i in held:
            scores[i] = backstop.score(texts[i])[0]
    red = labels != BENIGN
    certain = np.array([c for c, _ in rules])
    ruled = np.array([a for _, a in rules])
    thresholds: Dict[str, Dict[str, float]] = {}
    report: Dict[str, object] = {
        "sentences": {"red_flags": int(red.sum()), "benign": int((~red).sum())},
        "rules_alone": {
            "strict_recall": round(float(certain[red].mean()), 4),
            "truthful_recall": round(float(ruled[red].mean()), 4),
            "benign_referred": round(float(certain[~red].mean()), 4),
            "benign_flag_check": round(float((ruled & ~certain)[~red].mean()), 4),
        },
        "thresholds": thresholds,
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(f"rules alone: {report['rules_alone']}")
    for threshold in THRESHOLDS:
        caught = ruled | (scores >= threshold)
        asked = (caught & ~certain)[~red].mean()
        row = {
            "truthful_recall": round(float(caught[red].mean()), 4),
            "benign_flag_check": round(float(asked), 4),
            "benign_referred": round(float(certain[~red].mean()), 4),
        }
        thresholds[str(threshold)] = row
        print(f"threshold {threshold}: {row}")
    out = ROOT / "reports" / "backstop_threshold.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
