"""rasa-sdk's plug-in point (rasa_sdk/plugin.py imports this package by name): what the action
server does when it starts and stops, beside answering actions.

- the user-data store's schema is brought up to date (`USERDATA_MIGRATE_ON_START`, default on;
  the deploy stack migrates once in its own step and turns this off);
- the reminder scheduler runs as a background task of the server (userdata/scheduler.py);
- every call but the health check needs the shared secret, and the server listens on localhost
  by default (access.py).
- Prometheus metrics on `/metrics`, and each action call counted (observability/metrics.py).
- log records carry no health data and a failing action answers without the tracker (log_privacy.py).
"""

from __future__ import annotations

import pluggy

hookimpl = pluggy.HookimplMarker("rasa_sdk")


def init_hooks(manager: pluggy.PluginManager) -> None:
    from rasa_sdk_plugins import access, server_tasks

    manager.register(access)
    manager.register(server_tasks)
    from rasa_sdk_plugins import log_privacy

    manager.register(log_privacy)
