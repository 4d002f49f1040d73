"""Rasa's check of an action server's reply, with the schema checked once instead of every time.

Rasa checks every reply of the action server against a fixed JSON schema with
`jsonschema.validate` (`RemoteAction._validate_action_result`), and `jsonschema.validate` first
checks the schema itself against its meta-schema: about 2 ms of the Rasa server's CPU per call,
a sixth of a turn (`python -m bench.profile`, `python -m bench.validate_cost`). The schema never
changes, so its validator is built once; a reply it accepts is accepted, and a reply it refuses
goes through Rasa's own check, which raises Rasa's own error. Same schema, same outcome.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Dict

_MARK = "_tpc_validator_kept"


@functools.cache
def reply_validator() -> Any:
    """A validator for Rasa's schema of action replies, the schema checked once here."""
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _kept_validator_check(rasas_check: Callable[[Any, Dict[str, Any]], bool]) -> Callable[[Any, Dict[str, Any]], bool]:
    @functools.wraps(rasas_check)
    def check(action: Any, result: Dict[str, Any]) -> bool:
        if reply_validator().is_valid(result):
            return True
        return rasas_check(action, result)  # raises Rasa's ValidationError, with its message

    setattr(check, _MARK, True)
    return check


def install() -> None:
    """Puts the check in place of Rasa's, once per process (rasa_extensions.install checks the version)."""
    from rasa.core.actions.action import RemoteAction

    if not getattr(RemoteAction._validate_action_result, _MARK, False):
        RemoteAction._validate_action_result = _kept_validator_check(RemoteAction._validate_action_result)
