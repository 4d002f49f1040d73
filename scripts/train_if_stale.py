"""Train a Rasa model only when what it is trained from has changed.

The model is named after a hash of everything it is trained from: config, domain, training
data, the custom NLU components, the knowledge store (its content and the code that turns
it into the NLU vocabulary: knowledge/*.py) and the pinned dependencies (the speller reads
pyspellchecker's word list). An unchanged project reuses its model; a changed one never runs
on a stale model. models/LATEST names the model to serve.

Rasa's output goes to var/train.log and is shown only when training fails. Its warnings that
responses are "not used in any story or rule" are expected: the actions compose those replies,
and tests/quality/test_data_validate.py runs `rasa data validate` and checks that each such
response is one the actions use, so nothing is hidden from the suite.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import List

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ["config.yml", "domain", "data", "components", "knowledge", "requirements/runtime.lock.txt"]
SUFFIXES = (".py", ".yml", ".yaml", ".txt")  # not READMEs: a documentation change needs no retraining
LOG = ROOT / "var" / "train.log"
#: Python warnings filters for the training process: the expected unused-response warnings, and
#: the dependencies' own deprecation notices (TensorFlow, typer, pkg_resources...)
QUIET = "ignore:The utterance 'utter_,ignore::DeprecationWarning"


def fingerprint() -> str:
    digest = hashlib.sha256()
    for entry in INPUTS:
        path = ROOT / entry
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if "__pycache__" in file.parts or file.suffix not in SUFFIXES:
                continue
            digest.update(file.relative_to(ROOT).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def train_command(name: str, out: Path) -> List[str]:
    """`rasa train` as the project runs it (also timed by bench/training.py)."""
    rasa = str(Path(sys.executable).with_name("rasa"))
    sources = ["--data", "data", "--domain", "domain", "--config", "config.yml"]
    # Rasa's check of domain and data took 27 s of every training on 20k examples; the suite runs
    # the same check (`rasa data validate`, tests/quality/test_data_validate.py)
    return [rasa, "train", "--skip-validation", "--fixed-model-name", name, "--out", str(out), *sources]


def main() -> int:
    name = f"tpc-{fingerprint()}"
    model = ROOT / "models" / f"{name}.tar.gz"
    latest = ROOT / "models" / "LATEST"
    if model.exists():
        print(f">> model up to date: {model.relative_to(ROOT)}")
    else:
        print(f">> training {model.relative_to(ROOT)} (data, config or vocabulary changed; about two minutes)", flush=True)
        started = time.perf_counter()
        command = train_command(name, Path("models"))
        LOG.parent.mkdir(exist_ok=True)
        environment = {**os.environ, "PYTHONWARNINGS": QUIET}
        with LOG.open("w") as log:
            result = subprocess.run(command, cwd=ROOT, check=False, stdout=log, stderr=subprocess.STDOUT, env=environment)
        if result.returncode != 0 or not model.exists():
            print("".join(LOG.read_text().splitlines(keepends=True)[-40:]), file=sys.stderr)
            print(f">> training failed (whole log: {LOG.relative_to(ROOT)})", file=sys.stderr)
            return result.returncode or 1
        print(f">> trained in {time.perf_counter() - started:.0f}s")
    latest.write_text(f"models/{model.name}\n")
    for old in (ROOT / "models").glob("tpc-*.tar.gz"):
        if old != model:
            old.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
