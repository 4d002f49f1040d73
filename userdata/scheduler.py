"""The reminder scheduler: a background task of the action server that sends each due reminder once,
and deletes each data export not downloaded within its 15 minutes (so within a round of that).

Every POLL_SECONDS it claims the due reminders (UserDataRepository.claim_due: row locks, so with
several action servers each reminder is claimed by one) and sends each through Rasa's own HTTP
API, `POST /conversations/<sender>/trigger_intent?output_channel=<channel>` with the intent
EXTERNAL_reminder and the API token. A send that fails puts the reminder back (it is retried
while less than an hour late). Rasa must run with `--enable-api --auth-token`; without
RASA_AUTH_TOKEN the scheduler does not start (and says so in the log).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Optional
from urllib.parse import quote

import aiohttp

from channels.identity import CHANNELS, conversation_id
from observability import metrics
from settings import LOCAL_RASA_URL, settings
from userdata.repository import DueReminder, UserDataRepository

logger = logging.getLogger(__name__)
REMINDER_INTENT = "EXTERNAL_reminder"
HTTP_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class SchedulerSettings:
    rasa_url: str
    token: str
    poll_seconds: float

    @classmethod
    def from_env(cls) -> Optional[SchedulerSettings]:
        config = settings()
        if not config.rasa_auth_token:
            return None
        return cls((config.rasa_url or LOCAL_RASA_URL).rstrip("/"), config.rasa_auth_token, config.reminder_poll_seconds)


def reminder_conversation(reminder: DueReminder) -> str:
    """The conversation a reminder goes back to: `<channel>:<id>` (channels/identity.py). The store
    keeps the channel's own id, sealed, so reminders set before namespacing arrive too."""
    if reminder.channel in CHANNELS:
        return conversation_id(reminder.channel, reminder.sender_id)
    return reminder.sender_id


class ReminderScheduler:
    def __init__(self, store: UserDataRepository, settings: SchedulerSettings) -> None:
        self.store = store
        self.settings = settings

    async def send(self, session: aiohttp.ClientSession, reminder: DueReminder) -> bool:
        url = f"{self.settings.rasa_url}/conversations/{quote(reminder_conversation(reminder), safe='')}/trigger_intent"
        params = {"output_channel": reminder.channel, "token": self.settings.token}
        body = {"name": REMINDER_INTENT, "entities": {"reminder": str(reminder.id)}}
        try:
            async with session.post(url, params=params, json=body) as answer:
                if answer.status == 200:
                    return True
                logger.warning("reminder %s: Rasa answered %s", reminder.id, answer.status)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            logger.warning("reminder %s: Rasa unreachable (%s)", reminder.id, type(exc).__name__)
        return False

    async def run_once(self) -> int:
        """Send what is due now, and delete the exports nobody downloaded in time; returns how
        many reminders were sent."""
        expired = await asyncio.to_thread(self.store.delete_expired_exports)
        if expired:
            logger.info("%d data export(s) not downloaded within 15 minutes were deleted", expired)
        claimed, skipped = await asyncio.to_thread(self.store.claim_due)
        metrics.reminders_skipped(skipped)
        if skipped:
            logger.info("%d reminder(s) more than an hour late were skipped", skipped)
        sent = 0
        timeout = aiohttp.ClientTimeout(total=HTTP_TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            for reminder in claimed:
                if await self.send(session, reminder):
                    sent += 1
                    metrics.reminder_sent(self.lag_seconds(reminder))
                else:
                    metrics.reminder_failed()
                    await asyncio.to_thread(self.store.unclaim, reminder)
        return sent

    def lag_seconds(self, reminder: DueReminder) -> float:
        """How late the reminder went out, on the store's clock (the one that decided it was due)."""
        now: datetime = self.store.clock()
        return (now - reminder.was_due_at).total_seconds()

    async def run_forever(self) -> None:
        logger.info("reminder scheduler started (every %.0f s)", self.settings.poll_seconds)
        while True:
            try:
                await self.run_once()
            except Exception:  # noqa: BLE001 - one bad round (DB down...) must not stop the scheduler
                metrics.userdata_error("reminders")
                logger.exception("reminder round failed")
            await asyncio.sleep(self.settings.poll_seconds)
