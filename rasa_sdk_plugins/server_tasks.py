"""Listeners attached to the action server's Sanic app (see the package docstring)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, cast

from sanic import Sanic

from rasa_sdk_plugins import hookimpl
from settings import settings

logger = logging.getLogger(__name__)


async def migrate_user_data(app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
    if settings().userdata_migrate_on_start:
        from userdata.migrate import upgrade

        logger.info("user-data store at revision %s", upgrade())


async def start_reminders(app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
    if not settings().reminders_enabled:
        return
    from userdata.repository import UserDataRepository
    from userdata.scheduler import ReminderScheduler, SchedulerSettings

    scheduler_settings = SchedulerSettings.from_env()
    if scheduler_settings is None:
        logger.warning("reminders are not sent: set RASA_AUTH_TOKEN (Rasa runs with --enable-api --auth-token)")
        return
    scheduler = ReminderScheduler(UserDataRepository.from_env(), scheduler_settings)
    app.ctx.reminder_task = asyncio.get_running_loop().create_task(scheduler.run_forever())


async def stop_reminders(app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
    task = getattr(app.ctx, "reminder_task", None)
    if task is not None:
        task.cancel()


@hookimpl
def attach_sanic_app_extensions(app: Sanic) -> None:
    # Sanic 21.12 annotates listeners as `ListenerType[Sanic]`, a subscripted alias that is not
    # generic, which mypy reads as Never: the app is used untyped for these three calls only.
    listeners = cast(Any, app)
    listeners.listener(migrate_user_data, "before_server_start")
    listeners.listener(start_reminders, "after_server_start")
    listeners.listener(stop_reminders, "before_server_stop")
