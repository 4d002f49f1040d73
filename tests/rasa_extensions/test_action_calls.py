"""rasa_extensions/action_calls.py: the body of an action-server call written by ujson, read back the same."""

from __future__ import annotations

import json
import math
from typing import Any, Dict

import pytest
from aiohttp import web
from rasa.utils.endpoints import EndpointConfig

import rasa_extensions
from rasa_extensions.action_calls import request_body

BODY: Dict[str, Any] = {
    "next_action": "action_request_hands_on",
    "sender_id": "rest:ab/12",
    "tracker": {
        "events": [
            {"event": "user", "text": "me duele 😣 — 7/10", "parse_data": {"intent": {"confidence": 0.8312345678901234}}},
            {"event": "slot", "name": "body_area", "value": ["lower_back"], "timestamp": 1765000000.123456},
            {"event": "action", "name": "action_listen", "policy": None, "confidence": 1.0},
        ],
        "slots": {"pain_level": 7, "checklist_items": [], "opened": True},
    },
    "domain": {"responses": {"utter_greet": [{"text": "Hi! </script> \"quoted\" \\ path/to"}]}},
}


@pytest.fixture(scope="module", autouse=True)
def installed() -> None:
    assert rasa_extensions.install()


def test_the_body_reads_back_as_the_json_module_writes_it() -> None:
    assert json.loads(request_body(BODY)) == json.loads(json.dumps(BODY)) == BODY


def test_nan_and_unknown_types_go_as_with_the_json_module() -> None:
    assert math.isnan(json.loads(request_body({"x": math.nan}))["x"])  # the json module writes NaN too
    with pytest.raises(TypeError, match="not JSON serializable"):
        request_body({"x": object()})


async def test_a_call_sends_the_body_written_by_ujson() -> None:
    received = []

    async def webhook(request: web.Request) -> web.Response:
        received.append(await request.text())
        return web.json_response({"events": [], "responses": []})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        session = endpoint.session()
        assert session.json_serialize is request_body
        await session.close()
        assert await endpoint.request(json=BODY, method="post") == {"events": [], "responses": []}
    finally:
        await runner.cleanup()
    assert received == [request_body(BODY)] and json.loads(received[0]) == BODY


def test_installing_twice_wraps_once() -> None:
    first = EndpointConfig.session
    assert rasa_extensions.install()
    assert EndpointConfig.session is first
