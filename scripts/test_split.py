#!/usr/bin/env python3
"""How long each part of `make test` takes: the README's "Speed" table.

    scripts/test_split.py             # from a fresh clone: runs the make steps of `make test` in order
    scripts/test_split.py --no-run    # only summarise reports/pytest.xml

Each step of `make test`'s dependency chain (install, training, the tools venv, the
widget bundle, lint, story tests) is run on its own and timed, then pytest, whose JUnit report
(reports/pytest.xml, written by every pytest run) gives the time per test folder. The result goes to
reports/test_split.json and is printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Tuple

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "reports"
JUNIT = REPORTS / "pytest.xml"
# make test's steps; make runs training beside lint, the widget and the tools (Makefile), here each
# step runs alone so that it is timed alone
STEPS = ["install", "train", "web/node_modules", "browser-deps", "tools", "lint", "test-stories", "pytest"]


def run_steps() -> List[Tuple[str, float]]:
    timings = []
    for step in STEPS:
        started = time.monotonic()
        subprocess.run(["make", step], cwd=ROOT, check=True)
        timings.append((step, time.monotonic() - started))
    return timings


def per_folder(junit: Path) -> Dict[str, float]:
    """Seconds per tests/<folder> (setup, call and teardown: pytest's junit_duration_report=total)."""
    folders: Dict[str, float] = defaultdict(float)
    for case in ET.parse(junit).iter("testcase"):  # noqa: S314 - our own pytest report
        parts = case.get("classname", "").split(".")
        folder = parts[1] if len(parts) > 2 else "(top level)"
        folders[folder] += float(case.get("time", 0))
    return dict(sorted(folders.items(), key=lambda item: -item[1]))


def main(argv: List[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-run", action="store_true", help="only summarise the last pytest run")
    args = parser.parse_args(argv)
    steps = [] if args.no_run else run_steps()
    folders = per_folder(JUNIT)
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "test_split.json").write_text(json.dumps({"steps_s": dict(steps), "pytest_folders_s": folders}, indent=2))
    print("| step | seconds |\n|---|---:|")
    for step, seconds in steps:
        print(f"| make {step} | {seconds:.0f} |")
    if steps:
        print(f"| **total** | **{sum(seconds for _, seconds in steps):.0f}** |")
    print("\n| tests/ folder | seconds |\n|---|---:|")
    for folder, seconds in folders.items():
        print(f"| {folder} | {seconds:.0f} |")


if __name__ == "__main__":
    main(sys.argv[1:])
