"""Choose the red-flag backstop's thresholds by cross-validation on its written corpus.

    python -m bench.backstop_threshold [--folds 5]

The folds split the written corpus (data/safety/*.yml, which the rules were not tuned on); the
measured batches (data/safety/measured/) always train. For each fold the backstop
(components/backstop.py) is trained on the rest plus the benign NLU examples, and the whole
detector is graded on the held-back sentences as the bot runs it: the rules first; where no rule
fires, the backstop. Per `possible_from` it prints, on the red-flag sentences, the share the
rules state (certain) and the share caught with truthful answers to the flag_check question
(certain or possible), and on the benign sentences the share asked an extra flag_check and the
share referred. Per `certain_from` (config.yml's possible_from kept) it prints strict and
truthful recall and the benign shares referred and asked, graded by the suites' `grade`.
Writes reports/backstop_threshold.json. A benchmark, not a test: these are cross-validated
estimates; the held-out safety suites (tests/safety) give the figures that count.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

import numpy as np

from components.backstop import BENIGN, Backstop, Corpus
from components.entity_extractor import knowledge_vocabulary
from components.red_flags import BLOCKING_LEVELS, RedFlagDetector, RedFlagMatcher, detector_vocabulary, knowledge_red_flags
from tests.safety.test_safety_suites import grade

ROOT = Path(__file__).resolve().parents[1]
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)
CERTAIN_FROM: Tuple[Optional[float], ...] = (None, 0.99, 0.98, 0.95, 0.9)
POSSIBLE_FROM = 0.7  # config.yml


def benign_examples(paths: Iterable[Path]) -> List[str]:
    """The examples of every intent but report_red_flag in these NLU files, without annotations."""
    import yaml
    from rasa.shared.nlu.training_data.entities_parser import replace_entities

    texts = []
    for path in paths:
        for block in (yaml.safe_load(path.read_text()) or {}).get("nlu") or []:
            if block.get("intent") and block["intent"] != "report_red_flag":
                for line in str(block.get("examples") or "").splitlines():
                    if line.strip().startswith("- "):
                        texts.append(replace_entities(line.strip()[2:]))
    return texts


def benign_nlu_examples() -> List[str]:
    """The benign training examples, as training reads them (data/nlu/measured/ too)."""
    return benign_examples(sorted((ROOT / "data" / "nlu").rglob("*.yml")))


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
    written = {t for t, _ in Corpus.read_written(ROOT / "data" / "safety").sentences}
    vocabulary = RedFlagDetector.with_speller(detector_vocabulary(knowledge_red_flags(), knowledge_vocabulary()))
    speller = RedFlagDetector.speller_of(vocabulary)
    matcher = RedFlagMatcher(vocabulary, speller)
    evaluated = [i for i, (t, _) in enumerate(corpus.sentences) if t in written]
    texts = [corpus.sentences[i][0] for i in evaluated]
    labels = np.array([corpus.sentences[i][1] for i in evaluated])
    rules = rule_grades(matcher, texts)
    scores = np.zeros(len(texts))
    graded: Dict[str, List[Tuple[str, str]]] = {str(t): [("none", "none")] * len(texts) for t in CERTAIN_FROM}
    order = np.random.default_rng(0).permutation(len(texts))
    benign = benign_nlu_examples()
    started = time.perf_counter()
    for fold in range(args.folds):
        held = order[fold :: args.folds]
        held_texts = {texts[i] for i in held}
        part = Corpus(tuple(s for s in corpus.sentences if s[0] not in held_texts), corpus.rules)
        backstop = Backstop.train(part, benign)
        for i in held:
            scores[i] = backstop.score(texts[i])[0]
        for certain_from in CERTAIN_FROM:
            whole = RedFlagMatcher(vocabulary, speller, backstop, POSSIBLE_FROM, certain_from)
            for i in held:
                graded[str(certain_from)][i] = grade(whole, texts[i])
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
    promoted: Dict[str, Dict[str, float]] = {}
    for column, grades in graded.items():
        stated = np.array([c != "none" for c, _ in grades])
        caught = np.array([t != "none" for _, t in grades])
        promoted[column] = {
            "strict_recall": round(float(stated[red].mean()), 4),
            "truthful_recall": round(float(caught[red].mean()), 4),
            "benign_referred": round(float(stated[~red].mean()), 4),
            "benign_flag_check": round(float((caught & ~stated)[~red].mean()), 4),
        }
        print(f"certain_from {column}: {promoted[column]}")
    report["certain_from"] = promoted
    report["seconds"] = round(time.perf_counter() - started, 1)
    out = ROOT / "reports" / "backstop_threshold.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
