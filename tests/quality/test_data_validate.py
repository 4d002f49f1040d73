"""`rasa data validate` is clean: no errors, and the only warnings are responses that custom
actions compose (domain/wording.yml, or named in action code), which the validator cannot see."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def composed_by_actions() -> set:
    """Responses the actions use by name (actions.plumbing.replying.Wording, dispatcher responses)."""
    wording = set((yaml.safe_load((ROOT / "domain" / "wording.yml").read_text()) or {}).get("responses", {}))
    code = "\n".join(p.read_text() for p in (ROOT / "actions").rglob("*.py"))
    named = set(re.findall(r'"(utter_[a-z_]+)"', code))
    prefixes = set(re.findall(r'f"(utter_[a-z_]+)\{', code))  # utter_density_{...}
    domain = {
        name for p in (ROOT / "domain").glob("*.yml") for name in (yaml.safe_load(p.read_text()) or {}).get("responses", {})
    }
    forms = {
        slot
        for p in (ROOT / "domain").glob("*.yml")
        for form in ((yaml.safe_load(p.read_text()) or {}).get("forms") or {}).values()
        for slot in form.get("required_slots") or []
    }
    asked = {f"utter_ask_{slot}" for slot in forms}  # a form asks for its slots with these itself
    return wording | named | asked | {name for name in domain if any(name.startswith(p) for p in prefixes)}


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
    allowed = composed_by_actions() | {"utter_default", "utter_restart"}  # sent by action_default_fallback and action_restart
    problems = []
    for line in output.splitlines():
        if "UserWarning" not in line:
            continue
        unused = re.search(r"The utterance '(\w+)' is not used in any story or rule", line)
        if unused and unused.group(1) in allowed:
            continue
        if re.search(r"The intent 'EXTERNAL_\w+' is listed in the domain file, but is not found in the NLU", line):
            continue  # sent by the reminder scheduler through trigger_intent, never typed
        problems.append(line)
    assert problems == []


def test_every_composed_response_exists_in_the_domain() -> None:
    domain = {
        name for p in (ROOT / "domain").glob("*.yml") for name in (yaml.safe_load(p.read_text()) or {}).get("responses", {})
    }
    code = "\n".join(p.read_text() for p in (ROOT / "actions").rglob("*.py"))
    assert set(re.findall(r'"(utter_[a-z_]+)"', code)) - domain == set()
