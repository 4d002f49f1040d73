"""settings.py is the one place the environment is read, and the README's table is its mirror."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from scripts import settings_table
from settings import Settings, flag, settings

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = [
    "actions",
    "channels",
    "components",
    "knowledge",
    "stores",
    "userdata",
    "rasa_sdk_plugins",
    "rasa_extensions",
    "replies",
    "scripts",
]
READS_ENVIRONMENT = re.compile(r"os\.environ\.get|os\.environ\[|os\.getenv|getenv\(")


def test_the_readme_table_is_generated_from_the_settings() -> None:
    readme = settings_table.README.read_text()
    assert settings_table.with_table(readme) == readme, "run: python -m scripts.settings_table"
    for name in Settings.__fields__:
        assert f"| `{name.upper()}` |" in readme


def test_no_product_module_reads_the_environment_itself() -> None:
    readers = [
        str(path.relative_to(ROOT))
        for package in PRODUCT
        for path in (ROOT / package).rglob("*.py")
        if READS_ENVIRONMENT.search(path.read_text())
    ]
    assert readers == []


def test_every_variable_of_the_launch_scripts_and_production_endpoints_is_a_setting() -> None:
    files = [ROOT / "endpoints.production.yml", *(ROOT / "scripts").glob("*.sh")]
    lines = [line for path in files for line in path.read_text().splitlines() if not line.lstrip().startswith("#")]
    used = {name for line in lines for name in re.findall(r"\$\{(\w+)(?::-|:\?|\})", line)}
    launcher_only = {"PYTHONWARNINGS", "SANIC_HOST", "BIN", "MODEL"}  # Python's and Sanic's own, or the script's locals
    assert used - launcher_only - {name.upper() for name in Settings.__fields__} == set()


def test_values_come_from_the_environment_on_first_use(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCREENING_VALID_DAYS", "2.5")
    monkeypatch.setenv("USERDATA_URL", "  sqlite:///elsewhere.db ")
    monkeypatch.setenv("REMINDERS_ENABLED", "off")
    current = settings()
    assert current.screening_valid_days == 2.5
    assert (current.userdata_url, current.reminders_enabled) == ("sqlite:///elsewhere.db", False)
    monkeypatch.setenv("SCREENING_VALID_DAYS", "9")
    assert settings() is current  # read once per process


def test_a_value_that_does_not_parse_falls_back_to_its_default(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("RETENTION_DAYS", "a year")
    monkeypatch.setenv("MAX_MESSAGE_CHARS", "0")
    monkeypatch.setenv("REMINDER_POLL_SECONDS", "30")
    with caplog.at_level(logging.WARNING, logger="settings"):
        current = settings()
    assert (current.retention_days, current.max_message_chars, current.reminder_poll_seconds) == (365, 2000, 30.0)
    assert "MAX_MESSAGE_CHARS, RETENTION_DAYS" in caplog.text and "a year" not in caplog.text


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("TRUE", True), (" yes ", True), ("on", True), (True, True)]
    + [("0", False), ("no", False), ("", False), (None, False)],
)
def test_one_boolean_parser(value: object, expected: bool) -> None:
    assert flag(value) is expected


def test_values_are_stripped_but_the_user_data_key_is_used_as_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_SECRET_TOKEN", " secret\n")
    monkeypatch.setenv("USERDATA_KEY", " key with blanks ")  # the pseudonyms must not change
    assert (settings().telegram_secret_token, settings().userdata_key) == ("secret", " key with blanks ")
