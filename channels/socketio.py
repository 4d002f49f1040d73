"""Rasa's socket.io channel for the website widget (rasa-webchat), made to work and locked down.

credentials.yml:  `channels.socketio.WebchatInput:` with the same keys as Rasa's `socketio:`.

What Rasa 3.6.21's own `socketio` channel does with this project's pinned stack (python-socketio
5.18, python-engineio 4.15, Sanic 21.12, Python 3.11), each measured, and what this class changes:

1. Session persistence never delivers a reply. Rasa calls `sio.enter_room(...)` without `await`,
   but it is a coroutine in python-socketio >= 5.10 ("never awaited"): the socket never joins its
   session's room, and every bot message, emitted to that room, reaches nobody.
   -> `session_request` is handled here, awaiting `enter_room`.
2. The WebSocket transport is broken. Sanic 21.12's WebSocket `recv` hands a coroutine to
   `asyncio.wait`, which Python 3.11 refuses (TypeError); after a failed upgrade Engine.IO leaves
   the session "upgrading" and the client's long-polling spins on empty answers.
   -> long-polling only (no upgrade offered, direct WebSocket connections refused).
3. Any web site could talk to the bot. Rasa builds `AsyncServer(cors_allowed_origins=[])`, and `[]`
   turns Engine.IO's Origin check off; `rasa run --cors` only adds CORS headers (Sanic-CORS), which
   browsers ignore for WebSockets.
   -> a socket.io request whose Origin header is neither the bot's own origin nor one given to
   `rasa run --cors` gets 403 (one setting for REST and the socket). Exact origins only: a `*` or a
   pattern in --cors is not honoured here. Clients sending no Origin (not browsers) pass, as in
   Engine.IO. Engine.IO's own CORS headers stay off: Sanic-CORS sends them, twice would break.
4. Any socket could write into any conversation: messages carry their `session_id`, which Rasa uses
   as the sender id without checking it. -> a socket may only use the session id confirmed to it,
   and a requested session id is only honoured if it has the shape this channel issues (32 hex
   characters), so a REST, Slack or Telegram sender id cannot be taken over through the widget.

5. Replies are data: a structured reply (replies/model.py) is rendered here as Markdown blocks
   (one bubble each, rasa-webchat's remark parser does not let a list interrupt a paragraph), the
   buttons as quick replies on the last block, a chart as an image attachment with its text
   alternative right after it, a data export as a one-time download link (`/export/<token>` on
   this channel, 15 minutes; the export action stored it, this channel only hands it out once).
   Domain responses keep Rasa's own rendering.

Everything else (events, the socket protocol) is Rasa's own code.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import inspect
import json
import logging
import re
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional
from urllib.parse import quote

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

import privacy.logs
from channels.guard import InputRejected, clean_metadata, clean_text
from channels.identity import conversation_id
from channels.structured import StructuredOutput
from replies.model import Attachment, Reply, Timer
from settings import LOCAL_RASA_URL, settings

logger = logging.getLogger(__name__)

SESSION_ID = re.compile(r"[0-9a-f]{32}")  # uuid4().hex, what session_request issues (fullmatch)
_MARKDOWN = re.compile(r"([\\`*_\[\]<>#|])")


def md(text: str) -> str:
    """Store text as literal Markdown: markup characters escaped."""
    return _MARKDOWN.sub(r"\\\1", text)


def markdown_blocks(reply: Reply) -> List[str]:
    """The reply as Markdown blocks, one chat bubble each."""
    head = [f"**{md(reply.title)}**"] if reply.title else []
    if reply.intro:
        head.append(md(reply.intro))
    blocks = ["  \n".join(head)] if head else []
    if reply.steps:
        blocks.append("\n".join(f"{i}. {md(step)}" for i, step in enumerate(reply.steps, 1)))
    if reply.facts:
        blocks.append("  \n".join(f"**{md(fact.label)}:** {md(fact.text)}" for fact in reply.facts))
    if reply.bullets:
        blocks.append("\n".join(f"- {md(bullet)}" for bullet in reply.bullets))
    if reply.outro:
        blocks.append(md(reply.outro))
    if reply.safety:
        blocks.append(f"_{md(reply.safety)}_")
    return [block for block in blocks if block.strip()]


class WebchatOutput(StructuredOutput, SocketIOOutput):
    """Rasa's socket.io output, plus the structured-reply renderer above."""

    conversation_channel = "socketio"

    async def send_reply(self, recipient_id: str, reply: Reply) -> None:
        messages: List[Dict[str, Any]] = [{"text": block} for block in markdown_blocks(reply)]
        if reply.chart:
            from replies.chart import data_url

            # the picture, then its text alternative (web/app.js also sets it as the image's alt)
            messages.append({"attachment": {"type": "image", "payload": {"src": data_url(reply.chart)}}})
            messages.append({"text": f"_{md(reply.chart.alt)}_"})
        if reply.picture and reply.picture.kind == "body_map":
            from replies.body_svg import svg_data_url

            # an SVG that web/app.js turns into tappable, keyboard-usable zones (its alt is inside it)
            messages.append({"attachment": {"type": "image", "payload": {"src": svg_data_url(reply.picture)}}})
        elif reply.picture:
            from replies.pictures import data_url as picture_url

            # as the chart: the picture, then its text alternative (the exercise's position sentence);
            # right under the title, before the steps it shows
            at = 1 if reply.title or reply.intro else 0
            messages[at:at] = [
                {"attachment": {"type": "image", "payload": {"src": picture_url(reply.picture)}}},
                {"text": f"_{md(reply.picture.alt)}_"},
            ]
        if reply.timer:  # a link web/app.js turns into a countdown button (the page's own timer)
            messages.append({"text": timer_link(reply.timer)})
        if reply.attachment:
            messages.append({"text": f"[{md(reply.attachment.name)}]({download_link(reply.attachment)})"})
        if reply.buttons and messages:
            quick = [{"content_type": "text", "title": b.title, "payload": b.payload} for b in reply.buttons]
            if "attachment" in messages[-1]:
                messages.append({"text": "", "quick_replies": quick})
            else:
                messages[-1]["quick_replies"] = quick
        for message in messages:
            await self._send_message(recipient_id, message)


def timer_link(timer: Timer) -> str:
    """`[Start a 45 s timer](#tpc-timer:45:<the words at the end>)`: without app.js, a harmless link."""
    return f"[{md(timer.label)}](#tpc-timer:{timer.seconds}:{quote(timer.done, safe='')})"


@functools.lru_cache(maxsize=1)
def user_store() -> Any:
    """The user-data store, from the Rasa process (created on first use), for the download route."""
    from userdata.repository import UserDataRepository

    return UserDataRepository.from_env()


def download_link(attachment: Attachment) -> str:
    """The one-time link to a data export the action stored (served by WebchatInput,
    /webhooks/socketio/export/<token>, on the bot's public address). An attachment without a token
    (not sent by this project's export action) becomes a data: URL of its content."""
    if attachment.link_token is None:
        encoded = base64.b64encode(attachment.content.encode("utf-8")).decode("ascii")
        return f"data:{attachment.media_type};base64,{encoded}"
    base = (settings().rasa_public_url or settings().rasa_url or LOCAL_RASA_URL).rstrip("/")
    return f"{base}/webhooks/socketio/export/{quote(attachment.link_token, safe='')}"


def cors_origins_of(app: Sanic) -> List[str]:
    """The exact origins `rasa run --cors` gave Sanic-CORS (empty when none were given)."""
    context = getattr(app.ctx, "sanic_cors", None)
    resources = getattr(context, "resources", None)
    if resources is None:
        logger.warning("Sanic-CORS settings not found: the socket.io channel accepts only its own origin.")
        return []
    origins: List[str] = []
    for _pattern, options in resources:
        values = options.get("origins") or []
        for origin in [values] if isinstance(values, str) else values:
            if not isinstance(origin, str) or not origin:
                continue
            if any(char in origin for char in "*\\?[]"):  # Sanic-CORS reads these as a regex
                logger.warning(f"CORS origin '{origin}' is a pattern: the socket.io channel needs exact origins, skipped.")
                continue
            origins.append(origin.rstrip("/"))
    return sorted(set(origins))


class WebchatInput(SocketIOInput):
    """The `socketio` channel (same name, events and credentials), fixed as the module docstring says."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cors_origins: Optional[List[str]] = None  # read from the app on the first request

    def get_output_channel(self) -> Optional[OutputChannel]:
        """The output for messages the bot starts itself (reminders): this channel's renderer too."""
        return WebchatOutput(self.sio, self.bot_message_evt) if self.sio is not None else super().get_output_channel()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        privacy.logs.install()  # no message text, slot value or sender id in any log line
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by the parent's blueprint()
        self._polling_only(sio)
        self._check_origins(sio)
        self._bind_sessions(sio, on_new_message)

        @blueprint.route("/export/<token>", methods=["GET"])
        async def export(_: Request, token: str) -> HTTPResponse:
            """A data export, once (the token is in the link the bot sent; it works for 15 minutes)."""
            content = await asyncio.to_thread(lambda: user_store().take_export(token))  # off the event loop
            if content is None:
                return response.json({"error": "this link has been used or has expired"}, status=404)
            headers = {"Content-Disposition": 'attachment; filename="my-data.json"', "Cache-Control": "no-store"}
            return response.raw(content.encode("utf-8"), content_type="application/json", headers=headers)

        return blueprint

    # 2. transport
    @staticmethod
    def _polling_only(sio: AsyncServer) -> None:
        sio.eio.transports = ["polling"]
        sio.eio.allow_upgrades = False

    # 3. origins
    def _check_origins(self, sio: AsyncServer) -> None:
        handle_request = sio.eio.handle_request

        async def origin_checked(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
            origin = request.headers.get("origin")
            if origin is not None and not self.origin_allowed(origin, request):
                logger.warning(f"socket.io request from origin '{origin}' refused (not given to rasa run --cors)")
                return response.text("origin not allowed", status=403)
            return await handle_request(request, *args, **kwargs)

        sio.eio.handle_request = origin_checked  # the blueprint attaches it as the route when registered

    def origin_allowed(self, origin: str, request: Request) -> bool:
        """The bot's own origin, or one given to `rasa run --cors`."""
        if self._cors_origins is None:
            self._cors_origins = cors_origins_of(request.app)
            logger.info(f"socket.io channel: long-polling only; page origins {self._cors_origins}")
        origin = origin.rstrip("/")
        return origin in self._cors_origins or origin == f"{request.scheme}://{request.host}"

    # 1. and 4. sessions
    def _bind_sessions(self, sio: AsyncServer, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        namespace = self.namespace or "/"

        async def handle_message(sid: str, data: Dict[str, Any]) -> None:
            """Rasa's handler, with this channel's output (structured replies rendered here)."""
            sender_id = conversation_id(self.name(), data["session_id"] if self.session_persistence else sid)
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            output = WebchatOutput(sio, self.bot_message_evt)
            await on_new_message(
                UserMessage(data.get("message", ""), output, sender_id, input_channel=self.name(), metadata=metadata)
            )

        async def session_request(sid: str, data: Any) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            session_id = requested if isinstance(requested, str) and SESSION_ID.fullmatch(requested) else uuid.uuid4().hex
            if self.session_persistence:
                entered = sio.enter_room(sid, session_id, namespace=namespace)
                if inspect.isawaitable(entered):  # a coroutine since python-socketio 5.10
                    await entered
            await sio.save_session(sid, {"session_id": session_id}, namespace=namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)

        async def user_message(sid: str, data: Any) -> None:
            if not isinstance(data, dict):
                return
            if self.session_persistence:
                confirmed = (await sio.get_session(sid, namespace=namespace)).get("session_id")
                if confirmed is None or data.get("session_id") != confirmed:
                    logger.warning(f"socket.io message for a session not confirmed to socket {sid}: ignored")
                    return
            metadata = data.get(self.metadata_key)
            if isinstance(metadata, str):  # the widget may send its customData as JSON text
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = None
            try:  # the same input rules as every other channel (channels/guard.py)
                data = {**data, "message": clean_text(data.get("message")), self.metadata_key: clean_metadata(metadata)}
            except InputRejected as rejected:
                await sio.emit(self.bot_message_evt, {"text": f"Sorry, {rejected.reason}."}, room=sid, namespace=namespace)
                return
            await handle_message(sid, data)

        sio.on("session_request", session_request, namespace=namespace)
        sio.on(self.user_message_evt, user_message, namespace=namespace)
