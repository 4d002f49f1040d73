"""The learned backstop of the red-flag detector: a signal where no rule fired.

Trained at training time on the corpus in data/safety/ (red-flag sentences by family, benign
sentences with the traps a keyword matcher falls into, written by persona and style), the safety
batches in data/safety/measured/ (each written blind and measured once before it joined), and
every NLU training example of an intent other than report_red_flag (benign by construction);
each corpus sentence also once with a typo (the `typo` package, seeded). Two linear models on word and
character n-grams (scikit-learn): one says how likely a message is a red flag at all, one which
family it is (data/safety/families.yml maps a family to its safety rule).

It never clears anything. The detector turns a likely red flag into a `possible_flag` of the
family's rule, and the bot asks that rule's yes/no question (flag_check); only when the model is
very sure and the message itself says two signs of one of that rule's combinations is the flag
certain (components/red_flags.py `_corroborated`).
Persisted as plain arrays and JSON (no pickle), so loading a model runs no code from it.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np
import yaml

BENIGN = "benign"
FILES = ("backstop_vocabulary.json", "backstop_weights.npz")


@dataclass(frozen=True)
class Corpus:
    """Labelled sentences: (text, family or BENIGN), and what each family means."""

    sentences: Tuple[Tuple[str, str], ...]
    rules: Dict[str, str]  # family -> safety rule id

    @classmethod
    def read_written(cls, folder: Path) -> Corpus:
        """The corpus written for the backstop: `flag_sentences` by family, `benign_sentences`."""
        rules: Dict[str, str] = dict(_read_yaml(folder / "families.yml")["families"])
        sentences: List[Tuple[str, str]] = []
        for path in sorted(folder.glob("*.yml")):
            data = _read_yaml(path)
            sentences += [(str(s["text"]), str(s["family"])) for s in data.get("flag_sentences") or []]
            sentences += [(str(s["text"]), BENIGN) for s in data.get("benign_sentences") or []]
        unknown = {family for _, family in sentences if family != BENIGN and family not in rules}
        if unknown:
            raise ValueError(f"{folder}: families without a rule in families.yml: {sorted(unknown)}")
        return cls(tuple(sentences), rules)

    @classmethod
    def read(cls, folder: Path) -> Corpus:
        """The written corpus and, in `measured/`, the safety batches that were held out until their
        first measurement (`red_flags` labelled by safety rule, `benign`): a batch joins training
        once it has been measured."""
        written = cls.read_written(folder)
        rules, sentences = dict(written.rules), list(written.sentences)
        family_of = _family_of_rule(rules)
        for path in sorted((folder / "measured").glob("*.yml")):
            data = _read_yaml(path)
            for case in data.get("red_flags") or []:
                rule = case.get("family") if isinstance(case, dict) else None
                if rule:  # the first batches gave a level only: no family to learn from
                    family = family_of.get(rule, rule)
                    rules.setdefault(family, rule)
                    sentences.append((str(case["text"]), family))
            sentences += [(str(c["text"] if isinstance(c, dict) else c), BENIGN) for c in data.get("benign") or []]
        return cls(tuple(sentences), rules)


def _read_yaml(path: Path) -> Dict[str, Any]:
    """A corpus file, read with libyaml's safe loader (the same data as `yaml.safe_load`, several
    times faster on the 1.8 MB the backstop trains on, as knowledge/loader.py does)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}


def _family_of_rule(rules: Dict[str, str]) -> Dict[str, str]:
    """rule id -> the corpus family a measured case of that rule trains: the family of the same
    name, else the rule's only family; a rule with several families becomes a family of its own."""
    families: Dict[str, List[str]] = {}
    for family, rule in rules.items():
        families.setdefault(rule, []).append(family)
    return {rule: rule if rule in names else names[0] for rule, names in families.items() if rule in names or len(names) == 1}


def with_typo(text: str, seed: int) -> str:
    """`text` with one typing slip (a swapped, missing, doubled or neighbouring letter)."""
    from typo import StrErrer

    state = random.getstate()  # the package reseeds Python's global generator: put it back
    try:
        errer = StrErrer(text, seed=seed)
        slip = (errer.char_swap, errer.missing_char, errer.extra_char, errer.nearby_char)[seed % 4]
        return str(slip().result)
    finally:
        random.setstate(state)


def _vectorizers() -> Tuple[Any, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=40000)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), min_df=3, sublinear_tf=True, max_features=40000)
    return words, chars


class Backstop:
    """Scores a message: how likely it is a red flag, and of which family."""

    def __init__(self, vocabulary: Dict[str, Any], weights: Dict[str, np.ndarray]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.rules: Dict[str, str] = vocabulary["rules"]
        self.families: List[str] = vocabulary["families"]
        self._vectorizers = []
        for name in ("words", "chars"):
            config = vocabulary[name]
            params = {**config["params"], "ngram_range": tuple(config["params"]["ngram_range"])}
            vectorizer = TfidfVectorizer(vocabulary=config["vocabulary"], **params)
            vectorizer.idf_ = weights[f"{name}_idf"]
            self._vectorizers.append(vectorizer)
        self._red = (weights["red_coef"], float(weights["red_intercept"]))
        self._family = (weights["family_coef"], weights["family_intercept"])

    @classmethod
    def train(cls, corpus: Corpus, benign_examples: Iterable[str] = ()) -> Backstop:
        from scipy.sparse import hstack
        from sklearn.linear_model import LogisticRegression
        from sklearn.svm import LinearSVC

        texts = [text for text, _ in corpus.sentences] + list(benign_examples)
        labels = [label for _, label in corpus.sentences] + [BENIGN] * (len(texts) - len(corpus.sentences))
        texts += [with_typo(text, i) for i, (text, _) in enumerate(corpus.sentences)]
        labels += [label for _, label in corpus.sentences]
        words, chars = _vectorizers()
        features = hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr()
        red = np.array([label != BENIGN for label in labels])
        likely = LogisticRegression(C=8, solver="liblinear", class_weight="balanced").fit(features, red)
        family = LinearSVC(C=0.5).fit(features[red], np.array(labels)[red])
        vocabulary = {
            "rules": corpus.rules,
            "families": [str(f) for f in family.classes_],
            "words": _config(words),
            "chars": _config(chars),
        }
        weights = {
            "words_idf": words.idf_,
            "chars_idf": chars.idf_,
            "red_coef": likely.coef_[0].astype(np.float32),
            "red_intercept": np.array(likely.intercept_[0]),
            "family_coef": family.coef_.astype(np.float32),
            "family_intercept": family.intercept_.astype(np.float32),
        }
        return cls(vocabulary, weights)

    def _features(self, texts: Sequence[str]) -> Any:
        from scipy.sparse import hstack

        return hstack([v.transform(texts) for v in self._vectorizers]).tocsr()

    def score(self, text: str) -> Tuple[float, str]:
        """(how likely a red flag, 0-1; the most likely family).

        One message has a few dozen non-zero features out of tens of thousands, so both models
        are read at those columns only: a sparse-by-dense product of the whole matrix cost most
        of the detector's time per message (bench/profile.py)."""
        row = self._features([text])
        columns, values = row.indices, row.data
        coef, intercept = self._red
        likely = 1.0 / (1.0 + np.exp(-(float(values @ coef[columns]) + intercept)))
        family_coef, family_intercept = self._family
        family = self.families[int(np.argmax(family_coef[:, columns] @ values + family_intercept))]
        return float(likely), family

    def possible_rule(self, text: str, threshold: float) -> Optional[Tuple[str, float]]:
        """The safety rule to ask about, when the message is likely a red flag, with its score."""
        likely, family = self.score(text)
        return (self.rules[family], likely) if likely >= threshold else None

    def save(self, folder: Path) -> None:
        vocabulary = {
            "rules": self.rules,
            "families": self.families,
            "words": _config(self._vectorizers[0]),
            "chars": _config(self._vectorizers[1]),
        }
        weights = {
            "words_idf": self._vectorizers[0].idf_,
            "chars_idf": self._vectorizers[1].idf_,
            "red_coef": self._red[0],
            "red_intercept": np.array(self._red[1]),
            "family_coef": self._family[0],
            "family_intercept": self._family[1],
        }
        (folder / FILES[0]).write_text(json.dumps(vocabulary), encoding="utf-8")
        np.savez_compressed(folder / FILES[1], **weights)

    @classmethod
    def load(cls, folder: Path) -> Optional[Backstop]:
        if not (folder / FILES[0]).exists():
            return None
        vocabulary = json.loads((folder / FILES[0]).read_text(encoding="utf-8"))
        with np.load(folder / FILES[1], allow_pickle=False) as stored:
            weights = {key: stored[key] for key in stored.files}
        return cls(vocabulary, weights)


def _params(vectorizer: Any) -> Dict[str, Any]:
    keep = ("analyzer", "ngram_range", "sublinear_tf", "lowercase")
    params = {k: v for k, v in vectorizer.get_params().items() if k in keep}
    params["ngram_range"] = list(params["ngram_range"])
    return params


def _config(vectorizer: Any) -> Dict[str, Any]:
    params = _params(vectorizer)
    return {"vocabulary": {k: int(v) for k, v in vectorizer.vocabulary_.items()}, "params": params}
