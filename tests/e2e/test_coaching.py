"""The coach that remembers, over REST: the session log, progress with its chart, welcome back,
reminders and the data rights, through the trained model and the real action server.

Time is injected, never slept: an earlier session is moved back in the user-data store with
SQL, and a reminder is made due by moving its time; the test then polls the tracker.
"""

from __future__ import annotations

import base64
import io
import json
import sqlite3
import time
from typing import Any, Dict, List

import pytest
from PIL import Image

from tests.checks import present
from tests.e2e.replies import has_instructions, is_checklist, is_referral, kinds, payloads, reply
from tests.servers import Bot

pytestmark = pytest.mark.e2e


def userdata_db(bot: Bot) -> sqlite3.Connection:
    return sqlite3.connect(bot.workdir / "userdata.db")


def steps_for(bot: Bot, sender: str, request: str) -> List[Dict[str, Any]]:
    """The request, then "None of these" when the checklist comes: the exercise steps."""
    first = bot.say(sender, request)
    answer = bot.say(sender, "/deny") if is_checklist(first) else first
    assert has_instructions(answer), kinds(answer)
    return answer


def test_steps_invite_a_report_and_a_session_is_logged_with_pain_before_and_after(bot: Bot) -> None:
    sender = bot.new_sender()
    steps = steps_for(bot, sender, "my calves are tight, about a 6 out of 10")
    assert "/report_session" in payloads(steps)
    assert present(reply(steps, "exercise"))["outro"]
    logged = reply(bot.say(sender, "finished, it's a 3 now"), "session_logged")
    assert logged is not None
    assert logged["data"] == {"feeling": "better", "area": "calf", "pain_before": 6, "pain_after": 3}


def test_two_sessions_days_apart_then_progress_with_the_right_numbers_and_chart(bot: Bot) -> None:
    sender = bot.new_sender()
    steps_for(bot, sender, "my calves are tight, pain 6 out of 10")
    assert reply(bot.say(sender, "done, it's a 4 now"), "session_logged")
    with userdata_db(bot) as db:  # the first session was three days ago
        db.execute("UPDATE session_log SET logged_at = datetime(logged_at, '-3 days')")
    steps_for(bot, sender, "my calves are sore again, about a 5")
    assert reply(bot.say(sender, "all done, 2 now"), "session_logged")

    progress = bot.say(sender, "how am I doing?")
    summary = reply(progress, "progress")
    assert summary is not None, kinds(progress)
    assert summary["data"] == {"sessions": 2, "week": 2, "month": 2, "average_before": 5.5, "average_after": 3.0}
    [series] = summary["chart"]["series"]
    assert [(p["before"], p["after"]) for p in series["points"]] == [(6, 4), (5, 2)]
    days = [p["day"] for p in series["points"]]
    assert days[0] < days[1]
    assert summary["chart"]["alt"]  # the text alternative
    image = next(m["image"] for m in progress if m.get("image"))
    assert image.startswith("data:image/png;base64,")
    picture = Image.open(io.BytesIO(base64.b64decode(image.split(",", 1)[1])))
    assert picture.format == "PNG" and picture.size[0] >= 600


def test_a_session_that_felt_worse_gets_the_advice_and_refers_that_area_next_time(bot: Bot) -> None:
    sender = bot.new_sender()
    steps_for(bot, sender, "my neck is stiff")
    worse = reply(bot.say(sender, "it got worse"), "session_worse")
    assert worse is not None and worse["data"]["rule"] == "persistent_or_worsening"
    assert worse["bullets"]  # the store's advice
    again = bot.say(sender, "show me a neck exercise")
    assert is_checklist(again), kinds(again)  # screened again, whatever was cleared before
    answer = bot.say(sender, "/deny")
    assert is_referral(answer) and not has_instructions(answer)
    assert present(reply(answer, "referral"))["data"]["rules"] == ["persistent_or_worsening"]


def test_bad_session_reports_get_a_clear_reply_and_store_nothing(bot: Bot) -> None:
    sender = bot.new_sender()
    assert "session_none" in kinds(bot.say(sender, "done"))
    steps_for(bot, sender, "my feet ache")
    assert not kinds(bot.say(sender, "done, it's 12/10 now"))  # "pain is 0-10": a plain response
    assert "session_rating" in kinds(bot.say(sender, "done"))  # a bare "done": how does it feel?
    assert session_count(bot, sender) == 0  # none of those reports was logged
    assert "session_logged" in kinds(bot.say(sender, '/report_session{"feeling": "same"}'))
    assert session_count(bot, sender) == 1


def session_count(bot: Bot, sender: str) -> int:
    with userdata_db(bot) as db:
        return int(db.execute("SELECT count(*) FROM session_log WHERE user_key = ?", (user_key(sender),)).fetchone()[0])


def test_welcome_back_names_the_last_session(bot: Bot) -> None:
    sender = bot.new_sender()
    steps_for(bot, sender, "my lower back hurts, about a 7")
    assert reply(bot.say(sender, "done, feels better, 4 now"), "session_logged")
    welcome = reply(bot.say(sender, "/session_start"), "welcome_back")
    assert welcome is not None and welcome["data"] == {"area": "lower_back"}
    assert '/ask_exercise{"body_area": "lower_back"}' in [b["payload"] for b in welcome["buttons"]]


def test_progress_for_a_new_user_says_how_to_start(bot: Bot) -> None:
    assert "progress_empty" in kinds(bot.say(bot.new_sender(), "show my progress"))


def wait_for_action(bot: Bot, sender: str, action: str, timeout: float = 30) -> int:
    """How many times `action` ran in the conversation, once it has (polling the tracker)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ran = sum(1 for e in bot.tracker(sender)["events"] if e.get("event") == "action" and e.get("name") == action)
        if ran:
            return ran
        time.sleep(0.2)
    raise AssertionError(f"{action} did not run within {timeout} s")


def test_a_reminder_in_one_minute_fires_through_trigger_intent(bot: Bot) -> None:
    sender = bot.new_sender()
    steps_for(bot, sender, "my calves are tight")
    assert reply(bot.say(sender, "done, feels better"), "session_logged")
    assert "reminder_set" in kinds(bot.say(sender, "remind me in 1 minute"))
    with userdata_db(bot) as db:  # the minute has passed
        db.execute("UPDATE reminders SET due_at = datetime('now', '-1 second') WHERE user_key = ?", (user_key(sender),))
    assert wait_for_action(bot, sender, "action_send_reminder") == 1
    sent = [e for e in bot.tracker(sender)["events"] if e.get("event") == "bot"]
    last = sent[-1]["data"]["custom"]
    assert last["kind"] == "reminder" and last["data"] == {"area": "calf"}
    with userdata_db(bot) as db:
        rows = db.execute("SELECT active, sent_count FROM reminders WHERE user_key = ?", (user_key(sender),)).fetchall()
        assert rows == [(0, 1)]


def test_an_absolute_time_asks_the_time_zone_once(bot: Bot) -> None:
    sender = bot.new_sender()
    asked = bot.say(sender, "remind me every day at 8")
    assert not kinds(asked)  # the question is a plain response of the form
    confirmed = reply(bot.say(sender, "Berlin"), "reminder_set")
    assert confirmed is not None and confirmed["data"]["reminder"]["repeat"] == "daily"
    assert confirmed["data"]["reminder"]["timezone"] == "Europe/Berlin"
    second = reply(bot.say(sender, "remind me on weekdays at lunch"), "reminder_set")  # no second question
    assert second is not None and second["data"]["reminder"]["timezone"] == "Europe/Berlin"
    listed = reply(bot.say(sender, "what reminders do I have?"), "reminders")
    assert listed is not None and len(listed["data"]["reminders"]) == 2
    bot.say(sender, "cancel the daily one")
    listed = present(reply(bot.say(sender, "show my reminders"), "reminders"))
    assert [r["repeat"] for r in listed["data"]["reminders"]] == ["weekdays"]
    bot.say(sender, "stop reminding me")
    assert reply(bot.say(sender, "list my reminders"), "reminders") is None


@pytest.mark.parametrize(
    "request_text",
    ["remind me at 25:99", "remind me every 10 minutes", "remind me yesterday at 5", "remind me every other day at 9"],
)
def test_bad_reminder_requests_store_nothing(bot: Bot, request_text: str) -> None:
    sender = bot.new_sender()
    with userdata_db(bot) as db:
        db.execute("INSERT INTO users (key, channel, timezone, created_at, last_seen_at) VALUES (?, 'rest', 'UTC', ?, ?)",
                   (user_key(sender), "2026-01-01 00:00:00", "2026-01-01 00:00:00"))  # fmt: skip
    answer = bot.say(sender, request_text)
    assert "reminder_set" not in kinds(answer) and answer
    assert reminder_count(bot, sender) == 0


def test_an_unknown_time_zone_stores_nothing(bot: Bot) -> None:
    sender = bot.new_sender()
    bot.say(sender, "remind me tomorrow at 7pm")
    bot.say(sender, "Atlantis")  # asked again
    answer = bot.say(sender, "stop")
    assert "reminder_set" not in kinds(answer)
    assert reminder_count(bot, sender) == 0


def test_more_than_ten_reminders_is_refused(bot: Bot) -> None:
    sender = bot.new_sender()
    for _ in range(10):
        assert "reminder_set" in kinds(bot.say(sender, "remind me in 2 hours"))
    assert "reminder_set" not in kinds(bot.say(sender, "remind me in 3 hours"))
    assert reminder_count(bot, sender) == 10


def user_key(sender: str) -> str:
    import hashlib
    import hmac

    return hmac.new(b"test-key", f"rest:{sender}".encode(), hashlib.sha256).hexdigest()


def reminder_count(bot: Bot, sender: str) -> int:
    with userdata_db(bot) as db:
        return int(db.execute("SELECT count(*) FROM reminders WHERE user_key = ?", (user_key(sender),)).fetchone()[0])


def tracker_rows(bot: Bot, sender: str) -> int:
    with sqlite3.connect(bot.workdir / "tracker.db") as db:
        return int(db.execute("SELECT count(*) FROM events WHERE sender_id = ?", (f"rest:{sender}",)).fetchone()[0])


def someone_else(bot: Bot) -> str:
    """Another person with a logged session: what must stay untouched."""
    other = bot.new_sender()
    steps_for(bot, other, "my hips feel tight")
    bot.say(other, "done, feels better")
    return other


def test_export_holds_the_persons_data_and_nobody_elses(bot: Bot) -> None:
    someone_else(bot)
    sender = bot.new_sender()
    steps_for(bot, sender, "my calves are tight, about a 5")
    bot.say(sender, "done, 3 now")
    bot.say(sender, "remind me in 2 hours")
    export = reply(bot.say(sender, "export my data"), "data_export")
    assert export is not None and export["attachment"]["media_type"] == "application/json"
    document = json.loads(export["attachment"]["content"])
    assert [(s["area"], s["pain_before"], s["pain_after"]) for s in document["sessions"]] == [("calf", 5, 3)]
    assert len(document["reminders"]) == 1
    said = [e["text"] for e in document["conversation"] if e["event"] == "user"]
    assert "done, 3 now" in said and not any("hips" in (t or "") for t in said)


def test_delete_my_data_confirms_then_removes_everything_of_that_person_only(bot: Bot) -> None:
    other = someone_else(bot)
    sender = bot.new_sender()
    steps_for(bot, sender, "my calves are tight")
    bot.say(sender, "done, feels better")
    bot.say(sender, "remind me in 2 hours")
    confirm = reply(bot.say(sender, "delete my data"), "delete_confirm")
    assert confirm is not None and [b["payload"] for b in confirm["buttons"]] == ["/affirm", "/deny"]
    assert tracker_rows(bot, sender) > 0
    bot.say(sender, "/affirm")
    assert tracker_rows(bot, sender) == 0
    with userdata_db(bot) as db:
        assert db.execute("SELECT count(*) FROM users WHERE key = ?", (user_key(sender),)).fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM session_log WHERE user_key = ?", (user_key(sender),)).fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM users WHERE key = ?", (user_key(other),)).fetchone()[0] == 1
    assert reminder_count(bot, sender) == 0
    assert tracker_rows(bot, other) > 0
    fresh = bot.tracker(sender)["events"]
    assert not [e for e in fresh if e.get("event") == "user"]  # the next message starts afresh


def test_no_message_text_reaches_the_server_logs(bot: Bot) -> None:
    sender = bot.new_sender()
    bot.say(sender, "zebraquokka my calves are tight")
    bot.say(sender, "remind me in 2 hours zebraquokka")
    logs = {path.name: path.read_text(errors="replace") for path in bot.workdir.glob("*.log")}
    assert logs and not [name for name, text in logs.items() if "zebraquokka" in text]
