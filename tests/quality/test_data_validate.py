"""`rasa data validate` is clean: no errors, and the only warnings are responses that
custom actions send (the validator cannot see inside actions)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_rasa_data_validate_is_clean() -> None:
    command = [
        str(Path(sys.executable).with_name("rasa")),
        "data",
        "validate",
        "--data",
        "data",
        "--domain",
        "domain",
        "--config",
        "config.yml",
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    action_code = "\n".join(p.read_text() for p in (ROOT / "actions").glob("*.py"))
    sent_by_rasa = {"utter_default", "utter_restart"}  # sent by action_default_fallback and action_restart
    problems = []
    for line in output.splitlines():
        if "UserWarning" not in line:
            continue
        unused = re.search(r"The utterance '(\w+)' is not used in any story or rule", line)
        if unused and (f'"{unused.group(1)}"' in action_code or unused.group(1) in sent_by_rasa):
            continue
        problems.append(line)
    assert problems == []
