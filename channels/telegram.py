"""Telegram channel that authenticates Telegram before doing anything.

Rasa's `TelegramInput` trusts any POST to its webhook, calls `getMe` on every request and
sets the webhook through `asyncio.run` at import time. `SecureTelegramInput` keeps its name
("telegram", so actions render Telegram HTML) and its webhook path, and:

- answers 403 to any request whose `X-Telegram-Bot-Api-Secret-Token` header is not the
  configured secret (constant-time comparison), before parsing the body, running NLU or
  calling the Bot API; an empty or malformed secret, a missing token or a bad API URL
  disable the channel: every request gets 403, the rest of the bot runs normally;
- registers the webhook with that `secret_token` once the server is up (when a webhook URL
  is configured) and checks the bot name once, instead of on every update;
- answers callback queries (button taps), ignores repeated `update_id`s (across replicas
  with `DEDUPE_REDIS_URL`, channels/dedupe.py), edits and non-text updates, and maps `/start` to a greeting;
- talks to a configurable Bot API base URL (a local fake in tests).

`SecureTelegramOutput` sends every text with `parse_mode=HTML`. A structured reply
(replies/model.py) is rendered to HTML here (`telegram_html`: bold title and labels, numbered
steps, bullets, italic safety line), every field escaped once; a domain response is plain text
and is escaped. Buttons become an inline keyboard; a chart is uploaded as a photo with its text
alternative as the caption (no public URL needed), a data export as a document. See docs/channels.md.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import io
import json
import logging
import re
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, List, Optional

from aiogram import Bot
from aiogram.bot.api import TelegramAPIServer, check_token
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from aiogram.utils.exceptions import TelegramAPIError, ValidationError
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from rasa.shared.core.events import BotUttered
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.common import FORBIDDEN, ConfiguredInput, api_base_url, json_object, secrets_match, split_text, webhook_blueprint
from channels.dedupe import Dedupe, telegram_namespace
from channels.guard import neutralise_external
from channels.identity import conversation_id
from channels.structured import StructuredOutput
from replies.model import Reply, buttons

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.telegram.org"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name, not a secret
# The limits below are the Bot API's (core.telegram.org/bots/api): setWebhook's secret_token is
# 1-256 characters from A-Z, a-z, 0-9, _ and -; sendMessage's text 1-4096 characters; a photo's
# caption 0-1024 characters; an inline button's callback_data 1-64 bytes.
SECRET_FORMAT = re.compile(r"[A-Za-z0-9_-]{1,256}")
MAX_MESSAGE_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
ALLOWED_UPDATES = ["message", "callback_query"]
API_TIMEOUT_SECONDS = 30  # the project's choice: a Bot API call that takes longer has failed
# A row holds up to this many buttons when every title is short; otherwise one per row (the
# project's choice: three short titles fit a phone's width).
MAX_ROW_BUTTONS = 3
MAX_ROW_TITLE = 20
# A payload over MAX_CALLBACK_DATA_BYTES goes as "~" + this many hex digits of its SHA-256 (128
# bits, 33 bytes in all); this process remembers the latest ones (enough for the buttons of the
# conversations in flight; another replica finds them in the tracker store).
LONG_PAYLOAD_DIGEST_CHARS = 32
REMEMBERED_LONG_PAYLOADS = 1000

_START = re.compile(r"/start(?:@\w+)?(?:\s.*)?", re.DOTALL)
_COMMAND_MENTION = re.compile(r"^(/\w+)@\w+[Bb][Oo][Tt]\b")


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def telegram_html(reply: Reply) -> str:
    """A structured reply as Telegram HTML: each field escaped once, markup only from here."""
    lines = [f"<b>{escape(reply.title)}</b>"] if reply.title else []
    if reply.intro:
        lines.append(escape(reply.intro))
    lines += [f"{i}. {escape(step)}" for i, step in enumerate(reply.steps, 1)]
    lines += [f"<b>{escape(fact.label)}:</b> {escape(fact.text)}" for fact in reply.facts]
    lines += [f"\u2022 {escape(bullet)}" for bullet in reply.bullets]
    if reply.outro:
        lines.append(escape(reply.outro))
    if reply.safety:
        lines.append(f"<i>{escape(reply.safety)}</i>")
    return "\n".join(lines)


LONG_PAYLOAD_PREFIX = "~"
PayloadSource = Callable[[str], Awaitable[List[str]]]  # conversation id -> payloads of the buttons sent to them


def long_payload_key(payload: str) -> str:
    """The callback_data of a payload over Telegram's 64 bytes: a digest, the same in every replica."""
    return LONG_PAYLOAD_PREFIX + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:LONG_PAYLOAD_DIGEST_CHARS]


def tracker_button_payloads(app: Any) -> PayloadSource:
    """The payloads of the buttons the bot sent in one conversation, newest first, from Rasa's
    tracker store: a button made by another replica resolves here too (the store is shared)."""

    async def payloads(sender_id: str) -> List[str]:
        agent = getattr(getattr(app, "ctx", None), "agent", None)
        store = getattr(agent, "tracker_store", None)
        tracker = await store.retrieve(sender_id) if store is not None else None
        found: List[str] = []
        for event in reversed(list(tracker.events) if tracker is not None else []):
            if isinstance(event, BotUttered):
                data = event.data or {}
                custom = data.get("custom")  # a structured reply keeps its buttons in there
                nested = custom.get("buttons") if isinstance(custom, dict) else None
                found.extend(button.payload for button in [*buttons(data.get("buttons")), *buttons(nested)])
        return found

    return payloads


class SecureTelegramOutput(StructuredOutput, TelegramOutput):
    """Bot API client for one bot token and one API base URL; every text goes as HTML."""

    conversation_channel = "telegram"

    def __init__(self, access_token: str, api_url: str = DEFAULT_API_URL) -> None:
        Bot.__init__(self, access_token, server=TelegramAPIServer.from_base(api_url), timeout=API_TIMEOUT_SECONDS)
        # Payloads longer than Telegram's 64-byte callback_data, by their short key.
        self._long_payloads: OrderedDict[str, str] = OrderedDict()

    async def close_session(self) -> None:
        """Close the HTTP session, if one was opened (aiogram's close() is deprecated)."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    def callback_data(self, payload: str) -> str:
        if len(payload.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
            return payload
        key = long_payload_key(payload)
        self._long_payloads[key] = payload
        self._long_payloads.move_to_end(key)
        while len(self._long_payloads) > REMEMBERED_LONG_PAYLOADS:
            self._long_payloads.popitem(last=False)
        return key

    def payload_for(self, callback_data: str) -> Optional[str]:
        """The payload a button was created with (None for a long-payload key this process did not make)."""
        if callback_data.startswith(LONG_PAYLOAD_PREFIX):
            return self._long_payloads.get(callback_data)
        return callback_data

    def inline_keyboard(self, buttons: List[Dict[str, Any]], vertical: bool = False) -> InlineKeyboardMarkup:
        keys = [
            InlineKeyboardButton(str(b.get("title") or b["payload"]), callback_data=self.callback_data(str(b["payload"])))
            for b in buttons
            if b.get("payload")
        ]
        markup = InlineKeyboardMarkup()
        one_row = len(keys) <= MAX_ROW_BUTTONS and all(len(k.text) <= MAX_ROW_TITLE for k in keys)
        if one_row and not vertical:
            markup.row(*keys)
        else:
            for key in keys:
                markup.row(key)
        return markup

    async def _send_html(self, recipient_id: str, html_text: str, reply_markup: Optional[InlineKeyboardMarkup] = None) -> None:
        pieces = [piece for piece in split_text(html_text, MAX_MESSAGE_LENGTH) if piece.strip()]
        if not pieces:
            if reply_markup is None:
                return
            pieces = ["\u2026"]  # Telegram refuses an empty text, even under a keyboard
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            await self.send_message(
                recipient_id,
                piece,
                parse_mode="HTML",
                disable_web_page_preview=True,
                reply_markup=reply_markup if last else None,
            )

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send_html(recipient_id, escape(text))

    async def send_reply(self, recipient_id: str, reply: Reply) -> None:
        if reply.chart:
            from replies.chart import png

            caption = reply.chart.alt[:MAX_CAPTION_LENGTH]
            await self.send_photo(recipient_id, InputFile(io.BytesIO(png(reply.chart)), filename="progress.png"), caption=caption)
        if reply.picture:  # the body map (numbered zones) or where the tool goes, its text alternative as caption
            from replies.pictures import png as picture_png

            photo = InputFile(io.BytesIO(picture_png(reply.picture)), filename=f"{reply.picture.kind}.png")
            await self.send_photo(recipient_id, photo, caption=reply.picture.alt[:MAX_CAPTION_LENGTH])
        markup = self.inline_keyboard([b.to_json() for b in reply.buttons]) if reply.buttons else None
        keyboard = markup if markup and markup.inline_keyboard else None
        await self._send_html(recipient_id, telegram_html(reply), reply_markup=keyboard)
        if reply.attachment:  # the data export, as a document
            content = io.BytesIO(reply.attachment.content.encode("utf-8"))
            await self.send_document(recipient_id, InputFile(content, filename=reply.attachment.name))

    async def send_text_with_buttons(
        self,
        recipient_id: str,
        text: str,
        buttons: List[Dict[str, Any]],
        button_type: Optional[str] = "inline",
        **kwargs: Any,
    ) -> None:
        markup = self.inline_keyboard(buttons, vertical=button_type == "vertical")
        await self._send_html(recipient_id, escape(text), reply_markup=markup if markup.inline_keyboard else None)


class SecureTelegramInput(ConfiguredInput, TelegramInput):
    """Telegram webhook that only lets Telegram in (see the module docstring)."""

    channel = "telegram"
    options = {
        "access_token": ("access_token", "telegram_access_token"),
        "verify": ("verify", "telegram_bot_name"),
        "webhook_url": ("webhook_url", "telegram_webhook_url"),
        "secret_token": ("secret_token", "telegram_secret_token"),
        "api_url": ("api_url", "telegram_api_url"),
    }

    def __init__(
        self,
        access_token: Optional[str],
        verify: Optional[str],
        webhook_url: Optional[str],
        secret_token: str = "",
        api_url: str = "",
        debug_mode: bool = False,
    ) -> None:
        super().__init__(access_token or "", (verify or "").lstrip("@"), webhook_url or "", debug_mode=debug_mode)
        self.secret_token = secret_token or ""
        # across replicas when DEDUPE_REDIS_URL is set (channels/dedupe.py), else per process
        self.seen_updates = Dedupe.from_env(telegram_namespace(self.access_token))
        self.output: Optional[SecureTelegramOutput] = None
        self._startup_task: Optional[asyncio.Task] = None
        self.disabled_reason = self._configure(api_url or "")
        if self.disabled_reason:
            logger.warning("Telegram channel disabled (every webhook request gets 403): %s", self.disabled_reason)

    def _configure(self, api_url: str) -> Optional[str]:
        if not self.secret_token:
            return "TELEGRAM_SECRET_TOKEN is empty"
        if not SECRET_FORMAT.fullmatch(self.secret_token):
            return "TELEGRAM_SECRET_TOKEN must be 1-256 characters from A-Z, a-z, 0-9, _ and -"
        if not self.access_token:
            return "TELEGRAM_ACCESS_TOKEN is empty"
        try:
            check_token(self.access_token)
            self.output = SecureTelegramOutput(self.access_token, api_base_url(api_url, DEFAULT_API_URL))
        except ValidationError:
            return "TELEGRAM_ACCESS_TOKEN is not a bot token (expected <digits>:<secret>)"
        except ValueError as error:
            return f"TELEGRAM_API_URL: {error}"
        return None

    @property
    def enabled(self) -> bool:
        return self.output is not None and not self.disabled_reason

    def is_authentic(self, request: Request) -> bool:
        """The request carries our secret token; always False while disabled."""
        return self.enabled and secrets_match(request.headers.get(SECRET_HEADER), self.secret_token)

    def get_output_channel(self) -> SecureTelegramOutput:
        if self.output is None:
            raise RasaException(f"The Telegram channel is disabled: {self.disabled_reason}")
        return self.output

    async def register_webhook(self) -> None:
        """Check the bot name, then point Telegram at our webhook with the secret token."""
        out = self.get_output_channel()
        try:
            if self.verify:
                me = await out.get_me()
                if (me.username or "").lower() != self.verify.lower():
                    logger.error("TELEGRAM_BOT_NAME is %r but the token belongs to %r", self.verify, me.username)
            if self.webhook_url:
                await out.request(
                    "setWebhook",
                    {"url": self.webhook_url, "secret_token": self.secret_token, "allowed_updates": json.dumps(ALLOWED_UPDATES)},
                )
                logger.info("Telegram webhook set to %s", self.webhook_url)
        except (TelegramAPIError, asyncio.TimeoutError) as error:
            logger.error("Telegram webhook setup failed (set it by hand, see docs/channels.md): %r", error)

    def user_text(self, text: str) -> str:
        """`/start` (the first thing a Telegram user sends) greets; `/cmd@SomeBot` is `/cmd`."""
        if _START.fullmatch(text.strip()):
            return "/greet"
        return _COMMAND_MENTION.sub(r"\1", text)

    async def handle_update(
        self,
        update: Dict[str, Any],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        sent_payloads: Optional[PayloadSource] = None,
    ) -> str:
        """Process one authenticated update; returns what happened (for the HTTP answer).
        `sent_payloads` resolves a long-payload button that another replica made."""
        out = self.get_output_channel()
        update_id = update.get("update_id")
        if update_id is not None and not await self.seen_updates.claim(str(update_id)):
            return "duplicate"

        callback = update.get("callback_query")
        message = update.get("message")
        made_elsewhere: Optional[str] = None
        if isinstance(callback, dict):
            source = callback.get("message") if isinstance(callback.get("message"), dict) else {}
            if callback.get("id"):
                try:
                    await out.answer_callback_query(str(callback["id"]))
                except TelegramAPIError as error:
                    logger.warning("answerCallbackQuery failed: %s", error)
            data = callback.get("data")
            text = out.payload_for(data) if isinstance(data, str) else None
            made_elsewhere = data if isinstance(data, str) and text is None else None
        elif isinstance(message, dict):
            source = message
            text = message.get("text") if isinstance(message.get("text"), str) else None
            text = self.user_text(text) if text else None
        else:
            return "ignored"  # edits, channel posts, membership changes...

        chat = source.get("chat") if isinstance(source, dict) else None
        chat_id = chat.get("id") if isinstance(chat, dict) else None
        if not isinstance(chat_id, int | str) or isinstance(chat_id, bool):
            return "ignored"
        conversation = conversation_id(self.name(), str(chat_id))
        if made_elsewhere is not None and sent_payloads is not None:  # a long-payload key of another replica
            text = next((p for p in await sent_payloads(conversation) if long_payload_key(p) == made_elsewhere), None)
        if not text:
            return "ignored"

        text = neutralise_external(text)  # never the scheduler's EXTERNAL_ intent (channels/guard.py)
        await on_new_message(UserMessage(text, out, conversation, input_channel=self.name()))
        return "success"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        telegram_webhook = webhook_blueprint("telegram_webhook", __name__)

        @telegram_webhook.listener("after_server_start")
        async def set_webhook(_app: Any, _loop: Any) -> None:
            if self.enabled:  # in the background: a slow Bot API must not hold up start-up
                self._startup_task = asyncio.create_task(self.register_webhook())

        @telegram_webhook.listener("before_server_stop")
        async def close_session(_app: Any, _loop: Any) -> None:
            if self.output is not None:
                await self.output.close_session()
            await self.seen_updates.close()

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.is_authentic(request):
                return response.text("Forbidden", status=FORBIDDEN)
            update = json_object(request)
            if update is None:
                return response.text("Bad request", status=400)
            try:
                outcome = await self.handle_update(update, on_new_message, tracker_button_payloads(request.app))
            except Exception:  # noqa: BLE001 - answered 200: Telegram would redeliver the same failing update
                logger.exception("Telegram update %s could not be handled", update.get("update_id"))
                outcome = "error"
            return response.text(outcome)

        return telegram_webhook
