"""Slack channel that verifies every request and never answers the same event twice.

Rasa's `SlackInput` already checks the `X-Slack-Signature` HMAC and the 5-minute timestamp
window. `SecureSlackInput` keeps its name ("slack", so actions render Slack mrkdwn) and its
webhook path, and adds what is missing:

- an empty signing secret no longer crashes the server: the channel is disabled and every
  request gets 403 (an HMAC keyed with an empty secret would be forgeable by anyone);
- every refused request (bad or missing signature, timestamp not a plain number or more
  than 5 minutes away) gets 403 before the body is parsed or anything is processed;
- events are remembered by `event_id` and by channel + message `ts` (in Redis across
  replicas with `DEDUPE_REDIS_URL`, channels/dedupe.py): a retry of a handled
  event (whatever `X-Slack-Retry-Reason`), a replay inside the 5-minute window, or the
  `message` + `app_mention` pair Slack sends for one mention produce no second reply; a
  retry for a timeout is never processed (the first delivery did arrive), as in Rasa;
- `url_verification` is answered with `{"challenge": ...}` (signed requests only);
- messages with a subtype (joins, edits, bot posts...) are ignored;
- the reply goes where the user wrote: into the thread when the message was in a thread
  (or always under the message with `use_threads`), otherwise into the channel or DM;
- a configurable Slack Web API base URL (a local fake in tests).

`SecureSlackBot` renders a structured reply (replies/model.py) as Block Kit (`reply_blocks`:
mrkdwn sections for the title, steps, facts and bullets, a context block for the safety line,
an actions block for the buttons) with a plain-text fallback; a chart is uploaded as a file
(files_upload_v2, with its text alternative), and so is a data export. Plain domain responses are mrkdwn-escaped, with
buttons as Block Kit too. `slack_escape` is the one escaper: every field is escaped exactly
once, so no text can ping `<!channel>` or inject a link (see docs/channels.md).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.common import FORBIDDEN, ConfiguredInput, api_base_url, json_object, split_text, webhook_blueprint
from channels.dedupe import Dedupe
from channels.guard import neutralise_external
from channels.identity import conversation_id
from channels.structured import StructuredOutput
from replies import plain
from replies.model import Reply
from settings import flag

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
MAX_REQUEST_AGE_SECONDS = 60 * 5
RETRY_NUM_HEADER = "X-Slack-Retry-Num"
RETRY_REASON_HEADER = "X-Slack-Retry-Reason"
# Block Kit limits.
MAX_SECTION_TEXT = 3000
MAX_ALT_TEXT = 1000  # files_upload_v2 alt_txt
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ACTIONS_PER_BLOCK = 25
# Message subtypes that are still a person talking to the bot.
USER_SUBTYPES = {None, "thread_broadcast", "file_share"}


def slack_escape(text: str) -> str:
    """Escape `&`, `<`, `>` for mrkdwn (Slack's three control characters)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _actions(buttons: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    elements = []
    for index, button in enumerate(buttons):
        value = str(button.get("payload") or "")
        if not value or len(value) > MAX_BUTTON_VALUE:
            logger.warning("Slack button %r skipped: its payload is empty or too long", button.get("title"))
            continue
        elements.append(
            {
                "type": "button",
                "action_id": f"tpc_button_{index}",
                "text": {"type": "plain_text", "text": str(button.get("title") or value)[:MAX_BUTTON_TEXT], "emoji": True},
                "value": value,
            }
        )
    return [
        {"type": "actions", "elements": elements[start : start + MAX_ACTIONS_PER_BLOCK]}
        for start in range(0, len(elements), MAX_ACTIONS_PER_BLOCK)
    ]


def _section(mrkdwn: str) -> Dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn[:MAX_SECTION_TEXT]}}


def button_blocks(escaped_text: str, buttons: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """A mrkdwn section with already-escaped text, and the buttons as actions blocks."""
    return [_section(escaped_text), *_actions(buttons)]


def reply_blocks(reply: Reply) -> List[Dict[str, Any]]:
    """A structured reply as Block Kit; every field escaped once."""
    e = slack_escape
    head = [f"*{e(reply.title)}*"] if reply.title else []
    if reply.intro:
        head.append(e(reply.intro))
    blocks: List[Dict[str, Any]] = [_section("\n".join(head))] if head else []
    if reply.steps:
        blocks.append(_section("\n".join(f"{i}. {e(step)}" for i, step in enumerate(reply.steps, 1))))
    if reply.facts:
        blocks.append(_section("\n".join(f"*{e(fact.label)}:* {e(fact.text)}" for fact in reply.facts)))
    if reply.bullets:
        blocks.append(_section("\n".join(f"\u2022 {e(bullet)}" for bullet in reply.bullets)))
    if reply.outro:
        blocks.append(_section(e(reply.outro)))
    if reply.safety:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"_{e(reply.safety)}_"}]})
    return blocks + _actions([b.to_json() for b in reply.buttons])


class SecureSlackBot(StructuredOutput, SlackBot):
    """Posts to one channel (and thread) through a configurable Web API base URL."""

    conversation_channel = "slack"

    def __init__(self, *args: Any, api_url: str = DEFAULT_API_URL, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # Rasa's SlackBot: token, slack_channel, thread_id, proxy
        self.client.base_url = api_url

    async def _post_message(self, channel: str, **kwargs: Any) -> None:
        kwargs.pop("as_user", None)  # legacy: refused for apps with granular bot tokens
        kwargs.pop("type", None)  # not a chat.postMessage argument
        if self.thread_id:
            kwargs.setdefault("thread_ts", self.thread_id)
        await self.client.chat_postMessage(channel=channel, **kwargs)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        recipient = self.slack_channel or recipient_id
        for piece in split_text(slack_escape(text.strip()), MAX_SECTION_TEXT):
            await self._post_message(channel=recipient, text=piece)

    async def send_text_with_buttons(
        self,
        recipient_id: str,
        text: str,
        buttons: List[Dict[str, Any]],
        **kwargs: Any,
    ) -> None:
        recipient = self.slack_channel or recipient_id
        pieces = split_text(slack_escape(text.strip()), MAX_SECTION_TEXT) or [" "]
        for piece in pieces[:-1]:
            await self._post_message(channel=recipient, text=piece)
        await self._post_message(channel=recipient, text=pieces[-1], blocks=button_blocks(pieces[-1], buttons))

    async def send_reply(self, recipient_id: str, reply: Reply) -> None:
        recipient = self.slack_channel or recipient_id
        if reply.chart:
            from replies.chart import png

            upload: Dict[str, Any] = {"channel": recipient, "content": png(reply.chart), "filename": "progress.png"}
            upload.update(title=reply.chart.title, alt_txt=reply.chart.alt, initial_comment=slack_escape(reply.chart.alt))
            if self.thread_id:
                upload["thread_ts"] = self.thread_id
            await self.client.files_upload_v2(**upload)
        if reply.picture:  # the body map (numbered zones) or where the tool goes
            from replies.pictures import png as picture_png

            alt = reply.picture.alt
            picture: Dict[str, Any] = {
                "channel": recipient,
                "content": picture_png(reply.picture),
                "filename": f"{reply.picture.kind}.png",
            }
            title = reply.picture.title or reply.title or reply.intro or reply.picture.kind
            picture.update(title=title, alt_txt=alt[:MAX_ALT_TEXT], initial_comment=slack_escape(alt))
            if self.thread_id:
                picture["thread_ts"] = self.thread_id
            await self.client.files_upload_v2(**picture)
        fallback = split_text(slack_escape(plain.render(reply)), MAX_SECTION_TEXT)[0] if plain.render(reply) else " "
        await self._post_message(channel=recipient, text=fallback, blocks=reply_blocks(reply))
        if reply.attachment:  # the data export, as a file
            export: Dict[str, Any] = {
                "channel": recipient,
                "content": reply.attachment.content.encode("utf-8"),
                "filename": reply.attachment.name,
                "title": reply.attachment.name,
            }
            if self.thread_id:
                export["thread_ts"] = self.thread_id
            await self.client.files_upload_v2(**export)


def _or_none(text: str) -> Optional[str]:
    return text or None


class SecureSlackInput(ConfiguredInput, SlackInput):
    """Slack Events API and interactivity webhook (see the module docstring)."""

    channel = "slack"
    options = {
        "slack_token": ("slack_token", "slack_bot_token"),
        "slack_channel": ("slack_channel", "slack_channel", _or_none),
        "proxy": ("proxy", "", _or_none),
        "use_threads": ("use_threads", "", flag),
        "slack_signing_secret": ("slack_signing_secret", "slack_signing_secret"),
        "conversation_granularity": ("conversation_granularity", "", lambda text: text or "sender"),
        "api_url": ("slack_api_url", "slack_api_url"),
    }

    def __init__(
        self,
        slack_token: str,
        slack_channel: Optional[str] = None,
        proxy: Optional[str] = None,
        slack_retry_reason_header: Optional[str] = None,
        slack_retry_number_header: Optional[str] = None,
        errors_ignore_retry: Optional[List[str]] = None,
        use_threads: Optional[bool] = False,
        slack_signing_secret: str = "",
        conversation_granularity: Optional[str] = "sender",
        api_url: str = "",
    ) -> None:
        self.api_url = DEFAULT_API_URL
        self.disabled_reason: Optional[str] = None
        # across replicas when DEDUPE_REDIS_URL is set (channels/dedupe.py), else per process
        self.seen_events = Dedupe.from_env("slack")
        self._configured_api_url = api_url or ""
        # Rasa's __init__ ends with _validate_credentials(), overridden below not to raise.
        super().__init__(
            slack_token or "",
            slack_channel,
            proxy,
            slack_retry_reason_header or RETRY_REASON_HEADER,
            slack_retry_number_header or RETRY_NUM_HEADER,
            errors_ignore_retry,
            use_threads,
            slack_signing_secret or "",
            conversation_granularity,
        )
        self._tasks: Set[asyncio.Task] = set()

    def _validate_credentials(self) -> None:
        """Disable the channel instead of raising: `make run` must work without Slack."""
        try:
            self.api_url = api_base_url(self._configured_api_url, DEFAULT_API_URL)
        except ValueError as error:
            self.disabled_reason = f"SLACK_API_URL: {error}"
        if not self.slack_signing_secret:
            self.disabled_reason = "SLACK_SIGNING_SECRET is empty"
        if self.disabled_reason:
            logger.warning("Slack channel disabled (every webhook request gets 403): %s", self.disabled_reason)
        elif not self.slack_token:
            logger.warning("SLACK_BOT_TOKEN is empty: signed events are acknowledged but not answered")

    def is_request_from_slack_authentic(self, request: Request) -> bool:
        if self.disabled_reason:
            return False
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        if not (timestamp.isascii() and timestamp.isdigit()):
            return False
        if abs(time.time() - int(timestamp)) > MAX_REQUEST_AGE_SECONDS:
            return False
        # Rasa's check: v0 HMAC-SHA256 of "v0:{timestamp}:{body}", constant-time compare.
        return super().is_request_from_slack_authentic(request)

    def _reply_thread(self, thread_ts: Optional[str], ts: Optional[str], direct: bool) -> Optional[str]:
        if thread_ts:
            return thread_ts
        if self.use_threads and not direct:
            return ts
        return None

    def event_metadata(self, body: Dict[str, Any]) -> Dict[str, Any]:
        event = body.get("event") or {}
        users: List[str] = list(body.get("authed_users") or [])
        if not users and body.get("authorizations"):
            users = [str(body["authorizations"][0].get("user_id"))]
        return {
            "out_channel": event.get("channel"),
            "thread_id": event.get("thread_ts", event.get("ts")),  # Rasa's meaning: conversation granularity
            "reply_thread_ts": self._reply_thread(event.get("thread_ts"), event.get("ts"), event.get("channel_type") == "im"),
            "users": users,
        }

    def interaction_metadata(self, payload: Dict[str, Any]) -> Dict[str, Any]:
        message = payload.get("message") or {}
        channel = (payload.get("channel") or {}).get("id")
        user = (payload.get("user") or {}).get("id")
        direct = str(channel or "").startswith("D")  # DM channel ids start with D
        return {
            "out_channel": channel,
            "thread_id": message.get("thread_ts", message.get("ts")),
            "reply_thread_ts": self._reply_thread(message.get("thread_ts"), message.get("ts"), direct),
            "users": [user] if user else [],
        }

    def get_metadata(self, request: Request) -> Dict[str, Any]:
        content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        try:
            if content_type == "application/json":
                return self.event_metadata(json.loads(request.body))
            if content_type == "application/x-www-form-urlencoded":
                return self.interaction_metadata(json.loads(request.form.get("payload") or "{}"))
        except (ValueError, AttributeError):
            pass
        return {}

    def get_output_channel(self, channel: Optional[str] = None, thread_id: Optional[str] = None) -> OutputChannel:
        """Replies go where the message came from; a message the bot starts itself (a reminder,
        through trigger_intent: no channel given) goes to the person's direct messages."""
        return SecureSlackBot(self.slack_token, channel, thread_id, self.proxy, api_url=self.api_url)

    def _dispatch(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: str,
        sender_id: Optional[str],
        metadata: Dict[str, Any],
    ) -> None:
        """Hand the message to Rasa in the background: Slack wants an answer within 3 s. The
        conversation is `slack:<Slack's id>` (channels/identity.py); no id, no conversation."""
        if not sender_id:
            return
        out = self.get_output_channel(metadata.get("out_channel"), metadata.get("reply_thread_ts"))
        text = neutralise_external(text)  # never the scheduler's EXTERNAL_ intent (channels/guard.py)
        message = UserMessage(text, out, conversation_id(self.name(), sender_id), input_channel=self.name(), metadata=metadata)

        async def handle() -> None:
            await on_new_message(message)

        task = asyncio.create_task(handle())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    def _no_retry(text: str) -> HTTPResponse:
        return response.text(text, headers={"X-Slack-No-Retry": "1"})

    async def handle_event(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        body = json_object(request)
        if body is None:
            return response.text("Bad request", status=400)
        if body.get("type") == "url_verification":
            return response.json({"challenge": str(body.get("challenge", ""))})
        event = body.get("event")
        if body.get("type") != "event_callback" or not isinstance(event, dict):
            return response.text("ignored")

        event_key = f"event:{body.get('event_id')}" if body.get("event_id") else None
        message_key = f"message:{event.get('channel')}:{event.get('ts')}" if event.get("ts") else None
        # A look at the message key (the atomic claim of it comes below), then the atomic claim
        # of the event id: of the replicas a retry may reach, one only goes on.
        if (message_key and await self.seen_events.seen(message_key)) or (
            event_key and not await self.seen_events.claim(event_key)
        ):
            logger.info("Slack event %s already handled (retry #%s)", body.get("event_id"), request.headers.get(RETRY_NUM_HEADER))
            return self._no_retry("duplicate")
        retry_reason = request.headers.get(RETRY_REASON_HEADER)
        if request.headers.get(RETRY_NUM_HEADER) and retry_reason in self.errors_ignore_retry:
            return self._no_retry("retry ignored")  # the first delivery reached us: it is being handled

        metadata = self.event_metadata(body)
        if not self._is_user_message(body) or event.get("subtype") not in USER_SUBTYPES or not event.get("user"):
            return response.text("ignored")  # bot posts, joins, edits...
        if not self._is_supported_channel(body, metadata):
            return response.text("channel not supported")
        if message_key and not await self.seen_events.claim(message_key):
            return self._no_retry("duplicate")
        if not self.slack_token:
            logger.warning("Slack event %s not answered: SLACK_BOT_TOKEN is empty", body.get("event_id"))
            return response.text("not configured")

        text = self._sanitize_user_message(str(event.get("text", "")), metadata["users"])
        sender_id = self._get_conversation_id(event.get("user"), metadata["out_channel"], metadata["thread_id"])
        self._dispatch(on_new_message, text, sender_id, metadata)
        return response.text("")

    async def handle_interaction(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        try:
            payload = json.loads(request.form.get("payload") or "")
        except (ValueError, AttributeError):
            return response.text("Bad request", status=400)
        if not isinstance(payload, dict) or not self._is_interactive_message(payload):
            return response.text("ignored")
        action = payload["actions"][0]
        key = f"interaction:{payload.get('trigger_id') or action.get('action_ts')}"
        if not await self.seen_events.claim(key):
            return self._no_retry("duplicate")
        text = self._get_interactive_response(action)
        if text is None:
            return response.text("ignored")  # e.g. a link button
        if not self.slack_token:
            return response.text("not configured")
        metadata = self.interaction_metadata(payload)
        user = (payload.get("user") or {}).get("id")
        sender_id = self._get_conversation_id(user, metadata["out_channel"], metadata["thread_id"])
        self._dispatch(on_new_message, text, sender_id, metadata)
        return response.text("")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        slack_webhook = webhook_blueprint("slack_webhook", __name__)

        @slack_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.is_request_from_slack_authentic(request):
                return response.text("Forbidden", status=FORBIDDEN)
            content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
            if content_type == "application/json":
                return await self.handle_event(request, on_new_message)
            if content_type == "application/x-www-form-urlencoded":
                return await self.handle_interaction(request, on_new_message)
            return response.text("Unsupported media type", status=415)

        return slack_webhook
