"""Finding 1 of issue #22: identity was the sender id alone, across channels.

Before the fix, a REST caller who sent a widget session id (or a Telegram chat id, a Slack user
id: none of them secret) as its `sender` got that person's conversation: "export my data"
returned it, "delete my data" + "/affirm" emptied it. Every channel now namespaces its
conversations (`telegram:<chat id>`, channels/identity.py).

The attack is replayed here as an attacker sends it, against the real `rasa run` and action
server, on SQLite (the `make run` stores, REST open) and on PostgreSQL (the production stores,
REST behind a bearer token). The victims come in through their real channels: Telegram and Slack
against fake APIs on loopback, the widget over socket.io. PostgreSQL missing: skipped locally,
a failure with CI=true.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
import requests
from rasa_sdk import Tracker

from tests.channels.conftest import (
    SLACK_BOT_CHANNEL,
    SLACK_SIGNING_SECRET,
    SLACK_TOKEN,
    TELEGRAM_SECRET,
    TELEGRAM_TOKEN,
    TELEGRAM_WEBHOOK_URL,
    ChannelBot,
    slack_headers,
)
from tests.channels.fakes import BOT_USERNAME, FakeSlackApi, FakeTelegramApi
from tests.conftest import fresh_postgres
from tests.deploy.k8s_manifests import k8s_secret_of
from tests.e2e.replies import reply
from tests.servers import Server, action_server, base_env, free_port, rasa_server, sqlite_tracker, write_endpoints

ORIGIN = "http://127.0.0.1:9"  # the widget's page origin given to --cors (nothing listens there)
REST_TOKEN = "rest-channel-test-token"


# -- the rule, without servers -----------------------------------------------------------------


def test_a_conversation_id_names_its_channel_and_only_that_channel_strips_it() -> None:
    from channels.identity import conversation_id, platform_id, split

    assert conversation_id("telegram", "123") == "telegram:123"
    assert split("telegram:123") == ("telegram", "123")
    assert split("rest:socketio:abc") == ("rest", "socketio:abc")  # a REST sender that names another channel
    assert split("123") is None and split("cmdline:x") is None and split("rest:") is None
    assert platform_id("telegram:123", "telegram") == "123"
    assert platform_id("rest:telegram:123", "telegram") == "rest:telegram:123"  # never another channel's


def test_the_user_data_key_comes_from_the_conversation_id_never_from_the_message() -> None:
    from actions.plumbing.userdata_access import person

    def tracker(sender: str, channel: str) -> Tracker:
        events = [{"event": "user", "text": "hi", "parse_data": {}, "input_channel": channel}]
        return Tracker(sender, {}, {}, events, False, None, {}, "")

    # a message that claims to come from the widget, in a REST conversation, is the REST person
    assert person(tracker("rest:0123456789abcdef0123456789abcdef", "socketio")) == ("rest", "0123456789abcdef0123456789abcdef")
    assert person(tracker("rest:socketio:abc", "socketio")) == ("rest", "socketio:abc")
    assert person(tracker("telegram:42", "telegram")) == ("telegram", "42")


async def test_each_output_channel_answers_its_own_platform_id() -> None:
    from channels.rest import RestOutput

    out = RestOutput()
    await out.send_response("rest:u1", {"text": "hello"})
    await out.send_response("socketio:u1", {"text": "hello"})  # not a REST conversation: left as it is
    assert [m["recipient_id"] for m in out.messages] == ["u1", "socketio:u1"]


def test_the_lock_store_locks_each_channels_conversation_apart() -> None:
    """A turn of the widget person `abc` never makes REST's `abc` wait, nor the other way round."""
    from rasa.utils.endpoints import EndpointConfig

    from channels.identity import conversation_id
    from stores.redis_lock_store import AtomicRedisLockStore
    from tests.reliability.conftest import new_redis_prefix

    store = AtomicRedisLockStore(EndpointConfig(url="127.0.0.1", port=6379, db=0, key_prefix=new_redis_prefix()))
    widget, rest = conversation_id("socketio", "abc"), conversation_id("rest", "abc")
    ticket = store.issue_ticket(widget)
    try:
        assert store.get_lock(rest) is None
        lock = store.get_lock(widget)
        assert lock is not None and lock.conversation_id == widget and lock.is_someone_waiting()
        assert store.red.exists(store.key_prefix + widget) and not store.red.exists(store.key_prefix + rest)
    finally:
        store.cleanup(widget, ticket)


def rest_request(authorization: Optional[str]) -> Any:
    return SimpleNamespace(headers={} if authorization is None else {"authorization": authorization})


def test_the_rest_channel_in_production_needs_its_bearer_token() -> None:
    from channels.rest import GuardedRestInput

    open_channel = GuardedRestInput.from_credentials(None)  # make run: nothing set
    assert open_channel.refusal(rest_request(None)) is None
    off = GuardedRestInput(token="", require_token=True)  # compose / Kubernetes without a token
    for header in (None, "Bearer ", f"Bearer {REST_TOKEN}"):
        refused = off.refusal(rest_request(header))
        assert refused is not None and refused.status == 403, header
    locked = GuardedRestInput(token=REST_TOKEN, require_token=True)
    for header in (None, "", "Bearer", "Bearer wrong", f"Basic {REST_TOKEN}", f"Bearer {REST_TOKEN}x", REST_TOKEN):
        refused = locked.refusal(rest_request(header))
        assert refused is not None and refused.status == 401, header
    assert locked.refusal(rest_request(f"Bearer {REST_TOKEN}")) is None
    assert locked.refusal(rest_request(f"bearer  {REST_TOKEN} ")) is None


def test_the_deploy_files_turn_the_rest_channel_off_without_a_token() -> None:
    import yaml

    root = Path(__file__).resolve().parents[2]
    compose = yaml.safe_load((root / "deploy" / "docker-compose.yml").read_text())
    rasa_env = compose["services"]["rasa"]["environment"]
    assert rasa_env["REST_AUTH_REQUIRED"] == "true" and rasa_env["REST_AUTH_TOKEN"] == "${REST_AUTH_TOKEN:-}"
    config = yaml.safe_load((root / "deploy" / "k8s" / "configmap.yaml").read_text())
    assert config["data"]["REST_AUTH_REQUIRED"] == "true"
    assert k8s_secret_of("rasa", "REST_AUTH_TOKEN") == ("rest-auth-token", True)  # no key: no file, REST off


# -- the attack, against the real servers --------------------------------------------------------


@dataclass
class Setup:
    name: str
    bot: ChannelBot
    userdata_url: str
    rest_headers: Dict[str, str]
    telegram: FakeTelegramApi
    slack: FakeSlackApi


def start(workdir: Path, name: str, tracker: str, userdata_url: str, rest_env: Dict[str, str], apis: Any) -> List[Server]:
    telegram, slack = apis
    channels = {
        "TELEGRAM_ACCESS_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_BOT_NAME": BOT_USERNAME,
        "TELEGRAM_WEBHOOK_URL": TELEGRAM_WEBHOOK_URL,
        "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
        "TELEGRAM_API_URL": telegram.url,
        "SLACK_BOT_TOKEN": SLACK_TOKEN,
        "SLACK_SIGNING_SECRET": SLACK_SIGNING_SECRET,
        "SLACK_CHANNEL": SLACK_BOT_CHANNEL,
        "SLACK_API_URL": f"{slack.url}/api/",
    }
    action_port, rasa_port = free_port(), free_port()
    env = base_env(USERDATA_URL=userdata_url, USERDATA_KEY="test-key", RASA_URL=f"http://127.0.0.1:{rasa_port}")
    endpoints = write_endpoints(workdir, action_port, tracker)
    actions = action_server(workdir, action_port, {**env, "RASA_ENDPOINTS": str(endpoints)}).launch()
    rasa = rasa_server(workdir, rasa_port, endpoints, {**env, **channels, **rest_env}, cors=[ORIGIN]).launch()
    return [actions, rasa]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def setup(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    workdir = tmp_path_factory.mktemp(f"identity-{request.param}")
    telegram, slack = FakeTelegramApi(), FakeSlackApi()
    telegram.start()
    slack.start()
    postgres = fresh_postgres() if request.param == "postgresql" else None
    servers: List[Server] = []
    try:
        if postgres is None:  # make run: SQLite stores, REST open
            tracker, userdata_url, rest_env, headers = sqlite_tracker(workdir), f"sqlite:///{workdir / 'userdata.db'}", {}, {}
        else:  # production: PostgreSQL stores, REST behind its bearer token
            engine = next(postgres)
            url = engine.url
            tracker = (
                "tracker_store:\n  type: stores.tracker_store.ForgettingSQLTrackerStore\n  dialect: postgresql\n"
                f"  url: {url.host}\n  port: {url.port or 5432}\n  db: {url.database}\n  username: {url.username}\n"
            )
            userdata_url = url.render_as_string(hide_password=False)
            rest_env = {"REST_AUTH_REQUIRED": "true", "REST_AUTH_TOKEN": REST_TOKEN}
            headers = {"Authorization": f"Bearer {REST_TOKEN}"}
        servers = start(workdir, request.param, tracker, userdata_url, rest_env, (telegram, slack))
        for server in servers:
            server.wait_ready()
        yield Setup(request.param, ChannelBot(servers[1].url, workdir), userdata_url, headers, telegram, slack)
    finally:
        for server in servers:
            server.stop()
        telegram.stop()
        slack.stop()
        if postgres is not None:
            postgres.close()  # drops the database


def repository(setup: Setup, monkeypatch: pytest.MonkeyPatch) -> Any:
    from userdata.db import make_engine
    from userdata.repository import UserDataRepository

    monkeypatch.setenv("USERDATA_KEY", "test-key")  # the servers' key: the same pseudonymous keys
    return UserDataRepository(make_engine(setup.userdata_url))


def rest(setup: Setup, sender: str, text: str, headers: Optional[Dict[str, str]] = None) -> requests.Response:
    return requests.post(
        f"{setup.bot.url}/webhooks/rest/webhook",
        json={"sender": sender, "message": text},
        headers=setup.rest_headers if headers is None else headers,
        timeout=120,
    )


def telegram_victim(setup: Setup, marker: str) -> Tuple[str, str]:
    chat = int(time.time_ns() % 10**9) + 10**9
    update = {
        "update_id": int(time.time_ns() % 10**8),
        "message": {
            "message_id": 1,
            "from": {"id": chat, "is_bot": False, "first_name": "Victim"},
            "chat": {"id": chat, "type": "private"},
            "date": int(time.time()),
            "text": f"my neck is stiff {marker}",
        },
    }
    assert setup.bot.post_telegram(update).text == "success"
    return "telegram", str(chat)


def slack_victim(setup: Setup, marker: str) -> Tuple[str, str]:
    user, ts = f"U{uuid.uuid4().hex[:10].upper()}", f"{time.time():.6f}"
    event = {
        "type": "message",
        "user": user,
        "text": f"my neck is stiff {marker}",
        "ts": ts,
        "channel": "D0VICTIM",
        "channel_type": "im",
    }
    body = json.dumps(
        {"type": "event_callback", "team_id": "T0", "event": event, "event_id": f"Ev{uuid.uuid4().hex[:10]}"}
    ).encode()
    headers = {**slack_headers(body, SLACK_SIGNING_SECRET), "Content-Type": "application/json"}
    assert requests.post(f"{setup.bot.url}/webhooks/slack/webhook", data=body, headers=headers, timeout=60).status_code == 200
    setup.bot.user_texts_once_saved(f"slack:{user}", f"my neck is stiff {marker}")
    return "slack", user


def widget_victim(setup: Setup, marker: str) -> Tuple[str, str]:
    from tests.browser.test_socket_channel import Widget

    widget = Widget(setup.bot.url, ORIGIN)
    try:
        session = widget.session(None)
        widget.say(f"my neck is stiff {marker}", session)
        widget.replies(until=lambda m: True)
    finally:
        widget.close()
    setup.bot.user_texts_once_saved(f"socketio:{session}", f"my neck is stiff {marker}")
    return "socketio", session


VICTIMS = {"widget": widget_victim, "telegram": telegram_victim, "slack": slack_victim}


@pytest.mark.e2e
@pytest.mark.parametrize("channel", list(VICTIMS))
def test_rest_cannot_read_export_or_delete_another_channels_person(
    setup: Setup, channel: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = repository(setup, monkeypatch)
    marker = f"victim{uuid.uuid4().hex[:8]}"
    victim_channel, victim_id = VICTIMS[channel](setup, marker)
    store.log_session(
        victim_channel, victim_id, area="neck", exercise=None, tool=None, pain_before=6, pain_after=3, feeling="better"
    )
    conversation = f"{victim_channel}:{victim_id}"
    said_before = setup.bot.user_texts(conversation)
    assert said_before == [f"my neck is stiff {marker}"]

    for forged in (victim_id, conversation):  # the bare id, and the id with its channel's prefix
        if setup.rest_headers:  # production: without the channel's token, nothing gets in at all
            assert rest(setup, forged, "export my data", headers={}).status_code == 401
            assert rest(setup, forged, "export my data", headers={"Authorization": "Bearer wrong"}).status_code == 401
        answer = rest(setup, forged, "export my data")
        assert answer.status_code == 200
        assert marker not in answer.text
        export = reply(answer.json(), "data_export")
        assert export is not None, answer.text[:500]
        document = json.loads(export["attachment"]["content"])
        assert document["channel"] == "rest" and document["sessions"] == []
        assert reply(rest(setup, forged, "delete my data").json(), "delete_confirm") is not None
        assert rest(setup, forged, "/affirm").status_code == 200

    # the victim's conversation and stored data are all still there
    assert setup.bot.user_texts(conversation) == said_before
    assert [(s.area, s.pain_before, s.pain_after) for s in store.sessions(victim_channel, victim_id)] == [("neck", 6, 3)]


# -- existing conversations: the one-time migration (stores/namespace.py) -------------------------


def legacy_events(engine: Any) -> None:
    """Conversations stored before namespacing: bare sender ids, the channel only in the events."""
    from sqlalchemy import text

    def user(sender: str, channel: str) -> Dict[str, Any]:
        data = json.dumps({"event": "user", "text": "hi", "input_channel": channel})
        return {"sender": sender, "type": "user", "data": data}

    rows = [
        user("0123456789abcdef0123456789abcdef", "socketio"),
        {"sender": "0123456789abcdef0123456789abcdef", "type": "bot", "data": "{}"},
        user("0123456789abcdef0123456789abcdef", "rest"),  # the attack: a later REST message
        user("555", "telegram"),
        user("telegram:555", "rest"),  # a REST sender that took the name of the Telegram person
        user("shell-user", "cmdline"),
        user("rest:me", "rest"),  # already namespaced
    ]
    with engine.begin() as db:
        db.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), type_name VARCHAR(64), data TEXT)"))
        for number, row in enumerate(rows, 1):
            db.execute(text("INSERT INTO events VALUES (:id, :sender, :type, :data)"), {"id": number, **row})


def senders(engine: Any) -> List[str]:
    from sqlalchemy import text

    with engine.connect() as db:
        return [row[0] for row in db.execute(text("SELECT sender_id FROM events ORDER BY id"))]


def check_migration(engine: Any) -> None:
    from stores.namespace import namespace_conversations

    legacy_events(engine)
    assert namespace_conversations(engine) == 3
    widget = "socketio:0123456789abcdef0123456789abcdef"
    assert senders(engine) == [widget, widget, widget, "telegram:555", "rest:telegram:555", "shell-user", "rest:me"]
    assert namespace_conversations(engine) == 0  # a second run changes nothing


def test_existing_conversations_move_to_their_first_channel_on_sqlite(tmp_path: Path) -> None:
    from sqlalchemy import create_engine

    check_migration(create_engine(f"sqlite:///{tmp_path / 'tracker.db'}", future=True))


def test_existing_conversations_move_to_their_first_channel_on_postgresql(postgres_engine: Any) -> None:
    check_migration(postgres_engine)
