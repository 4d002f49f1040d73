"""The action server's half of privacy/logs.py: its log records are redacted, and a failing action
answers Rasa with a bare 500, never with the request.

rasa-sdk's own error handler answers `{"error": str(exception), "request_body": <the whole
call>}`: the tracker (every message, every slot, the sender id) went back to Rasa, which logged
it at ERROR level. The handler registered here replaces it (Sanic keeps the last handler
registered for a type) and logs the traceback without exception messages.
"""

from __future__ import annotations

import logging

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

import privacy.logs
from rasa_sdk_plugins import hookimpl

logger = logging.getLogger(__name__)
FAILED_BODY = {"error": "the action failed; see the action server's log"}


async def action_failed(_request: Request, exception: Exception) -> HTTPResponse:
    logger.error("an action failed", exc_info=exception)
    return response.json(FAILED_BODY, status=500)


@hookimpl
def attach_sanic_app_extensions(app: Sanic) -> None:
    privacy.logs.install()
    app.error_handler.add(Exception, action_failed)
