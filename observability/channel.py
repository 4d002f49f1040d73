"""`/metrics` on the Rasa server, as a channel (credentials.yml `observability.channel.MetricsInput`).

Rasa Open Source has no metrics hook; a channel is its supported way to add routes. Rasa mounts a
channel's blueprint at `urljoin("/webhooks/", url_prefix())`, so an absolute prefix puts this one at
`/metrics`. The channel takes no messages. When the server has started it wraps the agent's
`handle_message`, which every channel's messages go through, to time and count each turn
(observability.metrics.observe_turn) and to tell the JSON logs whose turn it is; the wrap is
checked again at each scrape, so an agent replaced through the HTTP API is counted too.

`/metrics` must never be public: the edge nginx answers 404 for everything but the channels'
webhooks, and the Kubernetes Ingress only routes those (tests/deploy/test_deploy_files.py).
"""

from __future__ import annotations

import functools
from typing import Any, Awaitable, Callable, Iterable

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.common import channel_blueprint
from observability import logs, metrics

_WRAPPED = "_tpc_metrics_wrapped"


def channel_names(app: Sanic) -> list[str]:
    """The names of the channels this server runs, except this one (the turn labels)."""
    channels: Iterable[InputChannel] = getattr(app.ctx, "input_channels", None) or []
    return [c.name() for c in channels if not isinstance(c, MetricsInput)]


def count_turns(app: Sanic) -> None:
    """Wrap the agent's handle_message once (see module docstring)."""
    agent = getattr(app.ctx, "agent", None)
    if agent is None or getattr(agent.handle_message, _WRAPPED, False):
        return
    known = channel_names(app)
    handle = agent.handle_message

    @functools.wraps(handle)
    async def handle_message(message: UserMessage) -> Any:
        channel = metrics.one_of(message.input_channel, known)
        bound = logs.bind_conversation(message.input_channel, message.sender_id)
        try:
            return await metrics.observe_turn(channel, lambda: handle(message))
        finally:
            logs.unbind_conversation(bound)

    setattr(handle_message, _WRAPPED, True)
    agent.handle_message = handle_message


class MetricsInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "metrics"

    def url_prefix(self) -> str:
        return "/metrics"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = channel_blueprint("tpc_metrics", __name__)

        @bp.listener("after_server_start")
        async def start(app: Sanic, _loop: Any) -> None:
            metrics.prepare_rasa_metrics(channel_names(app))
            metrics.start_counting_turn_errors()
            count_turns(app)

        @bp.route("", methods=["GET"])
        async def scrape(request: Request) -> HTTPResponse:
            count_turns(request.app)
            body, content_type = metrics.exposition()
            return response.raw(body, content_type=content_type)

        return bp
