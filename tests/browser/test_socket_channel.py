"""The widget's socket.io channel (channels/socketio.py) against the real bot, without a browser.

The bot runs with `--cors <page origin>` (tests/conftest.py bot_cors_origins). A python-socketio client
plays the widget: it sends the Origin header a browser would send.
"""

from __future__ import annotations

import queue
import uuid
from typing import Any, Callable, Dict, Iterator, List, Optional

import pytest
import requests
import socketio
from sanic import Sanic

from channels.socketio import WebchatInput, cors_origins_of
from tests.channels.conftest import ChannelBot
from tests.servers import Bot

ENGINE = "/socket.io/?EIO=4&transport="
WAIT = 30  # seconds: one bot turn is well under that


class Widget:
    """A socket.io client speaking rasa-webchat's events, one queue per event."""

    def __init__(self, url: str, origin: str) -> None:
        self.client = socketio.Client(reconnection=False)
        self.events: Dict[str, queue.Queue[Any]] = {"session_confirm": queue.Queue(), "bot_uttered": queue.Queue()}
        for name, inbox in self.events.items():
            self.client.on(name, inbox.put)
        self.client.connect(url, headers={"Origin": origin}, transports=["polling"], wait_timeout=WAIT)

    def session(self, requested: Optional[str]) -> str:
        self.client.emit("session_request", {"session_id": requested})
        return self.events["session_confirm"].get(timeout=WAIT)

    def say(self, text: str, session_id: str, custom_data: Optional[Dict[str, Any]] = None) -> None:
        """What rasa-webchat emits: the text, its `customData` (web/app.js) and the session id."""
        message: Dict[str, Any] = {"message": text, "session_id": session_id}
        if custom_data is not None:
            message["customData"] = custom_data
        self.client.emit("user_uttered", message)

    def replies(self, until: Callable[[Dict[str, Any]], Any]) -> List[Dict[str, Any]]:
        """Bot messages up to the first one matching `until`."""
        received = [self.events["bot_uttered"].get(timeout=WAIT)]
        while not until(received[-1]):
            received.append(self.events["bot_uttered"].get(timeout=WAIT))
        return received

    def close(self) -> None:
        # like a closed tab: the close packet goes out, nobody waits for the pending long-poll (~25 s)
        self.client.eio.disconnect(abort=True)


@pytest.fixture()
def widgets(bot: Bot, page_origin: str) -> Iterator[Any]:
    opened: List[Widget] = []

    def open_() -> Widget:
        opened.append(Widget(bot.url, page_origin))
        return opened[-1]

    yield open_
    for widget in opened:
        widget.close()


def user_texts(bot: Bot, sender: str) -> List[str]:
    return [e.get("text") for e in bot.tracker(sender)["events"] if e.get("event") == "user"]


@pytest.mark.e2e
def test_only_the_page_origin_gets_a_socket(bot: Bot, page_origin: str) -> None:
    page = requests.get(bot.url + ENGINE + "polling", headers={"Origin": page_origin}, timeout=10)
    assert page.status_code == 200 and page.text.startswith("0{")
    assert page.raw.headers.getlist("Access-Control-Allow-Origin") == [page_origin]  # once: twice breaks browsers
    for foreign in (
        "http://evil.example",
        "null",
        page_origin.replace("127.0.0.1", "localhost"),
        bot.url.replace("127.0.0.1", "x"),
    ):
        response = requests.get(bot.url + ENGINE + "polling", headers={"Origin": foreign}, timeout=10)
        assert response.status_code == 403, foreign
        assert "Access-Control-Allow-Origin" not in response.headers
    with pytest.raises(socketio.exceptions.ConnectionError):
        socketio.Client(reconnection=False).connect(bot.url, headers={"Origin": "http://evil.example"}, transports=["polling"])


@pytest.mark.e2e
def test_long_polling_only(bot: Bot, page_origin: str) -> None:
    handshake = requests.get(bot.url + ENGINE + "polling", headers={"Origin": page_origin}, timeout=10)
    assert '"upgrades":[]' in handshake.text  # no WebSocket upgrade offered (Sanic 21.12 + Python 3.11)
    direct = requests.get(bot.url + ENGINE + "websocket", headers={"Origin": page_origin}, timeout=10)
    assert direct.status_code == 400


@pytest.mark.e2e
def test_a_reconnecting_widget_continues_its_conversation(bot: Bot, widgets: Any) -> None:
    first = widgets()
    session_id = first.session(None)
    assert len(session_id) == 32 and int(session_id, 16) >= 0
    first.say("my lower back hurts", session_id)
    question = first.replies(until=lambda m: m.get("quick_replies"))[-1]
    assert [button["payload"] for button in question["quick_replies"]] == ["/deny", "/affirm", "/ask_why"]
    first.close()

    again = widgets()  # a reload: new socket, same stored session id
    assert again.session(session_id) == session_id
    again.say("/deny", session_id)
    steps = again.replies(until=lambda m: m.get("quick_replies"))  # the steps and their buttons, to the new socket
    assert any("/next_exercise" in [b["payload"] for b in m.get("quick_replies") or []] for m in steps)
    assert user_texts(bot, f"socketio:{session_id}") == ["my lower back hurts", "/deny"]


@pytest.mark.e2e
def test_a_socket_cannot_write_into_another_conversation(bot: Bot, widgets: Any) -> None:
    victim = bot.new_sender()  # e.g. a REST, Slack or Telegram sender id
    bot.say(victim, "my neck is stiff")
    intruder = widgets()
    own = intruder.session(victim)
    assert own != victim  # not the shape of a widget session: a fresh one is issued
    intruder.say("I'm on blood thinners", victim)  # a session this socket was not given
    intruder.say("hello", own)
    intruder.replies(until=lambda m: True)  # its own message is answered...
    assert user_texts(bot, victim) == ["my neck is stiff"]  # ...the other one never reached the bot


def test_socket_origins_come_from_rasa_run_cors() -> None:
    from rasa.server import configure_cors

    def origins(cors: Any) -> List[str]:
        app = Sanic(f"cors_{uuid.uuid4().hex}")
        configure_cors(app, cors)
        return cors_origins_of(app)

    assert origins(None) == [] and origins("") == []
    assert origins("http://127.0.0.1:8080") == ["http://127.0.0.1:8080"]
    assert origins(["http://localhost:8080/", "http://127.0.0.1:8080"]) == ["http://127.0.0.1:8080", "http://localhost:8080"]
    assert origins("*") == []  # never a wildcard on the socket
    assert origins(["https://.*\\.example\\.com", "https://a.example"]) == ["https://a.example"]
    assert cors_origins_of(Sanic(f"bare_{uuid.uuid4().hex}")) == []  # no Sanic-CORS at all: own origin only
    assert WebchatInput.name() == "socketio"  # the actions render Markdown for this channel name


def test_socket_messages_follow_the_input_rules(bot: Bot, widgets: Callable[[], Widget]) -> None:
    widget = widgets()
    session = widget.session(None)
    widget.say("a" * 5000, session)
    refused = widget.replies(until=lambda m: True)
    assert "longer than" in refused[0]["text"]
    assert "a" * 5000 not in user_texts(bot, f"socketio:{session}")
    widget.say("hi\x00 there", session)
    widget.replies(until=lambda m: "Trigger Point Coach" in (m.get("text") or ""))
    assert "hi there" in user_texts(bot, f"socketio:{session}")


@pytest.mark.e2e
def test_the_widgets_time_zone_reaches_the_bot(bot: Bot, widgets: Callable[[], Widget]) -> None:
    """rasa-webchat sends its customData (web/app.js: language and time zone) under `customData`;
    the channel reads it as the message metadata (credentials.yml `metadata_key`), so a daily
    reminder is set in that time zone without asking for it."""
    import sqlite3

    widget = widgets()
    session = widget.session(None)
    widget.say("remind me every day at 7", session, custom_data={"language": "en", "timezone": "Pacific/Chatham"})
    widget.replies(until=lambda m: True)
    ChannelBot(bot.url, bot.workdir).user_texts_once_saved(f"socketio:{session}", "remind me every day at 7")
    said = [e for e in bot.tracker(f"socketio:{session}")["events"] if e.get("event") == "user"]
    sent = [{key: e["metadata"].get(key) for key in ("language", "timezone")} for e in said]  # Rasa adds model_id
    assert sent == [{"language": "en", "timezone": "Pacific/Chatham"}]
    with sqlite3.connect(bot.workdir / "userdata.db") as db:
        zones = [row[0] for row in db.execute("SELECT timezone FROM reminders WHERE timezone = 'Pacific/Chatham'")]
    assert zones == ["Pacific/Chatham"]  # no other test uses this zone
