"""A measured blind set joins training: `python scripts/join_training.py FILE...`.

A blind set (an NLU set in tests/nlu, a safety batch in tests/safety/next) is measured once, and its
first figure is committed; only then does it train the bot. This moves each FILE to the folder
that trains on it, keeping its header comments:

- an NLU set goes to data/nlu/measured/ (the intent classifier), as plain text: entity
  annotations are dropped, since nothing trains on them (docs/nlu.md);
- a safety batch goes to data/safety/measured/ (the learned red-flag backstop).

Sentences that must stay held out are dropped on the way (lower case, punctuation and spaces
aside): those of the asserted NLU sets and safety suites (tests/nlu, tests/safety), and those
already trained on or written twice. Prints what it kept and dropped per file.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import List, Set

import yaml
from rasa.shared.nlu.training_data.entities_parser import replace_entities
from rasa.shared.nlu.training_data.loading import load_data

ROOT = Path(__file__).resolve().parent.parent
NLU_TARGET = ROOT / "data" / "nlu" / "measured"
SAFETY_TARGET = ROOT / "data" / "safety" / "measured"
#: the first comment line of a set that joined training
NLU_HEADER = (
    "# Measured: its first-contact figure is in docs/nlu.md; it then became training data (sentences already "
    "trained on or held out in tests/nlu or tests/safety removed, entity annotations dropped: nothing trains on them)."
)
_EXAMPLE = re.compile(r"^    - (.*)$")
_CASE = re.compile(r"^\s+- \{")


def normalised(text: str) -> str:
    """Lower case, punctuation and extra spaces gone: "Yes, I am" == "yes i am"."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def asserted_nlu_sets() -> List[Path]:
    from tests.quality.test_nlu_quality import THRESHOLDS

    return [ROOT / "tests" / "nlu" / name for name in sorted(THRESHOLDS)]


def safety_texts(path: Path) -> Set[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    cases = [c for value in data.values() if isinstance(value, list) for c in value]
    return {normalised(c if isinstance(c, str) else c["text"]) for c in cases}


def backstop_texts() -> Set[str]:
    """What the learned red-flag backstop trains on: data/safety and its measured batches."""
    corpus = (p for p in sorted((ROOT / "data" / "safety").rglob("*.yml")) if p.name != "families.yml")  # families: no sentences
    return {text for path in corpus for text in safety_texts(path)}


def held_out() -> Set[str]:
    texts = {normalised(m.get("text")) for p in asserted_nlu_sets() for m in load_data(str(p)).training_examples}
    for path in sorted((ROOT / "tests" / "safety").glob("*.yml")):
        texts |= safety_texts(path)
    return texts


def join_nlu(path: Path, keep_out: Set[str]) -> str:
    lines, kept, dropped = [], 0, 0
    for line in path.read_text(encoding="utf-8").split("\n"):
        match = _EXAMPLE.match(line)
        if match:
            text = replace_entities(match.group(1))
            if normalised(text) in keep_out:
                dropped += 1
                continue
            keep_out.add(normalised(text))
            kept += 1
            line = f"    - {text}"
        lines.append(line)
    start = 1 if lines and lines[0].startswith("version") else 0
    lines.insert(start, NLU_HEADER)
    (NLU_TARGET / path.name).write_text("\n".join(lines), encoding="utf-8")
    path.unlink()
    return f"{path.name}: {kept} kept, {dropped} dropped -> {NLU_TARGET / path.name}"


def join_safety(path: Path, keep_out: Set[str]) -> str:
    lines, kept, dropped = [], 0, 0
    for line in path.read_text(encoding="utf-8").split("\n"):
        if _CASE.match(line):
            case = yaml.safe_load(line.strip()[2:])
            text = normalised(case if isinstance(case, str) else case["text"])
            if text in keep_out:
                dropped += 1
                continue
            keep_out.add(text)
            kept += 1
        lines.append(line)
    (SAFETY_TARGET / path.name).write_text("\n".join(lines), encoding="utf-8")
    path.unlink()
    return f"{path.name}: {kept} kept, {dropped} dropped -> {SAFETY_TARGET / path.name}"


def main(argv: List[str]) -> int:
    paths = [Path(a).resolve() for a in argv]
    if not paths or any(not p.is_file() for p in paths):
        print(__doc__.split("\n\n")[0], file=sys.stderr)
        return 2
    held = held_out()
    trained = {normalised(m.get("text")) for m in load_data(str(ROOT / "data" / "nlu")).training_examples}
    nlu_out, safety_out = held | trained, held | backstop_texts()
    for path in paths:
        is_nlu = "version:" in path.read_text(encoding="utf-8").split("\n", 1)[0]
        print(join_nlu(path, nlu_out) if is_nlu else join_safety(path, safety_out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
