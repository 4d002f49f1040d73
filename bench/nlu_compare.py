"""Compare intent classifiers on the same features and the same held-out sets.

`python -m bench.nlu_compare` trains one NLU-only model per variant (cold Rasa cache, a
scratch directory; models/ is never touched), then parses every held-out example and
reports intent accuracy, macro-F1, training seconds and parse latency. It writes
`reports/nlu_compare.json` and prints the Markdown table that docs/nlu.md quotes.

Every variant keeps the project's own components (the knowledge entity extractor, the
spelling normaliser when configured, and the red-flag detector, which forces
`report_red_flag`), so the accuracy is that of the whole NLU pipeline, not of a bare model.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HELD_OUT = sorted((ROOT / "tests" / "nlu").glob("*.yml"))

#: the intent classifiers a variant swaps in for the project's own
CLASSIFIERS = (
    "DIETClassifier",
    "LogisticRegressionClassifier",
    "KeywordIntentClassifier",
    "components.intent_classifier.LinearIntentClassifier",
)
#: the project's sentence-only featurizers and Rasa's own, which DIET needs: it reads the token rows
SEQUENCE_FEATURIZERS = {
    "components.sentence_featurizer.SentenceRegexFeaturizer": "RegexFeaturizer",
    "components.sentence_featurizer.SentenceCountVectorsFeaturizer": "CountVectorsFeaturizer",
}


def _replace_classifier(pipeline: List[Dict[str, Any]], component: Dict[str, Any]) -> List[Dict[str, Any]]:
    out = []
    for step in copy.deepcopy(pipeline):
        out.append(component if step.get("name") in CLASSIFIERS else step)
    if component["name"] == "DIETClassifier":
        for step in out:
            step["name"] = SEQUENCE_FEATURIZERS.get(step["name"], step["name"])
    return out


def _without(pipeline: List[Dict[str, Any]], names: Sequence[str]) -> List[Dict[str, Any]]:
    return [s for s in pipeline if s.get("name") not in names]


def variants(pipeline: List[Dict[str, Any]]) -> Dict[str, Tuple[str, List[Dict[str, Any]]]]:
    diet = {"name": "DIETClassifier", "entity_recognition": False, "constrain_similarities": True, "random_seed": 42}
    return {
        "diet_80": (
            "DIET, 80 epochs (the pipeline before this comparison)",
            _replace_classifier(pipeline, {**diet, "epochs": 80}),
        ),
        "diet_20": ("DIET, 20 epochs", _replace_classifier(pipeline, {**diet, "epochs": 20})),
        "diet_small_20": (
            "DIET, 20 epochs, one 64-unit layer, no lexical-syntactic features",
            _without(
                _replace_classifier(
                    pipeline,
                    {**diet, "epochs": 20, "hidden_layers_sizes": {"text": [64]}, "number_of_transformer_layers": 0},
                ),
                ["LexicalSyntacticFeaturizer"],
            ),
        ),
        "logreg": (
            "LogisticRegressionClassifier (sklearn, lbfgs), same features",
            _replace_classifier(pipeline, {"name": "LogisticRegressionClassifier", "max_iter": 500, "random_state": 42}),
        ),
        "logreg_200": (
            "LogisticRegressionClassifier, at most 200 iterations",
            _replace_classifier(pipeline, {"name": "LogisticRegressionClassifier", "max_iter": 200, "random_state": 42}),
        ),
        "logreg_no_lexical": (
            "LogisticRegressionClassifier, no lexical-syntactic features",
            _without(
                _replace_classifier(pipeline, {"name": "LogisticRegressionClassifier", "max_iter": 500, "random_state": 42}),
                ["LexicalSyntacticFeaturizer"],
            ),
        ),
        "logreg_liblinear": (
            "LogisticRegressionClassifier, liblinear (one-vs-rest), n-grams seen twice (config.yml)",
            _replace_classifier(
                pipeline,
                {
                    "name": "LogisticRegressionClassifier",
                    "solver": "liblinear",
                    "tol": 0.001,
                    "max_iter": 200,
                    "random_state": 42,
                },
            ),
        ),
        "logreg_lbfgs_60": (
            "LogisticRegressionClassifier, lbfgs, at most 60 iterations, tolerance 1e-3",
            _replace_classifier(
                pipeline, {"name": "LogisticRegressionClassifier", "max_iter": 60, "tol": 0.001, "random_state": 42}
            ),
        ),
        "keyword": (
            "KeywordIntentClassifier (exact keywords, baseline)",
            _replace_classifier(pipeline, {"name": "KeywordIntentClassifier"}),
        ),
    }


def held_out_examples(paths: Sequence[Path]) -> Dict[str, List[Tuple[str, str]]]:
    from rasa.shared.nlu.training_data.loading import load_data

    sets = {}
    for path in paths:
        data = load_data(str(path))
        sets[path.name] = [(m.get("text"), m.get("intent")) for m in data.training_examples if m.get("intent")]
    return sets


def train(config: Dict[str, Any], workdir: Path, name: str) -> Tuple[Path, float]:
    config_path = workdir / f"{name}.yml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    cache = workdir / f"cache-{name}"
    env = {
        "RASA_CACHE_DIRECTORY": str(cache),
        "PYTHONPATH": str(ROOT),
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    argv = [str(BIN / "rasa"), "train", "nlu", "--config", str(config_path), "--nlu", "data/nlu"]
    argv += ["--out", str(workdir), "--fixed-model-name", name]
    started = time.perf_counter()
    with (workdir / f"{name}.log").open("w") as log:
        result = subprocess.run(argv, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT, check=False)
    seconds = time.perf_counter() - started
    model = workdir / f"{name}.tar.gz"
    if result.returncode != 0 or not model.exists():
        raise RuntimeError(f"training {name} failed: see {workdir / f'{name}.log'}")
    return model, seconds


def macro_f1(pairs: Sequence[Tuple[str, str]]) -> float:
    """Unweighted mean of the per-intent F1 (scikit-learn, as `rasa test nlu` reports it)."""
    from sklearn.metrics import f1_score

    gold, predicted = [g for g, _ in pairs], [p for _, p in pairs]
    return float(f1_score(gold, predicted, average="macro", zero_division=0))


async def evaluate(model: Path, sets: Dict[str, List[Tuple[str, str]]]) -> Dict[str, Any]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    out: Dict[str, Any] = {}
    latencies: List[float] = []
    for name, examples in sets.items():
        pairs = []
        misses = []
        for text, gold in examples:
            started = time.perf_counter()
            parsed = await agent.parse_message(text)
            latencies.append((time.perf_counter() - started) * 1000)
            predicted = (parsed.get("intent") or {}).get("name") or "none"
            pairs.append((gold, predicted))
            if predicted != gold:
                misses.append({"text": text, "gold": gold, "predicted": predicted})
        accuracy = sum(g == p for g, p in pairs) / len(pairs)
        out[name] = {"n": len(pairs), "accuracy": round(accuracy, 4), "macro_f1": round(macro_f1(pairs), 4), "misses": misses}
    out["parse_ms_p50"] = round(statistics.median(latencies), 2)
    return out


def table(results: Dict[str, Any], set_names: Sequence[str]) -> str:
    head = "| variant | " + " | ".join(f"{s}: accuracy / macro-F1" for s in set_names) + " | training (s) | parse p50 (ms) |"
    lines = [head, "|" + "---|" * (len(set_names) + 3)]
    for name, result in results.items():
        cells = [f"{result[s]['accuracy']:.3f} / {result[s]['macro_f1']:.3f}" for s in set_names]
        lines.append(
            f"| {name}: {result['what']} | " + " | ".join(cells) + f" | {result['train_s']:.0f} | {result['parse_ms_p50']:.1f} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated variant names (default: all)")
    parser.add_argument("--out", default=str(ROOT / "reports" / "nlu_compare.json"))
    args = parser.parse_args(argv)
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    sets = held_out_examples(HELD_OUT)
    chosen = variants(config["pipeline"])
    if args.only:
        chosen = {k: v for k, v in chosen.items() if k in args.only.split(",")}
    results: Dict[str, Any] = {}
    out = Path(args.out)
    out_dir = out.parent
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nlu-compare-") as tmp:
        workdir = Path(tmp)
        for name, (what, pipeline) in chosen.items():
            variant_config = {"recipe": "default.v1", "language": "en", "pipeline": pipeline}
            print(f">> {name}: training", flush=True)
            try:
                model, seconds = train(variant_config, workdir, name)
            except RuntimeError as error:  # a variant that cannot train is reported, not fatal
                log = workdir / f"{name}.log"
                failed = out_dir / f"nlu_compare-{name}.log"
                failed.write_text(log.read_text() if log.exists() else str(error))
                print(f">> {name}: failed, see {failed}", flush=True)
                results[name] = {"what": what, "failed": str(failed)}
                continue
            print(f">> {name}: trained in {seconds:.0f}s, evaluating", flush=True)
            result = asyncio.run(evaluate(model, sets))
            results[name] = {"what": what, "train_s": round(seconds, 1), **result}
            print(json.dumps({s: (result[s]["accuracy"], result[s]["macro_f1"]) for s in sets}), flush=True)
            out.write_text(json.dumps({"held_out": {k: len(v) for k, v in sets.items()}, "results": results}, indent=1))
    out.write_text(json.dumps({"held_out": {k: len(v) for k, v in sets.items()}, "results": results}, indent=1))
    print(table({k: v for k, v in results.items() if "failed" not in v}, list(sets)))
    print(f">> written {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
