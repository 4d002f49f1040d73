"""Optional event broker: with RabbitMQ configured (pika), conversation events are
published to the queue."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Callable

import aio_pika
import pytest

from tests.servers import action_server, base_env, free_port, rasa_server, say, sqlite_tracker, write_endpoints

pytestmark = [pytest.mark.e2e, pytest.mark.services]


async def drain(queue_name: str, until: Callable[[dict], bool], timeout: float = 30) -> list:
    """Events from the queue until one matches `until` (or the timeout)."""
    connection = await aio_pika.connect_robust(host="127.0.0.1", port=5672, login="guest", password="guest")  # CI default
    events = []
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(queue_name, durable=True)
        deadline = asyncio.get_running_loop().time() + timeout
        while not any(until(e) for e in events) and asyncio.get_running_loop().time() < deadline:
            message = await queue.get(no_ack=True, fail=False)
            if message is None:
                await asyncio.sleep(0.2)
                continue
            events.append(json.loads(message.body))
        await queue.delete(if_unused=False, if_empty=False)
    return events


def test_events_reach_rabbitmq(tmp_path: Path, knowledge_db_url: str, rabbitmq: str) -> None:
    env = base_env(DATABASE_URL=knowledge_db_url)
    action_port, rasa_port = free_port(), free_port()
    broker = (
        "event_broker:\n  type: pika\n  url: 127.0.0.1\n  port: 5672\n  username: guest\n  password: guest\n"
        f"  queues:\n    - {rabbitmq}\n"
    )
    endpoints = write_endpoints(tmp_path, action_port, sqlite_tracker(tmp_path), broker)
    actions = action_server(tmp_path, action_port, env).start()
    rasa = rasa_server(tmp_path, rasa_port, endpoints, env).start()
    try:
        say(f"http://127.0.0.1:{rasa_port}", "broker-user", "hi")
        events = asyncio.run(drain(rabbitmq, until=lambda e: e.get("event") == "user"))
        assert any(e.get("event") == "user" and e.get("text") == "hi" for e in events), events
        assert all(e.get("sender_id") == "broker-user" for e in events)
    finally:
        rasa.stop()
        actions.stop()
