"""Fixtures for tests against the real services (PostgreSQL, Redis, RabbitMQ)."""

from __future__ import annotations

import asyncio
import json
import socket
import uuid
from typing import Any, Callable, Dict, Iterator, List

import aio_pika
import pytest
from sqlalchemy.engine import Engine

from tests.conftest import require_service


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def new_redis_prefix() -> str:
    if not reachable("127.0.0.1", 6379):
        require_service("Redis on 127.0.0.1:6379")
    return f"tpc{uuid.uuid4().hex[:8]}"


@pytest.fixture()
def redis_prefix() -> str:
    return new_redis_prefix()


def new_rabbitmq_queue() -> str:
    if not reachable("127.0.0.1", 5672):
        require_service("RabbitMQ on 127.0.0.1:5672")
    return f"tpc_test_{uuid.uuid4().hex[:8]}"


RABBITMQ: Dict[str, Any] = {"host": "127.0.0.1", "port": 5672, "login": "guest", "password": "guest"}  # the CI default


def broker_section(queue: str) -> str:
    """endpoints.yml lines for Rasa's pika event broker publishing to `queue`."""
    return (
        f"event_broker:\n  type: pika\n  url: {RABBITMQ['host']}\n  port: {RABBITMQ['port']}\n"
        f"  username: {RABBITMQ['login']}\n  password: {RABBITMQ['password']}\n  queues:\n    - {queue}\n"
    )


async def drain(queue_name: str, until: Callable[[dict], bool], timeout: float = 30) -> List[dict]:
    """Events from the queue, consumed, until one matches `until` (or the timeout)."""
    connection = await aio_pika.connect_robust(**RABBITMQ)
    events: List[dict] = []
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
    return events


async def delete_queue(queue_name: str) -> None:
    connection = await aio_pika.connect_robust(**RABBITMQ)
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(queue_name)


def tracker_section(engine: Engine) -> str:
    """endpoints.yml lines for a SQL tracker store in `engine`'s PostgreSQL database."""
    url = engine.url
    return (
        "tracker_store:\n  type: stores.tracker_store.ForgettingSQLTrackerStore\n  dialect: postgresql\n"
        f"  url: {url.host}\n  port: {url.port or 5432}\n  db: {url.database}\n  username: {url.username}\n"
    )


@pytest.fixture()
def tracker_db(postgres_engine: Engine) -> Iterator[str]:
    """endpoints.yml lines for a SQL tracker store in a fresh PostgreSQL database."""
    yield tracker_section(postgres_engine)
