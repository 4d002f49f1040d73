"""scripts/train_if_stale.py: a change to anything the model is trained from retrains it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import scripts.train_if_stale as stale

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for entry in stale.INPUTS:
        source = ROOT / entry
        target = tmp_path / entry
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target)
    monkeypatch.setattr(stale, "ROOT", tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    "changed",
    [
        "knowledge/repository.py",
        "components/text.py",
        "knowledge/content/topics.yml",
        "data/nlu/basics.yml",
        "requirements/runtime.lock.txt",
    ],
)
def test_a_change_to_a_training_input_changes_the_model_name(project: Path, changed: str) -> None:
    before = stale.fingerprint()
    with (project / changed).open("a") as handle:
        handle.write("\n# changed\n")
    assert stale.fingerprint() != before


def test_a_readme_change_does_not_retrain(project: Path) -> None:
    before = stale.fingerprint()
    (project / "knowledge" / "README.md").write_text("edited")
    assert stale.fingerprint() == before
