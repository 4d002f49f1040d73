"""REST channel with input validation and a never-silent reply.

Same route as Rasa's (`/webhooks/rest/webhook`, body {"sender", "message"}), but: bad JSON,
wrong types, missing or oversized sender ids and over-long messages get a clear 4xx before
any processing; control bytes (NUL...) are removed; the input channel cannot be spoofed;
and if the bot produced nothing (action server down) the person gets a short apology.

Output: a structured reply is one message with `text` (plain text, replies.plain), `buttons`
and `custom` (the structure itself, see replies/model.py), so a client can show the text or
draw the structure. A chart comes inline as `image`, a `data:image/png;base64,...` URL; so does a
picture (the body map, an exercise's placement), also kept in `custom.picture.image`.

Identity: the conversation is `rest:<sender>` (channels/identity.py), so a REST caller can never
reach a widget, Telegram or Slack person, whatever sender id it sends.

Access: open by default (`make run`, local use). With `REST_AUTH_TOKEN` set, a message needs the
header `Authorization: Bearer <token>` (else 401). With `REST_AUTH_REQUIRED=true` (the compose and
Kubernetes files) and no token, the channel is off: every message gets 403. The health route
(GET /webhooks/rest/) stays open.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.common import FORBIDDEN, ConfiguredInput, secrets_match, webhook_blueprint
from channels.guard import InputRejected, check_sender, clean_metadata, clean_text, never_silent
from channels.identity import conversation_id
from channels.structured import StructuredOutput
from replies import plain
from replies.model import Reply
from settings import flag

logger = logging.getLogger(__name__)


def parse_body(request: Request) -> Dict[str, Any]:
    """The JSON body as a dict, or InputRejected(400)."""
    try:
        body = request.json
    except Exception as exc:  # noqa: BLE001 - sanic raises several types for bad JSON/UTF-8
        raise InputRejected(400, "body must be valid UTF-8 JSON") from exc
    if not isinstance(body, dict):
        raise InputRejected(400, "body must be a JSON object")
    return body


class RestOutput(StructuredOutput, CollectingOutputChannel):
    """Collects replies for the HTTP answer; a structured reply stays one message."""

    conversation_channel = "rest"

    async def send_reply(self, recipient_id: str, reply: Reply) -> None:
        message: Dict[str, Any] = {"recipient_id": recipient_id, "text": plain.render(reply), "custom": reply.to_json()}
        if reply.buttons:
            message["buttons"] = [b.to_json() for b in reply.buttons]
        if reply.chart:
            from replies.chart import data_url

            message["image"] = data_url(reply.chart)
        if reply.picture:  # the body map or a placement picture: inline in `custom`, and as `image`
            from replies.pictures import data_url as picture_url

            message["custom"]["picture"]["image"] = picture_url(reply.picture)
            message.setdefault("image", message["custom"]["picture"]["image"])
        await self._persist_message(message)


class GuardedRestInput(ConfiguredInput, RestInput):
    """Rasa's REST channel, validated (see module docstring)."""

    channel = "rest"
    options = {"token": ("token", "rest_auth_token"), "require_token": ("require_token", "rest_auth_required", flag)}

    def __init__(self, token: str = "", require_token: bool = False) -> None:
        self.token = token
        self.require_token = require_token
        if require_token and not token:
            logger.warning("REST channel off (every message gets 403): REST_AUTH_REQUIRED is set and REST_AUTH_TOKEN is empty")

    def refusal(self, request: Request) -> Optional[HTTPResponse]:
        """The answer to a request that may not come in, or None when it may."""
        if not self.token:
            return response.json({"error": "forbidden"}, status=FORBIDDEN) if self.require_token else None
        scheme, _, received = (request.headers.get("authorization") or "").partition(" ")
        if scheme.lower() == "bearer" and secrets_match(received.strip(), self.token):
            return None
        return response.json({"error": "unauthorized"}, status=401, headers={"WWW-Authenticate": "Bearer"})

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = webhook_blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            refused = self.refusal(request)
            if refused is not None:
                return refused
            try:
                body = parse_body(request)
                sender = check_sender(body.get("sender"))
                text = clean_text(body.get("message"))
                metadata = clean_metadata(body.get("metadata"))
            except InputRejected as rejected:
                return response.json({"error": rejected.reason}, status=rejected.status)
            collector = RestOutput()
            try:
                conversation = conversation_id(self.name(), sender)
                await on_new_message(UserMessage(text, collector, conversation, input_channel=self.name(), metadata=metadata))
            except Exception:  # noqa: BLE001 - the person gets an apology, the log gets the trace
                logger.exception("a REST message could not be handled")
            return response.json(never_silent(collector.messages, sender))

        return webhook
