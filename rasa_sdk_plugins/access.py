"""Who may call the action server: Rasa, holding the shared secret, and nobody else.

An action can export or delete a person's data, and the tracker it runs on comes from the caller:
a caller who can reach `POST /webhook` needs nothing else to ask for any person's data. So every
request except `GET /health` and `GET /metrics` must carry `Authorization: Bearer
<ACTION_SERVER_TOKEN>` (Rasa sends it: `action_endpoint.headers` in endpoints.yml); anything else
gets 401 before an action runs. The two open routes run no action and name nobody (the metrics hold
counts only, tests/e2e/test_metrics_endpoints.py): the probes and Prometheus need no secret that
could export or delete someone's data.

The secret is `ACTION_SERVER_TOKEN`; without it (a plain `rasa run actions` from a checkout) a
random one is made once in var/action-server-token (mode 0600), the file `make run` uses too, so
the server is never open. And the server listens on 127.0.0.1 unless SANIC_HOST says otherwise
(rasa-sdk's own default is every interface).
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Optional

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_sdk_plugins import hookimpl
from settings import settings

logger = logging.getLogger(__name__)

TOKEN_ENV = "ACTION_SERVER_TOKEN"  # noqa: S105 - a variable name, not a secret
TOKEN_FILE = Path(__file__).resolve().parent.parent / "var" / "action-server-token"
OPEN_PATHS = frozenset({"/health", "/metrics"})  # open to GET (and HEAD) only


def action_server_token(path: Path = TOKEN_FILE) -> str:
    """The shared secret: ACTION_SERVER_TOKEN, else the one kept in `path` (made once, 0600)."""
    configured = settings().action_server_token
    if configured:
        return configured
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # made meanwhile by another process: read theirs
            return path.read_text().strip()
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(32) + "\n")
        logger.info("the action server's secret was made in %s (give Rasa ACTION_SERVER_TOKEN)", path)
    return path.read_text().strip()


def authorised(authorization: Optional[str], token: str) -> bool:
    """`Authorization: Bearer <token>`, compared in constant time; never true for an empty token."""
    scheme, _, received = (authorization or "").partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return secrets.compare_digest(received.strip().encode(), token.encode())


@hookimpl
def attach_sanic_app_extensions(app: Sanic) -> None:
    # rasa-sdk reads SANIC_HOST right after this hook: localhost unless the operator chose otherwise
    os.environ.setdefault("SANIC_HOST", "127.0.0.1")
    token = action_server_token()

    @app.middleware("request")
    async def require_the_secret(request: Request) -> Optional[HTTPResponse]:
        if request.method in ("GET", "HEAD") and request.path in OPEN_PATHS:
            return None
        if authorised(request.headers.get("authorization"), token):
            return None
        logger.warning("action server: a %s %s without the shared secret was refused", request.method, request.path)
        return response.json({"error": "unauthorized"}, status=401, headers={"WWW-Authenticate": "Bearer"})
