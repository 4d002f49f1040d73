"""Listeners attached to the action server's Sanic app (see the package docstring)."""

from __future__ import annotations

import asyncio
import logging
import os

from sanic import Sanic

from rasa_sdk_plugins import hookimpl

logger = logging.getLogger(__name__)


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


@hookimpl
def attach_sanic_app_extensions(app: Sanic) -> None:
    @app.listener("before_server_start")
    async def migrate_user_data(app: Sanic, _loop) -> None:  # type: ignore[no-untyped-def]
        if _flag("USERDATA_MIGRATE_ON_START", True):
            from userdata.migrate import upgrade

            logger.info("user-data store at revision %s", upgrade())

    @app.listener("after_server_start")
    async def start_reminders(app: Sanic, _loop) -> None:  # type: ignore[no-untyped-def]
        if not _flag("REMINDERS_ENABLED", True):
            return
        from userdata.repository import UserDataRepository
        from userdata.scheduler import ReminderScheduler, SchedulerSettings

        settings = SchedulerSettings.from_env()
        if settings is None:
            logger.warning("reminders are not sent: set RASA_AUTH_TOKEN (Rasa runs with --enable-api --auth-token)")
            return
        scheduler = ReminderScheduler(UserDataRepository.from_env(), settings)
        app.ctx.reminder_task = asyncio.get_running_loop().create_task(scheduler.run_forever())

    @app.listener("before_server_stop")
    async def stop_reminders(app: Sanic, _loop) -> None:  # type: ignore[no-untyped-def]
        task = getattr(app.ctx, "reminder_task", None)
        if task is not None:
            task.cancel()
