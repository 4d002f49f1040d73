"""Listeners attached to the action server's Sanic app (see the package docstring)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, Dict, Optional, cast

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from observability import logs, metrics
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


def action_call(request: Request) -> Optional[Dict[str, Any]]:
    """The action call's JSON body, or None when it is compressed or not an object. Sanic parses a
    body once and keeps it (`request.json`), so the log key, the metric label and rasa-sdk's own
    handler all read the same parse."""
    if request.headers.get("Content-Encoding") == "deflate":
        return None
    try:
        body = request.json
    except Exception:  # noqa: BLE001 - a bad body is rasa-sdk's to answer; here it is just unknown
        return None
    return body if isinstance(body, dict) else None


def action_name(request: Request) -> str:
    """The called action's name as a metric label ("other" when the body is compressed or odd)."""
    body = action_call(request)
    return metrics.action_label(body.get("next_action") if body is not None else None)


def conversation_of(request: Request) -> tuple[str | None, str | None]:
    """(channel, sender id) of an action call, for the JSON logs' conversation key."""
    body = action_call(request)
    tracker = body.get("tracker") if body is not None else None
    if not isinstance(tracker, dict):
        return None, None
    return tracker.get("latest_input_channel"), tracker.get("sender_id")


def attach_metrics(app: Sanic) -> None:
    """`GET /metrics`, and every action call counted by action name."""
    metrics.prepare_action_metrics()

    async def scrape(_: Request) -> HTTPResponse:
        body, content_type = metrics.exposition()
        return response.raw(body, content_type=content_type)

    app.add_route(scrape, "/metrics", methods=["GET"], name="tpc_metrics")

    @app.on_response
    async def count_action(request: Request, answer: HTTPResponse) -> None:
        if request.path != "/webhook" or request.method != "POST":
            return
        name = action_name(request)
        metrics.ACTION_RUNS.labels(name).inc()
        if answer.status == 404 or answer.status >= 500:
            metrics.ACTION_ERRORS.labels(name).inc()


@hookimpl
def attach_sanic_app_extensions(app: Sanic) -> None:
    @app.on_request
    async def log_whose_call(request: Request) -> None:
        # request middleware runs in the handler's task: the JSON logs know whose call it is
        if request.path == "/webhook" and request.method == "POST":
            request.ctx.log_token = logs.bind_conversation(*conversation_of(request))

    @app.on_response
    async def end_of_call(request: Request, answer: HTTPResponse) -> None:
        token = getattr(request.ctx, "log_token", None)
        if token is not None:
            with contextlib.suppress(ValueError):  # another context: the binding ends with the task anyway
                logs.unbind_conversation(token)

    # Prometheus metrics (observability/metrics.py); never routed from outside (deploy/nginx,
    # deploy/k8s). METRICS_ENABLED=false turns them off (bench/metrics_cost.py measures the cost).
    if settings().metrics_enabled:
        attach_metrics(app)

    # Sanic 21.12 annotates listeners as `ListenerType[Sanic]`, a subscripted alias that is not
    # generic, which mypy reads as Never: the app is used untyped for these three calls only.
    listeners = cast(Any, app)
    listeners.listener(migrate_user_data, "before_server_start")
    listeners.listener(start_reminders, "after_server_start")
    listeners.listener(stop_reminders, "before_server_stop")
