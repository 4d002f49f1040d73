"""Every environment variable the bot reads, in one place, with its default and meaning.

Modules never read `os.environ` themselves: they call `settings()`, which reads the environment
once per process, on first use (never at import time). A value that does not parse (a word where
a number is expected) is logged and its default used, as before; secrets are never logged.
Values are stripped of surrounding blanks, except the two used byte for byte (BYTE_EXACT).
The README's configuration table is generated from this class (`python -m scripts.settings_table`),
and tests/quality/test_settings.py checks that it matches and that no other module reads the
environment. Variables read only by the launch scripts or by Rasa from endpoints.production.yml
are here too, so the table is complete.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from pydantic import BaseSettings, Field, ValidationError, validator
from pydantic.fields import ModelField

logger = logging.getLogger(__name__)

LOCAL_RASA_URL = "http://127.0.0.1:5005"
TRUTHY = frozenset({"1", "true", "yes", "on"})
#: used as given, never stripped: the user-data key makes the pseudonyms, so it must not change
BYTE_EXACT = frozenset({"userdata_key", "redis_password"})


def flag(value: Any) -> bool:
    """The one boolean parser: true, yes, on or 1 (any case) is on; anything else is off."""
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in TRUTHY


class Settings(BaseSettings):
    # the conversation
    screening_valid_days: float = Field(7.0, description="after this many days the safety screening is asked again")
    # the channels (Rasa process)
    max_message_chars: int = Field(2000, ge=1, description="longer messages get a 4xx before any processing")
    rasa_public_url: str = Field("", description="base of the widget's one-time data-export links (default: `RASA_URL`)")
    dedupe_redis_url: str = Field(
        "", description="Redis where Telegram/Slack retries are answered once across replicas (empty: per process)"
    )
    telegram_access_token: str = Field("", description="Telegram bot token (empty = Telegram off)")
    telegram_secret_token: str = Field("", description="Telegram webhook secret (empty = Telegram off)")
    telegram_bot_name: str = Field("", description="Telegram bot username, without `@`")
    telegram_webhook_url: str = Field("", description="public Telegram webhook URL (registered at start-up)")
    telegram_api_url: str = Field("", description="Telegram API base URL (default: official; https only, except loopback)")
    rest_auth_token: str = Field("", description="bearer token the REST channel requires (empty: open, as on `make run`)")
    rest_auth_required: bool = Field(False, description="REST channel off unless `REST_AUTH_TOKEN` is set (compose, Kubernetes)")
    slack_signing_secret: str = Field("", description="Slack signing secret (empty = Slack off)")
    slack_bot_token: str = Field("", description="Slack bot token (`xoxb-...`)")
    slack_channel: str = Field("", description="optional Slack channel id where the bot answers every message")
    slack_api_url: str = Field("", description="Slack API base URL (default: official; https only, except loopback)")
    # the user-data store and the action server
    userdata_url: str = Field(
        "", description="user-data store: session log, reminders, time zone (default: SQLite `var/userdata.db`)"
    )
    userdata_key: str = Field(
        "", description="secret of the pseudonymous user keys (default: random, made once in `var/userdata.key`)"
    )
    rasa_auth_token: str = Field(
        "", description="Rasa's HTTP API token, needed by the reminder scheduler (`make run` makes one in `var/`)"
    )
    action_server_token: str = Field(
        "", description="shared secret of Rasa and the action server (default: made once in `var/action-server-token`)"
    )
    rasa_url: str = Field(LOCAL_RASA_URL, description="where the action server's scheduler reaches Rasa")
    reminder_poll_seconds: float = Field(15.0, description="how often the scheduler looks for due reminders")
    reminders_enabled: bool = Field(True, description="the action server's reminder scheduler")
    userdata_migrate_on_start: bool = Field(True, description="the action server brings the user-data schema up to date at start")
    metrics_enabled: bool = Field(True, description="Prometheus `/metrics` on the action server (observability/metrics.py)")
    log_format: str = Field("text", description="`json`: one JSON object a line from both servers (deploy/docker/entrypoint.sh)")
    picture_cache_dir: str = Field("", description="where drawn pictures are kept (default: `var/pictures`)")
    max_session_turns: int = Field(
        6,
        ge=2,
        description="messages per session; the next opens between turns, keeping the slots (docs/architecture.md)",
    )
    rasa_endpoints: str = Field("endpoints.yml", description="endpoints file (tracker store: SQLite `var/tracker.db`)")
    retention_days: int = Field(365, ge=1, description="`make purge` deletes conversations and logs older than this")
    # the launch scripts (scripts/run.sh, scripts/serve_web.py)
    rasa_port: int = Field(5005, description="Rasa server port (`scripts/run.sh`)")
    rasa_host: str = Field("127.0.0.1", description="Rasa server interface")
    actions_port: int = Field(5055, description="action server port (`scripts/run.sh`)")
    actions_host: str = Field("127.0.0.1", description="action server interface (localhost only by default)")
    web_port: int = Field(8080, description="demo page server port (`scripts/serve_web.py`)")
    web_host: str = Field("127.0.0.1", description="demo page server interface")
    web_origins: str = Field(
        "http://localhost:8080 http://127.0.0.1:8080",
        description="page origins allowed on the socket (`rasa run --cors`), exact, space-separated",
    )
    rasa_socket_url: str = Field(LOCAL_RASA_URL, description="where the widget finds the bot")
    web_message_delay_ms: int = Field(1200, ge=0, description="longest typing pause of the widget before a bot message (0: none)")
    # read by Rasa from endpoints.production.yml (scripts/run_production.sh sets these local defaults)
    action_endpoint_url: str = Field("http://127.0.0.1:5055/webhook", description="the action server, as Rasa calls it")
    tracker_db_host: str = Field("127.0.0.1", description="PostgreSQL tracker store host")
    tracker_db_port: int = Field(5432, description="PostgreSQL tracker store port")
    tracker_db_name: str = Field("tpc_tracker", description="PostgreSQL tracker store database")
    tracker_db_user: str = Field("postgres", description="PostgreSQL tracker store user")
    tracker_db_password: str = Field("", description="PostgreSQL tracker store password")
    redis_host: str = Field("127.0.0.1", description="Redis lock store host")
    redis_port: int = Field(6379, description="Redis lock store port")
    redis_db: int = Field(0, description="Redis lock store database")
    redis_password: str = Field("", description="Redis password (lock store, and the dedupe store when its URL has none)")

    class Config:
        case_sensitive = False

    @validator("reminders_enabled", "userdata_migrate_on_start", "metrics_enabled", "rest_auth_required", pre=True)
    def _flag(cls, value: Any) -> bool:  # noqa: N805 - pydantic passes the class
        return flag(value)

    @validator("*")
    def _strip(cls, value: Any, field: ModelField) -> Any:  # noqa: N805
        if field.name in BYTE_EXACT:
            return value
        return value.strip() if isinstance(value, str) else value


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The settings of this process, read from the environment on first use."""
    try:
        return Settings.parse_obj({})  # the environment, over the defaults
    except ValidationError as error:
        invalid = sorted({str(problem["loc"][0]) for problem in error.errors()})
        logger.warning("invalid value for %s in the environment: using the default", ", ".join(name.upper() for name in invalid))
        return Settings.parse_obj({name: Settings.__fields__[name].default for name in invalid})
