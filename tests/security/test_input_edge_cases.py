"""Finding 5 of #22: input edge cases, each sent as the attacker sent it, against the real bot
(tests/conftest.py `bot`: Rasa + action server on loopback), plus the pieces behind each fix."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict

import pytest
import requests
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.coaching.session import ActionSessionStart
from channels.guard import NO_REPLY_TEXT, InputRejected, check_sender, clean_metadata, clean_text
from tests.actions.conftest import DOMAIN, make_tracker, user_store  # noqa: F401 - user_store: an empty store per test
from tests.browser.test_socket_channel import Widget
from tests.servers import ROOT, Bot

pytestmark = pytest.mark.e2e


def post(bot: Bot, body: str) -> requests.Response:
    """A raw JSON body, exactly as typed (escapes such as \\udcff stay escapes)."""
    return requests.post(
        f"{bot.url}/webhooks/rest/webhook", data=body.encode(), headers={"Content-Type": "application/json"}, timeout=60
    )


def texts(answer: requests.Response) -> list:
    assert answer.status_code == 200, answer.text
    return [m.get("text") for m in answer.json()]


def user_texts(bot: Bot, sender: str) -> list:
    return [e.get("text") for e in bot.tracker(sender, "ALL")["events"] if e.get("event") == "user"]


# --- a lone surrogate -------------------------------------------------------------------------


def test_a_lone_surrogate_gets_an_ordinary_reply_not_an_apology(bot: Bot) -> None:
    sender = bot.new_sender()
    answer = post(bot, json.dumps({"sender": sender, "message": "\udcff"}))  # json.dumps writes "\udcff"
    assert '"\\udcff"' in json.dumps({"message": "\udcff"})
    replies = texts(answer)
    assert replies and NO_REPLY_TEXT not in replies
    assert user_texts(bot, sender)[-1] == "\ufffd"  # stored as the replacement character
    assert NO_REPLY_TEXT not in texts(post(bot, json.dumps({"sender": sender, "message": "my calf \udcff hurts"})))


def test_clean_text_replaces_every_lone_surrogate() -> None:
    assert clean_text("a\udcffb\ud800") == "a\ufffdb\ufffd"
    assert clean_text("\U0001f600") == "\U0001f600"  # a real emoji is untouched


# --- metadata size and keys ---------------------------------------------------------------------


def test_a_megabyte_of_metadata_is_refused_and_nothing_is_saved(bot: Bot) -> None:
    sender = bot.new_sender()
    body = json.dumps({"sender": sender, "message": "hi", "metadata": {"x": "a" * 1_000_000}})
    answer = post(bot, body)
    assert answer.status_code == 413
    assert user_texts(bot, sender) == []


def test_metadata_with_too_many_keys_is_refused(bot: Bot) -> None:
    sender = bot.new_sender()
    answer = post(bot, json.dumps({"sender": sender, "message": "hi", "metadata": {f"k{i}": i for i in range(100)}}))
    assert answer.status_code == 413
    assert user_texts(bot, sender) == []


def test_the_widgets_own_metadata_still_gets_in(bot: Bot) -> None:
    sender = bot.new_sender()
    answer = post(
        bot, json.dumps({"sender": sender, "message": "hi", "metadata": {"language": "en", "timezone": "Europe/Berlin"}})
    )
    assert texts(answer)
    assert user_texts(bot, sender) == ["hi"]


def test_the_widget_refuses_oversized_metadata_too(bot: Bot, page_origin: str) -> None:
    widget = Widget(bot.url, page_origin)
    try:
        session_id = widget.session(None)
        widget.say("hi", session_id, custom_data={"x": "a" * 100_000})  # the widget's metadata: its customData
        refusal = widget.events["bot_uttered"].get(timeout=30)
        assert "metadata" in refusal["text"]
        assert user_texts(bot, session_id) == []
    finally:
        widget.close()


@pytest.mark.parametrize("metadata", [[], "x", {"k": "\udcff"}])
def test_metadata_that_is_not_a_plain_object_is_refused(metadata: Any) -> None:
    with pytest.raises(InputRejected) as refused:
        clean_metadata(metadata)
    assert refused.value.status == 400


# --- sender id ----------------------------------------------------------------------------------


def test_a_sender_id_with_a_trailing_newline_is_refused(bot: Bot) -> None:
    sender = bot.new_sender()
    answer = post(bot, json.dumps({"sender": sender + "\n", "message": "hi"}))
    assert answer.status_code == 400
    assert user_texts(bot, sender) == []


@pytest.mark.parametrize("sender", ["victim\n", "victim\r\n", "\nvictim", "a" * 129, "", "vic tim"])
def test_check_sender_matches_the_whole_id(sender: str) -> None:
    with pytest.raises(InputRejected):
        check_sender(sender)


# --- a typed /session_start ---------------------------------------------------------------------


def test_typing_session_start_gets_a_greeting_not_an_apology(bot: Bot) -> None:
    sender = bot.new_sender()
    assert texts(post(bot, json.dumps({"sender": sender, "message": "hello"})))
    replies = texts(post(bot, json.dumps({"sender": sender, "message": "/session_start"})))
    assert replies and NO_REPLY_TEXT not in replies


def session_start_tracker() -> Any:
    earlier = [{"event": "session_started"}, {"event": "action", "name": "action_listen"}]
    return make_tracker({"body_area": ["calf"]}, text="/session_start", intent="session_start", events=earlier)


async def test_a_typed_session_start_greets_and_starts_a_session() -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionSessionStart().run(dispatcher, session_start_tracker(), DOMAIN)
    assert [m.get("response") for m in dispatcher.messages] == ["utter_greet"]
    assert events == [SessionStarted(), SlotSet("body_area", ["calf"]), ActionExecuted("action_listen")]


async def test_an_expired_session_starts_silently() -> None:
    """Rasa starts the new session before the person's next message: that message gets the reply."""
    tracker = make_tracker(
        {"body_area": ["calf"]}, text="my calf hurts", intent="report_pain", events=[{"event": "session_started"}]
    )
    tracker.events.append({"event": "action", "name": "action_listen"})
    dispatcher = CollectingDispatcher()
    await ActionSessionStart().run(dispatcher, tracker, DOMAIN)
    assert dispatcher.messages == []


# --- embedded databases are private -------------------------------------------------------------


def test_the_user_data_store_is_created_private_whatever_the_umask(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'userdata.db'}"
    code = "import os, sys; os.umask(0o022); from userdata.migrate import upgrade; upgrade(sys.argv[1])"
    env: Dict[str, str] = {**os.environ, "PYTHONPATH": str(ROOT), "USERDATA_URL": url}
    subprocess.run([sys.executable, "-c", code, url], cwd=ROOT, env=env, check=True, timeout=120)
    for path in tmp_path.glob("userdata.db*"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_an_existing_world_readable_store_is_made_private(tmp_path: Path) -> None:
    from privacy.files import private_sqlite

    path = tmp_path / "tracker.db"
    path.write_bytes(b"")
    path.chmod(0o644)
    assert private_sqlite(f"sqlite:///{path}") == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert private_sqlite("postgresql://u@h/db") is None and private_sqlite("sqlite://") is None


def test_make_run_writes_var_with_a_private_umask() -> None:
    """scripts/run.sh starts the servers that create var/tracker.db: umask 077 before the first."""
    script = (ROOT / "scripts" / "run.sh").read_text()
    assert "umask 077" in script
    assert script.index("umask 077") < script.index('"$BIN/rasa" run')
