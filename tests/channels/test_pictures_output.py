"""The body map and the placement pictures in every channel (issue #24), against the fake APIs:
Telegram sends a photo, Slack uploads a file, the widget gets an image (the body map as SVG with
one zone per area carrying its button's payload), REST carries the picture in `custom`."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote
from xml.etree import ElementTree

import pytest

from channels.rest import RestOutput
from channels.slack import SecureSlackBot
from channels.socketio import WebchatOutput
from channels.telegram import SecureTelegramOutput
from replies import pictures
from replies.model import Button, Fact, Picture, Reply, Timer, ZoneLabel
from tests.channels.fakes import FakeSlackApi, FakeTelegramApi
from tests.channels.test_webchat_and_rest_output import FakeSocket
from tests.checks import present

TOKEN = "123456789:AAunit-test-token"
PNG = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def picture_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PICTURE_CACHE_DIR", str(tmp_path / "pictures"))
    monkeypatch.setattr(pictures, "_memory", {})


def inform(area: str) -> str:
    return '/inform{"body_area": "' + area + '"}'


def body_map_reply() -> Reply:
    figure, _ = pictures.figure_data()
    # fmt: off
    zones = tuple(ZoneLabel(n, z.area, z.area.replace("_", " ").capitalize(), inform(z.area)) for n, z in enumerate(figure.zones, 1))  # noqa: E501
    # fmt: on
    alt = "A body outline with numbered areas: " + ", ".join(f"{z.number} {z.name}" for z in zones) + "."
    buttons = (Button("Neck", inform("neck")), Button("Calf", inform("calf")))
    picture = Picture("body_map", alt, zones=zones)
    return Reply(kind="ask_area", intro="Which part is bothering you?", buttons=buttons, picture=picture)


STEPS = ("Sit on the floor with the working leg straight & the other knee bent.", "Roll slowly.")
PLACEMENT_REPLY = Reply(
    kind="exercise",
    title="Calf: calf ball roll",
    steps=STEPS,
    facts=(Fact("Hold", "10-20 s per tender spot"),),
    buttons=(Button("Done", "/report_session"),),
    picture=pictures.placement_picture("calf_ball_roll", "calf", "Calf ball roll", STEPS),
    timer=Timer(15, "Start a 15 s timer", "Time's up (ease off)."),
)


@pytest.fixture()
def telegram_api() -> Iterator[FakeTelegramApi]:
    api = FakeTelegramApi()
    api.start()
    yield api
    api.stop()


@pytest.fixture()
def slack_api() -> Iterator[FakeSlackApi]:
    api = FakeSlackApi()
    api.start()
    yield api
    api.stop()


def test_the_placement_alt_is_the_exercise_position_sentence() -> None:
    assert PLACEMENT_REPLY.picture is not None and PLACEMENT_REPLY.picture.alt == STEPS[0]


async def test_telegram_sends_the_body_map_as_a_photo_with_numbered_zones_then_the_buttons(telegram_api: FakeTelegramApi) -> None:
    reply = body_map_reply()
    out = SecureTelegramOutput(TOKEN, telegram_api.url)
    try:
        await out.send_reply("42", reply)
    finally:
        await out.close_session()
    photo, text = [c for c in telegram_api.calls if c.method in ("sendPhoto", "sendMessage")]
    assert photo.method == "sendPhoto" and photo.params["photo"].startswith(PNG)
    assert photo.params["caption"] == present(reply.picture).alt and "15 Foot" in photo.params["caption"]
    assert text.method == "sendMessage" and "Which part is bothering you?" in text.params["text"]
    keyboard = text.json_param("reply_markup")["inline_keyboard"]
    assert [key["text"] for row in keyboard for key in row] == ["Neck", "Calf"]


async def test_telegram_sends_the_placement_picture_as_a_photo_and_keeps_the_hold_as_text(telegram_api: FakeTelegramApi) -> None:
    out = SecureTelegramOutput(TOKEN, telegram_api.url)
    try:
        await out.send_reply("42", PLACEMENT_REPLY)
    finally:
        await out.close_session()
    [photo] = telegram_api.matching(lambda c: c.method == "sendPhoto")
    assert photo.params["photo"].startswith(PNG) and photo.params["caption"] == STEPS[0]
    [text] = telegram_api.matching(lambda c: c.method == "sendMessage")
    assert "10-20 s per tender spot" in text.params["text"] and "timer" not in text.params["text"]


async def test_slack_uploads_the_body_map_and_the_placement_picture_as_files(slack_api: FakeSlackApi) -> None:
    bot = SecureSlackBot("xoxb-unit", None, api_url=f"{slack_api.url}/api/")
    reply = body_map_reply()
    await bot.send_reply("U1", reply)
    await bot.send_reply("U1", PLACEMENT_REPLY)
    body_map, placement = slack_api.uploads()
    assert body_map.body.startswith(PNG) and placement.body.startswith(PNG)
    completed = slack_api.matching(lambda c: c.method == "files.completeUploadExternal")
    assert [c.params["initial_comment"] for c in completed] == [present(reply.picture).alt, STEPS[0].replace("&", "&amp;")]
    posts = slack_api.matching(lambda c: c.method == "chat.postMessage")
    actions = [b for b in posts[0].json_param("blocks") if b["type"] == "actions"]
    assert [e["value"] for e in actions[0]["elements"]] == [inform("neck"), inform("calf")]
    assert "timer" not in str(posts[1].params)


async def test_the_widget_gets_the_body_map_as_svg_zones_that_send_their_buttons_payload() -> None:
    socket = FakeSocket()
    reply = body_map_reply()
    await WebchatOutput(socket, "bot_uttered").send_response("room1", {"text": "x", "custom": reply.to_json()})
    sent = [e["data"] for e in socket.emitted]
    assert sent[0]["text"] == "Which part is bothering you?"
    source = sent[1]["attachment"]["payload"]["src"]
    assert source.startswith("data:image/svg+xml;base64,")
    svg = ElementTree.fromstring(base64.b64decode(source.split(",", 1)[1]))  # noqa: S314 - our own SVG, from the test
    assert svg.get("aria-label") == present(reply.picture).alt
    zones = svg.findall(f".//{SVG}g[@class='tpc-zone']")
    assert len(zones) == 15
    by_area = {z.get("data-area"): z for z in zones}
    assert by_area["calf"].get("data-payload") == inform("calf") and by_area["calf"].get("data-name") == "Calf"
    assert by_area["calf"].findtext(f"{SVG}title") == f"{present(reply.picture).zones[13].number} Calf"
    assert [q["payload"] for q in sent[-1]["quick_replies"]] == [inform("neck"), inform("calf")]


async def test_the_widget_gets_the_placement_picture_its_alt_and_a_timer_link() -> None:
    socket = FakeSocket()
    await WebchatOutput(socket, "bot_uttered").send_response("room1", {"text": "x", "custom": PLACEMENT_REPLY.to_json()})
    sent = [e["data"] for e in socket.emitted]
    [index] = [i for i, m in enumerate(sent) if "attachment" in m]
    assert index == 1 and sent[0]["text"].startswith("**Calf: calf ball roll**")  # under the title, before the steps
    assert sent[index]["attachment"]["payload"]["src"].startswith("data:image/png;base64,")
    assert sent[index + 1]["text"] == "_Sit on the floor with the working leg straight & the other knee bent._"
    assert sent[index + 2]["text"].startswith("1. Sit on the floor")
    [timer] = [m["text"] for m in sent if "tpc-timer" in m.get("text", "")]
    match = re.fullmatch(r"\[Start a 15 s timer\]\(#tpc-timer:15:([^)\s]+)\)", timer)
    assert match and unquote(match.group(1)) == "Time's up (ease off)."
    assert sent[-1]["quick_replies"][0]["payload"] == "/report_session"


async def test_rest_carries_the_picture_as_data_in_custom() -> None:
    out = RestOutput()
    await out.send_response("u1", {"text": "x", "custom": PLACEMENT_REPLY.to_json()})
    [message] = out.messages
    image = message["custom"]["picture"]["image"]
    assert image.startswith("data:image/png;base64,") and base64.b64decode(image.split(",", 1)[1]).startswith(PNG)
    assert message["image"] == image
    assert message["custom"]["picture"]["alt"] == STEPS[0] and message["custom"]["timer"]["seconds"] == 15
