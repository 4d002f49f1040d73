"""Listeners attached to the action server's Sanic app (see the package docstring)."""

from __future__ import annotations

import asyncio
import logging

from sanic import Sanic

from rasa_sdk_plugins import hookimpl
from settings import settings

logger = logging.getLogger(__name__)


@hookimpl
def attach_sanic_app_extensions(app: Sanic) -> None:
    @app.listener("before_server_start")
    async def migrate_user_data(app: Sanic, _loop) -> None:  # type: ignore[no-untyped-def]
        if settings().userdata_migrate_on_start:
            from userdata.migrate import upgrade

            logger.info("user-data store at revision %s", upgrade())

    @app.listener("after_server_start")
    async def start_reminders(app: Sanic, _loop) -> None:  # type: ignore[no-untyped-def]
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

    @app.listener("before_server_stop")
    async def stop_reminders(app: Sanic, _loop) -> None:  # type: ignore[no-untyped-def]
        task = getattr(app.ctx, "reminder_task", None)
        if task is not None:
            task.cancel()
