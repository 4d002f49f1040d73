"""The locks hold on the oldest Python the README promises (Debian 12's 3.11.2), with no compiler.

Read from what is installed, so no network: every pin of a lock is installed at its version, its
`Requires-Python` admits 3.11.2 (rasa and rasa-sdk are the known exception, installed with
--no-deps: see the Makefile), and nothing was compiled here (a locally built C extension has a
plain `linux_*` wheel tag; PyPI's binaries are `manylinux`).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "requirements"
[OLDEST_PYTHON] = re.findall(r"^OLDEST_PYTHON := (\S+)", (ROOT / "Makefile").read_text(), re.M)
DECLARED_BELOW_311 = {"rasa", "rasa-sdk"}
VENV_LOCKS = ["uv.lock.txt", "runtime.lock.txt", "dev.lock.txt", "rasa.lock.txt"]
TOOLS_PYTHON = ROOT / ".venv-tools" / "bin" / "python"

#: prints {name: [version, requires_python, [wheel tags]]} for the interpreter that runs it
INVENTORY = r"""
import json
from importlib.metadata import distributions
out = {}
for dist in distributions():
    wheel = dist.read_text("WHEEL") or ""
    tags = [line.split(":", 1)[1].strip() for line in wheel.splitlines() if line.startswith("Tag:")]
    out[dist.metadata["Name"]] = [dist.version, dist.metadata.get("Requires-Python"), tags]
print(json.dumps(out))
"""

Inventory = Dict[str, Tuple[str, Optional[str], List[str]]]


def pins(lock: str) -> Dict[str, str]:
    text = (REQUIREMENTS / lock).read_text()
    return {
        canonicalize_name(name): version
        for name, version in re.findall(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s\\;]+)", text, re.M)
    }


def inventory(python: Path) -> Inventory:
    output = subprocess.run([str(python), "-c", INVENTORY], capture_output=True, text=True, check=True).stdout
    return {canonicalize_name(name): tuple(values) for name, values in json.loads(output).items()}


def problems(lock_pins: Dict[str, str], installed: Inventory) -> List[str]:
    found = []
    for name, version in sorted(lock_pins.items()):
        if name not in installed:
            found.append(f"{name}=={version} is pinned but not installed")
            continue
        have, requires_python, tags = installed[name]
        if have != version:
            found.append(f"{name}: pinned {version}, installed {have}")
        if requires_python and name not in DECLARED_BELOW_311 and OLDEST_PYTHON not in SpecifierSet(requires_python):
            found.append(f"{name}=={version} requires Python {requires_python}, which excludes {OLDEST_PYTHON}")
        platforms = {tag.rsplit("-", 1)[-1] for tag in tags}
        if any(re.fullmatch(r"linux_\w+", platform) for platform in platforms):
            found.append(f"{name}=={version} was compiled on this machine ({', '.join(tags)})")
    return found


def test_every_lock_has_hashes() -> None:
    for lock in [*VENV_LOCKS, "tools.lock.txt"]:
        text = (REQUIREMENTS / lock).read_text()
        assert pins(lock), lock
        assert text.count("==") <= text.count("--hash=sha256:"), f"{lock}: a pin without a hash"


def test_the_project_venv_matches_its_locks_on_the_oldest_python() -> None:
    lock_pins: Dict[str, str] = {}
    for lock in VENV_LOCKS:
        lock_pins.update(pins(lock))
    assert not problems(lock_pins, inventory(Path(sys.executable)))


def test_the_tools_venv_matches_its_lock_on_the_oldest_python() -> None:
    if not TOOLS_PYTHON.exists():
        pytest.fail(".venv-tools is missing: `make test` installs it (make tools)")
    assert not problems(pins("tools.lock.txt"), inventory(TOOLS_PYTHON))


def test_the_check_can_fail() -> None:
    installed: Inventory = {
        "soupsieve": ("4.1.3", ">=3.11.5", ["py3-none-any"]),
        "multidict": ("5.2.0", ">=3.6", ["cp311-cp311-linux_x86_64"]),
        "six": ("1.16.0", None, ["py2.py3-none-any"]),
    }
    found = problems({"soupsieve": "4.1.3", "multidict": "5.2.0", "six": "1.17.0", "absent": "1.0"}, installed)
    assert len(found) == 4, found
