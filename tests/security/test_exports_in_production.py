"""Finding 4 of issue #22: data exports in production.

The widget's export link pointed at 127.0.0.1 or rasa:5005 (RASA_PUBLIC_URL unset), nginx and the
Ingress did not route `/webhooks/socketio/export/`, and the Rasa pods had neither the user-data
key nor the database password to create the link. And an export never downloaded stayed in the
store, unencrypted, until the 365-day purge, where the README promises 15 minutes.

Here: the scheduler deletes an unused export once its 15 minutes are over (an injected clock,
no sleeping), on SQLite and PostgreSQL; the link uses RASA_PUBLIC_URL; the deploy files route it
and give the Rasa pods what they need. `make test-deploy` downloads a widget's export through nginx
(tests/deploy/stack/test_stack.py).
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest
import yaml
from sqlalchemy import func, select

from tests.clock import START, Clock
from tests.deploy.k8s_manifests import k8s_secret_of
from userdata import models as m
from userdata.db import make_engine
from userdata.migrate import upgrade
from userdata.repository import UserDataRepository
from userdata.scheduler import ReminderScheduler, SchedulerSettings

ROOT = Path(__file__).resolve().parents[2]
SECRET_CONTENT = '{"sessions": [{"area": "neck", "pain_before": 8}]}'


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("USERDATA_KEY", "test-key")
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'userdata.db'}"
    else:
        yield request.getfixturevalue("postgres_engine").url.render_as_string(hide_password=False)


def waiting_exports(store: UserDataRepository) -> int:
    with store.engine.connect() as db:
        return int(db.execute(select(func.count()).select_from(m.Export)).scalar_one())


def test_an_export_nobody_downloads_is_deleted_by_the_scheduler_after_15_minutes(store_url: str) -> None:
    upgrade(store_url)
    clock = Clock(START)
    store = UserDataRepository(make_engine(store_url), clock)
    # the port is never called: nothing is due, so the round only sweeps
    scheduler = ReminderScheduler(store, SchedulerSettings("http://127.0.0.1:9", "unused", 15.0))
    unused = store.create_export("socketio", "0123456789abcdef0123456789abcdef", SECRET_CONTENT)
    clock.advance(minutes=5)
    downloaded = store.create_export("socketio", "fedcba9876543210fedcba9876543210", SECRET_CONTENT)
    assert store.take_export(downloaded) == SECRET_CONTENT  # one download, then it is gone

    clock.advance(minutes=9, seconds=59)  # 14:59 after the first: still waiting for its download
    asyncio.run(scheduler.run_once())
    assert waiting_exports(store) == 1

    clock.advance(seconds=1 + 15)  # past 15 minutes, by one scheduler round (15 s)
    asyncio.run(scheduler.run_once())
    assert waiting_exports(store) == 0
    assert store.take_export(unused) is None


def test_the_link_points_at_the_public_address(monkeypatch: pytest.MonkeyPatch) -> None:
    from channels import socketio
    from replies.model import Attachment

    monkeypatch.setenv("RASA_URL", "http://rasa:5005")
    monkeypatch.setenv("RASA_PUBLIC_URL", "https://coach.example.org/")
    link = socketio.download_link(Attachment("my-data.json", "application/json", link_token="t0k-en_1"))
    assert link == "https://coach.example.org/webhooks/socketio/export/t0k-en_1"


# -- the deploy files --------------------------------------------------------------------------


def test_nginx_routes_the_export_links_get_only() -> None:
    conf = (ROOT / "deploy" / "nginx" / "nginx.conf").read_text()
    block = re.search(r"location /webhooks/socketio/export/ \{(.*?)\n    \}", conf, re.S)
    assert block is not None
    assert "proxy_pass http://$rasa;" in block.group(1) and "limit_except GET { deny all; }" in block.group(1)


def test_the_ingress_routes_the_export_links() -> None:
    ingress = next(yaml.safe_load_all((ROOT / "deploy" / "k8s" / "ingress.yaml").read_text()))
    paths = {p["path"]: p for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]}
    assert paths["/webhooks/socketio/export/"]["pathType"] == "Prefix"
    assert paths["/webhooks/socketio/export/"]["backend"]["service"]["name"] == "rasa"


def test_compose_gives_rasa_the_public_address_and_the_user_data_store() -> None:
    rasa: Dict[str, Any] = yaml.safe_load((ROOT / "deploy" / "docker-compose.yml").read_text())["services"]["rasa"]
    env = rasa["environment"]
    assert env["RASA_PUBLIC_URL"].startswith("${RASA_PUBLIC_URL:?")
    assert env["USERDATA_URL"] == "postgresql://tpc@postgres:5432/tpc_userdata"
    assert env["PGPASSWORD"] == "${POSTGRES_PASSWORD}" and env["USERDATA_KEY"].startswith("${USERDATA_KEY:?")
    assert "backend" in rasa["networks"]  # where PostgreSQL is


def test_kubernetes_gives_rasa_the_public_address_and_the_user_data_store() -> None:
    config = yaml.safe_load((ROOT / "deploy" / "k8s" / "configmap.yaml").read_text())["data"]
    assert config["RASA_PUBLIC_URL"].startswith("https://") and config["USERDATA_URL"].startswith("postgresql://")
    deployment = yaml.safe_load((ROOT / "deploy" / "k8s" / "rasa.yaml").read_text().split("\n---")[0])
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert {"configMapRef": {"name": "tpc-config"}} in container["envFrom"]
    assert k8s_secret_of("rasa", "PGPASSWORD") == ("postgres-password", False)
    assert k8s_secret_of("rasa", "USERDATA_KEY") == ("userdata-key", False)
