"""Fixtures for tests against the real services (PostgreSQL, Redis, RabbitMQ)."""

from __future__ import annotations

import socket
import uuid
from typing import Iterator

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


@pytest.fixture()
def rabbitmq() -> str:
    return new_rabbitmq_queue()


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
