"""Calls to the action server with their JSON body written by ujson instead of the json module.

Every call sends the whole tracker of the session and the domain (`RemoteAction._action_call_format`),
tens of kilobytes, and the stdlib encoder was about 8 % of the Rasa server's CPU per turn in a
sampling profile (py-spy, 2026-12-06). ujson, already installed for Sanic, writes the same JSON
about three times faster (`python -m bench.action_call_cost`). A body ujson cannot write (NaN, an
unknown type) goes to the json module, which writes it as before or raises its own error.
"""

from __future__ import annotations

import functools
import json
from typing import Any, Callable

import ujson

_MARK = "_tpc_fast_json"


def request_body(value: Any) -> str:
    """The JSON text of a request body: ujson's, or the json module's where ujson refuses."""
    try:
        return ujson.dumps(value, ensure_ascii=False, escape_forward_slashes=False)
    except (OverflowError, TypeError, ValueError):
        return json.dumps(value)


def _with_fast_json(rasas_session: Callable[[Any], Any]) -> Callable[[Any], Any]:
    @functools.wraps(rasas_session)
    def session(endpoint: Any) -> Any:
        made = rasas_session(endpoint)
        made._json_serialize = request_body  # aiohttp's own setting (ClientSession(json_serialize=...))
        return made

    setattr(session, _MARK, True)
    return session


def install() -> None:
    """Rasa's endpoint sessions write JSON with `request_body`, once per process (rasa_extensions.install checks the version)."""
    from rasa.utils.endpoints import EndpointConfig

    if not getattr(EndpointConfig.session, _MARK, False):
        EndpointConfig.session = _with_fast_json(EndpointConfig.session)
