"""The widget's output (channels/socketio.py: Markdown blocks, quick replies) and the REST
output (channels/rest.py: plain text plus the structure, one message per reply)."""

from __future__ import annotations

from typing import Any, Dict, List

from channels.rest import RestOutput
from channels.socketio import WebchatOutput, markdown_blocks
from replies import plain
from replies.model import Attachment, Reply
from tests.channels.replies_for_tests import REPLY


class FakeSocket:
    def __init__(self) -> None:
        self.emitted: List[Dict[str, Any]] = []

    async def emit(self, event: str, data: Dict[str, Any], room: str) -> None:
        self.emitted.append({"event": event, "data": data, "room": room})


def test_the_widget_gets_one_markdown_block_per_bubble_with_markup_escaped() -> None:
    blocks = markdown_blocks(REPLY)
    assert blocks[0] == "**Lower back \\<release\\> & reset**  \nLie on your back & breathe."
    assert blocks[1] == '1. Place the ball 2.5" off the spine\n2. Roll \\< 30 s'
    assert blocks[2] == "**Hold:** 15-30 s \\> per spot"
    assert blocks[-1] == "_Stop if pain \\> 7/10 & tingling._"


async def test_the_widget_puts_the_buttons_on_the_last_bubble() -> None:
    socket = FakeSocket()
    out = WebchatOutput(socket, "bot_uttered")
    await out.send_response("room1", {"text": "fallback", "custom": REPLY.to_json()})
    texts = [e["data"]["text"] for e in socket.emitted]
    assert texts == markdown_blocks(REPLY) and "fallback" not in texts
    assert [e["data"].get("quick_replies") is not None for e in socket.emitted] == [False] * (len(texts) - 1) + [True]
    assert [q["payload"] for q in socket.emitted[-1]["data"]["quick_replies"]] == ["/next_exercise", "/ask_dosage"]
    assert {e["room"] for e in socket.emitted} == {"room1"}


async def test_rest_keeps_a_structured_reply_as_one_message_with_text_buttons_and_structure() -> None:
    out = RestOutput()
    await out.send_response(
        "u1", {"text": "ignored fallback", "custom": REPLY.to_json(), "buttons": [b.to_json() for b in REPLY.buttons]}
    )
    await out.send_response("u1", {"text": "a domain response"})
    structured, domain = out.messages
    assert structured == {
        "recipient_id": "u1",
        "text": plain.render(REPLY),
        "custom": REPLY.to_json(),
        "buttons": [b.to_json() for b in REPLY.buttons],
    }
    assert domain == {"recipient_id": "u1", "text": "a domain response"}


async def test_the_widget_renders_an_export_token_as_a_link_and_stores_nothing(monkeypatch: Any) -> None:
    """The export action stored the export (issue #23 item 3): the channel only builds the link."""
    import channels.socketio

    def no_store() -> None:
        raise AssertionError("the widget's output must not touch the user-data store")

    monkeypatch.setattr(channels.socketio, "user_store", no_store)
    monkeypatch.setenv("RASA_PUBLIC_URL", "https://coach.example.org")
    socket = FakeSocket()
    export = Reply(kind="data_export", intro="Here.", attachment=Attachment("my-data.json", "application/json", link_token="abc"))
    await WebchatOutput(socket, "bot_uttered").send_response("room1", {"text": "", "custom": export.to_json()})
    assert [e["data"]["text"] for e in socket.emitted] == [
        "Here.",
        "[my-data.json](https://coach.example.org/webhooks/socketio/export/abc)",
    ]


def test_an_attachment_round_trips_with_its_token_or_its_content() -> None:
    linked = Attachment("my-data.json", "application/json", link_token="abc")
    sent = Attachment("my-data.json", "application/json", "{}")
    for attachment in (linked, sent):
        assert Reply.from_json(Reply(kind="data_export", attachment=attachment).to_json()) == Reply(
            kind="data_export", attachment=attachment
        )
    assert Reply.from_json(Reply(kind="data_export", attachment=Attachment("x", "y")).to_json()) == Reply(kind="data_export")
