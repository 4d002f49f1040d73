"""Which Telegram updates and Slack events were already handled, across Rasa replicas.

Telegram and Slack redeliver what they think was not received, and behind a load balancer the
retry can reach another replica than the first delivery. With `DEDUPE_REDIS_URL` set (e.g.
`redis://redis:6379/1`), a key is claimed with one `SET key 1 NX EX ttl`: of every replica that
receives the same update, exactly one wins the claim and answers. The Redis password is the
URL's, or else `REDIS_PASSWORD` (the lock store's variable: the secret is set once).

Without `DEDUPE_REDIS_URL` (the embedded default, `make run`) the memory of this process is used
(`channels.common.SeenKeys`): enough for one Rasa process.

When Redis does not answer, a key falls back to this process's memory and a warning is logged:
the person still gets an answer; only a retry that reaches another replica during the outage
could be answered twice (the lock store uses the same Redis, so Rasa is failing then anyway).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Optional
from urllib.parse import urlsplit

from redis import asyncio as aioredis
from redis.exceptions import RedisError

from channels.common import SeenKeys
from settings import settings

logger = logging.getLogger(__name__)

KEY_PREFIX = "tpc:dedupe:"
#: webhook retries come within minutes (Slack: 3 within an hour at most)
TTL_SECONDS = 3600
TIMEOUT_SECONDS = 2.0


class Dedupe:
    """Claims keys once; in Redis when a URL is given, else in this process."""

    def __init__(self, namespace: str, url: str = "", password: str = "", ttl: int = TTL_SECONDS) -> None:
        self.namespace = namespace
        self.url = url
        self.ttl = ttl
        self._password = password
        self._memory = SeenKeys(ttl=ttl)
        self._client: Any = None  # created on first use, inside the server's event loop

    @classmethod
    def from_env(cls, namespace: str) -> Dedupe:
        config = settings()
        return cls(namespace, url=config.dedupe_redis_url, password=config.redis_password)

    @property
    def shared(self) -> bool:
        """True when the keys live in Redis (seen by every replica)."""
        return bool(self.url)

    def key(self, key: str) -> str:
        return f"{KEY_PREFIX}{self.namespace}:{key}"

    def _redis(self) -> Any:
        if self._client is None:
            options: dict = {"socket_timeout": TIMEOUT_SECONDS, "socket_connect_timeout": TIMEOUT_SECONDS}
            if self._password and not urlsplit(self.url).password:
                options["password"] = self._password
            self._client = aioredis.Redis.from_url(self.url, **options)
        return self._client

    def _fallback(self, error: BaseException) -> None:
        logger.warning("dedupe: Redis at %s unavailable (%r); this replica's memory is used", _safe(self.url), error)

    async def claim(self, key: str) -> bool:
        """True the first time `key` is claimed (by any replica, within the TTL), else False."""
        if self.shared:
            try:
                claimed = await self._redis().set(self.key(key), "1", nx=True, ex=self.ttl)
                self._memory.add(key)
                return bool(claimed)
            except (RedisError, OSError, asyncio.TimeoutError) as error:
                self._fallback(error)
        return self._memory.add(key)

    async def seen(self, key: str) -> bool:
        """Whether `key` was claimed already (a look, not a claim)."""
        if self.shared:
            try:
                return bool(await self._redis().exists(self.key(key)))
            except (RedisError, OSError, asyncio.TimeoutError) as error:
                self._fallback(error)
        return key in self._memory

    async def close(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await client.close()


def _safe(url: str) -> str:
    """The URL without its password, for logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username or ''}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return parts._replace(netloc=netloc).geturl()


def telegram_namespace(access_token: Optional[str]) -> str:
    """Update ids are counted per bot: the bot id (the token's part before ':') keys them."""
    bot_id = (access_token or "").split(":", 1)[0]
    return f"telegram:{bot_id}" if bot_id.isdigit() else "telegram"
