"""Write the entity extractor's annotations into NLU training files: `python scripts/annotate_nlu.py data/nlu`.

Entities come from the deterministic knowledge extractor, not from training, so the annotations
in data/nlu only document what it finds; tests/quality/test_nlu_data.py fails when they drift
(after an alias change, run this again). Held-out test sets are never annotated by it: their
annotations are written by hand, apart from the extractor.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import List, Optional

from components.entity_extractor import KnowledgeEntityExtractor, VocabularyEntityParser, in_scope, knowledge_vocabulary

_ANNOTATION = re.compile(r"\[([^\]]+)\]\{[^}]*\}")
_EXAMPLE = re.compile(r"^(\s*- )(.*)$")


def plain(example: str) -> str:
    return _ANNOTATION.sub(r"\1", example)


def annotate(text: str, parser: VocabularyEntityParser, intent: Optional[str]) -> str:
    out, cursor = [], 0
    for e in in_scope(parser.parse(text), intent):
        out.append(text[cursor : e["start"]])
        span = text[e["start"] : e["end"]]
        out.append(f'[{span}]{{"entity": "{e["entity"]}", "value": "{e["value"]}"}}')
        cursor = e["end"]
    out.append(text[cursor:])
    return "".join(out)


def rewrite(path: Path, parser: VocabularyEntityParser) -> int:
    changed = 0
    lines: List[str] = []
    in_examples = False
    intent: Optional[str] = None
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("- "):  # a new block: only an intent's examples carry entities, never a lookup table's
            intent = line.split(":", 1)[1].strip() if line.startswith("- intent:") else None
        if line.strip().startswith("examples: |"):
            in_examples = intent is not None
        elif in_examples and not line.startswith("    "):
            in_examples = False
        match = _EXAMPLE.match(line) if in_examples else None
        if match:
            new = match.group(1) + annotate(plain(match.group(2)), parser, intent)
            changed += new != line
            line = new
        lines.append(line)
    path.write_text("\n".join(lines), encoding="utf-8")
    return changed


def main(argv: List[str]) -> int:
    vocabulary = KnowledgeEntityExtractor.with_speller(knowledge_vocabulary())
    parser = VocabularyEntityParser(vocabulary, KnowledgeEntityExtractor.speller_of(vocabulary))
    for target in argv or ["data/nlu"]:
        paths = sorted(Path(target).glob("*.yml")) if Path(target).is_dir() else [Path(target)]
        for path in paths:
            print(f"{path}: {rewrite(path, parser)} examples re-annotated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
