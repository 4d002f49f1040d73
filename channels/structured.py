"""The seam between actions and channels: a structured reply goes to the channel's renderer.

An action sends a `replies.model.Reply` as Rasa's custom payload, with a plain-text
rendering beside it for channels that do not know the structure. An output channel that
mixes in `StructuredOutput` renders the structure itself, in its own module (`send_reply`),
and ignores the plain text; every other message (a domain response) takes Rasa's usual path.
Nothing here sniffs text: a message is structured exactly when its payload says so.

Rasa addresses every message to the conversation id (`<channel>:<id>`, channels/identity.py);
this is also where it becomes the id the channel's platform knows again.
"""

from __future__ import annotations

from typing import Any, Dict

from rasa.core.channels.channel import OutputChannel

from channels.identity import platform_id
from replies.model import Reply


class StructuredOutput(OutputChannel):
    """Mixin for a Rasa OutputChannel (listed before it): renders structured replies with `send_reply`."""

    #: the input channel whose conversations this output answers (channels/identity.py)
    conversation_channel = ""

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        recipient_id = platform_id(recipient_id, self.conversation_channel)
        reply = Reply.from_json(message.get("custom"))
        if reply is None:
            await super().send_response(recipient_id, message)
            return
        await self.send_reply(recipient_id, reply)

    async def send_reply(self, recipient_id: str, reply: Reply) -> None:
        raise NotImplementedError
