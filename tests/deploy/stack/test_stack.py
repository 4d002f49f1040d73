"""The compose stack, through nginx (TLS): 2 Rasa replicas, 2 action servers, PostgreSQL, Redis,
fake Telegram and Slack APIs on the compose network. The tests run in this order and share the
stack; each one leaves it serving. Figures (no asserts on them) go to reports/deploy.json; the
throughput with 2 and 1 Rasa replicas is a measurement, not a test: bench/deploy_throughput.py.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import re
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, Dict, List

import requests

from tests.deploy.harness import ROOT, check_no_secret_in_command_lines, poll, run
from tests.deploy.stack.conftest import ComposeStack


def test_a_conversation_through_nginx_reaches_the_steps(stack: ComposeStack) -> None:
    sender = f"rest-{uuid.uuid4().hex[:8]}"
    checklist = stack.say(sender, "my lower back hurts")
    assert any(b.get("payload") == "/deny" for m in checklist for b in m.get("buttons") or []), checklist
    steps = stack.say(sender, "/deny")
    assert any((m.get("custom") or {}).get("steps") for m in steps), steps
    # every event is in PostgreSQL (the tracker store), whichever replica served each turn
    assert stack.user_texts(sender) == ["my lower back hurts", "/deny"]


def test_only_the_public_routes_are_exposed(stack: ComposeStack) -> None:
    s = stack.session()
    for path in ("/", "/status", "/version", "/conversations/x/tracker", "/model/parse"):
        assert s.get(stack.url + path, timeout=10).status_code == 404, path
    assert s.get(stack.url + "/webhooks/rest/", timeout=10).status_code == 200
    unknown = s.get(stack.url + "/webhooks/socketio/export/not-a-token", timeout=10)  # routed to Rasa, GET only
    assert unknown.status_code == 404 and "expired" in unknown.json()["error"], unknown.text[:200]
    assert s.post(stack.url + "/webhooks/socketio/export/not-a-token", timeout=10).status_code == 403
    too_big = json.dumps({"sender": "big", "message": "x" * 20_000})
    assert (
        s.post(stack.url + "/webhooks/rest/webhook", data=too_big, headers={"Content-Type": "application/json"}).status_code
        == 413
    )
    telegram_bomb = b'{"update_id": 1, "padding": "' + b"x" * 70_000 + b'"}'
    assert s.post(stack.url + "/webhooks/telegram/webhook", data=telegram_bomb).status_code == 413
    # plain http is not served on the TLS port
    assert requests.get(f"http://127.0.0.1:{stack.port}/webhooks/rest/", timeout=10, proxies={"http": ""}).status_code == 400


def test_no_secret_is_in_any_command_line(stack: ComposeStack) -> None:
    check_no_secret_in_command_lines(stack, ("lb", "rasa", "actions", "actions-lb", "postgres", "redis", "prometheus"))


# -- Telegram ----------------------------------------------------------------------------------


def telegram_update(chat_id: int, text: str) -> Dict[str, Any]:
    return {
        "update_id": random.randint(10**8, 9 * 10**8),
        "message": {
            "message_id": random.randint(1, 10**6),
            "from": {"id": chat_id, "is_bot": False, "first_name": "Test"},
            "chat": {"id": chat_id, "first_name": "Test", "type": "private"},
            "date": int(time.time()),
            "text": text,
        },
    }


def telegram_headers(secret: str) -> Dict[str, str]:
    return {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret}


def sent_to(stack: ComposeStack, chat_id: int) -> List[Dict[str, Any]]:
    return [
        c for c in stack.fake_calls("telegram") if c["method"] == "sendMessage" and c["params"].get("chat_id") == str(chat_id)
    ]


def test_telegram_through_nginx_answers_the_real_one_and_refuses_a_forgery(stack: ComposeStack) -> None:
    secret = os.environ["TELEGRAM_SECRET_TOKEN"]
    s = stack.session()
    assert any(c["method"] == "setWebhook" for c in stack.fake_calls("telegram"))  # registered at start-up
    forged_chat, chat = random.randint(10**9, 2 * 10**9), random.randint(10**9, 2 * 10**9)
    url = stack.url + "/webhooks/telegram/webhook"
    forged = s.post(url, data=json.dumps(telegram_update(forged_chat, "hello")), headers=telegram_headers("not-the-secret"))
    assert forged.status_code == 403
    unsigned = s.post(url, data=json.dumps(telegram_update(forged_chat, "hello")), headers={"Content-Type": "application/json"})
    assert unsigned.status_code == 403
    answer = s.post(url, data=json.dumps(telegram_update(chat, "my lower back hurts")), headers=telegram_headers(secret))
    assert answer.status_code == 200 and answer.text == "success"
    replies = sent_to(stack, chat)  # Telegram updates are handled before the webhook answers
    assert replies and all(c["credential"] == os.environ["TELEGRAM_ACCESS_TOKEN"] for c in replies)
    assert any("reply_markup" in c["params"] for c in replies)  # the checklist's buttons
    assert sent_to(stack, forged_chat) == [] and stack.user_texts(f"telegram:{forged_chat}") == []


def test_rest_through_nginx_needs_its_token_and_never_reaches_a_telegram_person(stack: ComposeStack) -> None:
    """Issue #22 finding 1: a Telegram chat id sent over REST, bare or with its channel's prefix,
    neither exports nor deletes that person's conversation."""
    secret = os.environ["TELEGRAM_SECRET_TOKEN"]
    chat = random.randint(10**9, 2 * 10**9)
    url = stack.url + "/webhooks/telegram/webhook"
    said = stack.session().post(url, data=json.dumps(telegram_update(chat, "my neck is stiff")), headers=telegram_headers(secret))
    assert said.status_code == 200 and said.text == "success"
    before = stack.user_texts(f"telegram:{chat}")
    assert before == ["my neck is stiff"]
    rest = stack.url + "/webhooks/rest/webhook"
    anonymous = requests.Session()
    anonymous.verify, anonymous.trust_env = stack.ca, False
    assert anonymous.post(rest, json={"sender": str(chat), "message": "export my data"}, timeout=30).status_code == 401
    for forged in (str(chat), f"telegram:{chat}"):
        export = stack.say(forged, "export my data")
        assert "my neck is stiff" not in json.dumps(export)
        stack.say(forged, "delete my data")
        stack.say(forged, "/affirm")
    assert stack.user_texts(f"telegram:{chat}") == before


def test_telegram_retry_on_the_other_replica_is_not_answered_twice(stack: ComposeStack) -> None:
    secret = os.environ["TELEGRAM_SECRET_TOKEN"]
    replicas = stack.containers("rasa")
    assert len(replicas) == 2
    chat = random.randint(10**9, 2 * 10**9)
    body = json.dumps(telegram_update(chat, "hello")).encode()
    with ThreadPoolExecutor(2) as pool:  # the same update at the same moment, one per replica
        outcomes = list(
            pool.map(lambda c: stack.post_inside(c, "/webhooks/telegram/webhook", body, telegram_headers(secret)), replicas)
        )
    assert sorted(o["body"] for o in outcomes) == ["duplicate", "success"], outcomes
    assert stack.user_texts(f"telegram:{chat}") == ["hello"]
    # a single delivery of the same text makes as many replies as this one did
    control = random.randint(10**9, 2 * 10**9)
    single = stack.post_inside(
        replicas[0],
        "/webhooks/telegram/webhook",
        json.dumps(telegram_update(control, "hello")).encode(),
        telegram_headers(secret),
    )
    assert single["body"] == "success"
    assert len(sent_to(stack, chat)) == len(sent_to(stack, control)) > 0


# -- Slack -------------------------------------------------------------------------------------


def slack_event(user: str, channel: str, text: str, event_id: str = "") -> bytes:
    ts = f"{time.time():.6f}"
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": "T0TEAM",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
            "event": {
                "type": "message",
                "user": user,
                "text": text,
                "ts": ts,
                "event_ts": ts,
                "channel": channel,
                "channel_type": "im",
            },
            "authorizations": [{"team_id": "T0TEAM", "user_id": "UBOTUSER01", "is_bot": True}],
        }
    ).encode()


def slack_headers(body: bytes, secret: str, timestamp: int = 0) -> Dict[str, str]:
    stamp = str(timestamp or int(time.time()))
    digest = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def posted_to(stack: ComposeStack, channel: str) -> List[Dict[str, Any]]:
    return [c for c in stack.fake_calls("slack") if c["method"] == "chat.postMessage" and c["params"].get("channel") == channel]


def test_slack_through_nginx_answers_signed_events_and_refuses_forged_ones(stack: ComposeStack) -> None:
    secret = os.environ["SLACK_SIGNING_SECRET"]
    s = stack.session()
    url = stack.url + "/webhooks/slack/webhook"
    user, dm = f"U{uuid.uuid4().hex[:8].upper()}", f"D{uuid.uuid4().hex[:8].upper()}"
    body = slack_event(user, dm, "hello")
    assert s.post(url, data=body, headers=slack_headers(body, "not-the-secret")).status_code == 403
    assert s.post(url, data=body, headers=slack_headers(body, secret, int(time.time()) - 600)).status_code == 403  # stale
    assert s.post(url, data=body, headers={"Content-Type": "application/json"}).status_code == 403
    assert stack.user_texts(f"slack:{user}") == []
    answer = s.post(url, data=body, headers=slack_headers(body, secret))
    assert answer.status_code == 200
    replies = poll("the Slack reply", lambda: posted_to(stack, dm), timeout=60)
    assert all(c["credential"] == os.environ["SLACK_BOT_TOKEN"] for c in replies)
    assert poll("the Slack message saved", lambda: stack.user_texts(f"slack:{user}") == ["hello"], timeout=60)


def test_slack_retry_on_the_other_replica_is_not_answered_twice(stack: ComposeStack) -> None:
    secret = os.environ["SLACK_SIGNING_SECRET"]
    replicas = stack.containers("rasa")
    user, dm = f"U{uuid.uuid4().hex[:8].upper()}", f"D{uuid.uuid4().hex[:8].upper()}"
    body = slack_event(user, dm, "hello")
    first = stack.post_inside(replicas[0], "/webhooks/slack/webhook", body, slack_headers(body, secret))
    retry_headers = {**slack_headers(body, secret), "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}
    retry = stack.post_inside(replicas[1], "/webhooks/slack/webhook", body, retry_headers)
    assert (first["status"], first["body"]) == (200, "")
    assert (retry["status"], retry["body"]) == (200, "duplicate")
    # barrier: a later message of the same person is answered after anything the first could cause
    thanks = slack_event(user, dm, "thanks")
    assert stack.post_inside(replicas[1], "/webhooks/slack/webhook", thanks, slack_headers(thanks, secret))["body"] == ""
    assert poll("both messages saved", lambda: stack.user_texts(f"slack:{user}") == ["hello", "thanks"], timeout=90)


# -- the widget -----------------------------------------------------------------------------


def test_the_widget_through_nginx_keeps_one_replica_per_socket_and_its_history_on_reload(stack: ComposeStack) -> None:
    """Headless Chromium, the demo page (scripts/serve_web.py on loopback) and the widget's
    socket.io long-polling through nginx. A polling session lives in one Rasa replica: with two
    running, it only works if nginx pins it (ip_hash), which its log shows."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import BUNDLE, CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, Chat, PageGuards

    assert CHROMIUM.exists() and BUNDLE.is_file(), "make browser-deps web/node_modules"
    assert len(stack.containers("rasa")) == 2
    web_port = os.environ["TPC_WEB_PORT"]
    page_url = f"http://127.0.0.1:{web_port}/"
    argv = [sys.executable, "-m", "scripts.serve_web", "--host", "127.0.0.1", "--port", web_port]
    server = subprocess.Popen([*argv, "--socket-url", f"https://localhost:{stack.port}"], cwd=ROOT)
    try:
        poll("the demo page", lambda: requests.get(page_url, timeout=2, proxies={"http": ""}).status_code == 200, timeout=30)
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            try:
                context = chromium.new_context(ignore_https_errors=True)  # nginx's certificate: the test's own CA
                page = context.new_page()
                page.set_default_timeout(TIMEOUT_MS)
                guards = PageGuards()
                page.on("pageerror", lambda error: guards.errors.append(str(error)))
                page.goto(page_url)
                chat = Chat(page, guards)
                chat.wait_for_bot("Tell me where it feels tight")
                chat.type_message("my lower back hurts")
                chat.wait_for_bot("Quick safety check")
                chat.reply_button("None of these").wait_for(timeout=TIMEOUT_MS)
                before = chat.bot_count()
                chat.reply_button("None of these").click()
                chat.wait_for_more_bot_messages(than=before)
                chat.wait_for_bot("Safety:")
                chat.wait_until_idle()
                assert page.locator(f"{Chat.BOT_TEXT} ol > li").count() >= 3  # the steps
                session_id = chat.session_id()
                assert session_id
                history = chat.bot_texts()
                page.reload()
                chat.wait_for_bot("Safety:")
                assert chat.session_id() == session_id and chat.bot_texts() == history
                before = chat.bot_count()
                chat.type_message("thanks")
                chat.wait_for_more_bot_messages(than=before)
                # issue #22 finding 4: the export link points at nginx (RASA_PUBLIC_URL) and works once
                before = chat.bot_count()
                chat.type_message("export my data")
                chat.wait_for_more_bot_messages(than=before)
                link = page.locator(f"{Chat.BOT_TEXT} a", has_text="my-data.json").last
                link.wait_for(timeout=TIMEOUT_MS)
                export_url = link.get_attribute("href") or ""
                guards.check()
                context.close()
            finally:
                chromium.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    conversation = f"socketio:{session_id}"
    texts = poll("the conversation saved", lambda: (t := stack.user_texts(conversation)) and t[-1] == "export my data" and t)
    assert "my lower back hurts" in texts and "/deny" in texts
    assert export_url.startswith(f"{os.environ['RASA_PUBLIC_URL']}/webhooks/socketio/export/"), export_url
    download = stack.session().get(export_url, timeout=30)  # through nginx, to any replica
    assert download.status_code == 200, (download.status_code, download.text[:200])
    assert download.headers["Content-Disposition"].startswith("attachment")
    said = [e["text"] for e in download.json()["conversation"] if e["event"] == "user"]
    assert "my lower back hurts" in said and "thanks" in said
    assert stack.session().get(export_url, timeout=30).status_code == 404  # one download only
    log = stack.compose("logs", "--no-color", "lb")
    socket_upstreams = set(re.findall(r'"\w+ /socket\.io/[^"]*" \d+ \d+ rt=\S+ up=(\S+)', log))
    rest_upstreams = set(re.findall(r'"POST /webhooks/rest/webhook[^"]*" 200 \d+ rt=\S+ up=(\S+)', log))
    stack.figures["widget"] = {"socket_upstreams": len(socket_upstreams), "rest_upstreams": len(rest_upstreams)}
    assert len(socket_upstreams) == 1, socket_upstreams  # every polling request of the session: one replica
    assert len(rest_upstreams) == 2, rest_upstreams  # while REST turns went to both


# -- limits --------------------------------------------------------------------------------------


def test_a_burst_over_the_rate_limit_gets_429_and_the_stack_keeps_serving(stack: ComposeStack) -> None:
    def hit(_: int) -> int:
        return stack.session().get(stack.url + "/webhooks/rest/", timeout=30).status_code

    with ThreadPoolExecutor(20) as pool:
        statuses = list(pool.map(hit, range(120)))
    stack.figures["burst"] = {"requests": len(statuses), "ok": statuses.count(200), "429": statuses.count(429)}
    assert statuses.count(429) > 0, statuses
    assert set(statuses) <= {200, 429}, statuses
    assert statuses.count(200) >= 20  # the burst allowance
    sender = f"after-burst-{uuid.uuid4().hex[:6]}"
    assert poll("a conversation after the burst", lambda: stack.say(sender, "my lower back hurts"), timeout=30)


# -- restarts under load ---------------------------------------------------------------------------

MEASURE_LIMITS = ROOT / "tests" / "deploy" / "limits-measure.conf"


def use_limits(stack: ComposeStack, limits: str) -> None:
    """Recreate nginx with another limits file (its only change), and wait until it serves."""
    stack.compose("up", "-d", "--no-deps", "--no-build", "lb", env={"NGINX_LIMITS": limits})
    poll("nginx serving", lambda: stack.session().get(stack.url + "/webhooks/rest/", timeout=5).status_code == 200, timeout=60)


def is_healthy(stack: ComposeStack, container: str) -> bool:
    return stack.health(container) == "healthy"


def test_rolling_restart_of_the_action_servers_under_load_fails_no_turn(stack: ComposeStack) -> None:
    use_limits(stack, str(MEASURE_LIMITS))  # one client address: the per-client limits would refuse the load
    restarted = []
    with stack.under_load(4, 200) as load:
        for container in stack.containers("actions"):
            run([stack.docker, "restart", "-t", "30", container], timeout=120)
            restarted.append(container)
            poll(f"action server {container[:12]} healthy again", partial(is_healthy, stack, container), timeout=120)
    turns = load.turns
    failed = [t for t in turns if not t.ok]
    stack.figures["rolling_restart"] = {
        "restarted": len(restarted),
        "turns": len(turns),
        "failed": len(failed),
        "seconds": round(load.seconds, 1),
    }
    assert len(restarted) == 2
    assert len(turns) >= 40, "the load hardly ran during the restarts"
    assert not failed, [t.detail for t in failed[:5]]


def test_a_rasa_replica_killed_mid_conversation_loses_nothing(stack: ComposeStack) -> None:
    sender = f"kill-{uuid.uuid4().hex[:8]}"
    assert stack.say(sender, "my lower back hurts")
    victim = stack.containers("rasa")[-1]
    run([stack.docker, "kill", victim])
    steps = stack.say(sender, "/deny")  # nginx skips the dead replica
    assert any((m.get("custom") or {}).get("steps") for m in steps), steps
    assert stack.say(sender, "thanks")
    assert stack.user_texts(sender) == ["my lower back hurts", "/deny", "thanks"]
    sql = f"SELECT count(*) FROM events WHERE sender_id = 'rest:{sender}' AND type_name = 'bot'"  # noqa: S608 - a generated test id
    bot_turns = stack.psql(sql)
    assert int(bot_turns[0]) >= 3


def test_the_images_run_as_non_root_with_no_secret_in_their_layers(stack: ComposeStack) -> None:
    image = os.environ["TPC_IMAGE"]
    assert run([stack.docker, "image", "inspect", "-f", "{{.Config.User}}", image]).strip() == "10001:10001"
    history = run([stack.docker, "history", "--no-trunc", "--format", "{{.CreatedBy}}", image])
    for name, value in stack.secrets().items():
        assert value not in history, name
    # the CA handed to pip as a build secret is in no layer
    listing = subprocess.run(
        [stack.docker, "run", "--rm", "--entrypoint", "sh", image, "-c", "ls /run/secrets 2>/dev/null | wc -l; id -u"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert listing.stdout.split() == ["0", "10001"]
