"""rasa_extensions/action_replies.py: Rasa's check of action replies with the schema checked once."""

from __future__ import annotations

from typing import Any, Dict
from unittest import mock

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

import rasa_extensions
from rasa_extensions import action_replies

GOOD: Dict[str, Any] = {
    "events": [{"event": "slot", "name": "body_area", "value": ["calf"], "timestamp": None}],
    "responses": [{"text": "Lean into the ball.", "custom": {"kind": "exercise"}}],
}
BAD: Dict[str, Any] = {"events": [{"event": 7}], "responses": []}


@pytest.fixture(scope="module")
def action() -> RemoteAction:
    assert rasa_extensions.install()
    return RemoteAction("action_hands_on", EndpointConfig("http://127.0.0.1:9/webhook"))


def test_a_good_reply_passes(action: RemoteAction) -> None:
    assert action._validate_action_result(GOOD) is True


def test_a_bad_reply_raises_rasas_own_error(action: RemoteAction) -> None:
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result(BAD)


def test_the_schema_is_checked_once(action: RemoteAction) -> None:
    validator_class = type(action_replies.reply_validator())
    with mock.patch.object(validator_class, "check_schema") as check_schema:
        for _ in range(5):
            action._validate_action_result(GOOD)
    check_schema.assert_not_called()


def test_installing_twice_wraps_once() -> None:
    first = RemoteAction._validate_action_result
    assert rasa_extensions.install()
    action_replies.install()
    assert RemoteAction._validate_action_result is first


def test_another_rasa_series_is_left_alone() -> None:
    from rasa.shared.core.events import Event

    def rasas_check(*_: Any) -> bool:
        return True

    def rasas_lookup(*_: Any) -> None:
        return None

    def rasas_session(*_: Any) -> None:
        return None

    with (
        mock.patch("rasa.__version__", "3.7.0"),
        mock.patch.object(RemoteAction, "_validate_action_result", rasas_check),
        mock.patch.object(Event, "resolve_by_type", staticmethod(rasas_lookup)),
        mock.patch.object(EndpointConfig, "session", rasas_session),
    ):
        assert rasa_extensions.install() is False
        assert RemoteAction._validate_action_result is rasas_check and Event.resolve_by_type is rasas_lookup
        assert EndpointConfig.session is rasas_session


def test_the_tracker_store_installs_it(tmp_path: Any) -> None:
    from stores.tracker_store import ForgettingSQLTrackerStore

    with mock.patch.object(rasa_extensions, "install") as install:
        ForgettingSQLTrackerStore(dialect="sqlite", db=str(tmp_path / "t.db"))
    install.assert_called_once_with()
